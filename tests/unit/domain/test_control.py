"""When control can be expected (services/domain/control.py, issue 18): medians over a small
history with known answers, and the alerts of the demo year carrying them."""

from __future__ import annotations

import datetime as dt

from contracts.alerts import AlertStatus
from contracts.legislation import (
    AmendmentEnacted,
    AmendmentProposed,
    AmendmentRejected,
    AmendmentStageChanged,
    LegislationEvent,
)
from contracts.topics import ALERTS
from services.domain.control import control_routes, stage_left
from services.domain.schedule import fold_legislation
from services.scenario import build_scenario
from services.tools.pipeline import replay

START = dt.datetime(2024, 1, 10, 9, tzinfo=dt.UTC)
STRUCTURE = {"smiles": "CC(C)CC(N1CCCC1)C(=O)c1ccccc1"}


def legal(kind: type[LegislationEvent], ident: str, day: int, **data: object) -> LegislationEvent:
    """A legislation event about amendment ``ident``, ``day`` days after ``START``."""
    at = START + dt.timedelta(days=day)
    return kind(
        id=f"{kind.__name__}-{ident}",
        source="kz.legal",
        jurisdiction="KZ",
        time=at,
        published=at,
        data={"amendment_id": ident, **data},
    )


def history(*amendments: tuple[str, str, int, int | None]) -> list[LegislationEvent]:
    """(id, instrument, proposed on day, in force on day or None for rejected) as events;
    each decided the day before it is in force, days counted from ``START``."""
    events: list[LegislationEvent] = []
    for ident, instrument, proposed, in_force in amendments:
        events.append(
            legal(
                AmendmentProposed,
                ident,
                proposed,
                instrument=instrument,
                title=ident,
                substances=[{"name": ident, "structure": STRUCTURE}],
            )
        )
        if in_force is None:
            events.append(legal(AmendmentRejected, ident, proposed + 40, reason="voted down"))
        else:
            effective = (START + dt.timedelta(days=in_force)).date()
            events.append(legal(AmendmentEnacted, ident, in_force - 1, effective_from=effective))
    return sorted(events, key=lambda e: e.time)


def test_the_median_of_each_route_over_what_was_enacted_by_then():
    schedule = fold_legislation(
        history(
            ("D1", "government_decree", 0, 30),
            ("D2", "government_decree", 10, 70),
            ("D3", "government_decree", 20, 120),
            ("L1", "law", 0, 150),
            ("L2", "law", 5, 175),
            ("L3", "law", 30, None),  # rejected: never controlled anything
            ("D4", "government_decree", 200, 400),  # enacted after the moment judged
        )
    )
    at = START + dt.timedelta(days=300)
    routes = {
        r.instrument.value: (r.median_days, r.amendments)
        for r in control_routes(schedule, at, "KZ")
    }
    assert routes == {"government_decree": (60, 3), "law": (160, 2)}

    later = {
        r.instrument.value: r.median_days
        for r in control_routes(schedule, START + dt.timedelta(days=500), "KZ")
    }
    assert later["government_decree"] == 80  # 30, 60, 100, 200: D4 counts once enacted


def test_each_stage_says_how_long_is_left_from_there():
    events = history(
        ("D1", "government_decree", 0, 30),
        ("D2", "government_decree", 10, 70),
        ("D3", "government_decree", 20, 120),
    )
    for ident, day in (("D1", 10), ("D2", 40), ("D3", 90)):
        events.append(
            legal(AmendmentStageChanged, ident, day, stage="government", previous_stage="drafted")
        )
    schedule = fold_legislation(sorted(events, key=lambda e: e.time))
    routes = control_routes(schedule, START + dt.timedelta(days=300), "KZ")
    [decree] = routes
    assert [(s.stage, s.median_days, s.amendments) for s in decree.stages] == [
        ("drafted", 60, 3),  # 30, 60, 100 days from proposal
        ("government", 30, 3),  # 20, 30, 30 days from reaching the government
    ]
    left = stage_left(routes, decree.instrument, "government")
    assert left is not None and left.median_days == 30
    assert stage_left(routes, decree.instrument, "upper_house") is None


def test_no_enacted_amendment_no_projection():
    schedule = fold_legislation(history(("L1", "law", 0, None)))
    assert control_routes(schedule, START + dt.timedelta(days=100), "KZ") == []


def test_open_alerts_of_the_demo_year_show_the_routes_and_resolved_ones_do_not():
    alerts = [e.event for e in replay(build_scenario()) if e.topic is ALERTS]
    open_ones = [a for a in alerts if a.data.status == AlertStatus.OPEN]
    assert any(a.data.control_routes for a in open_ones)
    assert all(a.data.control_routes == [] for a in alerts if a.data.status == AlertStatus.RESOLVED)
    for alert in open_ones:
        for route in alert.data.control_routes:
            assert route.amendments >= 1 and route.median_days >= 0
