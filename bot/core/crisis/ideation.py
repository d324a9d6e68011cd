"""Wishing to be dead, thinking of it, the means and the plan (C-SSRS ideation and intent). One rule per construct; see
``vocabulary`` for the shared words and weights.
"""

from __future__ import annotations

from bot.core.crisis.vocabulary import (
    DEATH,
    FAINT,
    MEANS,
    MEDIUM,
    PILLS,
    STRONG,
    THINK,
    WEAK,
    WHEN,
    WISH,
    Rule,
    cues,
    near,
)

__all__ = ["RULES"]

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
)
