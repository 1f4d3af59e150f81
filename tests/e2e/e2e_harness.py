"""End-to-end helpers: the services as processes (``analogue-watch serve``) on the real broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaError

from contracts.codec import decode, encode
from contracts.envelope import Envelope
from contracts.topics import ALERTS, LEASES, SCHEDULE_STATE, TOPICS, Topic, topic_for_type
from services.platform.catalog import SERVICES
from services.platform.security import client_env, kafka_python_args
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics, topic_name
from services.platform.watchdog import EXIT_STALLED
from services.tools.pipeline import replay_arrivals

PIPELINE = [e.name for e in SERVICES if e.stream]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"


@dataclass
class Pipeline:
    """The stream services of one test, each a process with its own state folder and log."""

    settings: ServiceSettings
    workdir: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    service_env: dict[str, dict[str, str]] = field(default_factory=dict)
    """Extra environment by service name, over the defaults (e.g. a fixed ``AW_METRICS_PORT``)."""
    restarted: list[str] = field(default_factory=list)
    """Services started again after their watchdog stopped them (a stalled partition)."""

    def env(self, name: str) -> dict[str, str]:
        return {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.settings.kafka_bootstrap_servers,
            "AW_TOPIC_NAMESPACE": self.settings.topic_namespace,
            **client_env(self.settings),  # a secured broker: each service's own in service_env
            # The services run this checkout's code, whatever the interpreter has installed (an
            # editable install of another checkout would win over a relative PYTHONPATH: the
            # processes run in their work folder).
            "PYTHONPATH": str(REPO),
            "AW_DATA_DIR": str(self.workdir / "state" / name),
            "AW_METRICS_PORT": "0",
            "AW_IDLE_AFTER_S": "2",
            "AW_LOG_LEVEL": "WARNING",
            **self.service_env.get(name, {}),
        }

    def start(self, name: str) -> None:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - the process owns it
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "serve", name],
            env=self.env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.workdir,
        )

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout_s: float = 30) -> None:
        proc = self.procs.pop(name)
        proc.send_signal(sig)
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    @classmethod
    @contextmanager
    def running(
        cls,
        settings: ServiceSettings,
        workdir: Path,
        service_env: dict[str, dict[str, str]] | None = None,
        names: Iterable[str] = PIPELINE,
    ) -> Iterator[Pipeline]:
        """The services ``names`` (default: the stream services) started on the table's topics,
        stopped even when a test fails."""
        ensure_topics(settings)
        pipeline = cls(settings, workdir, service_env=dict(service_env or {}))
        for name in names:
            pipeline.start(name)
        try:
            yield pipeline
        finally:
            for name in list(pipeline.procs):
                pipeline.stop(name)

    def alive(self) -> dict[str, bool]:
        """Which services run; one that stopped itself for a stalled partition (exit 75) is
        started again first, as its supervisor would (services/platform/watchdog.py)."""
        for name, proc in list(self.procs.items()):
            if proc.poll() == EXIT_STALLED:
                self.restarted.append(name)
                self.start(name)
        return {name: proc.poll() is None for name, proc in self.procs.items()}

    def logs(self) -> str:
        return "\n".join(
            f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.workdir.glob("*.log"))
        )


def publish(settings: ServiceSettings, events: Iterable[Envelope], pace_s: float = 0) -> int:
    producer = KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        **kafka_python_args(settings),
    )
    sent = 0
    try:
        for event in events:
            topic = topic_for_type(event.type)
            producer.send(
                topic_name(topic, settings.topic_namespace),
                key=topic.key_of(event).encode(),
                value=encode(event),
            )
            sent += 1
            if pace_s:
                producer.flush()
                time.sleep(pace_s)
        producer.flush()
    finally:
        producer.close()
    return sent


def read_records(settings: ServiceSettings, name: str) -> list[ConsumerRecord]:
    """Every record on the topic called ``name`` now, from the beginning, without a group."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_auto_commit=False,
        **kafka_python_args(settings),
    )
    try:
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        records: list[ConsumerRecord] = []
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
    finally:
        consumer.close()
    return records


def read_topic(settings: ServiceSettings, topic: Topic) -> list[Envelope]:
    """Everything on ``topic`` now, from the beginning, in the order it was written."""
    records = read_records(settings, topic_name(topic, settings.topic_namespace))
    return [decode(r.value) for r in sorted(records, key=lambda r: r.timestamp)]


def wait_for(predicate, timeout_s: float, what: str, pipeline: Pipeline | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if pipeline is not None and not all(pipeline.alive().values()):
            raise AssertionError(f"a service died while waiting for {what}\n{pipeline.logs()}")
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out waiting for {what}\n{pipeline.logs() if pipeline else ''}"
            )
        time.sleep(0.5)


def drained(settings: ServiceSettings) -> bool:
    """Every consumer group of the pipeline has committed up to the end of every partition of
    every topic it reads (a partition it never committed counts as at 0: a worker that has not
    read it yet, or one that stopped reading it, is not drained)."""
    return not undrained(settings)


FOLLOWED = (SCHEDULE_STATE, LEASES)
"""Read whole by a follower, outside the services' groups (the leases are written all the time)."""


def undrained(settings: ServiceSettings) -> list[str]:
    """What keeps the pipeline from being drained: ``group topic/partition committed<end``, or a
    group missing."""
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers, **kafka_python_args(settings)
    )
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, **kafka_python_args(settings)
    )
    try:
        return _undrained(settings, admin, consumer)
    except (KafkaError, KeyError) as error:
        # A broker just started is still loading its group coordinator, and kafka-python's
        # end_offsets gives a KeyError for a partition whose leader it does not know yet: not
        # drained yet, asked again.
        return [f"not known yet: {error!r}"]
    finally:
        consumer.close()
        admin.close()


def _undrained(
    settings: ServiceSettings, admin: KafkaAdminClient, consumer: KafkaConsumer
) -> list[str]:
    groups = [
        g["group_id"]
        for g in admin.list_groups()
        if g["group_id"].startswith(settings.topic_namespace)
    ]
    behind = []
    offsets = admin.list_group_offsets(dict.fromkeys(groups))
    for group, committed in offsets.items():
        service = group.rpartition(".")[2]
        inputs = [
            TopicPartition(topic_name(t, settings.topic_namespace), p)
            for t in TOPICS
            if service in t.consumers and t not in FOLLOWED
            for p in range(t.partitions)
        ]
        ends = consumer.end_offsets(inputs or list(committed or {}))
        for tp, end in ends.items():
            done = committed.get(tp) if committed else None
            at = done.offset if done is not None else 0
            if at < end:
                behind.append(f"{service} {tp.topic}/{tp.partition} {at}<{end}")
    if len(groups) < len(PIPELINE):
        behind.append(f"{len(groups)} groups of {len(PIPELINE)}")
    return behind


def settled_alerts(
    settings: ServiceSettings, pipeline: Pipeline, quiet_s: float, timeout_s: float
) -> list[Envelope]:
    """The alert topic once nothing new has arrived on it for ``quiet_s`` seconds."""
    deadline = time.monotonic() + timeout_s
    seen, since = -1, time.monotonic()
    while True:
        alerts = read_topic(settings, ALERTS)
        if len(alerts) != seen or not drained(settings):
            seen, since = len(alerts), time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return alerts
        if time.monotonic() > deadline:
            waiting = undrained(settings)
            raise AssertionError(
                f"alerts never settled ({seen} so far; not drained: {waiting[:12]})\n"
                f"{pipeline.logs()}"
            )
        assert all(pipeline.alive().values()), f"a service died\n{pipeline.logs()}"
        time.sleep(1)


def schedule_published(settings: ServiceSettings) -> bool:
    return bool(read_topic(settings, SCHEDULE_STATE))


def lifecycle(alerts) -> dict[str, list[tuple[str, str]]]:
    """Per alert, its transitions other than updates, in version order, with their status."""
    latest: dict[tuple[str, int], object] = {(a.data.alert_id, a.data.version): a for a in alerts}
    out: dict[str, list[tuple[str, str]]] = {}
    for (alert_id, _), a in sorted(latest.items()):
        kind = a.type.split(".")[2]
        if kind != "updated":
            out.setdefault(alert_id, []).append((kind, a.data.status.value))
    return out


def versions(alerts) -> dict[tuple[str, int], tuple[str, str, dict]]:
    """Each alert version, by (alert id, version): its type, event time and body. Two different
    bodies for one version fail: versions are published once, whatever is redelivered."""
    out: dict[tuple[str, int], tuple[str, str, dict]] = {}
    for a in alerts:
        seen = (a.type, a.time.isoformat(), a.data.model_dump(mode="json"))
        key = (a.data.alert_id, a.data.version)
        assert out.setdefault(key, seen) == seen, f"two different bodies for {key}"
    return out


def assert_same_as_replay(alerts, events, pipeline: Pipeline, name: str) -> None:
    """Every alert version the services published is the replay's, whole (type, event time and
    body), and no other; both sides go to test-artifacts/ for a person to diff."""
    assert_same_as_arrivals(alerts, [events], pipeline, name)


def assert_same_as_arrivals(alerts, arrivals, pipeline: Pipeline, name: str) -> None:
    """:func:`assert_same_as_replay` for events published in several arrivals, each once the
    services had handled the ones before (``replay_arrivals``)."""
    expected = versions(e.event for e in replay_arrivals(arrivals) if e.topic is ALERTS)
    got = versions(alerts)
    ARTIFACTS.mkdir(exist_ok=True)
    for side, rows in (("services", got), ("replay", expected)):
        (ARTIFACTS / f"{name}.{side}.txt").write_text(
            "".join(
                f"{alert_id} v{version} {kind.split('.')[2]} {at} "
                f"count={body['occurrence_count']} ttc={body['time_to_control_days']}\n"
                for (alert_id, version), (kind, at, body) in sorted(rows.items())
            )
        )
    assert got == expected, (
        f"see test-artifacts/{name}.*.txt\n{differences(expected, got)}\n{pipeline.logs()}"
    )


def differences(expected: dict, got: dict, limit: int = 5) -> str:
    """The first versions that differ, field by field (the artifacts show only a summary)."""
    lines = []
    for key in sorted(expected.keys() | got.keys()):
        want, have = expected.get(key), got.get(key)
        if want == have:
            continue
        if len(lines) >= limit:
            lines.append("...")
            break
        if want is None or have is None:
            lines.append(f"{key}: replay {want and want[:2]}, services {have and have[:2]}")
            continue
        fields = [
            f"  {field}: replay {want[2].get(field)!r:.300} / services {have[2].get(field)!r:.300}"
            for field in sorted(want[2].keys() | have[2].keys())
            if want[2].get(field) != have[2].get(field)
        ]
        head = "" if want[:2] == have[:2] else f" replay {want[:2]}, services {have[:2]}"
        lines.append(f"{key}:{head}\n" + "\n".join(fields))
    return "\n".join(lines)
