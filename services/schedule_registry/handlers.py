"""Schedule registry: legislation events in, each jurisdiction's schedule and changes out.

:func:`handle_legislation` folds one legislation event into the jurisdiction's schedule
(``services.domain.schedule.apply_legislation``) and, when it changed anything:

* publishes the whole schedule as a ``ScheduleSnapshot`` (``aw.schedule.state``, key:
  jurisdiction) with ``version`` raised by one;
* publishes one ``ScheduleChanged`` per substance the event names (``aw.schedule.changes``, key:
  the substance's match key), carrying that version, so the monitor judges the substances it
  affects at once. Group definitions name no substance: the monitor's sweep finds what they
  cover.

The snapshot goes first: a monitor that reads changes only once its copy of the schedule is at
least ``schedule_version`` new never judges a change against an older schedule.

A named structure the chemistry cannot standardise is rejected (``invalid_structure``, naming
``data.substances[i]``); the event is still applied. An event about an amendment the
jurisdiction never saw proposed is rejected (``schema_violation``) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from pydantic import Field

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
from contracts.progress import InputOrder
from contracts.schedule import (
    Change,
    ScheduleChanged,
    ScheduleChangedData,
    ScheduleSnapshot,
    ScheduleState,
)
from contracts.substances import ListedSubstance, Structure
from contracts.topics import LEGISLATION, SCHEDULE_CHANGES, SCHEDULE_STATE
from services.chemistry import Parent, StructureError
from services.domain.effects import Emit, Outcome, Rejection, Route, Routes, derived_id, emit
from services.domain.schedule import apply_legislation
from services.domain.state import HandlerState

_CHANGE: dict[type, Change] = {
    BaselineListed: Change.BASELINE,
    AmendmentProposed: Change.PROPOSED,
    AmendmentStageChanged: Change.STAGE_CHANGED,
    AmendmentEnacted: Change.ENACTED,
    AmendmentRejected: Change.REJECTED,
    AmendmentWithdrawn: Change.WITHDRAWN,
}


@dataclass(frozen=True)
class RegistryDeps:
    standardise: Callable[[Structure], Parent]
    service: str = "schedule_registry"


class RegistryState(HandlerState):
    """One jurisdiction's schedule (key: jurisdiction)."""

    jurisdiction: str
    schedule: ScheduleState = Field(default_factory=ScheduleState)
    version: int = 0
    """Legislation events that changed the schedule so far (= ``schedule.version``)."""
    match_keys: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """Match keys of the substances each amendment (or ``baseline:<list>``) names, standardised
    once when it arrives."""

    last_applied: tuple[str, str] | None = None
    """Id and source of the last event that changed the schedule."""

    outbox_size: ClassVar[int] = 0  # the last event's emits are rebuilt from the state instead


def handle_legislation(
    event: LegislationEvent, state: RegistryState | None, deps: RegistryDeps
) -> Outcome[RegistryState]:
    """Fold ``event`` into the jurisdiction's schedule; publish the schedule and the changes."""
    state = state or RegistryState(jurisdiction=event.jurisdiction)
    if state.has_seen(event.id):
        return Outcome(state, _resend(event, state, deps), duplicate=True)
    unknown = _unknown_amendment(event, state.schedule)
    if unknown is not None:
        return Outcome(state.remembering(event.id), rejections=(unknown,))
    schedule = apply_legislation(state.schedule, event)
    if schedule is state.schedule:  # a repeat in other words (e.g. the same stage again)
        return Outcome(state.remembering(event.id))
    source, named = _named(event, schedule)
    rejections: tuple[Rejection, ...] = ()
    match_keys = state.match_keys
    if source not in match_keys or isinstance(event, BaselineListed):
        keys, rejections = _match_keys(named, deps)
        match_keys = {**match_keys, source: keys}
    version = state.version + 1
    schedule = schedule.model_copy(update={"version": version})
    state = state.model_copy(
        update={"schedule": schedule, "version": version, "match_keys": match_keys}
    ).remembering(event.id)
    state = state.model_copy(update={"last_applied": (event.id, source)})
    return Outcome(state, _emits(event, state, source, deps), rejections)


ROUTES: Routes = {
    kind: Route(handle_legislation, LEGISLATION, table="schedules") for kind in LEGISLATION_EVENTS
}
"""What the registry takes, by event type: every legislation event, into its jurisdiction's
schedule (key: jurisdiction)."""


def _emits(
    event: LegislationEvent, state: RegistryState, source: str, deps: RegistryDeps
) -> tuple[Emit, ...]:
    changes = (
        _changed(event, key, source, state.version, deps) for key in state.match_keys[source]
    )
    return (_snapshot(event, state.schedule, deps), *changes)


def _resend(event: LegislationEvent, state: RegistryState, deps: RegistryDeps) -> tuple[Emit, ...]:
    """The emits of ``event`` again if it was the last one applied (a crash may have fallen
    between storing the state and sending them); an older one's snapshot would be stale."""
    if state.last_applied is None or state.last_applied[0] != event.id:
        return ()
    return _emits(event, state, state.last_applied[1], deps)


def _unknown_amendment(event: LegislationEvent, schedule: ScheduleState) -> Rejection | None:
    if isinstance(event, BaselineListed | AmendmentProposed):
        return None
    wanted = event.data.amendment_id
    if any(a.amendment_id == wanted for a in schedule.amendments):
        return None
    return Rejection(
        "schema_violation",
        f"data.amendment_id: amendment {wanted!r} was never proposed in {event.jurisdiction}; "
        "publish its aw.legislation.amendment-proposed.v1 first, then send this event again",
        field="data.amendment_id",
    )


def _named(event: LegislationEvent, schedule: ScheduleState) -> tuple[str, list[ListedSubstance]]:
    """The source id (amendment id or ``baseline:<list>``) and the substances it names."""
    if isinstance(event, BaselineListed):
        return f"baseline:{event.data.list_name}", list(event.data.substances)
    amendment_id = event.data.amendment_id
    amendment = next(a for a in schedule.amendments if a.amendment_id == amendment_id)
    return amendment_id, list(amendment.substances)


def _match_keys(
    named: list[ListedSubstance], deps: RegistryDeps
) -> tuple[tuple[str, ...], tuple[Rejection, ...]]:
    keys: list[str] = []
    rejections: list[Rejection] = []
    for index, substance in enumerate(named):
        try:
            keys.append(deps.standardise(substance.structure).match_key)
        except StructureError as error:
            rejections.append(
                Rejection(
                    "invalid_structure",
                    f"data.substances[{index}].structure ({substance.name}): {error.kind}: "
                    f"{error.reason}. The rest of the event was applied; this substance cannot "
                    "be matched until its structure is corrected.",
                    field=f"data.substances[{index}].structure",
                )
            )
    return tuple(sorted(set(keys))), tuple(rejections)


def _snapshot(event: LegislationEvent, schedule: ScheduleState, deps: RegistryDeps) -> Emit:
    snapshot = ScheduleSnapshot(
        id=derived_id(event.id, "snapshot"),
        source=deps.service,
        jurisdiction=event.jurisdiction,
        time=event.time,
        published=event.published,
        correlation_id=event.correlation_id,
        data=schedule,
    )
    return emit(SCHEDULE_STATE, snapshot)


def _changed(
    event: LegislationEvent, match_key: str, source: str, version: int, deps: RegistryDeps
) -> Emit:
    changed = ScheduleChanged(
        id=derived_id(event.id, match_key),
        source=deps.service,
        jurisdiction=event.jurisdiction,
        time=event.time,
        published=event.published,
        correlation_id=event.correlation_id,
        data=ScheduleChangedData(
            match_key=match_key,
            amendment_id=source,
            change=_CHANGE[type(event)],
            schedule_version=version,
            order=InputOrder(time=event.time, id=event.id),
        ),
    )
    return emit(SCHEDULE_CHANGES, changed)
