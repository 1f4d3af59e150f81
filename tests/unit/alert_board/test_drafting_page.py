"""The board's drafting page: a group definition for an alert's family, from the open alerts of
its jurisdiction and the listed substances there (issue 18). Real structures: alpha-PHP,
N-ethylhexedrone and 4-CEC (synthetic cathinones, unlisted in the demo schedule); the schedule is
the Kazakhstan demo baseline (services/chemistry/data/kz_baseline.jsonl)."""

from __future__ import annotations

import datetime as dt

from contracts.schedule import ScheduleSnapshot
from services.alert_board.drafting_page import draft_for, render_draft
from services.alert_board.pages import Assets
from services.alert_board.view import AlertBoardView
from services.chemistry.baseline import JSONL_PATH
from services.chemistry.drafting import Draft
from services.domain.schedule import load_schedule_jsonl

TODAY = dt.date(2025, 6, 1)
ASSETS = Assets(css="", js="")


def board(make_alert) -> AlertBoardView:
    view = AlertBoardView()
    for ident, smiles, name in (
        ("KZ-PHP", "CCCCC(N1CCCC1)C(=O)c1ccccc1", "alpha-PHP"),
        ("KZ-NEH", "CCCCC(NCC)C(=O)c1ccccc1", "N-ethylhexedrone"),
        ("KZ-CEC", "CCNC(C)C(=O)c1ccc(Cl)cc1", "4-CEC"),
    ):
        view.apply_alert(make_alert(alert_id=ident, canonical_smiles=smiles, reported_names=[name]))
    view.apply_alert(  # resolved: not drafted for
        make_alert("resolved", 2, alert_id="KZ-OLD", canonical_smiles="CCNC(C)C(=O)c1ccccc1")
    )
    state = load_schedule_jsonl(JSONL_PATH, "KZ")
    view.apply_snapshot(
        ScheduleSnapshot(
            id="s-1",
            source="schedule_registry",
            jurisdiction="KZ",
            time=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            published=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            data=state,
        )
    )
    return view


def test_the_draft_covers_the_open_alerts_of_the_family_and_the_listed_ones(make_alert):
    view = board(make_alert)
    draft = draft_for(view.get("KZ-PHP"), view, TODAY)
    assert isinstance(draft, Draft)
    names = [m.name for m in draft.members]
    assert sorted(names[:3]) == ["4-CEC", "N-ethylhexedrone", "alpha-PHP"]  # the open alerts
    assert "Mephedrone" in names and "KZ-OLD" not in names
    assert draft.chosen is not None and not draft.chosen.missed

    page = render_draft(view.get("KZ-PHP"), draft, last_id="", ready=True, assets=ASSETS)
    assert "Group definition for" in page and "aw.legislation.amendment-proposed.v1" in page
    assert 'Mephedrone <span class="muted">(listed)</span>' in page


def test_a_substance_of_no_family_gets_a_reason_not_a_draft(make_alert):
    view = AlertBoardView()
    odd = make_alert(alert_id="KZ-X", canonical_smiles="CCOC(=O)c1ccccc1N")
    view.apply_alert(odd)
    draft = draft_for(odd, view, TODAY)
    assert isinstance(draft, str) and "none of the family rules" in draft
    page = render_draft(odd, draft, last_id="", ready=True, assets=ASSETS)
    assert "No group definition" in page
