"""Dead letters as operators read them: the line, the filters, the count (no broker)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from contracts.codec import decode
from contracts.dead_letter import dead_letter_for
from contracts.errors import ContractError, ErrorClass
from contracts.topics import LAB_RESULTS
from services.domain.dead_letters import FIXES, Filters, find, summary
from services.tools.dead_letters import format_dead_letter

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
LAB = {
    "id": "kz-lab-7",
    "type": "aw.lab-result.reported.v1",
    "source": "kz.cfe.almaty",
    "jurisdiction": "KZ",
    "time": "2026-03-01T10:00:00+05:00",
    "published": "2026-03-01T10:05:00+05:00",
    "data": {"sample_id": "S-1"},
}


def letter(raw: bytes, offset: int = 7, error: BaseException | None = None):
    """The dead letter the resolver writes for ``raw``: the contract's error unless given."""
    if error is None:
        with pytest.raises(ContractError) as rejected:
            decode(raw, accept=LAB_RESULTS.types)
        error = rejected.value
    return dead_letter_for(
        raw,
        source_topic="prod.aw.lab-results",
        partition=2,
        offset=offset,
        key=b"S-1",
        error=error,
        service="substance_resolver",
        now=NOW,
    )


def test_every_class_of_error_says_what_to_do() -> None:
    assert set(FIXES) == set(ErrorClass)


def test_a_dead_letter_reads_as_what_where_who_why_and_what_to_do() -> None:
    event = letter(json.dumps(LAB).encode())
    lines = format_dead_letter(event).splitlines()
    assert lines[0] == (
        "[schema_violation] 2026-03-02 09:30:00 UTC · prod.aw.lab-results/2@7 · from kz.cfe.almaty"
        f" · aw.lab-result.reported.v1 kz-lab-7 · rejected by substance_resolver · {event.id}"
    )
    assert lines[1].startswith("    why: ") and "(field data." in lines[1]
    assert lines[2] == "    fix: " + FIXES[ErrorClass.SCHEMA_VIOLATION]


def test_an_unreadable_message_has_an_unknown_sender_and_says_so() -> None:
    event = letter(b"\xff\xfe")
    head = format_dead_letter(event).splitlines()[0]
    assert head.startswith("[malformed_json] ") and "from unknown sender" in head
    assert "  " not in head  # no empty type or id between the separators


def test_an_internal_error_is_not_the_senders_fault() -> None:
    good = json.dumps(LAB).encode()
    event = letter(good, error=RuntimeError("boom"))
    assert "fix: our fault, not the sender's" in format_dead_letter(event)


def test_text_from_the_sender_cannot_drive_the_terminal() -> None:
    raw = json.dumps({**LAB, "source": "kz.x\x1b[2J", "data": {}}).encode()
    assert "\x1b" not in format_dead_letter(letter(raw))


@pytest.mark.parametrize(
    ("filters", "shown"),
    [
        (Filters(), True),
        (Filters(topics=frozenset({"aw.lab-results"})), True),  # the namespace is not named
        (Filters(topics=frozenset({"aw.seizures"})), False),
        (Filters(agencies=frozenset({"kz.cfe"})), True),  # an agency holds its offices
        (Filters(agencies=frozenset({"kz.cf"})), False),
        (Filters(error_classes=frozenset({"schema_violation"})), True),
        (Filters(error_classes=frozenset({"oversized"})), False),
        (Filters(services=frozenset({"analogue_monitor"})), False),
        (Filters(jurisdictions=frozenset({"KZ"})), True),
        (Filters(jurisdictions=frozenset({"RU"})), False),
    ],
)
def test_filters(filters: Filters, shown: bool) -> None:
    assert filters.match(letter(json.dumps(LAB).encode())) is shown


def test_the_count_line_names_the_most_frequent_class_first() -> None:
    events = [letter(b"{", offset=1), letter(b"{", offset=2), letter(json.dumps(LAB).encode())]
    assert summary(events) == "3 dead letters: 2 malformed_json, 1 schema_violation"
    assert summary([]) == "0 dead letters"


def test_a_message_is_found_by_its_dead_letters_id_or_its_own() -> None:
    first = letter(json.dumps(LAB).encode(), offset=1)
    again = letter(json.dumps(LAB).encode(), offset=2)  # sent twice, rejected twice
    assert find([first, again], first.id) is first
    assert find([first, again], "kz-lab-7") is again  # the latest
    assert find([first, again], "nothing") is None
