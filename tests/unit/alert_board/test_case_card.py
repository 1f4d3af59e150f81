"""The case on the alert page and the list: people's text escaped, controls only where allowed."""

from __future__ import annotations

import datetime as dt

from contracts.actions import AlertActionData, AlertActionTaken
from services.alert_board.case_card import render_case
from services.alert_board.pages import Assets, render_list, render_row
from services.domain.case import NO_CASE, fold_actions

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
T0 = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)


def act(n: int, action: str, **data: str) -> AlertActionTaken:
    data.setdefault("operator", "aigerim")
    return AlertActionTaken(
        id=f"act-{n}",
        source="alert_board",
        jurisdiction="KZ",
        time=T0,
        published=T0,
        data=AlertActionData(alert_id="KZ-KYIJLDDXQWBNGX", action=action, **data),
    )


HOSTILE_CASE = fold_actions(
    [
        act(1, "acknowledged", operator=HOSTILE[:128]),
        act(2, "assigned", assignee=HOSTILE[:128]),
        act(3, "noted", text=HOSTILE),
        act(4, "closed_not_relevant", text=HOSTILE),
    ]
)


def test_operator_text_is_escaped_on_the_alert_page():
    card = render_case(HOSTILE_CASE, "KZ", read_only=None)

    assert "<script>" not in card and "<img" not in card
    assert card.count(ESCAPED) >= 3


def test_operator_text_is_escaped_in_the_list(make_alert):
    alert = make_alert()
    row = render_row(alert, case=HOSTILE_CASE)
    page = render_list(
        [alert],
        last_id="0",
        ready=True,
        assets=Assets(css="", js=""),
        cases={alert.data.alert_id: HOSTILE_CASE},
    )

    for html in (row, page):
        assert "<script>alert" not in html and "<img" not in html
        assert "assigned to &lt;script&gt;" in html
        assert "closed: not relevant" in html


def test_the_case_shows_where_it_stands_and_every_action_newest_first():
    case = fold_actions(
        [
            act(1, "acknowledged"),
            act(2, "assigned", assignee="daniyar"),
            act(3, "noted", operator="daniyar", text="Asked the lab for the spectrum"),
        ]
    )

    card = render_case(case, "KZ", read_only=None)

    assert "acknowledged by aigerim" in card and "assigned to daniyar" in card
    entries = card.split('class="case-entry"')[1:]
    assert [e.split("<strong>")[1].split("</strong>")[0] for e in entries] == [
        "daniyar noted",
        "aigerim assigned to daniyar",
        "aigerim acknowledged",
    ]
    assert "Asked the lab for the spectrum" in card


def test_a_read_only_board_says_why_and_offers_no_controls():
    card = render_case(NO_CASE, "KZ", read_only="This board is read-only: <no operators>")

    assert "Nobody has acted on this alert yet." in card
    assert "This board is read-only: &lt;no operators&gt;" in card
    assert "data-act=" not in card


def test_reopen_is_offered_only_on_a_closed_case():
    closed = fold_actions([act(1, "closed_not_relevant", text="Duplicate")])

    assert 'data-act="reopened"' in render_case(closed, "KZ", read_only=None)
    assert 'data-act="reopened"' not in render_case(NO_CASE, "KZ", read_only=None)
    assert 'data-act="acknowledged"' in render_case(NO_CASE, "KZ", read_only=None)
