"""The measurements behind the analogue threshold and the family rules, reproducible on demand.

``python -m services.chemistry.calibration [REFERENCE_DATA_DIR]`` prints the tables quoted in
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
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from services.chemistry.families import FAMILIES, FAMILY_RULES, compile_group
from services.chemistry.similarity import FingerprintMatrix, fingerprint
from services.chemistry.standardisation import Parent, standardise

DATA = Path(__file__).resolve().parent / "data"
REFERENCE_DATA = Path(__file__).resolve().parents[2] / "data" / "reference"

CLASS_FAMILY = {
    "Cathinones": "synthetic cathinones",
    "Cannabinoids": "synthetic cannabinoid receptor agonists",
    "Benzodiazepines": "designer benzodiazepines",
    "Phenethylamines": "phenethylamines",
    "Indolalkylamines": "tryptamines",
    "Arylcyclohexylamines": "arylcyclohexylamines",
}
"""The data set's drug classes that correspond one to one to a family."""

NOT_A_CLASS = ("Unknown", "Plants & extracts")
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
        Compound(r["name"], standardise(r["smiles"])) for r in read_csv(DATA / "not_controlled.csv")
    ]


def kz_baseline() -> list[Compound]:
    return [
        Compound(r["name"], standardise(r["smiles"])) for r in read_csv(DATA / "kz_baseline.csv")
    ]


def reference(shared: Path, exclude: set[str]) -> list[Compound]:
    """NPS of a known class, one per match key, leaving out anything on the negatives list."""
    seen: set[str] = set(exclude)
    found = []
    for row in read_csv(shared / "nps_structures_by_class.csv"):
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
    short = {family: family.split()[0][:11] for family in FAMILIES}
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
    rows = read_csv(DATA / "kz_baseline.csv")
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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    shared = Path(args[0]) if args else REFERENCE_DATA
    sys.stdout.write("== analogue threshold ==\n" + threshold_report(shared) + "\n\n")
    sys.stdout.write("== family rules ==\n" + family_report(shared) + "\n\n")
    sys.stdout.write("== against the KZ baseline listings ==\n" + schedule_report(shared) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
