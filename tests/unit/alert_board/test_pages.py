"""The board's HTML: agency text escaped everywhere, the occurrence chart, the script policy."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re

from contracts.alerts import (
    AlertLevel,
    AlertStatus,
    ControlRoute,
    ForeignSighting,
    JurisdictionStatus,
    NearestListed,
    PartnerSighting,
    PendingAmendmentRef,
    RuleFired,
)
from contracts.substances import Structure
from services.alert_board.app import content_security_policy, load_assets
from services.alert_board.drawing import draw_pair
from services.alert_board.pages import (
    Assets,
    render_alert,
    render_list,
    render_not_found,
    render_row,
    sort_key,
    weekly_occurrences,
)
from services.alert_board.view import AlertBoardView, ListedStructure, VersionPoint

ASSETS = Assets(css="", js="")
T0 = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)  # the fixtures' first sighting
ALPHA_PHP = "CCCCC(N1CCCC1)C(=O)c1ccccc1"
ALPHA_PVP = "CCCC(N1CCCC1)C(=O)c1ccccc1"
CATHINONE_CORE = "O=C(c1ccccc1)C(N1CCCC1)CC"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def hostile_alert(make_alert):
    return make_alert(
        reported_names=[HOSTILE, HOSTILE],
        reason=HOSTILE,
        regions=[HOSTILE],
        alert_id="KZ-" + HOSTILE,
        nearest_listed=[
            NearestListed(name=HOSTILE, similarity=0.5, shared_core_smarts=HOSTILE, source=HOSTILE)
        ],
        rules_fired=[RuleFired(rule=HOSTILE, explanation=HOSTILE, evidence={HOSTILE: HOSTILE})],
        pending_amendments=[
            PendingAmendmentRef(
                amendment_id=HOSTILE, stage=HOSTILE, since=T0, covers_by="group:" + HOSTILE
            )
        ],
        seizure_ids=[HOSTILE],
        sample_ids=[HOSTILE],
    )


def page_in(view: AlertBoardView, event, core: str | None = None, **extra) -> str:
    """The alert page of ``event`` with ``view``'s history of it, drawn beside no listed one."""
    return render_alert(
        event,
        view.history(event.data.alert_id),
        None,
        draw_pair(ALPHA_PHP, None, core),
        last_id="r-1",
        ready=True,
        assets=ASSETS,
        **extra,
    )


def test_agency_text_is_escaped_in_the_list_and_on_the_alert_page(make_alert) -> None:
    event = hostile_alert(make_alert)
    listed = ListedStructure(HOSTILE, Structure(smiles=ALPHA_PVP), "KZ", HOSTILE, HOSTILE, False)
    drawn = draw_pair(event.data.canonical_smiles, listed.structure, None)

    pages = [
        render_list([event], last_id="r-1", ready=True, assets=ASSETS),
        render_alert(event, [], listed, drawn, last_id="r-1", ready=True, assets=ASSETS),
    ]

    for page in pages:
        assert "<script>alert" not in page and "<img" not in page
        assert "onerror=alert(1)>" not in page
        assert ESCAPED in page
        assert page.count("<script>") == 1  # the board's own, and nothing else


def test_the_alert_page_shows_the_status_in_other_jurisdictions(make_alert, ru_listed) -> None:
    event = make_alert(
        status_abroad=[
            ru_listed,
            JurisdictionStatus(
                jurisdiction="UZ", status="analogue", name="alpha-PVP", similarity=0.68
            ),
        ]
    )
    drawn = draw_pair(event.data.canonical_smiles, None, None)

    page = render_alert(event, [], None, drawn, last_id="r-1", ready=True, assets=ASSETS)

    assert "<h2>Status in other jurisdictions</h2>" in page
    assert (
        "<tr><td>RU</td><td>listed</td><td>alpha-PiHP</td>"
        "<td>government decree RU-PP-2025-0231</td><td>2025-03-01</td></tr>" in page
    )
    assert (
        "<tr><td>UZ</td><td>unlisted analogue</td><td>alpha-PVP (similarity 0.68)</td>"
        "<td>—</td><td>—</td></tr>" in page
    )
    bare = render_alert(make_alert(), [], None, drawn, last_id="r-1", ready=True, assets=ASSETS)
    assert "No other jurisdiction&#x27;s schedule is known." in bare


def test_a_row_carries_what_the_live_list_sorts_and_filters_by(make_alert) -> None:
    row = render_row(make_alert("suppressed", 4, alert_id="KZ-A&B"))

    assert 'data-alert-id="KZ-A&amp;B"' in row
    assert 'data-status="suppressed"' in row and 'data-version="4"' in row
    assert 'data-jurisdiction="KZ"' in row
    assert 'href="/alerts/KZ-A%26B"' in row
    assert (
        'data-search="kz-a&amp;b kyijlddxqwbngx-uhfffaoysa-n kz α-php alpha-php almaty astana'
        ' post messenger α-pvp"' in row
    )


def test_row_sort_keys_order_rows_as_the_board_does(make_alert) -> None:
    events = [
        make_alert("resolved", 2, alert_id="KZ-R"),
        make_alert("raised", 1, alert_id="KZ-OLD", last_seen=T0 + dt.timedelta(days=1)),
        make_alert("raised", 1, alert_id="KZ-NEW", last_seen=T0 + dt.timedelta(days=300)),
        make_alert("suppressed", 2, alert_id="KZ-S"),
    ]

    assert [e.data.alert_id for e in sorted(events, key=sort_key)] == [
        "KZ-NEW",
        "KZ-OLD",
        "KZ-S",
        "KZ-R",
    ]


def test_the_alert_page_shows_amendments_sightings_rules_and_history(make_alert) -> None:
    view = AlertBoardView()
    event = make_alert(
        "updated",
        2,
        pending_amendments=[
            PendingAmendmentRef(
                amendment_id="KZ-AMD-2026-014",
                stage="government",
                since=T0,
                covers_by="group:cathinones-1",
            )
        ],
        foreign_sightings=[
            ForeignSighting(jurisdiction="RU", count=14, first_seen=T0, last_seen=T0)
        ],
        rules_fired=[
            RuleFired(
                rule="shared-core-with-listed",
                explanation="Shares the core.",
                evidence={"similarity": 0.8312, "same_stereoisomer": "no"},
            )
        ],
    )
    view.apply_alert(make_alert("raised", 1))
    view.apply_alert(event)

    page = page_in(view, event, core=CATHINONE_CORE)
    text = re.sub(r"<[^>]+>", " ", page)
    assert "shared_core_smarts" not in text and "same_stereoisomer" not in text  # no field names

    for expected in (
        "KZ-AMD-2026-014",
        "group cathinones-1",
        "RU",
        "shared core with listed",  # the rule, in words
        "same stereoisomer",  # an evidence field, in words
        "Shares the core.",
        "0.831",
        "post",
        "messenger",
        "Almaty",
    ):
        assert expected in text
    assert re.findall(r"<td>(v\d)</td>", page) == ["v2", "v1"]
    assert "The structure of α-PVP is not in the schedule snapshots" in text
    assert page.count('<figure class="structure"') == 1


def test_the_page_without_a_nearest_listed_substance_says_so(make_alert) -> None:
    event = make_alert(nearest_listed=[])

    page = render_alert(
        event, [], None, draw_pair(ALPHA_PHP, None, None), last_id="r-0", ready=False, assets=ASSETS
    )

    assert "The alert names no listed substance it resembles." in page
    assert 'data-ready="0"' in page and 'id="loading">' in page


def point(version: int, count: int, first: dt.datetime, last: dt.datetime) -> VersionPoint:
    return VersionPoint(version, "aw.alert.updated.v1", last, AlertStatus.OPEN, first, last, count)


def test_weekly_occurrences_come_from_the_increases_between_versions() -> None:
    monday = dt.datetime(2026, 2, 2, 9, tzinfo=dt.UTC)
    history = [
        point(1, 3, monday, monday + dt.timedelta(days=8)),  # 1 in week 0, 2 in week 1
        point(2, 3, monday, monday + dt.timedelta(days=9)),  # a status change: no new ones
        point(3, 5, monday, monday + dt.timedelta(days=22)),  # 2 more in week 3
        point(4, 4, monday, monday + dt.timedelta(days=30)),  # one left the window: nothing
    ]

    weeks = weekly_occurrences(history)

    assert weeks == [
        (dt.date(2026, 2, 2), 1),
        (dt.date(2026, 2, 9), 2),
        (dt.date(2026, 2, 16), 0),
        (dt.date(2026, 2, 23), 2),
        (dt.date(2026, 3, 2), 0),
    ]
    assert weekly_occurrences([]) == []


def test_the_chart_keeps_the_most_recent_two_years_of_weeks() -> None:
    start = dt.datetime(2020, 1, 6, tzinfo=dt.UTC)
    history = [point(1, 2, start, start + dt.timedelta(weeks=300))]

    weeks = weekly_occurrences(history)

    assert len(weeks) == 104 and weeks[-1] == (dt.date(2025, 10, 6), 1)


def test_the_chart_has_one_bar_per_week(make_alert) -> None:
    view = AlertBoardView()
    view.apply_alert(make_alert("raised", 1, occurrence_count=2))
    view.apply_alert(
        make_alert("updated", 2, occurrence_count=4, last_seen=T0 + dt.timedelta(days=27))
    )
    event = view.get("KZ-KYIJLDDXQWBNGX")

    page = page_in(view, event)

    assert re.findall(r'data-count="(\d+)"', page) == ["1", "0", "1", "2"]


def test_only_the_boards_own_script_may_run() -> None:
    assets = load_assets()
    page = render_list([], last_id="r-0", ready=True, assets=assets)
    script = re.search(r"<script>(.*)</script>", page, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()

    policy = content_security_policy(assets)

    assert f"script-src 'sha256-{digest}';" in policy
    assert "default-src 'none'" in policy and "unsafe-eval" not in policy


def test_the_not_found_page_says_what_and_leads_back() -> None:
    page = render_not_found("No alert 'X' (yet).", last_id="", ready=True, assets=ASSETS)
    assert "<h1>Not found</h1>" in page and "No alert &#x27;X&#x27; (yet)." in page
    assert '<a href="/">' in page and "<style>" in page  # the board's look, and the way back


def test_search_finds_an_alert_by_what_officers_have_in_hand(make_alert) -> None:
    from contracts.alerts import PendingAmendmentRef
    from services.alert_board.pages import search_text

    event = make_alert(
        seizure_ids=["KZ-ALM-2026-00042"],
        sample_ids=["KZ-ALM-S-26-00042"],
        pending_amendments=[
            PendingAmendmentRef(
                amendment_id="KZ-AMD-2026-014", stage="government", since=T0, covers_by="name"
            )
        ],
    )
    words = search_text(event)
    for wanted in ("α-pvp", "kz-amd-2026-014", "kz-alm-2026-00042", "kz-alm-s-26-00042", "post"):
        assert wanted in words
    assert f'data-search="{search_text(event)}"' in render_row(event)  # nothing to escape here


def test_dates_are_the_jurisdictions_own_with_utc_on_hover(make_alert) -> None:
    late_evening = dt.datetime(2026, 2, 22, 21, 30, tzinfo=dt.UTC)  # 23 February in Almaty
    row = render_row(make_alert(last_seen=late_evening))
    assert (
        '<time datetime="2026-02-22T21:30:00+00:00" title="2026-02-22 21:30 UTC">2026-02-23</time>'
        in row
    )


def test_the_list_as_csv_keeps_agency_text_from_running_as_a_formula(make_alert) -> None:
    import csv
    import io

    from services.alert_board.export import COLUMNS, alerts_csv

    event = make_alert(regions=['=HYPERLINK("http://x")', "Almaty"])
    rows = list(csv.reader(io.StringIO(alerts_csv([event]))))
    assert rows[0] == list(COLUMNS) and len(rows) == 2
    line = dict(zip(COLUMNS, rows[1], strict=True))
    assert line["alert_id"] == "KZ-KYIJLDDXQWBNGX" and line["nearest_listed"] == "α-PVP"
    assert line["regions"].startswith("'=HYPERLINK")
    assert line["last_seen_utc"] == event.data.last_seen.isoformat()


def test_a_resolved_alert_keeps_what_it_was_an_alert_for(make_alert) -> None:
    # Issue 15: a resolved alert said "none named", regions "—", "0 in 90 d", under "WHY THIS IS
    # AN ALERT"; its name changed with whichever lab reported last.
    view = AlertBoardView()
    raised = make_alert("raised", 1, reason="Seen 3 times; shares the core of α-PVP.")
    updated = make_alert("updated", 2, occurrence_count=9, regions=["Almaty", "Turkestan"])
    resolved = make_alert(
        "resolved",
        3,
        reason="Controlled by amendment KZ-AMD-2026-014 from 2026-05-01.",
        reported_names=["alpha-PHP", "α-PHP"],  # another lab's name first now
        nearest_listed=[],
        regions=[],
        occurrence_count=0,
        time_to_control_days=88.6,
    )
    for event in (raised, updated, resolved):
        view.apply_alert(event)
    alert_id = resolved.data.alert_id
    assert view.last_open(alert_id) is updated and view.headline(alert_id) == "α-PHP"

    page = page_in(
        view, resolved, evidence=view.last_open(alert_id), headline=view.headline(alert_id)
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "How it was resolved" in text and "Why this is an alert" not in text
    assert "Controlled 89 days after it was first seen." in text
    assert "Why it was an alert (version 2, the last one open)" in text
    assert "Turkestan" in text and "similarity 0.83" in text  # version 2's places and evidence
    assert "<h1>α-PHP</h1>" in page
    # The history gives every version's reason.
    for reason in ("Seen 3 times; shares the core of α-PVP.", "Controlled by amendment"):
        assert reason in text
    assert "<th>Why</th>" in page


def test_an_updated_alert_still_says_why_it_is_open(make_alert) -> None:
    # Issue 15: "Why this is an alert" showed only "Escalation: new region: Turkestan".
    view = AlertBoardView()
    reopened = make_alert("reopened", 4, reason="Its amendment KZ-AMD-2025-03 stalled 180 days.")
    updated = make_alert("updated", 5, reason="Escalation: new region: Turkestan.")
    for event in (make_alert("raised", 1), reopened, updated):
        view.apply_alert(event)
    assert view.opened_by(updated.data.alert_id) is reopened

    page = page_in(view, updated, opened_by=view.opened_by(updated.data.alert_id))
    reason = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split('class="card reason"')[1]))
    assert reason.index("stalled 180 days") < reason.index("Latest change (version 5)")
    assert "Escalation: new region: Turkestan." in reason and "Version 4, reopened." in reason


def test_the_alert_page_says_when_control_can_be_expected(make_alert) -> None:
    event = make_alert(
        "updated",
        2,
        control_routes=[ControlRoute(instrument="law", median_days=160, amendments=3)],
    )
    view = AlertBoardView()
    view.apply_alert(event)
    page = page_in(view, event, core=CATHINONE_CORE)
    assert "Control expected by law about 160 days (median of 3 past amendments)" in page


def test_an_early_warning_row_is_tagged_with_the_partners_that_warned(make_alert) -> None:
    alert = make_alert(
        "raised",
        1,
        level=AlertLevel.EARLY_WARNING,
        seen_abroad=[PartnerSighting(jurisdiction="UZ", count=2, window_days=90, threshold=2)],
    )
    assert '<span class="tag tag-early">early warning: UZ</span>' in render_row(alert)
    assert "tag-early" not in render_row(make_alert("raised", 1))
