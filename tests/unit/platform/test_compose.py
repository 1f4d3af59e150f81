"""docker-compose.yml is checked against the code, since no Docker engine runs here to try it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from services.platform.catalog import SERVICES

REPO = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]


def _interpolated(value: object) -> str:
    """The value compose passes when the variables it names are unset (an empty .env):
    ``${NAME:-default}`` becomes the default, ``${NAME}`` nothing."""
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}", lambda m: m[1] or "", str(value))


def _compose_service_running(name: str) -> tuple[str, dict]:
    matches = [
        (key, spec)
        for key, spec in COMPOSE.items()
        if spec.get("command", [])[:3] == ["analogue-watch", "serve", name]
    ]
    assert len(matches) == 1, f"expected one compose service running {name}, found {matches}"
    return matches[0]


def test_every_service_folder_is_in_the_catalog() -> None:
    folders = {p.parent.name for p in (REPO / "services").glob("*/app.py")}
    folders |= {p.parent.name for p in (REPO / "services").glob("*/config.py")}
    assert folders == {entry.name for entry in SERVICES}


@pytest.mark.parametrize("entry", SERVICES, ids=lambda e: e.name)
def test_each_service_has_a_compose_service(entry) -> None:
    _compose_service_running(entry.name)


@pytest.mark.parametrize("entry", SERVICES, ids=lambda e: e.name)
def test_compose_environment_names_are_settings(entry) -> None:
    _, spec = _compose_service_running(entry.name)
    env = spec.get("environment", {})
    unknown = set(env) - entry.settings_model().env_names()
    assert not unknown, f"{entry.name}: compose sets variables the settings never read: {unknown}"
    # And the values are valid for the settings model.
    entry.settings_model().from_env({k: _interpolated(v) for k, v in env.items()})


def test_kafka_passwords_come_from_the_environment_not_the_file() -> None:
    for key, spec in COMPOSE.items():
        for name, value in spec.get("environment", {}).items():
            if "PASSWORD" in name:
                assert re.fullmatch(r"\$\{[A-Z_]+:-\}", str(value)), f"{key}: {name}={value}"


def test_topic_job_uses_the_topic_command() -> None:
    assert COMPOSE["topics"]["command"] == ["analogue-watch", "topics", "create"]
    for entry in SERVICES:
        key, spec = _compose_service_running(entry.name)
        assert spec["depends_on"]["topics"]["condition"] == "service_completed_successfully", key


def test_no_host_port_clashes() -> None:
    published = [port.split(":")[-2] for spec in COMPOSE.values() for port in spec.get("ports", [])]
    assert len(published) == len(set(published)), published


def test_metrics_ports_are_distinct_and_scraped() -> None:
    scrape = yaml.safe_load((REPO / "deploy/prometheus/prometheus.yml").read_text())
    targets = {
        t for job in scrape["scrape_configs"] for c in job["static_configs"] for t in c["targets"]
    }
    expected = set()
    for entry in SERVICES:
        key, spec = _compose_service_running(entry.name)
        expected.add(f"{key}:{spec['environment']['AW_METRICS_PORT']}")
    assert expected <= targets
    ports = [t.split(":")[1] for t in expected]
    assert len(ports) == len(set(ports))


def test_kafka_listeners_are_consistent() -> None:
    env = COMPOSE["kafka"]["environment"]
    listeners = dict(item.split("://") for item in env["KAFKA_LISTENERS"].split(","))
    advertised = dict(item.split("://") for item in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    protocols = dict(
        item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    )
    assert set(listeners) <= set(protocols)
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] in listeners
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] not in advertised
    voter_port = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].rsplit(":", 1)[1]
    assert listeners[env["KAFKA_CONTROLLER_LISTENER_NAMES"]] == f":{voter_port}"
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    broker_address = advertised[env["KAFKA_INTER_BROKER_LISTENER_NAME"]]
    assert listeners[env["KAFKA_INTER_BROKER_LISTENER_NAME"]] == ":" + broker_address.split(":")[1]
    clients = {
        spec["environment"]["KAFKA_BOOTSTRAP_SERVERS"]
        for spec in COMPOSE.values()
        if "KAFKA_BOOTSTRAP_SERVERS" in spec.get("environment", {})
    }
    assert clients == {broker_address}
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
