"""An alert's structure beside its nearest listed substance, the shared core highlighted.

Pure RDKit: strings in, SVG text out. Both molecules are drawn at the same bond length, and the
listed one is laid out with its core on the same coordinates as the detected one, so an analyst
sees at a glance what the two share and where they differ.

>>> pair = draw_pair("CCCCC(N1CCCC1)C(=O)c1ccccc1", "CCCC(N1CCCC1)C(=O)c1ccccc1",
...                  "O=C(c1ccccc1)C(N1CCCC1)CC")
>>> pair.detected.highlighted, pair.listed.highlighted, pair.note
(16, 16, '')
>>> draw_pair("CCO", None, None).listed is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdkit import Chem, rdBase
from rdkit.Chem import rdDepictor
from rdkit.Chem.Draw import rdMolDraw2D

from contracts.substances import SMARTS_MAX, SMILES_MAX, Structure

WIDTH, HEIGHT = 520, 340
BOND_LENGTH = 32.0
HIGHLIGHT = (1.0, 0.74, 0.36, 0.85)  # amber: visible on white, and not a status colour
MAX_ATOMS = 200  # drawing is for people; a larger molecule is not an NPS and not legible anyway

_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>\s*")


@dataclass(frozen=True)
class Drawing:
    """One molecule as inline SVG, and how many of its atoms belong to the highlighted core."""

    svg: str
    atoms: int
    highlighted: int


@dataclass(frozen=True)
class DrawnPair:
    detected: Drawing | None
    listed: Drawing | None
    note: str
    """Why something is missing or not highlighted; empty when both are drawn with the core."""


def mol_from_structure(structure: Structure | str) -> Chem.Mol | None:
    """The molecule of a SMILES string or a contracts ``Structure``; None if unreadable.

    >>> mol_from_structure(Structure(inchi="InChI=1S/CH4/h1H4")).GetNumAtoms()
    1
    >>> mol_from_structure("C1CC") is None
    True
    """
    with rdBase.BlockLogs():
        if isinstance(structure, str):
            mol = Chem.MolFromSmiles(structure) if len(structure) <= SMILES_MAX else None
        elif structure.smiles:
            mol = Chem.MolFromSmiles(structure.smiles)
        elif structure.inchi:
            mol = Chem.MolFromInchi(structure.inchi)
        else:
            mol = Chem.MolFromMolBlock(structure.molblock or "")
    if mol is None or not 0 < mol.GetNumAtoms() <= MAX_ATOMS:
        return None
    # Through plain SMILES and back: drops coordinates, atom labels and any other text a MOL
    # block or CXSMILES could carry into the drawing.
    with rdBase.BlockLogs():
        return Chem.MolFromSmiles(Chem.MolToSmiles(mol))


def core_query(smarts: str | None) -> Chem.Mol | None:
    """The shared core as a query molecule; None if absent or unreadable."""
    if not smarts or len(smarts) > SMARTS_MAX:
        return None
    with rdBase.BlockLogs():
        return Chem.MolFromSmarts(smarts)


def draw_pair(
    detected_smiles: str, listed: Structure | str | None, core_smarts: str | None
) -> DrawnPair:
    """Draw the detected substance and, if known, the listed one, highlighting ``core_smarts``."""
    detected = mol_from_structure(detected_smiles)
    if detected is None:
        return DrawnPair(None, None, "The alert's structure could not be drawn.")
    listed_mol = mol_from_structure(listed) if listed is not None else None
    core = core_query(core_smarts)
    rdDepictor.Compute2DCoords(detected)
    detected_match = _match(detected, core)
    notes = []
    if core_smarts and core is None:
        notes.append("The shared core pattern could not be read; nothing is highlighted.")
    elif core is not None and not detected_match:
        notes.append("The shared core does not match the alert's structure.")
    if listed is not None and listed_mol is None:
        notes.append("The listed substance's structure could not be read.")
    listed_drawing = None
    if listed_mol is not None:
        listed_match = _match(listed_mol, core)
        _align(listed_mol, detected, listed_match, detected_match)
        if core is not None and not listed_match:
            notes.append("The shared core does not match the listed structure.")
        listed_drawing = _draw(listed_mol, listed_match, core)
    return DrawnPair(_draw(detected, detected_match, core), listed_drawing, " ".join(notes))


def _match(mol: Chem.Mol, core: Chem.Mol | None) -> tuple[int, ...]:
    if core is None:
        return ()
    params: Any = Chem.SubstructMatchParameters()  # RDKit's stubs mistype its attributes
    params.maxMatches = 1
    matches = mol.GetSubstructMatches(core, params)
    return tuple(matches[0]) if matches else ()


def _align(
    mol: Chem.Mol, reference: Chem.Mol, match: tuple[int, ...], ref_match: tuple[int, ...]
) -> None:
    """Lay out ``mol`` with its core atoms where the reference has them (same orientation)."""
    if match and ref_match and len(match) == len(ref_match):
        try:
            rdDepictor.GenerateDepictionMatching2DStructure(
                mol, reference, list(zip(ref_match, match, strict=True))
            )
            return
        except ValueError:
            pass  # a core that cannot be embedded the same way: fall back to a free layout
    rdDepictor.Compute2DCoords(mol)


def _core_bonds(mol: Chem.Mol, core: Chem.Mol | None, match: tuple[int, ...]) -> list[int]:
    if core is None or not match:
        return []
    bonds = []
    for query_bond in core.GetBonds():
        bond = mol.GetBondBetweenAtoms(
            match[query_bond.GetBeginAtomIdx()], match[query_bond.GetEndAtomIdx()]
        )
        if bond is not None:
            bonds.append(bond.GetIdx())
    return bonds


def _draw(mol: Chem.Mol, match: tuple[int, ...], core: Chem.Mol | None) -> Drawing:
    drawer = rdMolDraw2D.MolDraw2DSVG(WIDTH, HEIGHT)
    options: Any = drawer.drawOptions()  # RDKit's stubs mistype its attributes
    options.clearBackground = False
    options.fixedBondLength = BOND_LENGTH
    options.bondLineWidth = 2
    options.padding = 0.08
    options.setHighlightColour(HIGHLIGHT)
    options.useBWAtomPalette()  # one look whether or not a core is highlighted
    options.highlightBondWidthMultiplier = 14
    atoms = list(match)
    bonds = _core_bonds(mol, core, match)
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol, highlightAtoms=atoms, highlightBonds=bonds)
    drawer.FinishDrawing()
    svg = _XML_DECLARATION.sub("", drawer.GetDrawingText())
    return Drawing(svg=svg, atoms=mol.GetNumAtoms(), highlighted=len(atoms))
