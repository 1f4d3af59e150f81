"""A command given a broker address where nothing answers says so in one sentence, at once.

Without the check kafka-python retried for about 30 seconds and ended in a traceback (issue 16).
No broker here: the addresses are a closed port on this machine and a name that does not exist.
"""

from __future__ import annotations

import socket
import time

import pytest
from ports import free_port

from services.cli import main
from services.platform.reach import EXIT_UNREACHABLE, unreachable


@pytest.fixture
def closed_port() -> str:
    return f"127.0.0.1:{free_port()}"  # nothing listens there


def test_a_port_where_nothing_listens_is_named_with_the_reason(closed_port) -> None:
    problem = unreachable(closed_port)
    assert problem is not None
    assert problem.startswith(
        f"cannot reach the Kafka broker at {closed_port} (connection refused)"
    )
    assert "KAFKA_BOOTSTRAP_SERVERS" in problem


def test_one_server_answering_is_enough(closed_port) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        listening = f"127.0.0.1:{server.getsockname()[1]}"
        assert unreachable(f"{closed_port},{listening}") is None


@pytest.mark.parametrize(
    "argv",
    [["alerts", "list"], ["alerts", "tail", "--timeout", "10"], ["topics", "create"]],
)
def test_broker_commands_stop_at_once_with_one_sentence(argv, closed_port, monkeypatch, capsys):
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", closed_port)
    started = time.monotonic()
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == EXIT_UNREACHABLE
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot reach the Kafka broker" in err[0]


def test_publish_sends_nothing_and_says_why(closed_port, monkeypatch, capsys, tmp_path) -> None:
    from contracts.codec import encode
    from services.scenario import build_scenario

    path = tmp_path / "one.jsonl"
    path.write_bytes(encode(build_scenario()[0]) + b"\n")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", closed_port)
    started = time.monotonic()
    assert main(["publish", str(path)]) == 3  # the broker did not take every valid event
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err
    assert "cannot reach the Kafka broker" in err and "Nothing was sent." in err
    assert "Traceback" not in err
