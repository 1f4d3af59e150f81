"""``analogue-watch demo``: play the Kazakhstan year into the pipeline, show the alerts it raises.

The demo creates the topics, publishes the scenario in event order with light pacing (the whole
year in about a minute), and between events follows the alert topic, printing every alert event
as it arrives. It reads the alert topic from its beginning, so a second run on the same broker
(whose services have already seen these event ids and will not alert again) still shows them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import IO

from kafka import KafkaConsumer, TopicPartition

from contracts.codec import decode
from contracts.envelope import Envelope
from contracts.errors import ContractError
from contracts.topics import ALERTS
from services.platform.security import kafka_python_args
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics, topic_name
from services.tools.publish import open_producer, send_all

DEFAULT_SECONDS = 60.0
"""How long the whole year takes to publish when no ``--pace`` is given."""


def format_alert(event: Envelope) -> str:
    """The alert as text: the alert tools' format when they are installed, else one line here."""
    try:
        from services.tools.alerts import format_alert as shared_format
    except ImportError:
        return one_line(event)
    return shared_format(event)  # type: ignore[arg-type]


def one_line(event: Envelope) -> str:
    """An alert event as one line: status, names, id, occurrences, regions, reason.

    >>> from contracts.alerts import AlertRaised
    >>> t = "2025-02-22T12:00:00+05:00"
    >>> raised = AlertRaised(id="a1", source="analogue_monitor", jurisdiction="KZ", time=t,
    ...     published=t, data=dict(alert_id="KZ-KYIJLDDXQWBNGX-UHFFFAOYSA-N", version=1,
    ...     jurisdiction="KZ", substance_key="KYIJLDDXQWBNGX-UHFFFAOYSA-N",
    ...     match_key="KYIJLDDXQWBNGX-UHFFFAOYSA-N", canonical_smiles="CCCCC(N1CCCC1)C(=O)c1ccccc1",
    ...     reported_names=["alpha-PHP"], status="open", reason="3 occurrences in 90 days",
    ...     occurrence_count=3, window_days=90, first_seen=t, last_seen=t,
    ...     regions=["Almaty", "Astana"]))
    >>> one_line(raised)
    'OPEN       alpha-PHP · KZ-KYIJLDDXQWBNGX-UHFFFAOYSA-N v1 · 3 occurrences · Almaty, Astana · 3 occurrences in 90 days'
    """  # noqa: E501
    d = event.data  # type: ignore[attr-defined]
    names = ", ".join(d.reported_names) or d.match_key
    regions = ", ".join(d.regions) or "no region"
    return (
        f"{d.status.value.upper():<10} {names} · {d.alert_id} v{d.version} · "
        f"{d.occurrence_count} occurrences · {regions} · {d.reason}"
    )


class AlertWatcher:
    """The alert topic, read from its beginning without a consumer group, printed as it comes."""

    POLL_MS = 200

    def __init__(self, settings: ServiceSettings, out: IO[str]) -> None:
        self.out = out
        self.seen = 0
        self.name = topic_name(ALERTS, settings.topic_namespace)
        self.consumer = KafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            client_id="analogue-watch-demo",
            group_id=None,
            enable_auto_commit=False,
            **kafka_python_args(settings),
        )
        partitions = self._partitions(expected=ALERTS.partitions)
        assigned = [TopicPartition(self.name, p) for p in sorted(partitions)]
        self.consumer.assign(assigned)
        self.consumer.seek_to_beginning(*assigned)

    def _partitions(self, expected: int, tries: int = 50) -> set[int]:
        # A topic created a moment ago may not be in this client's metadata yet.
        partitions: set[int] = set()
        for _ in range(tries):
            partitions = self.consumer.partitions_for_topic(self.name) or set()
            if len(partitions) >= expected:
                break
            time.sleep(0.2)
        return partitions

    def watch(self, seconds: float) -> None:
        """Print the alert events arriving in the next ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            batches = self.consumer.poll(timeout_ms=max(1, min(self.POLL_MS, int(left * 1000))))
            for records in batches.values():
                for record in records:
                    self._show(record.value or b"")

    def _show(self, raw: bytes) -> None:
        try:
            event = decode(raw, accept=ALERTS.types)
        except ContractError as err:
            print(f"  (a message on {self.name} is not a valid alert: {err})", file=self.out)
            return
        self.seen += 1
        print(f"  ALERT {format_alert(event)}", file=self.out, flush=True)

    def close(self) -> None:
        self.consumer.close()


@dataclass
class DemoResult:
    sent: Counter[str]
    failed: int
    alerts_seen: int


def by_month(events: Sequence[Envelope], tz: dt.tzinfo) -> list[tuple[str, list[Envelope]]]:
    """The events in runs of one publication month ("2025-03"), in order."""
    runs: list[tuple[str, list[Envelope]]] = []
    for event in events:
        month = event.published.astimezone(tz).strftime("%Y-%m")
        if not runs or runs[-1][0] != month:
            runs.append((month, []))
        runs[-1][1].append(event)
    return runs


def play(
    settings: ServiceSettings,
    events: Sequence[Envelope],
    *,
    pace: float,
    follow_seconds: float,
    out: IO[str],
    tz: dt.tzinfo,
) -> DemoResult:
    """Create the topics, publish ``events`` month by month while printing alerts, then follow."""
    ensure_topics(settings)
    sent: Counter[str] = Counter()
    failed = 0
    watcher = AlertWatcher(settings, out)
    print(f"demo: {len(events)} events, one every {pace:g} s; alerts from {watcher.name}", file=out)
    with closing(watcher), closing(open_producer(settings, client_id="analogue-watch-demo")) as p:
        for month, run in by_month(events, tz):
            print(f"── {month} ── {len(run)} events", file=out, flush=True)
            numbered = list(enumerate(run, start=1))
            ns = settings.topic_namespace
            delivery = send_all(p, numbered, ns, pace=pace, wait=watcher.watch)
            sent.update(delivery.sent)
            failed += len(delivery.failed) + delivery.not_attempted
            for _, reason in delivery.failed:
                print(f"  not sent: {reason}", file=out)
            watcher.watch(pace)
        print(f"demo: every event published; following alerts for {follow_seconds:g} s", file=out)
        watcher.watch(follow_seconds)
    return DemoResult(sent=sent, failed=failed, alerts_seen=watcher.seen)
