"""The alert lifecycle table: every (alert status, standing) pair, escalation, and standing."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.alerts import AlertKind, PendingAmendmentRef
from services.domain.lifecycle import (
    AlertRule,
    AlertTrack,
    Assessment,
    Standing,
    escalations,
    published,
    standing,
    transition,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
RULE = AlertRule()


def alert(status: str, **fields) -> AlertTrack:
    return AlertTrack(version=1, status=status, time=T0, next_level=6, **fields)


S = Standing
P = AlertKind
TABLE = [
    (None, S.ALERTING, P.RAISED),
    (None, S.QUIET, None),
    (None, S.COVERED, None),
    (None, S.CONTROLLED, None),
    (None, S.UNRELATED, None),
    ("open", S.ALERTING, None),
    ("open", S.QUIET, None),
    ("open", S.COVERED, P.SUPPRESSED),
    ("open", S.CONTROLLED, P.RESOLVED),
    ("open", S.UNRELATED, None),
    ("suppressed", S.ALERTING, P.REOPENED),
    ("suppressed", S.QUIET, P.REOPENED),
    ("suppressed", S.COVERED, None),
    ("suppressed", S.CONTROLLED, P.RESOLVED),
    ("suppressed", S.UNRELATED, None),
    ("resolved", S.ALERTING, P.REOPENED),
    ("resolved", S.QUIET, P.REOPENED),
    ("resolved", S.COVERED, P.SUPPRESSED),
    ("resolved", S.CONTROLLED, None),
    ("resolved", S.UNRELATED, None),
]


@pytest.mark.parametrize(("status", "now", "expected"), TABLE)
def test_transition_without_escalation(status, now, expected):
    track = None if status is None else alert(status)
    assert transition(track, now, escalations=()) == expected


@pytest.mark.parametrize(
    ("status", "now", "expected"),
    [
        ("open", S.ALERTING, P.UPDATED),
        ("open", S.QUIET, P.UPDATED),
        ("suppressed", S.COVERED, P.UPDATED),
        ("resolved", S.CONTROLLED, None),  # a controlled substance's spread is no news
        ("open", S.COVERED, P.SUPPRESSED),  # a change of status wins over an update
    ],
)
def test_escalation_makes_an_update_only_when_the_status_stays(status, now, expected):
    assert transition(alert(status), now, escalations=("new region: Astana",)) == expected


def test_escalation_levels_double_from_the_threshold():
    assert [RULE.level_above(n) for n in (0, 2, 3, 5, 6, 11, 12)] == [3, 3, 6, 6, 12, 12, 24]


def test_escalations_name_what_is_new_since_the_last_version():
    track = alert("open", regions=("Almaty",), channels=("post",), foreign=("RU",))
    same = escalations(track, count=5, regions=("Almaty",), channels=("post",), foreign=("RU",))
    assert same == ()
    new = escalations(
        track,
        count=6,
        regions=("Almaty", "Aqtobe"),
        channels=("dead_drop", "post"),
        foreign=("RU", "UZ"),
    )
    assert new == (
        "6 occurrences in the window (next level reached)",
        "new region: Aqtobe",
        "new channel: dead drop",  # in words, not the contract value dead_drop
        "also seen in UZ",
    )


def test_no_escalation_before_an_alert_exists():
    assert escalations(None, count=50, regions=("Almaty",), channels=(), foreign=("RU",)) == ()


def test_publishing_counts_versions_and_moves_the_next_level_up_only():
    raised = published(
        None, P.RAISED, at=T0, count=7, regions=(), channels=(), foreign=(), rule=RULE
    )
    assert (raised.version, raised.status, raised.next_level) == (1, "open", 12)
    later = T0 + dt.timedelta(days=3)
    suppressed = published(
        raised, P.SUPPRESSED, at=later, count=4, regions=(), channels=(), foreign=(), rule=RULE
    )
    assert (suppressed.version, suppressed.status, suppressed.next_level) == (2, "suppressed", 12)
    updated = published(
        suppressed, P.UPDATED, at=T0, count=12, regions=(), channels=(), foreign=(), rule=RULE
    )
    assert (updated.version, updated.status, updated.next_level) == (3, "suppressed", 24)
    assert updated.time == later  # an alert's versions never go back in time


def ref(amendment_id: str) -> PendingAmendmentRef:
    return PendingAmendmentRef(
        amendment_id=amendment_id, stage="drafted", since=T0, covers_by="name"
    )


@pytest.mark.parametrize(
    ("status", "pending", "stalled", "count", "expected"),
    [
        ("listed", (), (), 9, S.CONTROLLED),
        ("group", ("KZ-1",), (), 9, S.CONTROLLED),
        ("unrelated", (), (), 9, S.UNRELATED),
        ("analogue", ("KZ-1",), (), 9, S.COVERED),
        ("analogue", ("KZ-1",), ("KZ-1",), 3, S.ALERTING),  # stalled: no longer a cover
        ("analogue", ("KZ-1", "KZ-2"), ("KZ-1",), 3, S.COVERED),
        ("analogue", (), (), 3, S.ALERTING),
        ("analogue", (), (), 2, S.QUIET),
    ],
)
def test_standing(status, pending, stalled, count, expected):
    assessment = Assessment(
        signature="s", status=status, pending=tuple(map(ref, pending)), stalled=stalled
    )
    assert standing(assessment, count, RULE) == expected


def test_no_assessment_means_nothing_to_alert_on():
    assert standing(None, 100, RULE) == S.UNRELATED
