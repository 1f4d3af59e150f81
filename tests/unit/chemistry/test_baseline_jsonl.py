"""The committed demo schedule (data/kz_baseline.jsonl) is what the generator makes of the CSV."""

from __future__ import annotations

import pytest

from contracts.codec import decode
from contracts.legislation import BaselineListed
from services.chemistry import ScheduleIndex, standardise
from services.chemistry.baseline import (
    BASELINE_GROUPS,
    CSV_PATH,
    JSONL_PATH,
    baseline_event,
    render,
)
from services.chemistry.families import compile_group
from services.domain.schedule import load_schedule_jsonl


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
