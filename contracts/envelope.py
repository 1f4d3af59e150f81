"""The envelope every event travels in, and the bounded field types the bodies are built from.

Every event is a frozen pydantic model with the same envelope fields (in the spirit of CloudEvents)
and a type-specific ``data`` body. Events that other agencies publish *into* Analogue Watch derive
from :class:`IncomingEvent` and tolerate unknown fields (tolerant reader: an agency may add a field
before we know about it). Events Analogue Watch publishes itself derive from :class:`OutgoingEvent`
and forbid unknown fields, so a typo in our own code fails loudly instead of leaking out.

>>> from contracts.seizure import SeizureReported
>>> SeizureReported.model_fields["type"].default
'aw.seizure.reported.v1'
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from contracts.countries import ISO_3166_ALPHA2, is_country_code

ID_MAX = 128
"""Longest id (event id, seizure id, sample id, ...) a contract accepts, in characters."""

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ID_MAX)]
"""An identifier: surrounding whitespace stripped, then 1..128 characters."""

Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
"""A derived reference such as ``sample:<sample id>`` or ``baseline:<list name>`` (1..300)."""

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
"""A short label such as a legislative stage or a schedule name (1..64)."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256)]
"""A human name: substance, region, list (1..256)."""

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1024)]
"""The title of a legal instrument (1..1024)."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4096)]
"""Free text a person reads: a reason, an explanation (1..4096)."""


def _known_country(code: str) -> str:
    if not is_country_code(code):
        raise ValueError(
            f"{code!r} is not an ISO 3166-1 alpha-2 country code "
            "(two uppercase letters, e.g. KZ, RU, UZ, BY)"
        )
    return code


Jurisdiction = Annotated[
    str,
    AfterValidator(_known_country),
    WithJsonSchema(
        {
            "type": "string",
            "enum": list(ISO_3166_ALPHA2),
            "description": "ISO 3166-1 alpha-2 country code, uppercase (KZ, RU, UZ, BY, ...)",
        }
    ),
]
"""An ISO 3166-1 alpha-2 code, checked against :data:`contracts.countries.ISO_3166_ALPHA2`."""


class IncomingModel(BaseModel):
    """A body published by another agency's system: frozen, unknown fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore", allow_inf_nan=False)


class OutgoingModel(BaseModel):
    """A body Analogue Watch publishes itself: frozen, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _type_is_required(schema: dict[str, Any], cls: type) -> None:
    # ``type`` has a default so Python code need not repeat it, but on the wire it is mandatory:
    # the codec rejects a message without it, so the published schema says so too.
    required = schema.setdefault("required", [])
    if "type" not in required:
        required.insert(0, "type")


class Envelope(BaseModel):
    """The fields every event carries, whatever its type.

    Subclasses add ``type: Literal["aw.<thing>.<happened>.v<n>"]`` and ``data``.
    """

    model_config = ConfigDict(frozen=True, allow_inf_nan=False, json_schema_extra=_type_is_required)

    id: Id = Field(description="Unique event id: the idempotency key. Resending reuses it.")
    type: str = Field(description="Event type including its version, e.g. aw.seizure.reported.v1")
    source: Id = Field(description="The publishing agency or system, e.g. kz.mvd.almaty")
    jurisdiction: Jurisdiction = Field(description="ISO 3166-1 alpha-2 code of the jurisdiction")
    time: AwareDatetime = Field(
        description=(
            "When it happened, with a timezone offset; from 1900 to 5 minutes in the future"
        )
    )
    published: AwareDatetime = Field(
        description=(
            "When it was published, with a timezone offset; from 1900 to 5 minutes in the future"
        )
    )
    correlation_id: Id | None = Field(
        default=None, description="Optional case or correlation id linking related events"
    )


class IncomingEvent(Envelope):
    """An event another agency's system publishes into Analogue Watch (unknown fields ignored)."""

    model_config = ConfigDict(extra="ignore")


class OutgoingEvent(Envelope):
    """An event Analogue Watch publishes (unknown fields rejected)."""

    model_config = ConfigDict(extra="forbid")


def type_of(model: type[Envelope]) -> str:
    """The wire ``type`` string of an event model.

    >>> from contracts.lab import LabResultReported
    >>> type_of(LabResultReported)
    'aw.lab-result.reported.v1'
    """
    return model.model_fields["type"].default
