"""Burden, finality, danger from others and medical emergencies (safeguarding practice). One rule per construct; see
``vocabulary`` for the shared words and weights.
"""

from __future__ import annotations

from bot.core.crisis.vocabulary import (
    FAINT,
    HURT,
    ME,
    MEDIUM,
    STRONG,
    WEAK,
    WHO,
    Rule,
    cues,
    near,
)

__all__ = ["RULES"]

RULES: tuple[Rule, ...] = (
    Rule(
        "burden_disappearance",
        "feeling a burden, that nobody would care, wanting to disappear for good",
        cues(
            (
                near(
                    r"(?:better|happier|easier|lighter|smoother|fine|okay|ok|freer|richer|calmer|"
                    r"simpler)",
                    r"(?:without|minus|sans) (?:me|him|her|them)",
                    4,
                ),
                STRONG,
            ),
            (r"(?:without|minus) (?:me|him|her)(?: around| there| here| in the picture)?", FAINT),
            (
                r"(?:dead weight|deadweight|waste of (?:space|air|oxygen|life|money)|drain on "
                r"(?:everyone|everybody|them|my \w+)|mistake that should|should never have been born)",
                STRONG,
            ),
            (r"burden", MEDIUM),
            (
                r"(?:just|only|nothing but|such) (?:a |an )?(?:burden|problem|weight|drain|trouble)",
                MEDIUM,
            ),
            (
                r"(?:better|easier|happier|best) (?:for (?:everyone|everybody|them|all) )?if (?:i|im|i am|i "
                r"was|i were|he|she) (?:was |were |am |is )?(?:gone|dead|not here|not around|never "
                r"born)",
                STRONG,
            ),
            (r"for always|for ever|forever", FAINT),
            (
                near(
                    r"(?:no one|nobody|noone|no1|not one person|anyone|wouldnt|would not|wont|"
                    r"will not|dont think)",
                    r"(?:care|notice|miss|matter|cry|mourn|come to my)",
                    4,
                ),
                MEDIUM,
            ),
            (
                r"(?:if|when|once) (?:i|im|he|she|they) (?:just )?(?:was|were|am|is|got)? ?(?:gone|"
                r"dead|not around|disappeared|died|not here|wasnt here|werent here|wasnt around|"
                r"werent around|left for good|stopped existing|didnt exist|never existed|vanished|went missing|"
                r"disappeared)",
                MEDIUM,
            ),
            (r"(?:doesnt|does not|wouldnt|would not|wont) matter if (?:i|im|he|she)", STRONG),
            (r"(?:no one|nobody|noone) (?:needs|wants|loves) me", WEAK),
            (r"(?:ruin|ruining|ruined) everyone s? (?:lives|life)", MEDIUM),
            (
                r"(?:take|taking|remove|removing|erase|erasing) (?:myself|me|himself|herself) (?:out of|"
                r"from) (?:the (?:picture|equation)|their lives|everyones lives|the world)",
                STRONG,
            ),
            (
                near(
                    r"(?:remove|erase|disappear|vanish|evaporate|delete)",
                    r"(?:permanent\w*|forever|"
                    r"for good|for ever|and never come back|without a trace|completely)",
                    6,
                ),
                STRONG,
            ),
            (
                r"(?:disappear|vanish|evaporate|fade away|not exist|stop existing|be erased|be "
                r"forgotten|stop being a thing)",
                FAINT,
            ),
            (r"(?:do|doing) (?:them|everyone|the world|my family|my friends) a favou?r", MEDIUM),
            (
                near(
                    r"(?:save|saves|saving|spare|spared|spares)",
                    r"(?:money|stress|trouble|grief|"
                    r"pain|heartache|hassle)",
                    4,
                ),
                WEAK,
            ),
            (r"(?:kindest|best|nicest) thing (?:i|he|she) (?:could|can) do", MEDIUM),
            (
                r"(?:keep going|go on|carry on|move on) (?:like|as if) nothing (?:happened|changed)",
                WEAK,
            ),
        ),
    ),
    Rule(
        "hopelessness_finality",
        "hopelessness with finality",
        cues(
            (r"no (?:way|ways) out", STRONG),
            (
                r"no (?:other )?(?:option|options|choice|choices|way|hope|future|point|escape|exit|"
                r"fixing me|fixing this|saving me|helping me)(?: left| anymore| for me| but| except)?",
                MEDIUM,
            ),
            (
                r"(?:want|need|wish|make|just want) (?:it|this|everything|the pain|all of it|life|it "
                r"all|things|all of this)(?: all)?(?: to)? (?:stop|end|be over|go away)(?: for good| "
                r"forever| permanently| once and for all| for ever)",
                STRONG,
            ),
            (
                r"(?:want|need|wish|just want) (?:it|this|everything|the pain|it all|all of this)"
                r"(?: all)?(?: to)? (?:stop|end|be over)",
                MEDIUM,
            ),
            (
                r"(?:cant|can not|cannot|unable to|not able to) (?:do|take|handle|bear|keep doing|go on"
                r" with|live like|face|stand|survive|keep going with) (?:this|it|life|another day|living"
                r"|any of this|one more day)(?: anymore| any more| much longer| any longer| forever)",
                MEDIUM,
            ),
            (
                r"(?:cant|can not|cannot) (?:go on|keep living|live like this|do this anymore|do this any "
                r"more|take it anymore|take this anymore|take it any more)",
                STRONG,
            ),
            (
                r"(?:cant|can not|cannot) (?:keep going|carry on|continue|live)"
                r"(?: anymore| any more| like this| much longer| any longer)?",
                MEDIUM,
            ),
            (r"(?:this is|its|it s|thats) (?:the end|over)(?: for me)?", WEAK),
            (r"(?:the end|over|game over) for me", MEDIUM),
            (
                r"(?:nothing|it|things|life) (?:will|is going to|is gonna|gonna|is ever going to|is "
                r"ever gonna) (?:ever )?(?:get|change|be|become) (?:better|different|ok|okay|fine)",
                WEAK,
            ),
            (
                r"(?:never|not ever|wont ever) (?:going to |gonna )?(?:get|be) (?:better|ok|okay|fine|"
                r"happy)",
                WEAK,
            ),
            (
                r"(?:give|giving|gave|given) up (?:on )?(?:life|living|everything|myself|trying|hope|"
                r"fighting|for good)",
                MEDIUM,
            ),
            (
                r"(?:done|finished|through) (?:fighting|trying|with everything|with all of it|with it "
                r"all|for good)",
                MEDIUM,
            ),
            (
                r"(?:im|i am|hes|shes) (?:done|out|finished|through|tapping out)(?! (?:with (?:work|"
                r"school|the|my|this (?:week|job|class|semester))|of))",
                WEAK,
            ),
            (r"nothing (?:left )?(?:to try|left|left for me|to live for)", MEDIUM),
            (r"(?:stopped|stop) pretending", WEAK),
            (
                near(
                    r"(?:cant|can not|cannot) (?:do|take) (?:this|it) anymore",
                    r"(?:and|so) (?:im not "
                    r"going to|im not gonna|i wont|i will not)",
                    2,
                ),
                STRONG,
            ),
            (
                r"(?:come|came|reached|at) (?:to )?the end of (?:what i can|my rope|the road|my tether|"
                r"the line)|no light at the end",
                MEDIUM,
            ),
            (
                r"(?:dont|do not|cant|no longer) see (?:the|any) point (?:of|in) (?:sticking around|living|"
                r"going on|being here|anything|staying|carrying on|trying)",
                STRONG,
            ),
            (r"nothing matters(?: anymore| any more)?", WEAK),
            (
                r"(?:want|wanna|need) off (?:this|the) (?:ride|planet|rollercoaster)|(?:get|getting) off "
                r"this (?:ride|planet)",
                STRONG,
            ),
            (r"no future for (?:myself|me|him|her)|see no future", MEDIUM),
            (r"(?:and|so) (?:im not going to|im not gonna|i wont|i will not)$", WEAK),
            (
                r"(?:dont|do not|no longer|cant) (?:want to|wanna) (?:fight|try|keep trying|keep "
                r"fighting)(?: anymore| any more)?",
                MEDIUM,
            ),
            (r"(?:hopeless|pointless|meaningless|no hope|lost all hope|lost hope)", WEAK),
            (
                r"(?:for good|forever|permanently|once and for all|one way or another|for ever|no "
                r"coming back|no respawn|this time)",
                FAINT,
            ),
            (r"(?:make|making) it (?:all )?stop", MEDIUM),
            (
                r"(?:tired|exhausted|sick) of (?:fighting|trying|everything|it all|all of it|fighting "
                r"it)",
                WEAK,
            ),
            (
                r"(?:cant|can not|cannot|dont) (?:picture|see|imagine) (?:myself|me|a future|my future|"
                r"him|her)(?: [a-z0-9]+){0,2} (?:being here|here|alive|next year|in the future|future|"
                r"living|growing old|getting older|at \d+|in \d+ years)",
                STRONG,
            ),
        ),
    ),
    Rule(
        "danger_from_others",
        "danger from someone else: abuse, violence, threats, being trapped",
        cues(
            (near(WHO, rf"{HURT} (?:at )?{ME}", 3), STRONG),
            (near(rf"{HURT}", r"at (?:me|us|her|him)", 4), MEDIUM),
            (
                r"(?:afraid|scared|terrified|frightened|too scared|dont want|do not want|cant|dread|"
                r"dreading) (?:[a-z0-9]+ ){0,2}(?:to )?(?:go|going|get|getting|be|come|coming) (?:back )"
                r"?home",
                STRONG,
            ),
            (
                r"(?:not|dont feel|never feel|dont|isnt) (?:safe|feel safe)(?: at home| here| with| in"
                r" my| anywhere| around)",
                STRONG,
            ),
            (
                r"(?:going to|gonna|will|said (?:he|she|they)d|said (?:he|she|they) would|threatened to|"
                r"threatens to|says (?:he|she|they)ll|swore (?:he|she|they)d|wants to|is going to|is "
                r"gonna|hes gonna|shes gonna) (?:really )?(?:kill|hurt|beat|hit|shoot|stab|find|rape|"
                r"choke|get) (?:me|us|her|him)",
                STRONG,
            ),
            (
                r"(?:abus\w+|domestic violence|assault\w*|molest\w*|rape|raped|groom\w*|trafficked|"
                r"coercive)",
                MEDIUM,
            ),
            (
                r"(?:stalk\w*|following me|follows me|followed me|tracking my|watching my house|"
                r"outside my (?:house|door|window|work)|has my address|knows where i live|coming "
                r"over whether)",
                MEDIUM,
            ),
            (r"whether i want (?:him|her|them) to or not", STRONG),
            (
                r"(?:he|she|they|hes|shes) (?:has|have|got|grabbed|pulled|is holding|has got) (?:a |"
                r"the |his |her )?(?:gun|knife|weapon|bat)",
                STRONG,
            ),
            (r"(?:locked|locks|lock) (?:me|her|him|us) (?:in|out|up)", STRONG),
            (
                r"(?:wont|will not|doesnt|does not|dont) let (?:me|her|him) (?:leave|go out|eat|see|"
                r"call|talk|sleep|out)",
                MEDIUM,
            ),
            (r"(?:took|takes|taken|hid|hides) my (?:phone|keys|passport|money|car keys)", WEAK),
            (r"(?:bruises|marks|black eye|split lip|burns) (?:from|because of|where|that)", MEDIUM),
            (
                near(
                    r"(?:hiding|hide|hid|locked|barricaded)",
                    r"(?:in|from|inside) (?:the |my |a )?"
                    r"(?:him|her|them|bathroom|closet|room|wardrobe|car|my dad|my mom|my stepdad)",
                    3,
                ),
                MEDIUM,
            ),
            (
                r"(?:banging|pounding|kicking|hammering) on (?:the|my) door|(?:broke|kicked|smashed|"
                r"broken) (?:the |my )?door (?:down|in)",
                MEDIUM,
            ),
            (
                near(
                    WHO,
                    r"(?:gets|got|is|was|comes home) (?:drunk|wasted|violent|angry|raging|high)",
                    2,
                ),
                WEAK,
            ),
            (
                r"(?:wants|asked|asking|told|tells|making|made|forcing|forced) me to (?:send|take) "
                r"(?:pics|pictures|nudes|photos|videos)",
                MEDIUM,
            ),
            (
                r"(?:older|grown) (?:guy|man|men|woman|person|dude)|(?:im|i am) (?:1[0-7]|only 1[0-7])",
                WEAK,
            ),
            (
                r"(?:cant|can not|cannot|not allowed to|unable to) (?:leave|go out|escape|get out)",
                MEDIUM,
            ),
            (
                r"(?:showing up|shows up|showed up|came|comes|coming) (?:to school |to class )?with "
                r"(?:bruises|a black eye|marks|burns)",
                MEDIUM,
            ),
            (
                r"(?:scared|afraid|terrified) of (?:his|her|my|their) (?:dad|mom|mum|father|mother|"
                r"stepdad|stepmom|partner|boyfriend|girlfriend|husband|wife|uncle|brother)",
                MEDIUM,
            ),
            (r"(?:screaming|yelling|shouting|raging) (?:at me|again|and)|still screaming", WEAK),
            (r"(?:comes|coming|came|keeps coming) into my (?:room|bed|bathroom)", MEDIUM),
            (r"at night", FAINT),
            (r"(?:make|making) (?:it|him|her|them) stop", WEAK),
            (
                r"(?:sends|sent|keeps sending|texts|texted) (?:me )?(?:threats|death threats|"
                r"threatening)",
                STRONG,
            ),
            (
                r"(?:leak|post|share|send|expose|spread) (?:my )?(?:nudes|pictures|photos|pics|address|"
                r"secrets|location|videos) (?:if|unless|to)",
                STRONG,
            ),
            (
                r"(?:being|getting|gets|got) (?:beaten|hit|abused|hurt|choked|touched|raped|"
                r"threatened|bullied and hit)",
                STRONG,
            ),
            (r"(?:need|needs) to get out of (?:this|the|my) (?:house|home|relationship)", MEDIUM),
            (
                r"(?:with|using) (?:the |a |his |her )?(?:belt|fists?|cane|bat|hanger|cord|stick)",
                MEDIUM,
            ),
        ),
    ),
    Rule(
        "medical_emergency",
        "a medical emergency",
        cues(
            (
                r"(?:cant|can not|cannot|struggling to|hard to|trouble|difficult to|barely|not able to|"
                r"couldnt) (?:[a-z]+ )?breath\w*",
                STRONG,
            ),
            (
                r"(?:not|isnt|is not|stopped|stop|wasnt) (?:breathing|moving|responding|waking up)",
                STRONG,
            ),
            (
                near(
                    r"chest",
                    r"(?:pain|pains|hurts|hurting|tight|tightness|pressure|crushing|heavy|"
                    r"squeezing)",
                    3,
                ),
                STRONG,
            ),
            (
                near(
                    r"(?:arm|face|side|leg|jaw|hand)",
                    r"(?:numb|numbness|drooping|droopy|tingling|"
                    r"dead|weak)",
                    3,
                ),
                MEDIUM,
            ),
            (
                r"(?:lips|face|skin|fingers|he|she|hes|shes|baby) (?:are |is )?(?:going|turning|turned)"
                r" (?:blue|purple|grey|gray)|going blue|asthma attack|inhaler (?:isnt|is not|not|wont)"
                r" (?:working|helping)|isnt stopping",
                STRONG,
            ),
            (
                r"(?:seizure|seizures|seizing|convuls\w*|stroke|heart attack|cardiac arrest|"
                r"anaphyla\w*|allergic reaction|epipen|epi pen|aura)",
                STRONG,
            ),
            (
                r"(?:collapsed|passed out|unconscious|unresponsive|not responding|wont wake up|cant wake "
                r"(?:him|her|them)|blacked out|fainted|turning blue|turned blue|lips are blue)",
                STRONG,
            ),
            (
                r"(?:lips|face|throat|tongue|mouth) (?:is |are |feels |keeps )?(?:swelling|swollen|"
                r"closing|tight|going numb)",
                STRONG,
            ),
            (
                r"(?:fever|temperature|temp) (?:of |is |at |hit |over |\w+ )?(?:39\.5|40|41|42|103|104|"
                r"105|106)",
                STRONG,
            ),
            (
                near(
                    r"(?:baby|infant|newborn|toddler|son|daughter|kid)",
                    r"(?:fever|not breathing|limp|"
                    r"blue|wont wake|unresponsive|seizure|choking|burning up|floppy)",
                    6,
                ),
                STRONG,
            ),
            (
                near(
                    r"(?:accidentally|by accident|by mistake|mistakenly|accidental)",
                    r"(?:took|taken|swallowed|drank|ate|overdosed|double dosed|mixed|too many|too much)",
                    3,
                ),
                STRONG,
            ),
            (
                near(
                    r"(?:took|taken|swallowed|drank|ate|too many|too much)",
                    r"(?:by mistake|by accident|accidentally)",
                    8,
                ),
                STRONG,
            ),
            (
                r"(?:cant|can not|cannot) (?:find (?:my |the )?words|speak|talk properly|get words out)|"
                r"words (?:are )?(?:coming out|come out) wrong|typing is weird",
                MEDIUM,
            ),
            (r"slurr\w+|cant (?:move|feel) (?:my|his|her) (?:arm|legs?|side|face)", MEDIUM),
            (
                r"(?:swallowed|ate|drank) (?:a |some )?(?:battery|batteries|bleach|detergent|pod|"
                r"magnets?|cleaning)",
                STRONG,
            ),
            (r"choking|chocking|cant swallow", MEDIUM),
            (
                near(
                    r"(?:hit|banged|smashed|fell)",
                    r"(?:throwing up|vomiting|dizzy|confused|not moving"
                    r"|knocked out|unconscious|wont wake)",
                    8,
                ),
                STRONG,
            ),
            (r"(?:vomiting|throwing up|coughing up|peeing|pooping) blood", STRONG),
            (
                r"(?:call|called|calling|need|needs|get) (?:an )?(?:ambulance|911|999|112|000|paramedics|"
                r"emergency services)",
                STRONG,
            ),
            (
                r"(?:worst|sudden|crushing|unbearable|severe) (?:[a-z]+ )?(?:headache|pain)(?: of my "
                r"life| ever)?",
                MEDIUM,
            ),
            (r"worst headache", STRONG),
            (
                near(
                    r"(?:heart|pulse)",
                    r"(?:racing|pounding|insanely fast|so fast|really fast|too "
                    r"fast|skipping|irregular|stopped|going crazy)",
                    4,
                ),
                MEDIUM,
            ),
            (r"(?:vision|sight) (?:is |went |going )?(?:blurry|blurred|gone|black|double)", MEDIUM),
            (r"(?:fell|fall|fallen) (?:down|off|from)", WEAK),
            (r"help(?: me)?(?: please)?$|please help|help pls|someone help", WEAK),
            (r"home alone|alone at home", FAINT),
        ),
    ),
)
