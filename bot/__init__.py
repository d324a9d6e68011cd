"""Kindred: a Discord bot that helps communities talk more deeply and kindly."""

from __future__ import annotations

__version__ = "0.1.0"
