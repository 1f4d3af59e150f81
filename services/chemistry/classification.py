"""Is a substance controlled in a jurisdiction on a date, an unlisted analogue, or unrelated? Why?

Checks run in a fixed order and the first that applies decides the status:

1. ``listed``: the parent's match key (stereo-insensitive InChIKey) is that of a listing in force;
2. ``group``: a group definition in force matches (core SMARTS, and none of its exclusions);
3. ``analogue``: the nearest listed substances in force by Tanimoto similarity of Morgan
   fingerprints reach the jurisdiction's threshold (rule ``similar-to-listed``), or the query keeps
   nearly all of a listed substance and adds little to it (rule ``shared-core-with-listed``);
4. ``unrelated``: none of these.

Whatever the status, amendments pending on that date that would cover the substance (by name or by
one of their group definitions) are reported: the pipeline holds alerts back for those.

:class:`ScheduleIndex` precomputes parents, fingerprints and compiled SMARTS once per schedule;
standardised listing structures and compiled groups are remembered across rebuilds, so rebuilding
after an amendment costs little.

>>> import datetime as dt
>>> from contracts.schedule import Listing, ScheduleState
>>> state = ScheduleState(listings=[Listing(name="alpha-PVP", source="baseline:demo",
...     structure={"smiles": "CCCC(N1CCCC1)C(=O)c1ccccc1"}, effective_from=dt.date(2020, 1, 1))])
>>> index = ScheduleIndex.build(state, jurisdiction="KZ")
>>> verdict = classify_structure("CCCCC(N1CCCC1)C(=O)c1ccccc1", index, as_of=dt.date(2026, 3, 1))
>>> verdict.status, verdict.nearest[0].name, round(verdict.nearest[0].similarity, 2)
('analogue', 'alpha-PVP', 0.83)
>>> classify_structure("CCCC(N1CCCC1)C(=O)c1ccccc1.Cl", index, as_of=dt.date(2026, 3, 1)).status
'listed'
>>> classify_structure("CN1C=NC2=C1C(=O)N(C(=O)N2C)C", index, as_of=dt.date(2026, 3, 1)).status
'unrelated'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
from rdkit import Chem

from contracts.alerts import NearestListed, PendingAmendmentRef, RuleFired
from contracts.schedule import (
    Amendment,
    GroupListing,
    Listing,
    ScheduleState,
    in_force,
    pending_on,
)
from contracts.substances import GroupDefinition, Structure
from services.chemistry.families import (
    CompiledGroup,
    FamilyMatch,
    GroupSmartsError,
    compile_group,
    family_matches,
)
from services.chemistry.intake import StructureError
from services.chemistry.similarity import (
    FingerprintMatrix,
    SharedCore,
    fingerprint,
    nearest,
    shared_core,
)
from services.chemistry.standardisation import Parent, standardise

Status = Literal["listed", "group", "analogue", "unrelated"]
Neighbour = NearestListed
"""A listed substance the query resembles (the contracts model, so alerts can carry it as is)."""
PendingCover = PendingAmendmentRef
"""A pending amendment that would cover the query, by ``name`` or by ``group:<name>``."""

DEFAULT_THRESHOLD = 0.75
"""Tanimoto similarity (Morgan radius 2, 2,048 bits) from which an unlisted substance is an
analogue of a listed one. Chosen by measurement on data/reference: see
services/chemistry/README.md."""

THRESHOLDS: Mapping[str, float] = {}
"""Per-jurisdiction thresholds, where a jurisdiction's law or practice asks for another one."""

CORE_LISTED_COVERAGE = 0.95
"""The shared-core rule: the core holds at least this fraction of the listed substance..."""
CORE_QUERY_COVERAGE = 0.9
"""...and at least this fraction of the query (it adds little to the listed substance)..."""
CORE_MARGIN = 0.15
"""...and the similarity is at most this far below the threshold. Small molecules change many
fingerprint bits per substituent, so a halogen swap on amphetamine can fall short of the threshold
although the listed substance is all there."""

FAMILY_SIMILARITY_FLOOR = 0.0
"""The family rule: the query and a listed substance in force fall under the same family rule set
(services/chemistry/families.py) and their similarity is at least this."""

NEAREST_REPORTED = 3
"""How many nearest listed substances a classification reports."""
CORE_NEIGHBOURS = 3
"""Among how many of them the shared-core rule looks (the nearest always gets its core as
evidence when within the margin; the others only while the decision is still open)."""
CORE_TIMEOUT_S = 1
"""Hard time limit of one shared-core search, in seconds."""

CACHE_SIZE = 50_000
_DATES_KEPT = 64


def threshold_for(jurisdiction: str) -> float:
    """The analogue threshold of ``jurisdiction``.

    >>> threshold_for("KZ")
    0.75
    """
    return THRESHOLDS.get(jurisdiction, DEFAULT_THRESHOLD)


Findings = tuple[tuple[RuleFired, ...], tuple[Neighbour, ...]]
"""The rules fired and the nearest listed substances of a classification."""


class Evidence:
    """The rules fired and nearest listed substances of a classification, worked out once, when
    first read.

    The status is decided without the parts that cannot change it: when similarity alone makes
    a substance an analogue, the shared core with its nearest listed substance (RDKit RASCAL,
    milliseconds) is evidence only, and is computed here, on first reading, with exactly the
    result an eager computation would give.

    >>> Evidence.known((), ()).nearest
    ()
    """

    __slots__ = ("_findings", "_work")

    def __init__(self, work: Callable[[], Findings]) -> None:
        self._work: Callable[[], Findings] | None = work
        self._findings: Findings | None = None

    @classmethod
    def known(cls, rules: tuple[RuleFired, ...], nearest: tuple[Neighbour, ...]) -> Evidence:
        """Evidence already at hand."""
        evidence = cls(lambda: (rules, nearest))
        evidence.findings()
        return evidence

    def findings(self) -> Findings:
        """The rules fired and the nearest listed substances (computed on the first call)."""
        if self._findings is None:
            assert self._work is not None
            self._findings = self._work()
            self._work = None  # let go of the index and molecules it needed
        return self._findings

    @property
    def rules_fired(self) -> tuple[RuleFired, ...]:
        return self.findings()[0]

    @property
    def nearest(self) -> tuple[Neighbour, ...]:
        return self.findings()[1]


@dataclass(frozen=True, eq=False)
class Classification:
    """The verdict on one parent compound in one jurisdiction on one date, with its evidence.

    ``rules_fired`` and ``nearest`` are read from ``evidence``, which works out what the status
    did not need (a shared core shown as evidence) on first reading. Equal when status, rules,
    nearest listed substances and pending cover are.
    """

    status: Status
    pending_cover: tuple[PendingCover, ...]
    parent: Parent = field(repr=False)
    evidence: Evidence = field(repr=False)

    @property
    def rules_fired(self) -> tuple[RuleFired, ...]:
        """The rules that decided the status, each with its explanation and evidence."""
        return self.evidence.rules_fired

    @property
    def nearest(self) -> tuple[Neighbour, ...]:
        """The nearest listed substances in force (for ``analogue`` and ``unrelated``)."""
        return self.evidence.nearest

    def _compared(self) -> tuple[object, ...]:
        return (self.status, self.rules_fired, self.nearest, self.pending_cover)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Classification):
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())


# --- the index ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    listing: Listing
    parent: Parent


@dataclass(frozen=True)
class _Group:
    listing: GroupListing
    compiled: CompiledGroup


@dataclass(frozen=True)
class _Amendment:
    amendment: Amendment
    names: Mapping[str, str]
    """Match key of each substance it names -> the name."""
    tautomers: Mapping[str, tuple[tuple[str, str], ...]]
    """Skeleton of each substance it names -> (tautomer key, name)."""
    groups: tuple[CompiledGroup, ...]


@dataclass(frozen=True)
class ScheduleIndex:
    """A jurisdiction's schedule prepared for classification: build once, classify many times."""

    jurisdiction: str
    threshold: float
    entries: tuple[_Entry, ...]
    fingerprints: FingerprintMatrix
    starts: np.ndarray
    """Effective dates of the entries as ordinals; ``ends`` the expiry (or the far future)."""
    ends: np.ndarray
    by_match_key: Mapping[str, tuple[int, ...]]
    by_skeleton: Mapping[str, tuple[int, ...]]
    """Entries by :attr:`Parent.skeleton`: the only ones a tautomer of the query can be."""
    family_members: Mapping[str, np.ndarray]
    """Family -> the entries that fall under one of its rules (services/chemistry/families.py)."""
    groups: tuple[_Group, ...]
    amendments: tuple[_Amendment, ...]
    problems: tuple[str, ...]
    """Listings and groups that could not be indexed (bad structure or SMARTS), and why."""
    family_floor: float = FAMILY_SIMILARITY_FLOOR
    """The family rule's least similarity to the listed member (see FAMILY_SIMILARITY_FLOOR)."""
    _cache: dict = field(default_factory=dict, compare=False, repr=False)
    _in_force: dict[dt.date, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls, state: ScheduleState, *, jurisdiction: str, threshold: float | None = None
    ) -> ScheduleIndex:
        """Index ``state`` (the schedule of ``jurisdiction``) for :func:`classify`."""
        problems: list[str] = []
        entries = tuple(_entries(state.listings, problems))
        by_match_key: dict[str, tuple[int, ...]] = {}
        by_skeleton: dict[str, tuple[int, ...]] = {}
        for i, entry in enumerate(entries):
            for keys, key in (
                (by_match_key, entry.parent.match_key),
                (by_skeleton, entry.parent.skeleton),
            ):
                keys[key] = (*keys.get(key, ()), i)
        return cls(
            jurisdiction=jurisdiction,
            threshold=threshold if threshold is not None else threshold_for(jurisdiction),
            entries=entries,
            fingerprints=FingerprintMatrix.from_rows(
                np.array([_fingerprint_of(e.listing.structure) for e in entries], dtype=np.uint64)
            ),
            starts=np.array(
                [e.listing.effective_from.toordinal() for e in entries], dtype=np.int64
            ),
            ends=np.array([_end(e.listing.expires) for e in entries], dtype=np.int64),
            by_match_key=by_match_key,
            by_skeleton=by_skeleton,
            family_members=_family_members(entries),
            groups=tuple(_groups(state.groups, problems)),
            amendments=tuple(_amendments(state.amendments, problems)),
            problems=tuple(problems),
        )

    def in_force(self, as_of: dt.date) -> np.ndarray:
        """Boolean mask of the entries in force on ``as_of`` (remembered per date: read-only)."""
        mask = self._in_force.get(as_of)
        if mask is None:
            day = as_of.toordinal()
            mask = (self.starts <= day) & (day < self.ends)
            mask.flags.writeable = False
            if len(self._in_force) >= _DATES_KEPT:
                self._in_force.clear()
            self._in_force[as_of] = mask
        return mask


def _family_members(entries: tuple[_Entry, ...]) -> dict[str, np.ndarray]:
    members: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        for family in _families_of(entry.listing.structure):
            members.setdefault(family, []).append(i)
    return {family: np.array(found, dtype=np.int64) for family, found in members.items()}


def _end(expires: dt.date | None) -> int:
    return expires.toordinal() if expires is not None else dt.date.max.toordinal()


def _entries(listings: list[Listing], problems: list[str]) -> list[_Entry]:
    entries = []
    for listing in listings:
        try:
            entries.append(_Entry(listing, _parent_of(listing.structure)))
        except StructureError as error:
            problems.append(f"listing {listing.name!r} ({listing.source}): {error}")
    return entries


def _groups(groups: list[GroupListing], problems: list[str]) -> list[_Group]:
    compiled = []
    for group in groups:
        try:
            compiled.append(_Group(group, _compiled(group.definition)))
        except GroupSmartsError as error:
            problems.append(f"{error} ({group.source})")
    return compiled


def _amendments(amendments: list[Amendment], problems: list[str]) -> list[_Amendment]:
    indexed = []
    for amendment in amendments:
        names: dict[str, str] = {}
        tautomers: dict[str, tuple[tuple[str, str], ...]] = {}
        for substance in amendment.substances:
            try:
                named = _parent_of(substance.structure)
                names[named.match_key] = substance.name
                tautomers[named.skeleton] = (
                    *tautomers.get(named.skeleton, ()),
                    (named.tautomer_key, substance.name),
                )
            except StructureError as error:
                problems.append(f"amendment {amendment.amendment_id} {substance.name!r}: {error}")
        groups = []
        for group in amendment.group_definitions:
            try:
                groups.append(_compiled(group))
            except GroupSmartsError as error:
                problems.append(f"amendment {amendment.amendment_id}: {error}")
        indexed.append(_Amendment(amendment, names, tautomers, tuple(groups)))
    return indexed


def _structure_key(structure: Structure) -> tuple[str | None, str | None, str | None]:
    return (structure.smiles, structure.inchi, structure.molblock)


@lru_cache(maxsize=CACHE_SIZE)
def _parent_by_key(key: tuple[str | None, str | None, str | None]) -> Parent:
    return standardise(Structure(smiles=key[0], inchi=key[1], molblock=key[2]))


def _parent_of(structure: Structure) -> Parent:
    return _parent_by_key(_structure_key(structure))


@lru_cache(maxsize=CACHE_SIZE)
def _fingerprint_by_key(key: tuple[str | None, str | None, str | None]) -> np.ndarray:
    return fingerprint(_parent_by_key(key).mol)


def _fingerprint_of(structure: Structure) -> np.ndarray:
    return _fingerprint_by_key(_structure_key(structure))


@lru_cache(maxsize=CACHE_SIZE)
def _families_by_key(key: tuple[str | None, str | None, str | None]) -> frozenset[str]:
    return frozenset(m.family for m in family_matches(_parent_by_key(key).mol))


def _families_of(structure: Structure) -> frozenset[str]:
    return _families_by_key(_structure_key(structure))


@lru_cache(maxsize=4096)
def _compiled_by_json(definition_json: str) -> CompiledGroup:
    return compile_group(GroupDefinition.model_validate_json(definition_json))


def _compiled(definition: GroupDefinition) -> CompiledGroup:
    return _compiled_by_json(definition.model_dump_json())


# --- classification -----------------------------------------------------------------------------


def classify(
    parent: Parent, index: ScheduleIndex, *, as_of: dt.date, threshold: float | None = None
) -> Classification:
    """Classify ``parent`` against ``index`` as the law stood on ``as_of``.

    ``threshold`` overrides the index's (the jurisdiction's) analogue threshold.
    """
    threshold = index.threshold if threshold is None else threshold
    pending = _pending_cover(parent, index, as_of)
    listed = _listed(parent, index, as_of)
    if listed:
        return Classification("listed", pending, parent, Evidence.known(listed, ()))
    grouped = _grouped(parent, index, as_of)
    if grouped:
        return Classification("group", pending, parent, Evidence.known(grouped, ()))
    near = _Nearest.of(parent, index, as_of, threshold)
    status: Status = "analogue" if near.makes_analogue() else "unrelated"
    return Classification(status, pending, parent, Evidence(near.findings))


def _listed(parent: Parent, index: ScheduleIndex, as_of: dt.date) -> tuple[RuleFired, ...]:
    current = index.in_force(as_of)
    fired = []
    found = index.by_match_key.get(parent.match_key, ())
    tautomer = not any(current[i] for i in found)
    if tautomer:
        found = tuple(
            i
            for i in index.by_skeleton.get(parent.skeleton, ())
            if index.entries[i].parent.tautomer_key == parent.tautomer_key
        )
    for i in found:
        if not current[i]:
            continue
        entry = index.entries[i]
        listing = entry.listing
        same = entry.parent.substance_key == parent.substance_key
        form = (
            " (a tautomer of the listed structure: another place for a hydrogen)"
            if tautomer
            else ""
            if same
            else " (another stereoisomer or isotopic form of the listed structure)"
        )
        where = f"schedule {listing.schedule}" if listing.schedule else "the control list"
        fired.append(
            RuleFired(
                rule="listed",
                explanation=_text(
                    f"{parent.canonical_smiles} is {listing.name}{form}, listed in {where} by "
                    f"{listing.source} from {listing.effective_from.isoformat()}."
                ),
                evidence={
                    "listing": listing.name,
                    "source": listing.source,
                    "schedule": listing.schedule or "",
                    "effective_from": listing.effective_from.isoformat(),
                    "match_key": parent.match_key,
                    "same_stereoisomer": "yes" if same else "no",
                    "tautomer_of_listed": "yes" if tautomer else "no",
                },
            )
        )
    return tuple(fired)


def _grouped(parent: Parent, index: ScheduleIndex, as_of: dt.date) -> tuple[RuleFired, ...]:
    fired = []
    for group in index.groups:
        if not in_force(group.listing.effective_from, group.listing.expires, as_of):
            continue
        core = group.compiled.match(parent.mol)
        if core is None:
            continue
        definition = group.listing.definition
        fired.append(
            RuleFired(
                rule="group-definition",
                explanation=_text(
                    f"{parent.canonical_smiles} falls under the group definition "
                    f"'{definition.name}' ({definition.family}) of {group.listing.source}, in "
                    f"force from {group.listing.effective_from.isoformat()}: "
                    f"{definition.description}"
                ),
                evidence={
                    "group": definition.name,
                    "family": definition.family,
                    "source": group.listing.source,
                    "smarts": definition.smarts,
                    "matched_atoms": ",".join(str(a) for a in core),
                },
            )
        )
    return tuple(fired)


@dataclass(frozen=True)
class _FamilyLink:
    """The query falls under a family rule, and a listed substance in force is of that family."""

    match: FamilyMatch
    entry: int
    similarity: float


@dataclass
class _Nearest:
    """The nearest listed substances in force of a query, the listed member of its family, and
    their shared cores, each computed at most once and only when the status or the evidence asks
    for it."""

    parent: Parent
    index: ScheduleIndex
    threshold: float
    similarities: np.ndarray
    """Similarity to every entry, -1 for entries not in force."""
    ranked: list[tuple[int, float]]
    """(entry, similarity) of the nearest, best first."""
    cores: dict[int, SharedCore | None] = field(default_factory=dict)
    """Shared core by entry, once computed."""
    _family: list[_FamilyLink | None] = field(default_factory=list)

    @classmethod
    def of(cls, parent: Parent, index: ScheduleIndex, as_of: dt.date, threshold: float) -> _Nearest:
        if not index.entries:
            return cls(parent, index, threshold, np.zeros(0), [])
        similarities = index.fingerprints.tanimoto(fingerprint(parent.mol))
        current = index.in_force(as_of)
        if not current.all():
            similarities = np.where(current, similarities, -1.0)
        ranked = nearest(similarities, NEAREST_REPORTED, at_least=0.0)
        return cls(
            parent, index, threshold, similarities, [(i, float(similarities[i])) for i in ranked]
        )

    def family(self) -> _FamilyLink | None:
        """The most similar listed substance in force that shares a family with the query."""
        if not self._family:
            self._family.append(_family_link(self.parent, self.index, self.similarities))
        return self._family[0]

    def makes_analogue(self) -> bool:
        """Whether :func:`_analogue_rules` will fire on :meth:`findings`: similarity at the
        threshold (as reported, to 4 decimals), or a listed member of the query's family, or else
        a shared core that keeps the listed substance, looked for in the same neighbours, in the
        same order."""
        if not self.ranked:
            return False
        if self.decided():
            return True
        for rank in range(len(self.ranked)):
            core = self.core(rank) if self.core_worth_computing(rank) else None
            if core is not None and _keeps_listed_core(core):
                return True
        return False

    def decided(self) -> bool:
        """Similarity or family alone make the query an analogue (no shared core needed)."""
        return round(self.ranked[0][1], 4) >= self.threshold or self.family() is not None

    def core_worth_computing(self, rank: int) -> bool:
        entry, similarity = self.ranked[rank]
        listed = self.index.entries[entry].parent
        return _core_worth_computing(
            rank, similarity, self.threshold, self.decided(), self.parent, listed
        )

    def core(self, rank: int) -> SharedCore | None:
        entry = self.ranked[rank][0]
        if entry not in self.cores:
            listed = self.index.entries[entry].parent
            self.cores[entry] = shared_core(self.parent.mol, listed.mol, timeout_s=CORE_TIMEOUT_S)
        return self.cores[entry]

    def findings(self) -> Findings:
        """Rules fired and neighbours, with the shared cores the evidence shows. The listed member
        of the query's family comes first among the neighbours when the family rule fires: it is
        the listed substance the query is an analogue of."""
        found = []
        for rank, (i, similarity) in enumerate(self.ranked):
            core = self.core(rank) if self.core_worth_computing(rank) else None
            found.append((self._neighbour(i, similarity, core), core))
        neighbours = tuple(neighbour for neighbour, _ in found)
        rules = _analogue_rules(found, self.threshold, self.index.jurisdiction)
        link = self.family()
        if link is not None:
            member = self._neighbour(link.entry, link.similarity, None)
            family_rule = _family_rule(self.parent, link, member, self.index)
            if rules and rules[0].rule == "similar-to-listed":
                rules = (*rules, family_rule)
            else:
                # The family decides: its listed member is the substance the query is an
                # analogue of, and comes first among the neighbours (with its core if it had one).
                rules = (family_rule, *rules)
                same = [n for n in neighbours if n.name == member.name]
                others = tuple(n for n in neighbours if n.name != member.name)
                neighbours = ((same or [member])[0], *others)[:NEAREST_REPORTED]
        if rules:
            return rules, neighbours
        return (_unrelated(neighbours, self.threshold),), neighbours

    def _neighbour(self, entry: int, similarity: float, core: SharedCore | None) -> Neighbour:
        listing = self.index.entries[entry].listing
        return Neighbour(
            name=listing.name,
            similarity=round(similarity, 4),
            shared_core_smarts=core.smarts if core else None,
            core_coverage=round(core.listed_coverage, 4) if core else None,
            source=listing.source,
        )


def _family_link(
    parent: Parent, index: ScheduleIndex, similarities: np.ndarray
) -> _FamilyLink | None:
    best: _FamilyLink | None = None
    for match in family_matches(parent.mol):
        members = index.family_members.get(match.family)
        if members is None:
            continue
        in_force = members[similarities[members] >= 0.0]
        if in_force.size == 0:
            continue
        entry = int(in_force[np.argmax(similarities[in_force])])
        similarity = float(similarities[entry])
        if similarity >= index.family_floor and (best is None or similarity > best.similarity):
            best = _FamilyLink(match, entry, similarity)
    return best


def _family_rule(
    parent: Parent, link: _FamilyLink, member: Neighbour, index: ScheduleIndex
) -> RuleFired:
    match = link.match
    core = Chem.MolFragmentToSmiles(parent.mol, atomsToUse=list(match.atoms))
    listed_rules = ", ".join(
        m.rule
        for m in family_matches(index.entries[link.entry].parent.mol)
        if m.family == match.family
    )
    return RuleFired(
        rule="same-family-as-listed",
        explanation=_text(
            f"Not listed, but like listed {member.name} it is one of the {match.family}: it has "
            f"the family's core {core} (family rule '{match.rule}'), similarity to "
            f"{member.name} {member.similarity:.2f}."
        ),
        evidence={
            "listing": member.name,
            "family": match.family,
            "family_rule": match.rule,
            "family_core": core,
            "listed_family_rule": listed_rules,
            "similarity": member.similarity,
            "source": member.source or "",
        },
    )


def _core_worth_computing(
    rank: int, similarity: float, threshold: float, decided: bool, query: Parent, listed: Parent
) -> bool:
    # The nearest neighbour near or above the threshold gets its core as evidence. The others
    # only when the shared-core rule could still decide (similarity alone has not) and their sizes
    # allow a core holding 95% of the listed substance and 90% of the query.
    if similarity < threshold - CORE_MARGIN:
        return False
    if rank == 0:
        return True
    if decided or rank >= CORE_NEIGHBOURS:
        return False
    return (
        CORE_LISTED_COVERAGE * listed.heavy_atoms
        <= query.heavy_atoms
        <= listed.heavy_atoms / CORE_QUERY_COVERAGE
    )


def _analogue_rules(
    found: list[tuple[Neighbour, SharedCore | None]], threshold: float, jurisdiction: str
) -> tuple[RuleFired, ...]:
    fired = []
    for n, core in found:
        if n.similarity >= threshold:
            fired.append(
                RuleFired(
                    rule="similar-to-listed",
                    explanation=_text(
                        f"Not listed, but its Tanimoto similarity to listed {n.name} is "
                        f"{n.similarity:.2f} (Morgan fingerprints, radius 2, 2048 bits), at or "
                        f"above the threshold {threshold:.2f} for {jurisdiction}."
                    ),
                    evidence=_neighbour_evidence(n, threshold),
                )
            )
        elif core is not None and _keeps_listed_core(core):
            fired.append(
                RuleFired(
                    rule="shared-core-with-listed",
                    explanation=_text(
                        f"Not listed, but it keeps {core.listed_coverage:.0%} of listed {n.name} "
                        f"(shared core {core.smarts}) and that core is {core.query_coverage:.0%} "
                        f"of it; similarity {n.similarity:.2f} is within {CORE_MARGIN:.2f} of "
                        f"the threshold {threshold:.2f} for {jurisdiction}."
                    ),
                    evidence={
                        **_neighbour_evidence(n, threshold),
                        "query_coverage": round(core.query_coverage, 4),
                    },
                )
            )
    return tuple(fired)


def _keeps_listed_core(core: SharedCore) -> bool:
    return (
        core.listed_coverage >= CORE_LISTED_COVERAGE and core.query_coverage >= CORE_QUERY_COVERAGE
    )


def _neighbour_evidence(n: Neighbour, threshold: float) -> dict[str, int | float | str]:
    evidence: dict[str, int | float | str] = {
        "listing": n.name,
        "similarity": n.similarity,
        "threshold": threshold,
        "source": n.source or "",
    }
    if n.shared_core_smarts is not None and n.core_coverage is not None:
        evidence["shared_core_smarts"] = n.shared_core_smarts
        evidence["core_coverage"] = n.core_coverage
    return evidence


def _unrelated(neighbours: tuple[Neighbour, ...], threshold: float) -> RuleFired:
    closest = (
        f"the nearest listed substance ({neighbours[0].name}, similarity "
        f"{neighbours[0].similarity:.2f}) is below the threshold {threshold:.2f}"
        if neighbours
        else "no listed substance in force to compare with"
    )
    return RuleFired(
        rule="unrelated",
        explanation=_text(f"Not listed, no group definition in force matches, and {closest}."),
        evidence=_neighbour_evidence(neighbours[0], threshold) if neighbours else {},
    )


def _pending_cover(
    parent: Parent, index: ScheduleIndex, as_of: dt.date
) -> tuple[PendingCover, ...]:
    covers = []
    for indexed in index.amendments:
        amendment = indexed.amendment
        if not pending_on(amendment, as_of):
            continue
        since = amendment.stage_changed_at
        if parent.match_key in indexed.names or any(
            key == parent.tautomer_key for key, _ in indexed.tautomers.get(parent.skeleton, ())
        ):
            covers.append(
                PendingCover(
                    amendment_id=amendment.amendment_id,
                    stage=amendment.stage,
                    since=since,
                    covers_by="name",
                )
            )
        for group in indexed.groups:
            if group.match(parent.mol) is not None:
                covers.append(
                    PendingCover(
                        amendment_id=amendment.amendment_id,
                        stage=amendment.stage,
                        since=since,
                        covers_by=f"group:{group.definition.name}",
                    )
                )
    return tuple(covers)


def _text(text: str) -> str:
    return text if len(text) <= 4096 else text[:4093] + "..."


# --- structures as text -------------------------------------------------------------------------


def classify_structure(
    structure: Structure | str,
    index: ScheduleIndex,
    *,
    as_of: dt.date,
    threshold: float | None = None,
) -> Classification:
    """Standardise and classify, remembering the answer per input (raises StructureError).

    A structure seen before against the same index, date and threshold costs a dictionary lookup;
    so does a bad one (its error is remembered too).
    """
    text = structure if isinstance(structure, str) else _structure_key(structure)
    key = (text, as_of, threshold)
    cache = index._cache
    known = cache.get(key)
    if known is None:
        try:
            known = classify(_cached_parent(structure), index, as_of=as_of, threshold=threshold)
        except StructureError as error:
            known = error
        if len(cache) >= CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = known
    if isinstance(known, StructureError):
        raise known
    return known


def _cached_parent(structure: Structure | str) -> Parent:
    if isinstance(structure, str):
        return _parent_of_text(structure)
    return _parent_of(structure)


@lru_cache(maxsize=CACHE_SIZE)
def _parent_of_text(text: str) -> Parent:
    return standardise(text)


def describe(classification: Classification) -> str:
    """One line a person can read: the status and the rule that decided it.

    >>> import datetime as dt
    >>> from contracts.schedule import ScheduleState
    >>> index = ScheduleIndex.build(ScheduleState(), jurisdiction="KZ")
    >>> describe(classify_structure("CCO", index, as_of=dt.date(2026, 1, 1)))[:40]
    'unrelated: Not listed, no group definiti'
    """
    return f"{classification.status}: {classification.rules_fired[0].explanation}"
