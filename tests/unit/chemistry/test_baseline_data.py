"""Data checks for the baseline controlled-substance lists (kz_baseline.csv and the partners').

Every row's SMILES, in every jurisdiction's list, must parse cleanly and reproduce the molecular
formula recorded for the substance, so a mistyped structure is caught. Kazakhstan's list must also
leave the demo scenario's target substances, and common non-controlled cutting agents, unlisted.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter
from pathlib import Path

import pytest
from rdkit import Chem, rdBase
from rdkit.Chem import rdMolDescriptors

DATA = (Path(__file__).resolve().parent / "../../../services/chemistry/data").resolve()
CSV_PATH = DATA / "kz_baseline.csv"
PARTNER_CSVS = {code: DATA / f"{code.lower()}_baseline.csv" for code in ("RU", "UZ", "BY", "KG")}

COLUMNS = ["name", "smiles", "formula", "family", "schedule", "cas"]
PARTNER_COLUMNS = [*COLUMNS, "act"]
"""A partner's row may name the act of 2025 that lists it (empty: on the baseline list)."""
MIN_PARTNER_ROWS = 100
NPS_FAMILIES = (
    "cathinone",
    "synthetic_cannabinoid",
    "fentanyl",
    "nitazene",
    "benzodiazepine",
    "phenethylamine",
    "tryptamine",
    "arylcyclohexylamine",
)
FAMILIES = set(NPS_FAMILIES) | {
    "opioid",
    "stimulant",
    "cannabinoid",
    "depressant",
    "hallucinogen",
    "other",
}
SCHEDULES = {"I", "II", "III"}
MIN_ROWS = 100
MIN_PER_NPS_FAMILY = 8

# Substances that the demo scenario needs to stay unlisted: name -> (SMILES, formula).
SCENARIO_UNLISTED = {
    "alpha-PHP": ("CCCCC(C(=O)c1ccccc1)N1CCCC1", "C16H23NO"),
    "alpha-PiHP": ("CC(C)CC(C(=O)c1ccccc1)N1CCCC1", "C16H23NO"),
    "MDMB-4en-PINACA": ("C=CCCCn1nc(C(=O)NC(C(=O)OC)C(C)(C)C)c2ccccc21", "C20H27N3O3"),
    "ADB-4en-PINACA": ("C=CCCCn1nc(C(=O)NC(C(N)=O)C(C)(C)C)c2ccccc21", "C19H26N4O2"),
    "protonitazene": (
        "CCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN(CC)CC)cc1",
        "C23H30N4O3",
    ),
    "N-pyrrolidino etonitazene": (
        "CCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCC2)cc1",
        "C22H26N4O3",
    ),
    "bromazolam": ("Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1)=NC2", "C17H13BrN4"),
}

# Common non-controlled substances (cutting agents, medicines, CBD): name -> (SMILES, formula).
NOT_CONTROLLED = {
    "caffeine": ("Cn1c(=O)c2c(ncn2C)n(C)c1=O", "C8H10N4O2"),
    "paracetamol": ("CC(=O)Nc1ccc(O)cc1", "C8H9NO2"),
    "lidocaine": ("CCN(CC)CC(=O)Nc1c(C)cccc1C", "C14H22N2O"),
    "procaine": ("CCN(CC)CCOC(=O)c1ccc(N)cc1", "C13H20N2O2"),
    "benzocaine": ("CCOC(=O)c1ccc(N)cc1", "C9H11NO2"),
    "levamisole": ("C1CSC2=N[C@H](CN21)c1ccccc1", "C11H12N2S"),
    "phenacetin": ("CCOc1ccc(NC(C)=O)cc1", "C10H13NO2"),
    "ibuprofen": ("CC(C)Cc1ccc(C(C)C(=O)O)cc1", "C13H18O2"),
    "diphenhydramine": ("CN(C)CCOC(c1ccccc1)c1ccccc1", "C17H21NO"),
    "cannabidiol": ("CCCCCc1cc(O)c([C@@H]2C=C(C)CC[C@H]2C(C)=C)c(O)c1", "C21H30O2"),
}

MUST_BE_ABSENT = {**SCENARIO_UNLISTED, **NOT_CONTROLLED}
CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def _load_rows(path: Path = CSV_PATH) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


ROWS = _load_rows()
PARTNER_ROWS = {code: _load_rows(path) for code, path in PARTNER_CSVS.items()}
EVERY_ROW = [("KZ", row) for row in ROWS] + [
    (code, row) for code, rows in PARTNER_ROWS.items() for row in rows
]
EVERY_ROW_IDS = [f"{code}:{row['name']}" for code, row in EVERY_ROW]


def _mol(smiles: str) -> Chem.Mol:
    mol = Chem.MolFromSmiles(smiles)
    assert mol is not None, f"RDKit cannot parse {smiles!r}"
    return mol


def _inchikey(smiles: str) -> str:
    with rdBase.BlockLogs():  # InChI notes such as undefined stereo are not errors here
        return Chem.MolToInchiKey(_mol(smiles))


def _skeleton_key(smiles: str) -> str:
    """First InChIKey block: constitution only, so every stereoisomer matches."""
    return _inchikey(smiles).split("-")[0]


@pytest.fixture(scope="module", autouse=True)
def _rdkit_logs_to_python():
    rdBase.LogToPythonLogger()
    yield
    rdBase.LogToCppStreams()


def test_header_and_row_count():
    with CSV_PATH.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == COLUMNS
    assert len(ROWS) >= MIN_ROWS


@pytest.mark.parametrize(("code", "path"), sorted(PARTNER_CSVS.items()))
def test_partner_header_and_row_count(code, path):
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == PARTNER_COLUMNS
    assert len(PARTNER_ROWS[code]) >= MIN_PARTNER_ROWS


@pytest.mark.parametrize(("code", "row"), EVERY_ROW, ids=EVERY_ROW_IDS)
def test_row_structure_matches_formula(code, row, caplog):
    smiles = row["smiles"]
    with caplog.at_level(logging.DEBUG, logger="rdkit"):
        raw = Chem.MolFromSmiles(smiles, sanitize=False)
        assert raw is not None, f"SMILES syntax error: {smiles!r}"
        problems = [problem.Message() for problem in Chem.DetectChemistryProblems(raw)]
        mol = Chem.MolFromSmiles(smiles)
    assert problems == []
    assert mol is not None
    assert [record.getMessage() for record in caplog.records] == []
    assert rdMolDescriptors.CalcMolFormula(mol) == row["formula"]


@pytest.mark.parametrize(("code", "row"), EVERY_ROW, ids=EVERY_ROW_IDS)
def test_row_fields(code, row):
    assert row["name"].strip() == row["name"] != ""
    assert row["family"] in FAMILIES
    assert row["schedule"] in SCHEDULES
    cas = row["cas"]
    if cas:
        match = CAS_RE.match(cas)
        assert match, f"malformed CAS number {cas!r}"
        digits = (match.group(1) + match.group(2))[::-1]
        checksum = sum(weight * int(digit) for weight, digit in enumerate(digits, 1)) % 10
        assert checksum == int(match.group(3)), f"CAS check digit wrong in {cas!r}"


@pytest.mark.parametrize("code", ["KZ", *PARTNER_CSVS])
def test_names_unique(code):
    rows = ROWS if code == "KZ" else PARTNER_ROWS[code]
    duplicates = [name for name, n in Counter(r["name"] for r in rows).items() if n > 1]
    assert duplicates == []


@pytest.mark.parametrize("code", ["KZ", *PARTNER_CSVS])
def test_inchikeys_unique(code):
    rows = ROWS if code == "KZ" else PARTNER_ROWS[code]
    keys = Counter(_inchikey(row["smiles"]) for row in rows)
    duplicates = [row["name"] for row in rows if keys[_inchikey(row["smiles"])] > 1]
    assert duplicates == []


@pytest.mark.parametrize("family", NPS_FAMILIES)
def test_nps_family_coverage(family):
    assert sum(row["family"] == family for row in ROWS) >= MIN_PER_NPS_FAMILY


@pytest.mark.parametrize("name", sorted(MUST_BE_ABSENT))
def test_reference_structure_matches_formula(name):
    smiles, formula = MUST_BE_ABSENT[name]
    assert rdMolDescriptors.CalcMolFormula(_mol(smiles)) == formula


@pytest.mark.parametrize("name", sorted(MUST_BE_ABSENT))
def test_substance_not_listed(name):
    smiles, _ = MUST_BE_ABSENT[name]
    listed = {_skeleton_key(row["smiles"]): row["name"] for row in ROWS}
    key = _skeleton_key(smiles)
    assert key not in listed, f"{name} is listed as {listed.get(key)}"
