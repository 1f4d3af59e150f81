"""Stories of uneven lag: the detection path behind the legislation path, and the other way round.

The services judge as of the latest event time they have read on any input, and the two paths
reach the monitor at their own pace: a resolver restarted after kill -9, or behind a burst of bad
messages, delivers sightings after the legislation that followed them has been read and swept.
Each story is told twice: in order, and with the sightings arriving late; the monitor sweeps
after every input, as of the latest event time (as the services do). What the monitor publishes
must not depend on the lag: the same transitions, with the same statuses and alert times.

Updates (escalations) may be numbered differently, and a count may differ: an update cannot be
published before a version already out, so a late sighting's update comes after it, and a
version counts the sightings known when it was published.

The other way round (the registry lagging) holds only as far as nothing was published since the
late fact's time: a change then applies from its own time; otherwise from the last version's, and
a raise judged before a lagging proposal was read stands (the last stories).

alpha-PHP is the unlisted analogue (see test_alert_stories.py); ``found(d)`` a seizure on day
``d``, analysed six hours later.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from pipeline_story import (
    CAFFEINE,
    CATHINONES,
    MIDNIGHT_KZ,
    Alert,
    Story,
    alert_emits,
    bodies,
    day,
    day_of,
    deps,
    summary,
)

from contracts.envelope import Envelope
from contracts.lab import LabResultReported
from contracts.seizure import SeizureReported
from services.domain.effects import Emit
from services.tools.pipeline import Replay

DETECTION_PATH = (SeizureReported, LabResultReported)
CAFFEINE_NAMED = (("caffeine", CAFFEINE),)
"""What an amendment about something else names: a moment of the schedule, nothing more."""


def as_the_services(events: list[Envelope], *, until: float | None = None) -> list[Emit]:
    """Feed ``events`` in this order, sweeping as of the latest event time after each one."""
    replay = Replay(deps())
    for event in events:
        replay.feed(event)
        assert replay.watermark is not None
        replay.sweep(replay.watermark)
    if until is not None:
        replay.sweep(day(until))
    return replay.emitted


def sightings_late(story: Story, days: float) -> list[Envelope]:
    """The story's events as they arrive when the detection path lags ``days`` behind."""
    lag = dt.timedelta(days=days)
    return sorted(
        story.events,
        key=lambda e: e.published + (lag if isinstance(e, DETECTION_PATH) else dt.timedelta()),
    )


class Transition(NamedTuple):
    kind: str
    status: str
    on: float


def transitions(emits: list[Emit]) -> list[Transition]:
    """The alerts other than updates: what happened, the status after, the day it is dated."""
    return [Transition(a.kind, a.status, a.on) for a in summary(emits) if a.kind != "updated"]


def same_whatever_the_lag(story: Story, *, until: float | None = None) -> list[Transition]:
    """The story's transitions, checked to be the same for every lag of the detection path."""
    in_order = transitions(as_the_services(story.events, until=until))
    for days in (1, 5, 12, 40, 400):
        lagged = transitions(as_the_services(sightings_late(story, days), until=until))
        assert lagged == in_order, f"detection path {days} days behind"
    return in_order


# -- behind a proposal: the defect of tests/stress/test_uneven_lag.py, in miniature --------------


def test_sightings_behind_a_proposal_raise_at_their_time_then_suppress_at_the_proposal():
    in_order = Story().baseline(0).found(10).found(20).found(30).propose("KZ-2026-1", 35)
    lagged = Story().baseline(0).found(10).found(20).propose("KZ-2026-1", 35).found(30)
    expected = [
        Alert("raised", "KZ", 1, "open", 3, 30),
        Alert("suppressed", "KZ", 2, "suppressed", 3, 35),
    ]
    assert summary(as_the_services(in_order.events)) == expected
    assert summary(as_the_services(lagged.events)) == expected


def test_the_raise_and_the_suppression_come_from_the_one_late_input_in_that_order():
    lagged = Story().baseline(0).found(10).found(20).propose("KZ-2026-1", 35).found(30)
    replay = Replay(deps())
    for event in lagged.events[:-1]:
        replay.feed(event)
        replay.sweep(replay.watermark)
    assert alert_emits(replay.emitted) == []  # judged on day 35: two sightings, and covered

    replay.feed(lagged.events[-1])  # the lab result of day 30.25
    [raised, suppressed] = [e.event for e in alert_emits(replay.emitted)]
    assert (raised.id, raised.type) == (f"{raised.data.alert_id}/v1", "aw.alert.raised.v1")
    assert (suppressed.id, suppressed.type) == (
        f"{raised.data.alert_id}/v2",
        "aw.alert.suppressed.v1",
    )
    assert raised.time < suppressed.time
    assert raised.data.pending_amendments == []
    assert [p.amendment_id for p in suppressed.data.pending_amendments] == ["KZ-2026-1"]


def test_the_late_input_delivered_again_resends_the_same_versions():
    lagged = Story().baseline(0).found(10).found(20).propose("KZ-2026-1", 35).found(30)
    once = as_the_services(lagged.events)
    twice = as_the_services([*lagged.events, lagged.events[-1]])
    assert [e.event for e in alert_emits(twice)] == [e.event for e in alert_emits(once)] * 2


def test_a_group_rule_proposed_before_late_sightings_suppresses_at_its_proposal():
    story = Story().baseline(0).found(10).found(20).found(30)
    story.propose("KZ-2026-G", 35, names=(), groups=(CATHINONES,))
    assert same_whatever_the_lag(story) == [
        Transition("raised", "open", 30),
        Transition("suppressed", "suppressed", 35),
    ]


# -- behind an enactment --------------------------------------------------------------------------


def test_sightings_before_the_listing_count_as_unlisted_sightings_at_their_time():
    # Listed on day 40, but seen three times before, while it was an unlisted analogue: the
    # alert is raised at the third, suppressed by the proposal and resolved by the listing, as in
    # order. Judging the late sightings "now", against the law that has caught up, would hide
    # that the substance circulated unlisted, and only when the resolver happened to lag.
    story = Story().baseline(0).found(10).found(20).found(24)
    story.propose("KZ-2026-1", 25).enact("KZ-2026-1", 30, effective=40)
    assert same_whatever_the_lag(story, until=60) == [
        Transition("raised", "open", 24),
        Transition("suppressed", "suppressed", 25),
        Transition("resolved", "resolved", 40 - MIDNIGHT_KZ),  # from day 40, 00:00 in KZ
    ]


def test_sightings_after_the_listing_raise_nothing_however_late():
    story = Story().baseline(0).found(10).found(20)
    story.propose("KZ-2026-1", 25).enact("KZ-2026-1", 28).found(30).found(31)
    assert same_whatever_the_lag(story, until=60) == []


def test_sightings_between_enactment_and_entry_into_force_are_covered():
    story = Story().baseline(0).found(10).found(20)
    story.propose("KZ-2026-1", 25).enact("KZ-2026-1", 28, effective=40).found(30).found(35)
    assert same_whatever_the_lag(story, until=60) == []


# -- behind a rejection ---------------------------------------------------------------------------


def test_a_sighting_covered_at_its_time_raises_when_a_rejection_read_before_it_ended_the_cover():
    story = Story().baseline(0).found(10).found(20).propose("KZ-2026-1", 25).found(30)
    story.reject("KZ-2026-1", 40)
    assert same_whatever_the_lag(story) == [Transition("raised", "open", 40)]


def test_sightings_before_a_proposal_and_its_rejection_raise_suppress_and_reopen():
    story = Story().baseline(0).found(10).found(20).found(22)
    story.propose("KZ-2026-1", 25).reject("KZ-2026-1", 40)
    assert same_whatever_the_lag(story) == [
        Transition("raised", "open", 22),
        Transition("suppressed", "suppressed", 25),
        Transition("reopened", "open", 40),
    ]


# -- behind a stall -------------------------------------------------------------------------------


def test_a_sighting_covered_at_its_time_raises_at_the_stall_deadline_swept_before_it_came():
    # Proposed on day 5, stalled on day 185; an amendment about caffeine on day 190 moves the
    # sweeps past the deadline before the (lagging) day-180 sighting is read.
    story = Story().baseline(0).propose("KZ-2026-1", 5)
    story.found(150).found(170).found(180).propose("KZ-2026-9", 190, names=CAFFEINE_NAMED)
    assert same_whatever_the_lag(story, until=300) == [Transition("raised", "open", 185)]


def test_an_alert_suppressed_before_late_sightings_still_reopens_at_the_stall_deadline():
    story = Story().baseline(0).found(10).found(20).found(30).propose("KZ-2026-1", 35)
    story.found(100).found(150).propose("KZ-2026-9", 220, names=CAFFEINE_NAMED)
    assert same_whatever_the_lag(story, until=300) == [
        Transition("raised", "open", 30),
        Transition("suppressed", "suppressed", 35),
        Transition("reopened", "open", 215),
    ]


# -- far behind ------------------------------------------------------------------------------------


def test_sightings_months_behind_the_law_find_the_earlier_ones_still_kept():
    # With the resolver a year behind, the sweeps reach day 200 while the monitor holds two
    # sightings of days 10 and 20: forgetting them by the sweeps' clock would lose the alert.
    story = Story().baseline(0).found(10).found(20).found(30)
    story.propose("KZ-2026-9", 200, names=CAFFEINE_NAMED)
    assert same_whatever_the_lag(story) == [Transition("raised", "open", 30)]


# -- the other way round: the legislation path behind the sightings ------------------------------


def test_a_change_read_after_later_sightings_applies_from_its_own_time():
    # The registry lags: the day-35 proposal is read after the sightings of days 36 and 38.
    story = Story().baseline(0).found(10).found(20).found(30).found(36).found(38)
    story.propose("KZ-2026-1", 35)
    assert summary(as_the_services(story.events)) == [
        Alert("raised", "KZ", 1, "open", 3, 30),
        Alert("suppressed", "KZ", 2, "suppressed", 3, 35),
    ]


def test_a_group_rule_read_after_later_sightings_applies_from_its_own_time():
    story = Story().baseline(0).found(10).found(20).found(30).found(36).found(38)
    story.propose("KZ-2026-G", 35, names=(), groups=(CATHINONES,))
    story.enact("KZ-2026-G", 37)
    assert [a.kind for a in summary(as_the_services(story.events))] == [
        "raised",
        "suppressed",
        "resolved",
    ]
    assert [a.on for a in summary(as_the_services(story.events))] == [30, 35, 37]


def test_without_sweeps_the_next_sighting_applies_a_late_group_rule_from_its_own_time():
    # A group rule names nothing: no change announces it, and here no sweep runs either.
    story = Story().baseline(0).found(10).found(20).found(30).found(36).found(38)
    story.propose("KZ-2026-G", 35, names=(), groups=(CATHINONES,)).found(40)
    replay = Replay(deps(), daily_sweeps=False)
    for event in story.events:
        replay.feed(event)
    assert summary(replay.emitted) == [
        Alert("raised", "KZ", 1, "open", 3, 30),
        Alert("suppressed", "KZ", 2, "suppressed", 3, 35),  # found with the day-40 sighting
        Alert("updated", "KZ", 3, "suppressed", 6, 40),  # which is the sixth
    ]


def test_a_raise_judged_before_a_lagging_proposal_was_read_is_retracted():
    # In order the third sighting (day 38) is covered and nothing is raised. Read before the
    # proposal (the legislation path later than the allowed lateness), it raises; the proposal,
    # dated before the raise, then retracts it in a corrected version that says why.
    in_order = Story().baseline(0).found(10).found(20).propose("KZ-2026-1", 35).found(38)
    assert summary(as_the_services(in_order.events)) == []
    late_law = Story().baseline(0).found(10).found(20).found(38).propose("KZ-2026-1", 35)
    emitted = as_the_services(late_law.events)
    assert summary(emitted) == [
        Alert("raised", "KZ", 1, "open", 3, 38),
        Alert("corrected", "KZ", 2, "retracted", 3, 38),
    ]
    correction = bodies(emitted)[-1].correction
    assert correction is not None and correction.corrected == []
    assert [(t.transition, day_of(t.time)) for t in correction.published] == [("raised", 38)]
    assert bodies(emitted)[-1].reason.endswith("there is no alert: retracted.")
