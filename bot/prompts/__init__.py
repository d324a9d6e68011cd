"""Daily prompts: posted on a schedule with a thread each, deepening with engagement.

- ``service``: ``PromptService``, posting a prompt and its thread, the engine's handler
- ``selection``: picking a prompt (depth ladder, no repeats) and naming its thread (pure)
- ``posting``: the prompt embed, schedule wording and the permissions a channel needs
- ``review``: members' suggestions and the moderators' review buttons and edit form
- ``status``: ``/prompt status``
"""

__all__ = ["posting", "review", "selection", "service", "status"]
