"""The constructs crisis detection looks for, each a small rule over normalised text.

Modelled on what clinicians screen for — the Columbia Suicide Severity Rating Scale (wish to be
dead, active ideation, method, intent and plan, preparatory acts, an attempt, self-harm) — and on
safeguarding practice (burden and disappearance, hopelessness with finality, danger from others,
a medical emergency). A rule is a list of cues; each cue is a regular expression over the text
as :func:`normalise` leaves it (lower case, no apostrophes, chat spellings expanded: "i'm" is
``im``, "can't" is ``cant``, "u" is ``you``, "kms" is ``kill myself``) and a weight. A message
whose cues add up to 1 or more is a crisis; a weaker cue (a method word, a time word, "I can't do
this anymore") counts only together with another. When in doubt the rules lean towards offering
resources: a kindly worded note costs little.

Figures of speech are taken out before the rules run (:data:`IDIOMS`: "this homework is killing
me", "I could die of embarrassment", "dying to see it", "I'd kill for a coffee"), and talk that
is clearly about a game, a film or the news weakens the cues that such talk shares with crisis
language ("I keep dying on this boss").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["BODY", "GAME", "HURT", "IDIOMS", "ME", "MEDIA", "WHO", "Cue", "Rule", "cues", "near"]

# The writer, as the subject or object of what they say.
SELF = r"(?:i|im|ive|id|ill|me|myself)"
# Someone close the writer may be worried about.
OTHER = (
    r"(?:friend|friends|best friend|bestie|bff|mate|buddy|brother|bro|sister|sis|mom|mum|mother|"
    r"dad|father|son|daughter|kid|child|cousin|roommate|flatmate|girlfriend|boyfriend|gf|bf|"
    r"partner|husband|wife|classmate|coworker|colleague|teammate|neighbou?r|grandma|grandpa|"
    r"aunt|uncle|he|she|hes|shes|someone|somebody|ex|niece|nephew|student|patient|baby|infant|"
    r"newborn|toddler|grandad|granddad|grandmother|grandfather|nan|nana|granny|stepdad|stepmom)"
)
# Ways to say "to stop being alive", and things that would do it.
DEATH = (
    r"(?:die|died|dies|dying|dead|death|not wake up|never wake up|dont wake up|not waking up|"
    r"stay asleep|sleep forever|stay gone|not exist|didnt exist|dont exist|stop existing|"
    r"not be here|not being here|not be around|wasnt around|not around|be gone|was gone|"
    r"were gone|been born|was born|never born|not being alive|not be alive|finish my life|stop my life|"
    r"being done|be done|come soon|comes soon|coming soon|were born|wasnt born|end it|ending it|end things|ending "
    r"things|end everything|end my life|end his life|end her life|ending myself|end myself|"
    r"checking out|check out|kill myself|killing myself|kill himself|kill herself|off myself|"
    r"not alive|be over|stop breathing|last one|my funeral|disappear|evaporate|cease to exist|"
    r"stop being|hits me|hit me|kills me|kill me|runs me over|run me over|goes down|doesnt "
    r"brake|dont brake|takes me|take me|crash|crashes|terminal|never came back|not come back|"
    r"not coming back|fall asleep forever|the end|rest forever|be at peace|gone for good)"
)
WISH = (
    r"(?:want|wants|wanted|wanna|wish|wishes|wished|wishing|hope|hopes|hoped|hoping|pray|prays|"
    r"praying|prayed|rather|be fine if|a mercy if|mercy|a blessing|a relief if|welcome it|pls|please|"
    r"yes|be okay if|be ok if|relieved|wouldnt mind|would not mind|"
    r"dream of|long for|longing|tempted|ready to|need to|just wanna|wouldnt care if)"
)
THINK = (
    r"(?:think|thinks|thinking|thinkin|thought|thoughts|abt|fantasi[sz]\w*|dream\w*|obsess\w*|"
    r"consider\w*|contemplat\w*|wonder\w*|plan|plans|planning|planned|research\w*|googl\w*|"
    r"searching|looked up|look up|keep picturing|picturing|imagine|imagining)"
)
MEANS = (
    r"(?:pills?|tablets?|meds|medication|prescription|sleeping pills|painkillers?|paracetamol|"
    r"tylenol|acetaminophen|ibuprofen|advil|aspirin|xanax|insulin|overdose|rope|noose|belt|gun|"
    r"guns|pistol|rifle|shotgun|firearm|bullet|bridge|roof|rooftop|ledge|balcony|cliff|tracks|"
    r"train|traffic|highway|motorway|car|garage|exhaust|razor|razors|blade|blades|knife|wrists?|"
    r"bleach|antifreeze|poison|drown|drowning|river|lake|sea|building|window|bathtub|cord|beam|"
    r"vodka|alcohol|height|heights|edge|overpass|parking garage)"
)
TOOK = (
    r"(?:took|taken|take|taking|swallowed|swallow|downed|ate|popped|chugged|necked|had|drank|mixed)"
)
PILLS = (
    r"(?:pills?|tablets?|meds|medication|prescription|sleeping pills|painkillers?|paracetamol|"
    r"tylenol|ibuprofen|advil|aspirin|xanax|insulin|bottle|pack|box|capsules|antidepressants|"
    r"sertraline|oxy\w*|opioids?|benzos?|them)"
)
QUANTITY = (
    r"(?:all of them|all of it|all my|all the|all his|all her|the whole|whole bottle|whole pack|"
    r"whole box|my whole|a load|a handful|handful|a bunch|bunch|so many|too many|way too many|"
    r"a lot of|loads of|lots of|everything|the rest|a fistful|double|triple|\d+ of)"
)
WHEN = (
    r"(?:tonight|tonights|today|on (?:my|his|her) birthday|in \d+ days|counting down|at \d+(?: ?(?:am|pm))?|when (?:my|the) \w+ (?:ends|finishes|is over)|tomorrow|tmrw|tmr|this (?:weekend|week|evening|afternoon|morning|"
    r"friday|saturday|sunday|monday|tuesday|wednesday|thursday|month|time)|on (?:friday|saturday|"
    r"sunday|monday|tuesday|wednesday|thursday|my birthday)|after (?:the |my )?(?:last )?(?:exams?|"
    r"finals|test|party|holidays|christmas|wedding|funeral|graduation|semester|term|weekend|shift|"
    r"results)|when (?:everyone|everyones|every1|they|the house|my \w+|hes|shes|theyre)"
    r"(?: is| are|s)? (?:asleep|gone|out|away|leaves|leave|sleeping|at work)|once (?:my|the|"
    r"everyone|they|he|she)(?: \w+)? (?:leaves|leave|is gone|are gone|goes|go|falls asleep)|"
    r"before (?:the )?(?:morning|sunrise|weekend|new year|my birthday)|by (?:friday|tomorrow|the "
    r"weekend|midnight|morning|sunday|the end of)|at midnight|in a few (?:hours|days)|next week|"
    r"for christmas|new years?|the \d+(?:st|nd|rd|th)|this is (?:it|the last))"
)
LAUGH = r"(?:lol|lmao|lmfao|haha\w*|hehe\w*|xd|emojilaugh|jk|rofl|kek)"


# Who hurts whom, and where on the body (danger from others, self-harm).
WHO = rf"(?:{OTHER}|my \w+|this guy|a guy|a man|the man|people|they|coach|teacher)"
ME = r"(?:me|us|my|her|him|them)"
HURT = (
    r"(?:hit|hits|hitting|beat|beats|beating|beaten|punch|punched|punches|choke|choked|chokes|"
    r"choking|strangled|strangles|strangling|kicked|kicks|slapped|slaps|shoved|shoves|pushed|"
    r"pushes|threw|throws|throwing|dragged|drags|grabbed|grabs|raped|touched|touches|forced|forces|"
    r"threatened|threatens|hurt|hurts|hurting|burned|locked|tied|followed|follows|stalks|"
    r"stalked|drugged|molested|abused|abuses|attacked|attacks|bruised|smacked|smacks|whipped|"
    r"belted|chased|cornered|pinned)"
)
BODY = r"(?:arms?|wrists?|legs?|thighs?|skin|stomach|hips?|hands?|body|ankles?|chest|shoulders?)"


def near(first: str, second: str, gap: int = 5) -> str:
    """``first``, then at most ``gap`` words, then ``second``."""
    return rf"{first} (?:[a-z0-9]+ ){{0,{gap}}}{second}"


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    weight: float


@dataclass(frozen=True)
class Rule:
    construct: str
    what: str
    cues: tuple[Cue, ...]


def cues(*pairs: tuple[str, float]) -> tuple[Cue, ...]:
    return tuple(Cue(re.compile(r"(?<![a-z0-9])" + p + r"(?![a-z0-9])"), w) for p, w in pairs)


STRONG = 1.0
MEDIUM = 0.6
WEAK = 0.4
FAINT = 0.25

# Figures of speech, taken out of the text before the rules run.
IDIOMS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(r"(?<![a-z0-9])" + p + r"(?![a-z0-9])")
    for p in (
        r"(?:is|are|was|were|s|its|keeps|keep|be|been|kinda|literally|actually|honestly|lowkey|"
        r"so|really) (?:literally |actually |honestly |lowkey |so |really |gonna |going to )*"
        r"(?:killing|murdering|destroying) me(?: inside)?",
        r"(?:die|died|dying|dead|diedd) (?:of|from) (?:embarrassment|shame|laughter|laughing|cringe|"
        r"boredom|cuteness|happiness|excitement|jealousy|envy|hunger|thirst|heat|secondhand "
        r"embarrassment)",
        r"(?:dying|die) (?:to|for) (?:see|try|know|hear|meet|watch|play|get|go|eat|a|an|some|the)",
        r"(?:kill|murder|die) for (?:a|an|some|the|that|this|one)",
        r"(?:kill|shoot) me now",
        r"(?:jump|jumped) off a (?:bridge|cliff|roof) (?:for|if|to get|over)",
        r"(?:scared|bored|worried|love|loved|tickled|frozen) (?:me )?to death",
        r"(?:over my dead body|drop dead (?:gorgeous|beautiful)|dead tired|dead serious|dead end|"
        r"dead battery|dead phone|dead last|dead heat|dead on)",
        r"(?:killed|killing|kill) it",
        r"(?:phone|battery|laptop|plant|plants|car|headphones|controller|mic|wifi) (?:is |s |just |"
        r"has |finally )*(?:dead|died|dying)",
        r"(?:im|i am|literally|actually|so|lmao|lol|emojilaugh) (?:dead|deceased|dying|ded|crying)"
        r"(?: (?:lol|lmao|lmfao|emojilaugh|haha\w*|xd|bruh|fr))+",
        r"(?:lol|lmao|lmfao|emojilaugh|haha\w*|xd) (?:im |i am )?(?:dead|deceased|dying|ded)",
        r"(?:kill|killed|killing|slay|slayed) (?:the|a|an|this|that|these|those|all the|all|every|"
        r"some|my) (?:boss|bosses|mob|mobs|dragon|enemy|enemies|zombie|zombies|time|vibe|mood|"
        r"lights|engine|process|bug|bugs|music|spider|spiders|fly|flies|mosquito|weeds|plant|"
        r"conversation|party|presentation|exam|test|interview|game|competition|look|outfit)",
        r"(?:hit|hitting|hits) (?:the )?(?:gym|road|books|hay|sack|snooze|jackpot|bar|bottle|shops|"
        r"mall|spot|nail|deadline|target|button|wall)",
        r"(?:cut|cutting) (?:the |some |up )?(?:onions?|vegetables|veggies|carrots|bread|cake|"
        r"paper|grass|hair|ties|corners|class|costs|back on|down on|it close|me off|the cord)",
        r"(?:my|the) (?:feet|back|legs|head|knees|neck|shoulders|stomach|eyes) (?:are |is )?"
        r"(?:killing|murdering) me",
        r"(?:drives|driving|drove) me (?:crazy|insane|nuts|up the wall)",
        r"(?:laugh\w*|lol|lmao|lmfao|emojilaugh|cracking up) (?:[a-z0-9]+ ){0,4}(?:stopped breathing|"
        r"cant breathe|couldnt breathe|died|dying|dead|chest hurts)",
        r"(?:cant|couldnt|cannot) breathe (?:[a-z0-9]+ ){0,3}(?:laugh\w*|lol|lmao|emojilaugh)",
        r"(?:end|ending|ended|end things) (?:it |things )?with (?:my|him|her|them|this)",
        r"(?:swallowed|swallow) (?:my |a |some |the )?gum",
        r"(?:end|ending|stop|finish) (?:it|things) (?:here|there|for today|for now|for tonight)|"
        r"(?:end|ending|ended) (?:the|this|our|my) (?:call|meeting|stream|session|game|class|chapter|"
        r"match|round|shift|lesson|episode|season|relationship|friendship|streak)",
        r"crawl (?:in|into) (?:a )?hole and die",
        r"goodbye (?:cards?|party|lunch|gift|drinks|present|card)",
        r"(?:burned|burnt|cut|hurt|scratched|bruised|scalded) (?:my (?:[a-z]+ )?)?(?:[a-z]+ )?(?:on|with|"
        r"while|at|from) (?:the |a |my )?(?:oven|stove|pan|tray|iron|kettle|door|bike|gym|cooking|"
        r"chopping|baking|grill|bbq|curling iron|hair straightener|football|practice|work|soup|"
        r"tea|coffee)",
        r"disappear (?:for (?:a|the|few|some|\d+|like)(?: few| couple| couple of)? (?:days|day|hours|"
        r"weeks|weekend|while|bit|month)|off grid|offline|from social media|for the weekend)",
        r"(?:rather|sooner) die than (?:[a-z0-9]+ ){0,8}(?:lol|lmao|lmfao|emojilaugh|haha\w*)",
        r"(?:gonna|going to|will|would|could) (?:kill|murder|strangle) (?:him|her|them|you|my "
        r"(?:brother|sister|roommate|cat|dog|boss|teacher))(?: (?:lol|lmao|emojilaugh|haha\w*))",
    )
)

# The words such talk shares with crisis language: in a game, film or news context a cue that
# leans on one of them counts half.
SHARED = re.compile(
    r"(?<![a-z0-9])(?:die|died|dies|dying|dead|death|kill\w*|jump\w*|bridge|roof|fall\w*|fell|"
    r"bled|bleed\w*|blood\w*|gun|guns|shot|shoot\w*|suicid\w*|pills?|overdose\w*|rope|knife|"
    r"attack|seizure|anaphyla\w*|hang\w*|drown\w*|poison\w*|cut\w*|wrists?|level|end|ending|"
    r"over|gone|take me|hit me|hits me|breath\w*|stab\w*|choke\w*|heart|alive|live|living|"
    r"wake|born|exist\w*|edge|ledge|tracks|train|car|drive\w*|crash\w*|attempt\w*|tried|"
    r"try\w*|blue|collapsed|unconscious|faint\w*|passed out)(?![a-z0-9])"
)

# Context that makes death and violence words likely to be about something other than the writer:
# a game, a film, a book or the news. Only words that leave little doubt.
GAME = re.compile(
    r"(?<![a-z0-9])(?:boss|bosses|respawn\w*|spawn\w*|raid|raids|raiding|ranked|lobby|mobs?|"
    r"wiped|npcs?|quest|quests|fortnite|minecraft|valorant|elden ring|dark souls|dota|csgo|cs2|"
    r"apex|overwatch|warzone|pubg|roblox|zelda|hollow knight|gaming|gamer|hp|health "
    r"bar|potions?|checkpoint|speedrun\w*|pvp|pve|dungeon|noob|headshot\w*|teammates|sniper|"
    r"controller|steam|xbox|dayz|tarkov|my guy|my char|bandages|playstation|ps5|dlc|the sims|my character|level \d+|puzzle|hardcore "
    r"mode)(?![a-z0-9])"
)
MEDIA = re.compile(
    r"(?<![a-z0-9])(?:movie|movies|film|films|tv show|the show|this show|episode|episodes|series|"
    r"season \d+|book|books|novel|chapter|chapters|author|characters?|protagonist|villain|plot|"
    r"the ending|finale|song|songs|lyrics|album|podcast|documentary|anime|manga|netflix|hbo|"
    r"scene|actor|actress|musical|fanfic|fic|comic|trailer|spoilers?|main character|article|news|"
    r"headline|headlines|reported|police said|according to|study|studies|statistics|stats|"
    r"percent|rates|celebrity|singer|rapper|rip|awareness|prevention|campaign|journalist|"
    r"read about|saw on|heard on|greys|for class|essay|story)(?![a-z0-9])"
)
