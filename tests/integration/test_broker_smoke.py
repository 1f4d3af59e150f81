"""The broker is real and both Python clients talk to it: kafka-python directly, aiokafka
through a faust worker running as a process with a rocksdict-backed table."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from services.platform.settings import ServiceSettings

REPO = Path(__file__).resolve().parents[2]


def _create(bootstrap: str, *names: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(n, num_partitions=1, replication_factor=1) for n in names])
    finally:
        admin.close()


def _consume(bootstrap: str, topic: str, group: str, want: int, timeout_s: float) -> list:
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        consumer_timeout_ms=1000,
    )
    got: list = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(got) < want and time.monotonic() < deadline:
            got.extend(consumer)
    finally:
        consumer.close()
    return got


def test_kafka_python_round_trip(kafka_settings: ServiceSettings) -> None:
    bootstrap, ns = kafka_settings.kafka_bootstrap_servers, kafka_settings.topic_namespace
    _create(bootstrap, f"{ns}smoke")
    producer = KafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    for i in range(3):
        producer.send(f"{ns}smoke", key=f"k{i}".encode(), value=f"v{i}".encode())
    producer.flush()
    producer.close()

    got = _consume(bootstrap, f"{ns}smoke", f"{ns}reader", want=3, timeout_s=30)

    assert [(m.key, m.value) for m in got] == [(b"k0", b"v0"), (b"k1", b"v1"), (b"k2", b"v2")]


def test_faust_worker_consumes_and_produces(kafka_settings: ServiceSettings, tmp_path) -> None:
    bootstrap, ns = kafka_settings.kafka_bootstrap_servers, kafka_settings.topic_namespace
    _create(bootstrap, f"{ns}smoke.in", f"{ns}smoke.out")
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "SMOKE_NAMESPACE": ns,
        "SMOKE_DATADIR": str(tmp_path / "faust"),
        "PYTHONPATH": str(REPO),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "faust", "-A", "tests.integration.echo_app", "worker", "-l", "warn"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        producer = KafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
        for value in (b"a", b"b", b"c"):
            producer.send(f"{ns}smoke.in", key=b"same", value=value)
        producer.flush()
        producer.close()

        got = _consume(bootstrap, f"{ns}smoke.out", f"{ns}reader", want=3, timeout_s=90)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")

    assert [m.value for m in got] == [b"a:1", b"b:2", b"c:3"], output[-3000:]
