"""Stress helpers: the pipeline with a ``/metrics`` port per service, and reading histograms.

Built on ``tests/e2e/e2e_harness.py``, put on the import path here (pytest adds ``tests/e2e`` only
when it collects that folder). The alert board gets a free port too, so a board already running on
the machine (``make up``) does not stop the test's.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / d) for d in ("e2e", "")]

from e2e_harness import PIPELINE, Pipeline  # noqa: E402
from kafka import KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from ports import free_port  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from contracts.topics import DEAD_LETTERS  # noqa: E402
from services.platform.settings import ServiceSettings  # noqa: E402
from services.platform.topics import topic_name  # noqa: E402

__all__ = [
    "PIPELINE",
    "DeadLetterWatch",
    "MeteredPipeline",
    "Origin",
    "Slowest",
    "raw_producer",
    "slowest",
]
MAX_REQUEST_BYTES = 2 * 1024 * 1024
"""The broker's message.max.bytes (deploy/kafka/kafka.sh): room past the codec's 1 MiB limit."""


def raw_producer(settings: ServiceSettings) -> KafkaProducer:
    """A producer of raw bytes as an agency's would be: idempotent, acks=all, up to 2 MiB."""
    return KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        max_request_size=MAX_REQUEST_BYTES,
        linger_ms=5,
    )


@dataclass
class MeteredPipeline(Pipeline):
    """A :class:`Pipeline` whose services serve ``/metrics`` on ports of their own."""

    ports: dict[str, int] = field(default_factory=dict)
    board_port: int = field(default_factory=free_port)

    def env(self, name: str) -> dict[str, str]:
        env = super().env(name)
        env["AW_METRICS_PORT"] = str(self.ports.setdefault(name, free_port()))
        env["AW_BOARD_PORT"] = str(self.board_port)
        return env

    def metrics(self, name: str) -> str:
        url = f"http://127.0.0.1:{self.ports[name]}/metrics"
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()


@dataclass(frozen=True)
class Slowest:
    """What a ``*_processing_seconds`` histogram says of one handler's slowest message."""

    handler: str
    count: int
    mean_s: float
    above_s: float
    """The slowest message took more than this (0: nothing is known below the first bucket)."""
    at_most_s: float
    """... and at most this (inf: past the last bucket)."""


def slowest(metrics_text: str, service: str) -> list[Slowest]:
    """Per handler: count, mean and the bucket bounds around the slowest message."""
    name = f"{service}_processing_seconds"
    buckets: dict[str, list[tuple[float, float]]] = {}
    sums: dict[str, float] = {}
    for family in text_string_to_metric_families(metrics_text):
        if family.name != name:
            continue
        for sample in family.samples:
            handler = sample.labels.get("handler", "")
            if sample.name.endswith("_bucket"):
                buckets.setdefault(handler, []).append((float(sample.labels["le"]), sample.value))
            elif sample.name.endswith("_sum"):
                sums[handler] = sample.value
    out = []
    for handler, cumulative in sorted(buckets.items()):
        cumulative.sort()
        total = cumulative[-1][1]
        if not total:
            continue
        below = [le for le, n in cumulative if n < total]
        at_most = next(le for le, n in cumulative if n == total)
        out.append(
            Slowest(handler, int(total), sums[handler] / total, max(below, default=0.0), at_most)
        )
    return out


Origin = tuple[str, int, int]
"""Where a message was read: topic (with namespace), partition, offset."""


class DeadLetterWatch:
    """Follows the dead-letter topic in a thread and remembers where each letter's original was
    read, so a test can wait until the services have dealt with what it just published."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.origins: set[Origin] = set()
        self._stop = threading.Event()
        self._consumer = KafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            enable_auto_commit=False,
            fetch_max_wait_ms=20,
        )
        name = topic_name(DEAD_LETTERS, settings.topic_namespace)
        partitions = [TopicPartition(name, p) for p in range(DEAD_LETTERS.partitions)]
        self._consumer.assign(partitions)
        self._consumer.seek_to_beginning(*partitions)
        self._thread = threading.Thread(target=self._follow, daemon=True)
        self._thread.start()

    def _follow(self) -> None:
        while not self._stop.is_set():
            for records in self._consumer.poll(timeout_ms=100).values():
                for record in records:
                    data = json.loads(record.value)["data"]
                    origin = (data["source_topic"], data["source_partition"], data["source_offset"])
                    self.origins.add(origin)

    def wait(self, origins: set[Origin], timeout_s: float) -> float:
        """Seconds until every one of ``origins`` has a dead letter; AssertionError past the
        timeout (a stalled service)."""
        started = time.monotonic()
        while not origins <= self.origins:
            if time.monotonic() - started > timeout_s:
                missing = sorted(origins - self.origins)
                raise AssertionError(
                    f"{len(missing)} not dead-lettered in {timeout_s} s: {missing[:5]}"
                )
            time.sleep(0.01)
        return time.monotonic() - started

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._consumer.close()
