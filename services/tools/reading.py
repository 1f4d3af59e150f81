"""One topic read from the command line: every partition assigned, no group, nothing committed.

``analogue-watch alerts`` and ``analogue-watch dead-letters`` read their topic the same two ways:
:func:`read_to_end` (from the beginning to the end offsets seen at the start) and :func:`follow`
(as events arrive). A message that is not a valid event of the topic is logged and skipped: the
tools show what the services would accept, nothing else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from typing import TypeVar

from kafka import KafkaConsumer, TopicPartition

from contracts.codec import decode
from contracts.envelope import Envelope
from contracts.errors import ContractError
from contracts.topics import Topic
from services.platform.security import describe, kafka_python_args
from services.platform.settings import ServiceSettings
from services.platform.topics import topic_name

log = logging.getLogger(__name__)

E = TypeVar("E")

POLL_MS = 500


class TopicMissing(SystemExit):
    """The topic is not there, or this principal may not read it (the message says which)."""


def _open(
    settings: ServiceSettings, topic: Topic, client_id: str, also: Sequence[Topic] = ()
) -> tuple[KafkaConsumer, list[TopicPartition]]:
    """A consumer assigned every partition of ``topic``, and of those of ``also`` that exist (a
    missing one is warned about): no group, nothing committed."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=client_id,
        group_id=None,
        enable_auto_commit=False,
        **kafka_python_args(settings),
    )
    assigned: list[TopicPartition] = []
    for each in (topic, *also):
        name = topic_name(each, settings.topic_namespace)
        partitions = consumer.partitions_for_topic(name)
        missing = (
            f"topic {name} does not exist on {settings.kafka_bootstrap_servers}, or "
            f"{describe(settings)} may not read it; create the topics with "
            "`analogue-watch topics create`"
        )
        if partitions:
            assigned += [TopicPartition(name, p) for p in sorted(partitions)]
        elif each is topic:
            consumer.close()
            raise TopicMissing(missing)
        else:
            log.warning(f"not followed: {missing}")
    consumer.assign(assigned)
    return consumer, assigned


def _decoded(records: Iterable, topic: Topic, what: str) -> Iterator[Envelope]:
    for record in records:
        try:
            event = decode(record.value or b"", accept=topic.types)
        except ContractError as error:
            log.warning(
                f"skipped a message that is not a valid {what} event",
                extra={
                    "partition": record.partition,
                    "offset": record.offset,
                    "reason": error.reason[:300],
                },
            )
            continue
        yield event


def read_to_end(
    settings: ServiceSettings, topic: Topic, timeout_s: float, *, what: str, client_id: str
) -> list[Envelope]:
    """Every event on ``topic``, from the beginning to the end offsets seen at the start.
    ``what``: the events in a word, for the log (``alert``, ``dead-letter``)."""
    consumer, assigned = _open(settings, topic, client_id)
    with closing(consumer):
        consumer.seek_to_beginning(*assigned)
        end = consumer.end_offsets(assigned)
        remaining = {tp for tp in assigned if end[tp] > consumer.position(tp)}
        events: list[Envelope] = []
        deadline = time.monotonic() + timeout_s
        while remaining:
            if time.monotonic() > deadline:
                raise SystemExit(f"could not read {topic.name} to its end in {timeout_s:g} s")
            for tp, records in consumer.poll(timeout_ms=POLL_MS).items():
                events.extend(_decoded((r for r in records if r.offset < end[tp]), topic, what))
            remaining = {tp for tp in remaining if consumer.position(tp) < end[tp]}
        return events


def follow(
    settings: ServiceSettings,
    topic: Topic,
    *,
    from_beginning: bool,
    timeout_s: float | None,
    what: str,
    client_id: str,
    also: Sequence[Topic] = (),
) -> Generator[Envelope, None, None]:
    """Events on ``topic`` (and on ``also``, where they exist) as they arrive, until the
    time-out (None: until the caller stops)."""
    consumer, assigned = _open(settings, topic, client_id, also)
    by_name = {topic_name(t, settings.topic_namespace): t for t in (topic, *also)}
    with closing(consumer):
        if from_beginning:
            consumer.seek_to_beginning(*assigned)
        else:
            consumer.seek_to_end(*assigned)
            for tp in assigned:  # resolve the positions now: what arrives later is printed
                consumer.position(tp)
        log.info(
            f"following {what}s",
            extra={"topic": assigned[0].topic, "from_beginning": from_beginning},
        )
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while deadline is None or time.monotonic() < deadline:
            for tp, records in consumer.poll(timeout_ms=POLL_MS).items():
                yield from _decoded(records, by_name[tp.topic], what)


def print_each(
    events: Generator[E, None, None],
    shown: Callable[[E], bool],
    show: Callable[[E], None],
    limit: int | None,
) -> None:
    """``show`` each event ``shown`` says yes to, until ``limit`` of them (None: no limit), the
    events end, or Ctrl-C; the reading stops (its consumer closed) either way."""
    printed = 0
    try:
        with closing(events):
            for event in events:
                if not shown(event):
                    continue
                show(event)
                printed += 1
                if printed == limit:
                    break
    except KeyboardInterrupt:
        pass
