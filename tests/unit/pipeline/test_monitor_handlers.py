"""The analogue monitor's handlers called directly: deferral, redelivery, forgetting."""

from __future__ import annotations

import datetime as dt

from pipeline_story import ALPHA_PHP, CAFFEINE, Story, day, day_of, summary

from contracts.detection import SubstanceDetected
from contracts.schedule import Change, ScheduleChanged, ScheduleState
from services.analogue_monitor.handlers import handle_detection, handle_schedule_changed, sweep
from services.chemistry import standardise
from services.domain.schedule import apply_legislation
from services.domain.substance import MonitorDeps, ScheduleView, SubstanceState

PHP = standardise(ALPHA_PHP)


class Schedules(dict):
    """The monitor's copy of the schedules, updated by the test as the story goes."""

    def law(self, story: Story) -> Schedules:
        for event in story.events:
            view = self.get(event.jurisdiction) or ScheduleView(ScheduleState(), 0)
            state = apply_legislation(view.state, event)
            self[event.jurisdiction] = ScheduleView(state, view.version + 1)
        return self


def deps(schedules: Schedules) -> MonitorDeps:
    return MonitorDeps.with_chemistry(schedule=schedules.get)


def detected(n: int, on: float, j: str = "KZ") -> SubstanceDetected:
    return SubstanceDetected(
        id=f"det-{j}-{n}",
        source="test",
        jurisdiction=j,
        time=day(on),
        published=day(on),
        data={
            "match_key": PHP.match_key,
            "substance_key": PHP.substance_key,
            "canonical_smiles": PHP.canonical_smiles,
            "occurrence_id": f"Z-{n}",
            "seizure_id": f"Z-{n}",
            "sample_id": f"S-{n}",
            "lab_id": "L-1",
            "region": "Almaty",
            "channel": "post",
            "seen_at": day(on),
            "lab_event_id": f"lab-{n}",
        },
    )


def changed(version: int, on: float, change: Change = Change.PROPOSED) -> ScheduleChanged:
    return ScheduleChanged(
        id=f"chg-{version}",
        source="test",
        jurisdiction="KZ",
        time=day(on),
        published=day(on),
        data={
            "match_key": PHP.match_key,
            "amendment_id": "KZ-1",
            "change": change,
            "schedule_version": version,
        },
    )


def raised(schedules: Schedules) -> SubstanceState:
    state = None
    for n, on in enumerate((10, 20, 30), start=1):
        outcome = handle_detection(detected(n, on), state, deps(schedules))
        state = outcome.state
    assert [a.kind for a in summary(outcome.emits)] == ["raised"]
    return state


def test_a_change_newer_than_the_monitors_schedule_waits_for_the_next_sweep():
    schedules = Schedules().law(Story().baseline(0))
    state = raised(schedules)
    early = handle_schedule_changed(changed(version=2, on=35), state, deps(schedules))
    assert early.emits == ()
    assert early.state.jurisdictions["KZ"].deferred_version == 2

    schedules.law(Story().propose("KZ-1", 35))  # the copy catches up
    swept = sweep(early.state, deps(schedules))
    assert [(a.kind, a.version, a.on) for a in summary(swept.emits)] == [("suppressed", 2, 35)]
    assert swept.state.jurisdictions["KZ"].deferred_version == 0


def test_a_deferred_change_is_released_by_the_next_sighting_without_a_sweep():
    schedules = Schedules().law(Story().baseline(0))
    state = raised(schedules)
    early = handle_schedule_changed(changed(version=2, on=35), state, deps(schedules))
    schedules.law(Story().propose("KZ-1", 35))  # the copy catches up; no sweep runs
    later = handle_detection(detected(4, 40), early.state, deps(schedules))
    assert [(a.kind, a.version, a.on) for a in summary(later.emits)] == [("suppressed", 2, 35)]
    assert later.state.jurisdictions["KZ"].deferred_version == 0


def test_a_redelivered_detection_resends_the_alert_it_raised_and_changes_nothing():
    schedules = Schedules().law(Story().baseline(0))
    state = raised(schedules)
    before = SubstanceState.model_validate_json(state.model_dump_json())
    third = handle_detection(detected(3, 30), state, deps(schedules))
    assert third.duplicate and third.state == before
    assert [a.kind for a in summary(third.emits)] == ["raised"]


def test_a_change_for_a_substance_never_seen_keeps_no_state():
    schedules = Schedules().law(Story().baseline(0).propose("KZ-1", 35))
    assert handle_schedule_changed(changed(2, 35), None, deps(schedules)).state is None


def test_a_change_in_a_jurisdiction_where_it_was_never_seen_publishes_nothing():
    schedules = Schedules().law(Story().baseline(0).baseline(0, j="RU"))
    state = raised(schedules)
    ru = changed(3, 35).model_copy(update={"jurisdiction": "RU"})
    outcome = handle_schedule_changed(ru, state, deps(schedules))
    assert outcome.emits == () and "RU" not in outcome.state.jurisdictions


def test_a_sweep_forgets_a_substance_with_no_alert_once_no_sighting_to_come_could_count():
    schedules = Schedules().law(Story().baseline(0))
    state = handle_detection(detected(1, 10), None, deps(schedules)).state
    # A sighting of day 100 would count day 10 in its window, and it may come until the
    # detection path has read day 130 (the 30-day lateness): retention 90 + 30 days.
    kept = sweep(state, deps(schedules), day(130), sightings_through=day(130))
    assert kept.state is not None
    assert sweep(state, deps(schedules), day(131), sightings_through=day(131)).state is None


def test_a_sweep_far_ahead_of_the_sightings_forgets_nothing():
    # The watermark is the legislation path's as much as the detections': a lagging resolver
    # still has sightings to deliver that count with day 10.
    schedules = Schedules().law(Story().baseline(0))
    state = handle_detection(detected(1, 10), None, deps(schedules)).state
    assert sweep(state, deps(schedules), day(1000), sightings_through=day(20)).state is not None
    assert sweep(state, deps(schedules), day(1000)).state is not None


def test_a_sweep_drops_occurrences_only_by_the_detection_paths_clock():
    schedules = Schedules().law(Story().baseline(0))
    state = raised(schedules)  # days 10, 20, 30
    state = handle_detection(detected(4, 200), state, deps(schedules)).state

    def kept(clock):
        swept = sweep(state, deps(schedules), day(300), sightings_through=clock).state
        return [o.occurrence_id for o in swept.jurisdictions["KZ"].sightings.occurrences]

    assert kept(None) == ["Z-1", "Z-2", "Z-3", "Z-4"]
    # Read through day 130, a sighting of day 100 may still come (30 days late): day 10 is in its
    # window. Through day 140, none before day 110 may: day 10 is not in any window to come.
    assert kept(day(130)) == ["Z-1", "Z-2", "Z-3", "Z-4"]
    assert kept(day(140)) == ["Z-2", "Z-3", "Z-4"]
    assert kept(day(200)) == ["Z-4"]


def test_a_sweep_never_forgets_a_substance_with_an_alert():
    schedules = Schedules().law(Story().baseline(0))
    state = raised(schedules)
    assert sweep(state, deps(schedules), day(1000)).state is not None


def test_a_stall_found_by_a_sweep_is_dated_at_the_deadline():
    schedules = Schedules().law(Story().baseline(0))
    state = raised(schedules)
    schedules.law(Story().propose("KZ-1", 35))
    state = handle_schedule_changed(changed(2, 35), state, deps(schedules)).state
    swept = sweep(state, deps(schedules), day(500))
    [reopened] = summary(swept.emits)
    assert (reopened.kind, reopened.on) == ("reopened", 215)
    assert swept.emits[0].event.time == day(35) + dt.timedelta(days=180)
    assert day_of(swept.state.jurisdictions["KZ"].evaluated_at) == 215


def test_a_redelivered_sweep_request_resends_what_it_published():
    schedules = Schedules().law(Story().baseline(0))
    state = raised(schedules)
    schedules.law(Story().propose("KZ-1", 35))
    state = handle_schedule_changed(changed(2, 35), state, deps(schedules)).state
    first = sweep(state, deps(schedules), day(500), event_id="sweep-1")
    again = sweep(first.state, deps(schedules), day(500), event_id="sweep-1")
    assert again.duplicate and again.state == first.state
    assert [e.event for e in again.emits] == [e.event for e in first.emits] != []


def test_a_sweep_with_nothing_new_judges_nothing():
    schedules = Schedules().law(Story().baseline(0))
    state = raised(schedules)
    calls = []
    chemistry = deps(schedules).classify

    def counting(smiles, view):
        calls.append(view.at)
        return chemistry(smiles, view)

    quiet = MonitorDeps(schedule=schedules.get, classify=counting)
    swept = sweep(state, quiet, day(60))
    assert (swept.emits, swept.state, calls) == ((), state, [])

    schedules.law(Story().propose("KZ-9", 50, names=(("caffeine", CAFFEINE),)))
    assert sweep(state, quiet, day(60)).emits == ()
    assert calls == [day(50)]  # judged again at the proposal only
