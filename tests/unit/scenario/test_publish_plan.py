"""``analogue-watch publish``: the pure plan (which lines go where, which are rejected and why) and
the command's behaviour that needs no broker (dry run, usage errors, progress bar)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from contracts.codec import encode
from contracts.topics import topic_for_type
from services.cli import main
from services.scenario import build_scenario
from services.tools.publish import PUBLISHABLE, Progress, plan

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SCENARIO = build_scenario()


def _line(type_: str) -> str:
    return next(encode(e) for e in SCENARIO if e.type == type_).decode()


SEIZURE = _line("aw.seizure.reported.v1")
LAB = _line("aw.lab-result.reported.v1")
STAGE = _line("aw.legislation.stage-changed.v1")


def _with(line: str, **changes: object) -> str:
    doc = json.loads(line)
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = doc
        for part in parents:
            target = target[part]
        target[last] = value
    return json.dumps(doc)


def test_good_lines_are_planned_with_their_line_numbers_and_blank_lines_skipped() -> None:
    events, rejected = plan([SEIZURE, "", LAB, "   ", STAGE.encode()], now=NOW)
    assert [(n, e.type) for n, e in events] == [
        (1, "aw.seizure.reported.v1"),
        (3, "aw.lab-result.reported.v1"),
        (5, "aw.legislation.stage-changed.v1"),
    ]
    assert rejected == []
    assert [topic_for_type(e.type).name for _, e in events] == [
        "aw.seizures",
        "aw.lab-results",
        "aw.legislation",
    ]


def test_every_scenario_event_is_publishable() -> None:
    events, rejected = plan([encode(e) for e in SCENARIO], now=NOW)
    assert rejected == [] and len(events) == len(SCENARIO)


@pytest.mark.parametrize(
    ("line", "starts"),
    [
        ("{not json", "malformed_json: message is not valid JSON"),
        ("[1, 2]", "not_an_object: "),
        (_with(SEIZURE, type="aw.seizure.reported.v9"), "unknown_type: type: 'aw.seizure.re"),
        (_with(SEIZURE, data__channel="ship"), "schema_violation: data.channel: 'ship' is not"),
        (_with(LAB, data__sample_id=" "), "schema_violation: data.sample_id: must not be empty"),
        (_with(SEIZURE, time="2026-06-01T10:00:00+05:00"), "schema_violation: time: 2026-06-01T10"),
    ],
    ids=["malformed", "array", "unknown-type", "bad-channel", "empty-id", "future"],
)
def test_bad_lines_are_rejected_with_their_number_and_reason(line: str, starts: str) -> None:
    events, rejected = plan([SEIZURE, line], now=NOW)
    assert [n for n, _ in events] == [1]
    ((lineno, reason),) = rejected
    assert lineno == 2
    assert reason.startswith(starts), reason


@pytest.mark.parametrize(
    "type_",
    ["aw.alert.raised.v1", "aw.substance.detected.v1", "aw.schedule.snapshot.v1"],
)
def test_types_analogue_watch_writes_itself_are_rejected_with_a_clear_reason(type_: str) -> None:
    line = json.dumps({"id": "x", "type": type_, "data": {}})
    _, [(_, reason)] = plan([line], now=NOW)
    assert reason.startswith(f"unknown_type: type: {type_} is written by Analogue Watch itself")
    assert "aw.seizure.reported.v1" in reason


def test_only_agency_types_are_publishable() -> None:
    agency_types = {
        "aw.seizure.reported.v1",
        "aw.lab-result.reported.v1",
        "aw.legislation.baseline-listed.v1",
        "aw.legislation.amendment-proposed.v1",
        "aw.legislation.stage-changed.v1",
        "aw.legislation.amendment-enacted.v1",
        "aw.legislation.amendment-rejected.v1",
        "aw.legislation.amendment-withdrawn.v1",
    }
    assert agency_types == PUBLISHABLE


def test_progress_bar_redraws_one_line_and_ends_it() -> None:
    out = io.StringIO()
    bar = Progress(4, out, enabled=True)
    bar.update(1)
    bar.update(4)
    bar.finish()
    text = out.getvalue()
    assert text.startswith("\rpublish [") and text.endswith("] 4/4 100%\n")
    silent = io.StringIO()
    Progress(4, silent, enabled=False).update(4)
    assert silent.getvalue() == ""


def test_dry_run_reports_bad_lines_and_exits_1(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("AW_TOPIC_NAMESPACE", "demo.")
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([SEIZURE, _with(SEIZURE, data__channel="ship"), LAB]) + "\n")
    assert main(["publish", "--dry-run", str(path)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("line 2: rejected: schema_violation: data.channel: 'ship'")
    assert out.splitlines() == [
        "publish: 2 valid line(s), 1 rejected",
        "  would send 1 to demo.aw.lab-results",
        "  would send 1 to demo.aw.seizures",
    ]


def test_dry_run_reports_a_structure_the_services_would_dead_letter(tmp_path: Path, capsys) -> None:
    unparsable = [{"structure": {"smiles": "C1CC"}, "reported_name": "alpha-PHP"}]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([SEIZURE, _with(LAB, data__substances=unparsable)]) + "\n")
    assert main(["publish", "--dry-run", str(path)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(
        "line 2: would be dead-lettered: invalid_structure: data.substances[0].structure: "
        "unparsable:"
    )
    assert out.splitlines()[0] == "publish: 1 valid line(s), 1 rejected"


def test_dry_run_of_a_clean_file_exits_0(tmp_path: Path, capsys) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"".join(encode(e) + b"\n" for e in SCENARIO[:10]))
    assert main(["publish", "--dry-run", str(path)]) == 0
    assert "publish: 10 valid line(s), 0 rejected" in capsys.readouterr().out


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["publish", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["publish", "--pace", "-1", str(tmp_path / "missing.jsonl")]) == 2
    with pytest.raises(SystemExit) as exit_:
        main(["publish"])
    assert exit_.value.code == 2


def test_scenario_write_gives_one_publishable_event_per_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "kz.jsonl"
    assert main(["scenario", "write", str(path)]) == 0
    lines = path.read_bytes().splitlines()
    assert lines == [encode(e) for e in SCENARIO]
    assert main(["publish", "--dry-run", str(path)]) == 0
