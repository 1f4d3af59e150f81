"""Legislation events: a jurisdiction's existing control list, and amendments through their life.

All are keyed by the envelope's ``jurisdiction``, so one jurisdiction's legal history is read in
order. An amendment is proposed, moves through stages (the standard ones are in
:data:`STANDARD_STAGES`; a jurisdiction may use its own stage names), and ends enacted, rejected or
withdrawn. A baseline listing loads the list in force before Analogue Watch started watching.

>>> from contracts.substances import Structure
>>> body = AmendmentProposedData(
...     amendment_id="KZ-2026-14", instrument="government_decree", title="On amending the list",
...     substances=[ListedSubstance(name="alpha-PiHP",
...                                 structure=Structure(smiles="CCCCC(N1CCCC1)C(=O)c1ccccc1"))])
>>> body.stage
'drafted'
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal, get_args

from pydantic import Field, model_validator

from contracts.envelope import Id, IncomingEvent, IncomingModel, Label, Name, Text, Title
from contracts.substances import GroupDefinition, ListedSubstance

STANDARD_STAGES: tuple[str, ...] = ("drafted", "government", "lower_house", "upper_house", "signed")
"""The usual path of an amendment. Other stage names are accepted as the jurisdiction uses them."""

MAX_LISTED = 5000
MAX_GROUPS = 500


class Instrument(StrEnum):
    """The kind of legal act that changes the control list."""

    LAW = "law"
    GOVERNMENT_DECREE = "government_decree"
    MINISTERIAL_ORDER = "ministerial_order"


def check_expiry(effective_from: dt.date | None, expires: dt.date | None) -> None:
    """Raise ``ValueError`` unless ``expires`` (temporary control) falls after ``effective_from``.

    >>> check_expiry(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
    """
    if expires is not None and effective_from is not None and expires <= effective_from:
        raise ValueError(f"expires ({expires}) must be after effective_from ({effective_from})")


class BaselineListedData(IncomingModel):
    """A jurisdiction's controlled list as it stands, loaded once (or reloaded to replace it)."""

    list_name: Name = Field(description="Name of the list, e.g. 'Decree 1130, lists I-IV'")
    effective_from: dt.date
    substances: list[ListedSubstance] = Field(default_factory=list, max_length=MAX_LISTED)
    group_definitions: list[GroupDefinition] = Field(default_factory=list, max_length=MAX_GROUPS)


class AmendmentProposedData(IncomingModel):
    """A proposed change to the list: substances and/or group definitions to control."""

    amendment_id: Id
    instrument: Instrument
    title: Title
    substances: list[ListedSubstance] = Field(default_factory=list, max_length=MAX_LISTED)
    group_definitions: list[GroupDefinition] = Field(default_factory=list, max_length=MAX_GROUPS)
    expected_effective: dt.date | None = None
    stage: Label = Field(default="drafted", description="Stage at proposal, usually 'drafted'")

    @model_validator(mode="after")
    def _names_something(self) -> AmendmentProposedData:
        if not self.substances and not self.group_definitions:
            raise ValueError("name at least one substance or group definition")
        return self


class AmendmentStageChangedData(IncomingModel):
    """An amendment moved to another stage (standard: drafted, government, lower_house,
    upper_house, signed; or the jurisdiction's own stage names)."""

    amendment_id: Id
    stage: Label
    previous_stage: Label | None = None


class AmendmentEnactedData(IncomingModel):
    """An amendment became law. ``expires`` is set for temporary controls."""

    amendment_id: Id
    effective_from: dt.date
    expires: dt.date | None = Field(default=None, description="End of a temporary control")

    @model_validator(mode="after")
    def _expires_after_effective(self) -> AmendmentEnactedData:
        check_expiry(self.effective_from, self.expires)
        return self


class AmendmentRejectedData(IncomingModel):
    """An amendment was voted down or refused."""

    amendment_id: Id
    reason: Text


class AmendmentWithdrawnData(IncomingModel):
    """An amendment was withdrawn by its sponsor."""

    amendment_id: Id
    reason: Text


class BaselineListed(IncomingEvent):
    """``aw.legislation.baseline-listed.v1``: a jurisdiction's existing controlled list."""

    type: Literal["aw.legislation.baseline-listed.v1"] = "aw.legislation.baseline-listed.v1"
    data: BaselineListedData


class AmendmentProposed(IncomingEvent):
    """``aw.legislation.amendment-proposed.v1``: a change to the controlled list was proposed."""

    type: Literal["aw.legislation.amendment-proposed.v1"] = "aw.legislation.amendment-proposed.v1"
    data: AmendmentProposedData


class AmendmentStageChanged(IncomingEvent):
    """``aw.legislation.stage-changed.v1``: an amendment moved to another stage."""

    type: Literal["aw.legislation.stage-changed.v1"] = "aw.legislation.stage-changed.v1"
    data: AmendmentStageChangedData


class AmendmentEnacted(IncomingEvent):
    """``aw.legislation.amendment-enacted.v1``: an amendment was enacted."""

    type: Literal["aw.legislation.amendment-enacted.v1"] = "aw.legislation.amendment-enacted.v1"
    data: AmendmentEnactedData


class AmendmentRejected(IncomingEvent):
    """``aw.legislation.amendment-rejected.v1``: an amendment was rejected."""

    type: Literal["aw.legislation.amendment-rejected.v1"] = "aw.legislation.amendment-rejected.v1"
    data: AmendmentRejectedData


class AmendmentWithdrawn(IncomingEvent):
    """``aw.legislation.amendment-withdrawn.v1``: an amendment was withdrawn."""

    type: Literal["aw.legislation.amendment-withdrawn.v1"] = "aw.legislation.amendment-withdrawn.v1"
    data: AmendmentWithdrawnData


LegislationEvent = (
    BaselineListed
    | AmendmentProposed
    | AmendmentStageChanged
    | AmendmentEnacted
    | AmendmentRejected
    | AmendmentWithdrawn
)
"""Any of the legislation event types (what ``aw.legislation`` carries): the one list of them."""

LEGISLATION_EVENTS: tuple[type[LegislationEvent], ...] = get_args(LegislationEvent)
"""The same types, for ``isinstance``."""
