"""The only place that speaks SQL. Each area's queries live in a mixin module here."""

from __future__ import annotations

from bot.core.settings import DB_FILENAME

from .checkins import CheckinStore
from .core import CoreStore, StoreError
from .listening import ListeningStore
from .prompt_suggestions import PromptSuggestionStore
from .prompts import PromptStore
from .schedule import ScheduleStore
from .support import SupportStore
from .support_limits import SupportLimitStore
from .support_waiting import SupportWaitingStore


class Store(
    CoreStore,
    ScheduleStore,
    PromptStore,
    PromptSuggestionStore,
    SupportStore,
    SupportLimitStore,
    SupportWaitingStore,
    CheckinStore,
    ListeningStore,
):
    """The Kindred database: every area's queries, one writer connection."""


__all__ = ["DB_FILENAME", "Store", "StoreError"]
