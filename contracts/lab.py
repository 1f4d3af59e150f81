"""Lab result reported by a forensic laboratory.

A result refers to a sample by ``sample_id``. The seizure that produced the sample may arrive before
or after the result, or never (a test purchase, an anonymous drug-checking sample): the result is
valid on its own.

>>> from datetime import datetime, timezone
>>> t = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> LabResultReportedData(lab_id="L-1", sample_id="S-1", analysed_at=t, method="GC-MS",
...                       nothing_identified=True).substances
[]
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from contracts.envelope import Id, IncomingEvent, IncomingModel, Name
from contracts.substances import Structure


class Method(StrEnum):
    """Analytical method that identified the substances."""

    GC_MS = "GC-MS"
    LC_MS_MS = "LC-MS/MS"
    LC_HRMS = "LC-HRMS"
    NMR = "NMR"
    FTIR = "FTIR"
    RAMAN = "Raman"
    OTHER = "other"


class IdentifiedSubstance(IncomingModel):
    """One substance the lab identified in the sample."""

    structure: Structure
    reported_name: Name | None = Field(default=None, description="Name the lab reported")
    confidence: float | None = Field(
        default=None, ge=0, le=1, description="The lab's confidence in the identification, 0..1"
    )


class LabResultReportedData(IncomingModel):
    """What a lab found in one sample: substances, or ``nothing_identified``."""

    lab_id: Id
    sample_id: Id = Field(description="The seized item's sample id, or the lab's own id")
    analysed_at: AwareDatetime
    method: Method
    substances: list[IdentifiedSubstance] = Field(default_factory=list, max_length=50)
    nothing_identified: bool = Field(
        default=False, description="True exactly when substances is empty"
    )

    @model_validator(mode="after")
    def _substances_or_nothing(self) -> LabResultReportedData:
        if self.nothing_identified and self.substances:
            raise ValueError("nothing_identified is true but substances are listed")
        if not self.nothing_identified and not self.substances:
            raise ValueError("list at least one substance, or set nothing_identified to true")
        return self


class LabResultReported(IncomingEvent):
    """``aw.lab-result.reported.v1``: a lab analysed a sample. Key: ``data.sample_id``."""

    type: Literal["aw.lab-result.reported.v1"] = "aw.lab-result.reported.v1"
    data: LabResultReportedData
