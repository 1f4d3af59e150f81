"""Analogue monitor metrics."""

from prometheus_client import Counter, Gauge, Histogram

from services.platform.metrics import ServiceMetrics

# From first sighting to control: days to a couple of years.
DAY = 86400.0
CONTROL_BUCKETS = tuple(d * DAY for d in (7, 14, 30, 60, 90, 120, 150, 180, 240, 365, 730))


class MonitorMetrics(ServiceMetrics):
    def __init__(self) -> None:
        super().__init__("analogue_monitor")
        self.alerts = Counter(
            "analogue_monitor_alerts_total",
            "Alert versions published, by transition (raised, updated, suppressed, ...)",
            ["transition"],
            registry=self.registry,
        )
        self.open_alerts = Gauge(
            "analogue_monitor_alerts_by_status",
            "Alerts held by this worker, by jurisdiction and status (at the last sweep)",
            ["jurisdiction", "status"],
            registry=self.registry,
        )
        self.time_to_control = Histogram(
            "analogue_monitor_time_to_control_seconds",
            "From an analogue's first sighting to its control (on resolved alerts)",
            buckets=CONTROL_BUCKETS,
            registry=self.registry,
        )
        self.late = Counter(
            "analogue_monitor_late_sightings_total",
            "Sightings older than the lateness bound: valid, but not counted",
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
