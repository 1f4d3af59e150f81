"""Bytes to events and back: size limit, JSON, upcasting, validation, clock-skew check.

``decode`` either returns a valid event or raises :class:`~contracts.errors.ContractError` whose
reason names the field and the rule, ready to put on a dead letter:

>>> from datetime import datetime, timezone
>>> raw = b'{"id": "e1", "type": "aw.legislation.amendment-withdrawn.v1", "source": "kz.mj",'
>>> raw += b' "jurisdiction": "KZ", "time": "2026-03-01T10:00:00+05:00",'
>>> raw += b' "published": "2026-03-01T10:05:00+05:00",'
>>> raw += b' "data": {"amendment_id": "KZ-2026-14", "reason": "superseded by KZ-2026-15"}}'
>>> now = datetime(2026, 3, 2, tzinfo=timezone.utc)
>>> decode(raw, now=now).data.amendment_id
'KZ-2026-14'
>>> try:
...     decode(raw.replace(b'"KZ-2026-14"', b'" "'), now=now)
... except ContractError as err:
...     print(err.error_class.value, "|", err.reason)
schema_violation | data.amendment_id: must not be empty

Evolution: a breaking change gets a new type version (``...v2``) and an upcaster from the old type,
registered in :data:`UPCASTERS`. An upcaster takes the parsed JSON object of the old version and
returns one of the next version; ``decode`` applies them in a chain until the type is current.
Additive optional fields keep the version and need no upcaster. For example, had seizures once been
published as ``aw.seizure.reported.v0`` with ``weight_kg`` per item, the upcaster would be::

    @register_upcaster("aw.seizure.reported.v0")
    def seizure_v0_to_v1(doc):
        items = [{**i, "mass_g": i.pop("weight_kg") * 1000} for i in doc["data"]["items"]]
        return {**doc, "type": "aw.seizure.reported.v1", "data": {**doc["data"], "items": items}}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from contracts.envelope import Envelope
from contracts.errors import ContractError, ErrorClass
from contracts.events import EVENT_ADAPTER, EVENT_MODELS, INCOMING_TYPES, Event

MAX_MESSAGE_BYTES = 1024 * 1024
"""Largest message ``decode`` reads and ``encode`` writes (1 MiB, Kafka's default limit)."""

CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far in the future a time may be before it is rejected."""

EARLIEST_TIME = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
"""Times before this are rejected: no seizure, analysis or law of interest is older, and a
year-1 date (a zeroed field) would overflow the window arithmetic of the services."""

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
UPCASTERS: dict[str, Upcaster] = {}
"""Old type string to the function lifting a document of that type one version up."""

_MAX_UPCASTS = 20
_MAX_ERRORS_SHOWN = 3


def register_upcaster(from_type: str) -> Callable[[Upcaster], Upcaster]:
    """Register ``fn`` as the upcaster of documents whose type is ``from_type``.

    >>> @register_upcaster("aw.example.v0")
    ... def _v0_to_v1(doc):
    ...     return {**doc, "type": "aw.example.v1"}
    >>> UPCASTERS.pop("aw.example.v0") is _v0_to_v1
    True
    """

    def register(fn: Upcaster) -> Upcaster:
        if from_type in EVENT_MODELS:
            raise ValueError(f"{from_type} is a current type; upcasters start from old types")
        UPCASTERS[from_type] = fn
        return fn

    return register


def encode(event: Envelope, *, max_bytes: int = MAX_MESSAGE_BYTES) -> bytes:
    """The event as compact UTF-8 JSON.

    Raises ``ContractError("oversized", ...)`` rather than write a message no consumer would read.

    >>> from contracts.legislation import AmendmentWithdrawn
    >>> e = AmendmentWithdrawn(id="e1", source="kz.mj", jurisdiction="KZ",
    ...     time="2026-03-01T10:00:00Z", published="2026-03-01T10:00:00Z",
    ...     data={"amendment_id": "A-1", "reason": "superseded"})
    >>> encode(e)[:30]
    b'{"id":"e1","type":"aw.legislat'
    """
    raw = event.model_dump_json().encode("utf-8")
    if len(raw) > max_bytes:
        raise ContractError(
            ErrorClass.OVERSIZED,
            f"{event.type} {event.id} encodes to {len(raw)} bytes; the limit is {max_bytes}",
        )
    return raw


def decode(
    raw: bytes,
    *,
    now: dt.datetime | None = None,
    accept: frozenset[str] | None = None,
    max_bytes: int = MAX_MESSAGE_BYTES,
) -> Event:
    """The event in ``raw``, or ``ContractError`` saying which field breaks which rule.

    ``now`` (default: the current time) is the reference for the clock-skew check (times must
    also be after 1900). ``accept``
    restricts the types, e.g. ``accept=SEIZURES.types`` on a consumer of ``aw.seizures``.
    """
    if len(raw) > max_bytes:
        raise ContractError(
            ErrorClass.OVERSIZED,
            f"message is {len(raw)} bytes; the limit is {max_bytes} bytes. Send fewer items per "
            "message (e.g. split a large list) or prefer SMILES over MOL blocks.",
        )
    text = _utf8(bytes(raw))
    doc = _parse(text)
    original_type = doc["type"]
    doc = _upcast(doc)
    type_ = doc["type"]
    _check_type(type_, accept)
    if type_ != original_type:
        text = json.dumps(doc, ensure_ascii=False)
    event = _validate(text, type_)
    _check_time_range(event, now or dt.datetime.now(dt.UTC))
    return event


def _utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContractError(
            ErrorClass.MALFORMED_JSON,
            f"message is not valid UTF-8 (byte {exc.start}: {raw[exc.start : exc.start + 1]!r}); "
            "encode the JSON as UTF-8",
        ) from None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def _parse(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ContractError(
            ErrorClass.MALFORMED_JSON,
            f"message is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
        ) from None
    except (ValueError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
        raise ContractError(
            ErrorClass.MALFORMED_JSON, f"message is not valid JSON: {reason}"
        ) from None
    if not isinstance(doc, dict):
        raise ContractError(
            ErrorClass.NOT_AN_OBJECT,
            f"message is a JSON {_json_kind(doc)}; an event is a JSON object {{...}} with an "
            "envelope (id, type, source, jurisdiction, time, published, data)",
        )
    if "type" not in doc:
        raise ContractError(
            ErrorClass.SCHEMA_VIOLATION,
            "type: is required, e.g. 'aw.seizure.reported.v1'",
            field="type",
        )
    if not isinstance(doc["type"], str):
        raise ContractError(
            ErrorClass.SCHEMA_VIOLATION,
            f"type: must be a string (got a JSON {_json_kind(doc['type'])})",
            field="type",
        )
    return doc


def _upcast(doc: dict[str, Any]) -> dict[str, Any]:
    for _ in range(_MAX_UPCASTS):
        upcaster = UPCASTERS.get(doc["type"])
        if upcaster is None:
            return doc
        from_type = doc["type"]
        try:
            doc = upcaster(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise ContractError(
                ErrorClass.SCHEMA_VIOLATION,
                f"type: cannot upgrade this {from_type} event to the current version "
                f"({type(exc).__name__}: {exc})",
                field="type",
            ) from None
    raise RuntimeError(f"upcasters loop from {doc['type']}")


def _check_type(type_: str, accept: frozenset[str] | None) -> None:
    if type_ not in EVENT_MODELS:
        # Name what the reader may send: on a topic, its types; otherwise what agencies publish.
        known = sorted(accept) if accept is not None else sorted(INCOMING_TYPES)
        raise ContractError(
            ErrorClass.UNKNOWN_TYPE,
            f"type: {_show(type_)} is not a known event type; "
            + ("accepted on this topic: " if accept is not None else "agencies publish: ")
            + ", ".join(known),
            field="type",
        )
    if accept is not None and type_ not in accept:
        raise ContractError(
            ErrorClass.UNKNOWN_TYPE,
            f"type: {type_} is not accepted on this topic; accepted: " + ", ".join(sorted(accept)),
            field="type",
        )


def _validate(text: str, type_: str) -> Event:
    try:
        # strict: the wire must match the published JSON Schema ("1.5" is not a number).
        return EVENT_ADAPTER.validate_json(text, strict=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        shown = []
        for error in errors[:_MAX_ERRORS_SHOWN]:
            path = _path(error["loc"], type_)
            shown.append(f"{path}: {_rule(error)}" if path else _rule(error))
        more = len(errors) - len(shown)
        reason = "; ".join(shown) + (f" (and {more} more)" if more else "")
        field = _path(errors[0]["loc"], type_) or None
        raise ContractError(ErrorClass.SCHEMA_VIOLATION, reason, field=field) from None


def _check_time_range(event: Envelope, now: dt.datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    latest = now + CLOCK_SKEW
    for field, value in _times(event):
        if value < EARLIEST_TIME:
            raise ContractError(
                ErrorClass.SCHEMA_VIOLATION,
                f"{field}: {value.isoformat()} is before {EARLIEST_TIME.year}; an unset date "
                "field (year 1 or the epoch of another system) is the usual cause",
                field=field,
            )
        if value > latest:
            raise ContractError(
                ErrorClass.SCHEMA_VIOLATION,
                f"{field}: {value.isoformat()} is in the future (more than "
                f"{CLOCK_SKEW.total_seconds() / 60:g} minutes after {now.isoformat()}); check the "
                "timezone offset: local time sent as UTC is the usual cause",
                field=field,
            )


def _times(event: Envelope) -> list[tuple[str, dt.datetime]]:
    """The envelope's times and the data's top-level ``*_at`` times."""
    times = [("time", event.time), ("published", event.published)]
    data: BaseModel = event.data  # type: ignore[attr-defined]
    for name in type(data).model_fields:
        value = getattr(data, name)
        if name.endswith("_at") and isinstance(value, dt.datetime):
            times.append((f"data.{name}", value))
    return times


def _path(loc: tuple[int | str, ...], type_: str) -> str:
    # The discriminated union puts the tag first: drop it, the reader knows the type.
    parts = loc[1:] if loc and loc[0] == type_ else loc
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _show(value: Any, limit: int = 80) -> str:
    shown = repr(value)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _json_kind(value: Any) -> str:
    kinds = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return kinds.get(type(value), "number")


def _allowed(expected: str) -> str:
    """ "'a', 'b' or 'c'" (pydantic's wording) as "a, b, c"."""
    return ", ".join(v.strip().strip("'") for v in expected.replace(" or ", ", ").split(", "))


_KINDS = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}

_EXAMPLE_TIME = "2026-03-01T10:00:00+05:00"


def _rule(error: Any) -> str:
    """One pydantic error as the rule it breaks, in words."""
    kind, ctx, value = error["type"], error.get("ctx", {}), error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of this event (outgoing events forbid unknown fields)"
    if kind in ("enum", "literal_error"):
        return f"{_show(value)} is not one of {_allowed(ctx['expected'])}"
    if kind == "string_too_short":
        if ctx["min_length"] == 1:
            return "must not be empty"
        return f"must be at least {ctx['min_length']} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx['max_length']} characters (got {len(value)})"
    if kind == "too_short":
        return f"must have at least {ctx['min_length']} item(s) (got {ctx['actual_length']})"
    if kind == "too_long":
        return f"must have at most {ctx['max_length']} items (got {ctx['actual_length']})"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {
            "greater_than_equal": ">=",
            "greater_than": ">",
            "less_than_equal": "<=",
            "less_than": "<",
        }[kind]
        bound = next(iter(ctx.values()))
        bound = int(bound) if isinstance(bound, float) and bound.is_integer() else bound
        return f"must be {op} {bound} (got {_show(value)})"
    if kind == "timezone_aware":
        return f"must include a timezone offset, e.g. {_EXAMPLE_TIME} (got {_show(value)})"
    if kind.startswith("datetime"):
        return f"must be an ISO 8601 date-time, e.g. {_EXAMPLE_TIME} (got {_show(value)})"
    if kind.startswith("date"):
        return f"must be a date YYYY-MM-DD (got {_show(value)})"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx['pattern']} (got {_show(value)})"
    if kind == "finite_number":
        return "must be a finite number"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in _KINDS:
        return f"must be {_KINDS[kind]} (got a JSON {_json_kind(value)})"
    return error["msg"]
