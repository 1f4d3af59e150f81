"""The alerts are a function of the events, not of their arrival.

Agencies do not trickle events in one at a time: a lab uploads a day's results at once, a customs
system replays a week after an outage, a worker restarts with a backlog. Each story here publishes
the same events another way (all at once, shuffled within the allowed lateness, paced, with the
resolver and the monitor killed in the middle of the burst) and compares every alert version the
services publish with the offline replay of the same events in event-time order: the same
versions, each with the same type, event time and body (counts, regions, time to control). The
last one publishes events later than the allowed lateness, after the services went idle past
them: the alerts they change get ``corrected`` versions, the same as the replay of the same
arrivals gives.

Two years: the demo year (``services.scenario``) and a second one written for these tests
(``arrival_year``: several samples per seizure, lab results published before their seizures, a
temporary control that lapses, a rejected amendment, test purchases).
"""

from __future__ import annotations

import datetime as dt
import random
import signal
import time

import arrival_year
from e2e_harness import (
    Pipeline,
    assert_same_as_arrivals,
    assert_same_as_replay,
    publish,
    read_topic,
    settled_alerts,
    wait_for,
)

from contracts.topics import ALERTS
from services.scenario import build_scenario
from services.tools.pipeline import replay, replay_arrivals

KZT = dt.timezone(dt.timedelta(hours=5))
SHUFFLE = dt.timedelta(hours=6)
"""How far the shuffled file moves an event: with the scenario's own spread between event time
and publication (up to 40 hours) it stays within the services' 48 hours of allowed lateness."""


def transitions(events) -> dict[str, list[tuple[str, str, str]]]:
    """Per substance name, its alert's transitions other than updates, with status and day."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for emitted in replay(events):
        a = emitted.event
        if emitted.topic is ALERTS and not a.type.endswith("updated.v1"):
            day = a.time.astimezone(KZT).strftime("%m-%d")
            name = a.data.reported_names[0]
            out.setdefault(name, []).append((a.type.split(".")[2], a.data.status.value, day))
    return out


def shuffled(events, seed: int = 11):
    """``events`` published in another order: each moved by up to :data:`SHUFFLE`."""
    rng = random.Random(seed)
    jitter = {e.id: dt.timedelta(seconds=rng.uniform(0, SHUFFLE.total_seconds())) for e in events}
    return sorted(events, key=lambda e: e.published + jitter[e.id])


def settled(pipeline: Pipeline):
    return settled_alerts(pipeline.settings, pipeline, quiet_s=6, timeout_s=240)


def test_the_second_year_replays_to_the_story_written_for_it():
    # The replay is what the services are held to: first hold it to the story.
    assert transitions(arrival_year.build_year()) == arrival_year.EXPECTED


def test_the_second_year_at_once_and_shuffled_gives_the_replay(pipeline: Pipeline) -> None:
    events = arrival_year.build_year()
    publish(pipeline.settings, shuffled(events))
    assert_same_as_replay(settled(pipeline), events, pipeline, "order_second_shuffled")


def test_the_second_year_paced_gives_the_replay(pipeline: Pipeline) -> None:
    events = arrival_year.build_year()
    publish(pipeline.settings, events, pace_s=0.05)
    assert_same_as_replay(settled(pipeline), events, pipeline, "order_second_paced")


def test_workers_killed_in_the_middle_of_the_burst_give_the_replay(pipeline: Pipeline) -> None:
    # The demo year at once (the second year is published so below): what the replay gives,
    # with the resolver and the monitor killed in the middle of the burst too.
    events = build_scenario()
    publish(pipeline.settings, events)
    # Some alerts are out, most of the backlog is not: kill -9 the resolver and the monitor.
    wait_for(lambda: len(read_topic(pipeline.settings, ALERTS)) >= 3, 120, "a first alert")
    for name in ("substance_resolver", "analogue_monitor"):
        pipeline.stop(name, sig=signal.SIGKILL)
    time.sleep(1)
    for name in ("substance_resolver", "analogue_monitor"):
        pipeline.start(name)
    assert_same_as_replay(settled(pipeline), events, pipeline, "order_demo_killed")


LATE_CUT = dt.datetime(2025, 7, 5, tzinfo=dt.UTC)
LATE = ("KZ-AMD-2025-012", "KZ-AST-2025-00008")
"""Held back until the services have handled everything else before :data:`LATE_CUT`: the
proposal of the amendment that would list MDMB-4en-PINACA and its stage change (in time the
proposal suppresses the open alert), and a seizure of alpha-PiHP whose samples' lab results came
in time (late, it merges their sample-only occurrences into the seizure's: updates only)."""


def replay_alerts(events):
    return [e.event for e in replay(events) if e.topic is ALERTS]


def test_events_later_than_the_lateness_correct_the_alerts_as_the_replay_does(
    pipeline: Pipeline,
) -> None:
    events = build_scenario()
    late = [
        e
        for e in events
        if e.time < LATE_CUT
        and set(LATE) & {getattr(e.data, "amendment_id", None), getattr(e.data, "seizure_id", None)}
    ]
    before = [e for e in events if e.time < LATE_CUT and e not in late]
    after = [e for e in events if e.time >= LATE_CUT]
    arrivals = [before, late, after]
    assert {e.type for e in late} >= {
        "aw.legislation.amendment-proposed.v1",
        "aw.seizure.reported.v1",
    }
    # The late arrival corrects one alert, and the year ends where it does in order.
    expected = [e.event for e in replay_arrivals(arrivals) if e.topic is ALERTS]
    first = {(a.data.alert_id, a.data.version) for a in expected[: len(replay_alerts(before))]}
    corrected = [
        a
        for a in expected
        if a.type.endswith("corrected.v1") and (a.data.alert_id, a.data.version) not in first
    ]
    assert [(a.data.reported_names[0], a.data.status.value) for a in corrected] == [
        ("MDMB-4en-PINACA", "suppressed")
    ]
    assert [t.transition for t in corrected[0].data.correction.corrected] == ["suppressed"]
    in_order = [e.event for e in replay(events) if e.topic is ALERTS]
    assert {a.data.alert_id: a.data.status for a in expected} == {
        a.data.alert_id: a.data.status for a in in_order
    }

    for arrival in arrivals:
        publish(pipeline.settings, arrival)
        alerts = settled(pipeline)  # idle: what comes next is late if it is dated before
    assert_same_as_arrivals(alerts, arrivals, pipeline, "order_demo_late")
