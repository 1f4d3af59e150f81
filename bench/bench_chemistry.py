"""Chemistry throughput: unique (cold) and repeated (warm) structures per second, one core.

Listed sets of 100, 1,000 and 10,000 substances are drawn from data/reference (the 1,160 NPS
structures and 94 fentanyl analogues) plus variants enumerated from them: each aromatic C-H in
turn becomes C-F, C-Cl, C-Br, C-CH3 or C-OCH3, and each N-H becomes N-CH3. Two workloads: further
variants that are in none of the listed sets, so every query takes the full path (standardise,
match key, groups, bulk similarity, shared cores where they decide): the worst case for
throughput; and the reference structures themselves (mostly listed once the set is large).

Cold: each query string is seen for the first time (caches emptied), the status decided; the
shared core shown as evidence is worked out when a caller reads ``nearest`` or ``rules_fired``,
which "+evidence" does (as the analogue monitor does for every assessment). Warm: the same
strings again, answered from the input cache. One process, no threads or subprocesses: figures
are per core. Wall-clock figures suffer from other work on the machine; "cpu" divides by the
process's own CPU time instead (what one core does when it has the core to itself).

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
from services.chemistry.classification import (  # noqa: E402
    Classification,
    ScheduleIndex,
    classify,
    classify_structure,
)
from services.chemistry.standardisation import standardise  # noqa: E402
from services.tools.calibration import REFERENCE_DATA  # noqa: E402

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
    groups: tuple[tuple[str, ...], ...]
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


def timed_cpu(work: Callable[[], T]) -> tuple[float, float, T]:
    """Wall-clock seconds, CPU seconds of this process, and the result of ``work``."""
    started, started_cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - started, time.process_time() - started_cpu, result


def with_evidence(verdict: Classification) -> Classification:
    verdict.nearest  # noqa: B018  # reading it works out the evidence, as a caller would
    return verdict


def clear_caches() -> None:
    classification._parent_of_text.cache_clear()
    classification._parent_by_key.cache_clear()
    classification._fingerprint_by_key.cache_clear()


def measure(state: ScheduleState, workload: list[str], parents: list) -> str:
    """One row of the table: build, rebuild, cold, warm and classify-only figures."""
    clear_caches()
    build, index = timed(lambda: ScheduleIndex.build(state, jurisdiction="KZ"))
    rebuild, index = timed(lambda: ScheduleIndex.build(state, jurisdiction="KZ"))
    cold, cold_cpu, verdicts = timed_cpu(
        lambda: [classify_structure(q, index, as_of=AS_OF) for q in workload]
    )
    warm, _ = timed(lambda: [classify_structure(q, index, as_of=AS_OF) for q in workload * 5])
    clear_caches()
    index._cache.clear()
    evidence, _ = timed(
        lambda: [with_evidence(classify_structure(q, index, as_of=AS_OF)) for q in workload]
    )
    only, _ = timed(lambda: [classify(p, index, as_of=AS_OF) for p in parents])
    statuses = Counter(v.status for v in verdicts)
    n = len(workload)
    return (
        f"{len(state.listings):>8,} {build:>7.2f}s {rebuild * 1e3:>6.1f}ms "
        f"{per_second(n, cold)} {per_second(n, cold_cpu)} {per_second(n, evidence)} "
        f"{per_second(5 * n, warm)} {per_second(n, only):>14}   "
        + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--shared", type=Path, default=REFERENCE_DATA)
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
            f"{'listed':>8} {'build':>8} {'rebuild':>8} {'cold':>12} {'cold (cpu)':>12} "
            f"{'+evidence':>12} {'warm':>12} {'classify only':>14}   statuses (cold)"
        )
        parents = [standardise(q) for q in workload]
        for size in SIZES:
            print(measure(schedule(listable[:size]), workload, parents))
        print()

    clear_caches()
    alone, alone_cpu, _ = timed_cpu(lambda: [standardise(q) for q in queries])
    print(
        f"standardisation alone: {per_second(len(queries), alone).strip()} "
        f"({per_second(len(queries), alone_cpu).strip()} cpu; parse, clean-up, salts, "
        "neutralise, tautomer, InChI keys)"
    )
    print(
        "cold = standardise + classify (status), each query string new; cpu = per CPU second "
        "of this process; +evidence = cold, reading the evidence (shared cores); warm = the "
        "same strings again; classify only = already standardised parents; one process, one core"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
