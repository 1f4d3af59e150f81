"""The measurements behind the analogue threshold and the family rules, reproducible on demand.

``python -m services.tools.calibration [REFERENCE_DATA_DIR]`` prints the tables quoted in
``services/chemistry/README.md``. The reference data are ``nps_structures_by_class.csv`` and
``fentanyl_analogues_named.csv`` (``data/reference`` in the repository), the negatives are
``data/not_controlled.csv`` (cutting agents, medicines, supplements, sugars) and the realistic
schedule is ``data/kz_baseline.csv``.

Threshold: for every NPS compound, its nearest *other* compound of the same class stands for "a
listed relative" (positives); for every negative, its nearest NPS compound of any class stands for
"the listed substance it could be mistaken for". A threshold t flags a positive when its similarity
is at least t (true-positive rate) and a negative likewise (false-positive rate).
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rdkit import Chem

from services.chemistry.baseline import DATA as CHEMISTRY_DATA
from services.chemistry.families import FAMILIES, FAMILY_RULES, compile_group
from services.chemistry.similarity import FingerprintMatrix, fingerprint
from services.chemistry.standardisation import Parent, standardise

REFERENCE_DATA = Path(__file__).resolve().parents[2] / "data" / "reference"

CLASS_FAMILY = {
    "Cathinones": ("synthetic cathinones",),
    "Cannabinoids": ("synthetic cannabinoid receptor agonists",),
    "Benzodiazepines": ("designer benzodiazepines",),
    "Phenethylamines": ("phenethylamines",),
    "Indolalkylamines": ("tryptamines", "lysergamides"),
    "Arylcyclohexylamines": ("arylcyclohexylamines",),
    "Piperazine derivates": ("piperazines",),
}
"""The data set's drug classes whose members the family rules should cover, and the families
they are split into (Opioids are fentanyls, nitazenes, benzamides and older types; Piperidines &
pyrrolidines mix phenidates with unrelated rings)."""

NOT_A_CLASS = ("Unknown", "Plants & extracts")
UNSEEN_FILE = "nps_structures_unseen.csv"
GRID = tuple(round(0.40 + 0.025 * i, 3) for i in range(17))


@dataclass(frozen=True)
class Compound:
    label: str
    """The drug class (reference data) or the name (negatives, schedule)."""
    parent: Parent


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def negatives() -> list[Compound]:
    return [
        Compound(r["name"], standardise(r["smiles"]))
        for r in read_csv(CHEMISTRY_DATA / "not_controlled.csv")
    ]


def kz_baseline() -> list[Compound]:
    return [
        Compound(r["name"], standardise(r["smiles"]))
        for r in read_csv(CHEMISTRY_DATA / "kz_baseline.csv")
    ]


def reference(
    shared: Path, exclude: set[str], file: str = "nps_structures_by_class.csv"
) -> list[Compound]:
    """NPS of a known class, one per match key, leaving out anything on the negatives list."""
    seen: set[str] = set(exclude)
    found = []
    for row in read_csv(shared / file):
        parent = standardise(row["smiles"])
        if row["drug_class"] in NOT_A_CLASS or parent.match_key in seen:
            continue
        seen.add(parent.match_key)
        found.append(Compound(row["drug_class"], parent))
    return found


def nearest_similarities(
    queries: Iterable[Compound], listed: list[Compound], *, same_class: bool
) -> np.ndarray:
    """For each query, its largest similarity to ``listed`` (same class only, itself excluded)."""
    matrix = FingerprintMatrix.of([c.parent.mol for c in listed])
    labels = np.array([c.label for c in listed])
    keys = np.array([c.parent.match_key for c in listed])
    best = []
    for query in queries:
        similarities = matrix.tanimoto(fingerprint(query.parent.mol))
        similarities[keys == query.parent.match_key] = -1.0
        if same_class:
            similarities[labels != query.label] = -1.0
        best.append(similarities.max())
    return np.array(best)


def threshold_report(shared: Path) -> str:
    negs = negatives()
    nps = reference(shared, {c.parent.match_key for c in negs})
    positive = nearest_similarities(nps, nps, same_class=True)
    negative = nearest_similarities(negs, nps, same_class=False)
    against_kz = nearest_similarities(negs, kz_baseline(), same_class=False)
    lines = [
        f"positives: {len(nps)} NPS compounds (nearest same-class compound); "
        f"negatives: {len(negs)} (nearest NPS compound, and nearest KZ baseline substance)",
        "threshold  TPR    FPR(NPS)  J      negatives flagged vs KZ baseline",
    ]
    for t in GRID:
        tpr, fpr = (positive >= t).mean(), (negative >= t).mean()
        flagged = [c.label for c, s in zip(negs, against_kz, strict=True) if s >= t]
        lines.append(f"{t:.3f}      {tpr:.3f}  {fpr:.3f}     {tpr - fpr:.3f}  {', '.join(flagged)}")
    closest = sorted(zip(against_kz, (c.label for c in negs), strict=True), reverse=True)[:5]
    lines.append(
        "closest negatives to the KZ baseline: "
        + ", ".join(f"{name} {s:.2f}" for s, name in closest)
    )
    return "\n".join(lines)


def family_report(shared: Path) -> str:
    negs = negatives()
    excluded = {c.parent.match_key for c in negs}
    rows = [
        (r["drug_class"], standardise(r["smiles"]))
        for r in read_csv(shared / "nps_structures_by_class.csv")
    ]
    rows += [
        ("Fentanyl analogues (named)", standardise(r["smiles"]))
        for r in read_csv(shared / "fentanyl_analogues_named.csv")
    ]
    rules = [compile_group(rule) for rule in FAMILY_RULES]
    sizes: Counter[str] = Counter()
    hits: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for label, parent in rows:
        if parent.match_key in excluded:
            continue
        sizes[label] += 1
        for family in {r.definition.family for r in rules if r.match(parent.mol) is not None}:
            hits[label][family] += 1
    short = {
        f: f.removeprefix("synthetic ").removeprefix("designer ").split()[0][:11] for f in FAMILIES
    }
    lines = [f"{'class (n)':34}" + "".join(f"{short[f]:>12}" for f in FAMILIES)]
    for label in sorted(sizes):
        lines.append(
            f"{label + f' ({sizes[label]})':34}"
            + "".join(f"{hits[label][f]:>12}" for f in FAMILIES)
        )
    caught = [
        f"{c.label}: {r.definition.name}" for c in negs for r in rules if r.match(c.parent.mol)
    ]
    lines.append(f"negatives matched by any family rule ({len(negs)} checked): {caught or 'none'}")
    return "\n".join(lines)


def schedule_report(shared: Path) -> str:
    """Classify the NPS reference set and the negatives against the KZ baseline's listings alone
    (no group definitions), counting which analogue rule decided."""
    import datetime as dt

    from contracts.schedule import Listing, ScheduleState
    from services.chemistry.classification import ScheduleIndex, classify

    start = dt.date(2020, 1, 1)
    rows = read_csv(CHEMISTRY_DATA / "kz_baseline.csv")
    state = ScheduleState(
        listings=[
            Listing(
                name=r["name"],
                structure={"smiles": r["smiles"]},
                source="baseline:kz",
                effective_from=start,
            )
            for r in rows
        ]
    )
    index = ScheduleIndex.build(state, jurisdiction="KZ")
    negs = negatives()
    nps = reference(shared, {c.parent.match_key for c in negs})
    lines = []
    for title, compounds in (("NPS reference set", nps), ("negatives", negs)):
        decided: Counter[str] = Counter()
        for compound in compounds:
            verdict = classify(compound.parent, index, as_of=start)
            rule = verdict.rules_fired[0].rule
            decided[rule] += 1
            if title == "negatives" and verdict.status != "unrelated":
                decided[f"{compound.label} ({verdict.status}, {rule})"] += 1
        lines.append(
            f"{title} ({len(compounds)}): " + ", ".join(f"{k} {v}" for k, v in decided.items())
        )
    return "\n".join(lines)


# --- held-out recall against the KZ baseline ------------------------------------------------------

KZ_FAMILY_CLASS = {
    "opioid": "Opioids",
    "fentanyl": "Opioids",
    "nitazene": "Opioids",
    "cathinone": "Cathinones",
    "synthetic_cannabinoid": "Cannabinoids",
    "cannabinoid": "Cannabinoids",
    "benzodiazepine": "Benzodiazepines",
    "phenethylamine": "Phenethylamines",
    "tryptamine": "Indolalkylamines",
    "hallucinogen": "Indolalkylamines",
    "arylcyclohexylamine": "Arylcyclohexylamines",
}
"""The reference data's class of a KZ baseline listing, by the family column of kz_baseline.csv."""
KZ_STIMULANT_CLASS = {
    "Amphetamine": "Phenethylamines",
    "Methamphetamine": "Phenethylamines",
    "Fenetylline": "Phenethylamines",
    "Amfepramone": "Cathinones",
    "Benzylpiperazine (BZP)": "Piperazine derivates",
    "Methylphenidate": "Piperidines & pyrrolidines",
}
"""Stimulants of the baseline by class (cocaine, phenmetrazine, 4-methylaminorex have none)."""
THRESHOLD_GRID = (0.60, 0.65, 0.70, 0.75, 0.80)
FLOOR_GRID = (0.0, 0.20, 0.25, 0.30, 0.35)
FOLDS = 5
MIN_PURITY = 0.95
MAX_NEGATIVES_FLAGGED = 0.0
"""Selection constraints on the training folds: a medicine flagged is an alert against a
pharmacy product, so none may be; the goal allows 2% on held-out negatives."""
FLAGGED = ("group", "analogue")


def listing_classes() -> dict[str, str]:
    """Name of each KZ baseline listing -> the reference class it belongs to (where one does)."""
    classes = {}
    for row in read_csv(CHEMISTRY_DATA / "kz_baseline.csv"):
        found = KZ_FAMILY_CLASS.get(row["family"]) or KZ_STIMULANT_CLASS.get(row["name"])
        if found:
            classes[row["name"]] = found
    return classes


def scaffold_folds(compounds: list[Compound], folds: int = FOLDS) -> list[int]:
    """A fold for each compound such that compounds of one generic Murcko scaffold share a fold:
    a held-out fold holds only ring systems the other folds never showed. Largest scaffold
    groups first, each to the fold with fewest compounds so far (deterministic)."""
    from rdkit.Chem.Scaffolds import MurckoScaffold

    groups: dict[str, list[int]] = defaultdict(list)
    for i, compound in enumerate(compounds):
        core = MurckoScaffold.MakeScaffoldGeneric(
            MurckoScaffold.GetScaffoldForMol(compound.parent.mol)
        )
        groups[Chem.MolToSmiles(core)].append(i)
    fold_of = [0] * len(compounds)
    sizes = [0] * folds
    for _, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        fold = sizes.index(min(sizes))
        sizes[fold] += len(members)
        for i in members:
            fold_of[i] = fold
    return fold_of


@dataclass(frozen=True)
class Verdict:
    flagged: bool
    status: str
    rule: str
    """The deciding rule (first fired)."""
    named_class: str | None
    """The reference class of the listing the deciding rule names, if it names one."""


Setting = tuple[float, float]
"""(analogue threshold, family similarity floor)."""


def verdicts(
    compounds: list[Compound], setting: Setting, index: Any, classes: dict[str, str]
) -> list[Verdict]:
    from dataclasses import replace

    from services.chemistry.classification import classify

    threshold, floor = setting
    index = replace(index, family_floor=floor, _cache={}, _in_force={})
    found = []
    for compound in compounds:
        verdict = classify(compound.parent, index, as_of=KZ_DAY, threshold=threshold)
        first = verdict.rules_fired[0]
        listing = str(first.evidence.get("listing", ""))
        found.append(
            Verdict(verdict.status in FLAGGED, verdict.status, first.rule, classes.get(listing))
        )
    return found


KZ_DAY = dt.date(2025, 6, 1)


def kz_index() -> Any:
    """The KZ baseline as the pipeline holds it: its listings and group definitions."""
    from services.chemistry.baseline import JSONL_PATH
    from services.chemistry.classification import ScheduleIndex
    from services.domain.schedule import load_schedule_jsonl

    return ScheduleIndex.build(load_schedule_jsonl(JSONL_PATH, "KZ"), jurisdiction="KZ")


@dataclass(frozen=True)
class Scores:
    recall: dict[str, tuple[int, int]]
    """Class -> (flagged, queried), over classes with a listed member."""
    purity: tuple[int, int]
    """(analogues whose deciding rule names a listing of their own class, analogues)."""
    negatives: tuple[int, int]
    """(negatives flagged, negatives)."""
    rules: Counter[str]

    @property
    def overall(self) -> float:
        hit = sum(h for h, _ in self.recall.values())
        return hit / max(1, sum(n for _, n in self.recall.values()))

    @property
    def purity_rate(self) -> float:
        return self.purity[0] / max(1, self.purity[1])

    @property
    def negatives_rate(self) -> float:
        return self.negatives[0] / max(1, self.negatives[1])

    def admissible(self) -> bool:
        return self.purity_rate >= MIN_PURITY and self.negatives_rate <= MAX_NEGATIVES_FLAGGED


def score(
    queries: list[Compound], found: list[Verdict], negs: list[Verdict], with_member: set[str]
) -> Scores:
    recall: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    pure = analogues = 0
    rules: Counter[str] = Counter()
    for compound, verdict in zip(queries, found, strict=True):
        if compound.label not in with_member:
            continue
        recall[compound.label][1] += 1
        recall[compound.label][0] += verdict.flagged
        if verdict.status == "analogue":
            analogues += 1
            pure += verdict.named_class == compound.label
            rules[verdict.rule] += 1
    flagged = sum(v.flagged for v in negs)
    return Scores(
        {k: (v[0], v[1]) for k, v in sorted(recall.items())},
        (pure, analogues),
        (flagged, len(negs)),
        rules,
    )


def held_out_report(shared: Path, unseen: str | None = None) -> str:
    """Recall per class, purity and false flags against the KZ baseline on held-out folds.

    The NPS reference set (listed substances left out) and the negatives are split into
    ``FOLDS`` folds by generic Murcko scaffold. For each fold, the analogue threshold and the
    family rule's similarity floor are chosen on the other folds (highest recall with purity >=
    95% and no negative flagged) and scored on the fold itself; the held-out scores are pooled.
    ``unseen``: a second reference file, scored once with the defaults.
    """
    from services.chemistry.classification import DEFAULT_THRESHOLD, FAMILY_SIMILARITY_FLOOR

    index = kz_index()
    classes = listing_classes()
    with_member = set(classes.values())
    negs = negatives()
    queries = [
        c
        for c in reference(shared, {n.parent.match_key for n in negs})
        if c.parent.match_key not in index.by_match_key
    ]
    grid = [(t, f) for t in THRESHOLD_GRID for f in FLOOR_GRID]
    table = {g: verdicts(queries, g, index, classes) for g in grid}
    neg_table = {g: verdicts(negs, g, index, classes) for g in grid}
    fold_of, neg_fold = scaffold_folds(queries), scaffold_folds(negs)

    def part(items: list, folds: list[int], keep: Callable[[int], bool]) -> list:
        return [x for x, f in zip(items, folds, strict=True) if keep(f)]

    def chosen_on(keep: Callable[[int], bool]) -> Setting:
        candidates = [
            (
                score(
                    part(queries, fold_of, keep),
                    part(table[g], fold_of, keep),
                    part(neg_table[g], neg_fold, keep),
                    with_member,
                ),
                g,
            )
            for g in grid
        ]
        # Highest recall; among equals, the strictest setting.
        admissible = [(s.overall, g) for s, g in candidates if s.admissible()]
        return max(admissible)[1] if admissible else (max(THRESHOLD_GRID), max(FLOOR_GRID))

    held_found: list[Verdict] = []
    held_queries: list[Compound] = []
    held_negs: list[Verdict] = []
    chosen = []
    for fold in range(FOLDS):
        train = lambda f, fold=fold: f != fold  # noqa: E731
        test = lambda f, fold=fold: f == fold  # noqa: E731
        best = chosen_on(train)
        chosen.append(best)
        held_queries += part(queries, fold_of, test)
        held_found += part(table[best], fold_of, test)
        held_negs += part(neg_table[best], neg_fold, test)
    held = score(held_queries, held_found, held_negs, with_member)
    lines = [
        f"{len(queries)} reference NPS not listed in the KZ baseline, {len(negs)} negatives, "
        f"{FOLDS} folds by generic Murcko scaffold; (threshold, family floor) chosen per fold: "
        f"{chosen}; on all of it: {chosen_on(lambda f: True)} "
        f"(the defaults: {(DEFAULT_THRESHOLD, FAMILY_SIMILARITY_FLOOR)})",
        *_scores_lines(held, "held-out folds"),
    ]
    if unseen is not None and (shared / unseen).exists():
        others = [
            c
            for c in reference(shared, {n.parent.match_key for n in negs}, unseen)
            if c.parent.match_key not in index.by_match_key
        ]
        defaults = (DEFAULT_THRESHOLD, FAMILY_SIMILARITY_FLOOR)
        lines += _scores_lines(
            score(
                others,
                verdicts(others, defaults, index, classes),
                verdicts(negs, defaults, index, classes),
                with_member,
            ),
            f"{unseen} ({len(others)} NPS never used to write or tune anything), "
            f"defaults {defaults}",
        )
    return "\n".join(lines)


def _scores_lines(scores: Scores, title: str) -> list[str]:
    lines = [f"-- {title}", f"{'class':28} flagged / NPS   recall"]
    for label, (hit, n) in scores.recall.items():
        lines.append(f"{label:28} {hit:4} / {n:4}      {hit / max(1, n):.0%}")
    hit = sum(h for h, _ in scores.recall.values())
    n = sum(n for _, n in scores.recall.values())
    lines += [
        f"{'all with a listed member':28} {hit:4} / {n:4}      {scores.overall:.1%}",
        f"analogues naming a listing of their own class: {scores.purity[0]} / {scores.purity[1]}"
        f" ({scores.purity_rate:.1%}); deciding rules: {dict(scores.rules.most_common())}",
        f"negatives flagged: {scores.negatives[0]} / {scores.negatives[1]}"
        f" ({scores.negatives_rate:.1%})",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    shared = Path(args[0]) if args else REFERENCE_DATA
    sys.stdout.write("== analogue threshold ==\n" + threshold_report(shared) + "\n\n")
    sys.stdout.write("== family rules ==\n" + family_report(shared) + "\n\n")
    sys.stdout.write("== against the KZ baseline listings ==\n" + schedule_report(shared) + "\n\n")
    sys.stdout.write(
        "== held out, against the KZ baseline ==\n" + held_out_report(shared, UNSEEN_FILE) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
