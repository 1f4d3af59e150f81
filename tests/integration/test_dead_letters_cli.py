"""``analogue-watch dead-letters`` on a real broker: an operator finds the rejected messages by
agency and class of error, reads why and what to do, takes a message back, corrects it and
publishes it again."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from contracts.codec import decode, encode
from contracts.dead_letter import dead_letter_for
from contracts.errors import ContractError
from contracts.topics import DEAD_LETTERS, SEIZURES
from services.cli import main
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics, topic_name
from services.scenario import build_scenario

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SEIZURE = next(e for e in build_scenario() if e.type == "aw.seizure.reported.v1")


def _without_jurisdiction() -> bytes:
    doc = json.loads(encode(SEIZURE))
    del doc["jurisdiction"]
    return json.dumps(doc).encode()


def rejected(raw: bytes, topic: str, offset: int, service: str = "substance_resolver"):
    """The dead letter a service writes for ``raw``: the error is the contract's own."""
    try:
        decode(raw, accept=SEIZURES.types)
    except ContractError as error:
        return dead_letter_for(
            raw,
            source_topic=topic,
            partition=0,
            offset=offset,
            key=b"k",
            error=error,
            service=service,
            now=T0 + dt.timedelta(minutes=offset),
        )
    raise AssertionError("expected the contract to reject it")


@pytest.fixture
def environment(kafka_settings: ServiceSettings, monkeypatch) -> ServiceSettings:
    ensure_topics(kafka_settings, [DEAD_LETTERS, SEIZURES])
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", kafka_settings.kafka_bootstrap_servers)
    monkeypatch.setenv("AW_TOPIC_NAMESPACE", kafka_settings.topic_namespace)
    return kafka_settings


def send(settings: ServiceSettings, *dead_letters) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, acks="all")
    try:
        for event in dead_letters:
            topic = topic_name(DEAD_LETTERS, settings.topic_namespace)
            producer.send(topic, key=event.data.source_topic.encode(), value=encode(event))
        producer.flush()
    finally:
        producer.close()


def seizures_on(settings: ServiceSettings) -> list:
    name = topic_name(SEIZURES, settings.topic_namespace)
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None, enable_auto_commit=False
    )
    try:
        partitions = [TopicPartition(name, p) for p in range(SEIZURES.partitions)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        records: list = []
        deadline = time.monotonic() + 30
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            assert time.monotonic() < deadline, "could not read the seizure topic"
            for batch in consumer.poll(timeout_ms=200).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def test_an_operator_finds_reads_corrects_and_resubmits_a_rejected_seizure(
    environment, capsys, tmp_path
) -> None:
    namespace = environment.topic_namespace
    seizures = topic_name(SEIZURES, namespace)
    no_jurisdiction = rejected(_without_jurisdiction(), seizures, 3)
    not_json = rejected(b"{not json", seizures, 4, service="schedule_registry")
    send(environment, no_jurisdiction, not_json)

    assert main(["dead-letters", "list", "--timeout", "30"]) == 0
    text = capsys.readouterr().out
    assert "[schema_violation]" in text and "[malformed_json]" in text
    assert f"from {SEIZURE.source}" in text  # the agency, read from the original
    assert "why: " in text and "(field jurisdiction)" in text
    assert "fix: correct the field named above" in text
    assert text.strip().endswith("2 dead letters: 1 schema_violation, 1 malformed_json")

    agency = SEIZURE.source.rsplit(".", 1)[0]  # a prefix of the agency's source
    assert main(["dead-letters", "list", "--agency", agency, "--json"]) == 0
    shown = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert shown == [no_jurisdiction.id]
    assert main(["dead-letters", "list", "--error-class", "malformed_json", "--json"]) == 0
    shown = [json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()]
    assert shown == [not_json.id]
    assert main(["dead-letters", "list", "--topic", "aw.lab-results"]) == 0
    assert capsys.readouterr().out.strip() == "0 dead letters"

    assert main(["dead-letters", "original", no_jurisdiction.id]) == 0
    line = capsys.readouterr().out
    assert json.loads(line) == json.loads(_without_jurisdiction())
    corrected = json.loads(line)
    corrected["jurisdiction"] = SEIZURE.jurisdiction
    fixed = tmp_path / "fixed.jsonl"
    fixed.write_text(json.dumps(corrected) + "\n", encoding="utf-8")
    assert main(["publish", str(fixed)]) == 0
    capsys.readouterr()
    assert [decode(r.value).id for r in seizures_on(environment)] == [SEIZURE.id]

    assert main(["dead-letters", "original", "dl-no-such-letter"]) == 1
    assert "no dead letter dl-no-such-letter" in capsys.readouterr().err


def test_tail_prints_a_dead_letter_as_it_arrives(environment, capsys) -> None:
    seizures = topic_name(SEIZURES, environment.topic_namespace)
    sent: list[str] = []
    done = threading.Event()

    def keep_sending() -> None:  # until the tail, positioned at the end, has printed one
        offset = 10
        while not done.wait(1.0):
            letter = rejected(b"[1, 2]", seizures, offset)
            sent.append(letter.id)
            send(environment, letter)
            offset += 1

    sender = threading.Thread(target=keep_sending)
    sender.start()
    try:
        assert main(["dead-letters", "tail", "--max", "1", "--timeout", "60", "--json"]) == 0
    finally:
        done.set()
        sender.join()
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and json.loads(out[0])["id"] in sent
    assert json.loads(out[0])["data"]["error_class"] == "not_an_object"
