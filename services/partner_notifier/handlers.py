"""Partner notifier: alert versions in, notifications to partner agencies out.

:func:`handle_alert` takes every alert version on ``aw.alerts`` and, for a raised or resolved one
(``services.domain.notifications.notification_for``), sends one ``aw.partner.notified.v1`` to
``aw.partner-notifications``, keyed by the alert id. It keeps no state: the notification's id and
times follow from the alert version, so a redelivered alert sends the same notification again
(same id: partners drop the copy), and nothing is lost between a state and its sends.

A notification the contract refuses (the alert and the notification contracts disagree: our
fault, not the alert's) is not sent; the alert is dead-lettered as ``internal_error`` with the
first field refused.

>>> sorted(model.__name__ for model in ROUTES)[:2]
['AlertCorrected', 'AlertRaised']
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from contracts.alerts import ALERT_EVENTS, AlertEvent
from contracts.topics import ALERTS, PARTNER_NOTIFICATIONS
from services.domain.effects import Outcome, Rejection, Route, Routes, emit
from services.domain.notifications import notification_for


@dataclass(frozen=True)
class NotifierDeps:
    source: str = "partner_notifier"
    jurisdictions: frozenset[str] = frozenset()
    """The jurisdictions whose alerts are told to partners (empty: every one)."""


def handle_alert(event: AlertEvent, state: None, deps: NotifierDeps) -> Outcome[None]:
    """The notification of ``event`` for partner agencies, if its kind is one they are told of.

    >>> from contracts.alerts import AlertSuppressed
    >>> handle_alert(AlertSuppressed.model_construct(jurisdiction="KZ"), None, NotifierDeps())
    Outcome(state=None, emits=(), rejections=(), duplicate=False, late=False)
    """
    if deps.jurisdictions and event.jurisdiction not in deps.jurisdictions:
        return Outcome(None)
    try:
        notification = notification_for(event, source=deps.source)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join([error.title, *(str(part) for part in first["loc"])])
        return Outcome(
            None,
            rejections=(
                Rejection(
                    "internal_error",
                    f"the alert version cannot be told to partners: {where}: {first['msg']}",
                ),
            ),
        )
    if notification is None:
        return Outcome(None)
    return Outcome(None, emits=(emit(PARTNER_NOTIFICATIONS, notification),))


ROUTES: Routes = {model: Route(handle_alert, ALERTS, table=None) for model in ALERT_EVENTS}
"""What the notifier takes, by event type: every alert version (keyed by alert id), no state."""
