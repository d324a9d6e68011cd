"""The eleven constructs, one rule each, gathered from the modules that hold them.

Cues are written as concepts near each other ("a wish" within a few words of "being dead"), not
as fixed sentences, so that paraphrases nobody listed still meet a rule.
"""

from __future__ import annotations

from bot.core.crisis import acts, ideation, safeguarding
from bot.core.crisis.vocabulary import Rule

__all__ = ["CONSTRUCTS", "RULES"]

RULES: tuple[Rule, ...] = (*ideation.RULES, *acts.RULES, *safeguarding.RULES)
CONSTRUCTS: tuple[str, ...] = tuple(rule.construct for rule in RULES)
