"""`python -m bot demo`: the real bot in a sample server on the local stand-in.

``run`` holds the demo itself, ``harness`` starts a real Kindred against the stand-in (the
end-to-end tests use it too), ``transcript`` records what people see, and ``scenes/`` has one
module per feature.
"""

from bot.demo.run import Demo, run_demo

__all__ = ["Demo", "run_demo"]
