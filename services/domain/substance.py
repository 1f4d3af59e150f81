"""What the analogue monitor keeps about one substance, and what it reads to judge it.

Keyed by the substance's match key: one :class:`SubstanceState` holds the substance in every
jurisdiction, which makes "also seen in" a local read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pydantic import AwareDatetime, Field

from contracts.alerts import ForeignSighting
from contracts.schedule import ScheduleSnapshot, ScheduleState
from services.domain.classifier import Classify, chemistry_classifier
from services.domain.lifecycle import AlertRule, AlertTrack, Assessment, default_rule
from services.domain.occurrences import Sightings
from services.domain.state import HandlerState, StateModel
from services.domain.timeline import Timeline

MAX_FOREIGN = 250

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
    return default_rule(jurisdiction)


def no_jurisdictions() -> Iterable[str]:
    return ()


@dataclass(frozen=True)
class MonitorDeps:
    schedule: Callable[[str], ScheduleView | None]
    """The monitor's copy of a jurisdiction's schedule (from ``aw.schedule.state``), or None."""
    classify: Classify
    """``chemistry_classifier(rules)`` in the services; anything of that shape in tests."""
    rules: Callable[[str], AlertRule] = field(default=default_rules)
    service: str = "analogue_monitor"
    jurisdictions: Callable[[], Iterable[str]] = field(default=no_jurisdictions)
    """Every jurisdiction whose schedule the monitor holds: an alert shows the substance's
    status in each (``services.domain.abroad``). None known: alerts show no status abroad."""

    @classmethod
    def with_chemistry(
        cls,
        schedule: Callable[[str], ScheduleView | None],
        rules: Callable[[str], AlertRule] = default_rules,
        service: str = "analogue_monitor",
        jurisdictions: Callable[[], Iterable[str]] = no_jurisdictions,
    ) -> MonitorDeps:
        """Dependencies classifying with ``services.chemistry`` (what the service runs)."""
        return cls(schedule, chemistry_classifier(rules), rules, service, jurisdictions)


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

    def foreign(self, jurisdiction: str) -> list[ForeignSighting]:
        """Where else the substance has been seen: what an alert in ``jurisdiction`` shows."""
        return [
            ForeignSighting(
                jurisdiction=k,
                count=local.sightings.total,
                first_seen=local.sightings.first_seen,
                last_seen=local.sightings.last_seen,
            )
            for k, local in sorted(self.jurisdictions.items())
            if k != jurisdiction
            and local.sightings.total > 0
            and local.sightings.first_seen is not None
        ][:MAX_FOREIGN]
