"""The schedule registry's handler: versions, snapshots first, one change per named substance."""

from __future__ import annotations

from pipeline_story import ALPHA_PHP, CATHINONES, KZ_BASELINE, Story

from contracts.topics import SCHEDULE_CHANGES, SCHEDULE_STATE
from services.chemistry import standardise
from services.schedule_registry.handlers import RegistryDeps, RegistryState, handle_legislation

DEPS = RegistryDeps(standardise=standardise)


def fold(story: Story, state: RegistryState | None = None):
    outcomes = []
    for event in story.events:
        outcome = handle_legislation(event, state, DEPS)
        state = outcome.state
        outcomes.append(outcome)
    return state, outcomes


def shape(outcome) -> list[tuple[str, str, str | int]]:
    """(topic, key, change or version) of each emit."""
    rows = []
    for e in outcome.emits:
        data = e.event.data
        if e.topic is SCHEDULE_STATE:
            detail = data.version
        else:
            detail = f"{data.change}@{data.schedule_version}"
        rows.append((e.topic.name, e.key, detail))
    return rows


def key_of(smiles: str) -> str:
    return standardise(smiles).match_key


def test_a_baseline_publishes_the_schedule_then_one_change_per_listed_substance():
    state, [outcome] = fold(Story().baseline(0))
    assert state.version == state.schedule.version == 1
    keys = sorted(key_of(smiles) for _, smiles in KZ_BASELINE)
    assert shape(outcome) == [("aw.schedule.state", "KZ", 1)] + [
        ("aw.schedule.changes", key, "baseline@1") for key in keys
    ]
    assert outcome.emits[1].event.data.amendment_id == "baseline:KZ national list"


def test_each_amendment_step_raises_the_version_and_names_its_substances_again():
    story = Story().baseline(0).propose("KZ-1", 5).stage("KZ-1", 6, "government").enact("KZ-1", 9)
    state, outcomes = fold(story)
    php = key_of(ALPHA_PHP)
    assert [shape(o)[1:] for o in outcomes[1:]] == [
        [("aw.schedule.changes", php, "proposed@2")],
        [("aw.schedule.changes", php, "stage_changed@3")],
        [("aw.schedule.changes", php, "enacted@4")],
    ]
    assert state.version == 4
    assert [x.name for x in state.schedule.listings][-1] == "alpha-PHP"


def test_a_group_only_amendment_publishes_the_schedule_and_no_change():
    _, outcomes = fold(Story().baseline(0).propose("KZ-G", 5, names=(), groups=(CATHINONES,)))
    assert shape(outcomes[1]) == [("aw.schedule.state", "KZ", 2)]


def test_a_duplicate_changes_nothing_and_resends_only_if_it_was_the_last_applied():
    story = Story().baseline(0).propose("KZ-1", 5)
    state, outcomes = fold(story)
    last = handle_legislation(story.events[1], state, DEPS)
    assert (last.duplicate, last.state, last.emits) == (True, state, outcomes[1].emits)
    older = handle_legislation(story.events[0], state, DEPS)
    assert (older.duplicate, older.state, older.emits) == (True, state, ())  # stale: not resent


def test_an_event_about_an_unknown_amendment_is_rejected_and_changes_nothing():
    state, _ = fold(Story().baseline(0))
    outcome = handle_legislation(Story().stage("KZ-404", 5, "government").events[0], state, DEPS)
    assert outcome.emits == ()
    assert outcome.state.version == 1
    [rejection] = outcome.rejections
    assert rejection.error_class == "schema_violation"
    assert "'KZ-404' was never proposed in KZ" in rejection.reason


def test_a_repeated_stage_is_not_a_change():
    story = Story().baseline(0).propose("KZ-1", 5).stage("KZ-1", 6, "government")
    state, _ = fold(story)
    outcome = handle_legislation(Story().stage("KZ-1", 7, "government").events[0], state, DEPS)
    assert (outcome.emits, outcome.state.version) == ((), 3)


def test_an_unreadable_structure_is_rejected_and_the_rest_applied():
    names = (("junk", "C1CC"), ("alpha-PHP", ALPHA_PHP))
    story = Story().baseline(0).propose("KZ-1", 5, names=names)
    state, outcomes = fold(story)
    [rejection] = outcomes[1].rejections
    assert rejection.error_class == "invalid_structure"
    assert rejection.reason.startswith("data.substances[0].structure (junk): unparsable")
    assert shape(outcomes[1])[1:] == [("aw.schedule.changes", key_of(ALPHA_PHP), "proposed@2")]
    assert [a.amendment_id for a in state.schedule.amendments] == ["KZ-1"]


def test_the_snapshot_and_changes_carry_the_legislation_event_time():
    _, [outcome] = fold(Story().baseline(3))
    snapshot, change = outcome.emits[:2]
    assert snapshot.event.time == change.event.time == Story().baseline(3).events[0].time
    assert snapshot.event.id == "KZ:baseline:list@3/snapshot"
    assert change.event.id == f"KZ:baseline:list@3/{change.key}"
    assert change.topic is SCHEDULE_CHANGES


def test_the_state_survives_a_json_round_trip():
    state, _ = fold(Story().baseline(0).propose("KZ-1", 5))
    assert RegistryState.model_validate_json(state.model_dump_json()) == state
