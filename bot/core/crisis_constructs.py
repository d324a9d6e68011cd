"""The eleven constructs, one rule each (see ``crisis_rules`` for the vocabulary and weights).

Cues are written as concepts near each other ("a wish" within a few words of "being dead"),
not as fixed sentences, so that paraphrases nobody listed still meet a rule.
"""

from __future__ import annotations

from bot.core.crisis_rules import (
    DEATH,
    FAINT,
    MEANS,
    MEDIUM,
    OTHER,
    PILLS,
    QUANTITY,
    STRONG,
    THINK,
    TOOK,
    WEAK,
    WHEN,
    WISH,
    Rule,
    cues,
    near,
)

__all__ = ["CONSTRUCTS", "RULES"]

_WHO = rf"(?:{OTHER}|my \w+|this guy|a guy|a man|the man|people|they|coach|teacher)"
_ME = r"(?:me|us|my|her|him|them)"
_HURT = (
    r"(?:hit|hits|hitting|beat|beats|beating|beaten|punch|punched|punches|choke|choked|chokes|"
    r"choking|strangled|strangles|strangling|kicked|kicks|slapped|slaps|shoved|shoves|pushed|"
    r"pushes|threw|throws|throwing|dragged|drags|grabbed|grabs|raped|touched|touches|forced|forces|"
    r"threatened|threatens|hurt|hurts|hurting|burned|locked|tied|followed|follows|stalks|"
    r"stalked|drugged|molested|abused|abuses|attacked|attacks|bruised|smacked|smacks|whipped|"
    r"belted|chased|cornered|pinned)"
)
_BODY = r"(?:arms?|wrists?|legs?|thighs?|skin|stomach|hips?|hands?|body|ankles?|chest|shoulders?)"

RULES: tuple[Rule, ...] = (
    Rule(
        "wish_dead",
        "wishing to be dead, not to wake up, never to have been born",
        cues(
            (near(WISH, DEATH, 8), STRONG),
            (
                r"(?:id|i would|i d) (?:honestly |actually |probably |kinda )?(?:be )?(?:relieved|glad|happy|grateful)",
                WEAK,
            ),
            (
                r"(?:dont|do not|never|no longer|dont even|really dont|doesnt|does not) (?:want|wanna|"
                r"wish) to (?:wake up|be alive|live|exist|be here|keep living|go on|keep going|be "
                r"around|breathe|see tomorrow|get up|continue|be born)",
                STRONG,
            ),
            (
                r"(?:tired|sick|exhausted) of (?:being alive|living|existing|life|breathing|waking "
                r"up|still being here|being here|still being alive)",
                STRONG,
            ),
            (r"(?:better off|rather be|be better|happier) dead", STRONG),
            (r"(?:done with|over) (?:life|living|being alive|existing)", STRONG),
            (
                r"(?:life|living|it|this life) (?:is not|isnt|aint|not|is no longer) worth (?:it|"
                r"living|anything|the effort)",
                MEDIUM,
            ),
            (
                r"no (?:reason|point) (?:to|in|of|for me to) (?:live|living|being alive|going on|"
                r"existing|waking up|staying|being here|carrying on|stick around|be here|keep going)",
                STRONG,
            ),
            (r"nothing (?:left )?to live for", STRONG),
            (
                r"(?:whats|what is) the point (?:of|in) (?:living|life|being alive|going on|existing|"
                r"waking up|any of it)",
                MEDIUM,
            ),
            (
                r"woke up (?:again|this morning|today)?(?: and)? ?(?:disappointed|upset|annoyed|sad|"
                r"angry|sadly|unfortunately)",
                STRONG,
            ),
            (
                near(
                    r"(?:hope|hoping|wish|pray|praying)",
                    r"(?:last one|last night|last day|the "
                    r"end|last time|last breath|dont wake|never wake)",
                    5,
                ),
                MEDIUM,
            ),
            (
                near(
                    r"(?:terminal|cancer|die|dying|death|accident|crash|killed)",
                    r"(?:relieved|relief|glad|grateful|happy|thankful)",
                    8,
                ),
                MEDIUM,
            ),
            (
                r"(?:not|no longer|not even) (?:scared|afraid|frightened) (?:of )?(?:dying|death|to die)",
                MEDIUM,
            ),
            (
                r"death (?:sounds|seems|feels|would be|looks) (?:good|nice|peaceful|better|like a "
                r"relief|easier|like rest|appealing|tempting)",
                STRONG,
            ),
            (
                r"(?:wouldnt|would not|dont|do not) (?:mind|care) (?:if )?(?:i )?(?:dying|dead|died|"
                r"not waking up|never woke up|never wake up)",
                STRONG,
            ),
        ),
    ),
    Rule(
        "active_ideation",
        "thinking of killing themselves or ending their life",
        cues(
            (r"suicid\w*", STRONG),
            (
                r"(?:kill|killing|killed|off|offing|hang|hanging|end|ending) (?:myself|himself|herself|"
                r"themselves|themself|yourself)",
                STRONG,
            ),
            (r"(?:end|ending|ended|take|taking|took) (?:my|his|her|their) (?:own )?life", STRONG),
            (near(THINK, DEATH, 4), STRONG),
            (
                r"(?:end|ending|finish|finishing) (?:it|it all|things|everything|this)(?: for good| "
                r"forever| permanently| once and for all| tonight| now)",
                STRONG,
            ),
            (r"(?:end|ending) (?:it|it all|things|everything)", MEDIUM),
            (
                r"(?:not|wont|will not|dont think ill|might not|not gonna|not going to) (?:be )?"
                r"(?:here|around|alive)(?: much longer| for long| tomorrow| next week| next year| by|"
                r" anymore| for| at| after)",
                STRONG,
            ),
            (
                r"(?:how|ways?) (?:to|do you|can you|can i|would i) (?:die|kill yourself|kill myself|"
                r"end it|end your life|overdose|od)",
                STRONG,
            ),
            (
                r"(?:painless|quick|quickest|easiest|easy|best|surest) (?:way|ways|method|methods) to "
                r"(?:die|go|end it|do it)",
                STRONG,
            ),
            (
                r"(?:voices?|urges?|thoughts?|something) (?:keep )?(?:telling|tell|tells|told) me to "
                r"(?:die|kill|end|jump|do it)",
                STRONG,
            ),
            (r"(?:last|final) (?:message|post|goodbye|words)", MEDIUM),
            (r"(?:checking|check|checked) out (?:for good|early|permanently|of life)", STRONG),
        ),
    ),
    Rule(
        "method",
        "a method or means, looked at or thought about",
        cues(
            (
                near(
                    r"(?:enough|all (?:my|the|of my)|whole|bottle of|box of|stash of|saved up|saving "
                    r"up|stockpil\w*|hoard\w*|collect\w*|counting|count)",
                    PILLS,
                    3,
                ),
                MEDIUM,
            ),
            (MEANS, FAINT),
            (
                near(
                    r"(?:staring|stare|stared|looking|look|looked|keep looking|stood|standing|sitting|"
                    r"counting|holding|held|thinking|think|thought|keep thinking)",
                    MEANS,
                    6,
                ),
                MEDIUM,
            ),
            (
                r"how (?:many|much|high|fast|far|tall|long|deep) (?:[a-z0-9]+ ){0,6}(?:would it take|"
                r"does it take|is lethal|is fatal|to die|would kill|would do it|to overdose|to od|"
                r"bleed out|to drown|to not wake up|would be enough)",
                STRONG,
            ),
            (
                r"how (?:many|much|high|fast|far|tall|long|deep) (?:[a-z0-9]+ ){0,6}(?:it would be|it is|"
                r"would hurt|up it is|before)",
                MEDIUM,
            ),
            (near(MEANS, r"how (?:high|fast|far|deep|long|many|much)", 10), MEDIUM),
            (near(MEANS, r"(?:calling|call|calls) (?:my name|to me)", 8), STRONG),
            (
                r"(?:jump|jumping|step|stepping|throw myself|throwing myself|fall|falling|let myself "
                r"fall|lean|leaning) (?:off|over|forward|in front)(?! (?:of (?:the )?(?:class|people|"
                r"everyone)))",
                MEDIUM,
            ),
            (
                r"(?:lethal|fatal|deadly) (?:dose|amount|height)|(?:perfect|right|enough) height|"
                r"high enough|tall enough|deep enough|strong enough to hold",
                STRONG,
            ),
            (
                r"(?:would|will|could|can) (?:it |the \w+ |that |this )?(?:hold|take|support) (?:me|my "
                r"weight|him|her)",
                STRONG,
            ),
            (
                r"(?:use|using|used|turn|turning|point|pointing) (?:it|the \w+|a \w+|that|them) on "
                r"(?:myself|me|himself|herself)",
                STRONG,
            ),
            (r"(?:calling|call|calls) (?:my name|to me|me)", MEDIUM),
            (r"(?:look|looks|seem|seems|make it look) like an accident", STRONG),
            (
                r"(?:see|seeing|find out|finding out) (?:if|whether) (?:i|he|she) (?:wake up|wakes up|"
                r"survive|make it|would wake)",
                STRONG,
            ),
            (r"(?:would|will|should|could) do it", MEDIUM),
            (r"(?:it would take|it takes|would it take|itd take|it will take)", WEAK),
            (near(MEANS, r"(?:think|thinking|thought|keep thinking|thinkin)", 8), MEDIUM),
            (r"(?:how easy|easy it would be|easy itd be|how simple)", WEAK),
            (
                r"(?:go|going|climb|climbing|climbed|step|stepping|get|getting) over (?:the )?(?:railing|"
                r"edge|barrier|side|rail|fence|balcony)",
                MEDIUM,
            ),
            (
                r"enough (?:[a-z0-9]+ ){0,4}(?:to not wake up|to die|to do it|to end it|to kill|to not "
                r"survive|to be sure)",
                STRONG,
            ),
            (
                r"(?:dont|not|wouldnt|definitely dont|would not|wont) survive|survive the fall",
                MEDIUM,
            ),
            (
                near(
                    r"(?:hidden|hiding|hid|keeping|kept|stashed|stashing|saved|saving|hoarding)",
                    PILLS,
                    4,
                ),
                WEAK,
            ),
            (r"just in case", WEAK),
            (
                near(
                    r"(?:looking up|looked up|look up|searching|searched|googling|googled|research\w*|"
                    r"search history)",
                    MEANS,
                    6,
                ),
                MEDIUM,
            ),
            (
                r"(?:tallest|highest) (?:bridges?|buildings?|cliffs?|roofs?|towers?|points?)|how long "
                r"the fall|the fall is",
                MEDIUM,
            ),
            (
                near(
                    THINK,
                    r"(?:jump|jumping|stepping off|falling|going over|driving into|steering "
                    r"into|crashing|swerving|walking into|hanging)",
                    4,
                ),
                MEDIUM,
            ),
            (
                r"(?:tie|tied|tying|make|made|bought|buy|got|have|has) (?:a |the )?(?:noose|rope)",
                MEDIUM,
            ),
            (
                near(
                    r"(?:jump|jumping|throw myself|step|stepping|walk|walking|drive|driving|crash|"
                    r"crashing|swerve|swerving|steer|steering)",
                    r"(?:off|from|in front of|into|out of|onto|over) "
                    r"(?:a |the |my )?(?:bridge|roof|building|cliff|train|traffic|balcony|window|car|"
                    r"bus|truck|tracks|river|ledge|tower|parking garage|overpass|barrier|wall|tree)",
                    3,
                ),
                MEDIUM,
            ),
            (
                r"(?:my|dads|his|the|a) (?:gun|pistol|rifle|shotgun) (?:[a-z0-9]+ ){0,5}(?:myself|my head"
                r"|loaded|to my|using it|on myself)",
                STRONG,
            ),
            (
                r"(?:cut|cutting|slit|slitting|open) (?:my |his |her )?(?:wrists?|veins|throat|deeper|"
                r"too deep|vertical)",
                STRONG,
            ),
            (
                near(r"(?:mix|mixing|mixed)", r"(?:pills|meds|vodka|alcohol|wine|drink|drinks)", 5),
                MEDIUM,
            ),
            (
                near(
                    r"(?:knows?|know exactly|found out|figured out|worked out)",
                    r"(?:which|how many)"
                    r" (?:[a-z0-9]+ ){0,6}(?:would|will|to)",
                    2,
                ),
                MEDIUM,
            ),
        ),
    ),
    Rule(
        "intent_plan",
        "an intent, a plan, a date or a time",
        cues(
            (WHEN, FAINT),
            (
                r"(?:ive decided|i decided|decided|made (?:up )?my mind(?: up)?|mind is made up|set a "
                r"date|picked a date|chosen a date|chose a date|the date is|have a plan|got a plan|plan "
                r"is (?:sorted|set|ready|done|made)|planned (?:it|everything|out|it all)|know (?:exactly "
                r")?(?:how|when)(?: and (?:how|when))?|its decided|"
                r"tonights the night|today is the day|today s the day|this is the day|for real this "
                r"time|this time for real|no turning back|point of no return)",
                MEDIUM,
            ),
            (
                r"not waiting (?:any longer|anymore|any more)|cant wait any longer|(?:dont|do not) "
                r"want to wait (?:any longer|anymore)",
                MEDIUM,
            ),
            (r"sorry (?:to|for) (?:everyone|everybody|all of you|you all|everything|all)", WEAK),
            (r"(?:the )?plan is (?:to|for)|my plan|the plan", WEAK),
            (r"(?:nobody|no one|noone) (?:checks|will check|comes|looks) (?:on|for) me", WEAK),
            (
                r"(?:wanted|want|needed) to see (?:him|her|them|it|my \w+) (?:[a-z0-9]+ ){0,3}(?:first|"
                r"before|one last|turn|one more)|one last time",
                MEDIUM,
            ),
            (r"(?:i will go|ill go|i can go|then i go|and then im|then im|then ill)", WEAK),
            (
                r"know (?:exactly )?(?:how and when|when and how|where and when|when and where)",
                STRONG,
            ),
            (
                r"(?:dont know|idk|not sure) why im (?:typing|telling|writing|saying|posting) (?:this|"
                r"you)|(?:just )?(?:wanted|want|needed) to tell (?:someone|somebody|you|one person)",
                WEAK,
            ),
            (
                r"(?:this is|its|it s|thats|tonight is) (?:my|the) (?:last|final) (?:night|day|message|"
                r"post|goodbye|week|time|chance)",
                STRONG,
            ),
            (
                r"(?:going|gonna|about|ready|planning|plan) to (?:do it|go through with it|end it|"
                r"finally do it|make it stop|go)",
                MEDIUM,
            ),
            (
                r"(?:last time (?:youll|you will|anyone will) (?:hear|see)|you wont (?:hear|see) from"
                r" me|wont be (?:here|around|online|alive)|not going to be here|not gonna be here|"
                r"wont see (?:tomorrow|another|the morning|next|christmas))",
                STRONG,
            ),
            (r"(?:no one|nobody) (?:will|can|is going to|gonna) (?:stop|save|find) me", STRONG),
            (
                near(
                    WHEN,
                    r"(?:im done|im out|ill go|i go|im gone|do it|end it|be gone|be over|kill|"
                    r"die|wont be here|no reason|stick around|im leaving|its over|goodbye|bye)",
                    6,
                ),
                MEDIUM,
            ),
            (near(r"(?:done|do it|end it|im out|go|leaving)", WHEN, 4), WEAK),
            (
                r"(?:when|once|after) (?:[a-z0-9]+ ){0,4}(?:im|i am|hes|shes) (?:gone|dead|not here)",
                STRONG,
            ),
            (
                r"(?:feel|feels|feeling|felt|am|im) (?:weirdly |strangely |so |really )?(?:calm|at peace|"
                r"peaceful) (?:about|now|since|for the first)",
                WEAK,
            ),
            (r"(?:wanted|want|needed) (?:someone|somebody|you|one person) to know before", MEDIUM),
        ),
    ),
    Rule(
        "preparation",
        "preparing: letters, a will, giving things away, goodbyes",
        cues(
            (
                r"(?:goodbye|good bye|farewell|suicide|final|last) (?:letters?|notes?|messages?|videos?"
                r"|texts?|emails?|posts?)",
                STRONG,
            ),
            (
                near(
                    r"(?:wrote|written|writing|write|left|leave|leaving|draft\w*|record\w*)",
                    r"(?:letters?|notes?|goodbyes?|videos?)",
                    2,
                ),
                MEDIUM,
            ),
            (
                r"(?:letters?|notes?) (?:for|to) (?:everyone|my|each|all|the people|them|mom|mum|dad)",
                MEDIUM,
            ),
            (r"whoever finds (?:it|me|them|this)|(?:find|finds) (?:it|me) (?:after|first)", STRONG),
            (
                r"(?:\w+ )?wills?(?! (?:be|have|do|go|get|not|probably|never|you|it|i|he|she|they|we))",
                FAINT,
            ),
            (
                r"(?:wrote|written|writing|made|making|updated|updating|did|doing) (?:out )?(?:a |my |"
                r"one of those )?(?:online )?wills?",
                WEAK,
            ),
            (
                r"(?:everything|affairs|things|my affairs|it all) in order|arranged for (?:the|my) "
                r"(?:dog|cat|pets?|kids|children)|before i go",
                MEDIUM,
            ),
            (
                r"this is (?:goodbye|farewell|my goodbye)|(?:goodbye|bye) (?:everyone|all|guys|friends|"
                r"world|forever)|(?:thank you|thanks) all",
                MEDIUM,
            ),
            (r"(?:take care of|look after) each other|you were the best part", WEAK),
            (
                r"(?:paid|paying|pay) back (?:what|everyone|my)|(?:stuck|left) with my (?:debts?|bills|"
                r"stuff|mess)",
                MEDIUM,
            ),
            (
                r"(?:have|get|keep) (?:it|them|this) now (?:than|then|rather than|instead of)"
                r" (?:after|later)|(?:better|rather) (?:they|you) have (?:it|them)",
                MEDIUM,
            ),
            (
                r"(?:wasnt|was not|isnt|is not|its not|not) (?:their|your|his|her|anyones|my kids|"
                r"anybodys) fault",
                MEDIUM,
            ),
            (r"not for (?:normal|the usual|good|the normal|any normal) reasons?", MEDIUM),
            (
                near(
                    r"(?:giving|gave|give|given|handed|handing|sold|selling)",
                    r"(?:away|all my|my "
                    r"(?:stuff|things|belongings|possessions|games|clothes|books|plants|jewelry|"
                    r"necklace|cat|dog|pets?|savings|collection|console|switch|guitar|art))",
                    3,
                ),
                WEAK,
            ),
            (
                r"(?:wont|will not|dont|do not|not gonna|not going to) (?:be )?need(?:ing)? (?:them|it|"
                r"these|this|those|my \w+|any of (?:it|this|them))",
                STRONG,
            ),
            (
                r"(?:rehome|rehoming|rehomed|new home for|find a home for|finding a home for|someone "
                r"to (?:take|look after|adopt)) (?:my|his|her) (?:cat|dog|pets?|kitten|puppy|rabbit|"
                r"hamster|fish|bird)",
                MEDIUM,
            ),
            (
                r"(?:who will|who would|who should|who gets|someone to) (?:take|get|have|look after|"
                r"feed|care for) (?:my|his|her) (?:cat|dog|pets?|stuff|things|games|plants|kids)",
                MEDIUM,
            ),
            (
                r"(?:someone|somebody) (?:who|whos|that) (?:is )?(?:actually )?(?:gonna|going to|will)"
                r" be around",
                MEDIUM,
            ),
            (
                near(
                    r"(?:saying|said|say|to say|texted|messaged|called|calling|visiting)",
                    r"(?:goodbyes?|bye to|goodbye to|thank you for everything|thanks for everything)",
                    4,
                ),
                MEDIUM,
            ),
            (r"(?:thank you|thanks) for everything", WEAK),
            (
                near(
                    r"(?:messaged|texted|called|told|wrote to|visited)",
                    r"(?:everyone|everybody|all)"
                    r" (?:i|who|that) (?:care|love|know)",
                    2,
                ),
                WEAK,
            ),
            (r"(?:the )?right time to say it|while i still can|before its too late", WEAK),
            (
                r"(?:sorted|sorting|sort out|closing|closed|deleted|deleting|wiped|cancel\w*|paid off|"
                r"paying off|settled|settling) (?:all )?(?:out )?(?:my )?(?:accounts|passwords|affairs|"
                r"debts|bills|socials|subscriptions|bank|phone|everything)",
                WEAK,
            ),
            (
                r"(?:for|after|when|once) (?:[a-z0-9]+ ){0,2}(?:im|i am|hes|shes|theyre) (?:gone|not "
                r"here|dead|not around)|for after",
                STRONG,
            ),
            (
                r"(?:so|that) (?:they|my \w+|nobody|no one|people|you|everyone|its easy for)"
                r" (?:dont|wont|doesnt|will not)? ?(?:have to|need to|deal with|clean up|sort|worry)",
                WEAK,
            ),
            (
                r"(?:tell|please tell) (?:[a-z0-9]+ ){0,3}(?:i love|that i loved|i loved|im sorry)",
                MEDIUM,
            ),
            (
                r"(?:i love you all|love you all|i love you guys|sorry for everything|im sorry for "
                r"everything|forgive me|take care of (?:yourselves|each other|mom|mum|my))",
                WEAK,
            ),
            (
                r"(?:cleaned|cleaning|tidied|tidying) (?:up )?my (?:whole )?(?:room|flat|apartment|"
                r"house)(?: so| for| before)",
                WEAK,
            ),
            (
                r"(?:told people|telling people|told everyone|pretend\w*) (?:im|i am|i was)? ?(?:moving|"
                r"going away|leaving)",
                WEAK,
            ),
            (r"not going anywhere like that|going somewhere (?:they|you) cant follow", MEDIUM),
            (r"(?:wants|want) me to have (?:it|this|them)", MEDIUM),
        ),
    ),
    Rule(
        "attempt",
        "an attempt in progress or just made",
        cues(
            (near(TOOK, QUANTITY, 3), MEDIUM),
            (near(TOOK, PILLS, 5), WEAK),
            (
                near(
                    rf"(?:{TOOK}|{QUANTITY})",
                    r"(?:ago|just now|on purpose|deliberately|with (?:wine|"
                    r"vodka|alcohol|beer|whiskey|drink)|feeling (?:weird|floaty|sick|sleepy|dizzy|"
                    r"numb|strange)|and now)",
                    8,
                ),
                MEDIUM,
            ),
            (
                r"(?:i|he|she|they|just|almost|nearly|ive|i have|has|have) (?:overdosed|odd|oded|od d|"
                r"taken an overdose|took an overdose|overdosing)",
                STRONG,
            ),
            (
                r"(?:bleeding|blood|bled) (?:a lot|out|wont stop|will not stop|everywhere|so much|badly|"
                r"heavily|through|all over|coming|under|on the floor|pooling|in the bath)",
                STRONG,
            ),
            (
                near(
                    r"(?:wrists?|arms?|legs?|thighs?)",
                    r"(?:bloody|bleeding|blood|bled|cut open)",
                    3,
                ),
                STRONG,
            ),
            (r"(?:cut|cuts|cutting) (?:too |really |so |way )?deep", STRONG),
            (r"wrong side of the (?:barrier|railing|fence|rail|bridge|edge|glass)", STRONG),
            (
                r"(?:top floor|top level|roof) of (?:the |a |my )?(?:parking garage|car park|building|"
                r"hospital|hotel|mall|school)",
                WEAK,
            ),
            (
                r"(?:mad|angry|upset|sad|disappointed|pissed) (?:that )?(?:it )?(?:didnt|did not) work|"
                r"(?:didnt|did not) work (?:this time|again)|(?:woke|wake) up in (?:the )?(?:er|hospital|"
                r"icu|a e|ambulance)",
                STRONG,
            ),
            (r"empty (?:pill |medicine |meds )?(?:bottle|bottles|packet|packets|box)", MEDIUM),
            (
                near(
                    r"(?:on|at|up on|standing on|sitting on|stood on|sat on|in) (?:the |a |this |my )?"
                    r"(?:edge|ledge|roof|rooftop|bridge|railing|tracks|balcony|window ?sill|cliff)",
                    r"(?:right now|rn|now|again|tonight|up here)",
                    4,
                ),
                MEDIUM,
            ),
            (
                r"(?:already|just|finally) (?:did it|done it|started|took|swallowed|cut|tried|jumped|"
                r"tied|hung|drank|taken|did something|done something)",
                MEDIUM,
            ),
            (r"(?:did|done|do) (?:something|smth|sth) (?:stupid|bad|dumb|really stupid)", MEDIUM),
            (
                r"(?:tried|attempted|trying|try) (?:to )?(?:kill|hang|end|overdose|od|drown|jump|"
                r"suicide|off)",
                STRONG,
            ),
            (
                r"(?:i|he|she|they) (?:tried|attempted)(?: again)? (?:last night|yesterday|earlier|"
                r"tonight|this morning|today|again|once|before|twice)",
                MEDIUM,
            ),
            (r"(?:noose|rope) (?:is )?(?:ready|up|tied|around)", STRONG),
            (
                near(r"(?:garage|car)", r"(?:engine running|running engine|exhaust|fumes|hose)", 6),
                STRONG,
            ),
            (
                near(
                    r"(?:getting|feel|feeling|so|really|im)",
                    r"(?:sleepy|drowsy|dizzy|numb|weird|"
                    r"woozy|faint|floaty)",
                    2,
                ),
                WEAK,
            ),
            (
                r"(?:drank|drinking|drink|swallowed) (?:the |some |a bottle of )?(?:bleach|antifreeze|"
                r"poison|detergent|cleaner|weed killer)",
                STRONG,
            ),
            (r"(?:its|it s|its already|already) (?:too late|done|in my system|kicking in)", MEDIUM),
            (
                r"(?:please )?(?:dont|do not) (?:tell me to )?(?:call|tell) (?:anyone|anybody|911|an "
                r"ambulance|the police|my parents)|nobody knows|no one knows",
                WEAK,
            ),
            (r"(?:said|says|texted|sent|wrote) (?:me )?(?:bye|goodbye)(?: and| then)?", WEAK),
            (r"(?:not|isnt|wont|stopped) (?:picking up|answering|responding)", WEAK),
        ),
    ),
    Rule(
        "self_harm",
        "self-harm, past or present",
        cues(
            (
                rf"(?:cut|cutting|cuts|burn|burning|burned|burnt|hit|hitting|punch|punching|punched|"
                rf"scratch|scratching|scratched|hurt|hurting|harm|harming|harmed|carve|carving|carved|"
                rf"bang|banging|bite|biting|starve|starving|bruise|bruising|pinch|pinching|slice|"
                rf"slicing|stab|stabbing) (?:at |into )?(?:myself|himself|herself|themselves|themself|"
                rf"yourself|my {_BODY}|his {_BODY}|her {_BODY})",
                STRONG,
            ),
            (
                near(
                    r"(?:carv\w*|cut\w*|burn\w*|scratch\w*|slic\w*|stab\w*)",
                    rf"(?:into|on|in) "
                    rf"(?:my|his|her|their) {_BODY}",
                    4,
                ),
                STRONG,
            ),
            (r"self ?harm\w*|selfharm\w*|self injur\w*|self mutilat\w*", STRONG),
            (r"(?<![a-z])sh(?![a-z])", MEDIUM),
            (
                near(
                    r"(?:relaps\w*|clean|urges?)",
                    r"(?:cut|cutting|sh|harm|blade|razor|burn|hurt "
                    r"myself)",
                    8,
                ),
                STRONG,
            ),
            (
                r"(?:punch|punching|punched|hit|hitting|slam\w*|kick\w*) (?:the |a )?(?:wall|walls|mirror|"
                r"door)",
                WEAK,
            ),
            (r"(?:i )?(?:kinda |really |actually )?need (?:it|the pain)|the pain helps", WEAK),
            (
                near(
                    r"(?:cut|cutting|sh|harm|blade|razor|burn)",
                    r"(?:relaps\w*|clean|urges?|again|"
                    r"only thing|helps|calm)",
                    6,
                ),
                MEDIUM,
            ),
            (r"(?:days|weeks|months|years) (?:clean|without (?:cutting|hurting|sh))", STRONG),
            (
                r"(?:urge|urges|want|wanna|need|tempted) to (?:cut|hurt|burn|harm|punish|bleed|feel "
                r"pain|sh)(?! (?:the|a|some|an|my hair|back|down|out|ties))",
                MEDIUM,
            ),
            (
                near(
                    r"(?:cuts|scars|scratches|burns|marks|wounds)",
                    rf"(?:my |his |her |their |up )?"
                    rf"{_BODY}",
                    4,
                ),
                STRONG,
            ),
            (
                rf"(?:my |his |her )?{_BODY} (?:are|is) (?:a )?(?:mess|covered|cut up|scarred|"
                rf"bleeding|all cut)",
                STRONG,
            ),
            (
                near(
                    r"(?:slam\w*|bang\w*|hit\w*|punch\w*|smash\w*)",
                    r"(?:head|fist|hand|hands)\w* "
                    r"(?:against|into|on|off) (?:the |a )?(?:wall|walls|floor|door|desk|mirror)",
                    3,
                ),
                STRONG,
            ),
            (
                r"(?:razor|blade|blades|lighter|compass|scissors) (?:[a-z0-9]+ ){0,3}(?:my |his |her )?"
                rf"{_BODY}",
                STRONG,
            ),
            (
                r"(?:hide|hiding|cover|covering) (?:up )?(?:the |my |his |her )?(?:scars|cuts|marks|"
                r"wounds|burns|arms|wrists)",
                MEDIUM,
            ),
            (
                r"(?:hoodies?|long sleeves|jumpers?|sweaters?) (?:[a-z0-9]+ ){0,3}(?:in |during )?"
                r"(?:july|june|august|summer|the heat|hot weather|this heat)",
                WEAK,
            ),
            (r"on purpose", WEAK),
            (r"(?:deserve|deserved) (?:to )?(?:the )?(?:pain|to hurt|to bleed|to suffer)", MEDIUM),
            (r"(?:punish|punishing) (?:myself|himself|herself)", MEDIUM),
            (
                r"(?:until|till|til) (?:it|they|i|my \w+) (?:bled|bleed|bleeds|bruised|bruise|break|broke)",
                MEDIUM,
            ),
        ),
    ),
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
            (near(_WHO, rf"{_HURT} (?:at )?{_ME}", 3), STRONG),
            (near(rf"{_HURT}", r"at (?:me|us|her|him)", 4), MEDIUM),
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
                    _WHO,
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

CONSTRUCTS: tuple[str, ...] = tuple(rule.construct for rule in RULES)
