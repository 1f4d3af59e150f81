"""Notifications to partner agencies: an alert raised or resolved here, told to the neighbours.

When an alert about an unlisted analogue is raised in a jurisdiction, or resolved there because
the substance is now controlled, Analogue Watch publishes one :class:`PartnerNotified` on
``aw.partner-notifications`` (key: the alert id), the one topic partner agencies may read. It
carries what a partner needs to look for the substance and to weigh controlling it: the
structure, the evidence that it is an analogue, how often and where it was seen, and where the
legislation stands here. Its id follows from the alert version it tells of, so a notification
sent twice has the same id.

>>> PartnerNotified.model_fields["type"].default
'aw.partner.notified.v1'
>>> [kind.value for kind in NotificationKind]
['raised', 'resolved', 'promoted']
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from contracts.alerts import (
    AlertLevel,
    ControlStatus,
    NearestListed,
    PendingAmendmentRef,
    RuleFired,
)
from contracts.envelope import Jurisdiction, Label, Name, OutgoingEvent, OutgoingModel, Ref, Text
from contracts.seizure import Channel
from contracts.substances import InchiKey, MatchKey, Smiles


class NotificationKind(StrEnum):
    """What happened to the alert here. New kinds may be added without a new version: a
    partner should read an unknown kind as "something changed about this alert" and keep the
    notification with the highest ``alert_version``."""

    RAISED = "raised"
    """An alert was raised: an unlisted analogue seen often enough, no amendment covering it."""
    RESOLVED = "resolved"
    """The alert was resolved: the substance is now controlled here (``legislation.controlled_by``
    names the act)."""
    PROMOTED = "promoted"
    """An early warning (``level``) became a domestic alert: the substance is now seen here as
    often as the jurisdiction's own rule asks."""


class NotifiedSubstance(OutgoingModel):
    """The substance, as a partner's laboratory would look it up."""

    names: list[Name] = Field(
        default_factory=list, max_length=50, description="Names the laboratories reported here"
    )
    canonical_smiles: Smiles
    inchikey: InchiKey = Field(description="Standard InChIKey of the form seen")
    match_key: MatchKey = Field(
        description="The InChIKey's first block (stereo, isotopes and charge ignored): the same "
        "substance in any form"
    )


class Evidence(OutgoingModel):
    """Why it is an analogue of a listed substance: the nearest listed ones and the rules that
    fired, each with its explanation."""

    nearest_listed: list[NearestListed] = Field(default_factory=list, max_length=20)
    rules_fired: list[RuleFired] = Field(default_factory=list, max_length=50)


class Counts(OutgoingModel):
    """How often, where and how it was seen here: counts and places, never a case."""

    occurrences: int = Field(ge=0, description="Distinct occurrences in the window")
    window_days: int = Field(ge=1)
    first_seen: AwareDatetime
    last_seen: AwareDatetime
    regions: list[Name] = Field(
        default_factory=list,
        max_length=100,
        description="First-level regions it has been seen in here",
    )
    channels: list[Channel] = Field(default_factory=list, max_length=len(Channel))

    @model_validator(mode="after")
    def _seen_in_order(self) -> Counts:
        if self.last_seen < self.first_seen:
            raise ValueError("last_seen is before first_seen")
        return self


class ControllingAct(OutgoingModel):
    """An act that controls the substance here (on ``resolved``)."""

    act: Ref = Field(description="The amendment id, or 'baseline:<list name>'")
    by: Label = Field(description="How: 'listed' (by name) or 'group-definition'")
    name: Name | None = Field(
        default=None, description="The listing's name, or the group definition's"
    )
    schedule: Label | None = Field(default=None, description="The schedule or list, if given")
    effective_from: dt.date | None = Field(default=None, description="In force from, if given")
    explanation: Text


class LegislativeState(OutgoingModel):
    """Where the legislation stands here for the substance, at the moment of the alert version."""

    status: ControlStatus = Field(
        description="'analogue' on raised (not controlled); 'listed' or 'group' on resolved"
    )
    pending_amendments: list[PendingAmendmentRef] = Field(
        default_factory=list,
        max_length=50,
        description="Amendments in progress here that would control it",
    )
    controlled_by: list[ControllingAct] = Field(
        default_factory=list,
        max_length=50,
        description="On resolved: the act(s) that control it now (empty on raised)",
    )
    time_to_control_days: float | None = Field(
        default=None, ge=0, description="On resolved: days from the first sighting to control"
    )


class NotificationBody(OutgoingModel):
    """What partner agencies are told about one alert version.

    **Withheld, on purpose**: the seizure ids, sample ids and case ids behind the counts (case
    data of our agencies, of no use abroad and not ours to pass on), the operators' actions on
    the alert (assignments, notes, closings: ``aw.alert-actions``, internal work), the sightings
    in other jurisdictions and the substance's status abroad (the other partners' information,
    theirs to share), and the expected time to control by kind of act (an internal estimate).
    A partner wanting a case contacts the notifying jurisdiction through the usual channels,
    quoting ``alert_id``.
    """

    kind: NotificationKind
    alert_id: Ref = Field(description="The alert it comes from: jurisdiction + '-' + match key")
    alert_version: int = Field(ge=1, description="The alert version it tells of")
    jurisdiction: Jurisdiction = Field(description="The notifying jurisdiction")
    reason: Text = Field(description="Why the alert version exists, in words")
    level: AlertLevel = Field(
        default=AlertLevel.DOMESTIC,
        description="early-warning: raised here on partners' evidence, before the substance was "
        "seen here as often as this jurisdiction's rule asks",
    )
    substance: NotifiedSubstance
    evidence: Evidence
    counts: Counts
    legislation: LegislativeState


class PartnerNotified(OutgoingEvent):
    """``aw.partner.notified.v1``: an alert was raised or resolved here; what partner agencies
    are told of it (key: ``data.alert_id``)."""

    type: Literal["aw.partner.notified.v1"] = "aw.partner.notified.v1"
    data: NotificationBody

    @model_validator(mode="after")
    def _jurisdiction_agrees(self) -> PartnerNotified:
        if self.data.jurisdiction != self.jurisdiction:
            raise ValueError(
                f"data.jurisdiction ({self.data.jurisdiction}) must be the envelope's "
                f"({self.jurisdiction}): the notifying jurisdiction"
            )
        return self
