"""Shared fixtures for the chemistry tests: the reference structures in ``shared/data``.

CI puts ``shared/`` beside the repository clone. If it is missing the tests fail (not skip): a
chemistry change must not pass unchecked against real structures.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
CHEMISTRY_DATA = Path(__file__).resolve().parents[3] / "services" / "chemistry" / "data"


def read_shared_csv(name: str) -> list[dict[str, str]]:
    """Rows of ``shared/data/<name>``, or fail the test saying where the file was expected."""
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.fail(
            f"reference data {path} is missing: check out the shared/ folder beside the "
            "repository (see shared/data/README.md)",
            pytrace=False,
        )
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def nps_structures() -> list[dict[str, str]]:
    """shared/data/nps_structures_by_class.csv: smiles, drug_class, inchikey (1,160 rows)."""
    return read_shared_csv("nps_structures_by_class.csv")


@pytest.fixture(scope="session")
def fentanyl_analogues() -> list[dict[str, str]]:
    """shared/data/fentanyl_analogues_named.csv: compound, smiles, retention_time_min (94 rows)."""
    return read_shared_csv("fentanyl_analogues_named.csv")


@pytest.fixture(scope="session")
def not_controlled() -> list[dict[str, str]]:
    """Cutting agents, medicines, supplements and sugars that no control rule may catch."""
    with (CHEMISTRY_DATA / "not_controlled.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
