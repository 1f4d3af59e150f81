"""Every service dead-letters the same way, with enough to find and fix the message."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from contracts.codec import MAX_MESSAGE_BYTES, decode, encode
from contracts.dead_letter import EXCERPT_CHARS, DeadLettered, dead_letter_for, original_bytes
from contracts.errors import ContractError, ErrorClass


def dead_letter(raw: bytes, error: BaseException, now, **origin) -> DeadLettered:
    where = {"source_topic": "aw.seizures", "partition": 3, "offset": 99, "key": b"Z-1"}
    return dead_letter_for(
        raw, **{**where, **origin}, error=error, service="substance_resolver", now=now
    )


def rejection(raw: bytes, now) -> ContractError:
    with pytest.raises(ContractError) as caught:
        decode(raw, now=now)
    return caught.value


def test_a_contract_error_keeps_its_class_field_and_reason(doc_of, now):
    doc = doc_of("aw.seizure.reported.v1")
    doc["data"]["channel"] = "ship"
    raw = json.dumps(doc).encode()

    dl = dead_letter(raw, rejection(raw, now), now)

    assert dl.data.error_class is ErrorClass.SCHEMA_VIOLATION
    assert dl.data.field == "data.channel"
    assert dl.data.reason.startswith("data.channel: 'ship' is not one of website")
    assert (dl.data.original, dl.data.original_encoding, dl.data.truncated) == (
        raw.decode(),
        "utf-8",
        False,
    )
    assert dl.data.original_size_bytes == len(raw)
    assert dl.data.original_sha256 == hashlib.sha256(raw).hexdigest()
    assert (dl.data.original_id, dl.data.original_type) == (doc["id"], doc["type"])
    assert dl.jurisdiction == "KZ"
    assert (dl.data.source_topic, dl.data.source_partition, dl.data.source_offset) == (
        "aw.seizures",
        3,
        99,
    )
    assert dl.data.source_key == "Z-1"
    assert dl.data.service == dl.source == "substance_resolver"
    assert dl.data.failed_at == dl.time == now


def test_any_other_exception_is_an_internal_error_that_says_to_replay(now):
    dl = dead_letter(b"{}", ZeroDivisionError("division by zero"), now)

    assert dl.data.error_class is ErrorClass.INTERNAL_ERROR
    assert dl.data.reason == (
        "substance_resolver failed while processing this message (ZeroDivisionError: division "
        "by zero). The message itself may be valid: fix the service, then replay it from the "
        "dead-letter topic."
    )


def test_an_oversized_message_keeps_a_bounded_excerpt_and_the_hash_of_the_whole(now):
    raw = b'{"data": "' + "ж".encode() * MAX_MESSAGE_BYTES + b'"}'

    dl = dead_letter(raw, rejection(raw, now), now)

    assert dl.data.error_class is ErrorClass.OVERSIZED
    assert dl.data.truncated
    assert len(dl.data.original) <= EXCERPT_CHARS
    assert raw.startswith(dl.data.original.encode())  # a split character at the cut is dropped
    assert dl.data.original_size_bytes == len(raw)
    assert dl.data.original_sha256 == hashlib.sha256(raw).hexdigest()
    assert len(encode(dl)) < 2 * EXCERPT_CHARS


def test_a_message_that_is_not_utf8_is_kept_as_base64(now):
    raw = '{"region": "Алматы"}'.encode("cp1251")

    dl = dead_letter(raw, rejection(raw, now), now)

    assert dl.data.error_class is ErrorClass.MALFORMED_JSON
    assert dl.data.original_encoding == "base64"
    assert base64.b64decode(dl.data.original) == raw == original_bytes(dl.data)
    assert dl.jurisdiction is None and dl.data.original_type is None


def test_a_huge_binary_message_is_truncated_before_base64(now):
    raw = b"\xff" * (EXCERPT_CHARS * 2)

    dl = dead_letter(raw, rejection(raw, now), now)

    assert dl.data.truncated
    assert len(dl.data.original) == EXCERPT_CHARS
    assert raw.startswith(original_bytes(dl.data))


def test_the_same_failure_replayed_gets_the_same_id_and_another_offset_does_not(now):
    first = dead_letter(b"x", ValueError("x"), now)
    again = dead_letter(b"x", ValueError("x"), now)
    other = dead_letter(b"x", ValueError("x"), now, offset=100)

    assert first.id == again.id != other.id


def test_each_rejection_of_one_message_gets_its_own_stable_id(now):
    # A lab result with two bad structures: two dead letters a consumer deduplicating by id keeps.
    parts = [dead_letter(b"x", ValueError("x"), now, part=p).id for p in (0, 1, 2)]
    again = [dead_letter(b"x", ValueError("x"), now, part=p).id for p in (0, 1, 2)]

    assert len(set(parts)) == 3
    assert parts == again
    assert parts[0] == dead_letter(b"x", ValueError("x"), now).id  # part 0: the id as before


def test_a_dead_letter_is_a_valid_event_keyed_by_its_source_topic(now):
    dl = dead_letter(b"\x00" * 10, ValueError("x"), now, source_topic="aw.lab-results", key=None)

    assert decode(encode(dl), now=now) == dl
    assert dl.data.source_key is None


def test_a_long_or_binary_key_is_kept_as_a_readable_excerpt(now):
    dl = dead_letter(b"{}", ValueError("x"), now, key=b"\xff" + b"k" * 1000)

    assert dl.data.source_key.startswith("\\xffkkk")
    assert len(dl.data.source_key) == 256


def test_an_unreadable_jurisdiction_in_the_original_is_left_out(now):
    dl = dead_letter(b'{"jurisdiction": "Kazakhstan", "id": ""}', ValueError("x"), now)

    assert dl.jurisdiction is None
    assert dl.data.original_id is None
