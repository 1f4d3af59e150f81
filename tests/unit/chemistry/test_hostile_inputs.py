"""Hostile inputs: each ends in a typed error or a result, well within a generous time bound.

The bounds are loose on purpose (a busy CI machine must not fail them); the point is that nothing
hangs or grows without limit. Typical times measured on a laptop core are in the comments.
"""

from __future__ import annotations

import time

import pytest

from services.chemistry import Limits, StructureError, standardise

BOUND_S = 2.0


def outcome(text: str, limits: Limits) -> tuple[str, float]:
    """'ok' or the error kind, and the seconds it took."""
    started = time.perf_counter()
    try:
        standardise(text, limits)
        result = "ok"
    except StructureError as error:
        result = error.kind
    return result, time.perf_counter() - started


def polyacene(rings: int) -> str:
    """Linearly fused benzene rings (anthracene, tetracene, ...), all ring closures open."""

    def label(k: int) -> str:
        return str(k) if k < 10 else f"%{k}"

    middle = "".join(f"cc{label(k)}" for k in range(3, rings + 1))
    back = "".join(f"cc{label(k)}" for k in range(rings - 1, 2, -1))
    return f"c1ccc2{middle}ccccc{label(rings)}{back}cc2c1"


HOSTILE = {
    "100k-character SMILES": ("C" * 100_000, "too_large"),  # ~0.1 ms: rejected on length
    "100k-character InChI": ("InChI=1S/" + "C" * 100_000, "too_large"),
    "5,000-atom chain, length limit lifted": ("C" * 5000, "too_large"),  # ~1 ms: atom count
    "1,000 fragments": ("C." * 999 + "C", "too_large"),
    "deep branching": ("C(" * 1300 + "C" + ")" * 1300, "too_large"),
    "dense fused rings (polyacene, 60 rings)": (polyacene(60), "too_large"),  # ring count
    "fused rings at the limit (polyacene, 40 rings)": (polyacene(40), "ok"),  # ~12 ms
    "many ring closures in a short string": (
        "C12C3C4C5C6C7C8C9C%10C%11C%12C%13C%14C%15C%16C%17C%18C%19C%20C%21"
        + "C%21%20%19%18%17%16%15%14%13%12%11%10987654321" * 2,
        "unparsable",
    ),
    "pentavalent carbon": ("CC(C)(C)(C)(C)C", "unparsable"),
    "four-valent neutral nitrogen": ("CN(C)(C)C", "unparsable"),
    "unkekulisable aromatic ring": ("c1cccc1", "unparsable"),
    "Cyrillic C in place of Latin C": ("СС(=O)Nc1ccc(O)cc1", "unparsable"),
    "fullwidth parenthesis": ("CC（=O)Nc1ccc(O)cc1", "unparsable"),
    "zero-width space": ("CC(=O)N\u200bc1ccc(O)cc1", "unparsable"),
    "NUL byte": ("CC(=O)N\x00c1ccc(O)cc1", "unparsable"),
    "emoji": ("C💊C", "unparsable"),
    "right-to-left override": ("\u202eCC(=O)O", "unparsable"),
    "MOL block with no atoms": (
        "junk\n  RDKit\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n",
        "empty",
    ),
    "MOL block garbage": ("junk\nM  END\n", "unparsable"),
    "fullerene C60 (31 rings, within bounds)": (
        "c12c3c4c5c1c1c6c7c2c2c8c3c3c9c4c4c%10c5c5c1c1c6c6c%11c7c2c2c7c8c3c3c8c9c4c4c9c%10"
        "c5c5c1c1c6c6c%11c2c2c7c3c3c8c4c4c9c5c1c1c6c2c3c41",
        "ok",
    ),
    "tautomer-rich polyhydroxypyrimidine chain": (
        "Oc1nc(O)c(-c2c(O)nc(O)nc2O)c(O)n1" * 1 + ".Cl",
        "ok",
    ),
    "long polyene with enol ends": ("OC=C" + "C=C" * 60 + "C=CO", "ok"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_input_ends_in_a_typed_outcome_within_bound(case: str) -> None:
    text, expected = HOSTILE[case]
    limits = Limits(max_chars=200_000) if "limit lifted" in case else Limits()
    result, seconds = outcome(text, limits)
    assert result == expected
    assert seconds < BOUND_S


def test_unicode_error_names_the_character() -> None:
    with pytest.raises(StructureError, match="U\\+0421 CYRILLIC CAPITAL LETTER ES"):
        standardise("СС(=O)O")


def test_valence_error_keeps_rdkit_reason() -> None:
    with pytest.raises(StructureError, match="valence"):
        standardise("CC(C)(C)(C)(C)C")
