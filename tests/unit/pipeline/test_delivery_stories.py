"""Stories of delivery: duplicates, redelivery, arrival order, lateness and sweep timing.

The alerts must not depend on how often an event is delivered, on when sweeps run, or on how
states are stored; arrival order may change them only as documented (a late sighting is judged at
its own time and every point after it again, never before the alert's last version; one older
than the lateness is ignored). How the two input paths lag each other: test_lag_stories.py.
"""

from __future__ import annotations

import itertools

from pipeline_story import (
    ALPHA_PHP,
    CAFFEINE,
    CATHINONES,
    KZ_BASELINE,
    Alert,
    Story,
    alert_emits,
    alerts,
    bodies,
    day,
    day_of,
    deps,
    run,
    summary,
)

from services.tools.pipeline import Replay


def raised_in_kz() -> Story:
    return Story().baseline(0).found(10).found(20).found(30)


def eventful() -> Story:
    """Two jurisdictions, every kind of alert, sample-only results, a group rule, a stall."""
    story = Story().baseline(0).baseline(0, j="RU", substances=KZ_BASELINE)
    story.found(10).found(20, region="Shymkent").found(25, j="RU").lab("TP-1", 30, ALPHA_PHP)
    story.found(32, j="RU").found(35, channel="post").propose("KZ-2026-1", 40)
    story.found(45, j="RU").found(50).found(52).reject("KZ-2026-1", 60)
    story.propose("KZ-2026-2", 70, names=(), groups=(CATHINONES,)).found(75)
    story.propose("RU-2026-9", 80, j="RU").enact("KZ-2026-2", 90, effective=100, expires=200)
    return story


UNTIL = 400


def alert_events(replay: Replay) -> list:
    return [e.event for e in alert_emits(replay.emitted)]


def test_the_eventful_story_exercises_every_kind_of_alert():
    kinds = {a.kind for a in alerts(eventful(), until=UNTIL)}
    assert kinds == {"raised", "updated", "suppressed", "reopened", "resolved"}


def test_every_event_delivered_twice_publishes_no_new_alert_version():
    once = alert_events(run(eventful(), until=UNTIL))
    story = eventful()
    again_at_once = [e for e in story.events for _ in (1, 2)]
    replay = run(again_at_once + story.events, until=UNTIL)  # and all of it again at the end
    twice = alert_events(replay)
    assert replay.duplicates > len(story.events)
    by_id = {e.id: e for e in once}
    assert {e.id for e in twice} == set(by_id)  # the same versions, no new one
    assert all(e == by_id[e.id] for e in twice)  # and any copy sent again is identical


def test_arrival_order_of_results_does_not_change_the_alert():
    story = Story().baseline(0)
    for n, d in enumerate((10, 20, 30), start=1):
        story.seizure(f"Z-{n}", d, [f"S-{n}"])
    head = story.events
    outcomes = set()
    for order in itertools.permutations((1, 2, 3)):
        results = Story()
        for n in order:
            results.lab(f"S-{n}", 31, ALPHA_PHP)
        emitted = run(head + results.events).emitted
        outcomes.add(tuple(e.event.model_dump_json() for e in alert_emits(emitted)))
        assert summary(emitted) == [Alert("raised", "KZ", 1, "open", 3, 30)]
    assert len(outcomes) == 1


def test_a_late_sighting_within_the_lateness_counts_from_its_own_time():
    # Judged on day 80 (one occurrence), then again on day 100 (two) and 101 (three).
    story = Story().baseline(0).found(100).found(101)
    story.seizure("Z-late", 80, ["S-late"], reported=105).lab("S-late", 105, ALPHA_PHP)
    assert alerts(story) == [Alert("raised", "KZ", 1, "open", 3, 101)]


def test_a_late_sighting_completing_the_threshold_raises_at_its_own_time():
    # An amendment about caffeine is a moment of the schedule: the day-109 sweep judges alpha-PHP
    # at day 108, before the day-105 sighting arrives. It is raised on day 105 all the same.
    story = Story().baseline(0).found(100).found(101)
    story.propose("KZ-2026-9", 108, names=(("caffeine", CAFFEINE),))
    replay = run(story.seizure("Z-9", 112, ["S-9"]))  # a seizure reported on day 112: a sweep
    [php] = replay.substances.values()
    assert day_of(php.jurisdictions["KZ"].evaluated_at) == 108

    late = Story().seizure("Z-late", 105, ["S-late"], reported=112).lab("S-late", 112, ALPHA_PHP)
    assert summary(run(late, replay=replay).emitted) == [Alert("raised", "KZ", 1, "open", 3, 105)]


def test_a_sighting_older_than_the_alerts_last_version_is_an_update_when_no_status_changes():
    # The day-33 sighting (a new region) came after the day-35 suppression: in time it would
    # have updated the open alert on day 33, but no change of status comes earlier or later for
    # it. New evidence is an update, published when it is found (dated the last version).
    story = raised_in_kz().propose("KZ-2026-1", 35)
    story.seizure("Z-late", 33, ["S-late"], region="Shymkent", reported=36)
    story.lab("S-late", 36, ALPHA_PHP)
    assert alerts(story) == [
        Alert("raised", "KZ", 1, "open", 3, 30),
        Alert("suppressed", "KZ", 2, "suppressed", 3, 35),
        Alert("updated", "KZ", 3, "suppressed", 4, 35),  # new region: Shymkent
    ]


def test_a_late_sighting_that_changes_no_transition_corrects_nothing():
    # Day 32, where the others were seen, after the day-35 suppression: in time it would have
    # changed nothing (a fourth occurrence is below the next level), so nothing is published.
    story = raised_in_kz().propose("KZ-2026-1", 35)
    story.seizure("Z-late", 32, ["S-late"], reported=36).lab("S-late", 36, ALPHA_PHP)
    assert alerts(story) == [
        Alert("raised", "KZ", 1, "open", 3, 30),
        Alert("suppressed", "KZ", 2, "suppressed", 3, 35),
    ]


def test_a_late_sighting_that_would_have_raised_earlier_corrects_the_raise():
    # Day 25, after the day-30 raise: in time the third occurrence came on day 25.
    story = raised_in_kz()
    story.seizure("Z-late", 25, ["S-late"], reported=31).lab("S-late", 31, ALPHA_PHP)
    replay = run(story)
    assert summary(replay.emitted) == [
        Alert("raised", "KZ", 1, "open", 3, 30),
        Alert("corrected", "KZ", 2, "open", 4, 30),
    ]
    corrected = bodies(replay.emitted)[-1]
    correction = corrected.correction
    # The sighting's late input: its lab result (its seizure had come in time).
    assert correction is not None and correction.late_event_id == "KZ:lab:S-late@31"
    assert day_of(correction.late_event_time) == 25
    assert [(t.transition, day_of(t.time)) for t in correction.published] == [("raised", 30)]
    assert [(t.transition, day_of(t.time)) for t in correction.corrected] == [("raised", 25)]
    assert corrected.reason.startswith("Corrected: an input dated 2026-")


def test_a_sighting_older_than_the_lateness_still_counts_and_is_reported_late():
    # 41 days behind the latest: it counts (day 60 is in day 101's window) and is reported late.
    story = Story().baseline(0).found(100).found(101)
    story.seizure("Z-old", 60, ["S-old"], reported=105).lab("S-old", 105, ALPHA_PHP)
    replay = run(story)
    assert summary(replay.emitted) == [Alert("raised", "KZ", 1, "open", 3, 101)]
    assert replay.late == 1
    assert run(story, lateness_days=45).late == 0


def test_sightings_delivered_in_any_order_however_late_raise_at_the_same_time():
    # Seized on days 0, 35 and 70, reported on days 75 to 77 in every order: day 0 is 70 days
    # behind day 70 when it comes after it, far past the lateness, and counts all the same.
    lates = set()
    for order in itertools.permutations((0, 35, 70)):
        story = Story().baseline(0)
        for n, seized in enumerate(order):
            story.seizure(f"Z-{seized}", seized, [f"S-{seized}"], reported=75 + n)
            story.lab(f"S-{seized}", 75 + n, ALPHA_PHP)
        replay = run(story)
        assert summary(replay.emitted) == [Alert("raised", "KZ", 1, "open", 3, 70)], order
        lates.add(replay.late)
    assert lates == {0, 1, 2}


def test_sweep_timing_does_not_change_the_alerts():
    story = eventful()
    daily = alert_events(run(story, until=UNTIL))

    only_at_the_end = Replay(deps(), daily_sweeps=False)
    rare = alert_events(run(story, until=UNTIL, replay=only_at_the_end))

    often = Replay(deps())
    for event in story.events:
        if often.watermark is not None and event.time > often.watermark:
            often.sweep(often.watermark + (event.time - often.watermark) / 2)
        often.feed(event)
        often.sweep(often.watermark)
    often.sweep(day(UNTIL))
    frequent = alert_events(often)

    assert rare == daily
    assert frequent == daily


def test_states_stored_as_json_between_events_give_the_same_alerts():
    in_memory = run(eventful(), until=UNTIL)
    stored = run(eventful(), until=UNTIL, replay=Replay(deps(), as_stored=True))
    assert [e.event for e in stored.emitted] == [e.event for e in in_memory.emitted]


def test_an_input_older_than_the_occurrences_kept_is_judged_from_the_last_version():
    # Raised on day 30; by day 210 the occurrences of days 10-30 are dropped (window + lateness
    # behind the latest sighting). A proposal dated day 25 that comes now cannot be judged again
    # from day 25 without them (it would find no alert there and retract a real one): it is
    # judged from the last version on, as before corrections existed.
    story = raised_in_kz().found(200).found(210).propose("KZ-2026-1", 25)
    assert alerts(story) == [
        Alert("raised", "KZ", 1, "open", 3, 30),
        Alert("suppressed", "KZ", 2, "suppressed", 0, 30),
        Alert("reopened", "KZ", 3, "open", 1, 205),  # pending past the 180-day stall limit
    ]
