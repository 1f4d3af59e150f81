"""Seizure reported by an enforcement agency, and the per-item record the resolver derives from it.

A seizure report carries no personal data about suspects: no names, document numbers, addresses,
phone numbers or account handles. Only what was seized, where (first-level region), when and through
which channel. Unknown fields are ignored and never stored, so personal data sent by mistake is
dropped on intake rather than propagated.

>>> from datetime import datetime, timezone
>>> t = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
>>> item = SeizedItem(sample_id="S-1", form="powder", mass_g=1.5)
>>> body = SeizureReportedData(seizure_id="Z-1", case_id="C-1", region="Almaty", seized_at=t,
...                            channel="dead_drop", items=[item])
>>> body.channel
<Channel.DEAD_DROP: 'dead_drop'>
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field

from contracts.envelope import (
    Id,
    IncomingEvent,
    IncomingModel,
    Jurisdiction,
    Name,
    OutgoingEvent,
    OutgoingModel,
)
from contracts.progress import InputOrder


class Channel(StrEnum):
    """How the substance reached the buyer, as the seizing agency recorded it."""

    WEBSITE = "website"  # website or online shop
    MESSENGER = "messenger"  # sold through a messenger (Telegram bot, chat)
    POST = "post"  # post or parcel service
    COURIER = "courier"
    DEAD_DROP = "dead_drop"  # a hidden "bookmark" (закладка) whose location is sold online
    BORDER_CROSSING = "border_crossing"
    STREET = "street"


class Form(StrEnum):
    """Physical form of a seized item."""

    POWDER = "powder"
    CRYSTALS = "crystals"
    TABLETS = "tablets"
    CAPSULES = "capsules"
    LIQUID = "liquid"
    HERBAL = "herbal"  # plant material, e.g. sprayed with a synthetic cannabinoid
    BLOTTER = "blotter"
    OTHER = "other"


class SeizedItem(IncomingModel):
    """One item of a seizure, sent to a lab under ``sample_id``."""

    sample_id: Id = Field(description="Sample id the lab will report under")
    form: Form
    mass_g: float = Field(ge=0, description="Net mass in grams (0 when only traces)")
    presumptive_name: Name | None = Field(
        default=None, description="What the field test or packaging suggested, if anything"
    )


class SeizureReportedData(IncomingModel):
    """A seizure. Contains no personal data about suspects, by design."""

    seizure_id: Id
    case_id: Id
    region: Name = Field(description="First-level subdivision, e.g. Almaty, Tashkent Region")
    seized_at: AwareDatetime
    channel: Channel
    items: list[SeizedItem] = Field(min_length=1, max_length=500)


class SeizureReported(IncomingEvent):
    """``aw.seizure.reported.v1``: an agency seized suspected drugs. Key: ``data.seizure_id``."""

    type: Literal["aw.seizure.reported.v1"] = "aw.seizure.reported.v1"
    data: SeizureReportedData


class SeizureItemLinkedData(OutgoingModel):
    """One seized item with the seizure facts a lab result needs, keyed by sample id."""

    seizure_id: Id
    case_id: Id
    region: Name
    channel: Channel
    seized_at: AwareDatetime
    sample_id: Id
    form: Form
    mass_g: float = Field(ge=0)
    presumptive_name: Name | None = None
    jurisdiction: Jurisdiction
    order: InputOrder | None = Field(
        default=None, description="Where the seizure this came from stands in event time"
    )


class SeizureItemLinked(OutgoingEvent):
    """``aw.seizure.item-linked.v1`` (internal): a seized item awaiting or joined to its lab result.

    Key: ``data.sample_id``, so it meets the lab result for the same sample in one partition.
    """

    type: Literal["aw.seizure.item-linked.v1"] = "aw.seizure.item-linked.v1"
    data: SeizureItemLinkedData
