"""Drafting a group (generic) definition that covers a family's open alerts (issue 18).

A drafter gives the substances a definition must cover (the open alerts' substances and their
listed relatives) and what it must not catch (medicines and other substances that are not
controlled). :func:`draft_group` finds the core they share (RDKit's maximum common substructure,
rings whole), says at which positions of it the members carry substituents and which, and
writes three candidate definitions, in the style of generic legislation:

* **as seen**: the core, substituted only where a member is (every other position bears
  hydrogen only), by any group: what the members prove, and the least a generic clause can say;
* **open core**: the core, substituted anywhere by anything, as the UK's and Germany's generic
  clauses word a family's skeleton;
* **family rule**: the hand-written rule of ``services.chemistry.families`` that covers every
  member, if one does (the broadest).

Each candidate is checked against the members (it must cover them all), against the substances
it must not catch (each one it catches is named as an exclusion, as real texts name bupropion;
a candidate whose exclusions would exempt a member is refused) and against reference NPS
(``data/reference``: how many of the members' family it would also control, and of others).
:func:`choose` takes the broadest candidate that controls no reference NPS of another family:
a definition should reach the next move within the family, not the neighbours. No Kafka here:
``services/tools/drafting.py`` reads the alerts and the schedule and writes the amendment.

>>> members = [Member("4-CMC", "CNC(C)C(=O)c1ccc(Cl)cc1"),
...            Member("N-ethylhexedrone", "CCCCC(NCC)C(=O)c1ccccc1"),
...            Member("alpha-PHP", "CCCCC(N1CCCC1)C(=O)c1ccccc1")]
>>> draft = draft_group(members, name="cathinones-2026", family="synthetic cathinones")
>>> draft.core
'[#7]-&!@[#6](-&!@[#6])-&!@[#6](=&!@[#8])-&!@[#6]1:&@[#6]:&@[#6]:&@[#6]:&@[#6]:&@[#6]:&@1'
>>> [c.label for c in draft.candidates if not c.missed]
['as seen', 'open core', 'family rule']
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdkit import Chem
from rdkit.Chem import rdFMCS, rdMolDescriptors, rdqueries

from contracts.legislation import AmendmentProposed, AmendmentProposedData, Instrument
from contracts.schedule import Listing
from contracts.substances import GroupDefinition
from services.chemistry.baseline import DATA
from services.chemistry.families import FAMILY_RULES, compile_group, family_matches

MCS_TIMEOUT_S = 10
MIN_CORE_ATOMS = 8
"""A shared core smaller than this (less than a phenethylamine's: a benzene ring and a methyl)
says nothing about a family."""
MAX_EXCLUSIONS = 10
MAX_RELATIVES = 12
"""Listed relatives added to what the definition must cover."""
NOT_CONTROLLED = DATA / "not_controlled.csv"
REFERENCE_NPS = (
    Path(__file__).resolve().parents[2] / "data" / "reference" / ("nps_structures_by_class.csv")
)
"""Real NPS by family (MIT, data/reference/README.md): in the repository, not in every image."""
UNCLASSIFIED = frozenset({"Unknown", "Plants & extracts"})
"""Reference classes that name no family: covering them says nothing about the neighbours."""

SUBSTITUENT_WORDS = {
    "*C": "methyl",
    "*CC": "ethyl",
    "*CCC": "propyl",
    "*C(C)C": "isopropyl",
    "*CCCC": "butyl",
    "*CCCCC": "pentyl",
    "*F": "fluoro",
    "*Cl": "chloro",
    "*Br": "bromo",
    "*I": "iodo",
    "*OC": "methoxy",
    "*OCC": "ethoxy",
    "*O": "hydroxy",
    "*C(F)(F)F": "trifluoromethyl",
    "*SC": "methylthio",
    "*N": "amino",
    "*OCO*": "methylenedioxy",
    "*OCCO*": "ethylenedioxy",
    "*CCCC*": "a pyrrolidine ring",
    "*CCCCC*": "a piperidine ring",
    "*CCOCC*": "a morpholine ring",
}
"""Words for the substituents a generic clause names; others are given by formula."""


class DraftError(ValueError):
    """The members share no core a definition could be built on."""


@dataclass(frozen=True)
class Member:
    """A substance the definition must cover: an open alert's, or a listed relative."""

    name: str
    smiles: str
    listed: bool = False


@dataclass(frozen=True)
class Reference:
    """A structure to test a candidate on: a medicine that must stay uncontrolled, or an NPS."""

    name: str
    smiles: str
    kind: str
    """``medicine``, ``adulterant``…, or the NPS's family (``Cathinones``)."""


@dataclass(frozen=True)
class Position:
    """A position of the core where members carry substituents."""

    atom: int
    where: str
    seen: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    label: str
    definition: GroupDefinition
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    excepted: tuple[str, ...]
    """The substances it must not catch that it names as exclusions."""
    in_family: int = 0
    """Reference NPS of the members' family it covers."""
    other_families: tuple[str, ...] = ()
    """Reference NPS of other families it covers (their families)."""
    refused: str | None = None
    """Why it cannot be proposed, if it cannot."""


@dataclass(frozen=True)
class Draft:
    core: str
    """The shared core, as SMARTS."""
    positions: tuple[Position, ...]
    candidates: tuple[Candidate, ...]
    chosen: Candidate | None
    reason: str
    family_class: str | None = None
    """The family of the reference NPS the members belong with (None without references)."""
    members: tuple[Member, ...] = field(default=())


def draft_group(
    members: Sequence[Member],
    *,
    name: str,
    family: str,
    not_controlled: Iterable[Reference] = (),
    reference: Iterable[Reference] = (),
) -> Draft:
    """The candidate definitions covering ``members``, checked and one chosen (see the module)."""
    if len(members) < 2:
        raise DraftError("a group definition needs at least two substances to generalise")
    mols = [_mol(m.smiles, m.name) for m in members]
    core = common_core(mols)
    core_smarts = Chem.MolToSmarts(core)
    positions = _positions(core, members, mols)
    names = _names(members)
    variable = {p.atom for p in positions}
    drafts: list[tuple[str, str, str, GroupDefinition | None]] = [
        ("as seen", _as_seen(core, variable), _wording_as_seen(names, positions), None),
        ("open core", core_smarts, _wording_open(names), None),
    ]
    rule = _family_rule(mols)
    if rule is not None:
        drafts.append(("family rule", rule.smarts, rule.description, rule))
    avoid = [(r, _mol(r.smiles, r.name)) for r in not_controlled]
    refs = [(r, _mol(r.smiles, r.name)) for r in reference]
    family_class = _family_class(core_smarts, variable, refs)
    candidates = tuple(
        _candidate(
            label, smarts, words, own, name, family, members, mols, avoid, refs, family_class
        )
        for label, smarts, words, own in drafts
    )
    chosen, reason = choose(candidates)
    return Draft(core_smarts, positions, candidates, chosen, reason, family_class, tuple(members))


def common_core(mols: Sequence[Chem.Mol]) -> Chem.Mol:
    """The largest substructure every one of ``mols`` contains, rings whole (a ring atom may match
    a chain atom: a pyrrolidine's nitrogen is an amine's)."""
    found = rdFMCS.FindMCS(
        list(mols),
        ringMatchesRingOnly=False,
        completeRingsOnly=True,
        atomCompare=rdFMCS.AtomCompare.CompareElements,
        bondCompare=rdFMCS.BondCompare.CompareOrder,
        timeout=MCS_TIMEOUT_S,
    )
    if found.canceled or found.numAtoms < MIN_CORE_ATOMS:
        raise DraftError(
            f"the substances share a core of {found.numAtoms} atoms"
            f"{' (search timed out)' if found.canceled else ''}: too little for a definition;"
            " draft one group per family"
        )
    core = Chem.MolFromSmarts(found.smartsString)
    assert core is not None
    return core


def draft_family(
    members: Sequence[Member], listings: Iterable[Listing], *, name: str, family: str
) -> Draft:
    """:func:`draft_group` for ``members`` and the listed substances under their family rule
    (:func:`listed_relatives`), checked against the not-controlled list and the reference NPS:
    what ``analogue-watch draft-group`` and the board's drafting page propose."""
    named = [(x.name, x.structure.smiles) for x in listings if x.structure.smiles]
    return draft_group(
        [*members, *listed_relatives(members, named)],
        name=name,
        family=family,
        not_controlled=not_controlled(),
        reference=reference_nps(REFERENCE_NPS),
    )


def listed_relatives(
    members: Sequence[Member], listings: Iterable[tuple[str, str]]
) -> list[Member]:
    """The listed substances (name, SMILES) under a family rule every member falls under (at
    most ``MAX_RELATIVES``, in the schedule's order), as members the definition must cover."""
    shared: set[str] | None = None
    for member in members:
        mol = Chem.MolFromSmiles(member.smiles)
        rules = {m.rule for m in family_matches(mol)} if mol is not None else set()
        shared = rules if shared is None else shared & rules
    if not shared:
        return []
    known = {m.smiles for m in members}
    found = []
    for name, smiles in listings:
        mol = Chem.MolFromSmiles(smiles)
        if mol is None or smiles in known:
            continue
        if shared & {m.rule for m in family_matches(mol)}:
            found.append(Member(name, smiles, listed=True))
    return found[:MAX_RELATIVES]


def not_controlled(path: Path = NOT_CONTROLLED) -> list[Reference]:
    """Medicines, cutting agents and other substances a definition must not catch."""
    with path.open(newline="", encoding="utf-8") as rows:
        return [Reference(r["name"], r["smiles"], r["kind"]) for r in csv.DictReader(rows)]


def reference_nps(path: Path) -> list[Reference]:
    """Real NPS by family (``data/reference/nps_structures_by_class.csv``, MIT): how far a
    definition reaches; none when the file is not there (a deployment without it)."""
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as rows:
        return [
            Reference(r["inchikey"], r["smiles"], r["drug_class"]) for r in csv.DictReader(rows)
        ]


def proposed_amendment(
    draft: Draft, jurisdiction: str, instrument: Instrument, now: dt.datetime | None = None
) -> AmendmentProposed:
    """The chosen definition as a proposed amendment (the contracts' format), for
    ``analogue-watch publish``: once enacted, the alerts it covers resolve."""
    assert draft.chosen is not None
    definition = draft.chosen.definition
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    ident = f"draft-{jurisdiction.lower()}-{definition.name}-{now:%Y%m%d%H%M%S}"
    return AmendmentProposed(
        id=ident,
        source="analogue-watch.draft-group",
        jurisdiction=jurisdiction,
        time=now,
        published=now,
        data=AmendmentProposedData(
            amendment_id=ident,
            instrument=instrument,
            title=f"Group definition {definition.name}: {definition.family}",
            group_definitions=[definition],
            stage="drafted",
        ),
    )


def choose(candidates: Sequence[Candidate]) -> tuple[Candidate | None, str]:
    """The broadest candidate that can be proposed and controls no NPS of another family; else
    the narrowest that can be proposed."""
    fit = [c for c in candidates if c.refused is None and not c.missed]
    if not fit:
        return None, "no candidate covers every substance without catching one it must not"
    clean = [c for c in fit if not c.other_families]
    if clean:
        best = max(clean, key=lambda c: (c.in_family, -len(c.excepted)))
        return best, (
            f"the broadest that covers every substance and controls no reference NPS of another "
            f"family ({best.in_family} of the family's reference NPS)"
        )
    best = min(fit, key=lambda c: (len(c.other_families), c.in_family))
    return best, (
        "every candidate reaches other families; the one reaching fewest "
        f"({len(best.other_families)} reference NPS)"
    )


def _candidate(
    label: str,
    smarts: str,
    words: str,
    rule: GroupDefinition | None,
    name: str,
    family: str,
    members: Sequence[Member],
    mols: Sequence[Chem.Mol],
    avoid: Sequence[tuple[Reference, Chem.Mol]],
    refs: Sequence[tuple[Reference, Chem.Mol]],
    family_class: str | None,
) -> Candidate:
    own = [] if rule is None else list(rule.exclusions)
    bare = compile_group(
        GroupDefinition(name=name, family=family, smarts=smarts, exclusions=own, description=words)
    )
    caught = [r for r, mol in avoid if bare.match(mol) is not None]
    excepted = tuple(r.name for r in caught)
    exclusions = [*own, *(Chem.MolToSmiles(mol) for r, mol in avoid if r in caught)]
    wording = words
    if excepted:
        wording += f"; excepted: {', '.join(excepted)}"
    definition = GroupDefinition(
        name=name[:256],
        family=family,
        smarts=smarts,
        exclusions=exclusions[: MAX_EXCLUSIONS + len(own)],
        description=wording[:4096],
    )
    group = compile_group(definition)  # what the registry will do with it
    covered = tuple(m.name for m, mol in zip(members, mols, strict=True) if group.match(mol))
    missed = tuple(m.name for m in members if m.name not in covered)
    refused = None
    if len(caught) > MAX_EXCLUSIONS:
        refused = f"it catches {len(caught)} substances it must not (at most {MAX_EXCLUSIONS})"
    elif missed:
        excluded = [m for m, mol in zip(members, mols, strict=True) if group.excluded_by(mol)]
        refused = (
            f"an exclusion it needs would exempt {', '.join(m.name for m in excluded)}"
            if excluded
            else f"it does not cover {', '.join(missed)}"
        )
    matched = [r.kind for r, mol in refs if group.match(mol) is not None]
    in_family = sum(1 for kind in matched if kind == family_class)
    others = tuple(sorted(k for k in matched if k != family_class and k not in UNCLASSIFIED))
    return Candidate(label, definition, covered, missed, excepted, in_family, others, refused)


def _positions(
    core: Chem.Mol, members: Sequence[Member], mols: Sequence[Chem.Mol]
) -> tuple[Position, ...]:
    """The core positions where some member carries a substituent, with what it carries."""
    seen: dict[int, set[str]] = {}
    for mol in mols:
        sidechains = Chem.ReplaceCore(mol, core, labelByIndex=True)
        if sidechains is None:
            continue
        for fragment in Chem.GetMolFrags(sidechains, asMols=True):
            atoms = [a.GetIsotope() for a in fragment.GetAtoms() if a.GetAtomicNum() == 0]
            words = _substituent_words(fragment)
            for atom in atoms:
                seen.setdefault(atom, set()).add(words)
    return tuple(
        Position(atom, _where(core, atom), tuple(sorted(words)))
        for atom, words in sorted(seen.items())
    )


def _substituent_words(fragment: Chem.Mol) -> str:
    plain = Chem.RWMol(fragment)
    for atom in plain.GetAtoms():
        atom.SetIsotope(0)
    try:
        smiles = Chem.MolToSmiles(plain)
    except Chem.rdchem.KekulizeException:  # cut from a ring fused to the core's
        return "a fused ring"
    if smiles in SUBSTITUENT_WORDS:
        return SUBSTITUENT_WORDS[smiles]
    if smiles.replace("*", "").strip("()") in {"", "C"}:
        return smiles
    formula = rdMolDescriptors.CalcMolFormula(Chem.DeleteSubstructs(plain, _DUMMY))
    return f"{formula} ({smiles.replace('*', '-')})"


_DUMMY = Chem.MolFromSmarts("[#0]")


def _where(core: Chem.Mol, index: int) -> str:
    """Words for a core position: a ring position counted from where the ring joins the rest of
    the core (1), the nitrogen, or a carbon of the chain."""
    mol = _as_mol(core)
    atom = mol.GetAtomWithIdx(index)
    symbol = Chem.GetPeriodicTable().GetElementName(atom.GetAtomicNum()).lower()
    ring = next((r for r in mol.GetRingInfo().AtomRings() if index in r), None)
    if ring is not None:
        joints = [
            i
            for i in ring
            if any(n.GetIdx() not in ring for n in mol.GetAtomWithIdx(i).GetNeighbors())
        ]
        if not joints:
            return f"a ring {symbol}"
        place = 1 if index == joints[0] else len(Chem.GetShortestPath(mol, joints[0], index))
        return f"the ring's {place}-position ({symbol})"
    if atom.GetAtomicNum() == 7:
        return "the nitrogen"
    if any(n.GetAtomicNum() == 7 for n in atom.GetNeighbors()):
        return "the carbon bearing the nitrogen"
    if atom.GetDegree() == 1:
        return f"the end of the chain ({symbol})"
    return f"a chain {symbol}"


def _as_mol(core: Chem.Mol) -> Chem.Mol:
    mol = Chem.RWMol(core)
    mol.UpdatePropertyCache(strict=False)
    Chem.FastFindRings(mol)
    return mol


def _as_seen(core: Chem.Mol, variable: set[int]) -> str:
    """The core with every position no member substitutes held to the core's own bonds."""
    query = Chem.RWMol(core)
    for atom in query.GetAtoms():
        if atom.GetIdx() not in variable:
            atom.ExpandQuery(rdqueries.ExplicitDegreeEqualsQueryAtom(atom.GetDegree()))
    return Chem.MolToSmarts(query)


def _wording_as_seen(names: str, positions: Sequence[Position]) -> str:
    places = "; ".join(f"{p.where} (seen: {', '.join(p.seen)})" for p in positions)
    return (
        f"Any compound containing the structure common to {names}, substituted by any group only "
        f"at these positions: {places}; every other position of that structure bearing hydrogen"
        " only"
    )


def _wording_open(names: str) -> str:
    return (
        f"Any compound containing the structure common to {names}, whether or not further "
        "substituted at any position and to any extent"
    )


def _names(members: Sequence[Member], shown: int = 4) -> str:
    """The members by name, the first few (alerts before listed relatives) and how many more.

    >>> _names([Member(n, "C") for n in "ABCDEF"])
    'A, B, C, D and 2 more'
    """
    names = [m.name for m in sorted(members, key=lambda m: m.listed)]
    if len(names) <= shown:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} more"


def _family_rule(mols: Sequence[Chem.Mol]) -> GroupDefinition | None:
    for rule in FAMILY_RULES:
        group = compile_group(rule)
        if all(group.match(mol) is not None for mol in mols):
            return rule
    return None


def _family_class(
    core: str, variable: set[int], refs: Sequence[tuple[Reference, Chem.Mol]]
) -> str | None:
    """The family most of the reference NPS containing the core belong to."""
    pattern = Chem.MolFromSmarts(core)
    kinds = Counter(r.kind for r, mol in refs if mol.HasSubstructMatch(pattern))
    return kinds.most_common(1)[0][0] if kinds else None


def _mol(smiles: str, name: str) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise DraftError(f"{name}: RDKit cannot read the structure {smiles!r}")
    return mol


__all__ = [
    "Candidate",
    "Draft",
    "DraftError",
    "Member",
    "Position",
    "Reference",
    "choose",
    "common_core",
    "draft_family",
    "draft_group",
    "listed_relatives",
    "not_controlled",
    "proposed_amendment",
    "reference_nps",
]
