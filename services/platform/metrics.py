"""Metrics every stream service exposes, named ``<service>_<thing>_<unit>``.

Label values are bounded: event types and error classes come from closed lists in
``contracts``; never a SMILES, InChIKey or case id. Each service's ``metrics.py`` builds one
:class:`ServiceMetrics` and adds what only it measures.
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    start_http_server,
)

from contracts.errors import ErrorClass

# A counter's creation time, exported as a second series per counter (``..._created``), is
# noise on every panel and query; nothing here reads it.
disable_created_metrics()

# Processing one message ranges from tens of microseconds (a duplicate) to a second (a bounded
# chemistry time-out), so the buckets span both.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


class ServiceMetrics:
    def __init__(self, service: str, registry: CollectorRegistry | None = None):
        self.service = service
        self.registry = registry or CollectorRegistry()
        p = service
        self.consumed = Counter(
            f"{p}_events_consumed_total",
            "Events consumed, by event type",
            ["type"],
            registry=self.registry,
        )
        self.rejected = Counter(
            f"{p}_dead_letters_total",
            "Messages dead-lettered, by error class: invalid input, and internal_error (our bug) "
            "and state_limit too",
            ["error_class"],
            registry=self.registry,
        )
        # Every class exists from the start at 0, so a dead-letter rate is 0, not "no data",
        # until the first failure (and the first one shows as an increase).
        for error_class in ErrorClass:
            self.rejected.labels(error_class.value)
        self.emitted = Counter(
            f"{p}_events_emitted_total",
            "Events produced, by event type",
            ["type"],
            registry=self.registry,
        )
        self.duplicates = Counter(
            f"{p}_duplicate_events_total",
            "Events seen before (same event id), ignored",
            registry=self.registry,
        )
        self.processing = Histogram(
            f"{p}_processing_seconds",
            "Time to process one message, by handler",
            ["handler"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.late_inputs = Counter(
            f"{p}_late_inputs_total",
            "Inputs that came after a later one was already handled (later than the allowed "
            "lateness): handled at once, out of event-time order, by stage",
            ["stage"],
            registry=self.registry,
        )
        self.held_inputs = Gauge(
            f"{p}_held_inputs",
            "Inputs held until their turn in event-time order, by stage",
            ["stage"],
            registry=self.registry,
        )
        self.stalled_partitions = Gauge(
            f"{p}_stalled_partitions",
            "Input partitions with messages waiting that this worker stopped reading (it then "
            "exits to be restarted: services/platform/watchdog.py)",
            registry=self.registry,
        )
        self.read_again = Counter(
            f"{p}_partitions_read_again_total",
            "Input partitions read again from a message that was neither held, handled nor "
            "acknowledged while later ones were (services/platform/stream.py, _Consumer)",
            registry=self.registry,
        )
        self.consumer_lag = Gauge(
            f"{p}_consumer_lag_messages",
            "Messages not yet consumed (end offset minus last read), by topic",
            ["topic"],
            registry=self.registry,
        )
        self.last_event = Gauge(
            f"{p}_last_event_timestamp_seconds",
            "Wall-clock time of the last consumed event (for 'no events for a while')",
            registry=self.registry,
        )

    def serve(self, port: int, host: str = "127.0.0.1") -> None:
        """Serve ``/metrics`` on ``host``:``port`` (port 0: don't serve)."""
        if port:
            start_http_server(port, addr=host, registry=self.registry)
