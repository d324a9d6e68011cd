"""Acts: preparing, an attempt, self-harm (C-SSRS behaviour). One rule per construct; see
``vocabulary`` for the shared words and weights.
"""

from __future__ import annotations

from bot.core.crisis.vocabulary import (
    BODY,
    FAINT,
    MEDIUM,
    PILLS,
    QUANTITY,
    STRONG,
    TOOK,
    WEAK,
    Rule,
    cues,
    near,
)

__all__ = ["RULES"]

RULES: tuple[Rule, ...] = (
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
                rf"yourself|my {BODY}|his {BODY}|her {BODY})",
                STRONG,
            ),
            (
                near(
                    r"(?:carv\w*|cut\w*|burn\w*|scratch\w*|slic\w*|stab\w*)",
                    rf"(?:into|on|in) "
                    rf"(?:my|his|her|their) {BODY}",
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
                    rf"{BODY}",
                    4,
                ),
                STRONG,
            ),
            (
                rf"(?:my |his |her )?{BODY} (?:are|is) (?:a )?(?:mess|covered|cut up|scarred|"
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
                rf"{BODY}",
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
)
