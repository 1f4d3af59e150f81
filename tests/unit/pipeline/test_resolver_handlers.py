"""The substance resolver's handlers: fan-out, the join by sample id, redelivery."""

from __future__ import annotations

from pipeline_story import ALPHA_PHP, CAFFEINE, Story, day

from contracts.topics import DETECTIONS, SEIZURE_ITEMS
from services.chemistry import standardise, standardise_components
from services.substance_resolver.handlers import (
    ResolverDeps,
    SampleState,
    handle_lab_result,
    handle_seizure_item,
    seizure_items,
)

DEPS = ResolverDeps(components=standardise_components)


def seizure(*samples: str, seizure_id: str = "Z-1"):
    return Story().seizure(seizure_id, 10, samples, region="Aqtobe", channel="post").events[0]


def lab(sample: str, *smiles: str, on: float = 12):
    return Story().lab(sample, on, *smiles).events[0]


def test_a_seizure_fans_out_to_one_item_per_distinct_sample_keyed_by_sample_id():
    emits = seizure_items(seizure("S-1", "S-2", "S-1"))
    assert [(e.topic, e.key, e.event.id) for e in emits] == [
        (SEIZURE_ITEMS, "S-1", "KZ:seizure:Z-1@10/S-1"),
        (SEIZURE_ITEMS, "S-2", "KZ:seizure:Z-1@10/S-2"),
    ]
    item = emits[0].event.data
    assert (item.seizure_id, item.region, item.channel, item.seized_at) == (
        "Z-1",
        "Aqtobe",
        "post",
        day(10),
    )
    assert seizure_items(seizure("S-1", "S-2", "S-1")) == emits  # deterministic


def test_a_result_before_its_seizure_is_detected_at_once_then_again_as_the_seizure():
    result = handle_lab_result(lab("S-1", ALPHA_PHP, CAFFEINE), None, DEPS)
    assert [(e.topic, e.key) for e in result.emits] == [
        (DETECTIONS, standardise(ALPHA_PHP).match_key),
        (DETECTIONS, standardise(CAFFEINE).match_key),
    ]
    first = result.emits[0].event
    assert (first.id, first.data.occurrence_id, first.data.seen_at) == (
        "KZ:lab:S-1@12/0/sample:S-1",
        "sample:S-1",
        day(12),
    )

    [item] = seizure_items(seizure("S-1"))
    linked = handle_seizure_item(item.event, result.state, DEPS)
    again = linked.emits[0].event
    assert (again.id, again.data.occurrence_id, again.data.seen_at) == (
        "KZ:lab:S-1@12/0/Z-1",
        "Z-1",
        day(10),
    )
    assert (again.data.region, again.data.channel, again.data.seizure_id) == (
        "Aqtobe",
        "post",
        "Z-1",
    )
    assert len(linked.emits) == 2


def test_a_result_after_its_seizure_is_detected_once_as_the_seizure():
    [item] = seizure_items(seizure("S-1"))
    linked = handle_seizure_item(item.event, None, DEPS)
    assert linked.emits == ()
    result = handle_lab_result(lab("S-1", ALPHA_PHP), linked.state, DEPS)
    assert [e.event.data.occurrence_id for e in result.emits] == ["Z-1"]


def test_a_salt_and_its_base_in_one_result_are_one_detection():
    result = handle_lab_result(lab("S-1", ALPHA_PHP, ALPHA_PHP + ".Cl"), None, DEPS)
    assert len(result.emits) == 1


def test_the_same_seizure_reported_again_under_a_new_id_links_nothing_new():
    [item] = seizure_items(seizure("S-1"))
    state = handle_lab_result(lab("S-1", ALPHA_PHP), None, DEPS).state
    state = handle_seizure_item(item.event, state, DEPS).state
    resent = item.event.model_copy(update={"id": "another-id/S-1"})
    outcome = handle_seizure_item(resent, state, DEPS)
    assert (outcome.emits, outcome.rejections) == ((), ())


def test_a_redelivered_input_changes_nothing_and_resends_what_it_emitted():
    event = lab("S-1", ALPHA_PHP)
    first = handle_lab_result(event, None, DEPS)
    again = handle_lab_result(event, first.state, DEPS)  # crash between storing and sending
    assert (again.duplicate, again.state, again.emits) == (True, first.state, first.emits)


def test_the_state_survives_a_json_round_trip():
    [item] = seizure_items(seizure("S-1"))
    state = handle_lab_result(lab("S-1", ALPHA_PHP), None, DEPS).state
    state = handle_seizure_item(item.event, state, DEPS).state
    assert SampleState.model_validate_json(state.model_dump_json()) == state


def test_a_mixture_reported_as_one_structure_is_detected_compound_by_compound():
    # MDMA cut with alpha-PHP, both as hydrochlorides, in one SMILES (a lab that draws the
    # sample as it is): each compound is a substance of its own; the first keeps the ids and
    # order a single compound would have.
    mixture = f"CNC(C)Cc1ccc2c(c1)OCO2.Cl.{ALPHA_PHP}.Cl"
    result = handle_lab_result(lab("S-1", mixture, CAFFEINE), None, DEPS)
    assert not result.rejections
    detected = [e.event for e in result.emits]
    assert [d.data.canonical_smiles for d in detected] == [
        ALPHA_PHP,
        "CNC(C)Cc1ccc2c(c1)OCO2",
        standardise(CAFFEINE).canonical_smiles,
    ]
    assert [d.id for d in detected] == [
        "KZ:lab:S-1@12/0/sample:S-1",
        "KZ:lab:S-1@12/0/1/sample:S-1",
        "KZ:lab:S-1@12/1/sample:S-1",
    ]
    seqs = [d.data.order.seq for d in detected]
    assert seqs == sorted(seqs) and len(set(map(tuple, seqs))) == 3


def test_a_mixture_of_more_compounds_than_a_lab_reports_is_refused_with_its_field():
    from stress.hostile import CROWDED_MIXTURE

    result = handle_lab_result(lab("S-1", ".".join(CROWDED_MIXTURE), ALPHA_PHP), None, DEPS)
    [rejection] = result.rejections
    assert rejection.field == "data.substances[0].structure"
    assert "ambiguous_mixture" in rejection.reason
    assert [e.event.data.canonical_smiles for e in result.emits] == [ALPHA_PHP]
