"""Uneven lag between the pipeline's two paths, played offline: a proposal read before sightings.

The analogue monitor sweeps as of the latest event time it has seen, schedule snapshots included.
When the legislation path runs ahead of the detection path (the resolver lagging, e.g. behind a
burst of bad messages, or restarted after kill -9), sightings published before an amendment's
proposal reach the monitor after the proposal's snapshot and a sweep as of its time.

Found by tests/stress/test_hostile_input.py before it waited for each slice: the monitor judged
those sightings at the proposal's time, covered by the pending amendment, and the alert the replay
raises on 9 July (and suppresses on 22 July) was never raised at all. Now a sighting is judged at
its own time and every point after it again (services/domain/judging.py, "Late inputs"), so
the lagged order gives the publication order's lifecycle, times included, and so
does the whole year with the detection path days to a year behind.
"""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.lab import LabResultReported
from contracts.seizure import SeizureReported
from contracts.topics import ALERTS
from services.scenario import build_scenario
from services.scenario.kz_year import EXPECTED_TRANSITIONS
from services.tools.pipeline import Replay, ReplayDeps, replay

ALERT = "KZ-UOZWZANRCOALQL-UHFFFAOYSA-N"
PROPOSAL = "KZ-AMD-2025-019"
SIGHTINGS_FROM = dt.date(2025, 7, 8)
UPDATED = "aw.alert.updated.v1"
KZ = dt.timezone(dt.timedelta(hours=5))


def transitions(events, sweep_after=None) -> list[tuple[str, str, dt.datetime]]:
    """The alert's transitions other than updates: kind, status, alert time."""
    run = Replay(ReplayDeps())
    for event in events:
        run.feed(event)
        if event is sweep_after:
            run.sweep(event.time)  # the services sweep as of their watermark: this event's time
    return [
        (e.event.type.split(".")[2], e.event.data.status.value, e.event.time)
        for e in run.emitted
        if e.topic is ALERTS and e.event.data.alert_id == ALERT and e.event.type != UPDATED
    ]


def test_in_publication_order_the_alert_is_raised_then_suppressed() -> None:
    assert [kind for kind, _, _ in transitions(build_scenario())] == [
        "raised",
        "suppressed",
        "resolved",
    ]


def test_a_proposal_read_before_earlier_sightings_still_lets_the_alert_be_raised() -> None:
    events = build_scenario()
    proposal = next(
        e for e in events if e.type.endswith("proposed.v1") and e.data.amendment_id == PROPOSAL
    )
    events.remove(proposal)
    first = next(i for i, e in enumerate(events) if e.published.date() >= SIGHTINGS_FROM)
    events.insert(first, proposal)

    lagged = transitions(events, sweep_after=proposal)
    assert lagged == transitions(build_scenario())
    assert [(kind, time.astimezone(KZ).date().isoformat()) for kind, _, time in lagged] == [
        ("raised", "2025-04-24"),  # an early warning (issue 17): seized twice in Uzbekistan
        ("suppressed", "2025-07-22"),
        ("resolved", "2025-11-24"),
    ]


DETECTION_PATH = (SeizureReported, LabResultReported)


def the_years_transitions(events) -> list[tuple[str, str, str, dt.datetime]]:
    """Every alert's transitions other than updates, fed as the services see them: a sweep as of
    the latest event time after every input."""
    run = Replay(ReplayDeps())
    for event in events:
        run.feed(event)
        assert run.watermark is not None
        run.sweep(run.watermark)
    return sorted(
        (e.event.data.alert_id, e.event.type, e.event.data.status.value, e.event.time)
        for e in run.emitted
        if e.topic is ALERTS and e.event.type != UPDATED
    )


@pytest.mark.parametrize("days", [3, 30, 365])
def test_the_year_with_the_detection_path_days_behind_gives_the_replays_transitions(days) -> None:
    lag = dt.timedelta(days=days)
    events = sorted(
        build_scenario(),
        key=lambda e: e.published + (lag if isinstance(e, DETECTION_PATH) else dt.timedelta()),
    )
    expected = sorted(
        (e.event.data.alert_id, e.event.type, e.event.data.status.value, e.event.time)
        for e in replay(build_scenario())
        if e.topic is ALERTS and e.event.type != UPDATED
    )
    assert len(expected) == len(EXPECTED_TRANSITIONS)  # the status changes of the story
    assert the_years_transitions(events) == expected
