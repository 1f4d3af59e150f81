"""The topic table: the only place a topic name is written.

Each :class:`Topic` declares its name, its key (in words, and as a function of the event), the event
types it carries, partitions, cleanup policy, retention, and who writes and reads it. Topic
creation, docker-compose, the publish tool and the AsyncAPI document all read :data:`TOPICS`.

Keys are chosen so that everything about one substance is processed in one partition:

* ``aw.lab-results`` and ``aw.resolver.seizure-items`` are both keyed by sample id with the same
  partition count, so a lab result and the seized item it analysed meet in one partition whichever
  arrives first.
* ``aw.detections`` and ``aw.schedule.changes`` are both keyed by the substance match key with the
  same partition count, so a substance's sightings in every jurisdiction and the changes to its
  legal status reach the same monitor partition.
* legislation and schedule state are keyed by jurisdiction: one jurisdiction's legal record is read
  in order.

>>> topic_for_type("aw.seizure.reported.v1").name
'aw.seizures'
>>> SEIZURES.config["cleanup.policy"]
'delete'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

PROGRESS = "aw.stream.progress.v1"
"""Progress records travel on the internal topics beside the events they follow
(``contracts.progress``), keyed ``progress:<partition>``: the one type carried by several topics."""
PROGRESS_KEY = "progress:<partition> (a progress record is sent to that partition)"

DAY_MS = 24 * 60 * 60 * 1000
FOREVER = -1
TWO_YEARS_MS = 730 * DAY_MS


def _progress_or(event: Any, key: Callable[[], str]) -> str:
    """A progress record's key, or ``key()`` for any other event."""
    return str(event.key) if event.type == PROGRESS else key()


@dataclass(frozen=True)
class Topic:
    """One Kafka topic: what it carries, how it is keyed and how long it keeps things."""

    name: str
    key: str
    """The key in words, for people (documented in AsyncAPI and the guide)."""
    key_of: Callable[[Any], str]
    """The key of an event on this topic, e.g. ``event.data.seizure_id`` on aw.seizures."""
    value_types: tuple[str, ...]
    """The ``type`` strings an event on this topic may have."""
    partitions: int
    cleanup_policy: Literal["delete", "compact"]
    retention_ms: int
    """How long records are kept; -1 keeps them forever (and is the value for compacted topics)."""
    description: str
    producers: tuple[str, ...] = ()
    """Who writes the topic: a service folder name or an outside party."""
    consumers: tuple[str, ...] = ()
    """Who reads the topic."""
    segment_ms: int | None = None
    """How often the log rolls (Kafka's default, 7 days, when None): a compacted topic written
    often needs it short, as only closed segments are compacted."""

    @property
    def types(self) -> frozenset[str]:
        """The accepted types, ready for ``contracts.codec.decode(raw, accept=topic.types)``."""
        return frozenset(self.value_types)

    @property
    def config(self) -> dict[str, str]:
        """Kafka topic configuration, as strings for the admin client."""
        config = {"cleanup.policy": self.cleanup_policy, "retention.ms": str(self.retention_ms)}
        if self.segment_ms is not None:
            config["segment.ms"] = str(self.segment_ms)
        return config


SEIZURES = Topic(
    name="aw.seizures",
    key="seizure id (data.seizure_id)",
    key_of=lambda event: event.data.seizure_id,
    value_types=("aw.seizure.reported.v1",),
    partitions=6,
    cleanup_policy="delete",
    retention_ms=TWO_YEARS_MS,
    description="Seizures reported by enforcement agencies. No personal data about suspects.",
    producers=("enforcement agencies",),
    consumers=("substance_resolver",),
)

LAB_RESULTS = Topic(
    name="aw.lab-results",
    key="sample id (data.sample_id)",
    key_of=lambda event: event.data.sample_id,
    value_types=("aw.lab-result.reported.v1",),
    partitions=6,
    cleanup_policy="delete",
    retention_ms=TWO_YEARS_MS,
    description="Forensic lab results, one per analysed sample.",
    producers=("forensic laboratories",),
    consumers=("substance_resolver",),
)

LEGISLATION = Topic(
    name="aw.legislation",
    key="jurisdiction (envelope jurisdiction)",
    key_of=lambda event: event.jurisdiction,
    value_types=(
        "aw.legislation.baseline-listed.v1",
        "aw.legislation.amendment-proposed.v1",
        "aw.legislation.stage-changed.v1",
        "aw.legislation.amendment-enacted.v1",
        "aw.legislation.amendment-rejected.v1",
        "aw.legislation.amendment-withdrawn.v1",
    ),
    partitions=3,
    cleanup_policy="delete",
    retention_ms=FOREVER,
    description="Control lists and amendments: the legal record, kept forever.",
    producers=("legislative monitoring",),
    consumers=("schedule_registry",),
)

SEIZURE_ITEMS = Topic(
    name="aw.resolver.seizure-items",
    key="sample id (data.sample_id), co-partitioned with aw.lab-results",
    key_of=lambda event: _progress_or(event, lambda: event.data.sample_id),
    value_types=("aw.seizure.item-linked.v1", PROGRESS),
    partitions=LAB_RESULTS.partitions,
    cleanup_policy="compact",
    retention_ms=FOREVER,
    description="Internal: each seized item by sample id, waiting for or joined to its lab result.",
    producers=("substance_resolver",),
    consumers=("substance_resolver",),
)

DETECTIONS = Topic(
    name="aw.detections",
    key="substance match key (data.match_key), co-partitioned with aw.schedule.changes",
    key_of=lambda event: _progress_or(event, lambda: event.data.match_key),
    value_types=("aw.substance.detected.v1", PROGRESS),
    partitions=6,
    cleanup_policy="delete",
    retention_ms=TWO_YEARS_MS,
    description="Internal: a standardised substance seen in a sample, with where and when.",
    producers=("substance_resolver",),
    consumers=("analogue_monitor",),
)

SCHEDULE_STATE = Topic(
    name="aw.schedule.state",
    key="jurisdiction (envelope jurisdiction)",
    key_of=lambda event: event.jurisdiction,
    value_types=("aw.schedule.snapshot.v1",),
    partitions=3,
    cleanup_policy="compact",
    retention_ms=FOREVER,
    description="Each jurisdiction's current controlled list and amendments in progress.",
    producers=("schedule_registry",),
    consumers=("analogue_monitor",),
)

SCHEDULE_CHANGES = Topic(
    name="aw.schedule.changes",
    key="substance match key (data.match_key), co-partitioned with aw.detections",
    key_of=lambda event: _progress_or(event, lambda: event.data.match_key),
    value_types=("aw.schedule.changed.v1", PROGRESS),
    partitions=DETECTIONS.partitions,
    cleanup_policy="delete",
    retention_ms=TWO_YEARS_MS,
    description="A substance's legal status changed in a jurisdiction (proposed, enacted, ...).",
    producers=("schedule_registry", "analogue_monitor"),  # the monitor: 'look again' records
    consumers=("analogue_monitor",),
)

SWEEPS = Topic(
    name="aw.monitor.sweeps",
    key="partition number (data.partition), sent to that partition of a co-partitioned set",
    key_of=lambda event: str(event.data.partition),
    value_types=("aw.monitor.sweep-requested.v1",),
    partitions=DETECTIONS.partitions,
    cleanup_policy="delete",
    retention_ms=DAY_MS,
    description="The analogue monitor's periodic re-evaluation requests, one per partition.",
    producers=("analogue_monitor",),
    consumers=("analogue_monitor",),
)

LEASES = Topic(
    name="aw.stream.leases",
    key="origin (data.origin): an agency topic's partition or a stage's partition",
    key_of=lambda event: event.data.origin,
    value_types=(PROGRESS,),
    partitions=1,
    cleanup_policy="compact",
    retention_ms=FOREVER,
    description=(
        "Internal: the word each origin last said on how far it has got, said again every few "
        "seconds while its worker reads it; an idle word whose lease has run out is not trusted "
        "(services/platform/ordered.py)."
    ),
    producers=("substance_resolver", "schedule_registry"),
    consumers=("substance_resolver", "analogue_monitor"),
    segment_ms=60 * 60 * 1000,  # about ten records a second: compacted hourly, a few MB at most
)

ALERTS = Topic(
    name="aw.alerts",
    key="alert id (data.alert_id)",
    key_of=lambda event: event.data.alert_id,
    value_types=(
        "aw.alert.raised.v1",
        "aw.alert.updated.v1",
        "aw.alert.suppressed.v1",
        "aw.alert.reopened.v1",
        "aw.alert.resolved.v1",
        "aw.alert.corrected.v1",
    ),
    partitions=6,
    cleanup_policy="delete",
    retention_ms=TWO_YEARS_MS,
    description="Alerts about unlisted analogues, each version of each alert.",
    producers=("analogue_monitor",),
    consumers=("operations staff", "partner_notifier"),
)

PARTNER_NOTIFICATIONS = Topic(
    name="aw.partner-notifications",
    key="alert id (data.alert_id)",
    key_of=lambda event: event.data.alert_id,
    value_types=("aw.partner.notified.v1",),
    partitions=ALERTS.partitions,
    cleanup_policy="delete",
    retention_ms=TWO_YEARS_MS,
    description=(
        "What partner agencies are told when an alert is raised or resolved here: the substance, "
        "the evidence, the counts and the legislative state, never case data. The one topic "
        "partner agencies may read."
    ),
    producers=("partner_notifier",),
    consumers=("partner agencies", "operations staff"),
)

ALERT_ACTIONS = Topic(
    name="aw.alert-actions",
    key="alert id (data.alert_id)",
    key_of=lambda event: event.data.alert_id,
    value_types=("aw.alert-action.v1",),
    partitions=3,
    cleanup_policy="delete",
    retention_ms=TWO_YEARS_MS,
    description=(
        "What operations staff did about an alert (acknowledged, assigned, noted, under review, "
        "closed as not relevant, reopened), each by a named operator; never a change to the alert."
    ),
    producers=("alert_board", "operations staff"),
    consumers=("operations staff",),
)

DEAD_LETTERS = Topic(
    name="aw.dead-letters",
    key="source topic name (data.source_topic)",
    key_of=lambda event: event.data.source_topic,
    value_types=("aw.dead-letter.v1",),
    partitions=3,
    cleanup_policy="delete",
    retention_ms=30 * DAY_MS,
    description="Messages that failed validation or processing, with the reason and origin.",
    producers=("substance_resolver", "schedule_registry", "analogue_monitor", "partner_notifier"),
    consumers=("operations staff",),
)

TOPICS: tuple[Topic, ...] = (
    SEIZURES,
    LAB_RESULTS,
    LEGISLATION,
    SEIZURE_ITEMS,
    DETECTIONS,
    SCHEDULE_STATE,
    SCHEDULE_CHANGES,
    SWEEPS,
    LEASES,
    ALERTS,
    PARTNER_NOTIFICATIONS,
    ALERT_ACTIONS,
    DEAD_LETTERS,
)

_BY_TYPE: dict[str, Topic] = {
    t: topic for topic in TOPICS for t in topic.value_types if t != PROGRESS
}


def topic_for_type(type_: str) -> Topic:
    """The topic an event of type ``type_`` is published to.

    >>> topic_for_type("aw.alert.resolved.v1").name
    'aw.alerts'
    """
    if type_ == PROGRESS:
        raise KeyError(f"{PROGRESS} travels beside the events it follows, on several topics")
    try:
        return _BY_TYPE[type_]
    except KeyError:
        known = ", ".join(sorted(_BY_TYPE))
        raise KeyError(f"no topic carries type {type_!r}; known types: {known}") from None


def topic_named(name: str) -> Topic:
    """The declared topic called ``name``.

    >>> topic_named("aw.legislation").partitions
    3
    """
    for topic in TOPICS:
        if topic.name == name:
            return topic
    raise KeyError(f"no topic named {name!r}; topics: {', '.join(t.name for t in TOPICS)}")
