"""The board's view: the latest version per alert, its history, and listed structures by name."""

from __future__ import annotations

import datetime as dt

from contracts.alerts import AlertStatus
from contracts.schedule import Amendment, Listing, ScheduleSnapshot, ScheduleState
from contracts.substances import ListedSubstance, Structure
from services.alert_board.view import AlertBoardView, latest_versions

T0 = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)


def test_the_highest_version_of_each_alert_wins_whatever_the_order(make_alert) -> None:
    events = [
        make_alert("raised", 1),
        make_alert("updated", 3, occurrence_count=9),
        make_alert("updated", 2, occurrence_count=7),
        make_alert("raised", 1, alert_id="RU-A", jurisdiction="RU"),
        make_alert("updated", 3, occurrence_count=9),  # a replay
    ]

    latest = latest_versions(events)

    assert [(e.data.alert_id, e.data.version, e.data.occurrence_count) for e in latest] == [
        ("KZ-KYIJLDDXQWBNGX", 3, 9),
        ("RU-A", 1, 6),
    ]


def test_open_alerts_come_first_then_the_most_recently_seen(make_alert) -> None:
    events = [
        make_alert("resolved", 2, alert_id="KZ-OLD-RESOLVED"),
        make_alert("raised", 1, alert_id="KZ-EARLY", last_seen=T0 + dt.timedelta(days=1)),
        make_alert("suppressed", 2, alert_id="KZ-QUIET"),
        make_alert("raised", 1, alert_id="KZ-RECENT", last_seen=T0 + dt.timedelta(days=9)),
    ]

    assert [e.data.alert_id for e in latest_versions(events)] == [
        "KZ-RECENT",
        "KZ-EARLY",
        "KZ-QUIET",
        "KZ-OLD-RESOLVED",
    ]


def test_apply_says_whether_the_latest_state_changed(make_alert) -> None:
    view = AlertBoardView()

    changes = [
        view.apply_alert(make_alert("raised", 1)),
        view.apply_alert(make_alert("raised", 1)),
        view.apply_alert(make_alert("suppressed", 2)),
        view.apply_alert(make_alert("raised", 1)),
    ]

    assert changes == [True, False, True, False]
    assert view.get("KZ-KYIJLDDXQWBNGX").data.status is AlertStatus.SUPPRESSED
    assert view.count_by_status() == {
        AlertStatus.OPEN: 0,
        AlertStatus.SUPPRESSED: 1,
        AlertStatus.RESOLVED: 0,
        AlertStatus.RETRACTED: 0,
    }


def test_history_keeps_every_version_once_oldest_first(make_alert) -> None:
    view = AlertBoardView()
    for version, count in [(2, 7), (1, 6), (3, 9), (2, 7)]:
        view.apply_alert(
            make_alert("updated" if version > 1 else "raised", version, occurrence_count=count)
        )

    history = view.history("KZ-KYIJLDDXQWBNGX")

    assert [(p.version, p.type, p.occurrence_count) for p in history] == [
        (1, "aw.alert.raised.v1", 6),
        (2, "aw.alert.updated.v1", 7),
        (3, "aw.alert.updated.v1", 9),
    ]
    assert view.history("KZ-UNKNOWN") == []


def _snapshot(jurisdiction: str, state: ScheduleState) -> ScheduleSnapshot:
    return ScheduleSnapshot(
        id=f"snap-{jurisdiction}",
        source="schedule_registry",
        jurisdiction=jurisdiction,
        time=T0,
        published=T0,
        data=state,
    )


def _listing(name: str, smiles: str) -> Listing:
    return Listing(
        name=name,
        structure=Structure(smiles=smiles),
        schedule="I",
        source="baseline:list",
        effective_from=T0.date(),
    )


def test_a_listed_structure_is_found_by_name_in_the_alerts_jurisdiction_first() -> None:
    view = AlertBoardView()
    view.apply_snapshot(_snapshot("RU", ScheduleState(listings=[_listing("α-PVP", "C")])))
    view.apply_snapshot(_snapshot("KZ", ScheduleState(listings=[_listing("α-PVP", "CC")])))

    found = view.listed_structure("KZ", " Α-pvp ")

    assert (found.jurisdiction, found.structure.smiles, found.pending) == ("KZ", "CC", False)


def test_a_structure_named_only_by_a_pending_amendment_or_abroad_is_found_too() -> None:
    amendment = Amendment(
        amendment_id="KZ-AMD-1",
        instrument="government_decree",
        title="Adds α-PHP",
        stage="government",
        status="pending",
        proposed_at=T0,
        stage_changed_at=T0,
        substances=[ListedSubstance(name="α-PHP", structure=Structure(smiles="CCC"))],
    )
    view = AlertBoardView()
    view.apply_snapshot(_snapshot("KZ", ScheduleState(amendments=[amendment])))
    view.apply_snapshot(_snapshot("RU", ScheduleState(listings=[_listing("MDPV", "CCCC")])))

    pending = view.listed_structure("KZ", "α-PHP")
    abroad = view.listed_structure("KZ", "mdpv")

    assert (pending.source, pending.pending) == ("KZ-AMD-1", True)
    assert (abroad.jurisdiction, abroad.structure.smiles) == ("RU", "CCCC")
    assert view.listed_structure("KZ", "unknown") is None


def test_a_newer_snapshot_replaces_the_jurisdictions_schedule() -> None:
    view = AlertBoardView()
    view.apply_snapshot(_snapshot("KZ", ScheduleState(listings=[_listing("α-PVP", "CC")])))
    view.apply_snapshot(_snapshot("KZ", ScheduleState()))

    assert view.listed_structure("KZ", "α-PVP") is None
