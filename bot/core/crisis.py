"""Crisis-language detection, and the resources text to offer when it fires.

What the phrase list aims for: first-person language about suicide, self-harm, wanting to die
or not wanting to live, and hopelessness ("can't go on", "end it all", "better off without
me"). When a message is ambiguous we err toward offering resources: "I can't go on like this"
and "I can't go on the trip" both match "can't go on", and "I'm not suicidal" matches
"suicidal"; an unneeded, kindly worded resource note costs little, a missed one can cost a
lot. Everyday figures of speech about other things are deliberately left out ("this traffic
is killing me", "I'm dying to see it", "I'd kill for a coffee"): matching banter would make
members learn to scroll past the note.

Matching is done on normalized text: case-folded, apostrophes removed (straight or curly, so
"can't", "can’t" and "cant" are the same), every other run of non-letters and non-digits made
one space. A phrase matches whole words only ("self harm" is not found in "herself
harmless"). Patterns from prompts.yaml see the same normalized text.

Nothing here logs the text it is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.library import Library
from bot.core.text import normalize_for_matching


@dataclass(frozen=True)
class CrisisDetector:
    """Spots crisis language; ``patterns`` run on normalized text (see the module docstring)."""

    phrases: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    resources: str

    def __post_init__(self) -> None:
        # Normalize once here, so phrases written as people type them ("Can’t go on") match.
        normalized = (normalize_for_matching(p) for p in self.phrases)
        object.__setattr__(self, "phrases", tuple(dict.fromkeys(p for p in normalized if p)))

    @classmethod
    def from_library(cls, library: Library) -> CrisisDetector:
        section = library.safety
        patterns = tuple(re.compile(p, re.IGNORECASE) for p in section.patterns)
        return cls(phrases=section.phrases, patterns=patterns, resources=section.resources)

    def is_crisis(self, text: str) -> bool:
        normalized = normalize_for_matching(text)
        if not normalized:
            return False
        padded = f" {normalized} "
        if any(f" {phrase} " in padded for phrase in self.phrases):
            return True
        return any(pattern.search(normalized) for pattern in self.patterns)
