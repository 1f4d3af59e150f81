"""A state too big for its changelog is refused before it is stored, and the worker lives on.

Regression: states are bounded field by field, but not in bytes. Four valid lab results for one
sample, each naming 50 large structures, make the resolver's sample state 1.17 MB; faust's producer
refuses changelog records over 1,000,000 bytes, and the worker stopped (again at every restart,
on the same input). The monitor's state gets there with ~1,300 sightings of one substance in one
jurisdiction under long ids. Now ``StateTable.put`` raises ``StateTooLarge`` first: the input is
dead-lettered (internal_error, with the sizes) and nothing is stored.
"""

from __future__ import annotations

import datetime as dt

import faust
import pytest
from faust.utils import json as faust_json

from services.platform.stream import STATE_MAX_BYTES, StateTable, StateTooLarge
from services.substance_resolver.handlers import Found, LabResult, SampleState

T = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def sample(results: int) -> SampleState:
    """A sample re-analysed ``results`` times, each finding 50 large structures."""
    found = tuple(
        Found(index=i, match_key=f"K{i}", substance_key=f"K{i}", canonical_smiles="C" * 2700)
        for i in range(50)
    )
    return SampleState(
        sample_id="S-1",
        results=tuple(
            LabResult(event_id=f"e{r}", jurisdiction="KZ", lab_id="L", analysed_at=T, found=found)
            for r in range(results)
        ),
    )


def test_a_state_past_the_bound_is_refused_and_not_stored() -> None:
    table = StateTable(faust.App("bound-test", store="memory://"), "samples", SampleState, 6)
    state = sample(8)
    assert len(faust_json.dumps(state.model_dump(mode="json"))) > STATE_MAX_BYTES

    with pytest.raises(StateTooLarge, match=r"samples state of 'S-1' would be [\d,]+ bytes"):
        table.put("S-1", state)
    assert "S-1" not in table.table


def test_the_bound_leaves_room_under_faust_s_producer_limit() -> None:
    app = faust.App("bound-test-2")
    assert app.conf.producer_max_request_size >= STATE_MAX_BYTES + 50_000


def test_a_busy_substance_in_one_jurisdiction_fits_its_changelog_record() -> None:
    """The monitor's bounds keep a substance seen past every limit in one jurisdiction (long ids,
    many samples per seizure) inside a changelog record."""
    from services.domain.occurrences import (
        MAX_OCCURRENCES,
        MAX_SAMPLES_PER_OCCURRENCE,
        Sighting,
        Sightings,
    )
    from services.domain.substance import JurisdictionState, SubstanceState

    sightings = Sightings()
    for i in range(MAX_OCCURRENCES + 10):
        for s in range(MAX_SAMPLES_PER_OCCURRENCE + 2):
            sightings = sightings.record(
                Sighting(
                    f"KZ-ALMATY-REGION-2025-{i:06d}",
                    T + dt.timedelta(minutes=i),
                    sample_id=f"KZ-ALMATY-CFE-SAMPLE-{i:06d}-{s:02d}",
                    seizure_id=f"KZ-ALMATY-REGION-2025-{i:06d}",
                    region="East Kazakhstan",
                    channel="dead_drop",
                )
            )
    state = SubstanceState(
        match_key="KYIJLDDXQWBNGX-UHFFFAOYSA-N",
        jurisdictions={"KZ": JurisdictionState(sightings=sightings)},
    )

    size = len(faust_json.dumps(state.model_dump(mode="json")))
    assert len(sightings.occurrences) == MAX_OCCURRENCES
    assert size < STATE_MAX_BYTES, size
