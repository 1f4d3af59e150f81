"""Invalid messages are rejected with the error class, the field and the rule they break."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from contracts.codec import CLOCK_SKEW, MAX_MESSAGE_BYTES, decode
from contracts.errors import ContractError, ErrorClass
from contracts.events import INCOMING_TYPES

DELETE = object()
SEIZURE = "aw.seizure.reported.v1"
LAB = "aw.lab-result.reported.v1"
PROPOSED = "aw.legislation.amendment-proposed.v1"
ENACTED = "aw.legislation.amendment-enacted.v1"
STAGE = "aw.legislation.stage-changed.v1"
ALERT = "aw.alert.raised.v1"
SV = ErrorClass.SCHEMA_VIOLATION


def mutate(doc: dict, path: str, value: object) -> dict:
    """Set (or with DELETE remove) the value at a dotted path such as ``data.items[0].mass_g``."""
    steps = [int(s) if s.isdigit() else s for s in re.findall(r"[^.\[\]]+", path)]
    parent = doc
    for step in steps[:-1]:
        parent = parent[step]
    if value is DELETE:
        del parent[steps[-1]]
    else:
        parent[steps[-1]] = value
    return doc


# (type, path, new value, error class, field, substring of the reason)
INVALID = [
    (
        SEIZURE,
        "data.channel",
        "ship",
        SV,
        "data.channel",
        "data.channel: 'ship' is not one of website, messenger, post, courier, dead_drop, "
        "border_crossing, street",
    ),
    (
        SEIZURE,
        "data.items[0].form",
        "goo",
        SV,
        "data.items[0].form",
        "'goo' is not one of powder, crystals, tablets, capsules, liquid, herbal, blotter, other",
    ),
    (
        SEIZURE,
        "data.items[0].mass_g",
        -0.5,
        SV,
        "data.items[0].mass_g",
        "data.items[0].mass_g: must be >= 0 (got -0.5)",
    ),
    (
        SEIZURE,
        "data.items[0].mass_g",
        "4.85",
        SV,
        "data.items[0].mass_g",
        "data.items[0].mass_g: must be a number (got a JSON string)",
    ),
    (SEIZURE, "data.items", [], SV, "data.items", "data.items: must have at least 1 item"),
    (
        SEIZURE,
        "data.items",
        [{"sample_id": f"S{i}", "form": "powder", "mass_g": 1} for i in range(501)],
        SV,
        "data.items",
        "data.items: must have at most 500 items (got 501)",
    ),
    (
        SEIZURE,
        "data.items[0].sample_id",
        "",
        SV,
        "data.items[0].sample_id",
        "data.items[0].sample_id: must not be empty",
    ),
    (SEIZURE, "id", "   ", SV, "id", "id: must not be empty"),
    (SEIZURE, "id", "x" * 129, SV, "id", "id: must be at most 128 characters (got 129)"),
    (SEIZURE, "correlation_id", "c" * 200, SV, "correlation_id", "at most 128 characters"),
    (SEIZURE, "source", DELETE, SV, "source", "source: is required"),
    (SEIZURE, "data", DELETE, SV, "data", "data: is required"),
    (SEIZURE, "data.seizure_id", DELETE, SV, "data.seizure_id", "data.seizure_id: is required"),
    (SEIZURE, "data.region", "", SV, "data.region", "data.region: must not be empty"),
    (
        SEIZURE,
        "jurisdiction",
        "kz",
        SV,
        "jurisdiction",
        "jurisdiction: 'kz' is not an ISO 3166-1 alpha-2 country code",
    ),
    (SEIZURE, "jurisdiction", "XK", SV, "jurisdiction", "'XK' is not an ISO 3166-1 alpha-2"),
    (SEIZURE, "jurisdiction", "KAZ", SV, "jurisdiction", "'KAZ' is not an ISO 3166-1 alpha-2"),
    (
        SEIZURE,
        "time",
        "2026-03-14T22:40:00",
        SV,
        "time",
        "time: must include a timezone offset, e.g. 2026-03-01T10:00:00+05:00",
    ),
    (
        SEIZURE,
        "data.seized_at",
        "14.03.2026 22:40",
        SV,
        "data.seized_at",
        "data.seized_at: must be an ISO 8601 date-time",
    ),
    (SEIZURE, "data.seized_at", 1773510000, SV, "data.seized_at", "must be an ISO 8601 date-time"),
    (
        LAB,
        "data.method",
        "HPLC",
        SV,
        "data.method",
        "data.method: 'HPLC' is not one of GC-MS, LC-MS/MS, LC-HRMS, NMR, FTIR, Raman, other",
    ),
    (
        LAB,
        "data.substances[0].structure",
        {},
        SV,
        "data.substances[0].structure",
        "data.substances[0].structure: give at least one of smiles, inchi, molblock",
    ),
    (
        LAB,
        "data.substances[0].structure.smiles",
        "C" * 4097,
        SV,
        "data.substances[0].structure.smiles",
        "must be at most 4096 characters (got 4097)",
    ),
    (
        LAB,
        "data.substances[0].structure.inchi",
        "1S/CH4/h1H4",
        SV,
        "data.substances[0].structure.inchi",
        "must start with 'InChI='",
    ),
    (
        LAB,
        "data.substances[0].structure.molblock",
        "x" * 65537,
        SV,
        "data.substances[0].structure.molblock",
        "must be at most 65536 characters",
    ),
    (
        LAB,
        "data.substances[0].confidence",
        1.5,
        SV,
        "data.substances[0].confidence",
        "data.substances[0].confidence: must be <= 1 (got 1.5)",
    ),
    (
        LAB,
        "data.substances",
        [],
        SV,
        "data",
        "data: list at least one substance, or set nothing_identified to true",
    ),
    (
        LAB,
        "data.nothing_identified",
        True,
        SV,
        "data",
        "nothing_identified is true but substances are listed",
    ),
    (
        PROPOSED,
        "data.instrument",
        "edict",
        SV,
        "data.instrument",
        "data.instrument: 'edict' is not one of law, government_decree, ministerial_order",
    ),
    (
        PROPOSED,
        "data.substances",
        [],
        SV,
        "data",
        "name at least one substance or group definition",
    ),
    (PROPOSED, "data.substances[0].name", DELETE, SV, "data.substances[0].name", "is required"),
    (
        ENACTED,
        "data.expires",
        "2026-06-30",
        SV,
        "data",
        "expires (2026-06-30) must be after effective_from (2026-07-01)",
    ),
    (
        ENACTED,
        "data.effective_from",
        "01.07.2026",
        SV,
        "data.effective_from",
        "data.effective_from: must be a date YYYY-MM-DD",
    ),
    (
        "aw.legislation.baseline-listed.v1",
        "data.group_definitions[0].smarts",
        "c" * 4097,
        SV,
        "data.group_definitions[0].smarts",
        "must be at most 4096 characters",
    ),
    (
        "aw.legislation.baseline-listed.v1",
        "data.group_definitions[0].exclusions",
        [""],
        SV,
        "data.group_definitions[0].exclusions[0]",
        "must not be empty",
    ),
    (STAGE, "data.stage", "", SV, "data.stage", "data.stage: must not be empty"),
    (STAGE, "data.stage", "s" * 65, SV, "data.stage", "must be at most 64 characters"),
    (
        "aw.legislation.amendment-rejected.v1",
        "data.reason",
        DELETE,
        SV,
        "data.reason",
        "data.reason: is required",
    ),
    (
        ALERT,
        "data.status",
        "resolved",
        SV,
        None,
        "data.status must be 'open' on aw.alert.raised.v1, not 'resolved'",
    ),
    (ALERT, "data.version", 0, SV, "data.version", "data.version: must be >= 1 (got 0)"),
    (
        ALERT,
        "data.substance_key",
        "alpha-PiHP",
        SV,
        "data.substance_key",
        "data.substance_key: must match",
    ),
    (
        ALERT,
        "data.nearest_listed[0].similarity",
        1.2,
        SV,
        "data.nearest_listed[0].similarity",
        "must be <= 1",
    ),
    (
        ALERT,
        "data.seizure_ids",
        [f"Z{i}" for i in range(51)],
        SV,
        "data.seizure_ids",
        "data.seizure_ids: must have at most 50 items (got 51)",
    ),
    (
        ALERT,
        "data.pending_amendments[0].covers_by",
        "smell",
        SV,
        "data.pending_amendments[0]",
        "covers_by must be 'name' or 'group:<group name>'",
    ),
    (ALERT, "data.last_seen", "2026-01-01T00:00:00Z", SV, "data", "is before first_seen"),
    (
        ALERT,
        "data.foreign_sightings[0].jurisdiction",
        "SU",
        SV,
        "data.foreign_sightings[0].jurisdiction",
        "'SU' is not an ISO 3166-1 alpha-2",
    ),
    ("aw.substance.detected.v1", "data.channel", "ship", SV, "data.channel", "is not one of"),
    (
        "aw.schedule.changed.v1",
        "data.change",
        "amended",
        SV,
        "data.change",
        "'amended' is not one of proposed, stage_changed, enacted, rejected, withdrawn, baseline",
    ),
    (
        "aw.schedule.snapshot.v1",
        "data.amendments[0].status",
        "draft",
        SV,
        "data.amendments[0].status",
        "is not one of pending, enacted, rejected, withdrawn, lapsed",
    ),
    (
        "aw.dead-letter.v1",
        "data.error_class",
        "oops",
        SV,
        "data.error_class",
        "'oops' is not one of malformed_json, not_an_object, unknown_type, schema_violation, "
        "oversized, invalid_structure, internal_error",
    ),
    ("aw.dead-letter.v1", "data.original_sha256", "abc", SV, "data.original_sha256", "must match"),
    (
        SEIZURE,
        "type",
        "aw.seizure.reported.v2",
        ErrorClass.UNKNOWN_TYPE,
        "type",
        "type: 'aw.seizure.reported.v2' is not a known event type; agencies publish: "
        "aw.lab-result.reported.v1, aw.legislation.amendment-enacted.v1",
    ),
    (SEIZURE, "type", 1, SV, "type", "type: must be a string (got a JSON number)"),
    (SEIZURE, "type", DELETE, SV, "type", "type: is required"),
]


@pytest.mark.parametrize(
    ("type_", "path", "value", "error_class", "field", "reason"),
    INVALID,
    ids=[f"{row[0].split('.', 1)[1]}:{row[1]}={str(row[2])[:20]}" for row in INVALID],
)
def test_invalid_example_is_rejected_naming_field_and_rule(
    doc_of, now, type_, path, value, error_class, field, reason
):
    raw = json.dumps(mutate(doc_of(type_), path, value)).encode()

    with pytest.raises(ContractError) as caught:
        decode(raw, now=now)

    assert caught.value.error_class is error_class
    assert caught.value.field == field
    assert reason in caught.value.reason


def test_several_violations_are_listed_and_counted(doc_of, now):
    doc = doc_of(SEIZURE)
    for name in ("id", "source", "time", "published"):
        del doc[name]

    with pytest.raises(ContractError) as caught:
        decode(json.dumps(doc).encode(), now=now)

    assert caught.value.reason == (
        "id: is required; source: is required; time: is required (and 1 more)"
    )


@pytest.mark.parametrize("type_", [SEIZURE, LAB, PROPOSED])
def test_incoming_events_ignore_unknown_fields_at_every_level(doc_of, now, type_):
    doc = doc_of(type_)
    doc["x_agency_batch"] = "2026-03"
    doc["data"]["x_internal_ref"] = 17

    event = decode(json.dumps(doc).encode(), now=now)

    assert "x_agency_batch" not in event.model_dump()
    assert "x_internal_ref" not in event.data.model_dump()


def test_unknown_fields_on_a_seized_item_are_dropped_not_kept(doc_of, now):
    doc = doc_of(SEIZURE)
    doc["data"]["items"][0]["suspect_name"] = "should never be stored"

    event = decode(json.dumps(doc).encode(), now=now)

    assert "should never be stored" not in event.model_dump_json()


@pytest.mark.parametrize(
    ("type_", "path"),
    [
        (ALERT, "x_debug"),
        (ALERT, "data.x_debug"),
        (ALERT, "data.rules_fired[0].x_debug"),
        ("aw.substance.detected.v1", "data.x_debug"),
        ("aw.schedule.snapshot.v1", "data.listings[0].x_debug"),
        ("aw.dead-letter.v1", "data.x_debug"),
    ],
)
def test_outgoing_events_reject_unknown_fields(doc_of, now, type_, path):
    raw = json.dumps(mutate(doc_of(type_), path, 1)).encode()

    with pytest.raises(ContractError) as caught:
        decode(raw, now=now)

    assert caught.value.field == path
    assert f"{path}: is not a field of this event" in caught.value.reason


@pytest.mark.parametrize(
    ("type_", "path"),
    [
        (SEIZURE, "time"),
        (SEIZURE, "published"),
        (SEIZURE, "data.seized_at"),
        (LAB, "data.analysed_at"),
        ("aw.dead-letter.v1", "data.failed_at"),
    ],
)
def test_times_beyond_the_clock_skew_allowance_are_rejected(doc_of, now, type_, path):
    too_late = now + CLOCK_SKEW + dt.timedelta(seconds=1)
    raw = json.dumps(mutate(doc_of(type_), path, too_late.isoformat())).encode()

    with pytest.raises(ContractError) as caught:
        decode(raw, now=now)

    assert caught.value.error_class is SV
    assert caught.value.field == path
    assert f"{path}: {too_late.isoformat()} is in the future" in caught.value.reason


def test_times_within_the_clock_skew_allowance_are_accepted(doc_of, now):
    nearly = (now + CLOCK_SKEW).astimezone(dt.timezone(dt.timedelta(hours=5)))
    doc = doc_of(SEIZURE)
    doc["time"] = doc["published"] = doc["data"]["seized_at"] = nearly.isoformat()

    assert decode(json.dumps(doc).encode(), now=now).time == nearly


def test_future_is_judged_by_the_instant_not_the_wall_clock(doc_of, now):
    # 16:30 in Almaty (+05:00) is 11:30 UTC: before `now` (12:00 UTC), so not in the future.
    doc = doc_of(SEIZURE)
    doc["published"] = now.replace(hour=16, minute=30, tzinfo=None).isoformat() + "+05:00"

    decode(json.dumps(doc).encode(), now=now)


@pytest.mark.parametrize("where", ["time", "published", "data.seized_at"])
def test_a_time_before_1900_is_rejected_with_the_field_named(doc_of, now, where):
    # A zeroed date (year 1) used to pass intake and overflow the monitor's window arithmetic.
    doc = doc_of(SEIZURE)
    if where.startswith("data."):
        doc["data"][where.removeprefix("data.")] = "0001-01-01T00:00:00+00:00"
    else:
        doc[where] = "0001-01-01T00:00:00+00:00"

    with pytest.raises(ContractError) as caught:
        decode(json.dumps(doc).encode(), now=now)

    assert caught.value.error_class is ErrorClass.SCHEMA_VIOLATION
    assert caught.value.field == where
    assert "before 1900" in caught.value.reason


def test_the_first_instant_of_1900_is_accepted(doc_of, now):
    doc = doc_of(SEIZURE)
    doc["time"] = "1900-01-01T00:00:00+00:00"

    assert decode(json.dumps(doc).encode(), now=now).time.year == 1900


def test_now_must_be_timezone_aware(doc_of):
    with pytest.raises(ValueError, match="timezone-aware"):
        decode(json.dumps(doc_of(SEIZURE)).encode(), now=dt.datetime(2026, 6, 1))


def test_oversized_message_is_rejected_before_parsing(now):
    raw = b"{" + b" " * MAX_MESSAGE_BYTES  # not even JSON: the size check comes first

    with pytest.raises(ContractError) as caught:
        decode(raw, now=now)

    assert caught.value.error_class is ErrorClass.OVERSIZED
    assert f"message is {MAX_MESSAGE_BYTES + 1} bytes; the limit is {MAX_MESSAGE_BYTES}" in (
        caught.value.reason
    )


def test_a_message_of_exactly_the_limit_is_read(doc_of, now):
    raw = json.dumps(doc_of(SEIZURE)).encode()
    padded = raw + b" " * (MAX_MESSAGE_BYTES - len(raw))

    assert decode(padded, now=now).type == SEIZURE


def test_non_utf8_message_is_rejected_as_malformed(doc_of, now):
    raw = json.dumps(doc_of(SEIZURE), ensure_ascii=False).encode("utf-16")

    with pytest.raises(ContractError) as caught:
        decode(raw, now=now)

    assert caught.value.error_class is ErrorClass.MALFORMED_JSON
    assert "message is not valid UTF-8 (byte 0" in caught.value.reason


def test_cyrillic_region_in_windows_1251_is_not_utf8(doc_of, now):
    doc = doc_of(SEIZURE)
    raw = json.dumps(doc, ensure_ascii=False).encode("cp1251")

    with pytest.raises(ContractError, match="not valid UTF-8"):
        decode(raw, now=now)


@pytest.mark.parametrize(
    ("raw", "error_class", "reason"),
    [
        (b'{"id": "e1",', ErrorClass.MALFORMED_JSON, "message is not valid JSON: Expecting"),
        (b"", ErrorClass.MALFORMED_JSON, "line 1 column 1"),
        (b'{"mass_g": NaN}', ErrorClass.MALFORMED_JSON, "NaN is not valid JSON"),
        (b"[" * 100_000, ErrorClass.MALFORMED_JSON, "nested too deeply"),
        (
            b'[{"type": "aw.seizure.reported.v1"}]',
            ErrorClass.NOT_AN_OBJECT,
            "message is a JSON array; an event is a JSON object",
        ),
        (b'"aw.seizure.reported.v1"', ErrorClass.NOT_AN_OBJECT, "message is a JSON string"),
    ],
)
def test_messages_that_are_not_json_objects(now, raw, error_class, reason):
    with pytest.raises(ContractError) as caught:
        decode(raw, now=now)

    assert caught.value.error_class is error_class
    assert reason in caught.value.reason


def test_a_known_type_on_the_wrong_topic_is_rejected(doc_of, now):
    raw = json.dumps(doc_of(ALERT)).encode()

    with pytest.raises(ContractError) as caught:
        decode(raw, now=now, accept=frozenset({SEIZURE}))

    assert caught.value.error_class is ErrorClass.UNKNOWN_TYPE
    assert caught.value.reason == (
        "type: aw.alert.raised.v1 is not accepted on this topic; accepted: aw.seizure.reported.v1"
    )


def test_ids_are_trimmed(doc_of, now):
    doc = doc_of(SEIZURE)
    doc["data"]["seizure_id"] = "  KZ-ALM-1 "

    assert decode(json.dumps(doc).encode(), now=now).data.seizure_id == "KZ-ALM-1"


def test_an_unknown_type_names_only_what_agencies_may_publish():
    with pytest.raises(ContractError) as caught:
        decode(b'{"type": "aw.seizure.reported.v9"}')
    named = caught.value.reason.split("agencies publish: ")[1].split(", ")
    assert sorted(named) == sorted(INCOMING_TYPES)
    assert not any(t.startswith(("aw.alert.", "aw.schedule.", "aw.stream.")) for t in named)
