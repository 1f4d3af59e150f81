"""Every event type survives encode -> decode unchanged, and lands on a topic under its key."""

from __future__ import annotations

import json

import pytest

from contracts.codec import decode, encode
from contracts.events import EVENT_MODELS
from contracts.topics import topic_for_type


def test_there_is_an_example_of_every_event_type(examples):
    assert sorted(examples) == sorted(EVENT_MODELS)


@pytest.mark.parametrize("type_", list(EVENT_MODELS))
def test_round_trip(examples, now, type_):
    event = examples[type_]

    decoded = decode(encode(event), now=now)

    assert type(decoded) is EVENT_MODELS[type_]
    assert decoded == event


@pytest.mark.parametrize("type_", list(EVENT_MODELS))
def test_encoded_event_is_compact_utf8_json_with_its_type(examples, type_):
    raw = encode(examples[type_])

    parsed = json.loads(raw.decode("utf-8"))
    assert parsed["type"] == type_
    assert raw == json.dumps(parsed, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_non_ascii_text_is_written_as_utf8_not_escaped(examples):
    raw = encode(examples["aw.seizure.reported.v1"])

    assert "Алматы".encode() in raw


@pytest.mark.parametrize(
    ("type_", "key"),
    [
        ("aw.seizure.reported.v1", "KZ-ALM-2026-000317"),
        ("aw.lab-result.reported.v1", "S-4410"),
        ("aw.legislation.amendment-proposed.v1", "KZ"),
        ("aw.legislation.amendment-withdrawn.v1", "BY"),
        ("aw.seizure.item-linked.v1", "S-4410"),
        ("aw.substance.detected.v1", "UOZWZANRCOALQL"),
        ("aw.schedule.snapshot.v1", "KZ"),
        ("aw.schedule.changed.v1", "UOZWZANRCOALQL"),
        ("aw.monitor.sweep-requested.v1", "4"),
        ("aw.alert.resolved.v1", "KZ-UOZWZANRCOALQL"),
        ("aw.partner.notified.v1", "KZ-UOZWZANRCOALQL"),
        ("aw.dead-letter.v1", "aw.seizures"),
    ],
)
def test_each_event_is_keyed_as_its_topic_declares(examples, type_, key):
    assert topic_for_type(type_).key_of(examples[type_]) == key


def test_a_lab_result_and_the_item_it_analysed_share_a_key(examples):
    lab = examples["aw.lab-result.reported.v1"]
    item = examples["aw.seizure.item-linked.v1"]

    assert topic_for_type(lab.type).key_of(lab) == topic_for_type(item.type).key_of(item)


def test_a_detection_and_a_schedule_change_of_one_substance_share_a_key(examples):
    detected = examples["aw.substance.detected.v1"]
    changed = examples["aw.schedule.changed.v1"]

    assert topic_for_type(detected.type).key_of(detected) == topic_for_type(changed.type).key_of(
        changed
    )


def test_events_are_frozen(examples):
    event = examples["aw.seizure.reported.v1"]

    with pytest.raises(ValueError, match="frozen"):
        event.id = "other"  # type: ignore[misc]
