"""``analogue-watch alerts act`` on a real broker: an action written by the operator the broker
knows, read back as the alert's case by ``alerts list``; the alert itself untouched."""

from __future__ import annotations

import datetime as dt
import getpass

import pytest
from kafka import KafkaProducer

from contracts.alerts import AlertBody, AlertRaised, NearestListed
from contracts.codec import decode, encode
from contracts.topics import ALERT_ACTIONS, ALERTS
from services.cli import main
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics, topic_name
from services.tools import reading

T0 = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)
ALERT = AlertRaised(
    id="KZ-KYIJLDDXQWBNGX-v1",
    source="analogue_monitor",
    jurisdiction="KZ",
    time=T0,
    published=T0,
    data=AlertBody(
        alert_id="KZ-KYIJLDDXQWBNGX",
        version=1,
        jurisdiction="KZ",
        substance_key="KYIJLDDXQWBNGX-UHFFFAOYSA-N",
        match_key="KYIJLDDXQWBNGX",
        canonical_smiles="CCCCC(N1CCCC1)C(=O)c1ccccc1",
        reported_names=["alpha-PHP"],
        status="open",
        reason="Not listed; shares the cathinone core of alpha-PVP.",
        nearest_listed=[NearestListed(name="alpha-PVP", similarity=0.83, core_coverage=0.92)],
        occurrence_count=3,
        window_days=90,
        first_seen=T0,
        last_seen=T0,
        regions=["Almaty"],
    ),
)


@pytest.fixture
def environment(kafka_settings: ServiceSettings, monkeypatch) -> ServiceSettings:
    ensure_topics(kafka_settings, [ALERTS, ALERT_ACTIONS])
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_settings.kafka_bootstrap_servers)
    monkeypatch.setenv("AW_TOPIC_NAMESPACE", kafka_settings.topic_namespace)
    producer = KafkaProducer(bootstrap_servers=kafka_settings.kafka_bootstrap_servers, acks="all")
    try:
        topic = topic_name(ALERTS, kafka_settings.topic_namespace)
        producer.send(topic, key=ALERT.data.alert_id.encode(), value=encode(ALERT)).get(30)
    finally:
        producer.close()
    return kafka_settings


def test_an_operator_assigns_an_alert_and_the_list_shows_its_case(environment, capsys) -> None:
    alert_id = ALERT.data.alert_id
    assert main(["alerts", "act", alert_id, "--assign", "daniyar", "--timeout", "30"]) == 0
    assert main(["alerts", "act", alert_id, "--note", "Lab asked for a reference sample."]) == 0
    said = capsys.readouterr().out
    operator = f"local:{getpass.getuser()}"  # no broker security here: nobody authenticated
    assert f"{operator} assigned {alert_id}" in said

    actions = reading.read_to_end(
        environment, ALERT_ACTIONS, 30, what="alert action", client_id="test"
    )
    assert [(a.data.action.value, a.data.operator, a.jurisdiction) for a in actions] == [
        ("assigned", operator, "KZ"),
        ("noted", operator, "KZ"),
    ]
    assert main(["alerts", "list", "--timeout", "30"]) == 0
    listed = capsys.readouterr().out
    assert "assigned to daniyar" in listed
    # The alert is the monitor's: acting wrote nothing on the alert topic.
    alerts = reading.read_to_end(environment, ALERTS, 30, what="alert", client_id="test")
    assert [decode(encode(a)).id for a in alerts] == [ALERT.id]


def test_tail_prints_each_action_as_it_arrives(environment, capsys) -> None:
    import threading

    done = threading.Event()
    alert_id = ALERT.data.alert_id

    def keep_acting() -> None:  # until the tail, positioned at the end, has printed one
        while not done.wait(1.0):
            main(["alerts", "act", alert_id, "--under-review", "--timeout", "30"])

    actor = threading.Thread(target=keep_acting)
    actor.start()
    try:
        assert main(["alerts", "tail", "--max", "1", "--timeout", "60"]) == 0
    finally:
        done.set()
        actor.join()
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[")]
    assert printed == [f"[CASE] {alert_id} local:{getpass.getuser()} put under review"]


def test_acting_on_an_unknown_alert_or_without_what_is_needed_is_refused(environment, capsys):
    assert main(["alerts", "act", "KZ-NO-SUCH-ALERT", "--acknowledge", "--timeout", "30"]) == 1
    assert "no alert KZ-NO-SUCH-ALERT" in capsys.readouterr().err
    assert main(["alerts", "act", ALERT.data.alert_id, "--close-not-relevant", " "]) == 2
    assert "not an action" in capsys.readouterr().err
