"""Interoperability: another Kafka client (kcat, on librdkafka) publishes agency events the
pipeline accepts, and reads the alerts as plain JSON.

kcat is told to partition by murmur2, as Kafka's Java client and our Python clients do: the topic
table's keys decide partitions, and a lab result must meet its seizure item's partition.
"""

from __future__ import annotations

import json
import shutil
import subprocess

from e2e_harness import Pipeline, read_topic, schedule_published, settled_alerts, wait_for

from contracts.codec import decode, encode
from contracts.topics import ALERTS, DEAD_LETTERS, topic_for_type
from services.platform.topics import topic_name
from services.scenario import build_scenario
from services.tools.pipeline import replay

KCAT = shutil.which("kcat") or "kcat"


def _first_raise(events):
    """The shortest prefix of the year that raises an alert, and that alert's id."""
    for end in range(1, len(events) + 1):
        raised = [
            e.event
            for e in replay(events[:end])
            if e.topic is ALERTS and e.event.type == "aw.alert.raised.v1"
        ]
        if raised:
            return events[:end], raised[0].data.alert_id
    raise AssertionError("the scenario raises no alert")


def _kcat_produce(bootstrap: str, topic: str, key: str, value: bytes) -> None:
    subprocess.run(
        [
            KCAT,
            "-P",
            "-b",
            bootstrap,
            "-t",
            topic,
            "-k",
            key,
            "-X",
            "partitioner=murmur2_random",
            "-X",
            "enable.idempotence=true",
        ],
        input=value,
        check=True,
        timeout=60,
    )


def test_events_published_with_kcat_raise_alerts_kcat_reads_as_json(pipeline: Pipeline) -> None:
    settings = pipeline.settings
    events, alert_id = _first_raise(build_scenario())

    for i, event in enumerate(events):
        topic = topic_for_type(event.type)
        _kcat_produce(
            settings.kafka_bootstrap_servers,
            topic_name(topic, settings.topic_namespace),
            topic.key_of(event),
            encode(event),
        )
        if i == 0:
            wait_for(lambda: schedule_published(settings), 90, "the baseline schedule", pipeline)
    settled_alerts(settings, pipeline, quiet_s=8, timeout_s=180)

    consumed = subprocess.run(
        [
            KCAT,
            "-C",
            "-b",
            settings.kafka_bootstrap_servers,
            "-t",
            topic_name(ALERTS, settings.topic_namespace),
            "-o",
            "beginning",
            "-e",
            "-f",
            "%s\n",
            "-q",
        ],
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.splitlines()
    documents = [json.loads(line) for line in consumed if line.strip()]
    alerts = [decode(line) for line in consumed if line.strip()]

    assert read_topic(settings, DEAD_LETTERS) == [], "kcat's events were rejected"
    assert {d["type"] for d in documents} >= {"aw.alert.raised.v1"}
    assert alert_id in {a.data.alert_id for a in alerts}
