"""The alerts as operations staff see them: the latest version of each, folded from the topic.

Every publication of an alert carries the whole alert and a version one higher than the last, so
the current state is simply the highest version per alert id; a replayed or older version changes
nothing. The view is rebuilt from ``aw.alerts`` (and ``aw.schedule.state``) at every start, so it
holds nothing a restart could lose. Pure Python over the contracts' models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from contracts.actions import AlertActionTaken
from contracts.alerts import AlertEvent, AlertKind, AlertStatus, alert_kind
from contracts.schedule import ScheduleSnapshot, ScheduleState
from contracts.substances import Structure
from services.domain.case import NO_CASE, Case, apply_action

MAX_VERSIONS_KEPT = 1000
"""Per alert, the most recent versions kept for its history (the chart and the version table)."""

_STATUS_ORDER = {
    AlertStatus.OPEN: 0,
    AlertStatus.SUPPRESSED: 1,
    AlertStatus.RESOLVED: 2,
    AlertStatus.RETRACTED: 3,
}


def is_newer(candidate: AlertEvent, current: AlertEvent | None) -> bool:
    """Whether ``candidate`` replaces ``current`` as the alert's latest state."""
    return current is None or candidate.data.version > current.data.version


def board_order(event: AlertEvent) -> tuple[int, float, str]:
    """Open alerts first, then suppressed, then resolved; the most recently seen first."""
    data = event.data
    return (_STATUS_ORDER[data.status], -data.last_seen.timestamp(), data.alert_id)


def latest_versions(events: Iterable[AlertEvent]) -> list[AlertEvent]:
    """The highest version of each alert, in board order (replays and older versions ignored)."""
    latest: dict[str, AlertEvent] = {}
    for event in events:
        if is_newer(event, latest.get(event.data.alert_id)):
            latest[event.data.alert_id] = event
    return sorted(latest.values(), key=board_order)


@dataclass(frozen=True)
class VersionPoint:
    """What one version of an alert said: enough to chart occurrences and list the history."""

    version: int
    type: str
    published: dt.datetime
    status: AlertStatus
    first_seen: dt.datetime
    last_seen: dt.datetime
    occurrence_count: int
    reason: str = ""

    @classmethod
    def of(cls, event: AlertEvent) -> VersionPoint:
        d = event.data
        return cls(
            d.version,
            event.type,
            event.published,
            d.status,
            d.first_seen,
            d.last_seen,
            d.occurrence_count,
            d.reason,
        )


@dataclass(frozen=True)
class ListedStructure:
    """A controlled substance's structure found in a schedule snapshot, and where it was found."""

    name: str
    structure: Structure
    jurisdiction: str
    schedule: str | None
    source: str
    pending: bool
    """True when it comes from an amendment in progress rather than a listing in force."""


class AlertBoardView:
    """Latest version per alert, each alert's version history, and the schedules by jurisdiction."""

    def __init__(self) -> None:
        self._latest: dict[str, AlertEvent] = {}
        self._history: dict[str, dict[int, VersionPoint]] = {}
        self._opened: dict[str, AlertEvent] = {}
        """Per alert, the latest version that opened it (raised or reopened): why it is open."""
        self._open: dict[str, AlertEvent] = {}
        """Per alert, its latest open version: the evidence a resolved alert keeps showing."""
        self._named: dict[str, tuple[int, str]] = {}
        """Per alert, the first name of its earliest version seen: its headline, which does not
        change with whichever lab reported last."""
        self._schedules: dict[str, ScheduleState] = {}
        self._cases: dict[str, Case] = {}
        """Per alert, what operations staff did about it (``aw.alert-actions``)."""

    # -- folding -------------------------------------------------------------------------

    def apply_alert(self, event: AlertEvent) -> bool:
        """Fold one alert event in; True when it changed the alert's latest state."""
        alert_id = event.data.alert_id
        history = self._history.setdefault(alert_id, {})
        history.setdefault(event.data.version, VersionPoint.of(event))
        if len(history) > MAX_VERSIONS_KEPT:
            del history[min(history)]
        names = event.data.reported_names
        if names and event.data.version < self._named.get(alert_id, (2**31, ""))[0]:
            self._named[alert_id] = (event.data.version, names[0])
        if event.data.status == AlertStatus.OPEN and is_newer(event, self._open.get(alert_id)):
            self._open[alert_id] = event
        opening = alert_kind(event) in (AlertKind.RAISED, AlertKind.REOPENED)
        if opening and is_newer(event, self._opened.get(alert_id)):
            self._opened[alert_id] = event
        if not is_newer(event, self._latest.get(alert_id)):
            return False
        self._latest[alert_id] = event
        return True

    def apply_action(self, event: AlertActionTaken) -> bool:
        """Fold one action into its alert's case; True when the case changed (not a repeat).
        The alert itself is untouched: an action is not a version."""
        alert_id = event.data.alert_id
        before = self._cases.get(alert_id, NO_CASE)
        after = apply_action(before, event)
        self._cases[alert_id] = after
        return after is not before

    def apply_snapshot(self, event: ScheduleSnapshot) -> None:
        """A jurisdiction's schedule replaces the one before (the topic is keyed by it)."""
        self._schedules[event.jurisdiction] = event.data

    # -- reading -------------------------------------------------------------------------

    def latest(self) -> list[AlertEvent]:
        return sorted(self._latest.values(), key=board_order)

    def get(self, alert_id: str) -> AlertEvent | None:
        return self._latest.get(alert_id)

    def case(self, alert_id: str) -> Case:
        """What operations staff did about the alert (no case: nothing yet)."""
        return self._cases.get(alert_id, NO_CASE)

    def cases(self) -> dict[str, Case]:
        return dict(self._cases)

    def opened_by(self, alert_id: str) -> AlertEvent | None:
        """The version that opened the alert last (raised or reopened): the reason it is open,
        which a later update ("new region: Turkestan") does not repeat."""
        return self._opened.get(alert_id)

    def last_open(self, alert_id: str) -> AlertEvent | None:
        """The alert's latest open version: what it was an alert for."""
        return self._open.get(alert_id)

    def headlines(self) -> dict[str, str]:
        """Every alert's headline (see :meth:`headline`)."""
        return {alert_id: name for alert_id, (_, name) in self._named.items()}

    def headline(self, alert_id: str) -> str | None:
        """The name the alert goes by: the first one its earliest version seen reported."""
        named = self._named.get(alert_id)
        return named[1] if named else None

    def history(self, alert_id: str) -> list[VersionPoint]:
        """The alert's versions seen, oldest first."""
        return [p for _, p in sorted(self._history.get(alert_id, {}).items())]

    def count_by_status(self) -> dict[AlertStatus, int]:
        counts = dict.fromkeys(AlertStatus, 0)
        for event in self._latest.values():
            counts[event.data.status] += 1
        return counts

    def schedule(self, jurisdiction: str) -> ScheduleState | None:
        """The jurisdiction's schedule as last published, if the board has read one."""
        return self._schedules.get(jurisdiction)

    @property
    def jurisdictions_with_schedule(self) -> int:
        return len(self._schedules)

    def listed_structure(self, jurisdiction: str, name: str) -> ListedStructure | None:
        """The structure of the substance called ``name``: listed in ``jurisdiction`` first, then
        named by an amendment there, then listed anywhere else (names compared ignoring case)."""
        wanted = name.strip().casefold()
        own = self._schedules.get(jurisdiction)
        others = [(j, s) for j, s in sorted(self._schedules.items()) if j != jurisdiction]
        if own is not None:
            found = _in_listings(jurisdiction, own, wanted) or _in_amendments(
                jurisdiction, own, wanted
            )
            if found:
                return found
        for other, schedule in others:
            found = _in_listings(other, schedule, wanted)
            if found:
                return found
        return None


def _in_listings(jurisdiction: str, schedule: ScheduleState, wanted: str) -> ListedStructure | None:
    for listing in schedule.listings:
        if listing.name.casefold() == wanted:
            return ListedStructure(
                listing.name,
                listing.structure,
                jurisdiction,
                listing.schedule,
                listing.source,
                pending=False,
            )
    return None


def _in_amendments(
    jurisdiction: str, schedule: ScheduleState, wanted: str
) -> ListedStructure | None:
    for amendment in schedule.amendments:
        for substance in amendment.substances:
            if substance.name.casefold() == wanted:
                return ListedStructure(
                    substance.name,
                    substance.structure,
                    jurisdiction,
                    substance.schedule,
                    amendment.amendment_id,
                    pending=True,
                )
    return None
