"""Crisis care's detector: where a member's words may point to danger, and what to offer.

- ``detector``: :class:`CrisisDetector` and its verdict, the normaliser, the resources
- ``vocabulary``: the shared words, weights, figures of speech and contexts the rules use
- ``ideation``, ``acts``, ``safeguarding``: the eleven constructs, one rule each, and
  ``constructs`` gathering them
- ``model``: the small learned model beside the rules, and its weights in ``model.json``

docs/crisis.md explains the design and its measured figures.
"""

from bot.core.crisis.detector import CrisisDetector, CrisisVerdict, normalise, prepare

__all__ = ["CrisisDetector", "CrisisVerdict", "normalise", "prepare"]
