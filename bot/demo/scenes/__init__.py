"""One module per feature's demo scene: ``ORDER`` (when in the day) and ``play(demo)``."""
