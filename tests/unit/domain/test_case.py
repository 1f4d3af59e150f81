"""An alert's case, folded from its actions: a story of actions, then where the case stands."""

from __future__ import annotations

import datetime as dt

from contracts.actions import ActionKind, AlertActionData, AlertActionTaken
from services.domain.case import NO_CASE, apply_action, describe, fold_actions, tags

T0 = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)


def act(n: int, action: str, operator: str = "aigerim", **data: str) -> AlertActionTaken:
    at = T0 + dt.timedelta(minutes=n)
    return AlertActionTaken(
        id=f"act-{n}",
        source="alert_board",
        jurisdiction="KZ",
        time=at,
        published=at,
        data=AlertActionData(alert_id="KZ-1", action=action, operator=operator, **data),
    )


def test_no_actions_is_no_case():
    assert fold_actions([]) == NO_CASE
    assert NO_CASE.empty and tags(NO_CASE) == []


def test_a_case_worked_through_to_closing():
    case = fold_actions(
        [
            act(1, "acknowledged"),
            act(2, "assigned", assignee="daniyar"),
            act(3, "noted", operator="daniyar", text="Asked the lab for the spectrum"),
            act(4, "under_review", operator="daniyar"),
            act(5, "closed_not_relevant", operator="daniyar", text="A reference standard"),
        ]
    )

    assert tags(case) == [
        "acknowledged by aigerim",
        "assigned to daniyar",
        "closed: not relevant",
    ]
    assert case.closed is not None and case.closed.text == "A reference standard"
    assert [n.text for n in case.notes] == ["Asked the lab for the spectrum"]
    assert [e.action for e in case.history] == list(ActionKind)[:5]


def test_reopening_clears_the_closing_and_keeps_the_history():
    case = fold_actions(
        [act(1, "closed_not_relevant", text="Duplicate"), act(2, "reopened", operator="bolat")]
    )

    assert case.closed is None and tags(case) == []
    assert [describe(e) for e in case.history] == [
        "aigerim closed as not relevant",
        "bolat reopened",
    ]


def test_the_first_acknowledgement_stands_and_the_latest_assignment_wins():
    case = fold_actions(
        [
            act(1, "acknowledged"),
            act(2, "acknowledged", operator="bolat"),
            act(3, "assigned", assignee="daniyar"),
            act(4, "assigned", assignee="saule"),
        ]
    )

    assert (case.acknowledged_by, case.assignee) == ("aigerim", "saule")
    assert describe(case.history[-1]) == "aigerim assigned to saule"


def test_a_redelivered_action_changes_nothing():
    once = fold_actions([act(1, "noted", text="x"), act(2, "under_review")])

    assert apply_action(once, act(1, "noted", text="x")) is once
    assert apply_action(once, act(2, "under_review")) is once


def test_under_review_takes_a_closed_case_up_again():
    case = fold_actions([act(1, "closed_not_relevant", text="Duplicate"), act(2, "under_review")])

    assert tags(case) == ["under review"]
