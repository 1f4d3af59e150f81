"""Alerts about unlisted analogues, for operations staff.

One body, :class:`AlertBody`, travels under six types that say what happened to the alert. The
alert id is deterministic (e.g. ``"KZ-" + match_key``) and every publication bumps ``version``, so
a consumer keeps the highest version per alert id and ignores replays.

>>> AlertRaised.model_fields["type"].default
'aw.alert.raised.v1'
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field, model_validator

from contracts.envelope import (
    Id,
    Jurisdiction,
    Label,
    Name,
    OutgoingEvent,
    OutgoingModel,
    Ref,
    Text,
)
from contracts.legislation import Instrument
from contracts.seizure import Channel
from contracts.substances import InchiKey, MatchKey, Smarts, Smiles


class AlertStatus(StrEnum):
    OPEN = "open"
    SUPPRESSED = "suppressed"
    RESOLVED = "resolved"
    RETRACTED = "retracted"
    """Judged again with an input that came late, the alert should never have been raised."""


class AlertLevel(StrEnum):
    """How the alert came about: the domestic rule, or partners' evidence before it."""

    DOMESTIC = "domestic"
    """Seen here as often as the jurisdiction's rule asks (or it was, once: a promoted early
    warning stays domestic)."""
    EARLY_WARNING = "early-warning"
    """Seen here fewer times than the rule asks (or not at all), while partner jurisdictions
    keep seizing it or have listed it: a pre-emptive signal. Promoted to ``domestic`` by an
    ``updated`` version when the domestic rule fires."""


class RuleFired(OutgoingModel):
    """A rule that contributed to the alert, with its explanation and the evidence it used."""

    rule: Label = Field(description="Rule name, e.g. 'shared-core-with-listed'")
    explanation: Text
    evidence: dict[str, int | float | str] = Field(default_factory=dict, max_length=50)


class NearestListed(OutgoingModel):
    """A controlled substance the detected one resembles."""

    name: Name
    similarity: float = Field(ge=0, le=1, description="Structural similarity, 0..1")
    shared_core_smarts: Smarts | None = None
    core_coverage: float | None = Field(default=None, ge=0, le=1)
    source: Ref | None = Field(default=None, description="The amendment id or baseline listing")


class PendingAmendmentRef(OutgoingModel):
    """An amendment in progress that would control the substance."""

    amendment_id: Id
    stage: Label
    since: AwareDatetime
    covers_by: Ref = Field(description="'name' or 'group:<group name>'")
    days_left: int | None = Field(
        default=None,
        ge=0,
        description="By the jurisdiction's past amendments of the same kind that reached this "
        "stage, the median days from it to entry into force (none without such a history)",
    )

    @model_validator(mode="after")
    def _covers_by_shape(self) -> PendingAmendmentRef:
        if self.covers_by != "name" and not (
            self.covers_by.startswith("group:") and len(self.covers_by) > len("group:")
        ):
            raise ValueError(
                f"covers_by must be 'name' or 'group:<group name>', not {self.covers_by!r}"
            )
        return self


class StageLag(OutgoingModel):
    """How long control took after an amendment reached one stage of its route."""

    stage: Label
    median_days: int = Field(ge=0, description="Median days from reaching it to entry into force")
    amendments: int = Field(ge=1, description="Past amendments that reached it, the median's")


class ControlRoute(OutgoingModel):
    """How long control has taken in the jurisdiction by one kind of act: what an open alert can
    expect, from the jurisdiction's own history on ``aw.legislation``."""

    instrument: Instrument
    median_days: int = Field(
        ge=0, description="Median days from an amendment's proposal to its entry into force"
    )
    amendments: int = Field(ge=1, description="Past amendments by this act the median is over")
    stages: list[StageLag] = Field(
        default_factory=list,
        max_length=20,
        description="The stages those amendments went through (the jurisdiction's own names, in "
        "the order first reached), each with the median time left from there: where a pending "
        "amendment stands tells how long is left",
    )


class ForeignSighting(OutgoingModel):
    """The same substance seen in another jurisdiction."""

    jurisdiction: Jurisdiction
    count: int = Field(ge=1)
    first_seen: AwareDatetime
    last_seen: AwareDatetime


class ControlStatus(StrEnum):
    """A substance's legal status in a jurisdiction, as the chemistry classifies it."""

    LISTED = "listed"
    """Named on the list (any stereoisomer, salt or tautomer of a listed structure)."""
    GROUP = "group"
    """Covered by a group (generic) definition in force."""
    ANALOGUE = "analogue"
    """Not controlled, but an analogue of a listed substance by the jurisdiction's rules."""
    UNRELATED = "unrelated"
    """Neither controlled nor an analogue of anything listed."""


class JurisdictionStatus(OutgoingModel):
    """A substance's status in one jurisdiction at a moment: listed (by which act, since when),
    covered by a group, an unlisted analogue (of which listed substance, and why) or unrelated.

    >>> JurisdictionStatus(jurisdiction="RU", status="listed", name="alpha-PiHP",
    ...     act="RU-PP-2025-0231", instrument="government_decree",
    ...     since=dt.date(2025, 3, 1)).status
    <ControlStatus.LISTED: 'listed'>
    """

    jurisdiction: Jurisdiction
    status: ControlStatus
    name: Name | None = Field(
        default=None,
        description="listed: the listing's name; group: the group's name; analogue: the "
        "nearest listed substance",
    )
    act: Ref | None = Field(
        default=None,
        description="What controls it (listed, group) or the nearest listed substance "
        "(analogue): the amendment id, or 'baseline:<list name>'",
    )
    instrument: Instrument | None = Field(
        default=None, description="The kind of act, when an amendment controls it"
    )
    since: dt.date | None = Field(
        default=None, description="listed, group: in force from (a baseline list: its start)"
    )
    schedule: Label | None = Field(default=None, description="listed: the schedule or list")
    similarity: float | None = Field(
        default=None, ge=0, le=1, description="analogue: similarity to the nearest listed"
    )
    rule: Label | None = Field(
        default=None, description="The rule that decided it, e.g. 'similar-to-listed'"
    )
    explanation: Text | None = Field(default=None, description="The rule's explanation")


class PartnerSighting(OutgoingModel):
    """What one partner jurisdiction contributed to an early warning."""

    jurisdiction: Jurisdiction
    count: int = Field(ge=0, description="Occurrences there in the partner rule's window")
    window_days: int = Field(ge=1)
    threshold: int = Field(ge=1, description="The partner rule: this many in the window warns")


class AlertTransition(OutgoingModel):
    """One step of an alert's history: what happened to it, and at what event time."""

    transition: Label = Field(description="raised, updated, suppressed, reopened or resolved")
    time: AwareDatetime


class Correction(OutgoingModel):
    """Why an ``aw.alert.corrected.v1`` version exists: an input came later than the allowed
    lateness, dated before versions already published, and judging again with it changes them."""

    late_event_id: Id = Field(description="The agency event that came late (its id)")
    late_event_time: AwareDatetime
    published: list[AlertTransition] = Field(
        max_length=100, description="The versions judged without it, from its time on"
    )
    corrected: list[AlertTransition] = Field(
        max_length=100,
        description="What the alert's history is with it, from its time on (empty: no alert)",
    )


class AlertBody(OutgoingModel):
    """Everything an analyst needs to act on an unlisted analogue in one jurisdiction."""

    alert_id: Ref = Field(description="Deterministic: jurisdiction + '-' + match key")
    version: int = Field(ge=1, description="Increases by one with every publication of the alert")
    jurisdiction: Jurisdiction
    substance_key: InchiKey
    match_key: MatchKey
    canonical_smiles: Smiles
    reported_names: list[Name] = Field(default_factory=list, max_length=50)
    status: AlertStatus
    reason: Text = Field(description="Why the alert exists, in words an analyst can act on")
    rules_fired: list[RuleFired] = Field(default_factory=list, max_length=50)
    nearest_listed: list[NearestListed] = Field(default_factory=list, max_length=20)
    occurrence_count: int = Field(ge=0)
    window_days: int = Field(ge=1)
    first_seen: AwareDatetime
    last_seen: AwareDatetime
    regions: list[Name] = Field(default_factory=list, max_length=100)
    channels: list[Channel] = Field(default_factory=list, max_length=len(Channel))
    seizure_ids: list[Id] = Field(default_factory=list, max_length=50)
    sample_ids: list[Id] = Field(default_factory=list, max_length=50)
    pending_amendments: list[PendingAmendmentRef] = Field(default_factory=list, max_length=50)
    foreign_sightings: list[ForeignSighting] = Field(default_factory=list, max_length=250)
    control_routes: list[ControlRoute] = Field(
        default_factory=list,
        max_length=len(Instrument),
        description="Per kind of act the jurisdiction has enacted amendments by, the median "
        "time they took: when control of this substance can be expected (none before the first "
        "enactment)",
    )
    time_to_control_days: float | None = Field(
        default=None, ge=0, description="On resolution by control: days from first sighting"
    )
    correction: Correction | None = Field(
        default=None, description="On aw.alert.corrected.v1: what came late and what it changed"
    )
    level: AlertLevel = Field(
        default=AlertLevel.DOMESTIC,
        description="domestic: the jurisdiction's own rule fired; early-warning: partner "
        "jurisdictions' seizures or listings, before it is seen here as often as the rule asks",
    )
    promoted: bool = Field(
        default=False,
        description="On the updated version that promoted an early warning to a domestic alert",
    )
    seen_abroad: list[PartnerSighting] = Field(
        default_factory=list,
        max_length=250,
        description="On an early warning: per partner, the occurrences in its window that the "
        "partner rule counts",
    )
    status_abroad: list[JurisdictionStatus] = Field(
        default_factory=list,
        max_length=250,
        description="The substance's status, at the moment judged, in every other jurisdiction "
        "whose schedule the monitor holds (empty: none known)",
    )

    @model_validator(mode="after")
    def _seen_in_order(self) -> AlertBody:
        if self.last_seen < self.first_seen:
            raise ValueError(
                f"last_seen ({self.last_seen.isoformat()}) is before first_seen "
                f"({self.first_seen.isoformat()})"
            )
        return self


class _AlertEvent(OutgoingEvent):
    data: AlertBody

    required_status: ClassVar[AlertStatus | None] = None
    """The status an alert of this type must have; None: any."""

    @model_validator(mode="after")
    def _status_matches_type(self) -> _AlertEvent:
        expected = self.required_status
        if expected is not None and self.data.status != expected:
            raise ValueError(
                f"data.status must be {expected.value!r} on {self.type}, "
                f"not {self.data.status.value!r}"
            )
        return self


class AlertRaised(_AlertEvent):
    """``aw.alert.raised.v1``: a new alert (status open). Key: ``data.alert_id``."""

    type: Literal["aw.alert.raised.v1"] = "aw.alert.raised.v1"
    required_status = AlertStatus.OPEN


class AlertUpdated(_AlertEvent):
    """``aw.alert.updated.v1``: new evidence on an existing alert (any status)."""

    type: Literal["aw.alert.updated.v1"] = "aw.alert.updated.v1"


class AlertSuppressed(_AlertEvent):
    """``aw.alert.suppressed.v1``: the alert is held back (status suppressed)."""

    type: Literal["aw.alert.suppressed.v1"] = "aw.alert.suppressed.v1"
    required_status = AlertStatus.SUPPRESSED


class AlertReopened(_AlertEvent):
    """``aw.alert.reopened.v1``: a suppressed or resolved alert is open again (status open)."""

    type: Literal["aw.alert.reopened.v1"] = "aw.alert.reopened.v1"
    required_status = AlertStatus.OPEN


class AlertResolved(_AlertEvent):
    """``aw.alert.resolved.v1``: the alert is closed, e.g. the substance is now controlled."""

    type: Literal["aw.alert.resolved.v1"] = "aw.alert.resolved.v1"
    required_status = AlertStatus.RESOLVED


class AlertCorrected(_AlertEvent):
    """``aw.alert.corrected.v1``: an input came later than the allowed lateness and changes what
    earlier versions said; ``data.correction`` says which input and what changed, ``data.status``
    is the status with it (``retracted``: there should have been no alert)."""

    type: Literal["aw.alert.corrected.v1"] = "aw.alert.corrected.v1"

    @model_validator(mode="after")
    def _says_what_it_corrects(self) -> AlertCorrected:
        if self.data.correction is None:
            raise ValueError("data.correction is required on aw.alert.corrected.v1")
        return self


ALERT_EVENTS = (
    AlertRaised,
    AlertUpdated,
    AlertSuppressed,
    AlertReopened,
    AlertResolved,
    AlertCorrected,
)


class AlertKind(StrEnum):
    """What happened to an alert: the ``<kind>`` of its event type, ``aw.alert.<kind>.v1``."""

    RAISED = "raised"
    UPDATED = "updated"
    SUPPRESSED = "suppressed"
    REOPENED = "reopened"
    RESOLVED = "resolved"
    CORRECTED = "corrected"


AlertEvent = (
    AlertRaised | AlertUpdated | AlertSuppressed | AlertReopened | AlertResolved | AlertCorrected
)
"""Any of the six alert event types; each carries the whole :class:`AlertBody`."""

ALERT_TYPES: dict[AlertKind, type[AlertEvent]] = {
    AlertKind.RAISED: AlertRaised,
    AlertKind.UPDATED: AlertUpdated,
    AlertKind.SUPPRESSED: AlertSuppressed,
    AlertKind.REOPENED: AlertReopened,
    AlertKind.RESOLVED: AlertResolved,
    AlertKind.CORRECTED: AlertCorrected,
}
"""Each kind's event model."""

_KIND_OF: dict[type, AlertKind] = {model: kind for kind, model in ALERT_TYPES.items()}


def alert_kind(event: AlertEvent) -> AlertKind:
    """The kind of an alert event, told by its model (not read out of its type string).

    >>> alert_kind(AlertResolved.model_construct()), alert_kind(AlertCorrected.model_construct())
    (<AlertKind.RESOLVED: 'resolved'>, <AlertKind.CORRECTED: 'corrected'>)
    """
    return _KIND_OF[type(event)]
