"""The committed JSON Schemas and AsyncAPI document match the models and the topic table."""

from __future__ import annotations

import json

import pytest
import yaml

from contracts.codec import encode
from contracts.events import EVENT_MODELS, INCOMING_TYPES
from contracts.publish import (
    CONTRACTS_DIR,
    artifacts,
    asyncapi_document,
    drift,
    main,
    to_yaml,
    write,
)
from contracts.topics import PROGRESS, PROGRESS_KEY, TOPICS

GENERATED = artifacts()


@pytest.mark.parametrize("path", sorted(GENERATED))
def test_committed_artifact_matches_the_code(path):
    committed = CONTRACTS_DIR / path

    assert committed.is_file(), f"contracts/{path} is missing: run python -m contracts.publish"
    assert committed.read_text(encoding="utf-8") == GENERATED[path], (
        f"contracts/{path} drifted from the models: run python -m contracts.publish and commit"
    )


def test_there_is_one_schema_per_event_type_and_nothing_else():
    committed = sorted(p.name for p in (CONTRACTS_DIR / "schemas").iterdir())

    assert committed == sorted(f"{t}.json" for t in EVENT_MODELS)


def test_drift_is_detected_and_write_repairs_it(tmp_path):
    write(tmp_path)
    (tmp_path / "schemas" / "aw.seizure.reported.v1.json").write_text("{}")
    (tmp_path / "schemas" / "aw.seizure.reported.v0.json").write_text("{}")

    assert drift(tmp_path) == [
        "schemas/aw.seizure.reported.v0.json",
        "schemas/aw.seizure.reported.v1.json",
    ]
    write(tmp_path)
    assert drift(tmp_path) == []


def test_check_mode_passes_on_the_committed_files():
    assert main(["--check"]) == 0


@pytest.mark.parametrize("type_", list(EVENT_MODELS))
def test_schema_requires_the_envelope_and_pins_the_type(type_):
    schema = json.loads(GENERATED[f"schemas/{type_}.json"])

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["type"]["const"] == type_
    assert {"type", "id", "source", "time", "published", "data"} <= set(schema["required"])


@pytest.mark.parametrize("type_", list(EVENT_MODELS))
def test_schema_states_the_unknown_field_policy(type_):
    schema = json.loads(GENERATED[f"schemas/{type_}.json"])
    data = schema["$defs"][schema["properties"]["data"]["$ref"].rsplit("/", 1)[1]]

    forbids = schema.get("additionalProperties") is False and data["additionalProperties"] is False
    assert forbids is (type_ not in INCOMING_TYPES)


@pytest.mark.parametrize("type_", list(EVENT_MODELS))
def test_every_example_names_only_properties_its_schema_declares(examples, type_):
    schema = json.loads(GENERATED[f"schemas/{type_}.json"])

    assert set(json.loads(encode(examples[type_]))) <= set(schema["properties"])


def test_asyncapi_is_valid_yaml_of_the_generated_document():
    text = (CONTRACTS_DIR / "asyncapi.yaml").read_text(encoding="utf-8")

    assert yaml.safe_load(text) == asyncapi_document()


def test_asyncapi_declares_every_topic_with_its_key_partitions_and_messages():
    doc = asyncapi_document()

    assert doc["asyncapi"] == "3.0.0"
    assert list(doc["channels"]) == [topic.name for topic in TOPICS]
    for topic in TOPICS:
        channel = doc["channels"][topic.name]
        kafka = channel["bindings"]["kafka"]
        assert kafka["partitions"] == topic.partitions
        assert kafka["topicConfiguration"] == {
            "cleanup.policy": [topic.cleanup_policy],
            "retention.ms": topic.retention_ms,
        }
        assert topic.key in channel["description"]
        assert list(channel["messages"]) == list(topic.value_types)
        for type_ in topic.value_types:
            message = doc["components"]["messages"][type_]
            assert message["payload"] == {"$ref": f"schemas/{type_}.json"}
            key = PROGRESS_KEY if type_ == PROGRESS else topic.key
            assert message["bindings"]["kafka"]["key"]["description"] == key


def test_asyncapi_operations_cover_every_producer_and_consumer_with_valid_refs():
    doc = asyncapi_document()

    expected = {
        (action, topic.name)
        for topic in TOPICS
        for action, who in (("send", topic.producers), ("receive", topic.consumers))
        for _ in who
    }
    seen = set()
    for operation in doc["operations"].values():
        channel = operation["channel"]["$ref"].removeprefix("#/channels/")
        seen.add((operation["action"], channel))
        for ref in operation["messages"]:
            _, _, name, _, type_ = ref["$ref"].split("/")
            assert name == channel and type_ in doc["channels"][channel]["messages"]
    assert seen == expected


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "yes",
        "3.0.0",
        "#/ref",
        "a: b",
        "",
        " lead",
        "trail ",
        "x # y",
        "multi\nline",
        "Алматы",
        "-1",
        "null",
        "{x}",
        "'q'",
        '"dq"',
    ],
)
def test_yaml_emitter_round_trips_awkward_strings(value):
    doc = {"k": value, "list": [value, {"n": value}], value or "empty": 1}

    assert yaml.safe_load(to_yaml(doc)) == doc
