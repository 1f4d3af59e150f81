"""How a contract names a chemical: a structure, a listed substance, a group (family) definition.

Contracts only bound and shape these strings; whether a SMILES parses or a SMARTS matches is decided
by ``services/chemistry`` (which dead-letters with ``invalid_structure``). No RDKit here.

>>> Structure(smiles="CC(=O)Nc1ccc(O)cc1").smiles
'CC(=O)Nc1ccc(O)cc1'
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from contracts.envelope import IncomingModel, Label, Name, Text

SMILES_MAX = 4096
INCHI_MAX = 8192
MOLBLOCK_MAX = 65536
SMARTS_MAX = 4096

Smiles = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SMILES_MAX)
]
Smarts = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SMARTS_MAX)
]


def _inchi_prefix(value: str) -> str:
    if not value.startswith("InChI="):
        raise ValueError(f"must start with 'InChI=' (got {value[:20]!r})")
    return value


Inchi = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=INCHI_MAX),
    AfterValidator(_inchi_prefix),
]
# A MOL block is not stripped: its first line (the molecule name) may legitimately be blank.
Molblock = Annotated[str, StringConstraints(min_length=1, max_length=MOLBLOCK_MAX)]


class Structure(IncomingModel):
    """A chemical structure as SMILES, InChI or MOL block: at least one must be given.

    When several are given, SMILES is used first, then InChI, then the MOL block.

    >>> Structure(inchi="InChI=1S/CH4/h1H4").inchi
    'InChI=1S/CH4/h1H4'
    """

    smiles: Smiles | None = Field(default=None, description=f"SMILES, up to {SMILES_MAX} chars")
    inchi: Inchi | None = Field(default=None, description=f"InChI, up to {INCHI_MAX} chars")
    molblock: Molblock | None = Field(
        default=None, description=f"MDL MOL block (V2000 or V3000), up to {MOLBLOCK_MAX} chars"
    )

    @model_validator(mode="after")
    def _at_least_one(self) -> Structure:
        if self.smiles is None and self.inchi is None and self.molblock is None:
            raise ValueError("give at least one of smiles, inchi, molblock")
        return self


class ListedSubstance(IncomingModel):
    """A substance named in a control list or an amendment."""

    name: Name = Field(description="Name as written in the legal text")
    structure: Structure
    schedule: Label | None = Field(
        default=None, description="The jurisdiction's schedule or list, e.g. 'I' or 'List II'"
    )


class GroupDefinition(IncomingModel):
    """A generic (family) control: everything matching ``smarts`` unless it matches an exclusion.

    >>> GroupDefinition(name="cathinones-1", family="synthetic cathinones",
    ...                 smarts="O=C(c1ccccc1)C(N)C", description="2-aminopropiophenones").exclusions
    []
    """

    name: Name = Field(description="Name of the rule, unique within the jurisdiction")
    family: Name = Field(description="The substance family it covers, e.g. synthetic cathinones")
    smarts: Smarts = Field(description=f"Core pattern as SMARTS, up to {SMARTS_MAX} chars")
    exclusions: list[Smarts] = Field(
        default_factory=list, max_length=100, description="SMARTS of structures the rule exempts"
    )
    description: Text = Field(description="The rule as the legal text words it")


InchiKey = Annotated[str, StringConstraints(pattern=r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$")]
"""A standard InChIKey, e.g. ``RZVAJINKPMORJF-UHFFFAOYSA-N``."""

MatchKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
"""The stereo-insensitive key that groups forms of one substance (computed by chemistry)."""
