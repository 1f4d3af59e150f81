"""Analogue monitor metrics.

The alert gauges are set at sweeps. A sweep covers one partition, so each partition's tally is
kept and the gauges show the sum over the partitions this worker owns; a (jurisdiction, status)
pair that is no longer held drops to 0 rather than keeping its last count. Waits are in event
time (the sweep's ``as_of``), like the alerts themselves.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass, field

from prometheus_client import Counter, Gauge, Histogram

from contracts.alerts import AlertKind, AlertStatus
from services.domain.lifecycle import PARTNERS
from services.platform.metrics import ServiceMetrics

# From first sighting to control: days to a couple of years.
DAY = 86400.0
CONTROL_BUCKETS = tuple(d * DAY for d in (7, 14, 30, 60, 90, 120, 150, 180, 240, 365, 730))

Pair = tuple[str, str]  # (jurisdiction, alert status)


@dataclass
class SweepTally:
    """What one partition's sweep found: alerts by (jurisdiction, status), the longest wait of
    the unresolved ones, and the substances held."""

    alerts: Tally[Pair] = field(default_factory=Tally)
    longest_wait: dict[Pair, float] = field(default_factory=dict)
    substances: int = 0

    def alert(self, jurisdiction: str, status: str, waited_s: float | None) -> None:
        """Count one alert; ``waited_s``: since the analogue was first seen there."""
        pair = (jurisdiction, status)
        self.alerts[pair] += 1
        if status != AlertStatus.RESOLVED and waited_s is not None:
            self.longest_wait[pair] = max(waited_s, self.longest_wait.get(pair, 0.0))


class MonitorMetrics(ServiceMetrics):
    def __init__(self) -> None:
        super().__init__("analogue_monitor")
        self.alerts = Counter(
            "analogue_monitor_alerts_total",
            "Alert versions published, by transition (raised, updated, suppressed, ...)",
            ["transition"],
            registry=self.registry,
        )
        for transition in AlertKind:  # from 0, so an increase counts the first one too
            self.alerts.labels(transition.value)
        self.open_alerts = Gauge(
            "analogue_monitor_alerts_by_status",
            "Alerts held by this worker, by jurisdiction and status (at the last sweep)",
            ["jurisdiction", "status"],
            registry=self.registry,
        )
        self.longest_wait = Gauge(
            "analogue_monitor_alert_longest_wait_seconds",
            "Of the open or suppressed alerts, the longest time since the analogue's first "
            "sighting in the jurisdiction (event time, at the last sweep), by jurisdiction and "
            "status",
            ["jurisdiction", "status"],
            registry=self.registry,
        )
        self.time_to_control = Histogram(
            "analogue_monitor_time_to_control_seconds",
            "From an analogue's first sighting to its control (on resolved alerts)",
            buckets=CONTROL_BUCKETS,
            registry=self.registry,
        )
        self.early_warnings = Counter(
            "analogue_monitor_early_warnings_total",
            "Early warnings (raised on partner jurisdictions' evidence before the domestic rule "
            "fired), by jurisdiction: raised, and promoted once the domestic rule fired",
            ["jurisdiction", "transition"],
            registry=self.registry,
        )
        for jurisdiction in PARTNERS:  # from 0 where partners are set by default
            for step in ("raised", "promoted"):
                self.early_warnings.labels(jurisdiction, step)
        self.late = Counter(
            "analogue_monitor_late_sightings_total",
            "Sightings more than the lateness behind a later one of their substance: counted, "
            "but the detection path is further out of order than the monitor plans for",
            registry=self.registry,
        )
        self.substances = Gauge(
            "analogue_monitor_substances_tracked",
            "Substances held in state by this worker",
            registry=self.registry,
        )
        self.sweeps = Counter(
            "analogue_monitor_sweeps_total", "Partition sweeps run", registry=self.registry
        )
        self._tallies: dict[int, SweepTally] = {}

    def observe_sweep(self, partition: int, tally: SweepTally, owned: Iterable[int]) -> None:
        """Keep ``partition``'s tally, forget partitions no longer ``owned``, set the gauges."""
        self.sweeps.inc()
        self._tallies[partition] = tally
        owned = set(owned) | {partition}
        self._tallies = {p: t for p, t in self._tallies.items() if p in owned}
        tallies = self._tallies.values()
        alerts: Tally[Pair] = sum((t.alerts for t in tallies), Tally())
        waits: dict[Pair, float] = {}
        for t in tallies:
            for pair, seconds in t.longest_wait.items():
                waits[pair] = max(seconds, waits.get(pair, 0.0))
        for labels in self._label_sets(self.open_alerts):
            if labels not in alerts:
                self.open_alerts.labels(*labels).set(0)
        for pair, n in alerts.items():
            self.open_alerts.labels(*pair).set(n)
        for labels in self._label_sets(self.longest_wait):
            if labels not in waits:
                self.longest_wait.remove(*labels)
        for pair, seconds in waits.items():
            self.longest_wait.labels(*pair).set(seconds)
        self.substances.set(sum(t.substances for t in tallies))

    @staticmethod
    def _label_sets(gauge: Gauge) -> list[Pair]:
        """The label values of every child ``gauge`` has now."""
        return [
            (s.labels["jurisdiction"], s.labels["status"])
            for family in gauge.collect()
            for s in family.samples
        ]
