"""The held-out measurement's parts: folds by scaffold, and what counts as recall and purity."""

from __future__ import annotations

from services.chemistry.standardisation import standardise
from services.tools.calibration import Compound, Verdict, scaffold_folds, score


def compound(label: str, smiles: str) -> Compound:
    return Compound(label, standardise(smiles))


def test_compounds_of_one_generic_scaffold_share_a_fold_and_folds_are_balanced() -> None:
    compounds = [
        compound("Cathinones", "CNC(C)C(=O)c1ccc(C)cc1"),  # mephedrone: a benzene
        compound("Cathinones", "CCNC(C)C(=O)c1ccccc1"),  # the same generic scaffold
        compound("Cathinones", "CCCC(N1CCCC1)C(=O)c1ccccc1"),  # two rings joined by a chain
        compound("Cathinones", "CCCCC(N1CCCC1)C(=O)c1ccccc1"),
        compound("Opioids", "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1"),
        compound("Phenethylamines", "CC(N)Cc1ccc2c(c1)OCO2"),
    ]
    folds = scaffold_folds(compounds, folds=3)
    assert folds[0] == folds[1] and folds[2] == folds[3]
    assert len(set(folds)) == 3
    assert folds == scaffold_folds(compounds, folds=3)  # deterministic


def test_recall_counts_only_classes_with_a_listed_member_and_purity_only_analogues() -> None:
    queries = [
        compound("Cathinones", "CCNC(C)C(=O)c1ccccc1"),
        compound("Cathinones", "CNC(C)C(=O)c1ccc(C)cc1"),
        compound("Cathinones", "CCCC(N1CCCC1)C(=O)c1ccccc1"),
        compound("Aminoindanes", "NC1Cc2ccccc2C1"),
    ]
    found = [
        Verdict(True, "analogue", "same-family-as-listed", "Cathinones"),
        Verdict(True, "analogue", "similar-to-listed", "Phenethylamines"),  # named wrongly
        Verdict(False, "unrelated", "unrelated", "Cathinones"),
        Verdict(True, "analogue", "similar-to-listed", "Phenethylamines"),  # no listed member
    ]
    negatives = [
        Verdict(True, "group", "group-definition", None),
        Verdict(False, "unrelated", "unrelated", None),
    ]
    scores = score(queries, found, negatives, {"Cathinones"})
    assert scores.recall == {"Cathinones": (2, 3)}
    assert scores.purity == (1, 2)
    assert scores.negatives == (1, 2)
    assert scores.rules == {"same-family-as-listed": 1, "similar-to-listed": 1}
    assert not scores.admissible()  # purity 50%, and a negative flagged
