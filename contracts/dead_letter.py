"""Dead letters: a message that could not be processed, with its origin and an actionable reason.

Every service dead-letters through :func:`dead_letter_for`, so every dead letter looks the same: the
original message (whole, or the first 64 KiB when bigger, with its size and SHA-256), where it came
from (topic, partition, offset, key), the error class and a reason a person can act on.

>>> from datetime import datetime, timezone
>>> from contracts.errors import ContractError
>>> dl = dead_letter_for(b'{"type": "aw.seizure.reported.v0"}', source_topic="aw.seizures",
...     partition=2, offset=41, key=b"Z-1", service="substance_resolver",
...     error=ContractError("unknown_type", "type: 'aw.seizure.reported.v0' is not known"),
...     now=datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc))
>>> dl.data.error_class, dl.data.original_type, dl.data.truncated
(<ErrorClass.UNKNOWN_TYPE: 'unknown_type'>, 'aw.seizure.reported.v0', False)
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints, TypeAdapter, ValidationError

from contracts.countries import is_country_code
from contracts.envelope import (
    Id,
    Jurisdiction,
    Label,
    OutgoingEvent,
    OutgoingModel,
    Ref,
    Text,
)
from contracts.errors import ContractError, ErrorClass

EXCERPT_CHARS = 64 * 1024
"""The ``original`` text is at most this long: 64 KiB of UTF-8, or base64 of the first 48 KiB."""
_BASE64_BYTES = EXCERPT_CHARS // 4 * 3
KEY_EXCERPT_CHARS = 256
_REASON_MAX = 4096

TopicName = Annotated[str, StringConstraints(min_length=1, max_length=249)]


class DeadLetteredData(OutgoingModel):
    """A failed message, where it came from, and why it failed."""

    original: str = Field(
        max_length=EXCERPT_CHARS,
        description="The message as UTF-8 text, or base64 when it is not valid UTF-8; "
        "the first 64 KiB (48 KiB before base64) when bigger",
    )
    original_encoding: Literal["utf-8", "base64"]
    original_size_bytes: int = Field(ge=0, description="Size of the whole original message")
    original_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the whole original, hex"
    )
    truncated: bool = Field(description="True when original is an excerpt")
    original_id: Id | None = Field(default=None, description="The original's envelope id, if read")
    original_type: Id | None = Field(default=None, description="The original's type, if read")
    source_topic: TopicName
    source_partition: int = Field(ge=0)
    source_offset: int = Field(ge=0)
    source_key: str | None = Field(
        default=None, max_length=KEY_EXCERPT_CHARS, description="The message key (excerpt)"
    )
    error_class: ErrorClass
    field: Ref | None = Field(default=None, description="Dotted path of the offending field")
    reason: Text = Field(description="What is wrong and what to do about it")
    service: Label = Field(description="The service that gave up on the message")
    failed_at: AwareDatetime


class DeadLettered(OutgoingEvent):
    """``aw.dead-letter.v1``: a message was rejected. Key: ``data.source_topic``.

    ``jurisdiction`` is the original's when it could be read, otherwise absent.
    """

    type: Literal["aw.dead-letter.v1"] = "aw.dead-letter.v1"
    jurisdiction: Jurisdiction | None = Field(  # type: ignore[assignment]
        default=None, description="The original's jurisdiction, when it could be read"
    )
    data: DeadLetteredData


def _excerpt(raw: bytes) -> tuple[str, Literal["utf-8", "base64"], bool]:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        head = raw[:_BASE64_BYTES]
        return base64.b64encode(head).decode("ascii"), "base64", len(head) < len(raw)
    # Cutting at a byte count may split a character: drop the partial one at the end.
    text = raw[:EXCERPT_CHARS].decode("utf-8", errors="ignore")
    return text, "utf-8", len(raw) > EXCERPT_CHARS


_ID: TypeAdapter[str] = TypeAdapter(Id)


def _peek(raw: bytes) -> dict[str, str]:
    """The original's id, type and jurisdiction when it is a readable JSON object, else {}."""
    if len(raw) > 1024 * 1024:
        return {}
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(doc, dict):
        return {}
    peeked = {}
    for name in ("id", "type", "jurisdiction"):
        # The dead letter's own rule for ids, not Python's: str.strip() also removes U+001C..1F
        # and json.loads admits lone surrogates, and either would make the dead letter invalid.
        try:
            peeked[name] = _ID.validate_python(doc.get(name))
        except ValidationError:
            continue
    return peeked


def _key_text(key: bytes | str | None) -> str | None:
    if key is None:
        return None
    if isinstance(key, bytes):
        key = key.decode("utf-8", errors="backslashreplace")
    return key[:KEY_EXCERPT_CHARS]


def _describe(error: BaseException, service: str) -> tuple[ErrorClass, str, str | None]:
    if isinstance(error, ContractError):
        return error.error_class, error.reason, error.field
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return (
        ErrorClass.INTERNAL_ERROR,
        f"{service} failed while processing this message ({detail}). The message itself may be "
        "valid: fix the service, then replay it from the dead-letter topic.",
        None,
    )


def dead_letter_for(
    raw: bytes,
    *,
    source_topic: str,
    partition: int,
    offset: int,
    key: bytes | str | None,
    error: BaseException,
    service: str,
    now: dt.datetime,
    part: int = 0,
) -> DeadLettered:
    """Build the dead letter for ``raw``, which ``service`` read at topic/partition/offset.

    A :class:`ContractError` keeps its error class, reason and field; any other exception is an
    ``internal_error``. The event id is derived from service, topic, partition and offset, so
    dead-lettering the same message twice (after a crash and replay) yields the same id.
    ``part`` numbers the rejections of one message (a lab result with two bad structures gives
    two dead letters): each gets its own id, the same again on replay.

    >>> from datetime import datetime, timezone
    >>> dl = dead_letter_for(b"\\xff\\xfe", source_topic="aw.lab-results", partition=0, offset=7,
    ...     key=None, error=KeyError("boom"), service="substance_resolver",
    ...     now=datetime(2026, 3, 1, tzinfo=timezone.utc))
    >>> dl.data.original, dl.data.original_encoding, dl.data.error_class.value
    ('//4=', 'base64', 'internal_error')
    """
    original, encoding, truncated = _excerpt(raw)
    peeked = _peek(raw)
    error_class, reason, field = _describe(error, service)
    jurisdiction = peeked.get("jurisdiction")
    origin = f"{service}|{source_topic}|{partition}|{offset}" + (f"|{part}" if part else "")
    return DeadLettered(
        id="dl-" + hashlib.sha256(origin.encode()).hexdigest()[:40],
        source=service,
        jurisdiction=jurisdiction if jurisdiction and is_country_code(jurisdiction) else None,
        time=now,
        published=now,
        data=DeadLetteredData(
            original=original,
            original_encoding=encoding,
            original_size_bytes=len(raw),
            original_sha256=hashlib.sha256(raw).hexdigest(),
            truncated=truncated,
            original_id=peeked.get("id"),
            original_type=peeked.get("type"),
            source_topic=source_topic,
            source_partition=partition,
            source_offset=offset,
            source_key=_key_text(key),
            error_class=error_class,
            field=field[:300] if field else None,
            reason=reason[:_REASON_MAX],
            service=service,
            failed_at=now,
        ),
    )


def original_bytes(data: DeadLetteredData) -> bytes:
    """The original message bytes (or their excerpt) back from a dead letter, e.g. to replay it.

    >>> original_bytes(DeadLetteredData(original="//4=", original_encoding="base64",
    ...     original_size_bytes=2, original_sha256="0" * 64, truncated=False,
    ...     source_topic="aw.seizures", source_partition=0, source_offset=0,
    ...     error_class="malformed_json", reason="not UTF-8", service="x",
    ...     failed_at="2026-03-01T00:00:00Z"))
    b'\\xff\\xfe'
    """
    if data.original_encoding == "base64":
        try:
            return base64.b64decode(data.original, validate=True)
        except binascii.Error as exc:
            raise ValueError(f"original is not valid base64: {exc}") from exc
    return data.original.encode("utf-8")
