"""A dead letter builds for any message: ids that only look valid must not break it.

Regression: ``dead_letter_for`` copied the original's id, type and jurisdiction when Python thought
them valid, but the dead letter validates them with pydantic's rules. ``str.strip()`` removes
U+001C..U+001F and pydantic's does not, and ``json.loads`` admits lone surrogates that pydantic
refuses, so such a message raised ValidationError while being dead-lettered: the service's agent
crashed and stopped consuming (found by tests/stress/test_hostile_input.py).
"""

from __future__ import annotations

import json

import pytest

from contracts.codec import decode
from contracts.dead_letter import dead_letter_for
from contracts.errors import ContractError, ErrorClass

UNUSUAL = {
    "id: separator + 128 characters": (b'"id"', json.dumps("\x1f" + "a" * 128).encode()),
    "id: lone surrogate": (b'"id"', b'"\\ud800Z-1"'),
    "type: lone surrogate": (b'"type"', b'"\\ud800aw.seizure.reported.v1"'),
    "type: separator + 128 characters": (b'"type"', json.dumps("\x1d" + "t" * 128).encode()),
}


@pytest.mark.parametrize("case", list(UNUSUAL), ids=list(UNUSUAL))
def test_a_message_with_an_unusual_id_or_type_is_dead_lettered(case, doc_of, now):
    field, value = UNUSUAL[case]
    doc = doc_of("aw.seizure.reported.v1")
    raw = json.dumps(doc).encode()
    start = raw.index(field + b": ") + len(field) + 2
    end = raw.index(b'"', start + 1) + 1
    raw = raw[:start] + value + raw[end:]
    with pytest.raises(ContractError) as caught:
        decode(raw, now=now)

    dl = dead_letter_for(
        raw, source_topic="aw.seizures", partition=0, offset=1, key=b"Z-1",
        error=caught.value, service="substance_resolver", now=now,
    )  # fmt: skip

    assert dl.data.error_class in (ErrorClass.SCHEMA_VIOLATION, ErrorClass.UNKNOWN_TYPE)
    assert dl.data.original_id in (None, doc["id"])
    assert dl.data.original_type in (None, doc["type"])


def test_valid_ids_are_still_copied_stripped(doc_of, now):
    doc = {**doc_of("aw.seizure.reported.v1"), "id": "  Z-1  ", "jurisdiction": "XX"}
    raw = json.dumps(doc).encode()
    dl = dead_letter_for(
        raw, source_topic="aw.seizures", partition=0, offset=1, key=b"Z-1",
        error=ContractError("schema_violation", "jurisdiction"), service="s", now=now,
    )  # fmt: skip
    assert (dl.data.original_id, dl.data.original_type) == ("Z-1", "aw.seizure.reported.v1")
    assert dl.jurisdiction is None
