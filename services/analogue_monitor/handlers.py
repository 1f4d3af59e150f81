"""Analogue monitor: sightings and schedule changes of one substance in, alert versions out.

Keyed by the substance's match key: one :class:`SubstanceState` holds the substance in every
jurisdiction, which makes "also seen in" a local read. Three entry points, all pure:

* :func:`handle_detection` (``aw.detections``): count the sighting, judge the jurisdiction;
* :func:`handle_schedule_changed` (``aw.schedule.changes``): judge the jurisdiction again from
  the change's time, or later if the monitor's copy of the schedule is older than the change
  (deferred);
* :func:`sweep` (``aw.monitor.sweeps``): judge every jurisdiction at the schedule moments up to
  ``as_of`` (stall deadlines, effective and expiry dates, group rules) and release deferred
  changes.

**Time.** Everything is event time, and a judgement at a moment uses only what is dated at or
before it: the sightings seen by then (in the window ending there) and the schedule as it stood
then (``services.domain.timeline``). The *points* a jurisdiction is judged at are its sightings'
``seen_at``, the schedule's moments (proposals, decisions, stall deadlines, effective and expiry
dates) and the changes' ``time``. An alert's envelope ``time`` is the point it was judged at: the
sighting, the change, or e.g. the stall deadline (proposal + ``stall_days``), whenever a sweep or
a later event noticed it. So the alerts do not depend on sweep timing.

**Late inputs.** The two input paths lag each other: a sweep or a change may already have judged a
jurisdiction at 22 July (``evaluated_at``) when a sighting of 9 July arrives from a lagging
resolver. That sighting is not judged at 22 July (where a pending amendment may cover it) but at its
own time, and every point after it up to ``evaluated_at`` is judged again in order, now counting it:
the alert is raised on 9 July and suppressed on 22 July, as if the inputs had come in event-time
order. A late change (the legislation path lagging) is judged the same way from its time, and a
sweep or input that finds a newer copy of the schedule judges again from the alert's last version.
The one limit is what is already published: versions are never rewritten, so nothing is judged
before the alert's last version (``AlertTrack.time``); an input older than that is judged from that
version's time (for a sighting this can only mean an update). So a lagging detection path changes no
transition and no alert time. A lagging legislation path can: a sighting judged against a copy of
the schedule that lacks a proposal not yet read may raise an alert that the proposal then
suppresses; nothing here can know that the registry is behind.

Every sighting counts, however late. ``lateness_days`` is how far the detection path may deliver
out of order (behind the latest ``seen_at`` read on the partition, its clock) and still be
judged with every occurrence its window needs: a sweep forgets a substance with no alert, and
drops occurrences, only once no sighting within that bound could count with them
(:func:`sweep`'s ``sightings_through``). Neither depends on how far the legislation path runs
ahead. A sighting more than ``lateness_days`` before the latest one of its substance there is
counted all the same, and reported in ``Sightings.late`` and ``Outcome.late``: a sign that the
detection path is out of order, and that it may have been judged without occurrences already
dropped.

**Idempotence.** A repeated event id changes nothing; an occurrence counts once however often
it is seen; alert ids are ``<jurisdiction>-<match key>``, event ids ``<alert id>/v<version>``,
and versions follow from the state, so reprocessing after a crash republishes the same versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pydantic import AwareDatetime, Field

from contracts.alerts import (
    AlertBody,
    AlertCorrected,
    AlertRaised,
    AlertReopened,
    AlertResolved,
    AlertStatus,
    AlertSuppressed,
    AlertTransition,
    AlertUpdated,
    Correction,
    ForeignSighting,
)
from contracts.countries import legal_time_zone
from contracts.detection import SubstanceDetected
from contracts.schedule import AmendmentStatus, ScheduleChanged, ScheduleSnapshot, ScheduleState
from contracts.topics import ALERTS
from services.domain.classifier import Classify, Verdict, chemistry_classifier
from services.domain.effects import Emit, Outcome, emit
from services.domain.lifecycle import (
    AlertRule,
    AlertTrack,
    Assessment,
    Published,
    escalations,
    published,
    standing,
    transition,
)
from services.domain.occurrences import Sighting, Sightings, sample_only_id
from services.domain.state import HandlerState, StateModel, bounded_union
from services.domain.timeline import ScheduleAt, Timeline

__all__ = [
    "AlertRule",
    "Classify",
    "MonitorDeps",
    "ScheduleView",
    "SubstanceState",
    "Verdict",
    "handle_detection",
    "handle_schedule_changed",
    "last_sighting",
    "sweep",
]

MAX_IDS = 50  # AlertBody.seizure_ids and sample_ids hold at most this many
MAX_FORMS = 10
MAX_NAMES = 50
MAX_FOREIGN = 250
REASON_MAX = 4096


# --- dependencies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleView:
    """The monitor's copy of one jurisdiction's schedule (from ``aw.schedule.state``).

    Build it once per snapshot and reuse it: it remembers the schedule's views at past moments.
    """

    state: ScheduleState
    version: int
    _timelines: dict[tuple[str, dt.timedelta], Timeline] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_snapshot(cls, snapshot: ScheduleSnapshot) -> ScheduleView:
        return cls(state=snapshot.data, version=snapshot.data.version)

    def timeline(self, jurisdiction: str, rule: AlertRule) -> Timeline:
        key = (jurisdiction, rule.stall)
        found = self._timelines.get(key)
        if found is None:
            found = Timeline(self.state, stall=rule.stall, jurisdiction=jurisdiction)
            self._timelines[key] = found
        return found


def default_rules(jurisdiction: str) -> AlertRule:
    return AlertRule()


@dataclass(frozen=True)
class MonitorDeps:
    schedule: Callable[[str], ScheduleView | None]
    """The monitor's copy of a jurisdiction's schedule (from ``aw.schedule.state``), or None."""
    classify: Classify
    """``chemistry_classifier(rules)`` in the services; anything of that shape in tests."""
    rules: Callable[[str], AlertRule] = field(default=default_rules)
    service: str = "analogue_monitor"

    @classmethod
    def with_chemistry(
        cls,
        schedule: Callable[[str], ScheduleView | None],
        rules: Callable[[str], AlertRule] = default_rules,
        service: str = "analogue_monitor",
    ) -> MonitorDeps:
        """Dependencies classifying with ``services.chemistry`` (what the service runs)."""
        return cls(schedule, chemistry_classifier(rules), rules, service)


# --- state --------------------------------------------------------------------------------------


class Form(StateModel):
    """One stereo form of the substance (all share the match key)."""

    substance_key: str
    canonical_smiles: str


class JurisdictionState(StateModel):
    """The substance in one jurisdiction: sightings, last judgement, alert."""

    sightings: Sightings = Sightings()
    evaluated_at: AwareDatetime | None = None
    """The moment it was last judged at (never goes back)."""
    scanned_through: AwareDatetime | None = None
    """Schedule moments up to here have been judged."""
    assessment: Assessment | None = None
    """The last classification, reused while the schedule view's signature is unchanged."""
    schedule_version: int = 0
    deferred_version: int = 0
    """A schedule change waits for a copy of the schedule at least this new (0: none waits)."""
    deferred_at: AwareDatetime | None = None
    alert: AlertTrack | None = None
    history: tuple[AlertTrack, ...] = ()
    """The alert's history as now known, a track per transition in event-time order: what was
    published, with what a correction replaced swapped for what it corrected it to."""


class SubstanceState(HandlerState):
    """Everything the monitor keeps about one substance (key: match key)."""

    match_key: str
    forms: tuple[Form, ...] = ()
    """Sorted by substance key: the first is the one alerts show."""
    reported_names: tuple[str, ...] = ()
    jurisdictions: dict[str, JurisdictionState] = Field(default_factory=dict)

    def local(self, jurisdiction: str) -> JurisdictionState:
        return self.jurisdictions.get(jurisdiction) or JurisdictionState()

    def with_local(self, jurisdiction: str, local: JurisdictionState) -> SubstanceState:
        return self.model_copy(
            update={"jurisdictions": {**self.jurisdictions, jurisdiction: local}}
        )


# --- entry points -------------------------------------------------------------------------------


def handle_detection(
    event: SubstanceDetected, state: SubstanceState | None, deps: MonitorDeps
) -> Outcome[SubstanceState]:
    """Count a sighting of the substance and judge its jurisdiction (and tell the others)."""
    data = event.data
    state = state or SubstanceState(match_key=data.match_key)
    if state.has_seen(event.id):
        return Outcome(state, state.resend(event.id), duplicate=True)
    j = event.jurisdiction
    rule = deps.rules(j)
    local = state.local(j)
    entered = state
    late = local.sightings.is_late(data.seen_at, rule.lateness)
    if late:
        local = local.model_copy(update={"sightings": local.sightings.counted_late()})
    view = deps.schedule(j)
    emits: list[Emit] = []
    state = state.with_local(j, local)
    if view is not None:
        last = local.evaluated_at or local.sightings.last_seen
        state = _catch_up(state, j, last, view, deps, emits) or state
        state = _advance(state, j, data.seen_at, view, deps, emits)
    state = _record(state, event)
    if view is not None:
        state = _rejudge(state, j, data.seen_at, data.seen_at, view, deps, emits)
        late_id = data.order.id if data.order is not None else event.id
        state = _corrected(entered, state, j, data.seen_at, late_id, view, deps, emits)
    state = _tell_others(state, j, data.seen_at, deps, emits)
    return Outcome(state.remembering(event.id, emits), tuple(emits), late=late)


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
        return Outcome(state.remembering(event.id))
    local = state.local(j)
    view = deps.schedule(j)
    if view is None or view.version < event.data.schedule_version:
        deferred = local.model_copy(
            update={
                "deferred_version": max(local.deferred_version, event.data.schedule_version),
                "deferred_at": _latest(local.deferred_at, event.time),
            }
        )
        return Outcome(state.with_local(j, deferred).remembering(event.id))
    emits: list[Emit] = []
    entered = state
    last = local.evaluated_at or local.sightings.last_seen
    state = _catch_up(state, j, last, view, deps, emits) or state
    state = _advance(state, j, event.time, view, deps, emits)
    state = _rejudge(state, j, event.time, event.time, view, deps, emits)
    late_id = event.data.order.id if event.data.order is not None else event.id
    state = _corrected(entered, state, j, event.time, late_id, view, deps, emits)
    return Outcome(state.remembering(event.id, emits), tuple(emits))


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
        if sightings_through is not None:
            state = _pruned(state, j, sightings_through, deps.rules(j))
        local = state.local(j)
        at = local.evaluated_at or local.sightings.last_seen
        if at is None:
            continue
        through = at if as_of is None else max(at, as_of)
        caught_up = _catch_up(state, j, at, view, deps, emits)
        if caught_up is not None:
            state = caught_up
        elif _nothing_new(state, j, view, through, deps.rules(j)):
            continue  # the common case: a sweep costs a lookup per jurisdiction
        else:
            state = _advance(state, j, at, view, deps, emits)
            state = _rejudge(state, j, at, at, view, deps, emits)
        if as_of is not None and as_of > at:
            state = _advance(state, j, as_of, view, deps, emits)
    if sightings_through is not None and not emits and _forgettable(state, sightings_through, deps):
        return Outcome(None)
    if event_id is not None:
        state = state.remembering(event_id, emits)
    return Outcome(state, tuple(emits))


def _pruned(
    state: SubstanceState, j: str, sightings_through: dt.datetime, rule: AlertRule
) -> SubstanceState:
    """Without the occurrences no judgement still to come can count: judgements are at or after
    the point last judged, or at a sighting still to come, which is at most the lateness behind
    the detection path's clock."""
    local = state.local(j)
    # By the substance's own latest sighting there too: a sighting more than the lateness before
    # it is late, and may find the older ones gone; one within the lateness never does.
    clock = _earliest(local.sightings.last_seen, sightings_through)
    earliest = _earliest(local.evaluated_at, clock - rule.lateness)
    sightings = local.sightings.pruned(earliest - rule.window)
    if sightings is local.sightings:
        return state
    return state.with_local(j, local.model_copy(update={"sightings": sightings}))


def last_sighting(state: SubstanceState) -> dt.datetime | None:
    """The latest ``seen_at`` of the substance anywhere: what the detection path has delivered."""
    seen = [local.sightings.last_seen for local in state.jurisdictions.values()]
    return max((t for t in seen if t is not None), default=None)


def _catch_up(
    state: SubstanceState,
    j: str,
    at: dt.datetime | None,
    view: ScheduleView,
    deps: MonitorDeps,
    emits: list[Emit],
) -> SubstanceState | None:
    """``j`` judged again, up to ``at``, with a copy of the schedule newer than the one it was
    last judged with (releasing a change deferred until that copy came), from its alert's last
    version; None when the copy is the same one or ``j`` was never judged.

    Whatever comes first does it, a sweep or the substance's next input: a late fact of the
    schedule (a group rule names nothing, so no change announces it) applies from its own time.
    """
    local = state.local(j)
    released = bool(local.deferred_version) and view.version >= local.deferred_version
    if at is None or (not released and local.schedule_version == view.version):
        return None
    if released:
        at = _latest(at, local.deferred_at)
        local = local.model_copy(update={"deferred_version": 0, "deferred_at": None})
        state = state.with_local(j, local)
    state = _advance(state, j, at, view, deps, emits)
    return _rejudge(state, j, _judged_again_from(local, at), at, view, deps, emits)


def _judged_again_from(local: JurisdictionState, at: dt.datetime) -> dt.datetime:
    """Where a newer copy of the schedule may change the judgements: from the alert's last
    version, or with no alert from the first occurrence kept (a raise could come from there)."""
    if local.alert is not None:
        return local.alert.time
    first = local.sightings.occurrences[0].seen_at if local.sightings.occurrences else at
    return min(first, at)


def _nothing_new(
    state: SubstanceState, j: str, view: ScheduleView, through: dt.datetime, rule: AlertRule
) -> bool:
    """Judged with this very schedule, and no moment of it since: judging would change nothing."""
    local = state.local(j)
    if local.scanned_through is None or local.schedule_version != view.version:
        return False
    timeline = view.timeline(j, rule)
    return not timeline.moments(after=local.scanned_through, through=through)


# --- judging ------------------------------------------------------------------------------------


def _advance(
    state: SubstanceState,
    j: str,
    through: dt.datetime,
    view: ScheduleView,
    deps: MonitorDeps,
    emits: list[Emit],
) -> SubstanceState:
    """Judge ``j`` at each schedule moment after the last one scanned, up to ``through``."""
    scanned = state.local(j).scanned_through  # None: never judged, nothing to catch up on
    if scanned is not None:
        timeline = view.timeline(j, deps.rules(j))
        for moment in timeline.moments(after=scanned, through=through):
            state = _judge(state, j, moment, view, deps, emits)
    local = state.local(j)
    return state.with_local(
        j, local.model_copy(update={"scanned_through": _latest(scanned, through)})
    )


def _rejudge(
    state: SubstanceState,
    j: str,
    since: dt.datetime,
    until: dt.datetime,
    view: ScheduleView,
    deps: MonitorDeps,
    emits: list[Emit],
) -> SubstanceState:
    """Judge ``j`` at ``since`` and at every point after it, in order, through ``until`` or the
    moment it was last judged at, whichever is later.

    Points already judged are judged again because something dated ``since`` came in after them
    (a sighting or a fact of the schedule from a lagging path): what was published then did not
    know it. Published versions are kept: nothing is judged before the alert's last version.
    """
    rule = deps.rules(j)
    local = state.local(j)
    end = _latest(local.evaluated_at, until)
    start = since if local.alert is None else max(since, local.alert.time)
    start = min(start, end)
    moments = set(view.timeline(j, rule).moments(after=start, through=end))
    sighted = {o.seen_at for o in local.sightings.occurrences if start < o.seen_at < end}
    settled = False  # judged since the last moment, and a sighting more would change nothing
    for at in sorted({start, end, *moments, *sighted}):
        between_moments = at in sighted and at not in moments and at != end
        if between_moments and (settled or not _may_escalate(state.local(j), at, rule)):
            continue
        state = _judge(state, j, at, view, deps, emits)
        settled = _settled(state.local(j), at, rule)
    local = state.local(j)
    return state.with_local(
        j, local.model_copy(update={"scanned_through": _latest(local.scanned_through, end)})
    )


def _may_escalate(local: JurisdictionState, at: dt.datetime, rule: AlertRule) -> bool:
    """Whether judging at a sighting's time could publish what the last judgement did not.

    Between two moments of the schedule only the count changes, and only a count reaching the
    threshold (no alert yet) or the next level (an open or suppressed alert) publishes anything;
    a resolved alert is not updated.
    """
    count = local.sightings.count(at, rule.window)
    if local.alert is None:
        return count >= rule.min_occurrences
    return local.alert.status != AlertStatus.RESOLVED and count >= local.alert.next_level


def _settled(local: JurisdictionState, at: dt.datetime, rule: AlertRule) -> bool:
    """Judged at ``at`` with at least the threshold and still no alert: the substance is
    controlled, covered or unrelated until the next moment, however often it is seen."""
    return local.alert is None and local.sightings.count(at, rule.window) >= rule.min_occurrences


def _judge(
    state: SubstanceState,
    j: str,
    at: dt.datetime,
    view: ScheduleView,
    deps: MonitorDeps,
    emits: list[Emit],
) -> SubstanceState:
    """Judge ``j`` at ``at`` (never before the alert's last version) and publish what changed."""
    rule = deps.rules(j)
    before = state.local(j)
    if before.alert is not None:
        at = max(at, before.alert.time)
    sightings = before.sightings
    schedule = view.timeline(j, rule).at(at)
    assessment = before.assessment
    if assessment is None or assessment.signature != _signature(state, schedule, rule):
        assessment = _assess(state, schedule, rule, deps)
    count = sightings.count(at, rule.window)
    now = standing(assessment, count, rule)
    foreign = _foreign(state, j)
    found = escalations(
        before.alert,
        count=count,
        regions=sightings.regions,
        channels=sightings.channels,
        foreign=[f.jurisdiction for f in foreign],
    )
    kind = transition(before.alert, now, found)
    local = before.model_copy(
        update={
            "evaluated_at": _latest(before.evaluated_at, at),
            "assessment": assessment,
            "schedule_version": view.version,
        }
    )
    if kind is not None:
        alert = published(
            before.alert,
            kind,
            at=at,
            count=count,
            regions=sightings.regions,
            channels=sightings.channels,
            foreign=[f.jurisdiction for f in foreign],
            rule=rule,
        )
        local = local.model_copy(update={"alert": alert, "history": (*before.history, alert)})
        # Dates in words are the jurisdiction's own (a control ends at its midnight).
        there = at.astimezone(legal_time_zone(j))
        reason = _reason(kind, before, local, found, view.state, rule, count, there)
        emits.append(_alert_event(state, j, kind, local, at, foreign, reason, rule, deps))
    return state.with_local(j, local)


def _signature(state: SubstanceState, schedule: ScheduleAt, rule: AlertRule) -> str:
    """What an assessment depends on: the schedule view, the structure, the threshold."""
    return f"{schedule.signature}|{state.forms[0].substance_key}|{rule.similarity_threshold}"


def _assess(
    state: SubstanceState, schedule: ScheduleAt, rule: AlertRule, deps: MonitorDeps
) -> Assessment:
    verdict = deps.classify(state.forms[0].canonical_smiles, schedule)
    pending = tuple(verdict.pending_cover)
    return Assessment(
        signature=_signature(state, schedule, rule),
        status=str(getattr(verdict.status, "value", verdict.status)),
        rules_fired=tuple(verdict.rules_fired),
        nearest=tuple(verdict.nearest),
        pending=pending,
        stalled=tuple(
            sorted({p.amendment_id for p in pending if p.amendment_id in schedule.stalled})
        ),
    )


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


def _tell_others(
    state: SubstanceState, j: str, at: dt.datetime, deps: MonitorDeps, emits: list[Emit]
) -> SubstanceState:
    """Judge the other jurisdictions with a live alert that do not yet show ``j``."""
    for k in sorted(state.jurisdictions):
        alert = state.local(k).alert
        if k == j or alert is None or alert.status == AlertStatus.RESOLVED or j in alert.foreign:
            continue
        view = deps.schedule(k)
        if view is not None:
            state = _advance(state, k, at, view, deps, emits)
            state = _rejudge(state, k, at, at, view, deps, emits)
    return state


def _foreign(state: SubstanceState, j: str) -> list[ForeignSighting]:
    return [
        ForeignSighting(
            jurisdiction=k,
            count=local.sightings.total,
            first_seen=local.sightings.first_seen,
            last_seen=local.sightings.last_seen,
        )
        for k, local in sorted(state.jurisdictions.items())
        if k != j and local.sightings.total > 0 and local.sightings.first_seen is not None
    ][:MAX_FOREIGN]


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


# --- corrections -------------------------------------------------------------------------------


def _corrected(
    entered: SubstanceState,
    state: SubstanceState,
    j: str,
    since: dt.datetime,
    late_id: str,
    view: ScheduleView,
    deps: MonitorDeps,
    emits: list[Emit],
) -> SubstanceState:
    """``state`` (``entered`` with an input dated ``since`` applied), corrected if that input
    came after versions dated later had been published and changes the lifecycle they told.

    Such an input came later than the allowed lateness (within it every stage takes its inputs in
    event-time order), or it is a sighting dated well before its report (a seizure reported after
    its samples' lab results). It was judged from the alert's last version on, as versions are
    never rewritten; here ``j`` is judged again from ``since`` on, from the alert as it stood
    before ``since``, as if the input had come in time. When that lifecycle differs from the one
    published (a change of status at another time, one more or one less; updates aside), the
    versions just judged give way to one ``corrected`` version: the alert as it stands with the
    input (``retracted`` when there would be none), the lifecycle published and the corrected one
    side by side.
    """
    was = entered.local(j)
    if was.alert is None or since >= was.alert.time:
        return state
    now = state.local(j)
    rule = deps.rules(j)
    latest = now.sightings.last_seen
    if latest is None or since < latest - rule.lateness:
        # Older than the lateness before the substance's latest sighting here: occurrences its
        # windows counted may be gone (a sweep keeps the window behind that point, no more), and
        # judging again would undercount. It stays judged from the last version on (a sighting
        # this late is counted late). By the state alone, so that the services and the replay,
        # whose sweeps drop at other times, decide alike.
        return state
    before = tuple(track for track in was.history if track.time < since)
    would_be = now.history[len(before) :]
    if any(track.kind is None for track in would_be):
        return state  # a history stored before kinds were kept: nothing to compare with
    redo = state.with_local(
        j, now.model_copy(update={"alert": before[-1] if before else None, "history": before})
    )
    redo = _rejudge(redo, j, since, since, view, deps, [])
    truth = redo.local(j).history[len(before) :]
    if _steps(truth) == _steps(would_be):
        return state
    # The versions just judged from the alert's last one on give way to the correction.
    mine = alert_id(j, state.match_key)
    emits[:] = [e for e in emits if not _supersedes(e, mine, was.alert.version)]
    judged = redo.local(j)
    end = judged.alert
    track = AlertTrack(
        version=was.alert.version + 1,
        status=end.status if end is not None else AlertStatus.RETRACTED,
        time=_latest(judged.evaluated_at, was.alert.time),
        next_level=end.next_level if end is not None else rule.min_occurrences,
        regions=end.regions if end is not None else (),
        channels=end.channels if end is not None else (),
        foreign=end.foreign if end is not None else (),
        kind=Published.CORRECTED,
    )
    local = judged.model_copy(update={"alert": track, "history": (*before, *truth)})
    state = state.with_local(j, local)
    correction = Correction(
        late_event_id=late_id,
        late_event_time=since,
        published=_transitions(was.history[len(before) :]),
        corrected=_transitions(truth),
    )
    there = legal_time_zone(j)
    reason = _correction_reason(correction, track.status, there)
    resolved = next((t for t in reversed(truth) if t.kind == Published.RESOLVED), None)
    controlled_after = (
        _days(resolved.time - (local.sightings.first_seen or resolved.time))
        if resolved is not None and track.status == AlertStatus.RESOLVED
        else None
    )
    foreign = _foreign(state, j)
    emits.append(
        _alert_event(
            state,
            j,
            Published.CORRECTED,
            local,
            track.time,
            foreign,
            reason,
            rule,
            deps,
            correction=correction,
            time_to_control=controlled_after,
        )
    )
    return state


def _supersedes(sent: Emit, alert: str, version: int) -> bool:
    """Whether ``sent`` is a version of ``alert`` after ``version``."""
    body = getattr(sent.event, "data", None)
    return isinstance(body, AlertBody) and body.alert_id == alert and body.version > version


def _steps(history: Sequence[AlertTrack]) -> list[tuple[Published | None, dt.datetime]]:
    """The lifecycle in ``history``: its changes of status and when. Updates are left out: new
    evidence found late is published as an update, like any other."""
    return [(t.kind, t.time) for t in history if t.kind != Published.UPDATED]


def _transitions(history: Sequence[AlertTrack]) -> list[AlertTransition]:
    steps = _steps(history)[:100]
    return [AlertTransition(transition=str(kind), time=time) for kind, time in steps]


def _correction_reason(correction: Correction, status: AlertStatus, zone: dt.tzinfo) -> str:
    """The correction in words: what came late, what had been published, what it is now."""

    def said(steps: list[AlertTransition]) -> str:
        return ", ".join(
            f"{s.transition} on {s.time.astimezone(zone):%Y-%m-%d %H:%M}" for s in steps
        )

    late = correction.late_event_time.astimezone(zone)
    published = (
        f"({said(correction.published)})" if correction.published else "(no change of status)"
    )
    head = (
        f"Corrected: an input dated {late:%Y-%m-%d %H:%M} ({correction.late_event_id}) came after "
        f"versions judged without it had been published {published}."
    )
    if not correction.corrected:
        return f"{head} Judged again with it, there is no alert: retracted."
    return f"{head} Judged again with it: {said(correction.corrected)}; now {status.value}."


# --- the alert ----------------------------------------------------------------------------------

_ALERT_TYPES = {
    Published.RAISED: AlertRaised,
    Published.UPDATED: AlertUpdated,
    Published.SUPPRESSED: AlertSuppressed,
    Published.REOPENED: AlertReopened,
    Published.RESOLVED: AlertResolved,
    Published.CORRECTED: AlertCorrected,
}


def alert_id(jurisdiction: str, match_key: str) -> str:
    """The alert's id: one alert per substance and jurisdiction, whatever happens to it.

    >>> alert_id("KZ", "XXXXXXXXXXXXXX-UHFFFAOYSA-N")
    'KZ-XXXXXXXXXXXXXX-UHFFFAOYSA-N'
    """
    return f"{jurisdiction}-{match_key}"


def _alert_event(
    state: SubstanceState,
    j: str,
    kind: Published,
    local: JurisdictionState,
    at: dt.datetime,
    foreign: list[ForeignSighting],
    reason: str,
    rule: AlertRule,
    deps: MonitorDeps,
    *,
    correction: Correction | None = None,
    time_to_control: float | None = None,
) -> Emit:
    assert local.alert is not None and local.assessment is not None
    sightings = local.sightings
    window = sightings.in_window(at, rule.window)
    recent = sorted(window, key=lambda o: (o.seen_at, o.occurrence_id), reverse=True)
    first_seen = sightings.first_seen or at
    max_ids = min(rule.max_ids, MAX_IDS)
    ident = alert_id(j, state.match_key)
    body = AlertBody(
        alert_id=ident,
        version=local.alert.version,
        jurisdiction=j,
        substance_key=state.forms[0].substance_key,
        match_key=state.match_key,
        canonical_smiles=state.forms[0].canonical_smiles,
        reported_names=list(state.reported_names),
        status=local.alert.status,
        reason=reason[:REASON_MAX],
        rules_fired=list(local.assessment.rules_fired)[:50],
        nearest_listed=list(local.assessment.nearest)[:20],
        occurrence_count=len(window),
        window_days=rule.window_days,
        first_seen=first_seen,
        last_seen=sightings.last_seen or first_seen,
        regions=list(sightings.regions),
        channels=list(sightings.channels),
        seizure_ids=_unique(o.seizure_id for o in recent)[:max_ids],
        sample_ids=_unique(s for o in recent for s in o.sample_ids)[:max_ids],
        pending_amendments=list(local.assessment.pending)[:50],
        foreign_sightings=foreign,
        time_to_control_days=(
            _days(at - first_seen) if kind == Published.RESOLVED else time_to_control
        ),
        correction=correction,
    )
    event = _ALERT_TYPES[kind](
        id=f"{ident}/v{body.version}",
        source=deps.service,
        jurisdiction=j,
        time=local.alert.time,
        published=local.alert.time,
        data=body,
    )
    return emit(ALERTS, event)


def _reason(
    kind: Published,
    before: JurisdictionState,
    after: JurisdictionState,
    found: Sequence[str],
    schedule: ScheduleState,
    rule: AlertRule,
    count: int,
    at: dt.datetime,
) -> str:
    assessment = after.assessment
    assert assessment is not None
    counted = (
        f"{count} distinct occurrence{'s' if count != 1 else ''} in the last "
        f"{rule.window_days} days (threshold {rule.min_occurrences})"
    )
    if kind == Published.UPDATED:
        return "Escalation: " + "; ".join(found) + "."
    if kind == Published.RESOLVED:
        how = "listed by name" if assessment.status == "listed" else "covered by a group listing"
        first = after.sightings.first_seen or at
        why = f" {assessment.rules_fired[0].explanation}" if assessment.rules_fired else ""
        return (
            f"Now controlled ({how}) as of {at:%Y-%m-%d}, "
            f"{_days(at - first):g} days after it was first seen.{why}"
        )
    if kind == Published.SUPPRESSED:
        covers = ", ".join(
            f"{p.amendment_id} (stage {p.stage}, by {p.covers_by})" for p in assessment.cover
        )
        lapsed = "Control ended; " if before.alert and before.alert.status == "resolved" else ""
        return f"{lapsed}Held back while a pending amendment would control it: {covers}. {counted}."
    ended = _cover_ended(before, after, schedule, rule, at)
    nearest = _nearest(assessment)
    stalled = _stalled_note(assessment, schedule, rule)
    if kind == Published.RAISED:
        lead = f"Unlisted analogue{nearest}: {counted}, and no pending amendment covers it."
        return " ".join(part for part in (lead, ended, stalled) if part)
    if before.alert is not None and before.alert.status == AlertStatus.RESOLVED:
        ended = _control_ended(before, schedule, at)
        return f"No longer controlled as of {at:%Y-%m-%d}: {ended}. {counted}."
    return " ".join(
        part for part in (f"Reopened: {ended or 'the cover ended.'}", counted + ".") if part
    )


def _cover_ended(
    before: JurisdictionState,
    after: JurisdictionState,
    schedule: ScheduleState,
    rule: AlertRule,
    at: dt.datetime,
) -> str:
    """Why the amendments that covered the substance at the last judgement no longer do."""
    if before.assessment is None or after.assessment is None:
        return ""
    still = {p.amendment_id for p in after.assessment.cover}
    by_id = {a.amendment_id: a for a in schedule.amendments}
    said = []
    for ref in before.assessment.cover:
        if ref.amendment_id in still:
            continue
        amendment = by_id.get(ref.amendment_id)
        if amendment is None:
            said.append(f"amendment {ref.amendment_id} no longer covers it")
        elif ref.amendment_id in after.assessment.stalled:
            said.append(
                f"amendment {ref.amendment_id} has been pending since "
                f"{amendment.proposed_at:%Y-%m-%d}, past the {rule.stall_days}-day stall limit"
            )
        elif amendment.status in (AmendmentStatus.REJECTED, AmendmentStatus.WITHDRAWN):
            said.append(f"amendment {ref.amendment_id} was {amendment.status.value}")
        elif amendment.expires is not None and amendment.expires <= at.date():
            said.append(f"amendment {ref.amendment_id} lapsed on {amendment.expires}")
        else:
            said.append(f"amendment {ref.amendment_id} no longer covers it")
    if not said:
        return ""
    text = "; ".join(said) + "."
    return text[0].upper() + text[1:]


def _control_ended(before: JurisdictionState, schedule: ScheduleState, at: dt.datetime) -> str:
    """Which controls stopped applying: the sources of the rules that had made it controlled."""
    fired = before.assessment.rules_fired if before.assessment else ()
    sources = sorted({str(r.evidence["source"]) for r in fired if "source" in r.evidence})
    by_id = {a.amendment_id: a for a in schedule.amendments}
    said = []
    for source in sources:
        amendment = by_id.get(source)
        expired = amendment.expires if amendment is not None else None
        if expired is not None and expired <= at.date():
            said.append(f"the temporary control by {source} expired on {expired}")
        else:
            said.append(f"the control by {source} no longer applies")
    return "; ".join(said) or "the control no longer applies"


def _nearest(assessment: Assessment) -> str:
    if not assessment.nearest:
        return ""
    best = assessment.nearest[0]
    first = assessment.rules_fired[0] if assessment.rules_fired else None
    if first is not None and first.rule == "same-family-as-listed":
        family = first.evidence["family"]
        return f" of {best.name} (like it, one of the {family}; similarity {best.similarity:.2f})"
    return f" of {best.name} (similarity {best.similarity:.2f})"


def _stalled_note(assessment: Assessment, schedule: ScheduleState, rule: AlertRule) -> str:
    if not assessment.stalled:
        return ""
    ids = ", ".join(assessment.stalled)
    return f"Stalled (pending over {rule.stall_days} days, not counted as cover): {ids}."


def _unique(values: object) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:  # type: ignore[attr-defined]
        if value is not None:
            seen.setdefault(value, None)
    return list(seen)


def _days(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 86400, 2)


def _earliest(a: dt.datetime | None, b: dt.datetime) -> dt.datetime:
    return b if a is None else min(a, b)


def _latest(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime:
    if a is None or b is None:
        value = a or b
        assert value is not None
        return value
    return max(a, b)
