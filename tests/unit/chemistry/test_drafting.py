"""Drafting a group definition from real structures (services/chemistry/drafting.py, issue 18).

Members: unlisted synthetic cathinones and nitazenes reported to early-warning systems (alpha-PHP,
N-ethylhexedrone, 4-CEC; protonitazene, etonitazepyne, N-desethyl isotonitazene) and listed
relatives from the Kazakhstan demo schedule (services/chemistry/data/kz_baseline.csv). What must
not be caught: services/chemistry/data/not_controlled.csv (medicines, cutting agents, sugars).
How far a definition reaches: data/reference/nps_structures_by_class.csv (MIT, see its README).
"""

from __future__ import annotations

import csv

import pytest
from rdkit import Chem

from services.chemistry.baseline import DATA as CHEMISTRY_DATA
from services.chemistry.drafting import (
    DraftError,
    Member,
    Reference,
    draft_group,
    not_controlled,
    reference_nps,
)
from services.chemistry.families import compile_group
from services.tools.calibration import REFERENCE_DATA

CATHINONE_ALERTS = [
    Member("alpha-PHP", "CCCCC(N1CCCC1)C(=O)c1ccccc1"),
    Member("N-ethylhexedrone", "CCCCC(NCC)C(=O)c1ccccc1"),
    Member("4-CEC", "CCNC(C)C(=O)c1ccc(Cl)cc1"),
]
NITAZENE_ALERTS = [
    Member("protonitazene", "CCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN(CC)CC)cc1"),
    Member("etonitazepyne", "CCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCC2)cc1"),
    Member("N-desethyl isotonitazene", "CCNCCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21"),
]


def listed(family: str) -> list[Member]:
    with (CHEMISTRY_DATA / "kz_baseline.csv").open(encoding="utf-8") as rows:
        return [
            Member(r["name"], r["smiles"], listed=True)
            for r in csv.DictReader(rows)
            if r["family"] == family
        ]


@pytest.fixture(scope="module")
def avoid() -> list[Reference]:
    return not_controlled()


@pytest.fixture(scope="module")
def reference() -> list[Reference]:
    found = reference_nps(REFERENCE_DATA / "nps_structures_by_class.csv")
    assert len(found) == 1160  # the file is in the repository (data/reference)
    return found


def mol(member: Member) -> Chem.Mol:
    return Chem.MolFromSmiles(member.smiles)


@pytest.mark.parametrize(
    ("alerts", "family", "relatives"),
    [
        (CATHINONE_ALERTS, "synthetic cathinones", "cathinone"),
        (NITAZENE_ALERTS, "benzimidazole opioids", "nitazene"),
    ],
)
def test_every_candidate_covers_its_alerts_and_listed_relatives_and_no_medicine(
    alerts, family, relatives, avoid, reference
):
    members = [*alerts, *listed(relatives)]
    draft = draft_group(
        members, name="draft-1", family=family, not_controlled=avoid, reference=reference
    )
    proposable = [c for c in draft.candidates if c.refused is None]
    assert {c.label for c in proposable} >= {"as seen", "open core"}
    for candidate in proposable:
        group = compile_group(candidate.definition)
        assert [m.name for m in members if group.match(mol(m)) is None] == []
        caught = [r.name for r in avoid if group.match(Chem.MolFromSmiles(r.smiles)) is not None]
        assert caught == [], f"{candidate.label} catches {caught}"
    assert draft.chosen is not None and draft.chosen.refused is None


def test_a_medicine_the_core_catches_is_named_as_an_exclusion(avoid):
    # Bupropion is a 2-amino-1-arylpropan-1-one: the cathinones' open core holds it.
    draft = draft_group(CATHINONE_ALERTS, name="c", family="cathinones", not_controlled=avoid)
    open_core = next(c for c in draft.candidates if c.label == "open core")
    assert open_core.excepted == ("bupropion",)
    assert "excepted: bupropion" in open_core.definition.description
    bupropion = next(r for r in avoid if r.name == "bupropion")
    assert compile_group(open_core.definition).match(Chem.MolFromSmiles(bupropion.smiles)) is None


def test_as_seen_holds_positions_no_member_substitutes_and_the_open_core_does_not():
    draft = draft_group(CATHINONE_ALERTS, name="c", family="cathinones")
    places = {p.where: p.seen for p in draft.positions}
    assert places["the nitrogen"] == ("a pyrrolidine ring", "ethyl")
    assert places["the ring's 4-position (carbon)"] == ("chloro",)
    candidates = {c.label: compile_group(c.definition) for c in draft.candidates}
    two_fmc = Chem.MolFromSmiles("CNC(C)C(=O)c1ccccc1F")  # 2-fluoromethcathinone: ortho
    assert candidates["as seen"].match(two_fmc) is None
    assert candidates["open core"].match(two_fmc) is not None


def test_the_choice_is_the_broadest_that_stays_within_the_family(avoid, reference):
    draft = draft_group(
        [*CATHINONE_ALERTS, *listed("cathinone")],
        name="c",
        family="synthetic cathinones",
        not_controlled=avoid,
        reference=reference,
    )
    assert draft.family_class == "Cathinones"
    by_label = {c.label: c for c in draft.candidates}
    assert by_label["open core"].in_family > by_label["as seen"].in_family
    assert draft.chosen is not None and draft.chosen.other_families == ()
    assert draft.chosen.in_family == max(
        c.in_family for c in draft.candidates if not c.other_families and c.refused is None
    )


def test_substances_of_different_families_share_no_core_worth_a_definition():
    cannabinoid = Member("ADB-BUTINACA", "CCCCn1nc(C(=O)NC(C(N)=O)C(C)(C)C)c2ccccc21")
    with pytest.raises(DraftError, match="too little for a definition"):
        draft_group([CATHINONE_ALERTS[0], cannabinoid], name="x", family="x")


def test_one_substance_is_not_a_family():
    with pytest.raises(DraftError, match="at least two"):
        draft_group(CATHINONE_ALERTS[:1], name="x", family="x")
