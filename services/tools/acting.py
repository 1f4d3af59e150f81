"""``analogue-watch alerts act ALERT_ID``: act on an alert from the command line.

The action goes on ``aw.alert-actions`` as the board's do (``contracts.actions``), keyed by the
alert id, written by the operator the broker authenticated: the SASL user
(``AW_KAFKA_SASL_USERNAME``) when security is on. On a broker without authentication (a
development one) nobody is authenticated, and the operator is written as ``local:<OS user>``
so that it cannot pass for a board operator. The alert must be on the alert topic (its
jurisdiction goes on the action).

>>> asked = argparse.Namespace(acknowledge=False, assign="daniyar", note=None,
...     under_review=False, close_not_relevant=None, reopen=False, comment=None)
>>> data = action_data("KZ-1", asked, "aigerim")
>>> data.action.value, data.operator, data.assignee
('assigned', 'aigerim', 'daniyar')
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
import uuid
from typing import cast

from kafka import KafkaProducer
from pydantic import ValidationError

from contracts.actions import ActionKind, AlertActionData, AlertActionTaken
from contracts.alerts import AlertEvent
from contracts.codec import encode
from contracts.topics import ALERT_ACTIONS, ALERTS
from services.platform.logs import configure_logging
from services.platform.reach import require_broker
from services.platform.security import kafka_python_args
from services.platform.settings import ServiceSettings
from services.platform.topics import topic_name
from services.tools import reading

SOURCE = "analogue-watch-cli"


def register(actions: argparse._SubParsersAction) -> None:
    """``act`` under ``alerts``."""
    act = actions.add_parser(
        "act",
        help="acknowledge, assign, note, review or close an alert (an event on aw.alert-actions)",
        description="Written as the Kafka user the broker authenticated (AW_KAFKA_SASL_USERNAME);"
        " without broker security, as local:<OS user>.",
    )
    act.add_argument("alert_id", metavar="ALERT_ID")
    what = act.add_mutually_exclusive_group(required=True)
    what.add_argument("--acknowledge", action="store_true", help="seen, and someone is on it")
    what.add_argument("--assign", metavar="NAME", help="give the alert to NAME")
    what.add_argument("--note", metavar="TEXT", help="add a note to the case")
    what.add_argument("--under-review", action="store_true", help="mark it under review")
    what.add_argument("--close-not-relevant", metavar="REASON", help="close it, saying why")
    what.add_argument("--reopen", action="store_true", help="open the case again")
    act.add_argument("--comment", metavar="TEXT", help="a comment with the action")
    act.add_argument(
        "--timeout", type=float, default=60.0, metavar="S", help="reading the alert topic (60)"
    )
    act.set_defaults(func=act_on_alert)


def action_data(alert_id: str, args: argparse.Namespace, operator: str) -> AlertActionData:
    """The action the arguments ask for (the contract checks what each action needs)."""
    if args.assign is not None:
        kind, text, assignee = ActionKind.ASSIGNED, args.comment, args.assign
    elif args.note is not None:
        kind, text, assignee = ActionKind.NOTED, args.note, None
    elif args.close_not_relevant is not None:
        kind, text, assignee = ActionKind.CLOSED_NOT_RELEVANT, args.close_not_relevant, None
    else:
        kind = (
            ActionKind.ACKNOWLEDGED
            if args.acknowledge
            else ActionKind.UNDER_REVIEW
            if args.under_review
            else ActionKind.REOPENED
        )
        text, assignee = args.comment, None
    return AlertActionData(
        alert_id=alert_id, action=kind, operator=operator, assignee=assignee, text=text
    )


def operator(settings: ServiceSettings) -> str:
    """Who the broker authenticated, or ``local:<OS user>`` on a broker without security."""
    if settings.uses_sasl and settings.kafka_sasl_username:
        return settings.kafka_sasl_username
    return f"local:{getpass.getuser()}"


def act_on_alert(args: argparse.Namespace) -> int:
    settings = ServiceSettings.from_env()
    configure_logging(settings.log_level)
    require_broker(settings, "alerts act")
    alerts = reading.read_to_end(
        settings, ALERTS, args.timeout, what="alert", client_id="analogue-watch-act"
    )
    known = {e.data.alert_id: e for e in cast(list[AlertEvent], alerts)}
    alert = known.get(args.alert_id)
    if alert is None:
        print(f"no alert {args.alert_id} on the alert topic", file=sys.stderr)
        return 1
    try:
        data = action_data(args.alert_id, args, operator(settings))
    except ValidationError as error:
        print(f"not an action: {error.errors()[0]['msg']}", file=sys.stderr)
        return 2
    now = dt.datetime.now(dt.UTC)
    event = AlertActionTaken(
        id=f"act-{uuid.uuid4()}",
        source=SOURCE,
        jurisdiction=alert.jurisdiction,
        time=now,
        published=now,
        data=data,
    )
    producer = KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        **kafka_python_args(settings),
    )
    try:
        producer.send(
            topic_name(ALERT_ACTIONS, settings.topic_namespace),
            key=ALERT_ACTIONS.key_of(event).encode(),
            value=encode(event),
        ).get(timeout=30)
    finally:
        producer.close()
    print(f"{data.operator} {data.action.value} {args.alert_id} ({event.id})")
    return 0
