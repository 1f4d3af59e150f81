"""What the board posts to Alertmanager (services/alert_board/alertmanager.py), no server."""

from __future__ import annotations

import datetime as dt

from services.alert_board.alertmanager import ALERTNAME, payload

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def post(alerts, forwarded=frozenset(), opened_by=lambda alert_id: None):
    return payload(
        alerts,
        forwarded=set(forwarded),
        opened_by=opened_by,
        headlines={},
        board_url="https://board.example/",
        now=NOW,
        interval_s=30,
    )


def test_an_open_alert_fires_a_few_intervals_ahead_with_routing_labels(make_alert) -> None:
    body, firing = post([make_alert("raised", 1)])
    assert firing == {"KZ-KYIJLDDXQWBNGX"}
    [alert] = body
    assert alert["labels"]["alertname"] == ALERTNAME
    assert alert["labels"]["severity"] == "high" and alert["labels"]["opened"] == "raised"
    assert alert["endsAt"] == "2026-03-01T12:02:00+00:00"
    assert alert["generatorURL"] == "https://board.example/alerts/KZ-KYIJLDDXQWBNGX"


def test_an_update_keeps_the_reason_it_was_opened_and_its_start(make_alert) -> None:
    reopened = make_alert("reopened", 3, reason="Its amendment stalled 180 days.")
    updated = make_alert("updated", 4, reason="Escalation: new region: Turkestan.")
    [alert], _ = post([updated], opened_by={updated.data.alert_id: reopened}.get)
    assert alert["labels"]["opened"] == "reopened" and alert["labels"]["severity"] == "high"
    assert alert["annotations"]["description"] == "Its amendment stalled 180 days."
    assert alert["annotations"]["latest_change"] == "Escalation: new region: Turkestan."
    assert alert["startsAt"] == reopened.published.isoformat()


def test_an_alert_forwarded_and_open_no_longer_is_resolved_there_once(make_alert) -> None:
    resolved = make_alert("resolved", 5)
    body, firing = post([resolved], forwarded={"KZ-KYIJLDDXQWBNGX"})
    assert [a["endsAt"] for a in body] == [NOW.isoformat()] and firing == set()
    assert post([resolved], forwarded=firing) == ([], set())  # never sent again
