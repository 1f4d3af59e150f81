"""Topic creation reads the contracts' table and is idempotent on a real broker."""

from __future__ import annotations

from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from contracts.topics import TOPICS
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics, topic_name


def test_creates_every_table_topic_once(kafka_settings: ServiceSettings) -> None:
    first = ensure_topics(kafka_settings)
    second = ensure_topics(kafka_settings)

    ns = kafka_settings.topic_namespace
    assert {(r.name, r.partitions, r.action) for r in first} == {
        (topic_name(t, ns), t.partitions, "created") for t in TOPICS
    }
    assert {r.action for r in second} == {"exists"}


def test_topics_carry_the_table_configuration(kafka_settings: ServiceSettings) -> None:
    ensure_topics(kafka_settings)
    admin = KafkaAdminClient(bootstrap_servers=kafka_settings.kafka_bootstrap_servers)
    try:
        resources = [
            ConfigResource(ConfigResourceType.TOPIC, topic_name(t, kafka_settings.topic_namespace))
            for t in TOPICS
        ]
        described = admin.describe_configs(resources)
    finally:
        admin.close()
    actual = {
        name: (configs["cleanup.policy"]["value"], configs["retention.ms"]["value"])
        for name, configs in described["topic"].items()
    }
    assert actual == {
        topic_name(t, kafka_settings.topic_namespace): (t.cleanup_policy, str(t.retention_ms))
        for t in TOPICS
    }
