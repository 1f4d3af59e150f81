"""An alert event as text for the terminal: what, where, why; never an agency's escape codes."""

from __future__ import annotations

import datetime as dt

from contracts.actions import AlertActionData, AlertActionTaken
from contracts.alerts import (
    AlertLevel,
    ControlRoute,
    ForeignSighting,
    JurisdictionStatus,
    PartnerSighting,
    PendingAmendmentRef,
    RuleFired,
)
from services.domain.case import fold_actions
from services.tools.alerts import clean, format_alert, format_table, matches

T0 = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)


def test_an_open_alert_reads_as_what_where_and_why(make_alert) -> None:
    text = format_alert(make_alert("updated", 2))

    assert text.splitlines() == [
        "[OPEN v2] KZ α-PHP (reported: alpha-PHP) — analogue of α-PVP (similarity 0.83, shared "
        "core 92%) · 6 occurrences in 90 d · Almaty, Astana · post, messenger · KZ-KYIJLDDXQWBNGX",
        "    why: α-PHP is not listed in KZ and shares the cathinone core of α-PVP.",
    ]


def test_a_family_analogue_names_its_family(make_alert) -> None:
    family = RuleFired(
        rule="same-family-as-listed",
        explanation="Not listed, but like listed α-PVP it is one of the synthetic cathinones.",
        evidence={"listing": "α-PVP", "family": "synthetic cathinones"},
    )
    text = format_alert(make_alert("raised", 1, rules_fired=[family]))
    assert "analogue of α-PVP (same family: synthetic cathinones, similarity 0.83" in text


def test_pending_amendments_foreign_sightings_and_time_to_control_follow_the_reason(
    make_alert,
) -> None:
    event = make_alert(
        "resolved",
        5,
        pending_amendments=[
            PendingAmendmentRef(
                amendment_id="KZ-AMD-2026-014",
                stage="government",
                since=T0,
                covers_by="name",
                days_left=41,
            )
        ],
        foreign_sightings=[
            ForeignSighting(jurisdiction="RU", count=5, first_seen=T0, last_seen=T0),
            ForeignSighting(jurisdiction="UZ", count=1, first_seen=T0, last_seen=T0),
        ],
        time_to_control_days=110.4,
    )

    why = format_alert(event).splitlines()[1]

    assert format_alert(event).startswith("[RESOLVED v5] KZ ")
    assert why.endswith(
        " · pending: KZ-AMD-2026-014 (government, ~41 d left) · also seen in RU ×5, UZ ×1"
        " · controlled 110 d after first seen"
    )


def test_the_status_abroad_says_who_controls_it_by_which_act_since_when(
    make_alert, ru_listed
) -> None:
    event = make_alert(
        "raised",
        1,
        foreign_sightings=[
            ForeignSighting(jurisdiction="RU", count=2, first_seen=T0, last_seen=T0)
        ],
        status_abroad=[
            JurisdictionStatus(jurisdiction="BY", status="analogue", name="α-PVP", similarity=0.7),
            JurisdictionStatus(jurisdiction="KG", status="unrelated"),
            ru_listed,
        ],
    )

    why = format_alert(event).splitlines()[1]

    assert why.endswith(
        " · also seen in RU ×2 · abroad: listed in RU since 2025-03-01 by government decree "
        "RU-PP-2025-0231; not controlled in BY, KG"
    )


def test_an_alert_without_names_or_analogue_says_so(make_alert) -> None:
    event = make_alert(
        reported_names=[], nearest_listed=[], occurrence_count=1, regions=[], channels=["dead_drop"]
    )

    assert format_alert(event).splitlines()[0] == (
        "[OPEN v1] KZ unnamed substance KYIJLDDXQWBNGX — no listed analogue named"
        " · 1 occurrence in 90 d · dead drop · KZ-KYIJLDDXQWBNGX"
    )


def test_long_lists_and_reasons_are_shortened(make_alert) -> None:
    regions = [f"Region {i}" for i in range(9)]
    event = make_alert(regions=regions, reason="x" * 1000)

    first, why = format_alert(event).splitlines()

    assert "Region 0, Region 1, Region 2, Region 3 +5 more" in first
    assert why == "    why: " + "x" * 239 + "…"


def test_agency_text_cannot_reach_the_terminal_as_control_codes(make_alert) -> None:
    event = make_alert(
        reported_names=["evil\x1b]0;owned\x07name"],
        regions=["Alm\u202eaty\nFAKE LINE"],
        reason="line one\r\n[OPEN v9] forged",
    )

    text = format_alert(event)

    assert len(text.splitlines()) == 2
    assert not any(ord(c) < 32 and c != "\n" for c in text)
    assert "\u202e" not in text
    assert "evil ]0;owned name" in text and "Almaty FAKE LINE" in text


def test_clean_keeps_printable_unicode() -> None:
    assert clean("α-PVP · Алматы  \t x") == "α-PVP · Алматы x"


def test_filters_by_jurisdiction_and_status(make_alert) -> None:
    kz_open = make_alert()
    ru_resolved = make_alert("resolved", 2, alert_id="RU-X", jurisdiction="RU")

    assert matches(kz_open, set(), set())
    assert matches(kz_open, {"KZ"}, {"open"})
    assert not matches(kz_open, {"RU"}, set())
    assert not matches(ru_resolved, set(), {"open", "suppressed"})
    assert matches(ru_resolved, {"KZ", "RU"}, {"resolved"})


def test_the_table_has_one_row_per_alert_and_a_count_line(make_alert) -> None:
    events = [
        make_alert("updated", 3),
        make_alert(
            "resolved",
            2,
            alert_id="RU-KYIJLDDXQWBNGX",
            jurisdiction="RU",
            regions=[],
            nearest_listed=[],
        ),
    ]

    at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    acted = AlertActionTaken(
        id="act-1",
        source="analogue-watch-cli",
        jurisdiction="KZ",
        time=at,
        published=at,
        data=AlertActionData(
            alert_id="KZ-KYIJLDDXQWBNGX", action="assigned", operator="aigerim", assignee="daniyar"
        ),
    )
    cases = {"KZ-KYIJLDDXQWBNGX": fold_actions([acted])}

    lines = format_table(events, cases).splitlines()

    assert lines[0].split() == [
        "ALERT",
        "ID",
        "STATUS",
        "V",
        "SUBSTANCE",
        "NEAREST",
        "LISTED",
        "SIM",
        "OCC",
        "LAST",
        "SEEN",
        "REGIONS",
        "CASE",
    ]
    assert lines[1].split() == [
        "KZ-KYIJLDDXQWBNGX",
        "open",
        "3",
        "α-PHP",
        "α-PVP",
        "0.83",
        "6/90d",
        "2026-02-22",
        "Almaty,",
        "Astana",
        "assigned",
        "to",
        "daniyar",
    ]
    assert lines[2].split() == [
        "RU-KYIJLDDXQWBNGX",
        "resolved",
        "2",
        "α-PHP",
        "-",
        "-",
        "6/90d",
        "2026-02-22",
        "-",
        "-",
    ]
    assert lines[3] == "2 alerts: 1 open, 1 resolved"


def test_an_empty_table_says_no_alerts() -> None:
    assert format_table([]) == "0 alerts"


def test_an_open_alert_says_when_control_can_be_expected(make_alert) -> None:
    event = make_alert(
        "updated",
        3,
        control_routes=[
            ControlRoute(instrument="government_decree", median_days=84, amendments=5),
            ControlRoute(instrument="law", median_days=160, amendments=1),
        ],
    )
    why = format_alert(event).splitlines()[1]
    assert why.endswith(
        " · control expected by government decree about 84 days (median of 5 past amendments);"
        " by law about 160 days (1 past amendment)"
    )


def test_an_early_warning_says_so_and_what_the_partner_rule_counted(make_alert) -> None:
    text = format_alert(
        make_alert(
            "raised",
            1,
            occurrence_count=0,
            level=AlertLevel.EARLY_WARNING,
            seen_abroad=[
                PartnerSighting(jurisdiction="RU", count=0, window_days=90, threshold=3),
                PartnerSighting(jurisdiction="UZ", count=2, window_days=90, threshold=2),
            ],
        )
    )
    head, why = text.splitlines()
    assert head.startswith("[OPEN v1, EARLY WARNING] KZ α-PHP")
    assert "0 occurrences in 90 d" in head
    assert "partner rule: UZ 2/2" in why and "RU" not in why


def test_a_domestic_alert_says_nothing_of_early_warnings(make_alert) -> None:
    assert "EARLY" not in format_alert(make_alert("raised", 1))
