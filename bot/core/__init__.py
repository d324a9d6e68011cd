"""What every feature uses; imports nothing else of ``bot``.

- ``settings``: the environment and ``.env``, validated once; ``clock``: the injectable clock
- ``errors``: ``UserFacingError`` and the one error handler; ``checks``: run-time permission
  checks; ``forms``: reading submitted modals; ``buttons``: the persistent-button base
- ``privacy``: what each feature stores (``my-data``, ``forget-me``, ``forget-server``);
  ``log_privacy``: keeps identities and private text out of logs; ``sealing``: AES-GCM and HMAC
- ``library`` and ``library_yaml``: loading and validating prompts.yaml
- ``text``: the normaliser and phrase language shared by crisis and listening detection;
  ``crisis``: crisis detection (a package: the clinical constructs as rules, and the small
  learned model beside them);
  ``pseudonyms``: the words anonymous names are made of; ``cooldown``: in-memory rate limits
- ``recurrence``: the schedule rule a row holds and parsing what members type;
  ``timezones``: timezone autocomplete; ``bridges``: what one feature offers another

Import from the modules; this package's ``__init__`` imports nothing, so using one part does
not load the others.
"""

__all__ = [
    "bridges",
    "buttons",
    "checks",
    "clock",
    "cooldown",
    "crisis",
    "errors",
    "forms",
    "library",
    "library_yaml",
    "log_privacy",
    "privacy",
    "pseudonyms",
    "recurrence",
    "sealing",
    "settings",
    "text",
    "timezones",
]
