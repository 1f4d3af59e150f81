"""The cost of state as it grows (issue 12): a detection as its substance's history grows, a
legislation event as the schedule grows. In-process, no broker: the pure handlers, with what a
service does around each event (read the state from its JSON, handle, write it back as JSON).

1. Detections of one substance in one jurisdiction, ``held`` sightings already fed (in memory,
   the fast way), then 50 more timed one by one with the JSON round trip: microseconds per
   detection, the state's JSON size, and how many occurrences the state holds and counts.
2. A jurisdiction's schedule of ``listings`` substances (baselines of 5,000, the contract's most
   per event; a stand-in standardiser, as chemistry is not what is measured), then one amendment
   proposed, timed with the registry state's JSON round trip: milliseconds, and the size of the
   schedule snapshot it publishes (a Kafka record must stay under 1 MB).

The last line is the issue's figure:
``state: detection µs at 10 / 100000 occurrences = A / B (ratio R); listing change ms at 50000
listings = C``. Run: python bench/bench_state.py [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

from contracts.detection import SubstanceDetected, SubstanceDetectedData  # noqa: E402
from contracts.legislation import (  # noqa: E402
    MAX_LISTED,
    AmendmentProposed,
    AmendmentProposedData,
    BaselineListed,
    BaselineListedData,
    Instrument,
)
from contracts.substances import ListedSubstance, Structure  # noqa: E402
from services.analogue_monitor import handlers as monitor  # noqa: E402
from services.chemistry.standardisation import Parent  # noqa: E402
from services.domain.substance import MonitorDeps, SubstanceState  # noqa: E402
from services.schedule_registry.handlers import (  # noqa: E402
    RegistryDeps,
    RegistryState,
    handle_legislation,
)

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
TIMED = 50
RECORD_LIMIT = 1_000_000


# --- 1. detections ------------------------------------------------------------------------------


def detections(substances: int, per_substance: int) -> Iterator[SubstanceDetected]:
    """Sightings in Almaty, each its own seizure, ids as long as the year's."""
    for s in range(substances):
        key = "".join(chr(65 + s // 26**i % 26) for i in range(14)) + "-UHFFFAOYSA-N"
        for k in range(per_substance):
            at = T0 + dt.timedelta(minutes=10 * k)
            seizure, sample = f"KZ-ALM-2025-{s:05d}-{k:04d}", f"KZ-ALM-S-25-{s:05d}-{k:04d}"
            data = SubstanceDetectedData(
                match_key=key,
                substance_key=key,
                canonical_smiles="CCCCC(C(=O)c1ccccc1)N1CCCC1",
                reported_name="alpha-PHP",
                occurrence_id=seizure,
                seizure_id=seizure,
                sample_id=sample,
                lab_id="KZ-CFE-ALM",
                region="Almaty",
                channel="dead_drop",
                seen_at=at,
                lab_event_id=f"kz-cfe-alm-{sample.lower()}",
            )
            yield SubstanceDetected(
                id=f"det-{s}-{k}",
                source="bench",
                jurisdiction="KZ",
                time=at,
                published=at,
                correlation_id=f"CASE-2025-{s:05d}-{k:04d}",
                data=data,
            )


def counting_only() -> MonitorDeps:
    """No schedule known: the monitor counts, and judges nothing to alert on."""
    return MonitorDeps(schedule=lambda j: None, classify=lambda *a: None)


def handle_cost(held: int, calls: int = TIMED) -> float:
    """Microseconds per detection of a substance already holding ``held`` occurrences, each read
    from its JSON, handled and written back (what the service does per event)."""
    deps = counting_only()
    state = None
    events = detections(1, held + calls)
    for _, event in zip(range(held), events, strict=False):
        state = monitor.handle_detection(event, state, deps).state
    started = time.perf_counter()
    for event in events:
        read = SubstanceState.model_validate_json(state.model_dump_json()) if state else None
        state = monitor.handle_detection(event, read, deps).state
        state.model_dump_json()
    return (time.perf_counter() - started) / calls * 1e6


def detection_row(held: int) -> dict:
    deps = counting_only()
    state = None
    started = time.perf_counter()
    for event in detections(1, held):
        state = monitor.handle_detection(event, state, deps).state
    fed_s = time.perf_counter() - started
    assert state is not None
    local = state.jurisdictions["KZ"]
    return {
        "held": held,
        "us": handle_cost(held),
        "json_bytes": len(state.model_dump_json()),
        "kept": len(local.sightings.occurrences),
        "fed_s": fed_s,
    }


# --- 2. listings -------------------------------------------------------------------------------


def _parent(structure: Structure) -> Parent:
    """A stand-in standardiser: each listing its own substance, without RDKit's cost."""
    key = structure.smiles or "?"
    return Parent(
        substance_key=f"{key}-UHFFFAOYSA-N",
        match_key=key,
        canonical_smiles=key,
        formula="C",
        heavy_atoms=1,
        mol=None,
    )


def _substance(n: int) -> ListedSubstance:
    return ListedSubstance(name=f"substance {n}", structure=Structure(smiles=f"C{n}"), schedule="I")


def schedule_of(listings: int) -> RegistryState:
    deps = RegistryDeps(standardise=_parent)
    state = None
    for first in range(0, listings, MAX_LISTED):
        names = [_substance(n) for n in range(first, min(listings, first + MAX_LISTED))]
        event = BaselineListed(
            id=f"baseline-{first}",
            source="bench",
            jurisdiction="KZ",
            time=T0,
            published=T0,
            data=BaselineListedData(
                list_name=f"list {first // MAX_LISTED + 1}",
                effective_from=dt.date(2020, 1, 1),
                substances=names,
            ),
        )
        state = handle_legislation(event, state, deps).state
    assert state is not None and len(state.schedule.listings) == listings
    return state


def listing_row(listings: int) -> dict:
    state = schedule_of(listings)
    deps = RegistryDeps(standardise=_parent)
    proposal = AmendmentProposed(
        id="amendment-1",
        source="bench",
        jurisdiction="KZ",
        time=T0 + dt.timedelta(days=1),
        published=T0 + dt.timedelta(days=1),
        data=AmendmentProposedData(
            amendment_id="KZ-2025-1",
            instrument=Instrument.GOVERNMENT_DECREE,
            title="one more substance",
            substances=[_substance(listings)],
        ),
    )
    started = time.perf_counter()
    read = RegistryState.model_validate_json(state.model_dump_json())
    outcome = handle_legislation(proposal, read, deps)
    stored = outcome.state.model_dump_json()
    # Sized, not encoded: past 1 MB the codec refuses it (what the issue calls a wall).
    published = [emit.event.model_dump_json().encode() for emit in outcome.emits]
    ms = (time.perf_counter() - started) * 1e3
    return {
        "listings": listings,
        "ms": ms,
        "state_bytes": len(stored),
        "snapshot_bytes": max(len(p) for p in published),
    }


# --- the report --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the bench")
    args = parser.parse_args()
    held = (10, 100, 1_000) if args.quick else (10, 100, 1_000, 10_000, 100_000)
    sizes = (1_000, 5_000) if args.quick else (1_000, 10_000, 50_000)

    print("detections of one substance in one jurisdiction (read JSON, handle, write JSON):")
    rows = [detection_row(n) for n in held]
    for r in rows:
        print(
            f"  {r['held']:>7,} fed: {r['us']:>8,.0f} µs per detection; state {r['json_bytes']:>9,}"
            f" B as JSON; {r['kept']:,} occurrences kept  (fed in {r['fed_s']:.1f} s)",
            flush=True,
        )
    print("one amendment proposed to a schedule of N listings (read JSON, handle, write JSON):")
    lists = [listing_row(n) for n in sizes]
    for r in lists:
        over = "  OVER the 1 MB record limit" if r["snapshot_bytes"] > RECORD_LIMIT else ""
        print(
            f"  {r['listings']:>7,} listings: {r['ms']:>8,.1f} ms; state {r['state_bytes']:>11,} B;"
            f" snapshot published {r['snapshot_bytes']:>11,} B{over}",
            flush=True,
        )
    first, last = rows[0], rows[-1]
    print(
        f"state: detection µs at {first['held']} / {last['held']} occurrences = "
        f"{first['us']:.0f} / {last['us']:.0f} (ratio {last['us'] / first['us']:.2f}); "
        f"listing change ms at {lists[-1]['listings']} listings = {lists[-1]['ms']:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
