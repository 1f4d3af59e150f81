"""`analogue-watch replay` prints what the pipeline's handlers decide: the same alerts as
services.tools.pipeline, which the end-to-end test compares with the running services."""

from __future__ import annotations

import argparse
import datetime as dt
import json

import pytest

from contracts.codec import encode
from contracts.topics import ALERTS
from services.cli import build_parser, main
from services.scenario import build_scenario
from services.tools.pipeline import replay, replay_arrivals


def once(alerts: list[dict]) -> list[dict]:
    """Each version once: a resent input resends its versions, printed the first time only."""
    seen: set[tuple[str, int]] = set()
    out = []
    for alert in alerts:
        key = (alert["data"]["alert_id"], alert["data"]["version"])
        if key not in seen:
            seen.add(key)
            out.append(alert)
    return out


def test_replay_command_prints_the_pipelines_alerts(tmp_path, capsys) -> None:
    events = build_scenario()
    path = tmp_path / "year.jsonl"
    path.write_bytes(b"".join(encode(e) + b"\n" for e in events))

    code = main(["replay", str(path), "--json"])

    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = once([json.loads(encode(e.event)) for e in replay(events) if e.topic is ALERTS])
    assert code == 0
    assert printed == expected
    assert {a["type"] for a in printed} >= {"aw.alert.raised.v1", "aw.alert.resolved.v1"}
    resent = len([e for e in replay(events) if e.topic is ALERTS]) - len(expected)
    assert resent > 0  # the demo year resends some events: their versions are printed once


def test_bad_lines_are_reported_and_left_out(tmp_path, capsys) -> None:
    events = build_scenario()[:5]
    path = tmp_path / "some.jsonl"
    path.write_bytes(encode(events[0]) + b"\nnot json\n" + encode(events[1]) + b"\n")

    code = main(["replay", str(path)])

    err = capsys.readouterr().err
    assert code == 1
    assert "line 2: malformed_json" in err
    assert "2 events, 1 rejected" in err


def test_a_later_file_is_a_later_arrival_and_its_late_events_correct_alerts(
    tmp_path, capsys
) -> None:
    # Half a year without the MDMB-4en-PINACA amendment's proposal and stage change, then those
    # two: published after the services had handled the rest, they are late, and the alert the
    # proposal would have suppressed gets a corrected version.
    events = [e for e in build_scenario() if e.time < dt.datetime(2025, 7, 5, tzinfo=dt.UTC)]
    late = [e for e in events if getattr(e.data, "amendment_id", None) == "KZ-AMD-2025-012"]
    first = [e for e in events if e not in late]
    year, later = tmp_path / "year.jsonl", tmp_path / "later.jsonl"
    year.write_bytes(b"".join(encode(e) + b"\n" for e in first))
    later.write_bytes(b"".join(encode(e) + b"\n" for e in late))

    code = main(["replay", str(year), str(later), "--json"])

    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = once(
        [json.loads(encode(e.event)) for e in replay_arrivals([first, late]) if e.topic is ALERTS]
    )
    assert code == 0
    assert printed == expected
    [corrected] = [a for a in printed if a["type"] == "aw.alert.corrected.v1"]
    assert corrected["data"]["reported_names"][0] == "MDMB-4en-PINACA"
    assert corrected["data"]["status"] == "suppressed"
    assert corrected["data"]["correction"]["late_event_id"] == late[0].id


def _every_help(parser: argparse.ArgumentParser, prefix: list[str]) -> list[list[str]]:
    found = [[*prefix, "--help"]]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _every_help(sub, [*prefix, name])
    return found


def test_help_is_plain_words(capsys) -> None:
    # Docstrings mark code up for Sphinx; a terminal shows the marks as they are (issue 16).
    every = _every_help(build_parser(), [])
    assert ["--help"] in every and ["alerts", "tail", "--help"] in every
    for argv in every:
        with pytest.raises(SystemExit):
            main(argv)
        text = capsys.readouterr().out
        assert text.strip(), argv
        assert "``" not in text and ":mod:`" not in text and ":class:`" not in text, argv


def test_a_missing_file_is_one_sentence_and_a_usage_error(tmp_path, capsys) -> None:
    missing = tmp_path / "nowhere.jsonl"
    assert main(["replay", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == f"replay: cannot read {missing}: No such file or directory\n"
