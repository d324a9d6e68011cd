"""The due-work engine: "the database is the schedule" (DESIGN.md, "Scheduling").

- ``engine``: ``Engine`` claims due rows, delivers them once per local date, advances them
- ``jobs``: what a handler is given and returns, and the pacing of a burst
- ``rechecks``: resolving claims a crash left unconfirmed, and retrying failed steps
- ``wakeups``: APScheduler's tick and wake-up at the next known due time
- ``rules``: when a rule is next due, its local date, quiet hours and message nonces
"""

__all__ = ["engine", "jobs", "rechecks", "rules", "wakeups"]
