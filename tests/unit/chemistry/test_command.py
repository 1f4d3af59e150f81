"""``analogue-watch classify``: results per line, invalid structures as results, usage errors 2."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.chemistry.baseline import BASELINES, JSONL_PATH
from services.cli import main

INPUT = """\
# a comment, then a blank line

CC(C)CC(N1CCCC1)C(=O)c1ccccc1 alpha-PiHP
CN[C@@H](C)Cc1ccccc1.Cl methamphetamine hydrochloride
Cn1c(=O)c2c(ncn2C)n(C)c1=O\tcaffeine
C1CC
СС(=O)O cyrillic
CCCCCn1cc(C(=O)c2cccc3ccccc23)c2ccccc21 JWH-018
"""


@dataclass
class Cli:
    """Runs ``analogue-watch`` in-process with a given stdin; returns code, JSON lines, stderr."""

    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch

    def run(self, *argv: str, stdin: str = "") -> tuple[int, list[dict], str]:
        self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(argv))
        captured = self.capsys.readouterr()
        return code, [json.loads(line) for line in captured.out.splitlines()], captured.err

    def classify(self, *args: str, stdin: str = INPUT) -> tuple[int, list[dict], str]:
        kz = ["--schedule", str(JSONL_PATH), "--jurisdiction", "KZ", "--as-of", "2025-06-01"]
        return self.run("classify", *kz, *args, stdin=stdin)


@pytest.fixture
def cli(capsys, monkeypatch) -> Cli:
    return Cli(capsys, monkeypatch)


def test_one_result_per_structure_line_in_order(cli) -> None:
    code, results, _ = cli.classify()
    assert code == 0
    assert [(r["id"], r["status"]) for r in results] == [
        ("alpha-PiHP", "analogue"),
        ("methamphetamine hydrochloride", "listed"),
        ("caffeine", "unrelated"),
        ("line-6", "invalid"),
        ("cyrillic", "invalid"),
        ("JWH-018", "listed"),
    ]


def test_a_result_carries_keys_rules_nearest_and_pending(cli) -> None:
    _, results, _ = cli.classify()
    pihp = results[0]
    assert pihp["substance_key"] == "UOZWZANRCOALQL-UHFFFAOYSA-N"
    assert pihp["canonical_smiles"] == "CC(C)CC(C(=O)c1ccccc1)N1CCCC1"
    assert pihp["rules_fired"][0]["rule"] == "same-family-as-listed"  # 0.68: below the threshold
    assert pihp["nearest"][0]["name"] == "alpha-PVP"
    assert pihp["pending_cover"] == []
    assert pihp["error"] is None
    assert results[1]["standardisation"] == ["removed hydrochloric acid"]


def test_invalid_structures_are_typed_results(cli) -> None:
    _, results, _ = cli.classify()
    assert results[3]["error"]["kind"] == "unparsable"
    assert "U+0421" in results[4]["error"]["reason"]
    assert results[3]["substance_key"] is None


def test_structures_from_a_file(cli, tmp_path: Path) -> None:
    path = tmp_path / "lab.smi"
    path.write_bytes(b"CCO ethanol\n\xff\xfe broken bytes\n")
    code, results, _ = cli.classify(str(path), stdin="")
    assert code == 0
    assert [(r["id"], r["status"]) for r in results] == [
        ("ethanol", "unrelated"),
        ("broken bytes", "invalid"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--threshold", "1.5"], "--threshold"),
        (["missing.smi"], "cannot read missing.smi"),
    ],
)
def test_usage_errors_exit_2(cli, args: list[str], message: str) -> None:
    code, results, err = cli.classify(*args)
    assert (code, results) == (2, [])
    assert message in err


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("missing.jsonl", "cannot read the schedule"),
        ("bad.jsonl", "not valid legislation JSONL"),
    ],
)
def test_a_bad_schedule_is_a_usage_error(cli, tmp_path: Path, schedule: str, message: str) -> None:
    (tmp_path / "bad.jsonl").write_text('{"id": "x", "type": "aw.legislation.nope.v1"}\n')
    code, _, err = cli.run(
        "classify", "--schedule", str(tmp_path / schedule), "--jurisdiction", "KZ", stdin="CCO\n"
    )
    assert code == 2
    assert message in err


def test_a_jurisdiction_absent_from_the_schedule_is_a_usage_error(cli) -> None:
    code, _, err = cli.run("classify", "--schedule", str(JSONL_PATH), "--jurisdiction", "UZ")
    assert code == 2
    assert "no legislation events for UZ" in err


def test_a_bad_date_is_rejected_by_the_parser(cli) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.run("classify", "--schedule", str(JSONL_PATH), "--jurisdiction", "KZ", "--as-of", "May")
    assert exit_.value.code == 2


def test_a_mixture_gives_a_result_per_compound(cli) -> None:
    mixture = "CNC(C)Cc1ccc2c(c1)OCO2.Cl.CC(C)CC(N1CCCC1)C(=O)c1ccccc1.Cl"  # MDMA, alpha-PiHP
    code, results, _ = cli.classify(stdin=f"{mixture} cut\nCCO ethanol\n")
    assert code == 0
    assert [(r["id"], r["component"], r["status"]) for r in results] == [
        ("cut", "1 of 2", "analogue"),
        ("cut", "2 of 2", "listed"),
        ("ethanol", None, "unrelated"),
    ]
    assert results[1]["rules_fired"][0]["evidence"]["listing"] == "MDMA"
    assert "component 1 of 2 of a mixture" in results[0]["standardisation"]


# --- every jurisdiction at once (issue 17) -------------------------------------------------------

EVERY_SCHEDULE = [
    arg for spec in BASELINES.values() for arg in ("--schedule", str(spec.jsonl_path))
]


def test_all_jurisdictions_gives_each_structures_status_everywhere(cli) -> None:
    stdin = "CC(C)CC(N1CCCC1)C(=O)c1ccccc1 alpha-PiHP\nC1CC broken\n"
    code, results, err = cli.run(
        "classify", *EVERY_SCHEDULE, "--all-jurisdictions", "--as-of", "2025-07-15", stdin=stdin
    )
    assert (code, err) == (0, "")
    pihp, broken = results
    assert pihp["canonical_smiles"] == "CC(C)CC(C(=O)c1ccccc1)N1CCCC1"
    statuses = {j["jurisdiction"]: j for j in pihp["jurisdictions"]}
    assert {j: s["status"] for j, s in statuses.items()} == {
        "BY": "analogue",
        "KG": "analogue",
        "KZ": "analogue",
        "RU": "listed",
        "UZ": "analogue",
    }
    assert statuses["RU"]["instrument"] == "government_decree"
    assert statuses["RU"]["since"] == "2025-03-01"
    assert statuses["RU"]["words"] == (
        "listed in RU since 2025-03-01 by government decree RU-PP-2025-0231"
    )
    assert statuses["UZ"]["name"] == "alpha-PVP"
    assert broken["jurisdictions"] is None and broken["error"]["kind"] == "unparsable"


def test_all_jurisdictions_reads_the_law_of_the_day_given(cli) -> None:
    stdin = "CC(C)CC(N1CCCC1)C(=O)c1ccccc1 alpha-PiHP\n"
    ru = ["--schedule", str(BASELINES["RU"].jsonl_path), "--all-jurisdictions"]
    _, [before], _ = cli.run("classify", *ru, "--as-of", "2025-02-28", stdin=stdin)
    _, [after], _ = cli.run("classify", *ru, "--as-of", "2025-03-01", stdin=stdin)
    assert [(j["jurisdiction"], j["status"], j["name"]) for j in before["jurisdictions"]] == [
        ("RU", "group", "cathinones")
    ]
    assert after["jurisdictions"][0]["status"] == "listed"


def test_several_schedules_need_all_jurisdictions(cli) -> None:
    code, _, err = cli.run("classify", *EVERY_SCHEDULE, "--jurisdiction", "KZ", stdin="CCO\n")
    assert code == 2
    assert "--all-jurisdictions" in err
