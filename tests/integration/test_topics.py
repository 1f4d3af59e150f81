"""Topic creation reads the contracts' table and is idempotent on a real broker."""

from __future__ import annotations

import time

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
    expected = {
        topic_name(t, kafka_settings.topic_namespace): (t.cleanup_policy, str(t.retention_ms))
        for t in TOPICS
    }

    # A topic's configuration reaches the broker's metadata a moment after its creation.
    deadline = time.monotonic() + 20
    while (actual := _configs(kafka_settings, expected)) != expected:
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)

    assert actual == expected


def _configs(settings: ServiceSettings, names) -> dict[str, tuple[str | None, str | None]]:
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        described = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
        )
    finally:
        admin.close()
    return {
        name: (
            configs.get("cleanup.policy", {}).get("value"),
            configs.get("retention.ms", {}).get("value"),
        )
        for name, configs in described["topic"].items()
    }
