"""The sealing key the tests' Kindred runs with: a test that restarts the bot on the same data
directory passes it again, so the sealed data it wrote before stays readable."""

from __future__ import annotations

KEY = b"k" * 32
