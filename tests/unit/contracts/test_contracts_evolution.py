"""A breaking change is a new type version plus an upcaster from the old one."""

from __future__ import annotations

import json

import pytest

from contracts.codec import UPCASTERS, decode, register_upcaster
from contracts.errors import ContractError, ErrorClass
from contracts.seizure import SeizureReported


def seizure_v0_to_v1(doc: dict) -> dict:
    """Hypothetical v0: masses were kilograms in ``weight_kg``; v1 has grams in ``mass_g``."""
    items = [
        {**{k: v for k, v in item.items() if k != "weight_kg"}, "mass_g": item["weight_kg"] * 1000}
        for item in doc["data"]["items"]
    ]
    return {**doc, "type": "aw.seizure.reported.v1", "data": {**doc["data"], "items": items}}


@pytest.fixture
def v0_registered(monkeypatch):
    monkeypatch.setitem(UPCASTERS, "aw.seizure.reported.v0", seizure_v0_to_v1)


def v0_seizure(doc_of) -> dict:
    doc = doc_of("aw.seizure.reported.v1")
    doc["type"] = "aw.seizure.reported.v0"
    for item in doc["data"]["items"]:
        item["weight_kg"] = item.pop("mass_g") / 1000
    return doc


def test_an_old_version_is_upcast_to_the_current_model(v0_registered, doc_of, examples, now):
    event = decode(json.dumps(v0_seizure(doc_of)).encode(), now=now)

    assert isinstance(event, SeizureReported)
    assert event == examples["aw.seizure.reported.v1"]


def test_upcasters_chain_until_the_type_is_current(v0_registered, monkeypatch, doc_of, now):
    def older_to_v0(doc: dict) -> dict:
        return {**doc, "type": "aw.seizure.reported.v0"}

    monkeypatch.setitem(UPCASTERS, "aw.seizure.reported.v-1", older_to_v0)
    doc = {**v0_seizure(doc_of), "type": "aw.seizure.reported.v-1"}

    assert decode(json.dumps(doc).encode(), now=now).type == "aw.seizure.reported.v1"


def test_the_upcast_result_is_validated_like_any_event(v0_registered, doc_of, now):
    doc = v0_seizure(doc_of)
    doc["data"]["items"][0]["weight_kg"] = -1

    with pytest.raises(ContractError) as caught:
        decode(json.dumps(doc).encode(), now=now)

    assert "data.items[0].mass_g: must be >= 0 (got -1000)" in caught.value.reason


def test_an_old_document_the_upcaster_cannot_read_is_a_schema_violation(v0_registered, doc_of, now):
    doc = v0_seizure(doc_of)
    del doc["data"]["items"][0]["weight_kg"]

    with pytest.raises(ContractError) as caught:
        decode(json.dumps(doc).encode(), now=now)

    assert caught.value.error_class is ErrorClass.SCHEMA_VIOLATION
    assert caught.value.reason.startswith(
        "type: cannot upgrade this aw.seizure.reported.v0 event to the current version (KeyError"
    )


def test_without_an_upcaster_an_old_version_is_an_unknown_type(doc_of, now):
    with pytest.raises(ContractError) as caught:
        decode(json.dumps(v0_seizure(doc_of)).encode(), now=now)

    assert caught.value.error_class is ErrorClass.UNKNOWN_TYPE


def test_accept_applies_to_the_upcast_type(v0_registered, doc_of, now):
    raw = json.dumps(v0_seizure(doc_of)).encode()

    event = decode(raw, now=now, accept=frozenset({"aw.seizure.reported.v1"}))

    assert event.type == "aw.seizure.reported.v1"


def test_a_current_type_cannot_be_given_an_upcaster():
    with pytest.raises(ValueError, match="is a current type"):
        register_upcaster("aw.seizure.reported.v1")(seizure_v0_to_v1)


def test_no_upcaster_is_registered_in_production():
    # v1 is the first published version of every type: an upcaster here would accept
    # a type nobody ever published.
    assert UPCASTERS == {}
