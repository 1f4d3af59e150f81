"""The pipeline on a secured broker, every party with its own credentials from its environment.

Story: the legislation authority publishes the baseline list with ``analogue-watch publish``;
the police, customs and the post each report a seizure, and the forensic lab the same unlisted
analogue in every sample, each with its own credentials. The three stream services and the alert
board run as processes, each as its own principal with only the ACLs the policy gives it (they
create their own changelogs).
An alert is raised; operations staff see it with ``analogue-watch alerts list`` and on the board.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from pathlib import Path

import pytest
from e2e_harness import Pipeline, publish, read_topic, schedule_published, wait_for
from ports import free_port
from secured_kafka import (
    SecuredBroker,
    baseline,
    lab_result,
    seizure,
    session_broker,
    write_jsonl,
)

from contracts.topics import ALERTS

PRINCIPAL_OF = {
    "schedule_registry": "aw-schedule-registry",
    "substance_resolver": "aw-substance-resolver",
    "analogue_monitor": "aw-analogue-monitor",
    "alert_board": "aw-alert-board",
}


@pytest.fixture(scope="module")
def broker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SecuredBroker:
    return session_broker(request, tmp_path_factory).namespaced(
        f"t-acl-e2e-{uuid.uuid4().hex[:8]}."
    )


def _board_page(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
            return response.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def test_services_and_cli_work_with_their_own_credentials(
    broker: SecuredBroker, tmp_path: Path
) -> None:
    admin = broker.settings("admin")
    board_port = free_port()
    service_env = {name: broker.env(user) for name, user in PRINCIPAL_OF.items()}
    service_env["alert_board"]["AW_BOARD_PORT"] = str(board_port)

    with Pipeline.running(admin, tmp_path, service_env=service_env) as pipeline:
        pipeline.start("alert_board")
        legal = write_jsonl(tmp_path / "legal.jsonl", [baseline()])
        assert broker.cli("aw-legislation", "publish", str(legal)).returncode == 0
        wait_for(lambda: schedule_published(admin), 60, "the schedule", pipeline)

        by_agency = {
            "aw-police": [seizure(1, "kz.police")],
            "aw-customs": [seizure(2, "kz.customs")],
            "aw-post": [seizure(3, "kz.post")],
            "aw-forensic-lab": [lab_result(n) for n in (1, 2, 3)],
        }
        for user, events in by_agency.items():  # the publish CLI's client, in this process
            assert publish(broker.settings(user), events) == len(events)

        wait_for(lambda: bool(read_topic(admin, ALERTS)), 90, "an alert", pipeline)
        (raised,) = read_topic(admin, ALERTS)
        assert raised.type == "aw.alert.raised.v1"
        assert raised.data.occurrence_count == 3

        listed = broker.cli("aw-operations", "alerts", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert [json.loads(line)["data"]["alert_id"] for line in listed.stdout.splitlines()] == [
            raised.data.alert_id
        ]
        wait_for(
            lambda: "alpha-PHP" in _board_page(board_port), 30, "the alert on the board", pipeline
        )
        assert all(pipeline.alive().values()), pipeline.logs()
