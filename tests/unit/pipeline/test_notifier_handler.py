"""The partner notifier's handler: a raised or resolved alert version in, one notification out,
keyed by the alert id; nothing for the other kinds; a notification the contract refuses is a
rejection (dead-lettered by the runner), never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from contracts.alerts import AlertRaised
from contracts.codec import decode, encode
from contracts.topics import ALERTS, PARTNER_NOTIFICATIONS
from services.partner_notifier.config import NotifierSettings
from services.partner_notifier.handlers import ROUTES, NotifierDeps, handle_alert

GOLDEN = Path(__file__).parents[1] / "domain" / "golden" / "notifications"


def _alert(case: str):
    return decode((GOLDEN / f"{case}.alert.json").read_bytes())


def test_a_raised_alert_sends_one_notification_keyed_by_the_alert_id() -> None:
    alert = _alert("raised_alpha_php")

    outcome = handle_alert(alert, None, NotifierDeps())

    assert outcome.state is None and outcome.rejections == ()
    (sent,) = outcome.emits
    assert sent.topic is PARTNER_NOTIFICATIONS
    assert sent.key == alert.data.alert_id == "KZ-KYIJLDDXQWBNGX-UHFFFAOYSA-N"
    assert sent.event.id == "KZ-KYIJLDDXQWBNGX-UHFFFAOYSA-N/v1/partner"
    expected = json.loads((GOLDEN / "raised_alpha_php.notification.json").read_text("utf-8"))
    assert json.loads(encode(sent.event)) == expected


def test_a_redelivery_sends_the_same_notification() -> None:
    alert = _alert("resolved_listed_alpha_php")
    first = handle_alert(alert, None, NotifierDeps()).emits
    again = handle_alert(_alert("resolved_listed_alpha_php"), None, NotifierDeps()).emits

    assert [(e.key, encode(e.event)) for e in first] == [(e.key, encode(e.event)) for e in again]


def test_the_source_is_the_services_name() -> None:
    deps = NotifierDeps(source="kz.analogue-watch")
    (sent,) = handle_alert(_alert("resolved_group_neh"), None, deps).emits
    assert sent.event.source == "kz.analogue-watch"
    assert sent.event.data.kind.value == "resolved"


def test_an_updated_version_sends_nothing() -> None:
    raised = _alert("raised_alpha_php")
    doc = json.loads(encode(raised))
    doc["type"] = "aw.alert.updated.v1"
    updated = decode(json.dumps(doc).encode())

    assert handle_alert(updated, None, NotifierDeps()).emits == ()


def test_only_the_jurisdictions_configured_are_notified() -> None:
    alert = _alert("raised_alpha_php")

    assert handle_alert(alert, None, NotifierDeps(jurisdictions=frozenset({"UZ"}))).emits == ()
    assert len(handle_alert(alert, None, NotifierDeps(jurisdictions=frozenset({"KZ"}))).emits) == 1


def test_a_notification_the_contract_refuses_is_rejected_not_raised() -> None:
    """An alert built without validation (as a contract mismatch would give) with an empty
    reason: the notification's contract refuses it, and the handler says so."""
    alert = _alert("raised_alpha_php")
    broken = AlertRaised.model_construct(
        **{**dict(alert), "data": alert.data.model_copy(update={"reason": "  "})}
    )

    outcome = handle_alert(broken, None, NotifierDeps())

    assert outcome.emits == ()
    (rejection,) = outcome.rejections
    assert rejection.error_class == "internal_error"
    assert "NotificationBody.reason: String should have at least 1 character" in rejection.reason


def test_every_alert_type_is_routed_from_the_alert_topic_without_state() -> None:
    assert {route.topic for route in ROUTES.values()} == {ALERTS}
    assert {route.table for route in ROUTES.values()} == {None}
    assert {model.model_fields["type"].default for model in ROUTES} == ALERTS.types


def test_the_jurisdictions_notified_are_country_codes() -> None:
    settings = NotifierSettings.from_env({"AW_NOTIFY_JURISDICTIONS": " KZ,,UZ "})
    assert settings.jurisdictions() == frozenset({"KZ", "UZ"})
    assert NotifierSettings.from_env({}).jurisdictions() == frozenset()
    with pytest.raises(ValidationError, match="not ISO 3166-1 alpha-2 codes: Kazakhstan"):
        NotifierSettings.from_env({"AW_NOTIFY_JURISDICTIONS": "Kazakhstan"})
