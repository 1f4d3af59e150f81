"""Create every topic of the contracts' topic table on a broker, idempotently.

The local runner, the tests and docker-compose's init job all call :func:`ensure_topics`
(through ``analogue-watch topics create``), so the topic table in ``contracts/topics.py`` is
the only place a topic is declared.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

from contracts.topics import TOPICS, Topic
from services.platform.security import kafka_python_args
from services.platform.settings import ServiceSettings

log = logging.getLogger(__name__)


def topic_name(topic: Topic, namespace: str = "") -> str:
    """The broker-side name of ``topic``: the table's name behind the settings' namespace."""
    return f"{namespace}{topic.name}"


def group_id(service: str, namespace: str = "") -> str:
    """A stream service's consumer group, which is also its faust app id (the prefix of its
    table changelog topics)."""
    return f"{namespace}analogue-watch.{service}"


def partner_group_id(user: str, namespace: str = "") -> str:
    """The consumer group a partner agency's principal ``user`` reads in (the only one it may).

    >>> partner_group_id("partner-uz", "t.")
    't.partner.partner-uz'
    """
    return f"{namespace}partner.{user}"


def topic_configs(topic: Topic, replication_factor: int) -> dict[str, str]:
    return {**topic.config, **_durability(replication_factor)}


def _durability(replication_factor: int) -> dict[str, str]:
    # With three replicas and two in sync, an acknowledged write survives the loss of a broker.
    if replication_factor > 1:
        return {"min.insync.replicas": str(min(2, replication_factor))}
    return {}


@dataclass(frozen=True)
class TopicReport:
    name: str
    partitions: int
    action: str  # "created", "exists" or "differs: ..."


def ensure_topics(
    settings: ServiceSettings, topics: Iterable[Topic] = TOPICS, *, timeout_s: float = 30
) -> list[TopicReport]:
    """Create the missing topics; report the existing ones and any partition-count drift.

    Existing topics are never altered: changing a partition count remaps keys to partitions,
    which would split one substance's history. A difference is reported for a person to decide.
    """
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id="analogue-watch-topics",
        request_timeout_ms=int(timeout_s * 1000),
        **kafka_python_args(settings),
    )
    try:
        wanted = {topic_name(t, settings.topic_namespace): t for t in topics}
        existing = set(admin.list_topics())
        missing = [
            NewTopic(
                name,
                num_partitions=topic.partitions,
                replication_factor=settings.replication_factor,
                topic_configs=topic_configs(topic, settings.replication_factor),
            )
            for name, topic in wanted.items()
            if name not in existing
        ]
        created: set[str] = set()
        for new_topic in missing:
            try:
                admin.create_topics([new_topic], timeout_ms=int(timeout_s * 1000))
                created.add(new_topic.name)
            except TopicAlreadyExistsError:  # another runner created it a moment ago
                pass
        partitions = _partition_counts(admin, list(wanted))
    finally:
        admin.close()
    reports = []
    for name, topic in wanted.items():
        actual = partitions.get(name, 0)
        if name in created:
            action = "created"
        elif actual == topic.partitions:
            action = "exists"
        else:
            action = f"differs: {actual} partitions on the broker, {topic.partitions} in the table"
            log.warning("topic %s %s", name, action)
        reports.append(TopicReport(name, actual or topic.partitions, action))
    return reports


def _partition_counts(
    admin: KafkaAdminClient, names: list[str], wait_s: float = 15
) -> dict[str, int]:
    """Partitions per topic, as the broker's metadata shows them. A topic created a moment ago
    may not show its partitions yet: ask again, briefly, rather than report a false drift."""
    deadline = time.monotonic() + wait_s
    while True:
        counts = {
            description["name"]: len(description["partitions"])
            for description in admin.describe_topics(names)
            if not description.get("error_code")
        }
        if all(counts.get(name) for name in names) or time.monotonic() > deadline:
            return counts
        time.sleep(0.5)


def ensure_changelogs(settings: ServiceSettings, partitions_by_name: dict[str, int]) -> None:
    """Create a service's table changelog topics (compacted) before its worker starts.

    Faust would create them itself, but only after the consumer has joined: its first events
    then meet a changelog the consumer has no metadata for, and faust refuses to write the table.
    """
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id="analogue-watch-changelogs",
        **kafka_python_args(settings),
    )
    try:
        existing = set(admin.list_topics())
        for name, partitions in partitions_by_name.items():
            if name in existing:
                continue
            configs = {"cleanup.policy": "compact", **_durability(settings.replication_factor)}
            with contextlib.suppress(TopicAlreadyExistsError):  # another worker made it first
                admin.create_topics(
                    [NewTopic(name, partitions, settings.replication_factor, topic_configs=configs)]
                )
    finally:
        admin.close()
