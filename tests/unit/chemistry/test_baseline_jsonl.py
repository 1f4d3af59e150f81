"""The committed demo schedule (data/kz_baseline.jsonl) is what the generator makes of the CSV."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.codec import decode
from contracts.legislation import BaselineListed, Instrument
from services.chemistry import ScheduleIndex, standardise
from services.chemistry.baseline import (
    BASELINE_GROUPS,
    BASELINES,
    CSV_PATH,
    JSONL_PATH,
    act_events,
    baseline_event,
    main,
    read_rows,
    render,
)
from services.chemistry.families import compile_group
from services.domain.schedule import listings_in_force, load_schedule_jsonl


def test_committed_jsonl_equals_the_generated_one() -> None:
    assert JSONL_PATH.read_text(encoding="utf-8") == render(baseline_event()), (
        "data/kz_baseline.jsonl is stale: run python -m services.chemistry.baseline"
    )


def test_every_line_decodes_as_one_kz_baseline_event() -> None:
    lines = [line for line in JSONL_PATH.read_bytes().splitlines() if line.strip()]
    events = [decode(line) for line in lines]
    assert len(events) == 1
    [event] = events
    assert isinstance(event, BaselineListed)
    assert event.jurisdiction == "KZ"
    assert len(event.data.substances) == len(CSV_PATH.read_text(encoding="utf-8").splitlines()) - 1
    assert [g.name for g in event.data.group_definitions] == list(BASELINE_GROUPS)


def test_every_listed_structure_is_indexed() -> None:
    index = ScheduleIndex.build(load_schedule_jsonl(JSONL_PATH, "KZ"), jurisdiction="KZ")
    assert index.problems == ()
    assert len(index.entries) >= 100


@pytest.mark.parametrize(
    "smiles",
    [
        "CCCCC(C(=O)c1ccccc1)N1CCCC1",  # alpha-PHP
        "CC(C)CC(C(=O)c1ccccc1)N1CCCC1",  # alpha-PiHP
        "CCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN(CC)CC)cc1",  # protonitazene
        "Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1)=NC2",  # bromazolam
        "C=CCCCn1nc(C(=O)NC(C(=O)OC)C(C)(C)C)c2ccccc21",  # MDMB-4en-PINACA
    ],
)
def test_no_baseline_group_covers_a_demo_analogue(smiles: str) -> None:
    parent = standardise(smiles)
    for group in baseline_event().data.group_definitions:
        assert compile_group(group).match(parent.mol) is None, group.name


# --- the partners' schedules (issue 17) ----------------------------------------------------------

PARTNERS = ("RU", "UZ", "BY", "KG")


def test_every_committed_schedule_file_is_fresh() -> None:
    assert main(["--check"]) == 0, "run python -m services.chemistry.baseline"


@pytest.mark.parametrize("code", PARTNERS)
def test_a_partner_file_is_its_baseline_then_its_acts_in_time_order(code: str) -> None:
    spec = BASELINES[code]
    events = [decode(line) for line in spec.jsonl_path.read_bytes().splitlines() if line.strip()]
    assert isinstance(events[0], BaselineListed)
    assert {e.jurisdiction for e in events} == {code}
    assert [e.time for e in events] == sorted(e.time for e in events)
    rows = read_rows(spec.csv_path)
    assert len(events[0].data.substances) == sum(not row["act"] for row in rows)
    state = load_schedule_jsonl(spec.jsonl_path, code)
    assert len(state.listings) == len(rows)  # every act was enacted
    assert ScheduleIndex.build(state, jurisdiction=code).problems == ()


@pytest.mark.parametrize("code", PARTNERS)
def test_every_act_goes_its_jurisdictions_route_and_is_in_force_in_2025(code: str) -> None:
    spec = BASELINES[code]
    state = load_schedule_jsonl(spec.jsonl_path, code)
    assert state.amendments
    for amendment in state.amendments:
        route = spec.routes[amendment.instrument]
        assert [s.stage for s in amendment.stages] == list(route)
        assert amendment.effective_from is not None
        assert amendment.effective_from.year == 2025


def test_an_act_off_its_route_is_refused() -> None:
    acts = read_rows(BASELINES["RU"].acts_path)
    swapped = [dict(a, stage="registered") if a["stage"] == "government" else a for a in acts]
    with pytest.raises(ValueError, match="route"):
        act_events("RU", acts=swapped)


def test_a_row_naming_an_unknown_act_is_refused() -> None:
    rows = read_rows(BASELINES["BY"].csv_path)
    rows[0] = dict(rows[0], act="BY-NO-SUCH-ACT")
    with pytest.raises(ValueError, match="BY-NO-SUCH-ACT"):
        act_events("BY", rows=rows)


def _listed_on(code: str, smiles: str, day: dt.date) -> list[tuple[str, dt.date]]:
    """(source, effective_from) of the listings of ``smiles`` in force in ``code`` on ``day``."""
    key = standardise(smiles).match_key
    state = load_schedule_jsonl(BASELINES[code].jsonl_path, code)
    return [
        (x.source, x.effective_from)
        for x in listings_in_force(state, day)
        if standardise(x.structure).match_key == key
    ]


def test_russia_lists_alpha_pihp_by_decree_before_kazakhstans_alert() -> None:
    alpha_pihp = "CC(C)CC(C(=O)c1ccccc1)N1CCCC1"  # KZ raises its alert on 15 July 2025
    assert _listed_on("KZ", alpha_pihp, dt.date(2025, 7, 15)) == []
    assert _listed_on("RU", alpha_pihp, dt.date(2025, 2, 28)) == []
    [(source, since)] = _listed_on("RU", alpha_pihp, dt.date(2025, 7, 15))
    assert since == dt.date(2025, 3, 1)
    state = load_schedule_jsonl(BASELINES["RU"].jsonl_path, "RU")
    [act] = [a for a in state.amendments if a.amendment_id == source]
    assert act.instrument == Instrument.GOVERNMENT_DECREE


def test_belarus_lists_mdmb_4en_pinaca_by_ministerial_order_before_kazakhstans_alert() -> None:
    mdmb = "C=CCCCn1nc(C(=O)NC(C(=O)OC)C(C)(C)C)c2ccccc21"  # KZ raises its alert on 2 May 2025
    [(source, since)] = _listed_on("BY", mdmb, dt.date(2025, 5, 2))
    assert since == dt.date(2025, 4, 15)
    state = load_schedule_jsonl(BASELINES["BY"].jsonl_path, "BY")
    [act] = [a for a in state.amendments if a.amendment_id == source]
    assert act.instrument == Instrument.MINISTERIAL_ORDER
