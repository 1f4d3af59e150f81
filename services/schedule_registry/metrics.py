"""Schedule registry metrics.

Ages and durations are in event time (the legislation events' own dates), so a replayed year
shows the lags it had, not how fast it was replayed.
"""

from prometheus_client import Gauge, Histogram

from contracts.schedule import AmendmentStatus, ScheduleState
from services.domain.control import control_routes
from services.platform.metrics import ServiceMetrics

DAY = 86400.0
# Legislatures take weeks to years to decide an amendment.
DECISION_BUCKETS = tuple(d * DAY for d in (14, 30, 60, 90, 120, 180, 240, 365, 545, 730, 1095))
DECIDED = (AmendmentStatus.ENACTED, AmendmentStatus.REJECTED, AmendmentStatus.WITHDRAWN)


class RegistryMetrics(ServiceMetrics):
    def __init__(self) -> None:
        super().__init__("schedule_registry")
        self.listings = Gauge(
            "schedule_registry_listings",
            "Substances listed, by jurisdiction",
            ["jurisdiction"],
            registry=self.registry,
        )
        self.pending = Gauge(
            "schedule_registry_pending_amendments",
            "Amendments pending, by jurisdiction",
            ["jurisdiction"],
            registry=self.registry,
        )
        self.oldest_pending_age = Gauge(
            "schedule_registry_oldest_pending_amendment_age_seconds",
            "Age of the oldest pending amendment at the jurisdiction's latest legislation event "
            "(0: none pending)",
            ["jurisdiction"],
            registry=self.registry,
        )
        self.decision_time = Histogram(
            "schedule_registry_amendment_decision_seconds",
            "From an amendment's proposal to its decision, by outcome (enacted, rejected, "
            "withdrawn)",
            ["outcome"],
            buckets=DECISION_BUCKETS,
            registry=self.registry,
        )
        for decided in DECIDED:
            self.decision_time.labels(decided.value)
        self.control_days = Gauge(
            "schedule_registry_control_median_seconds",
            "Median time from an amendment's proposal to its entry into force, by jurisdiction "
            "and kind of act, over the amendments enacted so far: when an open alert can expect "
            "control",
            ["jurisdiction", "instrument"],
            registry=self.registry,
        )

    def observe_schedule(
        self, jurisdiction: str, before: ScheduleState | None, after: ScheduleState
    ) -> None:
        """Set the jurisdiction's gauges from ``after``; time the amendments decided since
        ``before`` (a redelivered event changes nothing, so it is not timed twice)."""
        pending = [a for a in after.amendments if a.status == AmendmentStatus.PENDING]
        self.listings.labels(jurisdiction).set(len(after.listings))
        self.pending.labels(jurisdiction).set(len(pending))
        moments = [a.stage_changed_at for a in after.amendments]
        moments += [a.decided_at for a in after.amendments if a.decided_at is not None]
        latest = max(moments, default=None)
        oldest = min((a.proposed_at for a in pending), default=None)
        age = (latest - oldest).total_seconds() if latest and oldest else 0
        self.oldest_pending_age.labels(jurisdiction).set(age)
        if latest is not None:
            for route in control_routes(after, latest, jurisdiction):
                self.control_days.labels(jurisdiction, route.instrument.value).set(
                    route.median_days * DAY
                )
        was_pending = {
            a.amendment_id
            for a in (before.amendments if before else ())
            if a.status == AmendmentStatus.PENDING
        }
        for a in after.amendments:
            if a.amendment_id in was_pending and a.status in DECIDED and a.decided_at:
                seconds = (a.decided_at - a.proposed_at).total_seconds()
                self.decision_time.labels(a.status.value).observe(seconds)
