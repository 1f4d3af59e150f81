"""A jurisdiction's schedule, folded from its legislation events.

:func:`apply_legislation` is a pure fold step: it takes a ``ScheduleState`` and one legislation
event and returns the next state (the same object when the event changes nothing, e.g. a repeat).
The query helpers answer "what was in force / pending on this date". Events of several jurisdictions
must be folded into separate states; :func:`load_schedule_jsonl` picks one jurisdiction from a file.

Rules of the fold:

* every change bumps ``version`` by one (an event that changes nothing leaves it);
* a baseline list replaces the listings and groups of an earlier baseline of the same name;
* a proposal adds a pending amendment (a repeated amendment id is ignored: first one wins);
* a stage change moves a pending amendment to the new stage (an older or repeated one is ignored);
* an enactment marks the amendment enacted and adds its substances and groups, in force from its
  ``effective_from`` until its ``expires`` (temporary control);
* a rejection or withdrawal closes a pending amendment; events about unknown amendments are ignored.

>>> import datetime as dt
>>> from contracts.legislation import AmendmentProposed
>>> t = dt.datetime(2026, 3, 1, 10, tzinfo=dt.timezone.utc)
>>> proposed = AmendmentProposed(id="e1", source="kz.mj", jurisdiction="KZ", time=t, published=t,
...     data={"amendment_id": "KZ-2026-14", "instrument": "government_decree", "title": "List",
...           "substances": [{"name": "alpha-PiHP",
...                           "structure": {"smiles": "CC(C)CC(N1CCCC1)C(=O)c1ccccc1"}}]})
>>> state = apply_legislation(empty_schedule(), proposed)
>>> [a.amendment_id for a in pending_amendments(state, dt.date(2026, 3, 2))]
['KZ-2026-14']
>>> apply_legislation(state, proposed) is state
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from contracts.codec import decode, encode
from contracts.legislation import (
    LEGISLATION_EVENTS,
    AmendmentEnacted,
    AmendmentProposed,
    AmendmentRejected,
    AmendmentStageChanged,
    AmendmentWithdrawn,
    BaselineListed,
    LegislationEvent,
)
from contracts.schedule import (
    Amendment,
    AmendmentStatus,
    GroupListing,
    Listing,
    ScheduleState,
    StageReached,
    in_force,
    pending_on,
)
from contracts.topics import LEGISLATION


def empty_schedule() -> ScheduleState:
    """A schedule with nothing listed and nothing pending.

    >>> empty_schedule().listings
    []
    """
    return ScheduleState()


def apply_legislation(state: ScheduleState, event: LegislationEvent) -> ScheduleState:
    """The schedule after ``event`` (pure; ``state`` itself when nothing changes)."""
    fold_step = _FOLD_STEPS.get(type(event))
    if fold_step is None:
        raise TypeError(f"not a legislation event: {type(event).__name__}")
    updated = fold_step(state, event)
    if updated is state:
        return state
    return updated.model_copy(update={"version": state.version + 1})


def _baseline(state: ScheduleState, event: BaselineListed) -> ScheduleState:
    data = event.data
    source = f"baseline:{data.list_name}"
    listings = [
        Listing(
            name=substance.name,
            structure=substance.structure,
            schedule=substance.schedule,
            source=source,
            effective_from=data.effective_from,
        )
        for substance in data.substances
    ]
    groups = [
        GroupListing(definition=group, source=source, effective_from=data.effective_from)
        for group in data.group_definitions
    ]
    if [x for x in state.listings if x.source == source] == listings and [
        x for x in state.groups if x.source == source
    ] == groups:
        return state
    return state.model_copy(
        update={
            "listings": [item for item in state.listings if item.source != source] + listings,
            "groups": [item for item in state.groups if item.source != source] + groups,
        }
    )


def _proposed(state: ScheduleState, event: AmendmentProposed) -> ScheduleState:
    data = event.data
    if _find(state, data.amendment_id) is not None:
        return state
    amendment = Amendment(
        amendment_id=data.amendment_id,
        instrument=data.instrument,
        title=data.title,
        substances=data.substances,
        group_definitions=data.group_definitions,
        stage=data.stage,
        status=AmendmentStatus.PENDING,
        proposed_at=event.time,
        stage_changed_at=event.time,
        expected_effective=data.expected_effective,
        stages=[StageReached(stage=data.stage, at=event.time)],
    )
    return state.model_copy(update={"amendments": [*state.amendments, amendment]})


def _stage_changed(state: ScheduleState, event: AmendmentStageChanged) -> ScheduleState:
    amendment = _find(state, event.data.amendment_id)
    if (
        amendment is None
        or amendment.status != AmendmentStatus.PENDING
        or amendment.stage == event.data.stage
        or event.time < amendment.stage_changed_at
    ):
        return state
    reached = StageReached(stage=event.data.stage, at=event.time)
    changed = amendment.model_copy(
        update={
            "stage": event.data.stage,
            "stage_changed_at": event.time,
            "stages": [*amendment.stages, reached][-100:],
        }
    )
    return _replace(state, changed)


def _enacted(state: ScheduleState, event: AmendmentEnacted) -> ScheduleState:
    data = event.data
    amendment = _find(state, data.amendment_id)
    if amendment is None or amendment.status != AmendmentStatus.PENDING:
        return state
    enacted = amendment.model_copy(
        update={
            "status": AmendmentStatus.ENACTED,
            "effective_from": data.effective_from,
            "expires": data.expires,
            "decided_at": event.time,
        }
    )
    listings = [
        Listing(
            name=substance.name,
            structure=substance.structure,
            schedule=substance.schedule,
            source=amendment.amendment_id,
            effective_from=data.effective_from,
            expires=data.expires,
        )
        for substance in amendment.substances
    ]
    groups = [
        GroupListing(
            definition=group,
            source=amendment.amendment_id,
            effective_from=data.effective_from,
            expires=data.expires,
        )
        for group in amendment.group_definitions
    ]
    state = _replace(state, enacted)
    return state.model_copy(
        update={"listings": state.listings + listings, "groups": state.groups + groups}
    )


def _rejected(state: ScheduleState, event: AmendmentRejected) -> ScheduleState:
    return _close(state, event.data.amendment_id, AmendmentStatus.REJECTED, event.time)


def _withdrawn(state: ScheduleState, event: AmendmentWithdrawn) -> ScheduleState:
    return _close(state, event.data.amendment_id, AmendmentStatus.WITHDRAWN, event.time)


def _close(
    state: ScheduleState, amendment_id: str, status: AmendmentStatus, at: dt.datetime
) -> ScheduleState:
    amendment = _find(state, amendment_id)
    if amendment is None or amendment.status != AmendmentStatus.PENDING:
        return state
    return _replace(state, amendment.model_copy(update={"status": status, "decided_at": at}))


_FOLD_STEPS: dict[type, Callable[[ScheduleState, Any], ScheduleState]] = {
    BaselineListed: _baseline,
    AmendmentProposed: _proposed,
    AmendmentStageChanged: _stage_changed,
    AmendmentEnacted: _enacted,
    AmendmentRejected: _rejected,
    AmendmentWithdrawn: _withdrawn,
}


def _find(state: ScheduleState, amendment_id: str) -> Amendment | None:
    return next((a for a in state.amendments if a.amendment_id == amendment_id), None)


def _replace(state: ScheduleState, amendment: Amendment) -> ScheduleState:
    amendments = [
        amendment if a.amendment_id == amendment.amendment_id else a for a in state.amendments
    ]
    return state.model_copy(update={"amendments": amendments})


def fold_legislation(
    events: Iterable[LegislationEvent], state: ScheduleState | None = None
) -> ScheduleState:
    """Apply ``events`` in order, starting from ``state`` (default: empty).

    >>> fold_legislation([]).amendments
    []
    """
    state = state or empty_schedule()
    for event in events:
        state = apply_legislation(state, event)
    return state


def lapse_expired(state: ScheduleState, on: dt.date) -> ScheduleState:
    """Mark enacted amendments whose temporary control expired by ``on`` as lapsed.

    >>> lapse_expired(empty_schedule(), dt.date(2026, 1, 1)).amendments
    []
    """
    for amendment in state.amendments:
        if (
            amendment.status == AmendmentStatus.ENACTED
            and amendment.expires is not None
            and amendment.expires <= on
        ):
            state = _replace(state, amendment.model_copy(update={"status": AmendmentStatus.LAPSED}))
    return state


def load_schedule_jsonl(path: Path | str, jurisdiction: str) -> ScheduleState:
    """Fold the legislation events of ``jurisdiction`` in a JSONL file (one event per line).

    Every line is decoded with ``contracts.codec.decode`` (a bad line raises its
    ``ContractError``, with the line number added); blank lines are skipped, and so are events of
    other jurisdictions.
    """
    return load_schedules_jsonl([path]).get(jurisdiction) or empty_schedule()


def load_schedules_jsonl(paths: Iterable[Path | str]) -> dict[str, ScheduleState]:
    """Every jurisdiction's schedule folded from the legislation events of JSONL files (in the
    files' order), by jurisdiction code; bad lines raise as in :func:`load_schedule_jsonl`."""
    events: dict[str, list[LegislationEvent]] = {}
    for path in paths:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                event = decode(line.encode("utf-8"), accept=LEGISLATION.types)
            except Exception as error:
                error.add_note(f"{path}, line {number}")
                raise
            if isinstance(event, LEGISLATION_EVENTS):
                events.setdefault(event.jurisdiction, []).append(event)
    return {j: fold_legislation(its) for j, its in sorted(events.items())}


def listings_in_force(state: ScheduleState, on: dt.date) -> list[Listing]:
    """The listed substances in force on ``on``."""
    return [item for item in state.listings if in_force(item.effective_from, item.expires, on)]


def groups_in_force(state: ScheduleState, on: dt.date) -> list[GroupListing]:
    """The group definitions in force on ``on``."""
    return [item for item in state.groups if in_force(item.effective_from, item.expires, on)]


def pending_amendments(state: ScheduleState, on: dt.date) -> list[Amendment]:
    """Amendments proposed by ``on`` that, on that date, were neither decided against nor in force.

    An enacted amendment whose ``effective_from`` is still ahead counts as pending: it will
    control its substances, but does not yet.
    """
    return [a for a in state.amendments if pending_on(a, on)]


def to_jsonl(events: Iterable[LegislationEvent]) -> str:
    """Events as JSONL text, one compact JSON object per line (the inverse of the loader).

    >>> to_jsonl([])
    ''
    """
    return "".join(encode(event).decode("utf-8") + "\n" for event in events)
