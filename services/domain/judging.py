"""Judging a substance in one jurisdiction: at which moments, against which schedule, and what
each judgement publishes.

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
version's time (for a sighting this can only mean an update), and corrected if it changes the
lifecycle published (``services.domain.corrections``). So a lagging detection path changes no
transition and no alert time. A lagging legislation path can: a sighting judged against a copy of
the schedule that lacks a proposal not yet read may raise an alert that the proposal then
suppresses; nothing here can know that the registry is behind.

**Idempotence.** A repeated event id changes nothing; an occurrence counts once however often
it is seen; alert ids are ``<jurisdiction>-<match key>``, event ids ``<alert id>/v<version>``,
and versions follow from the state, so reprocessing after a crash republishes the same versions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from contracts.alerts import (
    AlertKind,
    AlertLevel,
    AlertStatus,
    ControlStatus,
    Correction,
    JurisdictionStatus,
    PartnerSighting,
)
from contracts.countries import legal_time_zone
from services.domain.abroad import status_in
from services.domain.alert_event import alert_event
from services.domain.control import control_routes, expected_pending
from services.domain.effects import Emit
from services.domain.lifecycle import (
    Abroad,
    AlertRule,
    Assessment,
    Standing,
    escalations,
    published,
    standing,
    transition,
)
from services.domain.occurrences import latest
from services.domain.substance import JurisdictionState, MonitorDeps, ScheduleView, SubstanceState
from services.domain.timeline import ScheduleAt
from services.domain.wording import reason


@dataclass
class Judging:
    """Judging jurisdiction ``j`` of a substance with one copy of its schedule, under ``j``'s
    rule; ``emits`` collects the alert versions published on the way, in order."""

    j: str
    view: ScheduleView
    deps: MonitorDeps
    emits: list[Emit] = field(default_factory=list)
    rule: AlertRule = field(init=False)

    def __post_init__(self) -> None:
        self.rule = self.deps.rules(self.j)

    def aside(self) -> Judging:
        """The same judging, publishing into a list of its own (what would have been)."""
        return Judging(self.j, self.view, self.deps)

    def catch_up(self, state: SubstanceState, at: dt.datetime | None) -> SubstanceState | None:
        """``j`` judged again, up to ``at``, with a copy of the schedule newer than the one it was
        last judged with (releasing a change deferred until that copy came), from its alert's
        last version; None when the copy is the same one or ``j`` was never judged.

        Whatever comes first does it, a sweep or the substance's next input: a late fact of the
        schedule (a group rule names nothing, so no change announces it) applies from its own
        time.
        """
        local = state.local(self.j)
        released = bool(local.deferred_version) and self.view.version >= local.deferred_version
        if at is None or (not released and local.schedule_version == self.view.version):
            return None
        if released:
            at = latest(at, local.deferred_at)
            local = local.model_copy(update={"deferred_version": 0, "deferred_at": None})
            state = state.with_local(self.j, local)
        state = self.advance(state, at)
        return self.rejudge(state, _judged_again_from(local, at), at)

    def nothing_new(self, state: SubstanceState, through: dt.datetime) -> bool:
        """Judged with this very schedule, and no moment of it since: judging would change
        nothing."""
        local = state.local(self.j)
        if local.scanned_through is None or local.schedule_version != self.view.version:
            return False
        timeline = self.view.timeline(self.j, self.rule)
        return not timeline.moments(after=local.scanned_through, through=through)

    def advance(self, state: SubstanceState, through: dt.datetime) -> SubstanceState:
        """Judge ``j`` at each schedule moment after the last one scanned, up to ``through``."""
        scanned = state.local(self.j).scanned_through  # None: never judged, nothing to catch up
        if scanned is not None:
            timeline = self.view.timeline(self.j, self.rule)
            for moment in timeline.moments(after=scanned, through=through):
                state = self.judge(state, moment)
        local = state.local(self.j)
        return state.with_local(
            self.j, local.model_copy(update={"scanned_through": latest(scanned, through)})
        )

    def rejudge(
        self, state: SubstanceState, since: dt.datetime, until: dt.datetime
    ) -> SubstanceState:
        """Judge ``j`` at ``since`` and at every point after it, in order, through ``until`` or
        the moment it was last judged at, whichever is later.

        Points already judged are judged again because something dated ``since`` came in after
        them (a sighting or a fact of the schedule from a lagging path): what was published then
        did not know it. Published versions are kept: nothing is judged before the alert's last
        version.
        """
        rule = self.rule
        local = state.local(self.j)
        end = latest(local.evaluated_at, until)
        start = since if local.alert is None else max(since, local.alert.time)
        start = min(start, end)
        moments = set(self.view.timeline(self.j, rule).moments(after=start, through=end))
        sighted = {o.seen_at for o in local.sightings.occurrences if start < o.seen_at < end}
        settled = False  # judged since the last moment, and a sighting more would change nothing
        for at in sorted({start, end, *moments, *sighted}):
            between_moments = at in sighted and at not in moments and at != end
            if between_moments and (settled or not _may_escalate(state.local(self.j), at, rule)):
                continue
            state = self.judge(state, at)
            settled = _settled(state.local(self.j), at, rule)
        local = state.local(self.j)
        return state.with_local(
            self.j, local.model_copy(update={"scanned_through": latest(local.scanned_through, end)})
        )

    def judge(self, state: SubstanceState, at: dt.datetime) -> SubstanceState:
        """Judge ``j`` at ``at`` (never before the alert's last version) and publish what
        changed."""
        j, rule = self.j, self.rule
        before = state.local(j)
        if before.alert is not None:
            at = max(at, before.alert.time)
        sightings = before.sightings
        schedule = self.view.timeline(j, rule).at(at)
        assessment = before.assessment
        if assessment is None or assessment.signature != _signature(state, schedule, rule):
            assessment = _assess(state, schedule, rule, self.deps)
        count = sightings.count(at, rule.window)
        now = standing(assessment, count, rule)
        abroad = None
        if (
            rule.partners
            and now in (Standing.QUIET, Standing.UNRELATED)
            and self.sighted(state, at)
        ):
            abroad = self.partners_say(state, at)
            now = standing(assessment, count, rule, abroad)
        foreign = state.foreign(j)
        found = escalations(
            before.alert,
            count=count,
            regions=sightings.regions,
            channels=sightings.channels,
            foreign=[f.jurisdiction for f in foreign],
            rule=rule,
        )
        kind = transition(before.alert, now, found)
        local = before.model_copy(
            update={
                "evaluated_at": latest(before.evaluated_at, at),
                "assessment": assessment,
                "schedule_version": self.view.version,
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
                now=now,
            )
            local = local.model_copy(update={"alert": alert, "history": (*before.history, alert)})
            # Dates in words are the jurisdiction's own (a control ends at its midnight).
            there = at.astimezone(legal_time_zone(j))
            why = reason(
                kind,
                before,
                local,
                found,
                schedule=self.view.state,
                rule=rule,
                count=count,
                at=there,
                abroad=abroad,
            )
            self.publish(state, local, kind, at, why)
        return state.with_local(j, local)

    def sighted(self, state: SubstanceState, at: dt.datetime) -> bool:
        """Whether ``at`` is a sighting here or in a partner: the only points the partner rule
        is judged at. A sweep or a change of the schedule judges further ahead than the
        detection path may have got (a year, in tests/stress/test_uneven_lag.py): a warning
        raised there could count partners' sightings but not the ones here still to come."""
        places = (self.j, *(k for k, _ in self.rule.partners))
        return any(o.seen_at == at for k in places for o in state.local(k).sightings.occurrences)

    def partners_say(self, state: SubstanceState, at: dt.datetime) -> Abroad:
        """What ``j``'s partners say of the substance at ``at``: their occurrences in each
        partner rule's window (counted in this state: one key holds every jurisdiction), and
        which of them list it, by name or group, as their schedules stood then."""
        seen = []
        listed = []
        smiles = state.forms[0].canonical_smiles
        for k, partner in self.rule.partners:
            count = state.local(k).sightings.count(at, partner.window)
            if count:
                seen.append((k, count))
            view = self.deps.schedule(k)
            if view is None:
                continue
            then = view.timeline(k, self.deps.rules(k)).at(at)
            status = status_in(smiles, view.state, then, self.deps.classify)
            if status is not None and status.status in (ControlStatus.LISTED, ControlStatus.GROUP):
                listed.append(k)
        return Abroad(seen=tuple(seen), listed=tuple(listed))

    def publish(
        self,
        state: SubstanceState,
        local: JurisdictionState,
        kind: AlertKind,
        at: dt.datetime,
        why: str,
        *,
        correction: Correction | None = None,
        time_to_control: float | None = None,
    ) -> None:
        """Publish the alert version ``local.alert``, judged at ``at``, for ``why``."""
        routes = control_routes(self.view.state, at, self.j)
        self.emits.append(
            alert_event(
                state,
                self.j,
                local,
                kind,
                at=at,
                foreign=state.foreign(self.j),
                reason=why,
                rule=self.rule,
                source=self.deps.service,
                correction=correction,
                time_to_control=time_to_control,
                control=routes,
                pending=expected_pending(local, self.view.state, routes),
                abroad=self.abroad(state, at),
                seen_abroad=self.seen_abroad(state, local, at),
            )
        )

    def seen_abroad(
        self, state: SubstanceState, local: JurisdictionState, at: dt.datetime
    ) -> list[PartnerSighting]:
        """On an early warning, what each partner's rule counts at ``at``."""
        if local.alert is None or local.alert.level != AlertLevel.EARLY_WARNING:
            return []
        return [
            PartnerSighting(
                jurisdiction=k,
                count=state.local(k).sightings.count(at, partner.window),
                window_days=partner.window_days,
                threshold=partner.min_occurrences,
            )
            for k, partner in self.rule.partners
        ]

    def abroad(self, state: SubstanceState, at: dt.datetime) -> list[JurisdictionStatus]:
        """The substance's status at ``at`` in every other jurisdiction whose schedule the
        monitor holds, each as it stood then (so a newer copy changes nothing)."""
        smiles = state.forms[0].canonical_smiles
        found = []
        for k in sorted(self.deps.jurisdictions()):
            view = self.deps.schedule(k) if k != self.j else None
            if view is None:
                continue
            then = view.timeline(k, self.deps.rules(k)).at(at)
            status = status_in(smiles, view.state, then, self.deps.classify)
            if status is not None:
                found.append(status)
        return found


def watchers(j: str, deps: MonitorDeps) -> set[str]:
    """The jurisdictions that take ``j`` as a partner (whose early warnings ``j`` can raise)."""
    return {k for k in deps.jurisdictions() if k != j and deps.rules(k).partner_rule(j)}


def tell_others(
    state: SubstanceState, j: str, at: dt.datetime, deps: MonitorDeps
) -> tuple[SubstanceState, list[Emit]]:
    """After a sighting in ``j``: judge the other jurisdictions with a live alert that do not
    yet show ``j``, and those that take ``j`` as a partner (what ``j`` saw may warn them)."""
    emits: list[Emit] = []
    watching = watchers(j, deps)
    for k in sorted(set(state.jurisdictions) | watching):
        alert = state.local(k).alert
        shown = alert is None or alert.status == AlertStatus.RESOLVED or j in alert.foreign
        if k == j or (shown and k not in watching):
            continue
        view = deps.schedule(k)
        if view is not None:
            judging = Judging(k, view, deps, emits)
            state = judging.advance(state, at)
            state = judging.rejudge(state, at, at)
    return state, emits


def _judged_again_from(local: JurisdictionState, at: dt.datetime) -> dt.datetime:
    """Where a newer copy of the schedule may change the judgements: from the alert's last
    version, or with no alert from the first occurrence kept (a raise could come from there)."""
    if local.alert is not None:
        return local.alert.time
    first = local.sightings.occurrences[0].seen_at if local.sightings.occurrences else at
    return min(first, at)


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
