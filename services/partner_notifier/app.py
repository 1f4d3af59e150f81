"""Partner notifier: alert versions in, notifications to partner agencies out.

Reads ``aw.alerts`` (key: alert id) in one agent and, for each raised or resolved version, sends
the notification ``handlers.handle_alert`` returns to ``aw.partner-notifications`` (key: alert id),
waiting until the broker has it before the alert is acknowledged (at-least-once, as every
service: a crash between the two sends the same notification again, with the same id). No state
table: an alert version alone says what partners are told.
"""

from __future__ import annotations

from faust.types import Message

from contracts.alerts import ALERT_EVENTS, alert_kind
from contracts.envelope import Envelope
from contracts.errors import ContractError
from contracts.notifications import PartnerNotified
from contracts.topics import ALERTS
from services.partner_notifier import handlers
from services.partner_notifier.config import NotifierSettings
from services.partner_notifier.metrics import NotifierMetrics
from services.platform.stream import StreamService

NAME = "partner_notifier"


def build(settings: NotifierSettings) -> StreamService:
    metrics = NotifierMetrics()
    service = StreamService(NAME, settings, metrics)
    deps = handlers.NotifierDeps(source=NAME, jurisdictions=settings.jurisdictions())

    async def on_alert(event: Envelope, message: Message) -> None:
        route = handlers.ROUTES[type(event)]
        outcome = route.handle(event, None, deps)  # a few model copies: no thread needed
        await service.send_all(outcome.emits)
        for emitted in outcome.emits:
            if isinstance(emitted.event, PartnerNotified):
                metrics.notifications.labels(emitted.event.data.kind.value).inc()
        if not outcome.emits and not outcome.rejections and isinstance(event, ALERT_EVENTS):
            metrics.not_notified.labels(alert_kind(event).value).inc()
        for part, rejection in enumerate(outcome.rejections):
            error = ContractError(rejection.error_class, rejection.reason, rejection.field)
            await service.dead_letter(message, error, part=part)

    service.consume("alerts", [ALERTS], on_alert)
    return service


service = build(NotifierSettings.from_env())
app = service.app  # for `faust -A services.partner_notifier.app worker`


def main() -> None:
    service.main()
