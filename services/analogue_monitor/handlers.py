"""Analogue monitor: sightings and schedule changes of one substance in, alert versions out.

Keyed by the substance's match key (``services.domain.substance``). Three entry points, all pure:

* :func:`handle_detection` (``aw.detections``): count the sighting, judge the jurisdiction;
* :func:`handle_schedule_changed` (``aw.schedule.changes``): judge the jurisdiction again from
  the change's time, or later if the monitor's copy of the schedule is older than the change
  (deferred);
* :func:`sweep` (``aw.monitor.sweeps``): judge every jurisdiction at the schedule moments up to
  ``as_of`` (stall deadlines, effective and expiry dates, group rules) and release deferred
  changes.

How a jurisdiction is judged, at which points and with late inputs, is
``services.domain.judging``; corrections, ``services.domain.corrections``.

Every sighting counts, however late. ``lateness_days`` is how far the detection path may deliver
out of order (behind the latest ``seen_at`` read on the partition, its clock) and still be
judged with every occurrence its window needs: a sweep forgets a substance with no alert, and
drops occurrences, only once no sighting within that bound could count with them
(:func:`sweep`'s ``sightings_through``). Neither depends on how far the legislation path runs
ahead. A sighting more than ``lateness_days`` before the latest one of its substance there is
counted all the same, and reported in ``Sightings.late`` and ``Outcome.late``: a sign that the
detection path is out of order, and that it may have been judged without occurrences already
dropped.
"""

from __future__ import annotations

import datetime as dt

from contracts.detection import SubstanceDetected
from contracts.schedule import ScheduleChanged
from contracts.topics import DETECTIONS, SCHEDULE_CHANGES
from services.domain.corrections import corrected
from services.domain.effects import Emit, Outcome, Route, Routes
from services.domain.judging import Judging, tell_others
from services.domain.lifecycle import AlertRule
from services.domain.occurrences import Sighting, earliest, latest, sample_only_id
from services.domain.state import bounded_union
from services.domain.substance import Form, MonitorDeps, SubstanceState

__all__ = [
    "ROUTES",
    "handle_detection",
    "handle_schedule_changed",
    "last_sighting",
    "sweep",
]

MAX_FORMS = 10
MAX_NAMES = 50


def handle_detection(
    event: SubstanceDetected, state: SubstanceState | None, deps: MonitorDeps
) -> Outcome[SubstanceState]:
    """Count a sighting of the substance and judge its jurisdiction (and tell the others)."""
    data = event.data
    state = state or SubstanceState(match_key=data.match_key)
    if state.has_seen(event.id):
        return Outcome(state, state.resend(event.id), duplicate=True)
    j = event.jurisdiction
    local = state.local(j)
    entered = state
    late = local.sightings.is_late(data.seen_at, deps.rules(j).lateness)
    if late:
        local = local.model_copy(update={"sightings": local.sightings.counted_late()})
    view = deps.schedule(j)
    judging = Judging(j, view, deps) if view is not None else None
    state = state.with_local(j, local)
    if judging is not None:
        last = local.evaluated_at or local.sightings.last_seen
        state = judging.catch_up(state, last) or state
        state = judging.advance(state, data.seen_at)
    state = _record(state, event)
    if judging is not None:
        state = judging.rejudge(state, data.seen_at, data.seen_at)
        late_id = data.order.id if data.order is not None else event.id
        state = corrected(entered, state, data.seen_at, late_id, judging)
    state, told = tell_others(state, j, data.seen_at, deps)
    emits = (*(judging.emits if judging is not None else ()), *told)
    return Outcome(state.remembering(event.id, emits), emits, late=late)


def handle_schedule_changed(
    event: ScheduleChanged, state: SubstanceState | None, deps: MonitorDeps
) -> Outcome[SubstanceState]:
    """Judge the substance again where its legal status changed (if it was seen there)."""
    if state is None:
        return Outcome(None)  # never seen anywhere: nothing to judge
    if state.has_seen(event.id):
        return Outcome(state, state.resend(event.id), duplicate=True)
    j = event.jurisdiction
    if j not in state.jurisdictions:
        # Never seen there. A partner's listing warns the jurisdictions that take it as a
        # partner at their next sighting there or in a partner, judged as the schedules stood
        # then (judging here, at a change whose time may lie ahead of the detections still to
        # come, would count sightings the replay has not read yet: tests/stress/test_uneven_lag).
        return Outcome(state.remembering(event.id))
    local = state.local(j)
    view = deps.schedule(j)
    if view is None or view.version < event.data.schedule_version:
        deferred = local.model_copy(
            update={
                "deferred_version": max(local.deferred_version, event.data.schedule_version),
                "deferred_at": latest(local.deferred_at, event.time),
            }
        )
        return Outcome(state.with_local(j, deferred).remembering(event.id))
    judging = Judging(j, view, deps)
    entered = state
    last = local.evaluated_at or local.sightings.last_seen
    state = judging.catch_up(state, last) or state
    state = judging.advance(state, event.time)
    state = judging.rejudge(state, event.time, event.time)
    late_id = event.data.order.id if event.data.order is not None else event.id
    state = corrected(entered, state, event.time, late_id, judging)
    return Outcome(state.remembering(event.id, judging.emits), tuple(judging.emits))


ROUTES: Routes = {
    SubstanceDetected: Route(handle_detection, DETECTIONS, table="substances"),
    ScheduleChanged: Route(handle_schedule_changed, SCHEDULE_CHANGES, table="substances"),
}
"""What the monitor takes, by event type: sightings and legal changes of a substance meet in its
state (key: match key). Sweeps (:func:`sweep`) come from the passing of event time, not an
event."""


def sweep(
    state: SubstanceState,
    deps: MonitorDeps,
    as_of: dt.datetime | None = None,
    *,
    event_id: str | None = None,
    sightings_through: dt.datetime | None = None,
) -> Outcome[SubstanceState]:
    """Judge every jurisdiction at the schedule moments up to ``as_of`` and again with the
    current schedule (group rules, stall deadlines, lapses, deferred changes).

    ``as_of`` is event time (the monitor's watermark); without it each jurisdiction is swept up
    to the time it was last judged. A jurisdiction whose copy of the schedule changed since it was
    last judged is judged again from its alert's last version (a late fact, e.g. a group rule that
    names nothing, applies from its own time).

    ``sightings_through`` is how far the detection path has got (the latest ``seen_at`` its
    partition holds, :func:`last_sighting`): occurrences no sighting within the lateness of it
    could count are dropped, and the state itself (``Outcome(None)``) when it has no alert
    anywhere and every sighting is older than that minus the retention. Not ``as_of``: the
    watermark may run far ahead of a lagging resolver, and forgetting by it would lose
    occurrences its sightings need. None: nothing is dropped. ``event_id`` (the sweep request's
    id) makes a redelivered request a duplicate that resends what it published.
    """
    if event_id is not None and state.has_seen(event_id):
        return Outcome(state, state.resend(event_id), duplicate=True)
    emits: list[Emit] = []
    for j in sorted(state.jurisdictions):
        view = deps.schedule(j)
        if view is None:
            continue
        judging = Judging(j, view, deps)
        if sightings_through is not None:
            state = _pruned(state, j, sightings_through, judging.rule)
        state = _swept(state, judging, as_of)
        emits += judging.emits
    if sightings_through is not None and not emits and _forgettable(state, sightings_through, deps):
        return Outcome(None)
    if event_id is not None:
        state = state.remembering(event_id, emits)
    return Outcome(state, tuple(emits))


def _swept(state: SubstanceState, judging: Judging, as_of: dt.datetime | None) -> SubstanceState:
    """One jurisdiction swept: caught up with a newer schedule, or judged at what came since."""
    local = state.local(judging.j)
    at = local.evaluated_at or local.sightings.last_seen
    if at is None:
        return state
    through = at if as_of is None else max(at, as_of)
    caught_up = judging.catch_up(state, at)
    if caught_up is not None:
        state = caught_up
    elif judging.nothing_new(state, through):
        return state  # the common case: a sweep costs a lookup per jurisdiction
    else:
        state = judging.advance(state, at)
        state = judging.rejudge(state, at, at)
    if as_of is not None and as_of > at:
        state = judging.advance(state, as_of)
    return state


def _pruned(
    state: SubstanceState, j: str, sightings_through: dt.datetime, rule: AlertRule
) -> SubstanceState:
    """Without the occurrences no judgement still to come can count: judgements are at or after
    the point last judged, or at a sighting still to come, which is at most the lateness behind
    the detection path's clock."""
    local = state.local(j)
    # By the substance's own latest sighting there too: a sighting more than the lateness before
    # it is late, and may find the older ones gone; one within the lateness never does.
    clock = earliest(local.sightings.last_seen, sightings_through)
    first = earliest(local.evaluated_at, clock - rule.lateness)
    sightings = local.sightings.pruned(first - rule.window)
    if sightings is local.sightings:
        return state
    return state.with_local(j, local.model_copy(update={"sightings": sightings}))


def last_sighting(state: SubstanceState) -> dt.datetime | None:
    """The latest ``seen_at`` of the substance anywhere: what the detection path has delivered."""
    seen = [local.sightings.last_seen for local in state.jurisdictions.values()]
    return max((t for t in seen if t is not None), default=None)


def _record(state: SubstanceState, event: SubstanceDetected) -> SubstanceState:
    """The state with the sighting counted, and its form and reported name remembered."""
    data = event.data
    j = event.jurisdiction
    sighting = Sighting(
        occurrence_id=data.occurrence_id,
        seen_at=data.seen_at,
        sample_id=data.sample_id,
        seizure_id=data.seizure_id,
        region=data.region,
        channel=data.channel,
    )
    if data.seizure_id is not None:
        # The lab result may have been counted under another jurisdiction before its seizure
        # was known: it is one occurrence, now the seizure's.
        merged = sample_only_id(data.sample_id)
        for k, other in state.jurisdictions.items():
            if k != j and other.sightings.holds(merged):
                state = state.with_local(
                    k, other.model_copy(update={"sightings": other.sightings.forget(merged)})
                )
    local = state.local(j)
    state = state.with_local(
        j, local.model_copy(update={"sightings": local.sightings.record(sighting)})
    )
    form = Form(substance_key=data.substance_key, canonical_smiles=data.canonical_smiles)
    forms = (
        state.forms
        if form in state.forms
        else tuple(sorted((*state.forms, form), key=lambda f: f.substance_key))[:MAX_FORMS]
    )
    return state.model_copy(
        update={
            "forms": forms,
            "reported_names": bounded_union(state.reported_names, data.reported_name, MAX_NAMES),
        }
    )


def _forgettable(state: SubstanceState, through: dt.datetime, deps: MonitorDeps) -> bool:
    """No alert anywhere, and every sighting older than its jurisdiction's retention before
    ``through`` (the detection path's clock)."""
    for j, local in state.jurisdictions.items():
        last = local.sightings.last_seen
        if local.alert is not None or local.deferred_version:
            return False
        if last is not None and last >= through - deps.rules(j).retention:
            return False
    return True
