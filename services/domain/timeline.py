"""A jurisdiction's schedule as it stood at one moment of event time, and the moments it changed.

The monitor judges a substance at a moment ``at`` against what the law said *and what was known*
then: a listing counts from its effective date, but not before the amendment enacting it was
decided (nobody could act on it earlier); an amendment covers from its proposal until it is
decided, and an enacted one keeps covering until its listings take effect. Judging only from
facts dated at or before ``at`` makes the judgement the same whichever newer copy of the schedule
the monitor happens to hold, which is what lets the services and an offline replay agree.

Legal dates (``effective_from``, ``expires``) begin at 00:00 in the jurisdiction's own time zone
(``contracts.countries.legal_time_zone``: Kazakhstan is UTC+5), not at 00:00 UTC; ``expires`` is
the first day the control no longer applies.

An amendment still pending ``stall_days`` after its proposal has *stalled*: it is reported as
considered but no longer holds an alert back.

The *moments* of a schedule are the event times at which this view can change (proposals,
decisions, stall deadlines, effective and expiry dates); the monitor evaluates each one in order,
so a stall deadline is judged at the deadline, not when a sweep happens to notice it.

>>> from contracts.schedule import ScheduleState
>>> at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
>>> view = schedule_at(ScheduleState(), at, stall=dt.timedelta(days=180), jurisdiction="KZ")
>>> view.state.listings, view.stalled
([], frozenset())
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from contracts.countries import legal_time_zone
from contracts.schedule import Amendment, AmendmentStatus, ScheduleState, in_force

DECIDED = (
    AmendmentStatus.ENACTED,
    AmendmentStatus.REJECTED,
    AmendmentStatus.WITHDRAWN,
    AmendmentStatus.LAPSED,
)


def start_of(day: dt.date, zone: dt.tzinfo = dt.UTC) -> dt.datetime:
    """Midnight at the start of ``day`` in ``zone`` (a jurisdiction's legal time zone: when a
    date-valued legal effect begins there), as a UTC time.

    >>> start_of(dt.date(2025, 9, 1), legal_time_zone("KZ")).isoformat()
    '2025-08-31T19:00:00+00:00'
    """
    return dt.datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(dt.UTC)


@dataclass(frozen=True)
class ScheduleAt:
    """The schedule of ``jurisdiction`` as it stood at ``at``.

    ``state`` holds the listings and groups in force at ``at``, and as ``pending`` amendments
    every amendment that could cover a substance at ``at``: pending ones (stalled included), and
    enacted ones whose listings are not in force yet. ``stalled`` names the pending ones past the
    stall limit. ``signature`` is equal for equal views (it ignores ``at``): the monitor
    classifies again only when it changes.
    """

    jurisdiction: str
    at: dt.datetime
    state: ScheduleState
    stalled: frozenset[str]
    signature: str


def schedule_at(
    state: ScheduleState, at: dt.datetime, *, stall: dt.timedelta, jurisdiction: str
) -> ScheduleAt:
    """What ``state`` said at ``at``, from facts dated at or before ``at``."""
    by_id = {a.amendment_id: a for a in state.amendments}
    zone = legal_time_zone(jurisdiction)
    day = at.astimezone(zone).date()
    listings = [
        x
        for x in state.listings
        if _known(x.source, x.effective_from, by_id, at, zone)
        and in_force(x.effective_from, x.expires, day)
    ]
    groups = [
        g
        for g in state.groups
        if _known(g.source, g.effective_from, by_id, at, zone)
        and in_force(g.effective_from, g.expires, day)
    ]
    covering = [a for a in state.amendments if _covers_at(a, at, day)]
    stalled = frozenset(
        a.amendment_id for a in covering if not _decided_by(a, at) and at >= a.proposed_at + stall
    )
    pending = [
        a.model_copy(
            update={"status": AmendmentStatus.PENDING, "decided_at": None, **_stage_at(a, at)}
        )
        for a in covering
    ]
    view = ScheduleState(listings=listings, groups=groups, amendments=pending)
    return ScheduleAt(
        jurisdiction=jurisdiction,
        at=at,
        state=view,
        stalled=stalled,
        signature=_signature(view, stalled),
    )


def moments(
    state: ScheduleState,
    *,
    after: dt.datetime | None,
    through: dt.datetime,
    stall: dt.timedelta,
    jurisdiction: str,
) -> list[dt.datetime]:
    """The moments in ``(after, through]`` at which :func:`schedule_at` may change, in order."""
    zone = legal_time_zone(jurisdiction)
    every = _all_moments(state, stall, zone)
    return sorted({m for m in every if (after is None or m > after) and m <= through})


class Timeline:
    """:func:`schedule_at` and :func:`moments` of one schedule, computed once per interval.

    The view is the same between two consecutive moments (every rule above compares ``at`` with
    a moment), so one view per interval serves every judgement in it.

    >>> tl = Timeline(ScheduleState(), stall=dt.timedelta(days=180), jurisdiction="KZ")
    >>> tl.at(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)).state.listings
    []
    """

    def __init__(self, state: ScheduleState, *, stall: dt.timedelta, jurisdiction: str) -> None:
        self.state = state
        self.stall = stall
        self.jurisdiction = jurisdiction
        self._moments = sorted(set(_all_moments(state, stall, legal_time_zone(jurisdiction))))
        self._views: dict[int, ScheduleAt] = {}

    def moments(self, *, after: dt.datetime | None, through: dt.datetime) -> list[dt.datetime]:
        """The moments in ``(after, through]``, in order."""
        start = 0 if after is None else bisect.bisect_right(self._moments, after)
        return self._moments[start : bisect.bisect_right(self._moments, through)]

    def at(self, at: dt.datetime) -> ScheduleAt:
        interval = bisect.bisect_right(self._moments, at)
        view = self._views.get(interval)
        if view is None:
            view = schedule_at(self.state, at, stall=self.stall, jurisdiction=self.jurisdiction)
            self._views[interval] = view
        return view if view.at == at else dataclasses.replace(view, at=at)


def _all_moments(
    state: ScheduleState, stall: dt.timedelta, zone: dt.tzinfo
) -> Iterator[dt.datetime]:
    for a in state.amendments:
        yield a.proposed_at
        yield a.proposed_at + stall
        for reached in a.stages:
            yield reached.at
        if a.decided_at is not None:
            yield a.decided_at
        for day in (a.effective_from, a.expires):
            if day is not None:
                yield start_of(day, zone)
    spans = [(x.effective_from, x.expires) for x in state.listings]
    spans += [(g.effective_from, g.expires) for g in state.groups]
    for effective_from, expires in spans:
        yield start_of(effective_from, zone)
        if expires is not None:
            yield start_of(expires, zone)


def _stage_at(a: Amendment, at: dt.datetime) -> dict[str, object]:
    """Where ``a`` stood at ``at``: its last stage reached by then (its history, if it has one)."""
    reached = [s for s in a.stages if s.at <= at]
    if not reached:
        return {}
    return {"stage": reached[-1].stage, "stage_changed_at": reached[-1].at, "stages": reached}


def _decided_by(a: Amendment, at: dt.datetime) -> bool:
    return a.status in DECIDED and a.decided_at is not None and a.decided_at <= at


def _known(
    source: str,
    effective_from: dt.date,
    by_id: dict[str, Amendment],
    at: dt.datetime,
    zone: dt.tzinfo,
) -> bool:
    """Could anyone know of this listing at ``at``? (Baseline listings: from their start.)"""
    amendment = by_id.get(source)
    if amendment is None:
        return start_of(effective_from, zone) <= at
    return _decided_by(amendment, at) and amendment.status != AmendmentStatus.REJECTED


def _covers_at(a: Amendment, at: dt.datetime, day: dt.date) -> bool:
    if a.proposed_at > at:
        return False
    if not _decided_by(a, at):
        return True
    enacted = a.status in (AmendmentStatus.ENACTED, AmendmentStatus.LAPSED)
    return enacted and a.effective_from is not None and day < a.effective_from


def _signature(view: ScheduleState, stalled: frozenset[str]) -> str:
    parts = sorted(
        [f"L|{x.source}|{x.name}|{x.structure.model_dump_json()}" for x in view.listings]
        + [f"G|{g.source}|{g.definition.model_dump_json()}" for g in view.groups]
        + [f"A|{a.amendment_id}|{a.stage}|{a.amendment_id in stalled}" for a in view.amendments]
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
