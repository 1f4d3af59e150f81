"""The schedule registry's output: each jurisdiction's controlled list, and changes per substance.

``ScheduleState`` is folded from legislation events by ``services/domain/schedule.py``; this module
defines its shape and what its dates mean (:func:`in_force`, :func:`pending_on`), once for the
chemistry and the domain alike.

>>> ScheduleState().listings
[]
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from contracts.envelope import (
    Id,
    Jurisdiction,
    Label,
    Name,
    OutgoingEvent,
    OutgoingModel,
    Ref,
    Title,
)
from contracts.legislation import Instrument, check_expiry
from contracts.progress import InputOrder
from contracts.substances import GroupDefinition, ListedSubstance, MatchKey, Structure


class Change(StrEnum):
    """What happened to a substance's legal status."""

    PROPOSED = "proposed"
    STAGE_CHANGED = "stage_changed"
    ENACTED = "enacted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    BASELINE = "baseline"


class AmendmentStatus(StrEnum):
    """Where an amendment stands. ``lapsed``: a temporary control past its expiry."""

    PENDING = "pending"
    ENACTED = "enacted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class Listing(OutgoingModel):
    """A substance controlled (or about to be) in the jurisdiction."""

    name: Name
    structure: Structure
    schedule: Label | None = None
    source: Ref = Field(description="The amendment id, or 'baseline:<list_name>'")
    effective_from: dt.date
    expires: dt.date | None = None

    @model_validator(mode="after")
    def _expires_after_effective(self) -> Listing:
        check_expiry(self.effective_from, self.expires)
        return self


class GroupListing(OutgoingModel):
    """A group (family) control in force in the jurisdiction."""

    definition: GroupDefinition
    source: Ref = Field(description="The amendment id, or 'baseline:<list_name>'")
    effective_from: dt.date
    expires: dt.date | None = None

    @model_validator(mode="after")
    def _expires_after_effective(self) -> GroupListing:
        check_expiry(self.effective_from, self.expires)
        return self


class StageReached(OutgoingModel):
    """A stage an amendment reached, and when."""

    stage: Label
    at: AwareDatetime


class Amendment(OutgoingModel):
    """An amendment and where it stands."""

    amendment_id: Id
    instrument: Instrument
    title: Title
    substances: list[ListedSubstance] = Field(default_factory=list)
    group_definitions: list[GroupDefinition] = Field(default_factory=list)
    stage: Label
    status: AmendmentStatus
    proposed_at: AwareDatetime
    stage_changed_at: AwareDatetime
    expected_effective: dt.date | None = None
    effective_from: dt.date | None = None
    expires: dt.date | None = None
    decided_at: AwareDatetime | None = None
    stages: list[StageReached] = Field(
        default_factory=list,
        max_length=100,
        description="Every stage it reached while pending, in order, the first at its proposal: "
        "where it stood at any past moment",
    )


class ScheduleState(OutgoingModel):
    """A jurisdiction's schedule: listings and groups in force, amendments pending or decided."""

    listings: list[Listing] = Field(default_factory=list)
    groups: list[GroupListing] = Field(default_factory=list)
    amendments: list[Amendment] = Field(default_factory=list)
    version: int = Field(
        default=0,
        ge=0,
        description="How many distinct legislation events the registry has applied: grows by one "
        "with every change, so a consumer can tell whether its copy is new enough",
    )


class ScheduleChangedData(OutgoingModel):
    """A substance's legal status changed in the envelope's jurisdiction."""

    match_key: MatchKey
    amendment_id: Ref = Field(description="The amendment id, or 'baseline:<list_name>'")
    change: Change
    schedule_version: int = Field(
        default=0,
        ge=0,
        description="The schedule version (ScheduleState.version) that includes this change: "
        "evaluate the change against a copy of the schedule at least this new",
    )
    order: InputOrder | None = Field(
        default=None, description="Where the legislation event this came from stands in time"
    )


class ScheduleChanged(OutgoingEvent):
    """``aw.schedule.changed.v1``: a substance's status changed. Key: ``data.match_key``."""

    type: Literal["aw.schedule.changed.v1"] = "aw.schedule.changed.v1"
    data: ScheduleChangedData


class ScheduleSnapshot(OutgoingEvent):
    """``aw.schedule.snapshot.v1``: the whole schedule of one jurisdiction. Key: jurisdiction."""

    type: Literal["aw.schedule.snapshot.v1"] = "aw.schedule.snapshot.v1"
    data: ScheduleState


class SweepRequestedData(OutgoingModel):
    """Re-evaluate every substance a monitor partition holds, as of ``as_of`` (event time)."""

    partition: int = Field(ge=0, description="The partition of aw.detections to sweep")
    as_of: AwareDatetime = Field(description="Event time to evaluate at: the monitor's watermark")


class SweepRequested(OutgoingEvent):
    """``aw.monitor.sweep-requested.v1`` (internal): the analogue monitor's periodic sweep.

    Sent by a monitor worker to each partition it owns, so that the sweep runs inside that
    partition's stream (where its state may be written): group rules newly in force, stalled
    amendments and lapsed controls are found without waiting for a new sighting.
    Key: the partition number, sent to that partition.
    """

    type: Literal["aw.monitor.sweep-requested.v1"] = "aw.monitor.sweep-requested.v1"
    jurisdiction: Jurisdiction | None = Field(  # type: ignore[assignment]
        default=None, description="None: a sweep covers every jurisdiction of the partition"
    )
    data: SweepRequestedData


# --- what the dates mean ------------------------------------------------------------------------


def in_force(effective_from: dt.date, expires: dt.date | None, on: dt.date) -> bool:
    """Whether a control running from ``effective_from`` until ``expires`` applies on ``on``
    (``expires`` is the first day it no longer does).

    >>> in_force(dt.date(2026, 1, 1), dt.date(2027, 1, 1), dt.date(2027, 1, 1))
    False
    >>> in_force(dt.date(2026, 1, 1), None, dt.date(2026, 1, 1))
    True
    """
    return effective_from <= on and (expires is None or on < expires)


def pending_on(amendment: Amendment, on: dt.date) -> bool:
    """Whether ``amendment`` was proposed by ``on`` and, on that date, neither decided against nor
    in force (an enacted amendment whose ``effective_from`` is still ahead is pending)."""
    if amendment.proposed_at.date() > on:
        return False
    if amendment.status == AmendmentStatus.PENDING:
        return True
    if amendment.status in (AmendmentStatus.REJECTED, AmendmentStatus.WITHDRAWN):
        return amendment.decided_at is not None and amendment.decided_at.date() > on
    return amendment.effective_from is not None and amendment.effective_from > on
