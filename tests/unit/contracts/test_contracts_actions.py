"""An action on an alert says who did what; each action asks for what it needs, in words."""

from __future__ import annotations

import json

import pytest

from contracts.codec import decode, encode
from contracts.errors import ContractError


def _action(doc_of, **data):
    doc = doc_of("aw.alert-action.v1")
    doc["data"].update(data)
    for name, value in list(doc["data"].items()):
        if value is None:
            del doc["data"][name]
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            {"action": "assigned", "text": None},
            "data: assignee is required on assigned: who the alert is given to",
        ),
        (
            {"action": "acknowledged", "assignee": "daniyar"},
            "data: assignee is only for assigned, not acknowledged",
        ),
        ({"action": "noted", "text": None}, "data: text is required on noted: the note"),
        (
            {"action": "closed_not_relevant", "text": "  "},
            "data.text: must not be empty",
        ),
        (
            {"action": "closed_not_relevant", "text": None},
            "data: text is required on closed_not_relevant: say why the alert is not relevant",
        ),
        ({"action": "deleted"}, "data.action: 'deleted' is not one of acknowledged, assigned"),
        ({"operator": None}, "data.operator: is required"),
    ],
)
def test_an_action_without_what_it_needs_is_rejected_saying_what(doc_of, now, data, reason):
    with pytest.raises(ContractError) as caught:
        decode(_action(doc_of, **data), now=now)

    assert caught.value.reason.startswith(reason)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "acknowledged", "text": None},
        {"action": "under_review", "text": None},
        {"action": "reopened", "text": "New seizure in Shymkent"},
        {"action": "assigned", "assignee": "daniyar", "text": None},
        {"action": "noted", "text": "Asked the lab for the reference spectrum"},
    ],
)
def test_each_action_with_what_it_needs_round_trips(doc_of, now, data):
    event = decode(_action(doc_of, **data), now=now)

    assert decode(encode(event), now=now) == event
    assert event.data.action.value == data["action"]
