"""Reading a structure a lab reported into an RDKit molecule, within hard bounds.

Everything that can go wrong with a reported structure is a :class:`StructureError` with a
``kind`` a program can branch on and a ``reason`` a person can read. The bounds in :class:`Limits`
are checked in the cheapest order (text length, characters, atom count, ring count) *before* RDKit
sanitises the molecule, so no input can make a worker spend long on ring perception or aromaticity.

>>> mol = read_structure("CC(=O)Nc1ccc(O)cc1")
>>> mol.GetNumAtoms()
11
>>> read_structure("C1CC").GetNumAtoms()
Traceback (most recent call last):
...
services.chemistry.intake.StructureError: unparsable: RDKit could not parse the SMILES 'C1CC'
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rdkit import Chem, rdBase

if TYPE_CHECKING:
    from contracts.substances import Structure

ErrorKind = Literal[
    "unparsable", "empty", "too_large", "no_organic_fragment", "ambiguous_mixture", "timeout"
]


class StructureError(Exception):
    """A reported structure that cannot become a parent compound, and why.

    >>> error = StructureError("empty", "no structure given")
    >>> error.kind, error.reason
    ('empty', 'no structure given')
    """

    def __init__(self, kind: ErrorKind, reason: str) -> None:
        super().__init__(f"{kind}: {reason}")
        self.kind: ErrorKind = kind
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """Hard bounds on what intake and standardisation accept or spend.

    The defaults admit every real new psychoactive substance with its salts and solvents by a wide
    margin (the largest parent in the reference set has 63 heavy atoms) and keep the worst case
    for one structure well under a second.
    """

    max_chars: int = 4096
    """Longest SMILES or InChI text, as in ``contracts.substances.SMILES_MAX``."""
    max_molblock_chars: int = 65536
    """Longest MOL block text, as in ``contracts.substances.MOLBLOCK_MAX``."""
    max_atoms: int = 400
    """Most atoms in the whole input (salts, solvents and explicit hydrogens included)."""
    max_rings: int = 40
    """Most independent rings (bonds - atoms + fragments) in the whole input."""
    tautomer_max_heavy_atoms: int = 70
    """Above this size the canonical-tautomer step is skipped (enumeration grows quickly)."""
    time_budget_s: float = 1.0
    """Wall time for one standardisation: past it, optional steps are skipped, mandatory ones
    fail with ``timeout``."""


DEFAULT_LIMITS = Limits()

_SMILES_CHARACTERS = frozenset(string.ascii_letters + string.digits + "@+-=#$:/\\.%()[]*~&;,!")


def read_structure(structure: Structure | str, limits: Limits = DEFAULT_LIMITS) -> Chem.Mol:
    """Parse a SMILES, InChI or MOL block into a sanitised molecule, or raise StructureError.

    A plain string is read as an InChI if it starts with ``InChI=``, as a MOL block if it
    contains ``M  END``, and as SMILES otherwise. A contracts ``Structure`` is read from its first
    present field in the order the contract documents: SMILES, then InChI, then MOL block.

    >>> read_structure("InChI=1S/CH4/h1H4").GetNumAtoms()
    1
    >>> read_structure("   ")
    Traceback (most recent call last):
    ...
    services.chemistry.intake.StructureError: empty: no structure given
    """
    text, notation = _text_and_notation(structure)
    if not text.strip():
        raise StructureError("empty", "no structure given")
    _check_length(text, notation, limits)
    if notation == "SMILES" and _small_smiles(text, limits):
        return _parse_sanitised(text, notation, None)
    unsanitised = _parse(text, notation, sanitize=False)
    if unsanitised is None:
        raise StructureError("unparsable", f"RDKit could not parse the {notation} {_shown(text)}")
    if unsanitised.GetNumAtoms() == 0:
        raise StructureError("empty", f"the {notation} has no atoms")
    _check_size(unsanitised, limits)
    # Parse again, now that the size is known to be safe: the readers perceive stereo as they
    # sanitise (from SMILES marks, MOL block wedges or coordinates); sanitising later would not.
    return _parse_sanitised(text, notation, unsanitised)


def _small_smiles(text: str, limits: Limits) -> bool:
    # Every atom takes at least one character and every ring is one ring-closure bond (two
    # digits, or two %nn), so a short SMILES with few closures is within bounds unparsed.
    closures = _RING_CLOSURE.findall(_BRACKET_ATOM.sub("", text))
    return len(text) <= limits.max_atoms and len(closures) <= 2 * limits.max_rings


_BRACKET_ATOM = re.compile(r"\[[^\]]*\]")
_RING_CLOSURE = re.compile(r"%\d\d|\d")


def _parse_sanitised(text: str, notation: str, unsanitised: Chem.Mol | None) -> Chem.Mol:
    mol = _parse(text, notation, sanitize=True)
    if mol is not None:
        return mol
    if unsanitised is None:
        unsanitised = _parse(text, notation, sanitize=False)
    if unsanitised is None:
        raise StructureError("unparsable", f"RDKit could not parse the {notation} {_shown(text)}")
    reason = _sanitise_error(unsanitised)
    raise StructureError("unparsable", f"the {notation} is not a valid molecule: {reason}")


def _shown(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _text_and_notation(structure: Structure | str) -> tuple[str, str]:
    if isinstance(structure, str):
        if structure.lstrip().startswith("InChI="):
            return structure.strip(), "InChI"
        if "M  END" in structure:
            return structure, "MOL block"
        return structure.strip(), "SMILES"
    for field, notation in (("smiles", "SMILES"), ("inchi", "InChI"), ("molblock", "MOL block")):
        value = getattr(structure, field, None)
        if value:
            return value, notation
    return "", "SMILES"


def _check_length(text: str, notation: str, limits: Limits) -> None:
    longest = limits.max_molblock_chars if notation == "MOL block" else limits.max_chars
    if len(text) > longest:
        raise StructureError(
            "too_large", f"the {notation} has {len(text):,} characters; the limit is {longest:,}"
        )
    if notation == "SMILES":
        _check_smiles_characters(text)


def _smiles_part(text: str) -> str:
    """The SMILES before a name: RDKit ends a SMILES at a space, tab or newline, and at no other
    whitespace (a no-break space is an error, not the start of a name)."""
    return _NAME_START.split(text, maxsplit=1)[0]


_NAME_START = re.compile(r"[ \t\n]")


def _check_smiles_characters(text: str) -> None:
    # RDKit treats whitespace as the start of a name; the id belongs to the file format instead.
    found = _NOT_SMILES.search(_smiles_part(text))
    if found is not None:
        char, position = found.group(), found.start()
        name = unicodedata.name(char, "unnamed character")
        raise StructureError(
            "unparsable",
            f"character {char!r} (U+{ord(char):04X} {name}) at position {position} "
            "cannot occur in SMILES",
        )


_NOT_SMILES = re.compile("[^" + re.escape("".join(sorted(_SMILES_CHARACTERS))) + "]")


def _parse(text: str, notation: str, *, sanitize: bool) -> Chem.Mol | None:
    with rdBase.BlockLogs():
        if notation == "SMILES":
            return Chem.MolFromSmiles(_smiles_part(text), sanitize=sanitize)
        if notation == "InChI":
            return Chem.MolFromInchi(text, sanitize=sanitize, removeHs=sanitize)
        return Chem.MolFromMolBlock(text, sanitize=sanitize, removeHs=sanitize)


def _check_size(mol: Chem.Mol, limits: Limits) -> None:
    atoms = mol.GetNumAtoms()
    if atoms > limits.max_atoms:
        raise StructureError(
            "too_large", f"{atoms:,} atoms; the limit is {limits.max_atoms:,} (salts included)"
        )
    fragments = len(Chem.GetMolFrags(mol, sanitizeFrags=False))
    rings = mol.GetNumBonds() - atoms + fragments
    if rings > limits.max_rings:
        raise StructureError(
            "too_large", f"{rings} independent rings; the limit is {limits.max_rings}"
        )


def _sanitise_error(mol: Chem.Mol) -> str:
    with rdBase.BlockLogs():
        try:
            Chem.SanitizeMol(Chem.Mol(mol))
        except Exception as error:  # RDKit raises several unrelated classes with useful messages
            return str(error)
    return "RDKit rejected it while perceiving stereochemistry"
