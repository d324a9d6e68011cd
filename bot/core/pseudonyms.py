"""The words anonymous pseudonyms are made of ("Gentle Otter · 4f2").

Support builds a request's pseudonym from them; active listening recognises one in a support
thread's request post. Both read the same lists from here.
"""

from __future__ import annotations

__all__ = ["ADJECTIVES", "ANIMALS"]

ADJECTIVES: tuple[str, ...] = (
    "Gentle", "Quiet", "Brave", "Kind", "Calm", "Bright", "Steady", "Warm", "Soft", "Hopeful",
    "Patient", "Curious", "Honest", "Tender", "Sunny", "Misty", "Silver", "Golden", "Mellow",
    "Humble", "Cosy", "Clever", "Nimble", "Earnest", "Hardy", "Lucky", "Merry", "Peaceful",
    "Sincere", "Thoughtful", "Wise", "Bold",
)  # fmt: skip
ANIMALS: tuple[str, ...] = (
    "Otter", "Fox", "Heron", "Badger", "Owl", "Hare", "Wren", "Deer", "Seal", "Robin",
    "Panda", "Koala", "Lynx", "Finch", "Turtle", "Dolphin", "Sparrow", "Beaver", "Swan",
    "Moth", "Hedgehog", "Puffin", "Marten", "Crane", "Falcon", "Lark", "Salmon", "Wolf",
    "Bear", "Raven", "Squirrel", "Whale",
)  # fmt: skip
