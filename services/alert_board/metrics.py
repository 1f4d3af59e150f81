"""Every metric the alert board exposes on ``/metrics``, named ``alert_board_<thing>[_unit]``.

Labels come from closed lists: event types and error classes from ``contracts``, alert statuses,
page names. Never an alert id or a substance (unbounded cardinality).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

disable_created_metrics()  # no ``..._created`` series beside each counter (as the services)

RENDER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class BoardMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.consumed = Counter(
            "alert_board_events_consumed_total",
            "Events read from the topics, by event type",
            ["type"],
            registry=r,
        )
        self.invalid = Counter(
            "alert_board_invalid_messages_total",
            "Messages skipped because they are not valid events, by error class",
            ["error_class"],
            registry=r,
        )
        self.alerts = Gauge(
            "alert_board_alerts",
            "Alerts on the board (latest version), by status",
            ["status"],
            registry=r,
        )
        self.schedules = Gauge(
            "alert_board_schedules",
            "Jurisdictions whose schedule snapshot the board holds",
            registry=r,
        )
        self.caught_up = Gauge(
            "alert_board_caught_up",
            "1 once the board has read its topics to the end offsets seen at start",
            registry=r,
        )
        self.last_event = Gauge(
            "alert_board_last_event_timestamp_seconds",
            "Wall-clock time of the last event read",
            registry=r,
        )
        self.live_clients = Gauge(
            "alert_board_live_clients",
            "Pages connected for live updates (Server-Sent Events)",
            registry=r,
        )
        self.pushed = Counter(
            "alert_board_updates_pushed_total",
            "Alert changes pushed to connected pages",
            registry=r,
        )
        self.dropped_clients = Counter(
            "alert_board_slow_clients_dropped_total",
            "Live connections closed because the page did not keep up (it reconnects)",
            registry=r,
        )
        self.requests = Counter(
            "alert_board_http_requests_total",
            "HTTP requests, by page and status code",
            ["page", "code"],
            registry=r,
        )
        self.forwarded = Counter(
            "alert_board_alertmanager_posts_total",
            "Posts of the open alerts to Alertmanager, by outcome (ok, failed)",
            ["outcome"],
            registry=r,
        )
        for outcome in ("ok", "failed"):
            self.forwarded.labels(outcome)
        self.render = Histogram(
            "alert_board_render_seconds",
            "Time to render a page, by page",
            ["page"],
            buckets=RENDER_BUCKETS,
            registry=r,
        )
