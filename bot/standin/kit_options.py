"""What a Discord client would send for a slash command, a component or a modal.

Pure helpers for the test kit: they refuse what the Discord client itself would not let a user
send (unknown commands or options, a missing required option, a value outside the choices, the
wrong channel type, a modal the bot never opened), so a test cannot drive the bot with input
that real users cannot produce.
"""

from __future__ import annotations

from typing import Any

from bot.standin.access import channel_permissions
from bot.standin.messages import iter_components
from bot.standin.world import Channel, Member, Role, User

ADMINISTRATOR_BIT = 1 << 3
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)


def find_command(
    command_sets: dict[int | None, list[dict[str, Any]]], guild_id: int | None, name: str
) -> dict[str, Any]:
    """A registered chat-input command by name: the guild's own first, then global ones."""
    scopes = [guild_id, None] if guild_id is not None else [None]
    for scope in scopes:
        for command in command_sets.get(scope, []):
            if command["name"] == name and int(command.get("type", 1)) == 1:
                return command
    known = sorted({c["name"] for s in scopes for c in command_sets.get(s, [])})
    raise LookupError(f"no command /{name} registered (synced commands: {known})")


def check_available(command: dict[str, Any], actor: Member | None, channel: Channel | None) -> None:
    """Refuse what the Discord client would not offer: a command outside its contexts, or one
    whose default_member_permissions the member lacks (Server Settings may override these on
    Discord; the stand-in does not model overrides)."""
    in_guild = channel is not None and channel.guild is not None
    contexts = command.get("contexts")
    if contexts is not None and (0 if in_guild else 1) not in contexts:
        raise LookupError(f"/{command['name']} is not available in this context ({contexts})")
    if not in_guild and command.get("dm_permission") is False:
        raise LookupError(f"/{command['name']} is not available in DMs")
    required = command.get("default_member_permissions")
    if in_guild and required is not None and actor is not None and channel is not None:
        held = channel_permissions(actor, channel)
        needed = int(required)
        if needed == 0 and not held & ADMINISTRATOR_BIT:
            raise PermissionError(f"/{command['name']} is limited to administrators")
        if held & needed != needed:
            raise PermissionError(
                f"{actor.name} cannot see /{command['name']}: default_member_permissions {needed}"
            )


def command_data(
    command: dict[str, Any],
    path: list[str],
    options: dict[str, Any],
    *,
    actor: Member | None,
    channel: Channel | None = None,
    focused: str | None = None,
) -> dict[str, Any]:
    """`data` of an APPLICATION_COMMAND (or AUTOCOMPLETE when `focused` names an option)."""
    schema: list[dict[str, Any]] = list(command.get("options") or [])
    chain: list[tuple[int, str]] = []
    for name in path:
        match = next(
            (
                o
                for o in schema
                if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if match is None:
            raise LookupError(f"/{command['name']} has no subcommand or group {name!r}")
        chain.append((match["type"], name))
        schema = list(match.get("options") or [])
    if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in schema):
        names = [o["name"] for o in schema]
        raise LookupError(f"/{command['name']} {' '.join(path)} needs a subcommand: {names}")
    resolved: dict[str, dict[str, Any]] = {}
    leaf = [
        _option(o, options, resolved, actor, channel, focused)
        for o in schema
        if o["name"] in options
    ]
    unknown = set(options) - {o["name"] for o in schema}
    if unknown:
        raise ValueError(
            f"unknown options {sorted(unknown)}; the command has {[o['name'] for o in schema]}"
        )
    if focused is None:
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in options]
        if missing:
            raise ValueError(f"required options missing: {missing}")
    elif focused not in options:
        raise ValueError(f"the focused option {focused!r} needs a value in options")
    nested: list[dict[str, Any]] = leaf
    for kind, name in reversed(chain):
        nested = [{"type": kind, "name": name, "options": nested}]
    data: dict[str, Any] = {
        "id": command["id"],
        "name": command["name"],
        "type": 1,
        "options": nested,
    }
    if command.get("guild_id"):
        data["guild_id"] = command["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def _option(
    schema: dict[str, Any],
    options: dict[str, Any],
    resolved: dict[str, dict[str, Any]],
    actor: Member | None,
    channel: Channel | None,
    focused: str | None,
) -> dict[str, Any]:
    name, kind, value = schema["name"], int(schema["type"]), options[schema["name"]]
    if name == focused:
        # Autocomplete sends what the user has typed so far, as typed.
        return {"type": kind, "name": name, "value": str(value), "focused": True}
    converted: Any
    if kind == STRING:
        converted = str(value)
        low, high = schema.get("min_length", 0), schema.get("max_length", 6000)
        if not low <= len(converted) <= high:
            raise ValueError(f"{name}: length must be {low}..{high}")
    elif kind in (INTEGER, NUMBER):
        converted = int(value) if kind == INTEGER else float(value)
        if "min_value" in schema and converted < schema["min_value"]:
            raise ValueError(f"{name}: below min_value {schema['min_value']}")
        if "max_value" in schema and converted > schema["max_value"]:
            raise ValueError(f"{name}: above max_value {schema['max_value']}")
    elif kind == BOOLEAN:
        converted = bool(value)
    elif kind in (USER, CHANNEL, ROLE, MENTIONABLE):
        converted = _resolve(schema, value, resolved, actor, channel)
    else:
        raise ValueError(f"{name}: option type {kind} is not supported by the stand-in kit")
    choices = schema.get("choices")
    if choices and converted not in [c["value"] for c in choices]:
        raise ValueError(f"{name}: {converted!r} is not one of {[c['value'] for c in choices]}")
    return {"type": kind, "name": name, "value": converted}


def _resolve(
    schema: dict[str, Any],
    value: Any,
    resolved: dict[str, dict[str, Any]],
    actor: Member | None,
    channel: Channel | None,
) -> str:
    """Put a world object into `data.resolved` and return its id, as the Discord client does."""
    kind, name = int(schema["type"]), schema["name"]
    if isinstance(value, Channel) and kind == CHANNEL:
        allowed_types = schema.get("channel_types")
        if allowed_types and value.type not in allowed_types:
            raise ValueError(f"{name}: channel type {value.type} not in {allowed_types}")
        entry: dict[str, Any] = {"id": str(value.id), "name": value.name, "type": value.type}
        if actor is not None:
            entry["permissions"] = str(channel_permissions(actor, value))
        if value.is_thread:
            full = value.json()
            entry.update(parent_id=full["parent_id"], thread_metadata=full["thread_metadata"])
        resolved.setdefault("channels", {})[str(value.id)] = entry
        return str(value.id)
    if isinstance(value, Role) and kind in (ROLE, MENTIONABLE):
        resolved.setdefault("roles", {})[str(value.id)] = value.json()
        return str(value.id)
    if isinstance(value, Member | User) and kind in (USER, MENTIONABLE):
        user = value.user if isinstance(value, Member) else value
        resolved.setdefault("users", {})[str(user.id)] = user.json()
        if isinstance(value, Member):
            member = value.json(with_user=False)
            if channel is not None and channel.guild is value.guild:
                member["permissions"] = str(channel_permissions(value, channel))
            resolved.setdefault("members", {})[str(user.id)] = member
        return str(user.id)
    raise ValueError(f"{name}: {value!r} does not fit an option of type {kind}")


def find_component(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    for component in iter_components(message.get("components") or []):
        if component.get("custom_id") == custom_id:
            if component.get("disabled"):
                raise ValueError(f"component {custom_id!r} is disabled")
            return component
    ids = [c.get("custom_id") for c in iter_components(message.get("components") or [])]
    raise LookupError(f"no component {custom_id!r} on message {message['id']} (has {ids})")


def component_data(component: dict[str, Any], values: list[str] | None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "custom_id": component["custom_id"],
        "component_type": component["type"],
    }
    if component["type"] != 2:
        chosen = list(values or [])
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(chosen) <= high:
            raise ValueError(f"select {component['custom_id']!r} takes {low}..{high} values")
        if component["type"] == 3:
            offered = [o["value"] for o in component.get("options") or []]
            if any(v not in offered for v in chosen):
                raise ValueError(f"values {chosen} not among the options {offered}")
        data["values"] = chosen
    elif values:
        raise ValueError("buttons take no values")
    return data


def modal_components(modal: dict[str, Any], values: dict[str, str]) -> list[dict[str, Any]]:
    """The `components` of a MODAL_SUBMIT for the modal the bot opened, filled with `values`."""
    inputs = {
        c["custom_id"]: c
        for c in iter_components(modal.get("components") or [])
        if c.get("type") == 4
    }
    unknown = set(values) - set(inputs)
    if unknown:
        raise ValueError(f"the modal has no inputs {sorted(unknown)} (it has {sorted(inputs)})")
    for custom_id, item in inputs.items():
        value = values.get(custom_id, "")
        if item.get("required", True) and not value:
            raise ValueError(f"modal input {custom_id!r} is required")
        if value and not item.get("min_length", 0) <= len(value) <= item.get("max_length", 4000):
            raise ValueError(f"modal input {custom_id!r}: length outside its limits")

    def submitted(item: dict[str, Any]) -> dict[str, Any]:
        entry = {
            "type": 4,
            "custom_id": item["custom_id"],
            "value": values.get(item["custom_id"], ""),
        }
        if "id" in item:
            entry["id"] = item["id"]
        return entry

    result: list[dict[str, Any]] = []
    for top in modal.get("components") or []:
        if top.get("type") == 1:
            row = [submitted(c) for c in top.get("components") or [] if c.get("type") == 4]
            result.append({"type": 1, "components": row})
        elif top.get("type") == 18 and (top.get("component") or {}).get("type") == 4:
            entry: dict[str, Any] = {"type": 18, "component": submitted(top["component"])}
            if "id" in top:
                entry["id"] = top["id"]
            result.append(entry)
    return result
