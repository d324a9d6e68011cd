"""Discord's published OpenAPI description as a check on every REST body the bot sends.

`check_request` matches a request path (after ``/api/v10``) to the description's path template
(``/channels/{channel_id}/messages``), validates the JSON body (or the ``payload_json`` part of a
multipart upload) against that route's ``application/json`` request schema, and answers what
Discord answers for a body it refuses: 400 with error 50035 "Invalid Form Body", errors nested by
field path (the shape of `limits_base.invalid_form_body`). Each refusal is also recorded, per
server (`violations`, `kit.StandIn.schema_violations`) and for the test fixtures (`outstanding`),
because a bot that handles the 400 gracefully would otherwise hide its own bug.

The description (``openapi.json``, OpenAPI 3.1, JSON Schema 2020-12) is Discord's own, from
discord/discord-api-spec (MIT); the repository keeps a copy with its licence in
``third_party/discord-openapi/`` (``KINDRED_DISCORD_OPENAPI`` points elsewhere; without the copy,
``../shared/discord-openapi/openapi.json`` beside the checkout). It is loaded once per process
on first use and each route's validator compiled once. ``jsonschema`` and ``referencing`` come
with the ``test`` extras: without them (``pip install -e .`` for the demo) or without the file,
requests are not validated and a debug line says so once.

Deviations from the description, each accepted because Discord accepts the request in practice,
are in `_accept_discords_practice`. Routes or methods the description does not describe, and
bodies on routes it gives none, are left alone: no rule is invented for them (`undescribed` lists
those seen, for a report).

The hand-written checks in ``limits*.py`` stay: the description does not know every rule Discord
enforces (content is 2,000 characters for a bot, not the description's 4,000; component layout;
embed totals ...). A body the description refuses is answered here, before those run.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.standin.limits_base import FieldError, invalid_form_body
from bot.standin.limits_base import Path as FieldPath
from bot.standin.rest_base import INVALID_FORM_BODY, ApiError

try:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError:  # the demo's plain install has no test extras: no validation then
    AVAILABLE = False
else:
    AVAILABLE = True

log = logging.getLogger(__name__)

SPEC_ENV = "KINDRED_DISCORD_OPENAPI"
# The registry's name for the whole document; request schemas are `$ref`s into it, so the
# description's own `#/components/...` references resolve against it.
_DOC_URI = "urn:discord-openapi"
_METHODS = ("get", "put", "post", "patch", "delete")
_RESULTS_KEPT = 256


def spec_path() -> Path:
    """Where the description is read from: ``$KINDRED_DISCORD_OPENAPI``, else the copy in the
    checkout (``third_party/discord-openapi/openapi.json``, MIT, with its licence), else
    ``shared/discord-openapi/openapi.json`` beside the checkout."""
    override = os.environ.get(SPEC_ENV)
    if override:
        return Path(override)
    root = Path(__file__).resolve().parents[2]
    vendored = root / "third_party" / "discord-openapi" / "openapi.json"
    if vendored.is_file():
        return vendored
    return root.parent / "shared" / "discord-openapi" / "openapi.json"


# ------------------------------------------------------------------ what the server records


@dataclass
class SchemaViolation:
    """One request body the description refuses, answered 400 50035."""

    method: str
    path: str
    template: str
    errors: list[FieldError]
    payload: Any = field(repr=False)

    def __str__(self) -> str:
        found = "; ".join(
            f"{'.'.join(str(p) for p in e.path) or '(body)'}: {e.code} {e.message}"
            for e in self.errors
        )
        shown = json.dumps(self.payload, default=str)
        if len(shown) > 600:
            shown = shown[:600] + "..."
        return f"{self.method} {self.path} ({self.template}): {found}\n    body: {shown}"


# server -> its violations; `_watched` holds the lists that got one since the last `forget`
# (the lists, not the servers), so a test that built and dropped its own stand-in still answers.
_by_server: weakref.WeakKeyDictionary[object, list[SchemaViolation]] = weakref.WeakKeyDictionary()
_watched: list[list[SchemaViolation]] = []
# (method, template or path) of requests with a body the description does not describe.
undescribed: set[tuple[str, str]] = set()


def violations(server: object) -> list[SchemaViolation]:
    """The server's refused bodies, oldest first; a test that expects one clears this list."""
    return _by_server.setdefault(server, [])


def _record(server: object, violation: SchemaViolation) -> None:
    found = violations(server)
    found.append(violation)
    if not any(found is watched for watched in _watched):
        _watched.append(found)


def outstanding() -> list[SchemaViolation]:
    """Violations recorded on any server since the last `forget`, and not cleared since."""
    return [v for found in _watched for v in found]


def forget() -> None:
    _watched.clear()


# ------------------------------------------------------------------ the check


def check_request(server: object, method: str, path: str, payload: Any) -> None:
    """Raise Discord's 400 50035 if `payload` (the parsed JSON body, None when there is none)
    breaks the description's request schema for `method` `path`; record it on `server`."""
    if payload is None:
        return
    spec = _spec()
    if spec is None:
        return
    template = spec.match(path)
    errors = spec.errors(template, method, payload) if template is not None else None
    if errors is None:
        if (method, template or path) not in undescribed:
            undescribed.add((method, template or path))
            log.debug("OpenAPI description has no JSON body for %s %s", method, template or path)
        return
    if not errors:
        return
    assert template is not None
    violation = SchemaViolation(method, path, template, errors, payload)
    _record(server, violation)
    log.warning("stand-in refused a body Discord's OpenAPI description refuses: %s", violation)
    raise ApiError(400, INVALID_FORM_BODY, "Invalid Form Body", invalid_form_body(errors))


def find_errors(method: str, path: str, payload: Any) -> list[FieldError] | None:
    """The description's complaints about `payload`, without recording anything; None when the
    description does not describe a JSON body there (or validation is unavailable)."""
    spec = _spec()
    template = spec.match(path) if spec is not None else None
    if spec is None or template is None:
        return None
    return spec.errors(template, method, payload)


# ------------------------------------------------------------------ loading


class _Spec:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(_DOC_URI, resource)
        # Templates by segment count; a parameter segment is None.
        self.templates: dict[int, list[tuple[tuple[str | None, ...], str]]] = {}
        for template in doc["paths"]:
            segments = tuple(
                None if s.startswith("{") and s.endswith("}") else s for s in template.split("/")
            )
            self.templates.setdefault(len(segments), []).append((segments, template))
        self._validators: dict[tuple[str, str], Draft202012Validator | None] = {}
        # (template, method, canonical JSON) -> errors, least recently used first.
        self._results: dict[tuple[str, str, str], list[FieldError]] = {}

    def match(self, path: str) -> str | None:
        """The template for a concrete path; a literal segment beats a parameter, leftmost
        first (``/channels/1/messages/pins`` is the pins route, not a message id)."""
        parts = path.split("/")
        best: tuple[tuple[bool, ...], str] | None = None
        for segments, template in self.templates.get(len(parts), []):
            if all(
                s == p if s is not None else p != "" for s, p in zip(segments, parts, strict=True)
            ):
                rank = tuple(s is not None for s in segments)
                if best is None or rank > best[0]:
                    best = (rank, template)
        return best[1] if best else None

    def errors(self, template: str, method: str, payload: Any) -> list[FieldError] | None:
        """The payload's problems (None: no JSON body described for this route and method).

        Results are kept for the last bodies seen: validating through the description's
        unions is slow (a `oneOf` tries every branch; Kindred's command set takes about
        100 ms) and most tests sync the same commands again."""
        validator = self.validator(template, method)
        if validator is None:
            return None
        key = (template, method, json.dumps(payload, sort_keys=True, separators=(",", ":")))
        found = self._results.pop(key, None)
        if found is None:
            found = _field_errors(validator.iter_errors(payload))
            if len(self._results) >= _RESULTS_KEPT:
                del self._results[next(iter(self._results))]
        self._results[key] = found
        return list(found)

    def validator(self, template: str, method: str) -> Draft202012Validator | None:
        key = (template, method.lower())
        if key not in self._validators:
            self._validators[key] = self._compile(*key)
        return self._validators[key]

    def _compile(self, template: str, method: str) -> Draft202012Validator | None:
        operation = self.doc["paths"][template].get(method)
        if method not in _METHODS or not isinstance(operation, dict):
            return None
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            return None
        where = ["paths", _escape(template), method, "requestBody", "content"]
        pointer = "/" + "/".join([*where, _escape("application/json"), "schema"])
        schema = {"$ref": f"{_DOC_URI}#{quote(pointer, safe='/~')}"}
        return Draft202012Validator(schema, registry=self.registry)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@functools.cache
def _spec() -> _Spec | None:
    if not AVAILABLE:
        log.debug("jsonschema is not installed: the stand-in does not check request bodies")
        return None
    where = spec_path()
    try:
        doc = json.loads(where.read_text(encoding="utf-8"))
    except OSError:
        log.debug("no OpenAPI description at %s: the stand-in does not check bodies", where)
        return None
    _accept_discords_practice(doc)
    return _Spec(doc)


def enabled() -> bool:
    """Whether bodies are validated (jsonschema installed and the description found)."""
    return _spec() is not None


def _accept_discords_practice(doc: dict[str, Any]) -> None:
    """Where what Discord accepts differs from the preview description (edits `doc`)."""
    schemas = doc["components"]["schemas"]
    # Snowflakes: the description has strings only (`SnowflakeType`, pattern ^(0|[1-9][0-9]*)$);
    # Discord also takes JSON integers, and discord.py 2.7 sends them: `recipient_id`
    # (http.start_private_message), `allowed_mentions.users`/`roles` (mentions.py to_dict),
    # `message_reference.message_id`/`channel_id`/`guild_id` (message.py), `sticker_ids`
    # (abc.py), `attachments[].id` (the upload's index, file.py). The README beside openapi.json
    # records the same. A negative, fractional or non-numeric id is still refused.
    snowflake = schemas["SnowflakeType"]
    schemas["SnowflakeType"] = {
        "anyOf": [snowflake, {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}]
    }


# ------------------------------------------------------------------ errors, Discord's way


def _field_errors(errors: Iterable[ValidationError]) -> list[FieldError]:
    found: list[FieldError] = []
    for error in errors:
        for leaf in _leaves(error):
            for problem in _translate(leaf):
                if problem not in found:
                    found.append(problem)
    return found


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The errors that name fields: a union (a component's `oneOf`, a callback's `anyOf`, a
    nullable `oneOf [null, X]`) is reported through the branch the value was meant for, the
    way Discord reports a component by its `type`; the union itself only when none fits."""
    if not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    depth = len(error.absolute_path)
    fitting = [b for b in branches.values() if not any(_wrong_kind(e, depth) for e in b)]
    if not fitting:
        choices = _discriminator(error, list(branches.values()), depth)
        if choices is not None:
            return [choices]
        # Nothing fits: a value of the wrong type for `[null, X]` is X's type error.
        fitting = [b for b in branches.values() if not any(_is_null_branch(e) for e in b)]
        if len(fitting) != 1:
            return [error]
    chosen = min(fitting, key=len)
    return [leaf for sub in chosen for leaf in _leaves(sub)]


def _wrong_kind(error: ValidationError, depth: int) -> bool:
    """A branch for another kind of value: the value's own type, or its discriminator (a
    `const` or `enum` on one of its fields, like a component's `type`), does not match."""
    below = len(error.absolute_path) - depth
    if below == 0:
        return error.validator in ("type", "const", "enum")
    return below == 1 and error.validator in ("const", "enum")


def _discriminator(
    error: ValidationError, branches: list[list[ValidationError]], depth: int
) -> ValidationError | None:
    """When every branch refused the same field's `const`/`enum` (``type`` 99 where a union has
    1, 4, 5 ...; an archive duration of 61), one error on that field listing every allowed
    value."""
    values: list[Any] = []
    where: set[tuple[Any, ...]] = set()
    found: list[ValidationError] = []
    for branch in branches:
        picks = [e for e in branch if _wrong_kind(e, depth) and e.validator != "type"]
        if not picks:
            return None
        for pick in picks:
            limit: Any = pick.validator_value
            allowed = limit if pick.validator == "enum" else [limit]
            values.extend(v for v in allowed if v not in values)
            where.add(tuple(pick.absolute_path))
        found.extend(picks)
    if len(where) != 1:
        return None
    return ValidationError(
        "discriminator",
        validator="enum",
        validator_value=sorted(values, key=lambda v: (str(type(v)), v)),
        instance=found[0].instance,
        path=found[0].absolute_path,
    )


def _is_null_branch(error: ValidationError) -> bool:
    return error.validator == "type" and error.validator_value == "null"


def _translate(error: ValidationError) -> list[FieldError]:
    """Discord's code and wording for a jsonschema error, at Discord's field path."""
    path: FieldPath = tuple(error.absolute_path)
    kind, value = error.validator, error.instance
    limit: Any = error.validator_value
    if kind == "required":
        present = value if isinstance(value, dict) else {}
        return [
            FieldError((*path, name), "BASE_TYPE_REQUIRED", "This field is required")
            for name in limit
            if name not in present
        ]
    if kind == "type":
        wanted = [t for t in ([limit] if isinstance(limit, str) else limit) if t != "null"]
        return [_wrong_type(path, wanted[0] if wanted else "null", value)]
    if kind in ("enum", "const"):
        choices = limit if kind == "enum" else [limit]
        shown = ", ".join(repr(c) if isinstance(c, str) else str(c) for c in choices)
        return [FieldError(path, "BASE_TYPE_CHOICES", f"Value must be one of ({shown}).")]
    if str(kind) in _CODES:
        code, message = _CODES[str(kind)]
        return [FieldError(path, code, message.format(limit=limit))]
    return [FieldError(path, "BASE_TYPE_INVALID", error.message)]


_CODES: dict[str, tuple[str, str]] = {
    "maxLength": ("BASE_TYPE_MAX_LENGTH", "Must be {limit} or fewer in length."),
    "minLength": ("BASE_TYPE_MIN_LENGTH", "Must be {limit} or more in length."),
    "maxItems": ("BASE_TYPE_MAX_LENGTH", "Must be {limit} or fewer in length."),
    "minItems": ("BASE_TYPE_MIN_LENGTH", "Must be {limit} or more in length."),
    "maxProperties": ("BASE_TYPE_MAX_LENGTH", "Must be {limit} or fewer in length."),
    "minimum": ("NUMBER_TYPE_MIN", "int value should be greater than or equal to {limit}."),
    "maximum": ("NUMBER_TYPE_MAX", "int value should be less than or equal to {limit}."),
    "pattern": ("STRING_TYPE_REGEX", "String value did not match validation regex."),
    "uniqueItems": ("BASE_TYPE_DUPLICATED", "Values must be unique."),
    "oneOf": ("UNION_TYPE_CHOICES", "Value does not match exactly one of the allowed types."),
    "anyOf": ("UNION_TYPE_CHOICES", "Value does not match any of the allowed types."),
}


def _wrong_type(path: FieldPath, wanted: str, value: Any) -> FieldError:
    if wanted == "string":
        return FieldError(
            path, "STRING_TYPE_CONVERT", f'Could not interpret "{value!r}" as string.'
        )
    if wanted in ("integer", "number"):
        kind = "int" if wanted == "integer" else "float"
        return FieldError(path, "NUMBER_TYPE_COERCE", f'Value "{value}" is not {kind}.')
    if wanted == "boolean":
        return FieldError(path, "BOOLEAN_TYPE_CONVERT", "Must be either true or false.")
    if wanted == "array":
        return FieldError(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
    if wanted == "object":
        return FieldError(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
    return FieldError(path, "BASE_TYPE_BAD_TYPE", f"Value must be {wanted}.")
