"""The partners' schedules in the demo year (issue 17): published on their own keys, they change
nothing about Kazakhstan's alerts but what each alert says about the neighbours, and the early
warnings Kazakhstan's partner rule raises from them (``lifecycle.PARTNERS``)."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.alerts import AlertEvent, ControlStatus
from contracts.legislation import LEGISLATION_EVENTS, Instrument
from contracts.topics import ALERTS
from services.domain.lifecycle import AlertRule
from services.domain.notifications import notification_for
from services.scenario import kz_year
from services.scenario.baseline import PARTNERS
from services.scenario.substances import ALL_SUBSTANCES
from services.tools.pipeline import ReplayDeps, replay

EVENTS = kz_year.build_scenario()


def _alerts(events, deps: ReplayDeps | None = None) -> list[AlertEvent]:
    return [e.event for e in replay(events, deps) if e.topic is ALERTS]  # type: ignore[misc]


NO_PARTNERS = ReplayDeps(rules=lambda jurisdiction: AlertRule())
"""Every jurisdiction on the default rule, with no partners: no early warnings."""


@pytest.fixture(scope="module")
def with_partners() -> list[AlertEvent]:
    return _alerts(EVENTS)


def test_every_partner_publishes_its_list_and_acts_on_its_own_key() -> None:
    legislation = [e for e in EVENTS if isinstance(e, LEGISLATION_EVENTS)]
    assert {e.jurisdiction for e in legislation} == {"KZ", *PARTNERS}
    assert EVENTS[0].jurisdiction == "KZ"
    for code in PARTNERS:
        assert any(e.jurisdiction == code and e.type.endswith("enacted.v1") for e in legislation)


def test_without_a_partner_rule_kazakhstans_alerts_are_the_same_with_or_without_the_partners():
    alone = [
        e for e in EVENTS if not (isinstance(e, LEGISLATION_EVENTS) and e.jurisdiction in PARTNERS)
    ]
    without = _alerts(alone, NO_PARTNERS)
    with_partners = _alerts(EVENTS, NO_PARTNERS)

    def bare(alerts: list[AlertEvent]) -> list[tuple]:
        return [
            (a.id, a.type, a.time, a.data.model_dump(exclude={"status_abroad"})) for a in alerts
        ]

    assert bare(with_partners) == bare(without)
    assert {a.jurisdiction for a in with_partners} == {"KZ"}
    assert all(a.data.status_abroad == [] for a in without)


def _raised(alerts: list[AlertEvent], name: str) -> AlertEvent:
    substance = next(s for s in ALL_SUBSTANCES if s.name == name)
    return next(
        a
        for a in alerts
        if a.data.alert_id == f"KZ-{substance.inchikey}" and a.type == kz_year.RAISED
    )


def test_the_alpha_pihp_alert_says_russia_listed_it_by_decree_since_1_march(with_partners):
    alert = _raised(with_partners, "alpha-PiHP")
    abroad = {s.jurisdiction: s for s in alert.data.status_abroad}
    assert sorted(abroad) == ["BY", "KG", "RU", "UZ"]
    ru = abroad["RU"]
    assert (ru.status, ru.instrument, ru.since) == (
        ControlStatus.LISTED,
        Instrument.GOVERNMENT_DECREE,
        dt.date(2025, 3, 1),
    )
    assert abroad["UZ"].status == ControlStatus.ANALOGUE


def test_the_mdmb_4en_pinaca_alert_says_belarus_listed_it_by_ministerial_order(with_partners):
    by = {s.jurisdiction: s for s in _raised(with_partners, "MDMB-4en-PINACA").data.status_abroad}
    assert (by["BY"].status, by["BY"].instrument, by["BY"].since) == (
        ControlStatus.LISTED,
        Instrument.MINISTERIAL_ORDER,
        dt.date(2025, 4, 15),
    )


def test_the_replay_tells_the_story_of_the_alerts_and_their_levels(with_partners) -> None:
    """Per alert, its changes of status (with the level of its raise) and its promotion: what
    ``kz_year.EXPECTED_TRANSITIONS`` and ``EXPECTED_PROMOTIONS`` say, in order."""
    got: dict[str, list[tuple[str, str]]] = {}
    level: dict[str, str] = {}
    for a in with_partners:
        alert_id = a.data.alert_id
        if a.type != kz_year.UPDATED or level.get(alert_id) != a.data.level:
            got.setdefault(alert_id, []).append((a.type, a.data.level.value))
        level[alert_id] = a.data.level
    expected: dict[str, list[tuple[str, str]]] = {}
    for t in sorted(
        (*kz_year.EXPECTED_TRANSITIONS, *kz_year.EXPECTED_PROMOTIONS), key=lambda t: t.on
    ):
        expected.setdefault(t.alert_id, []).append((t.type, t.level))
    assert got == expected


def test_partners_are_told_of_an_early_warning_and_of_its_promotion(with_partners) -> None:
    pihp = next(s for s in ALL_SUBSTANCES if s.name == "alpha-PiHP")
    told = [
        n.data
        for a in with_partners
        if a.data.alert_id == f"KZ-{pihp.inchikey}" and (n := notification_for(a)) is not None
    ]
    assert [(n.kind.value, n.level.value) for n in told] == [
        ("raised", "early-warning"),
        ("promoted", "domestic"),
        ("resolved", "domestic"),
    ]
    assert [n.alert_version for n in told] == sorted({n.alert_version for n in told})
    assert told[0].alert_version == 1 and told[1].counts.occurrences == 3  # its third seizure
