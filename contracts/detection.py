"""Substance detected: the resolver's output, one standardised substance seen in one sample.

>>> from datetime import datetime, timezone
>>> t = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
>>> SubstanceDetectedData(
...     match_key="RZVAJINKPMORJF", substance_key="RZVAJINKPMORJF-UHFFFAOYSA-N",
...     canonical_smiles="CC(=O)Nc1ccc(O)cc1", occurrence_id="sample:S-9", sample_id="S-9",
...     lab_id="L-1", seen_at=t, lab_event_id="ev-7").seizure_id is None
True
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from contracts.envelope import Id, Name, OutgoingEvent, OutgoingModel, Ref
from contracts.progress import InputOrder
from contracts.seizure import Channel
from contracts.substances import InchiKey, MatchKey, Smiles


class SubstanceDetectedData(OutgoingModel):
    """A substance identified in a sample, with the seizure context when there is one."""

    match_key: MatchKey = Field(description="Stereo-insensitive substance key (the topic key)")
    substance_key: InchiKey = Field(description="InChIKey of the standardised parent structure")
    canonical_smiles: Smiles
    reported_name: Name | None = None
    occurrence_id: Ref = Field(
        description="The seizure id, or 'sample:<sample_id>' when the sample has no seizure"
    )
    seizure_id: Id | None = None
    sample_id: Id
    lab_id: Id
    region: Name | None = None
    channel: Channel | None = None
    seen_at: AwareDatetime = Field(
        description="When it was seen: the seizure time, or the analysis time without a seizure"
    )
    lab_event_id: Id = Field(description="Envelope id of the lab result this came from")
    order: InputOrder | None = Field(
        default=None, description="Where the agency event this came from stands in event time"
    )


class SubstanceDetected(OutgoingEvent):
    """``aw.substance.detected.v1`` (internal): a substance was seen. Key: ``data.match_key``."""

    type: Literal["aw.substance.detected.v1"] = "aw.substance.detected.v1"
    data: SubstanceDetectedData
