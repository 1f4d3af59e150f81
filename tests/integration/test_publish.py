"""``analogue-watch publish`` on a real broker: exactly the good lines arrive, on the right topics
with the right keys; the bad ones are reported with their line numbers and never sent. And the
demo, which publishes the same way while printing what is on the alert topic."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from contracts.alerts import AlertRaised
from contracts.codec import decode, encode
from contracts.topics import ALERTS, LAB_RESULTS, LEGISLATION, SEIZURES, TOPICS, topic_for_type
from services.cli import main
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics, topic_name
from services.scenario import build_scenario, kz_year
from services.scenario.demo import play

SCENARIO = build_scenario()


def _first(type_: str, skip: int = 0):
    """The scenario's ``skip``-th event of ``type_`` in Kazakhstan (its neighbours publish too)."""
    return [e for e in SCENARIO if e.type == type_ and e.jurisdiction == "KZ"][skip]


GOOD = [
    _first("aw.legislation.baseline-listed.v1"),
    _first("aw.seizure.reported.v1"),
    _first("aw.seizure.reported.v1", skip=1),
    _first("aw.lab-result.reported.v1"),
    _first("aw.lab-result.reported.v1", skip=1),
    _first("aw.legislation.amendment-proposed.v1"),
]


@pytest.fixture
def environment(kafka_settings: ServiceSettings, monkeypatch) -> ServiceSettings:
    ensure_topics(kafka_settings)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_settings.kafka_bootstrap_servers)
    monkeypatch.setenv("AW_TOPIC_NAMESPACE", kafka_settings.topic_namespace)
    return kafka_settings


def _everything_on(settings: ServiceSettings) -> list:
    """Every record on every topic of the table, read from the beginning to the current end."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None, enable_auto_commit=False
    )
    try:
        partitions = []
        for topic in TOPICS:
            name = topic_name(topic, settings.topic_namespace)
            # Just-created topics may be missing from this client's metadata for a moment.
            for _ in range(50):
                known = consumer.partitions_for_topic(name)
                if known and len(known) == topic.partitions:
                    break
                time.sleep(0.2)
            partitions += [TopicPartition(name, p) for p in range(topic.partitions)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        records: list = []
        for _ in range(200):
            if all(consumer.position(tp) >= end[tp] for tp in partitions):
                break
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
        assert sum(end.values()) == len(records)
        return records
    finally:
        consumer.close()


def test_publishes_the_good_lines_and_reports_the_bad_ones(
    environment: ServiceSettings, tmp_path: Path, capsys
) -> None:
    bad_channel = json.loads(encode(_first("aw.seizure.reported.v1", skip=2)))
    bad_channel["data"]["channel"] = "ship"
    internal = {"id": "a1", "type": "aw.alert.raised.v1", "data": {}}
    lines = [
        encode(GOOD[0]),
        encode(GOOD[1]),
        b'{"id": "broken", ',  # line 3
        encode(GOOD[2]),
        b"",
        json.dumps(bad_channel).encode(),  # line 6
        encode(GOOD[3]),
        json.dumps(internal).encode(),  # line 8
        encode(GOOD[4]),
        encode(GOOD[5]),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")

    assert main(["publish", str(path)]) == 1

    out, err = capsys.readouterr()
    reported = [line.split(": rejected: ")[0] for line in err.splitlines() if "rejected" in line]
    assert reported == ["line 3", "line 6", "line 8"]
    assert "data.channel: 'ship'" in err and "written by Analogue Watch itself" in err
    ns = environment.topic_namespace
    assert out.splitlines() == [
        "publish: 6 valid line(s), 3 rejected",
        f"  sent 2 to {ns}aw.lab-results",
        f"  sent 2 to {ns}aw.legislation",
        f"  sent 2 to {ns}aw.seizures",
    ]

    records = _everything_on(environment)
    arrived = sorted((r.topic, r.key.decode(), decode(r.value).id, r.value) for r in records)
    expected = sorted(
        (
            topic_name(topic_for_type(e.type), ns),
            topic_for_type(e.type).key_of(e),
            e.id,
            encode(e),
        )
        for e in GOOD
    )
    assert arrived == expected
    keys = {r.topic.removeprefix(ns): r.key.decode() for r in records}
    assert keys[LEGISLATION.name] == "KZ"
    assert keys[SEIZURES.name].startswith("KZ-") and keys[LAB_RESULTS.name].startswith("KZ-")


def test_all_good_lines_from_stdin_exit_0(
    environment: ServiceSettings, monkeypatch, capsys
) -> None:
    text = b"".join(encode(e) + b"\n" for e in GOOD)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text)))

    assert main(["publish", "--pace", "0.01", "--progress", "-"]) == 0

    out, err = capsys.readouterr()
    assert "publish: 6 valid line(s), 0 rejected" in out
    assert err.endswith("6/6 100%\n")
    assert sorted(decode(r.value).id for r in _everything_on(environment)) == sorted(
        e.id for e in GOOD
    )


def test_demo_publishes_the_events_and_prints_the_alerts_on_the_topic(
    kafka_settings: ServiceSettings,
) -> None:
    ensure_topics(kafka_settings)
    t = "2025-02-22T12:00:00+05:00"
    alert = AlertRaised(
        id="KZ-KYIJLDDXQWBNGX-UHFFFAOYSA-N/v1",
        source="analogue_monitor",
        jurisdiction="KZ",
        time=t,
        published=t,
        data={
            "alert_id": "KZ-KYIJLDDXQWBNGX-UHFFFAOYSA-N",
            "version": 1,
            "jurisdiction": "KZ",
            "substance_key": "KYIJLDDXQWBNGX-UHFFFAOYSA-N",
            "match_key": "KYIJLDDXQWBNGX-UHFFFAOYSA-N",
            "canonical_smiles": "CCCCC(N1CCCC1)C(=O)c1ccccc1",
            "reported_names": ["alpha-PHP"],
            "status": "open",
            "reason": "3 distinct occurrences in the last 90 days",
            "occurrence_count": 3,
            "window_days": 90,
            "first_seen": t,
            "last_seen": t,
            "regions": ["Almaty", "Astana"],
        },
    )
    producer = KafkaProducer(bootstrap_servers=kafka_settings.kafka_bootstrap_servers)
    producer.send(
        topic_name(ALERTS, kafka_settings.topic_namespace),
        key=alert.data.alert_id.encode(),
        value=encode(alert),
    )
    producer.flush()
    producer.close()
    out = io.StringIO()

    result = play(
        kafka_settings, SCENARIO[:30], pace=0.01, follow_seconds=1, out=out, tz=kz_year.KZT
    )

    assert sum(result.sent.values()) == 30 and result.failed == 0
    assert result.alerts_seen == 1
    printed = out.getvalue()
    assert "── 2025-01 ──" in printed and "── 2025-02 ──" in printed
    assert "ALERT" in printed and "KZ-KYIJLDDXQWBNGX-UHFFFAOYSA-N" in printed
    records = _everything_on(kafka_settings)
    alerts = topic_name(ALERTS, kafka_settings.topic_namespace)
    arrived = sorted(decode(r.value).id for r in records if r.topic != alerts)
    assert arrived == sorted(e.id for e in SCENARIO[:30])
