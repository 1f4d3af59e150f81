"""Who may act at the board, and what a request becomes: decided before anything is written."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from contracts.actions import AlertActionTaken
from services.alert_board.acting import (
    CHALLENGE,
    Refusal,
    action_event,
    refuse_operator,
    refuse_request,
)
from services.alert_board.view import AlertBoardView

OWN = "http://127.0.0.1:8088"
NOW = dt.datetime(2026, 3, 20, 9, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"X-Analogue-Watch": "act"}, None),
        ({"X-Analogue-Watch": "act", "Origin": OWN}, None),
        ({}, 403),  # a form on another site cannot set the header
        ({"X-Analogue-Watch": "yes"}, 403),
        ({"X-Analogue-Watch": "act", "Origin": "https://evil.example"}, 403),
        ({"X-Analogue-Watch": "act", "Origin": "null"}, 403),
    ],
)
def test_only_the_boards_own_page_may_ask_to_act(headers, status):
    refusal = refuse_request(headers, OWN)

    assert (refusal.status if refusal else None) == status


def test_a_board_without_operators_is_read_only_and_says_how_to_add_one():
    refusal = refuse_operator(None, None)

    assert refusal is not None and refusal.status == 403
    assert "read-only" in refusal.message and "operators add" in refusal.message
    assert refusal.headers == {}


def test_an_unauthenticated_request_is_challenged_to_sign_in():
    refusal = refuse_operator({"aigerim": "scrypt$..."}, None)

    assert refusal is not None and refusal.status == 401
    assert refusal.headers == {"WWW-Authenticate": CHALLENGE}
    assert CHALLENGE.startswith('Basic realm="Analogue Watch"')
    assert refuse_operator({"aigerim": "scrypt$..."}, "aigerim") is None


def make(alert, body: dict | bytes, operator: str = "aigerim"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return action_event(alert, raw, operator=operator, now=NOW, event_id="act-1")


def test_the_operator_is_the_authenticated_one_never_the_bodys(make_alert):
    alert = make_alert()

    refused = make(alert, {"action": "acknowledged", "operator": "mallory"})
    event = make(alert, {"action": "assigned", "assignee": " daniyar "})

    assert isinstance(refused, Refusal) and refused.status == 400
    assert "operator" in refused.message
    assert isinstance(event, AlertActionTaken)
    assert (event.data.operator, event.data.assignee) == ("aigerim", "daniyar")
    assert (event.data.alert_id, event.jurisdiction, event.source) == (
        alert.data.alert_id,
        "KZ",
        "alert_board",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"action": "assigned", "assignee": "  "}, "assignee is required on assigned"),
        ({"action": "closed_not_relevant", "text": ""}, "text is required on closed_not_relevant"),
        ({"action": "noted"}, "text is required on noted"),
        ({"action": "deleted"}, "action: Input should be"),
        (b"not json", "Invalid JSON"),
    ],
)
def test_a_request_that_makes_no_valid_action_is_refused_saying_why(make_alert, body, message):
    refused = make(make_alert(), body)

    assert isinstance(refused, Refusal) and refused.status == 400
    assert message in refused.message


def test_an_action_folds_into_the_case_and_leaves_the_alert_alone(make_alert):
    view = AlertBoardView()
    alert = make_alert()
    view.apply_alert(alert)
    event = make(alert, {"action": "noted", "text": "Asked the lab"})
    assert isinstance(event, AlertActionTaken)

    assert view.apply_action(event)
    assert not view.apply_action(event)  # read back from the topic: already in the case

    assert view.get(alert.data.alert_id) is alert
    assert [v.version for v in view.history(alert.data.alert_id)] == [1]
    assert [e.text for e in view.case(alert.data.alert_id).notes] == ["Asked the lab"]
