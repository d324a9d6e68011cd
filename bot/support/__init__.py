"""Anonymous support requests: a pseudonymous post and thread, relayed both ways by DM.

- ``service``: ``SupportService``: opening a request and relaying between thread and DMs
- ``lifecycle``: what every request needs around the relay: keyed lookups, member checks,
  where its messages go, closing, withdrawing and the idle sweep
- ``views``: the request and reply forms and the persistent buttons
- ``forms``: handling submitted forms (they outlive restarts)
- ``names``: pseudonyms, handles, limits and relay formatting (pure)
- ``sending``: sending with every mention off, and what each refusal means
"""

__all__ = ["forms", "lifecycle", "names", "sending", "service", "views"]
