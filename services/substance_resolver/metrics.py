"""Substance resolver metrics."""

from prometheus_client import Counter

from services.platform.metrics import ServiceMetrics


class ResolverMetrics(ServiceMetrics):
    def __init__(self) -> None:
        super().__init__("substance_resolver")
        self.structures = Counter(
            "substance_resolver_structures_total",
            "Identified structures, by outcome (standardised or rejected)",
            ["outcome"],
            registry=self.registry,
        )
        for outcome in ("standardised", "rejected"):
            self.structures.labels(outcome)
