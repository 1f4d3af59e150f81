"""What partner agencies are told of an alert version: golden files, beside what is withheld.

Each ``golden/notifications/<case>.alert.json`` is an alert version the demo scenario's replay
publishes (a raise, a resolution by a listing, a resolution by a group definition); beside it,
``<case>.notification.json`` is the notification partners get, whole.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.alerts import ALERT_TYPES, AlertKind, AlertTransition, Correction
from contracts.codec import decode, encode
from contracts.notifications import PartnerNotified
from services.domain.notifications import NOTIFIED, notification_for

GOLDEN = Path(__file__).parent / "golden" / "notifications"
CASES = sorted(p.name.removesuffix(".alert.json") for p in GOLDEN.glob("*.alert.json"))


def _alert(case: str):
    return decode((GOLDEN / f"{case}.alert.json").read_bytes())


def test_there_are_cases_of_each_kind_notified() -> None:
    assert {_alert(case).type for case in CASES} == {
        "aw.alert.raised.v1",
        "aw.alert.resolved.v1",
    }
    assert len(CASES) == 3


@pytest.mark.parametrize("case", CASES)
def test_the_notification_is_the_golden_one(case: str) -> None:
    notification = notification_for(_alert(case))

    expected = json.loads((GOLDEN / f"{case}.notification.json").read_text(encoding="utf-8"))
    assert notification is not None
    assert json.loads(encode(notification)) == expected


@pytest.mark.parametrize("case", CASES)
def test_a_redelivered_alert_gives_the_same_notification_byte_for_byte(case: str) -> None:
    first, again = notification_for(_alert(case)), notification_for(_alert(case))

    assert first is not None and again is not None
    assert encode(first) == encode(again)
    alert = _alert(case)
    assert first.id == f"{alert.data.alert_id}/v{alert.data.version}/partner"


@pytest.mark.parametrize("case", CASES)
def test_no_case_data_and_nothing_of_other_partners_goes_out(case: str) -> None:
    alert = _alert(case)
    notification = notification_for(alert)
    assert notification is not None
    sent = encode(notification).decode("utf-8")

    withheld = [*alert.data.seizure_ids, *alert.data.sample_ids]
    assert withheld, "the golden alert should carry case ids, to show they are withheld"
    assert [value for value in withheld if value in sent] == []
    for field in ("seizure_ids", "sample_ids", "foreign_sightings", "status_abroad", "case"):
        assert f'"{field}"' not in sent
    foreign = {s.jurisdiction for s in alert.data.foreign_sightings} | {
        s.jurisdiction for s in alert.data.status_abroad
    }
    assert foreign - {alert.jurisdiction}, "the golden alert should name other jurisdictions"
    assert not [j for j in foreign if f'"{j}"' in sent]


def _fields(schema: dict, defs: dict) -> set[str]:
    """Every property name anywhere in ``schema``, following ``$ref``s."""
    found: set[str] = set()
    stack, seen = [schema], set()
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in seen:
                seen.add(ref)
                stack.append(defs[ref.rsplit("/", 1)[1]])
            found.update(node.get("properties", {}))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def test_the_contract_has_no_field_for_case_data() -> None:
    schema = PartnerNotified.model_json_schema()
    fields = _fields(schema, schema.get("$defs", {}))

    assert {"alert_id", "inchikey", "rules_fired", "pending_amendments", "controlled_by"} <= fields
    for forbidden in ("seizure", "sample", "case", "operator", "assignee", "note", "abroad"):
        assert not [f for f in fields if forbidden in f], forbidden
    assert fields >= {"correlation_id"}  # the envelope's: left empty, never a case id


def _as_kind(kind: AlertKind):
    """The raised golden alert published as another kind (with that kind's status)."""
    doc = json.loads((GOLDEN / "raised_alpha_php.alert.json").read_text(encoding="utf-8"))
    status = {AlertKind.SUPPRESSED: "suppressed", AlertKind.RESOLVED: "resolved"}.get(kind, "open")
    doc["type"] = f"aw.alert.{kind.value}.v1"
    doc["data"]["status"] = status
    if kind == AlertKind.CORRECTED:
        at = doc["time"]
        doc["data"]["correction"] = Correction(
            late_event_id="kz-late-1",
            late_event_time=at,
            published=[AlertTransition(transition="raised", time=at)],
            corrected=[],
        ).model_dump(mode="json")
        doc["data"]["status"] = "retracted"
    return ALERT_TYPES[kind].model_validate(doc)


@pytest.mark.parametrize("kind", [k for k in AlertKind if k not in NOTIFIED])
def test_other_alert_kinds_are_not_notified(kind: AlertKind) -> None:
    assert notification_for(_as_kind(kind)) is None


def test_raised_and_resolved_are_the_kinds_notified() -> None:
    assert {k.value for k in NOTIFIED} == {"raised", "resolved"}
    assert [n.data.kind.value for n in map(notification_for, map(_as_kind, NOTIFIED)) if n] == [
        "raised",
        "resolved",
    ]
