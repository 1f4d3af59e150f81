"""Only a space, tab or newline ends a SMILES (before a name), as in RDKit itself.

Regression: intake split SMILES with ``str.split()``, which also splits at no-break and other
Unicode spaces and at U+001C..U+001F, so ``CC(=O)N<no-break space>c1ccc(O)cc1`` was silently read
as its first part (acetamide) and detected as a substance nobody reported (found by
tests/stress/test_hostile_input.py). Now such a character is refused and named.
"""

from __future__ import annotations

import pytest

from services.chemistry import StructureError, standardise

PARACETAMOL = "CC(=O)Nc1ccc(O)cc1"
ODD_SPACES = {
    "no-break space": "\u00a0",
    "em space": "\u2003",
    "ideographic space": "\u3000",
    "unit separator": "\x1f",
    "carriage return": "\r",
    "vertical tab": "\x0b",
}


@pytest.mark.parametrize("name", list(ODD_SPACES), ids=list(ODD_SPACES))
def test_an_odd_space_inside_a_smiles_is_refused_not_cut_at(name: str) -> None:
    char = ODD_SPACES[name]
    with pytest.raises(StructureError, match=f"U\\+{ord(char):04X}") as caught:
        standardise(f"CC(=O)N{char}c1ccc(O)cc1")
    assert caught.value.kind == "unparsable"


@pytest.mark.parametrize("separator", [" ", "\t", "\n"])
def test_a_name_after_a_space_tab_or_newline_is_still_ignored(separator: str) -> None:
    assert standardise(PARACETAMOL + separator + "paracetamol").canonical_smiles == PARACETAMOL
