"""Partner agencies on a secured broker: they read the notifications, and nothing else.

As ``test_access_control.py``: the broker (``kafka.sh start --secure``) authenticates every
client with SASL/SCRAM and allows nothing without an ACL; the ACLs are the policy
``analogue-watch acls apply`` derives from the topic table. The partner notifier runs as a process
with its own principal (``aw-partner-notifier``); the monitor's principal publishes alert
versions; a partner (``partner-uz``) reads what the notifier sent, in its own consumer group, and
the broker refuses it every other topic, any write, and another partner's group.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError
from secured_kafka import REPO, SecuredBroker, records, session_broker

from contracts.codec import decode, encode
from contracts.envelope import Envelope
from contracts.notifications import PartnerNotified
from contracts.topics import (
    ALERTS,
    DEAD_LETTERS,
    LAB_RESULTS,
    LEGISLATION,
    PARTNER_NOTIFICATIONS,
    SEIZURES,
    Topic,
)
from services.platform.security import kafka_python_args
from services.platform.settings import ServiceSettings
from services.platform.topics import partner_group_id, topic_name

PARTNER = "partner-uz"
GOLDEN = REPO / "tests" / "unit" / "domain" / "golden" / "notifications"


@pytest.fixture(scope="module")
def broker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SecuredBroker:
    return session_broker(request, tmp_path_factory).namespaced(
        f"t-partner-{uuid.uuid4().hex[:8]}."
    )


def _alert(case: str) -> Envelope:
    return decode((GOLDEN / f"{case}.alert.json").read_bytes())


def _updated(raised: Envelope) -> Envelope:
    """The raised alert published again as version 2, an update: partners are not told."""
    doc = json.loads(encode(raised))
    doc.update(type="aw.alert.updated.v1", id=doc["id"].replace("/v1", "/v2"))
    doc["data"]["version"] = 2
    return decode(json.dumps(doc).encode())


def _send(settings: ServiceSettings, topic: Topic, events: list[Envelope]) -> None:
    # Not idempotent: a principal without Write would be refused at InitProducerId (cluster
    # authorization) before its first record; the refusal shown is the record's, on its topic.
    producer = KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=False,
        **kafka_python_args(settings),
    )
    try:
        for event in events:
            name = topic_name(topic, settings.topic_namespace)
            producer.send(name, key=topic.key_of(event).encode(), value=encode(event)).get(30)
    finally:
        producer.close()


@pytest.fixture
def notifier(broker: SecuredBroker, tmp_path: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    """``analogue-watch serve partner_notifier`` as ``aw-partner-notifier``, and its log; stopped
    after."""
    env = {
        **os.environ,
        **broker.env("aw-partner-notifier"),
        "PYTHONPATH": str(REPO),
        "AW_DATA_DIR": str(tmp_path / "state"),
        "AW_METRICS_PORT": "0",
        "AW_LOG_LEVEL": "WARNING",
    }
    log = tmp_path / "partner_notifier.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "serve", "partner_notifier"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    try:
        yield proc, log
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_partner_reads_notifications_in_its_own_group(
    broker: SecuredBroker, notifier: tuple[subprocess.Popen, Path]
) -> None:
    """Raised, updated and resolved versions of one alert, published by the monitor's principal:
    the partner reads two notifications (raised, resolved) with no case data, and commits its
    offsets in its group."""
    raised = _alert("raised_alpha_php")
    resolved = _alert("resolved_listed_alpha_php")
    _send(broker.settings("aw-analogue-monitor"), ALERTS, [raised, _updated(raised), resolved])

    settings = broker.settings(PARTNER)
    consumer = KafkaConsumer(
        topic_name(PARTNER_NOTIFICATIONS, broker.namespace),
        group_id=partner_group_id(PARTNER, broker.namespace),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **kafka_python_args(settings),
    )
    proc, log = notifier
    received = []
    try:
        deadline = time.monotonic() + 120  # the notifier's worker starts and joins its group
        while len(received) < 2 and time.monotonic() < deadline and proc.poll() is None:
            for batch in consumer.poll(timeout_ms=1000).values():
                received.extend(batch)
        assert len(received) == 2, log.read_text(errors="replace")[-4000:]
        consumer.commit()
        (partition,) = {TopicPartition(r.topic, r.partition) for r in received}
        committed = consumer.committed(partition)
    finally:
        consumer.close(autocommit=False)

    notifications = [decode(r.value) for r in received]
    assert all(isinstance(n, PartnerNotified) for n in notifications)
    assert [(n.id, n.data.kind.value) for n in notifications] == [
        ("KZ-KYIJLDDXQWBNGX-UHFFFAOYSA-N/v1/partner", "raised"),
        ("KZ-KYIJLDDXQWBNGX-UHFFFAOYSA-N/v12/partner", "resolved"),
    ]
    assert {r.key for r in received} == {b"KZ-KYIJLDDXQWBNGX-UHFFFAOYSA-N"}
    assert not [s for s in (*raised.data.seizure_ids, *resolved.data.sample_ids)
                if any(s.encode() in r.value for r in received)]  # fmt: skip
    assert committed == max(r.offset for r in received) + 1


def _end_offset(settings: ServiceSettings, topic: Topic) -> int:
    """Partition 0's end offset, asked by a fresh client as ``settings``' principal."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, **kafka_python_args(settings)
    )
    try:
        partition = TopicPartition(topic_name(topic, settings.topic_namespace), 0)
        return int(consumer.end_offsets([partition])[partition])
    finally:
        consumer.close()


@pytest.mark.parametrize(
    "topic", [ALERTS, SEIZURES, LAB_RESULTS, LEGISLATION, DEAD_LETTERS], ids=lambda t: t.name
)
def test_a_partner_reads_nothing_else(broker: SecuredBroker, topic: Topic) -> None:
    settings = broker.settings(PARTNER)
    with pytest.raises(TopicAuthorizationFailedError):
        _end_offset(settings, topic)
    # The same call on its own topic works, and the topic refused is there for its reader: the
    # refusal is the policy's.
    assert _end_offset(settings, PARTNER_NOTIFICATIONS) >= 0
    assert _end_offset(broker.settings("admin"), topic) >= 0


def test_a_partner_cannot_write_notifications(broker: SecuredBroker) -> None:
    """A forged notification from the partner is refused; nothing of it is on the topic."""
    forged = _alert_notification()
    with pytest.raises(TopicAuthorizationFailedError):
        _send(broker.settings(PARTNER), PARTNER_NOTIFICATIONS, [forged])

    values = records(broker.settings("admin"), PARTNER_NOTIFICATIONS)
    assert not [v for v in values if b"forged-by-partner" in v]


def _alert_notification() -> PartnerNotified:
    doc = json.loads((GOLDEN / "raised_alpha_php.notification.json").read_text("utf-8"))
    doc["id"] = "forged-by-partner"
    return PartnerNotified.model_validate(doc)


def test_a_partner_cannot_join_another_partners_group(broker: SecuredBroker) -> None:
    settings = broker.settings(PARTNER)
    notifications = topic_name(PARTNER_NOTIFICATIONS, broker.namespace)
    for group, refused in ((partner_group_id("partner-ru", broker.namespace), True),
                           (partner_group_id(PARTNER, broker.namespace), False)):  # fmt: skip
        consumer = KafkaConsumer(
            notifications,
            group_id=group,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            consumer_timeout_ms=3000,
            **kafka_python_args(settings),
        )
        try:
            if refused:
                with pytest.raises(GroupAuthorizationFailedError):
                    consumer.poll(timeout_ms=5000)
            else:  # past FindCoordinator, where the group is authorized, into the join
                consumer.poll(timeout_ms=2000)
        finally:
            consumer.close(autocommit=False)
