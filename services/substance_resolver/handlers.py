"""Substance resolver: lab results and seized items meet by sample id; detections go out.

* :func:`seizure_items` fans a seizure out to one ``SeizureItemLinked`` per sample
  (``aw.resolver.seizure-items``, key: sample id, co-partitioned with ``aw.lab-results``).
* :func:`handle_lab_result` and :func:`handle_seizure_item` keep one :class:`SampleState` per
  sample id, whichever arrives first.

A lab result whose seizure is not known yet is a *sample-only* occurrence (``sample:<sample id>``,
seen at ``analysed_at``) and is detected at once: a test purchase or a drug-checking sample may
never have a seizure. When the seized item arrives, the sample's detections are sent again under
the seizure's occurrence id, region, channel and ``seen_at = seized_at``; the monitor merges the
sample-only occurrence into the seizure's, so it still counts once.

Every identified structure is standardised by the chemistry core; a structure that is a mixture
(MDMA and ketamine as one structure, its compounds separated by dots) gives a detection per
compound. One that cannot be standardised (unparsable, no organic fragment, too large) is
rejected with ``invalid_structure`` naming ``data.substances[i]``, while the others are still
detected. All event ids are derived from the
input's id, so a redelivered input yields the same events (and the state drops it as a duplicate).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from pydantic import AwareDatetime

from contracts.detection import SubstanceDetected, SubstanceDetectedData
from contracts.lab import LabResultReported
from contracts.progress import InputOrder
from contracts.seizure import SeizureItemLinked, SeizureItemLinkedData, SeizureReported
from contracts.substances import Structure
from contracts.topics import DETECTIONS, LAB_RESULTS, SEIZURE_ITEMS, SEIZURES
from services.chemistry import Parent, StructureError
from services.domain.effects import Emit, Outcome, Rejection, Route, Routes, derived_id, emit
from services.domain.occurrences import sample_only_id
from services.domain.state import HandlerState, StateModel

MAX_RESULTS_PER_SAMPLE = 20
"""Lab results kept per sample (re-analyses); past it the oldest are forgotten."""


@dataclass(frozen=True)
class ResolverDeps:
    components: Callable[[Structure], tuple[Parent, ...]]
    """``services.chemistry.standardise_components``: the compounds of a reported structure (one,
    or each of a mixture); raises ``StructureError`` for a structure it refuses."""
    service: str = "substance_resolver"


class Found(StateModel):
    """One standardised substance of a lab result."""

    index: int
    """Its position in the lab result's ``data.substances``."""
    component: int = 0
    """Its place among the compounds of that structure, when the structure is a mixture."""
    match_key: str
    substance_key: str
    canonical_smiles: str
    reported_name: str | None = None


class LabResult(StateModel):
    """What a sample's lab result found, kept to re-send when the seizure becomes known."""

    event_id: str
    jurisdiction: str
    lab_id: str
    analysed_at: AwareDatetime
    found: tuple[Found, ...] = ()


class SampleState(HandlerState):
    """One sample: its seized item (if known) and its lab results (key: sample id)."""

    sample_id: str
    seizure: SeizureItemLinkedData | None = None
    results: tuple[LabResult, ...] = ()

    outbox_size: ClassVar[int] = 4


def seizure_items(event: SeizureReported) -> list[Emit]:
    """One ``SeizureItemLinked`` per sample of the seizure (a repeated sample id counts once).

    Stateless: a redelivered seizure yields the same item events (ids ``<seizure event id>/
    <sample id>``), which the sample's state then ignores.
    """
    data = event.data
    emits: list[Emit] = []
    seen: set[str] = set()
    for index, item in enumerate(data.items):
        if item.sample_id in seen:
            continue
        seen.add(item.sample_id)
        linked = SeizureItemLinked(
            id=derived_id(event.id, item.sample_id),
            source=event.source,
            jurisdiction=event.jurisdiction,
            time=event.time,
            published=event.published,
            correlation_id=event.correlation_id,
            data=SeizureItemLinkedData(
                seizure_id=data.seizure_id,
                case_id=data.case_id,
                region=data.region,
                channel=data.channel,
                seized_at=data.seized_at,
                sample_id=item.sample_id,
                form=item.form,
                mass_g=item.mass_g,
                presumptive_name=item.presumptive_name,
                jurisdiction=event.jurisdiction,
                order=InputOrder(time=event.time, id=event.id, seq=[index]),
            ),
        )
        emits.append(emit(SEIZURE_ITEMS, linked))
    return emits


def handle_seizure(event: SeizureReported, state: None, deps: ResolverDeps) -> Outcome[None]:
    """Fan a seizure out to its items (no state: each item meets its lab results by sample id)."""
    return Outcome(None, tuple(seizure_items(event)))


def handle_lab_result(
    event: LabResultReported, state: SampleState | None, deps: ResolverDeps
) -> Outcome[SampleState]:
    """Standardise what the lab found and detect it, as the seizure's or as a sample-only
    occurrence."""
    state = state or SampleState(sample_id=event.data.sample_id)
    if state.has_seen(event.id):
        return Outcome(state, state.resend(event.id), duplicate=True)
    found, rejections = _standardised(event, deps)
    result = LabResult(
        event_id=event.id,
        jurisdiction=event.jurisdiction,
        lab_id=event.data.lab_id,
        analysed_at=event.data.analysed_at,
        found=found,
    )
    results = (*state.results, result)[-MAX_RESULTS_PER_SAMPLE:]
    state = state.model_copy(update={"results": results})
    order = InputOrder(time=event.time, id=event.id)
    emits = tuple(_detections(state, result, deps, published=event.published, order=order))
    return Outcome(state.remembering(event.id, emits), emits, rejections)


def handle_seizure_item(
    event: SeizureItemLinked, state: SampleState | None, deps: ResolverDeps
) -> Outcome[SampleState]:
    """Link the sample to its seizure, and detect its lab results again as the seizure's."""
    state = state or SampleState(sample_id=event.data.sample_id)
    if state.has_seen(event.id):
        return Outcome(state, state.resend(event.id), duplicate=True)
    known = state.seizure
    if known is not None:
        state = state.remembering(event.id)
        if known.seizure_id == event.data.seizure_id:
            return Outcome(state)  # the same seizure reported again: already linked
        return Outcome(
            state,
            rejections=(
                Rejection(
                    "schema_violation",
                    f"data.sample_id: sample {event.data.sample_id!r} already belongs to seizure "
                    f"{known.seizure_id!r}; seizure {event.data.seizure_id!r} cannot claim it too "
                    "(sample ids must be unique per seizing agency)",
                ),
            ),
        )
    state = state.model_copy(update={"seizure": event.data})
    order = event.data.order or InputOrder(time=event.time, id=event.id)
    emits = tuple(
        detection
        for n, result in enumerate(state.results)
        for detection in _detections(
            state,
            result,
            deps,
            published=event.published,
            order=order.model_copy(update={"seq": [*order.seq, n]}),
        )
    )
    return Outcome(state.remembering(event.id, emits), emits)


ROUTES: Routes = {
    SeizureReported: Route(handle_seizure, SEIZURES, table=None),
    LabResultReported: Route(handle_lab_result, LAB_RESULTS, table="samples"),
    SeizureItemLinked: Route(handle_seizure_item, SEIZURE_ITEMS, table="samples"),
}
"""What the resolver takes, by event type: seizures fan out; a sample's items and lab results
meet in its state (key: sample id)."""


def _standardised(
    event: LabResultReported, deps: ResolverDeps
) -> tuple[tuple[Found, ...], tuple[Rejection, ...]]:
    found: dict[str, Found] = {}
    rejections: list[Rejection] = []
    for index, substance in enumerate(event.data.substances):
        try:
            parents = deps.components(substance.structure)
        except StructureError as error:
            field = f"data.substances[{index}].structure"
            rejections.append(
                Rejection(
                    "invalid_structure",
                    f"{field}: {error.kind}: {error.reason}. "
                    "The other substances of this result were still processed; correct this one "
                    "and send the result again under a new event id.",
                    field=field,
                )
            )
            continue
        for component, parent in enumerate(parents):
            # A salt and its free base listed separately are one substance: detect it once.
            found.setdefault(
                parent.match_key,
                Found(
                    index=index,
                    component=component,
                    match_key=parent.match_key,
                    substance_key=parent.substance_key,
                    canonical_smiles=parent.canonical_smiles,
                    reported_name=substance.reported_name,
                ),
            )
    return tuple(found.values()), tuple(rejections)


def _place(found: Found) -> tuple[int, ...]:
    """Where a found substance sits in its lab result: the substance, then the compound of a
    mixture after the first (so that a single compound's ids and order stay as they were)."""
    return (found.index, found.component) if found.component else (found.index,)


def _detections(
    state: SampleState,
    result: LabResult,
    deps: ResolverDeps,
    *,
    published: dt.datetime,
    order: InputOrder,
) -> list[Emit]:
    """One detection per substance of ``result``, placed after ``order`` (the input that led to
    it) in the order of the substances."""
    seizure = state.seizure
    if seizure is None:
        occurrence_id = sample_only_id(state.sample_id)
        seen_at = result.analysed_at
        jurisdiction = result.jurisdiction
    else:
        occurrence_id = seizure.seizure_id
        seen_at = seizure.seized_at
        jurisdiction = seizure.jurisdiction
    emits = []
    for found in result.found:
        detected = SubstanceDetected(
            id=derived_id(result.event_id, *_place(found), occurrence_id),
            source=deps.service,
            jurisdiction=jurisdiction,
            time=seen_at,
            published=published,
            correlation_id=seizure.case_id if seizure else None,
            data=SubstanceDetectedData(
                match_key=found.match_key,
                substance_key=found.substance_key,
                canonical_smiles=found.canonical_smiles,
                reported_name=found.reported_name,
                occurrence_id=occurrence_id,
                seizure_id=seizure.seizure_id if seizure else None,
                sample_id=state.sample_id,
                lab_id=result.lab_id,
                region=seizure.region if seizure else None,
                channel=seizure.channel if seizure else None,
                seen_at=seen_at,
                lab_event_id=result.event_id,
                order=order.model_copy(update={"seq": [*order.seq, *_place(found)]}),
            ),
        )
        emits.append(emit(DETECTIONS, detected))
    return emits
