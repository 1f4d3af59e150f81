"""Chemistry throughput: unique (cold) and repeated (warm) structures per second, one core.

Listed sets of 100, 1,000 and 10,000 substances are drawn from shared/data (the 1,160 NPS
structures and 94 fentanyl analogues) plus variants enumerated from them: each aromatic C-H in
turn becomes C-F, C-Cl, C-Br, C-CH3 or C-OCH3, and each N-H becomes N-CH3. The queries are
further variants that are in none of the listed sets, so every query takes the full path
(standardise, match key, groups, bulk similarity, shared cores near the threshold): the worst case
for throughput. Cold: each query string is seen for the first time (caches emptied). Warm: the
same strings again, answered from the input cache.

Run: python bench/bench_chemistry.py [--queries N] [--shared DIR]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rdkit import Chem, rdBase

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from contracts.schedule import Listing, ScheduleState  # noqa: E402
from services.chemistry import classification  # noqa: E402
from services.chemistry.classification import ScheduleIndex, classify, classify_structure  # noqa: E402
from services.chemistry.standardisation import standardise  # noqa: E402

T = TypeVar("T")
SIZES = (100, 1_000, 10_000)
SUBSTITUENTS = (("F",), ("Cl",), ("Br",), ("C",), ("O", "C"))
"""Each a chain of atoms attached by single bonds: fluoro, chloro, bromo, methyl, methoxy."""
AS_OF = dt.date(2026, 1, 1)
SEED = 20260101


def reference_smiles(shared: Path) -> list[str]:
    smiles = []
    for name, column in (
        ("nps_structures_by_class.csv", "smiles"),
        ("fentanyl_analogues_named.csv", "smiles"),
    ):
        with (shared / name).open(newline="", encoding="utf-8") as handle:
            smiles += [row[column] for row in csv.DictReader(handle)]
    return smiles


def variants(smiles: str) -> list[str]:
    """One-atom variants: a substituent on an aromatic C-H, or a methyl on an N-H."""
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return []
    found = []
    for atom in mol.GetAtoms():
        if atom.GetTotalNumHs() == 0:
            continue
        if atom.GetIsAromatic() and atom.GetSymbol() == "C":
            groups = SUBSTITUENTS
        elif atom.GetSymbol() == "N" and not atom.GetIsAromatic():
            groups = (("C",),)
        else:
            continue
        for group in groups:
            editable = Chem.RWMol(mol)
            anchor = atom.GetIdx()
            for k, symbol in enumerate(group):
                new = editable.AddAtom(Chem.Atom(symbol))
                editable.AddBond(anchor if k == 0 else new - 1, new, Chem.BondType.SINGLE)
            editable.GetAtomWithIdx(anchor).SetNoImplicit(False)
            editable.GetAtomWithIdx(anchor).SetNumExplicitHs(0)
            try:
                Chem.SanitizeMol(editable)
            except Exception:  # a valence the edit cannot take: skip that variant
                continue
            found.append(Chem.MolToSmiles(editable))
    return found


def structure_pool(shared: Path) -> tuple[list[str], list[str]]:
    """Originals and their variants (unique canonical SMILES), shuffled reproducibly."""
    with rdBase.BlockLogs():
        originals = list(
            dict.fromkeys(
                Chem.MolToSmiles(m)
                for s in reference_smiles(shared)
                if (m := Chem.MolFromSmiles(s))
            )
        )
        enumerated = list(dict.fromkeys(v for s in originals for v in variants(s)))
    pool = [s for s in enumerated if s not in set(originals)]
    random.Random(SEED).shuffle(pool)
    return originals, pool


def schedule(smiles: list[str]) -> ScheduleState:
    start = dt.date(2020, 1, 1)
    return ScheduleState(
        listings=[
            Listing(
                name=f"listed-{i}", structure={"smiles": s}, source="bench", effective_from=start
            )
            for i, s in enumerate(smiles)
        ]
    )


def per_second(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f}/s"


def timed(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def clear_caches() -> None:
    classification._parent_of_text.cache_clear()
    classification._parent_by_key.cache_clear()
    classification._fingerprint_by_key.cache_clear()


def measure(state: ScheduleState, workload: list[str], parents: list) -> str:
    """One row of the table: build, rebuild, cold, warm and classify-only figures."""
    clear_caches()
    build, index = timed(lambda: ScheduleIndex.build(state, jurisdiction="KZ"))
    rebuild, index = timed(lambda: ScheduleIndex.build(state, jurisdiction="KZ"))
    cold, verdicts = timed(lambda: [classify_structure(q, index, as_of=AS_OF) for q in workload])
    warm, _ = timed(lambda: [classify_structure(q, index, as_of=AS_OF) for q in workload * 5])
    only, _ = timed(lambda: [classify(p, index, as_of=AS_OF) for p in parents])
    statuses = Counter(v.status for v in verdicts)
    return (
        f"{len(state.listings):>8,} {build:>7.2f}s {rebuild * 1e3:>6.1f}ms "
        f"{per_second(len(workload), cold)} {per_second(5 * len(workload), warm)} "
        f"{per_second(len(workload), only):>14}   "
        + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()

    started = time.perf_counter()
    originals, pool = structure_pool(args.shared)
    queries = pool[: args.queries]
    listable = originals + pool[args.queries :]
    print(
        f"structures: {len(originals):,} reference + {len(pool):,} enumerated variants "
        f"({time.perf_counter() - started:.1f} s); queries: {len(queries):,} variants listed "
        "nowhere"
    )
    print("listed sets: the reference structures first, then variants, up to the size")
    print(
        "build: index from scratch (standardises every listing); rebuild: the same schedule "
        "again, as after an amendment (listing parents remembered)"
    )
    print()

    workloads = {"novel variants": queries, "reference structures": originals}
    for title, workload in workloads.items():
        print(f"queries: {title} ({len(workload):,})")
        print(
            f"{'listed':>8} {'build':>8} {'rebuild':>8} {'cold':>12} {'warm':>12} "
            f"{'classify only':>14}   statuses (cold)"
        )
        parents = [standardise(q) for q in workload]
        for size in SIZES:
            print(measure(schedule(listable[:size]), workload, parents))
        print()

    clear_caches()
    alone, _ = timed(lambda: [standardise(q) for q in queries])
    print(
        f"standardisation alone: {per_second(len(queries), alone).strip()} "
        "(parse, clean-up, salts, neutralise, tautomer, InChI keys)"
    )
    print(
        "cold = standardise + classify, each query string new; warm = the same strings again; "
        "classify only = already standardised parents; one process, one core"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
