"""The published JSON Schemas agree with the models: what one accepts the other accepts.

An agency validating against ``contracts/schemas/`` must not be surprised by our decoder. Needs the
``jsonschema`` package (a dev dependency); skipped without it.
"""

from __future__ import annotations

import json
import re

import pytest

from contracts.codec import encode
from contracts.events import EVENT_MODELS
from contracts.publish import CONTRACTS_DIR

jsonschema = pytest.importorskip("jsonschema")


def validator(type_: str):
    schema = json.loads((CONTRACTS_DIR / "schemas" / f"{type_}.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("type_", list(EVENT_MODELS))
def test_every_valid_example_is_valid_against_its_published_schema(examples, type_):
    validator(type_).validate(json.loads(encode(examples[type_])))


@pytest.mark.parametrize(
    ("type_", "path", "value"),
    [
        ("aw.seizure.reported.v1", ("data", "channel"), "ship"),
        ("aw.seizure.reported.v1", ("jurisdiction",), "XK"),
        ("aw.seizure.reported.v1", ("id",), ""),
        ("aw.seizure.reported.v1", ("type",), "aw.seizure.reported.v2"),
        ("aw.lab-result.reported.v1", ("data", "method"), "HPLC"),
        ("aw.alert.raised.v1", ("data", "version"), 0),
        ("aw.alert.raised.v1", ("data", "x_debug"), 1),
    ],
)
def test_the_schema_rejects_what_the_decoder_rejects(doc_of, type_, path, value):
    doc = doc_of(type_)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value

    assert not validator(type_).is_valid(doc)


def test_the_schema_requires_the_type(doc_of):
    doc = doc_of("aw.seizure.reported.v1")
    del doc["type"]

    assert not validator("aw.seizure.reported.v1").is_valid(doc)


def test_every_example_in_the_guide_is_valid_against_its_published_schema():
    guide = (CONTRACTS_DIR / "GUIDE.md").read_text(encoding="utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", guide, flags=re.DOTALL)]

    for doc in blocks:
        validator(doc["type"]).validate(doc)
    assert blocks
