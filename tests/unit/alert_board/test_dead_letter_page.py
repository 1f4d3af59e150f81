"""The board's dead-letter page: filters from the address, the sender's text escaped, the fix."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from contracts.codec import decode
from contracts.dead_letter import DeadLettered, dead_letter_for
from contracts.errors import ContractError, ErrorClass
from contracts.topics import SEIZURES
from services.alert_board.dead_letter_page import query_filters, render_dead_letters
from services.alert_board.pages import Assets
from services.domain.dead_letters import FIXES, Filters

ASSETS = Assets(css="", js="")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
HOSTILE = '<img src=x onerror="alert(1)">'
SEIZURE = {
    "id": "kz-ala-1",
    "type": "aw.seizure.reported.v1",
    "source": "kz.mvd.almaty",
    "time": "2026-03-01T10:00:00+05:00",
    "published": "2026-03-01T10:05:00+05:00",
    "data": {"case_id": HOSTILE},
}


def rejected(raw: bytes, offset: int, topic: str = "aw.seizures") -> DeadLettered:
    with pytest.raises(ContractError) as error:
        decode(raw, accept=SEIZURES.types)
    return dead_letter_for(
        raw,
        source_topic=topic,
        partition=0,
        offset=offset,
        key=None,
        error=error.value,
        service="substance_resolver",
        now=NOW + dt.timedelta(minutes=offset),
    )


LETTERS = [
    rejected(json.dumps(SEIZURE).encode(), 1),
    rejected(b"{oops", 2),
    rejected(json.dumps({**SEIZURE, "source": "kz.customs"}).encode(), 3, "test.aw.lab-results"),
]


def page(filters: Filters | None = None) -> str:
    return render_dead_letters(
        LETTERS, filters or Filters(), kept=2000, last_id="r-0", ready=True, assets=ASSETS
    )


def shown(html: str) -> list[str]:
    return re.findall(r'<tr class="dead-letter" data-id="([^"]+)"', html)


def test_newest_first_each_with_its_reason_and_what_to_do() -> None:
    html = page()
    assert shown(html) == [LETTERS[2].id, LETTERS[1].id, LETTERS[0].id]
    assert FIXES[ErrorClass.MALFORMED_JSON].replace(":", "") in html.replace(":", "")
    assert "3 dead letters: 2 schema_violation, 1 malformed_json" in html
    assert "clear the filters" not in html


def test_the_senders_text_is_escaped() -> None:
    html = page()
    assert HOSTILE not in html and "&lt;img src=x onerror=" in html


def test_filters_come_from_the_address_and_the_links_keep_them() -> None:
    filters = query_filters({"agency": ["kz.mvd"], "topic": ["aw.seizures"]})
    html = page(filters)
    assert shown(html) == [LETTERS[0].id]
    assert "1 dead letter: 1 schema_violation" in html and "clear the filters" in html
    # The link to narrow by class of error keeps the filters already chosen.
    links = [parse_qs(urlsplit(unescape(a)).query) for a in re.findall(r'href="([^"]+)"', html)]
    narrowed = {"error_class": ["schema_violation"], "topic": ["aw.seizures"], "agency": ["kz.mvd"]}
    assert narrowed in links
    assert {"error_class": ["malformed_json"], **{k: narrowed[k] for k in ("topic", "agency")}} in (
        links
    )
    everything = page()  # the letter that is not JSON has no sender, and no filter link for it
    assert "unknown sender" in everything and "agency=unknown" not in everything


def test_the_topic_links_name_the_topic_without_the_namespace() -> None:
    assert "?topic=aw.lab-results" in page()
    assert shown(page(query_filters({"topic": ["aw.lab-results"]}))) == [LETTERS[2].id]


def test_an_address_asking_for_no_known_class_of_error_shows_everything() -> None:
    assert len(shown(page(query_filters({"error_class": ["<script>"]})))) == 3
