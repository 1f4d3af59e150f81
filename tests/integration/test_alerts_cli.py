"""`analogue-watch alerts list` and `alerts tail` against alert events on a real broker."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from kafka import KafkaProducer

from contracts.alerts import AlertBody, AlertRaised, AlertResolved, AlertUpdated, NearestListed
from contracts.codec import encode
from contracts.topics import ALERTS
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics, topic_name

REPO = Path(__file__).resolve().parents[2]
T0 = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)


def alert(model, version: int, alert_id: str, jurisdiction: str = "KZ", **body):
    status = {AlertRaised: "open", AlertUpdated: "open", AlertResolved: "resolved"}[model]
    fields = {
        "alert_id": alert_id,
        "version": version,
        "jurisdiction": jurisdiction,
        "substance_key": "KYIJLDDXQWBNGX-UHFFFAOYSA-N",
        "match_key": "KYIJLDDXQWBNGX",
        "canonical_smiles": "CCCCC(N1CCCC1)C(=O)c1ccccc1",
        "reported_names": ["alpha-PHP"],
        "status": status,
        "reason": "Not listed; shares the cathinone core of alpha-PVP.",
        "nearest_listed": [NearestListed(name="alpha-PVP", similarity=0.83, core_coverage=0.92)],
        "occurrence_count": 2 + version,
        "window_days": 90,
        "first_seen": T0,
        "last_seen": T0 + dt.timedelta(days=version),
        "regions": ["Almaty"],
        **body,
    }
    at = T0 + dt.timedelta(days=version)
    return model(
        id=f"{alert_id}-v{version}",
        source="analogue_monitor",
        jurisdiction=jurisdiction,
        time=at,
        published=at,
        data=AlertBody(**fields),
    )


KZ_V1 = alert(AlertRaised, 1, "KZ-KYIJLDDXQWBNGX")
KZ_V2 = alert(AlertUpdated, 2, "KZ-KYIJLDDXQWBNGX", regions=["Almaty", "Astana"])
RU_V1 = alert(AlertRaised, 1, "RU-KYIJLDDXQWBNGX", jurisdiction="RU")
OLD_V1 = alert(AlertRaised, 1, "KZ-OLDSUBSTANCE")
OLD_V2 = alert(AlertResolved, 2, "KZ-OLDSUBSTANCE", time_to_control_days=40.0)


@pytest.fixture
def alerts_topic(kafka_settings: ServiceSettings) -> str:
    ensure_topics(kafka_settings, [ALERTS])
    return topic_name(ALERTS, kafka_settings.topic_namespace)


def publish(settings: ServiceSettings, topic: str, *events, raw: bytes | None = None) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    try:
        for event in events:
            producer.send(topic, key=event.data.alert_id.encode(), value=encode(event))
        if raw is not None:
            producer.send(topic, key=b"junk", value=raw)
        producer.flush()
    finally:
        producer.close()


def command(settings: ServiceSettings, *args: str) -> list[str]:
    return [sys.executable, "-m", "services.cli", "alerts", *args]


def environment(settings: ServiceSettings) -> dict[str, str]:
    return {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "AW_TOPIC_NAMESPACE": settings.topic_namespace,
        "PYTHONPATH": str(REPO),
    }


def run(settings: ServiceSettings, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command(settings, *args),
        env=environment(settings),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done


def json_lines(stdout: str) -> list[tuple[str, int, str]]:
    docs = [json.loads(line) for line in stdout.splitlines()]
    return [(d["data"]["alert_id"], d["data"]["version"], d["type"]) for d in docs]


def test_list_shows_the_latest_version_of_every_alert(kafka_settings, alerts_topic) -> None:
    publish(
        kafka_settings,
        alerts_topic,
        KZ_V1,
        RU_V1,
        OLD_V1,
        KZ_V2,
        OLD_V2,
        KZ_V1,
        raw=b'{"not": "an alert"}',
    )

    listed = run(kafka_settings, "list", "--json")
    table = run(kafka_settings, "list")

    assert json_lines(listed.stdout) == [
        ("KZ-KYIJLDDXQWBNGX", 2, "aw.alert.updated.v1"),
        ("RU-KYIJLDDXQWBNGX", 1, "aw.alert.raised.v1"),
        ("KZ-OLDSUBSTANCE", 2, "aw.alert.resolved.v1"),
    ]
    assert json.loads(listed.stdout.splitlines()[0]) == json.loads(KZ_V2.model_dump_json())
    assert "skipped a message that is not a valid alert event" in listed.stderr
    assert table.stdout.splitlines()[-1] == "3 alerts: 2 open, 1 resolved"
    assert "Almaty, Astana" in table.stdout


def test_list_filters_by_jurisdiction_and_status(kafka_settings, alerts_topic) -> None:
    publish(kafka_settings, alerts_topic, KZ_V1, RU_V1, OLD_V1, KZ_V2, OLD_V2)

    kz_open = run(kafka_settings, "list", "--json", "--jurisdiction", "kz", "--status", "open")
    resolved = run(kafka_settings, "list", "--json", "--status", "resolved")

    assert json_lines(kz_open.stdout) == [("KZ-KYIJLDDXQWBNGX", 2, "aw.alert.updated.v1")]
    assert json_lines(resolved.stdout) == [("KZ-OLDSUBSTANCE", 2, "aw.alert.resolved.v1")]


def test_list_on_an_empty_topic_prints_no_alerts(kafka_settings, alerts_topic) -> None:
    assert run(kafka_settings, "list").stdout == "0 alerts\n"
    assert run(kafka_settings, "list", "--json").stdout == ""


def test_tail_from_the_beginning_prints_every_event_then_stops_at_max(
    kafka_settings, alerts_topic
) -> None:
    publish(kafka_settings, alerts_topic, KZ_V1, RU_V1, KZ_V2)

    tailed = run(
        kafka_settings, "tail", "--json", "--from-beginning", "--max", "3", "--timeout", "60"
    )
    kz_only = run(
        kafka_settings, "tail", "--from-beginning", "--jurisdiction", "KZ", "--timeout", "5"
    )

    assert sorted(json_lines(tailed.stdout)) == [
        ("KZ-KYIJLDDXQWBNGX", 1, "aw.alert.raised.v1"),
        ("KZ-KYIJLDDXQWBNGX", 2, "aw.alert.updated.v1"),
        ("RU-KYIJLDDXQWBNGX", 1, "aw.alert.raised.v1"),
    ]
    assert kz_only.stdout.splitlines()[::2] == [
        "[OPEN v1] KZ alpha-PHP — analogue of alpha-PVP (similarity 0.83, shared core 92%)"
        " · 3 occurrences in 90 d · Almaty · KZ-KYIJLDDXQWBNGX",
        "[OPEN v2] KZ alpha-PHP — analogue of alpha-PVP (similarity 0.83, shared core 92%)"
        " · 4 occurrences in 90 d · Almaty, Astana · KZ-KYIJLDDXQWBNGX",
    ]


def test_tail_follows_new_events_only(kafka_settings, alerts_topic) -> None:
    publish(kafka_settings, alerts_topic, OLD_V1)
    tail = subprocess.Popen(
        command(kafka_settings, "tail", "--json", "--max", "2", "--timeout", "60"),
        env=environment(kafka_settings),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = threading.Event()

        def watch_stderr() -> None:
            for line in tail.stderr:
                if '"msg": "following alerts"' in line:
                    ready.set()

        threading.Thread(target=watch_stderr, daemon=True).start()
        assert ready.wait(60), "alerts tail did not start following"
        publish(kafka_settings, alerts_topic, KZ_V1, OLD_V2)
        stdout, _ = tail.communicate(timeout=90)
    finally:
        tail.kill()

    assert tail.returncode == 0
    assert sorted(json_lines(stdout)) == [
        ("KZ-KYIJLDDXQWBNGX", 1, "aw.alert.raised.v1"),
        ("KZ-OLDSUBSTANCE", 2, "aw.alert.resolved.v1"),
    ]
