"""Partner notifier metrics: notifications sent by kind, alert versions not notified by kind."""

from prometheus_client import Counter

from contracts.alerts import AlertKind
from contracts.notifications import NotificationKind
from services.platform.metrics import ServiceMetrics


class NotifierMetrics(ServiceMetrics):
    def __init__(self) -> None:
        super().__init__("partner_notifier")
        self.notifications = Counter(
            "partner_notifier_notifications_total",
            "Notifications sent to partner agencies, by kind (raised, resolved); a redelivered "
            "alert's copy counts again",
            ["kind"],
            registry=self.registry,
        )
        for kind in NotificationKind:
            self.notifications.labels(kind.value)
        self.not_notified = Counter(
            "partner_notifier_alerts_not_notified_total",
            "Alert versions partners are not told of, by alert kind (updated, suppressed, ...) "
            "or another jurisdiction's",
            ["kind"],
            registry=self.registry,
        )
        for alert in AlertKind:
            self.not_notified.labels(alert.value)
