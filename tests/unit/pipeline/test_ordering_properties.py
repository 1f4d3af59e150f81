"""Event-time order as the services keep it, on the pure parts: whatever order and interleaving
the agencies' partitions deliver in, within the allowed lateness, a stage hands its inputs on in
event-time order, and the pipeline's handlers then give the replay's alerts.

The services hold each input until every origin has got past it (``services.domain.ordering``);
here three origins (the seizure, lab-result and legislation partitions) deliver a story's events,
each in an order shuffled within the lateness, interleaved at random; after every delivery the
origin says how far it has got, and what the frontier lets go is fed to the handlers.
"""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from pipeline_story import ALPHA_PHP, CATHINONES, MIDNIGHT_KZ, Story, alert_emits, day, deps

from contracts.lab import LabResultReported
from contracts.seizure import SeizureReported
from services.domain.ordering import (
    EVERYTHING,
    Key,
    Reorderer,
    frontier,
    order_key,
    source_progress,
)
from services.tools.pipeline import Replay, in_event_time, replay

LATENESS = dt.timedelta(days=2)


def origin_of(event) -> str:
    if isinstance(event, SeizureReported):
        return "seizures"
    if isinstance(event, LabResultReported):
        return "labs"
    return "legislation"


def delivered(events, rng: random.Random) -> dict[str, list]:
    """Each origin's events in an order shuffled within the lateness: an event may come after
    others up to the lateness later than it, never more."""
    jitter = {e.id: dt.timedelta(seconds=rng.uniform(0, LATENESS.total_seconds())) for e in events}
    out: dict[str, list] = {"seizures": [], "labs": [], "legislation": []}
    for event in sorted(events, key=lambda e: e.time + jitter[e.id]):
        out[origin_of(event)].append(event)
    return out


def through_the_stage(events, rng: random.Random) -> tuple[list, int]:
    """What a stage releases, in order, as the origins deliver at random; and how many came late."""
    queues = delivered(events, rng)
    latest: dict[str, dt.datetime | None] = dict.fromkeys(queues)
    heard = {name: source_progress(None, LATENESS, quiet=False) for name in queues}
    held: Reorderer = Reorderer()
    released, late = [], 0
    while any(queues.values()):
        name = rng.choice([n for n, q in queues.items() if q])
        event = queues[name].pop(0)
        if held.offer(order_key(event), event):
            late += 1
            released.append(event)
        clock = latest[name]
        latest[name] = event.time if clock is None else max(clock, event.time)
        heard[name] = source_progress(latest[name], LATENESS, quiet=not queues[name])
        bound = frontier(heard, queues)
        if bound is not None:
            released.extend(held.release(bound))
    released.extend(held.release(EVERYTHING))
    return released, late


def story() -> Story:
    """Several samples per seizure, lab results on the day, a proposal, a stage, an enactment."""
    s = Story().baseline(0)
    s.seizure("KZ-Z0", 10, ["KZ-M1", "KZ-M2", "KZ-M3"])
    for sample in ("KZ-M1", "KZ-M2", "KZ-M3"):
        s.lab(sample, 10.5, ALPHA_PHP)
    s.found(14).found(19, region="Astana").found(23, channel="post")
    s.propose("KZ-2026-1", 26, names=(), groups=(CATHINONES,))
    s.found(27).stage("KZ-2026-1", 28, "government").found(30)
    s.enact("KZ-2026-1", 33, effective=35)
    return s.found(36)


STORY = story().events
EXPECTED = [e.event for e in alert_emits(replay(STORY, deps()))]


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_any_delivery_within_the_lateness_is_released_in_event_time_order(rng):
    released, late = through_the_stage(STORY, rng)

    assert late == 0
    assert [order_key(e) for e in released] == [order_key(e) for e in in_event_time(STORY)]


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_any_delivery_within_the_lateness_gives_the_replays_alerts(rng):
    released, _ = through_the_stage(STORY, rng)
    run = Replay(deps())
    for event in released:
        run.feed(event)

    assert [e.event for e in alert_emits(run.emitted)] == EXPECTED


def test_the_story_is_one_occurrence_per_seizure_then_held_back_then_controlled():
    # What every delivery above must give: the three samples of day 10 are one occurrence, so
    # the raise waits for the third seizure (day 19); a new channel on day 23; held back by the
    # group proposal of day 26; twice the threshold on day 30; in force from day 35.
    assert [(e.type.split(".")[2], e.data.occurrence_count, e.time) for e in EXPECTED] == [
        ("raised", 3, day(19)),
        ("updated", 4, day(23)),
        ("suppressed", 4, day(26)),
        ("updated", 6, day(30)),
        ("resolved", 6, day(35 - MIDNIGHT_KZ)),
    ]


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=40), st.randoms())
def test_the_reorderer_releases_by_key_and_calls_late_what_comes_behind(days, rng):
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    keys = [Key(start + dt.timedelta(hours=h), f"e{i}") for i, h in enumerate(days)]
    held: Reorderer = Reorderer()
    out: list[Key] = []
    for key in keys:
        if held.offer(key, key):
            assert out and key <= out[-1]  # late: behind what was already released
            continue
        if rng.random() < 0.3:
            out.extend(held.release(EVERYTHING))
    out.extend(held.release(EVERYTHING))

    assert all(a <= b for a, b in zip(out, out[1:], strict=False))
