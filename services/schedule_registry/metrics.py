"""Schedule registry metrics."""

from prometheus_client import Gauge

from services.platform.metrics import ServiceMetrics


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
            "Age of the oldest pending amendment at the jurisdiction's latest legislation event",
            ["jurisdiction"],
            registry=self.registry,
        )
