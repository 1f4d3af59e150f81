"""From a reported structure to its parent compound and the keys the pipeline matches on.

Control lists name a substance "and its salts, isomers and stereoisomers", and labs report what
they measured: a hydrochloride, a zwitterion, an unusual tautomer. :func:`standardise` reduces each
to the *parent*: the neutral, largest organic fragment in a canonical tautomer, in a chain of small
steps ``Mol -> Mol`` (none changes the molecule it is given):

1. :func:`cleanup`: explicit hydrogens removed, metals disconnected, functional groups drawn the
   standard way (nitro, N-oxide, ...), charges moved to the most acidic sites;
2. :func:`strip_salts_and_solvents`: known counterions and solvents dropped;
3. :func:`keep_largest_organic_fragment`: one organic compound kept, or a typed error for none or
   for a mixture of several comparable compounds;
4. :func:`neutralise`: charges neutralised where a proton can be added or removed;
5. :func:`canonical_tautomer`: RDKit's canonical tautomer, where affordable (size and time) and
   only when it leaves the substance the same by standard InChI; otherwise the tautomer as drawn.

The parent's standard InChIKey is the *substance key*; the InChIKey with stereo layers removed is
the *match key* used for listings, which cover all stereoisomers. The *tautomer key* also ignores
where keto-enol and 1,5-shifts put a hydrogen (InChI's non-standard KET and 15T options): the
enol of a listed ketone, drawn so by a lab, has another match key but the same tautomer key.

>>> parent = standardise("C[C@H](N)Cc1ccccc1.OS(=O)(=O)O")
>>> parent.canonical_smiles, parent.substance_key
('C[C@H](N)Cc1ccccc1', 'KWTSXDURSIMDCE-QMMMGPOBSA-N')
>>> parent.match_key
'KWTSXDURSIMDCE-UHFFFAOYSA-N'
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from rdkit import Chem, rdBase
from rdkit.Chem import rdinchi, rdMolHash
from rdkit.Chem.MolStandardize import rdMolStandardize
from rdkit.Chem.rdMolDescriptors import CalcMolFormula

from services.chemistry.intake import DEFAULT_LIMITS, Limits, StructureError, read_structure

if TYPE_CHECKING:
    from contracts.substances import Structure


@dataclass(frozen=True)
class Parent:
    """A standardised parent compound: equal to another exactly when it is the same substance.

    ``notes`` says what standardisation did to the reported structure; it and ``mol`` take no
    part in equality, so a hydrochloride and its free base give equal parents.
    """

    substance_key: str
    match_key: str
    canonical_smiles: str
    formula: str
    heavy_atoms: int
    mol: Chem.Mol = field(compare=False, hash=False, repr=False)
    notes: tuple[str, ...] = field(default=(), compare=False, hash=False)

    @cached_property
    def skeleton(self) -> str:
        """Elements and connections only (no bond orders, charges or hydrogens): tautomers and
        stereoisomers share it, so it tells cheaply when the tautomer key is worth computing."""
        return rdMolHash.MolHash(Chem.Mol(self.mol), rdMolHash.HashFunction.ElementGraph)

    @cached_property
    def tautomer_key(self) -> str:
        """The match key that also ignores keto-enol and 1,5-hydrogen shifts (see the module)."""
        return tautomer_key(self.mol, self.match_key)


Step = Callable[[Chem.Mol], Chem.Mol]


# --- 1. cleanup -------------------------------------------------------------------------------

_METAL = Chem.MolFromSmarts("[Li,Na,K,Mg,Ca,Al,Mn,Fe,Co,Ni,Cu,Zn,Ag,Pt,Au,Hg]")
_normalizer = rdMolStandardize.Normalizer()
_reionizer = rdMolStandardize.Reionizer()
_metal_disconnector = rdMolStandardize.MetalDisconnector()


def cleanup(mol: Chem.Mol) -> Chem.Mol:
    """Remove explicit hydrogens, disconnect metals, normalise groups, put charges where they go.

    >>> Chem.MolToSmiles(cleanup(Chem.MolFromSmiles("C[N+](=O)[O-].[H]OC")))
    'CO.C[N+](=O)[O-]'
    >>> Chem.MolToSmiles(cleanup(Chem.MolFromSmiles("CN(=O)=O")))
    'C[N+](=O)[O-]'
    """
    if mol.GetNumAtoms() != mol.GetNumHeavyAtoms():
        mol = Chem.RemoveHs(mol)
    if not mol.HasSubstructMatch(_NEEDS_CLEANUP):
        return mol  # most structures: nothing below would change them
    if mol.HasSubstructMatch(_METAL):
        mol = _metal_disconnector.Disconnect(mol)
    if mol.HasSubstructMatch(_NORMALIZABLE):
        mol = _normalizer.normalize(mol)
    if _is_charged(mol):
        mol = _reionizer.reionize(mol)
    return mol


_CHARGED_ATOM = Chem.MolFromSmarts("[!+0]")

_NORMALISATION_STARTS = (
    "!+0",
    "$([N,P,As,Sb;X3](=[O,S,Se,Te])=[O,S,Se,Te])",
    "$([nH0+0]=[OH0+0])",
    "$([#7]#[#7])",
    "$([S+0;X3]=O)",
)
"""Atoms one of RDKit's default normalisations (MolStandardize/TransformCatalog/normalizations.in)
can start from: all of them involve a charged atom except nitro (N with two double bonds to O or
S), the N-oxide drawn n=O, azide and diazo (N#N) and the sulfoxide S=O. The normaliser is costly
(one reaction per transform) and leaves other molecules as they are; a test holds it to that."""
_NORMALIZABLE = Chem.MolFromSmarts(f"[{','.join(_NORMALISATION_STARTS)}]")
_NEEDS_CLEANUP = Chem.MolFromSmarts(
    f"[{','.join((*_NORMALISATION_STARTS, '$(' + Chem.MolToSmarts(_METAL) + ')'))}]"
)
"""Any of :data:`_METAL`, :data:`_NORMALIZABLE` or a charge, in one search."""


def _is_charged(mol: Chem.Mol) -> bool:
    return mol.HasSubstructMatch(_CHARGED_ATOM)


# --- 2. salts and solvents ----------------------------------------------------------------------

COUNTERIONS_AND_SOLVENTS: dict[str, str] = {
    # anions as their neutral acid (the skeleton key ignores protonation), metals as their cation
    "hydrochloric acid": "Cl",
    "hydrobromic acid": "Br",
    "hydroiodic acid": "I",
    "hydrofluoric acid": "F",
    "sulfuric acid": "OS(=O)(=O)O",
    "nitric acid": "O[N+](=O)[O-]",
    "phosphoric acid": "OP(=O)(O)O",
    "perchloric acid": "OCl(=O)(=O)=O",
    "hexafluorophosphoric acid": "F[P-](F)(F)(F)(F)F",
    "tetrafluoroboric acid": "F[B-](F)(F)F",
    "carbonic acid": "OC(=O)O",
    "sodium": "[Na+]",
    "potassium": "[K+]",
    "lithium": "[Li+]",
    "calcium": "[Ca+2]",
    "magnesium": "[Mg+2]",
    "zinc": "[Zn+2]",
    "ammonia": "N",
    "formic acid": "OC=O",
    "acetic acid": "CC(=O)O",
    "trifluoroacetic acid": "OC(=O)C(F)(F)F",
    "oxalic acid": "OC(=O)C(=O)O",
    "malonic acid": "OC(=O)CC(=O)O",
    "succinic acid": "OC(=O)CCC(=O)O",
    "fumaric or maleic acid": "OC(=O)C=CC(=O)O",
    "malic acid": "OC(=O)CC(O)C(=O)O",
    "tartaric acid": "OC(=O)C(O)C(O)C(=O)O",
    "citric acid": "OC(=O)CC(O)(CC(=O)O)C(=O)O",
    "lactic acid": "CC(O)C(=O)O",
    "benzoic acid": "OC(=O)c1ccccc1",
    "methanesulfonic acid": "CS(=O)(=O)O",
    "benzenesulfonic acid": "OS(=O)(=O)c1ccccc1",
    "p-toluenesulfonic acid": "Cc1ccc(S(=O)(=O)O)cc1",
    "camphorsulfonic acid": "CC1(C)C2CCC1(CS(=O)(=O)O)C(=O)C2",
    "water": "O",
    "methanol": "CO",
    "ethanol": "CCO",
    "isopropanol": "CC(C)O",
    "acetone": "CC(C)=O",
    "acetonitrile": "CC#N",
    "dimethyl sulfoxide": "CS(C)=O",
    "dimethylformamide": "CN(C)C=O",
    "dichloromethane": "ClCCl",
    "chloroform": "ClC(Cl)Cl",
    "diethyl ether": "CCOCC",
    "ethyl acetate": "CCOC(C)=O",
    "tetrahydrofuran": "C1CCOC1",
}
"""Fragments dropped when something else remains, by name. Matched on the first block of the
InChIKey (the skeleton), so charge state, protonation and stereo do not matter."""

_LARGEST_COUNTERION = 16


def _skeleton(mol: Chem.Mol) -> str:
    with rdBase.BlockLogs():
        return Chem.MolToInchiKey(mol)[:14]


_COUNTERION_BY_SKELETON = {
    _skeleton(Chem.MolFromSmiles(smiles)): name for name, smiles in COUNTERIONS_AND_SOLVENTS.items()
}


def strip_salts_and_solvents(mol: Chem.Mol) -> Chem.Mol:
    """Drop known counterions and solvents, unless nothing else would remain.

    >>> Chem.MolToSmiles(strip_salts_and_solvents(Chem.MolFromSmiles("CNC(C)Cc1ccccc1.Cl.O")))
    'CNC(C)Cc1ccccc1'
    >>> Chem.MolToSmiles(strip_salts_and_solvents(Chem.MolFromSmiles("CC(=O)O")))
    'CC(=O)O'
    """
    fragments = Chem.GetMolFrags(mol)
    if len(fragments) == 1:
        return mol
    dropped = [atoms for atoms in fragments if _counterion_name(mol, atoms) is not None]
    if not dropped or len(dropped) == len(fragments):
        return mol
    return _without_atoms(mol, [index for atoms in dropped for index in atoms])


def counterions_in(mol: Chem.Mol) -> list[str]:
    """Names of the known counterions and solvents among the fragments of ``mol``.

    >>> counterions_in(Chem.MolFromSmiles("CNC(C)Cc1ccccc1.Cl.O"))
    ['hydrochloric acid', 'water']
    """
    names = (_counterion_name(mol, atoms) for atoms in Chem.GetMolFrags(mol))
    return [name for name in names if name is not None]


def _counterion_name(mol: Chem.Mol, atoms: tuple[int, ...]) -> str | None:
    heavy = sum(1 for index in atoms if mol.GetAtomWithIdx(index).GetAtomicNum() > 1)
    if heavy > _LARGEST_COUNTERION:
        return None  # too big to be one: spare the InChI
    return _COUNTERION_BY_SKELETON.get(_skeleton(_fragment(mol, atoms)))


def _fragment(mol: Chem.Mol, atoms: tuple[int, ...]) -> Chem.Mol:
    keep = set(atoms)
    return _without_atoms(mol, [i for i in range(mol.GetNumAtoms()) if i not in keep])


def _without_atoms(mol: Chem.Mol, indices: list[int]) -> Chem.Mol:
    editable = Chem.RWMol(mol)
    for index in sorted(indices, reverse=True):
        editable.RemoveAtom(index)
    result = editable.GetMol()
    result.UpdatePropertyCache(strict=False)
    return result


# --- 3. one organic compound ------------------------------------------------------------------

MIXTURE_RATIO = 0.5
"""A second, different organic compound with at least this fraction of the largest one's heavy
atoms makes the input a mixture nobody should guess the substance of."""


def keep_largest_organic_fragment(mol: Chem.Mol) -> Chem.Mol:
    """Keep the largest organic (carbon-containing) fragment; refuse none or a real mixture.

    Copies of the same compound count once; if they differ only in stereo (a racemate drawn as
    both enantiomers) the parent keeps no stereo.

    >>> Chem.MolToSmiles(keep_largest_organic_fragment(Chem.MolFromSmiles("CC(N)Cc1ccccc1.CCCC")))
    'CC(N)Cc1ccccc1'
    >>> keep_largest_organic_fragment(Chem.MolFromSmiles("[Na+].[Cl-]"))
    Traceback (most recent call last):
    ...
    services.chemistry.intake.StructureError: no_organic_fragment: ...
    """
    if len(Chem.GetMolFrags(mol)) == 1 and _has_carbon(mol):
        return mol  # the usual case: no fragment copies needed
    fragments = Chem.GetMolFrags(mol, asMols=True, sanitizeFrags=False)
    organic = [fragment for fragment in fragments if _has_carbon(fragment)]
    if not organic:
        shown = ", ".join(sorted(_formula(fragment) for fragment in fragments)[:5])
        raise StructureError("no_organic_fragment", f"no fragment contains carbon ({shown})")
    if len(organic) == 1:
        return organic[0]
    return _one_compound(organic)


_CARBON = Chem.MolFromSmarts("[#6]")


def _has_carbon(mol: Chem.Mol) -> bool:
    return mol.HasSubstructMatch(_CARBON)


def _one_compound(organic: list[Chem.Mol]) -> Chem.Mol:
    with rdBase.BlockLogs():
        keys = [Chem.MolToInchiKey(f) for f in organic]
    by_substance: dict[str, tuple[Chem.Mol, set[str]]] = {}
    for fragment, key in zip(organic, keys, strict=True):
        mol, variants = by_substance.setdefault(key[:14], (fragment, set()))
        variants.add(key[15:25])  # the stereo and isotope block
    ranked = sorted(by_substance.values(), key=lambda entry: -entry[0].GetNumHeavyAtoms())
    largest, variants = ranked[0]
    if len(ranked) > 1:
        runner_up = ranked[1][0]
        if runner_up.GetNumHeavyAtoms() >= MIXTURE_RATIO * largest.GetNumHeavyAtoms():
            raise StructureError(
                "ambiguous_mixture",
                f"{len(ranked)} different organic compounds of comparable size "
                f"({Chem.MolToSmiles(largest)} and {Chem.MolToSmiles(runner_up)}); "
                "report them as separate substances",
            )
    if len(variants) > 1:
        largest = Chem.Mol(largest)
        Chem.RemoveStereochemistry(largest)
    return largest


def _formula(mol: Chem.Mol) -> str:
    mol.UpdatePropertyCache(strict=False)
    return CalcMolFormula(mol)


# --- 4. charges -------------------------------------------------------------------------------

_uncharger = rdMolStandardize.Uncharger(canonicalOrder=True)


def neutralise(mol: Chem.Mol) -> Chem.Mol:
    """Neutralise charges by adding or removing protons (quaternary nitrogen stays charged).

    >>> Chem.MolToSmiles(neutralise(Chem.MolFromSmiles("C[NH2+]C(C)Cc1ccccc1")))
    'CNC(C)Cc1ccccc1'
    >>> Chem.MolToSmiles(neutralise(Chem.MolFromSmiles("C[N+](C)(C)C")))
    'C[N+](C)(C)C'
    """
    if not _is_charged(mol):
        return mol
    neutral = _uncharger.uncharge(mol)
    return mol if Chem.MolToSmiles(neutral) == Chem.MolToSmiles(mol) else neutral


# --- 5. tautomer ------------------------------------------------------------------------------

_TAUTOMER_PRONE_SMARTS = (
    "[#8,#16;H1]-[#6,#7]=[#6,#7]",  # enol, iminol (lactim), thiol forms
    "[#7;!H0]-[#6]=[#6]",  # enamine
    "[#7;!H0]-[#6;!a]=[#7]",  # amidine, guanidine
    "[#7,#8;H1]-[#7]=[#6]",  # hydrazone, oxime (azo and nitroso forms)
    "[#8,#16;H1]-c:[n;X2]",  # 2-hydroxy-azine (the pyridone is usually preferred)
    "[#8,#16;H1]-c:c:c:[n;X2]",  # 4-hydroxy-azine
    "[nH]:[#6,#7]:n",  # imidazole, triazole: the ring NH could sit on another nitrogen
    "[nH]:n",  # pyrazole, indazole
    "c=[#7]",  # exocyclic imine on an aromatic ring (an aminoazine drawn as its imine)
)
"""Groups that can be drawn as a tautomer RDKit might not prefer. Molecules with none of them are
already in the only form RDKit would choose, and skip the (costly) enumeration. In the hydroxy-azine
groups the ring nitrogen must be able to take the hydrogen (pyridine-like: two connections, no H):
a hydroxyindole with an NH or N-alkyl indole nitrogen could only become a keto form by putting
the hydrogen on carbon and giving up an aromatic ring, which RDKit never prefers (as for any
phenol). Of the 32,316 reference structures and variants the bench uses, 744 matched the wider
groups this way and none had another canonical tautomer."""
_ANY_TAUTOMER_PRONE = Chem.MolFromSmarts(
    "[" + ",".join(f"$({smarts})" for smarts in _TAUTOMER_PRONE_SMARTS) + "]"
)
"""All of :data:`_TAUTOMER_PRONE_SMARTS` in one search."""


MAX_TAUTOMERS = 48
"""Enumeration bound: a molecule with more tautomers keeps the form it was drawn in. Two of the
1,160 reference structures exceed it (a peptide-like medicine and a cannabidiol quinone)."""


def _tautomer_enumerator() -> rdMolStandardize.TautomerEnumerator:
    enumerator = rdMolStandardize.TautomerEnumerator()
    enumerator.SetMaxTautomers(MAX_TAUTOMERS)
    # A lower transform bound would stop the slowest enumerations (0.1 s) sooner, but it also
    # stops some that complete now: at 150, one bench structure gets another parent; at 120, 40.
    enumerator.SetMaxTransforms(4 * MAX_TAUTOMERS)
    # Keep stereo: the default would erase the stereocentre of every cathinone (keto-enol).
    enumerator.SetRemoveSp3Stereo(False)
    enumerator.SetRemoveBondStereo(False)
    # Stereo is perceived again on the chosen tautomer only (PickCanonical does), not on each
    # one enumerated: RDKit's own canonicalize works this way. A fifth of the step's time; the
    # same parent for all 664 bench structures with a tautomer-prone group.
    enumerator.SetReassignStereo(False)
    return enumerator


_tautomers = _tautomer_enumerator()


def canonical_tautomer(mol: Chem.Mol, inchi: str | None = None) -> Chem.Mol:
    """RDKit's canonical tautomer, when there is one to choose and it is the same substance.

    Runs only when the molecule has a group in :data:`_TAUTOMER_PRONE_SMARTS` (other molecules are
    already in the form RDKit would choose), and keeps the drawn form when the enumeration passes
    :data:`MAX_TAUTOMERS` (a choice from part of the tautomers would depend on the drawing). The
    result must have the same standard InChIKey: RDKit's favourite sometimes moves a hydrogen
    across carbon, which makes a different compound; then the best-scoring tautomer that InChI
    agrees is the same compound is taken instead. ``inchi`` is the molecule's standard InChI, if
    already known.

    >>> Chem.MolToSmiles(canonical_tautomer(Chem.MolFromSmiles("Oc1ccccn1")))
    'O=c1cccc[nH]1'
    >>> Chem.MolToSmiles(canonical_tautomer(Chem.MolFromSmiles("CC(O)=Nc1ccc(O)cc1")))
    'CC(=O)Nc1ccc(O)cc1'
    """
    return tautomer_choice(mol, inchi)[0]


def tautomer_choice(mol: Chem.Mol, inchi: str | None = None) -> tuple[Chem.Mol, str | None]:
    """:func:`canonical_tautomer` and a note saying what it did (None: nothing to do).

    >>> tautomer_choice(Chem.MolFromSmiles("CCO"))[1] is None
    True
    """
    if not mol.HasSubstructMatch(_ANY_TAUTOMER_PRONE):
        return mol, None
    with rdBase.BlockLogs():
        enumerated = _tautomers.Enumerate(mol)
    if enumerated.status != rdMolStandardize.TautomerEnumeratorStatus.Completed:
        return mol, f"kept the tautomer as drawn: more than {MAX_TAUTOMERS} tautomers"
    with rdBase.BlockLogs():
        tautomer = _tautomers.PickCanonical(enumerated)
    drawn = Chem.MolToSmiles(mol)
    if Chem.MolToSmiles(tautomer) == drawn:
        return mol, None
    key = Chem.InchiToInchiKey(inchi or standard_inchi(mol))
    if _inchikey(tautomer) != key:
        tautomer = _best_tautomer_with_key(list(enumerated.tautomers), drawn, key) or mol
    if tautomer is mol or Chem.MolToSmiles(tautomer) == drawn:
        return mol, None
    return tautomer, "chose the canonical tautomer"


def _best_tautomer_with_key(tautomers: list[Chem.Mol], drawn: str, key: str) -> Chem.Mol | None:
    # RDKit's own order (score, then SMILES), restricted to the tautomers InChI agrees are `mol`.
    ranked = sorted(
        (-rdMolStandardize.TautomerEnumerator.ScoreTautomer(t), Chem.MolToSmiles(t), t)
        for t in map(_with_stereo, tautomers)
    )
    for _, smiles, tautomer in ranked:
        if smiles == drawn:
            return None
        if _inchikey(tautomer) == key:
            return tautomer
    return None


def _with_stereo(tautomer: Chem.Mol) -> Chem.Mol:
    # Enumerated tautomers carry the drawn form's stereo marks unchecked (see
    # _tautomer_enumerator); perceive them as PickCanonical does for its choice.
    tautomer = Chem.Mol(tautomer)
    Chem.AssignStereochemistry(tautomer, cleanIt=True, force=True)
    return tautomer


def _inchikey(mol: Chem.Mol) -> str:
    return Chem.InchiToInchiKey(standard_inchi(mol))


# --- keys -------------------------------------------------------------------------------------

_STEREO_LAYER = re.compile(r"/[btms][^/]*")


def standard_inchi(mol: Chem.Mol) -> str:
    """The standard InChI of ``mol``, or raise StructureError.

    >>> standard_inchi(Chem.MolFromSmiles("CCO"))
    'InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3'
    """
    # rdinchi directly, with the options Chem.MolToInchi would pass: its wrapper only adds a
    # Python log call per warning ("Omitted undefined stereo" for most reported structures).
    with rdBase.BlockLogs():
        inchi = rdinchi.MolToInchi(mol, "-W1 /AuxNone")[0]
    if not inchi:
        raise StructureError(
            "unparsable", f"the InChI library refused {Chem.MolToSmiles(mol)} (or took over 1 s)"
        )
    return inchi


def tautomer_key(mol: Chem.Mol, fallback: str) -> str:
    """The InChIKey of the non-standard InChI that merges keto-enol and 1,5-tautomers and drops
    stereo (options KET, 15T, SNon); ``fallback`` if the InChI library refuses.

    >>> keto = tautomer_key(Chem.MolFromSmiles("CNC(C)C(=O)c1ccc(C)cc1"), "")   # mephedrone
    >>> keto == tautomer_key(Chem.MolFromSmiles("CNC(C)=C(O)c1ccc(C)cc1"), "")  # its enol
    True
    """
    with rdBase.BlockLogs():
        inchi = rdinchi.MolToInchi(mol, "-W1 /AuxNone /KET /15T /SNon")[0]
    return Chem.InchiToInchiKey(inchi) if inchi else fallback


def without_stereo_layers(inchi: str) -> str:
    """The InChI with its stereo layers (/b /t /m /s) removed: one key for every stereoisomer.

    >>> without_stereo_layers("InChI=1S/C3H7NO2/c1-2(4)3(5)6/h2H,4H2,1H3,(H,5,6)/t2-/m0/s1")
    'InChI=1S/C3H7NO2/c1-2(4)3(5)6/h2H,4H2,1H3,(H,5,6)'
    """
    return _STEREO_LAYER.sub("", inchi)


def identify(mol: Chem.Mol, inchi: str | None = None, notes: tuple[str, ...] = ()) -> Parent:
    """The :class:`Parent` record of an already standardised molecule (``inchi`` if known).

    >>> identify(Chem.MolFromSmiles("CCO")).substance_key
    'LFQSCWFLJHTTHZ-UHFFFAOYSA-N'
    """
    inchi = inchi or standard_inchi(mol)
    return Parent(
        substance_key=Chem.InchiToInchiKey(inchi),
        match_key=Chem.InchiToInchiKey(without_stereo_layers(inchi)),
        canonical_smiles=Chem.MolToSmiles(mol),
        formula=CalcMolFormula(mol),
        heavy_atoms=mol.GetNumHeavyAtoms(),
        mol=mol,
        notes=notes,
    )


# --- the chain --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stage:
    step: Step
    note: Callable[[Chem.Mol], str] | None = None
    """What to tell the reader when the step changed something, given the molecule before it."""


_CHAIN = (
    _Stage(cleanup),
    _Stage(strip_salts_and_solvents, lambda before: "removed " + ", ".join(_names(before))),
    _Stage(keep_largest_organic_fragment, lambda before: "kept the largest organic fragment"),
    _Stage(neutralise, lambda before: "neutralised charges"),
)


def _names(before: Chem.Mol) -> list[str]:
    return sorted(set(counterions_in(before)))


def standardise(structure: Structure | str, limits: Limits = DEFAULT_LIMITS) -> Parent:
    """Read a structure and reduce it to its parent compound, or raise StructureError.

    >>> standardise("CN[C@@H](C)Cc1ccccc1.Cl").notes
    ('removed hydrochloric acid',)
    >>> standardise("[Na+].[Cl-]").substance_key
    Traceback (most recent call last):
    ...
    services.chemistry.intake.StructureError: no_organic_fragment: no fragment ... (Cl-, Na+)
    """
    started = time.perf_counter()
    mol = read_structure(structure, limits)
    notes: list[str] = []
    for stage in _CHAIN:
        _check_budget(started, limits, stage.step.__name__)
        result = stage.step(mol)
        if result is not mol and stage.note is not None:
            notes.append(stage.note(mol))
        mol = result
    _check_budget(started, limits, "standard_inchi")
    inchi = standard_inchi(mol)
    if _tautomer_affordable(mol, started, limits):
        mol, note = tautomer_choice(mol, inchi)
        if note is not None:
            notes.append(note)
    else:
        notes.append("kept the tautomer as drawn: molecule too large or time budget half spent")
    return identify(mol, inchi, tuple(notes))


MAX_COMPONENTS = 8
"""Distinct compounds a reported mixture may have; past it the structure is refused."""


def standardise_components(
    structure: Structure | str, limits: Limits = DEFAULT_LIMITS
) -> tuple[Parent, ...]:
    """The parent compounds of a structure that may be a mixture, or raise StructureError.

    A lab may report a sample of MDMA cut with ketamine as one structure, its compounds separated
    by dots. Where :func:`standardise` refuses such a structure (``ambiguous_mixture``), each
    distinct organic compound of at least half the largest one's size, salts and solvents
    stripped, is standardised on its own; a single compound gives a single parent.

    >>> [p.canonical_smiles for p in standardise_components("CNC(C)Cc1ccc2c(c1)OCO2.Cl")]
    ['CNC(C)Cc1ccc2c(c1)OCO2']
    >>> mix = standardise_components("CNC(C)Cc1ccc2c(c1)OCO2.CNC1(c2ccccc2Cl)CCCCC1=O.Cl")
    >>> [(p.canonical_smiles, p.notes) for p in mix]  # doctest: +NORMALIZE_WHITESPACE
    [('CNC1(c2ccccc2Cl)CCCCC1=O', ('component 1 of 2 of a mixture',)),
     ('CNC(C)Cc1ccc2c(c1)OCO2', ('component 2 of 2 of a mixture',))]
    """
    try:
        return (standardise(structure, limits),)
    except StructureError as error:
        if error.kind != "ambiguous_mixture":
            raise
    mol = strip_salts_and_solvents(cleanup(read_structure(structure, limits)))
    organic = [
        fragment
        for fragment in Chem.GetMolFrags(mol, asMols=True, sanitizeFrags=False)
        if _has_carbon(fragment)
    ]
    largest = max(fragment.GetNumHeavyAtoms() for fragment in organic)
    smiles = sorted(
        {
            Chem.MolToSmiles(fragment)
            for fragment in organic
            if fragment.GetNumHeavyAtoms() >= MIXTURE_RATIO * largest
        },
        key=lambda text: (-Chem.MolFromSmiles(text, sanitize=False).GetNumHeavyAtoms(), text),
    )
    if len(smiles) > 4 * MAX_COMPONENTS:
        raise StructureError(
            "ambiguous_mixture", f"{len(smiles)} different organic fragments, far too many"
        )
    distinct: dict[str, Parent] = {}
    for text in smiles:
        parent = standardise(text, limits)
        distinct.setdefault(parent.match_key, parent)
    parents = list(distinct.values())
    if len(parents) > MAX_COMPONENTS:
        raise StructureError(
            "ambiguous_mixture",
            f"{len(parents)} different organic compounds (at most {MAX_COMPONENTS} are taken)",
        )
    return tuple(
        replace(parent, notes=(*parent.notes, f"component {i} of {len(parents)} of a mixture"))
        for i, parent in enumerate(parents, start=1)
    )


COMPONENTS_REMEMBERED = 10_000
"""Structures whose components :func:`remembered_components` keeps (least recently used go)."""


def remembered_components(structure: Structure) -> tuple[Parent, ...]:
    """:func:`standardise_components`, remembering the answer for the last
    ``COMPONENTS_REMEMBERED`` structures, a refusal too (not a timeout, which depends on the
    moment): the hundreds of samples of one substance in a seizure, a re-analysis and a
    redelivered lab result cost a lookup instead of a millisecond or more each."""
    found = _components_by_text(structure.smiles, structure.inchi, structure.molblock)
    if isinstance(found, StructureError):
        raise StructureError(found.kind, found.reason)
    return found


@lru_cache(maxsize=COMPONENTS_REMEMBERED)
def _components_by_text(
    smiles: str | None, inchi: str | None, molblock: str | None
) -> tuple[Parent, ...] | StructureError:
    from contracts.substances import Structure

    try:
        return standardise_components(Structure(smiles=smiles, inchi=inchi, molblock=molblock))
    except StructureError as error:
        if error.kind == "timeout":
            raise
        return error


def _check_budget(started: float, limits: Limits, next_step: str) -> None:
    if time.perf_counter() - started > limits.time_budget_s:
        raise StructureError(
            "timeout",
            f"standardisation passed its {limits.time_budget_s:g} s budget before {next_step}",
        )


def _tautomer_affordable(mol: Chem.Mol, started: float, limits: Limits) -> bool:
    return (
        mol.GetNumHeavyAtoms() <= limits.tautomer_max_heavy_atoms
        and time.perf_counter() - started < limits.time_budget_s / 2
    )
