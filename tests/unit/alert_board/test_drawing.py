"""Drawing an alert's structure beside the nearest listed one, with the shared core highlighted."""

from __future__ import annotations

import re

import pytest

from contracts.substances import Structure
from services.alert_board.drawing import draw_pair, mol_from_structure

ALPHA_PHP = "CCCCC(N1CCCC1)C(=O)c1ccccc1"  # 18 heavy atoms
ALPHA_PVP = "CCCC(N1CCCC1)C(=O)c1ccccc1"  # 17
PVP_SKELETON = "CCCC(N1CCCC1)C(=O)c1ccccc1"
HIGHLIGHT_FILL = "#FFBC5B"


def atoms_drawn(svg: str) -> set[int]:
    return {int(i) for i in re.findall(r"class='atom-(\d+)'", svg)}


def test_both_structures_are_drawn_with_the_shared_core_highlighted() -> None:
    pair = draw_pair(ALPHA_PHP, Structure(smiles=ALPHA_PVP), PVP_SKELETON)

    assert (pair.detected.atoms, pair.detected.highlighted) == (18, 17)
    assert (pair.listed.atoms, pair.listed.highlighted) == (17, 17)
    assert pair.note == ""
    for drawing in (pair.detected, pair.listed):
        assert drawing.svg.startswith("<svg")
        assert HIGHLIGHT_FILL in drawing.svg
        assert len(atoms_drawn(drawing.svg)) >= 17


def test_the_core_is_laid_out_the_same_way_in_both_drawings() -> None:
    pair = draw_pair(ALPHA_PHP, Structure(smiles=ALPHA_PVP), PVP_SKELETON)

    detected = core_shape(pair.detected.svg)
    listed = core_shape(pair.listed.svg)

    assert len(detected) == len(listed) == 17
    assert all(
        abs(a[0] - b[0]) < 1 and abs(a[1] - b[1]) < 1 for a, b in zip(detected, listed, strict=True)
    )


def core_shape(svg: str) -> list[tuple[float, float]]:
    """The highlighted atoms' centres relative to their centroid, sorted: the core's shape."""
    centres = [
        (float(x), float(y))
        for x, y in re.findall(rf"<ellipse cx='([\d.]+)' cy='([\d.]+)'[^>]*{HIGHLIGHT_FILL}", svg)
    ]
    mx = sum(x for x, _ in centres) / len(centres)
    my = sum(y for _, y in centres) / len(centres)
    return sorted((round(x - mx, 1), round(y - my, 1)) for x, y in centres)


def test_without_a_listed_structure_only_the_alerts_is_drawn() -> None:
    pair = draw_pair(ALPHA_PHP, None, PVP_SKELETON)

    assert pair.listed is None
    assert pair.detected.highlighted == 17


@pytest.mark.parametrize(
    ("listed", "core", "note"),
    [
        (
            Structure(smiles="C1CC"),
            PVP_SKELETON,
            "The listed substance's structure could not be read.",
        ),
        (
            Structure(smiles=ALPHA_PVP),
            "[[[",
            "The shared core pattern could not be read; nothing is highlighted.",
        ),
        (
            Structure(smiles="c1ccccc1O"),
            "c1ccccc1O",
            "The shared core does not match the alert's structure.",
        ),
        (
            Structure(smiles="CCO"),
            "c1ccccc1",
            "The shared core does not match the listed structure.",
        ),
    ],
)
def test_what_cannot_be_drawn_or_highlighted_is_said(listed, core, note) -> None:
    assert draw_pair(ALPHA_PHP, listed, core).note == note


def test_an_unreadable_alert_structure_draws_nothing() -> None:
    pair = draw_pair("not a smiles", Structure(smiles=ALPHA_PVP), None)

    assert (pair.detected, pair.listed) == (None, None)
    assert pair.note == "The alert's structure could not be drawn."


def test_listed_structures_may_come_as_inchi_or_mol_block() -> None:
    from rdkit import Chem

    mol = Chem.MolFromSmiles(ALPHA_PVP)
    inchi = Structure(inchi=Chem.MolToInchi(mol))
    molblock = Structure(molblock=Chem.MolToMolBlock(mol))

    assert mol_from_structure(inchi).GetNumAtoms() == 17
    assert mol_from_structure(molblock).GetNumAtoms() == 17


def test_text_carried_by_a_mol_block_never_reaches_the_drawing() -> None:
    from rdkit import Chem

    mol = Chem.MolFromSmiles("CC*")
    mol.GetAtomWithIdx(2).SetProp("atomLabel", "<script>x</script>")
    molblock = Chem.MolToMolBlock(mol)

    pair = draw_pair(ALPHA_PHP, Structure(molblock=molblock), None)

    assert "script" not in pair.listed.svg
