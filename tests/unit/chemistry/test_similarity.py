"""Bulk Tanimoto equals RDKit's own, nearest-neighbour order, and the bounded shared core."""

from __future__ import annotations

import time

import numpy as np
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from services.chemistry import standardise
from services.chemistry.similarity import (
    FingerprintMatrix,
    fingerprint,
    nearest,
    shared_core,
)


def test_bulk_tanimoto_equals_rdkit(nps_structures) -> None:
    mols = [standardise(row["smiles"]).mol for row in nps_structures[:300]]
    matrix = FingerprintMatrix.of(mols)
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    reference = [generator.GetFingerprint(m) for m in mols]
    for i in (0, 57, 123, 299):
        ours = matrix.tanimoto(fingerprint(mols[i]))
        theirs = DataStructs.BulkTanimotoSimilarity(reference[i], reference)
        assert np.allclose(ours, theirs)


def test_nearest_is_best_first_and_respects_the_floor() -> None:
    similarities = np.array([0.1, 0.7, 0.3, 0.9, 0.7])
    assert nearest(similarities, 3) == [3, 1, 4]
    assert nearest(similarities, 5, at_least=0.5) == [3, 1, 4]
    assert nearest(np.array([]), 3) == []


def _partition_and_sort(similarities: np.ndarray, k: int) -> list[int]:
    # The ranking nearest() gave before it took the k best by argmax: the same for every array.
    candidates = np.argpartition(-similarities, k - 1)[:k]
    return sorted(candidates.tolist(), key=lambda i: (-similarities[i], i))


def test_nearest_ranks_as_a_partition_and_sort_including_ties() -> None:
    rng = np.random.default_rng(7)
    for trial in range(300):
        # Few distinct values, so ties inside the k best and at the k-th place are common.
        similarities = rng.integers(0, 6 if trial % 2 else 1000, size=200) / 7
        for k in (1, 2, 3, 8, 9):
            assert nearest(similarities, k) == _partition_and_sort(similarities, k)


def test_tanimoto_of_an_empty_fingerprint_is_zero() -> None:
    matrix = FingerprintMatrix.of([Chem.MolFromSmiles(s) for s in ("CCO", "c1ccccc1")])
    empty = fingerprint(Chem.MolFromSmiles(""))
    assert not empty.any()
    assert matrix.tanimoto(empty).tolist() == [0.0, 0.0]


def test_shared_core_of_a_halogen_swap_covers_the_listed_substance() -> None:
    core = shared_core(
        Chem.MolFromSmiles("Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1)=NC2"),  # bromazolam
        Chem.MolFromSmiles("Cc1nnc2n1-c1ccc(Cl)cc1C(c1ccccc1)=NC2"),  # alprazolam
    )
    assert core is not None
    assert core.atoms == 21 and round(core.listed_coverage, 3) == round(21 / 22, 3)
    assert Chem.MolFromSmarts(core.smarts) is not None


def test_shared_core_gives_up_on_unrelated_pairs() -> None:
    assert (
        shared_core(Chem.MolFromSmiles("OCC(O)C(O)C(O)C(O)CO"), Chem.MolFromSmiles("c1ccccc1"))
        is None
    )


def test_shared_core_of_large_molecules_stays_within_its_timeout() -> None:
    anthracene = Chem.MolFromSmiles("c1ccc2cc3ccccc3cc2c1")
    chain = Chem.MolFromSmiles("C" * 150 + "c1ccccc1" + "C" * 150)
    started = time.perf_counter()
    shared_core(chain, Chem.MolFromSmiles("C" * 140 + "c1ccccc1" + "C" * 140))
    shared_core(anthracene, chain)
    assert time.perf_counter() - started < 4.0


def test_bulk_tanimoto_of_a_query_with_more_than_255_bits_equals_rdkit(nps_structures) -> None:
    # Shared-bit counts go up to the query's own count: past 255 they need two bytes.
    big = Chem.MolFromSmiles(".".join(row["smiles"] for row in nps_structures[:40]))
    mols = [standardise(row["smiles"]).mol for row in nps_structures[:50]] + [big]
    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    reference = [generator.GetFingerprint(m) for m in mols]
    assert reference[-1].GetNumOnBits() > 255
    ours = FingerprintMatrix.of(mols).tanimoto(fingerprint(big))
    assert np.allclose(ours, DataStructs.BulkTanimotoSimilarity(reference[-1], reference))
