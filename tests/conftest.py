"""Test harness: a real Kafka broker for the whole session, and per-test isolation.

The broker is started once, from the jars ``deploy/kafka/kafka.sh`` resolves, on free loopback
ports in a temporary folder, and stopped at the end even when tests fail. Set
``KAFKA_BOOTSTRAP_SERVERS`` to use a running broker instead. Only tests that ask for a broker
fixture start it: ``pytest tests/unit`` never does.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from ports import free_ports

from services.platform.settings import ServiceSettings

REPO = Path(__file__).resolve().parents[1]
KAFKA_SH = REPO / "deploy" / "kafka" / "kafka.sh"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).relative_to(REPO).parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bootstrap address of a real broker for this test session."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield given
        return
    port = free_ports(2)  # the broker, and the controller on the next port
    broker_dir = tmp_path_factory.mktemp("kafka")
    started = subprocess.run(
        [str(KAFKA_SH), "start", "--port", str(port), "--dir", str(broker_dir)],
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        subprocess.run([str(KAFKA_SH), "stop", "--dir", str(broker_dir)], check=False)
        pytest.fail(f"the Kafka broker did not start:\n{started.stderr}", pytrace=False)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([str(KAFKA_SH), "stop", "--dir", str(broker_dir)], check=False)


@pytest.fixture
def topic_namespace(request: pytest.FixtureRequest) -> str:
    """A namespace of this test's own: its topics and consumer groups meet no other test's."""
    name = "".join(c if c.isalnum() else "-" for c in request.node.name)[:30]
    return f"t-{name}-{uuid.uuid4().hex[:8]}."


@pytest.fixture
def kafka_settings(kafka_bootstrap: str, topic_namespace: str) -> ServiceSettings:
    return ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, AW_TOPIC_NAMESPACE=topic_namespace
    )
