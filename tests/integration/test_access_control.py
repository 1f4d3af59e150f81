"""Access control on a secured broker: who may not do what is refused by the broker itself.

The broker (``kafka.sh start --secure``) authenticates every client with SASL/SCRAM and allows
nothing without an ACL; the ACLs are the policy ``analogue-watch acls apply`` derives from the
topic table (docs/security.md). Each story runs real clients over TCP with a principal's
credentials from its environment, and shows a refusal beside the same action by the principal
that is allowed it, so that a refusal cannot come from anything but the policy.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError
from kafka import KafkaConsumer, TopicPartition
from kafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError
from secured_kafka import (
    SecuredBroker,
    baseline,
    forged_enactment,
    records,
    seizure,
    session_broker,
    write_jsonl,
)

from contracts.topics import ALERTS, LEGISLATION, SEIZURES
from services.platform.security import aiokafka_args, kafka_python_args
from services.platform.settings import ServiceSettings
from services.platform.topics import group_id, topic_name
from services.tools.publish import EXIT_OK, EXIT_SEND_FAILED


@pytest.fixture(scope="module")
def broker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SecuredBroker:
    return session_broker(request, tmp_path_factory).namespaced(f"t-acl-{uuid.uuid4().hex[:8]}.")


async def _connect(settings: ServiceSettings) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, **aiokafka_args(settings)
    )
    try:
        await producer.start()
    finally:
        await producer.stop()


def test_a_wrong_password_is_refused_by_the_broker(
    broker: SecuredBroker, caplog: pytest.LogCaptureFixture
) -> None:
    asyncio.run(_connect(broker.settings("aw-police")))  # the right password connects

    caplog.set_level(logging.ERROR, logger="aiokafka")
    wrong = broker.settings(
        "aw-police", AW_KAFKA_SASL_PASSWORD_FILE="", AW_KAFKA_SASL_PASSWORD="x" * 24
    )
    with pytest.raises(KafkaConnectionError):
        asyncio.run(_connect(wrong))
    assert "SaslAuthenticationFailed" in caplog.text
    assert "invalid credentials with SASL mechanism SCRAM-SHA-512" in caplog.text


def test_a_seizure_agency_cannot_publish_legislation(broker: SecuredBroker, tmp_path: Path) -> None:
    """A forged 'amendment enacted' from the police is refused; the police's seizures go through,
    and the legislation authority's own event is accepted on the same topic."""
    forged = write_jsonl(tmp_path / "forged.jsonl", [forged_enactment()])

    refused = broker.cli("aw-police", "publish", str(forged))
    assert refused.returncode == EXIT_SEND_FAILED, refused.stdout + refused.stderr
    assert "TopicAuthorizationFailedError" in refused.stdout + refused.stderr

    seizures = write_jsonl(tmp_path / "seizures.jsonl", [seizure(1, "kz.police")])
    assert broker.cli("aw-police", "publish", str(seizures)).returncode == EXIT_OK

    legal = write_jsonl(tmp_path / "legal.jsonl", [baseline()])
    assert broker.cli("aw-legislation", "publish", str(legal)).returncode == EXIT_OK
    admin = broker.settings("admin")
    on_legislation = [json.loads(v)["type"] for v in records(admin, LEGISLATION)]
    assert on_legislation == ["aw.legislation.baseline-listed.v1"]
    assert len(records(admin, SEIZURES)) == 1


@pytest.mark.parametrize(
    ("user", "topic"),
    [
        ("aw-police", ALERTS),  # an agency reads no alerts
        ("aw-operations", LEGISLATION),  # operations staff read alerts, not agency input
        ("aw-alert-board", SEIZURES),  # a service reads only what it needs
    ],
)
def test_reading_a_topic_not_granted_is_refused(broker: SecuredBroker, user: str, topic) -> None:
    settings = broker.settings(user)
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, **kafka_python_args(settings)
    )
    try:
        partition = TopicPartition(topic_name(topic, broker.namespace), 0)
        with pytest.raises(TopicAuthorizationFailedError):
            consumer.end_offsets([partition])
    finally:
        consumer.close()


def test_a_service_cannot_join_another_services_group(broker: SecuredBroker) -> None:
    """The resolver may read aw.seizures, but not in the registry's consumer group."""
    settings = broker.settings("aw-substance-resolver")
    seizures = topic_name(SEIZURES, broker.namespace)
    for group, refused in ((group_id("schedule_registry", broker.namespace), True),
                           (group_id("substance_resolver", broker.namespace), False)):  # fmt: skip
        consumer = KafkaConsumer(
            seizures,
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


def test_alerts_list_runs_with_the_operations_credentials_only(broker: SecuredBroker) -> None:
    allowed = broker.cli("aw-operations", "alerts", "list", "--json")
    assert allowed.returncode == 0, allowed.stderr
    refused = broker.cli("aw-police", "alerts", "list", "--json")
    assert refused.returncode != 0
    assert "may not" in refused.stderr or "Authorization" in refused.stderr, refused.stderr


def test_tls_listener_verifies_the_broker_against_the_configured_ca(
    broker: SecuredBroker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    events = write_jsonl(tmp_path / "seizure.jsonl", [seizure(9, "kz.customs")])
    sent = broker.cli("aw-customs", "publish", str(events), tls=True)
    assert sent.returncode == EXIT_OK, sent.stdout + sent.stderr

    # Without the test CA (the system's CAs only), the broker's certificate is not trusted.
    untrusted = broker.settings("aw-customs", tls=True, AW_KAFKA_SSL_CAFILE="")
    caplog.set_level(logging.ERROR, logger="aiokafka")
    with pytest.raises(KafkaConnectionError):
        asyncio.run(_connect(untrusted))
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text
