"""Shared fixtures for the chemistry tests: the reference structures in ``data/reference``.

The repository carries them with their licences (MIT; see data/reference/README.md), so a clone
with nothing beside it runs every chemistry test. If a file is missing the tests fail (not skip):
a chemistry change must not pass unchecked against real structures.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from services.tools.calibration import REFERENCE_DATA

CHEMISTRY_DATA = Path(__file__).resolve().parents[3] / "services" / "chemistry" / "data"


def read_reference_csv(name: str) -> list[dict[str, str]]:
    """Rows of ``data/reference/<name>``, or fail the test saying where the file was expected."""
    path = REFERENCE_DATA / name
    if not path.is_file():
        pytest.fail(f"reference data {path} is missing from the repository", pytrace=False)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def nps_structures() -> list[dict[str, str]]:
    """data/reference/nps_structures_by_class.csv: smiles, drug_class, inchikey (1,160 rows)."""
    return read_reference_csv("nps_structures_by_class.csv")


@pytest.fixture(scope="session")
def fentanyl_analogues() -> list[dict[str, str]]:
    """data/reference/fentanyl_analogues_named.csv: compound, smiles, retention time (94 rows)."""
    return read_reference_csv("fentanyl_analogues_named.csv")


@pytest.fixture(scope="session")
def not_controlled() -> list[dict[str, str]]:
    """Cutting agents, medicines, supplements and sugars that no control rule may catch."""
    with (CHEMISTRY_DATA / "not_controlled.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
