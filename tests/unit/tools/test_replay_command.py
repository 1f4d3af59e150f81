"""`analogue-watch replay` prints what the pipeline's handlers decide: the same alerts as
services.domain.replay, which the end-to-end test compares with the running services."""

from __future__ import annotations

import json

from contracts.codec import encode
from contracts.topics import ALERTS
from services.cli import main
from services.domain.replay import replay
from services.scenario import build_scenario


def test_replay_command_prints_the_pipelines_alerts(tmp_path, capsys) -> None:
    events = build_scenario()
    path = tmp_path / "year.jsonl"
    path.write_bytes(b"".join(encode(e) + b"\n" for e in events))

    code = main(["replay", str(path), "--json"])

    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = [json.loads(encode(e.event)) for e in replay(events) if e.topic is ALERTS]
    assert code == 0
    assert printed == expected
    assert {a["type"] for a in printed} >= {"aw.alert.raised.v1", "aw.alert.resolved.v1"}


def test_bad_lines_are_reported_and_left_out(tmp_path, capsys) -> None:
    events = build_scenario()[:5]
    path = tmp_path / "some.jsonl"
    path.write_bytes(encode(events[0]) + b"\nnot json\n" + encode(events[1]) + b"\n")

    code = main(["replay", str(path)])

    err = capsys.readouterr().err
    assert code == 1
    assert "line 2: malformed_json" in err
    assert "2 events, 1 rejected" in err
