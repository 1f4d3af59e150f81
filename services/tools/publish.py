"""``analogue-watch publish FILE.jsonl``: check a file of agency events, then send the good ones.

Each line is one event as an agency would publish it (see ``contracts/GUIDE.md``). Every line is
checked locally first with :func:`contracts.codec.decode`, exactly as the services will check it;
a bad line is reported with its number and the reason and is not sent. The good ones go, in file
order, to the topic of their type under the settings' namespace, keyed as the topic table says,
through the idempotent producer (a retried send is never written twice).

The pure core is :func:`plan`; :func:`send_all` is the edge that talks to Kafka.

>>> good = ('{"id": "e1", "type": "aw.legislation.amendment-withdrawn.v1", "source": "kz.mj",'
...         ' "jurisdiction": "KZ", "time": "2025-03-01T10:00:00+05:00",'
...         ' "published": "2025-03-01T10:05:00+05:00",'
...         ' "data": {"amendment_id": "KZ-2025-14", "reason": "superseded"}}')
>>> events, rejected = plan([good, "", "not json"])
>>> [(n, e.id) for n, e in events], [n for n, _ in rejected]
([(1, 'e1')], [3])
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO

from kafka import KafkaProducer
from kafka.errors import KafkaError

from contracts.codec import decode, encode
from contracts.envelope import Envelope
from contracts.errors import ContractError, ErrorClass
from contracts.events import EVENT_MODELS, Event
from contracts.substances import Structure
from contracts.topics import LAB_RESULTS, LEGISLATION, PROGRESS, SEIZURES, topic_for_type
from services.chemistry import StructureError, standardise
from services.platform.reach import unreachable
from services.platform.security import kafka_python_args
from services.platform.settings import ServiceSettings
from services.platform.topics import topic_name

PUBLISHABLE: frozenset[str] = SEIZURES.types | LAB_RESULTS.types | LEGISLATION.types
"""The types an agency publishes: seizures, lab results and legislation. Everything else on the
topic table is written by Analogue Watch itself."""

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_SEND_FAILED = 0, 1, 2, 3

Planned = list[tuple[int, Event]]
Rejected = list[tuple[int, str]]


def plan(
    lines: Iterable[bytes | str], *, now: dt.datetime | None = None
) -> tuple[Planned, Rejected]:
    """Split ``lines`` into the events to send and the rejected lines, by line number (from 1).

    Blank lines are skipped. A rejection reason starts with the error class, as on a dead letter.
    ``now`` is the reference for the clock-skew check (default: the current time).

    >>> alert = '{"type": "aw.alert.raised.v1"}'
    >>> plan([alert])[1][0][1].split(":")[0]
    'unknown_type'
    """
    events: Planned = []
    rejected: Rejected = []
    for lineno, line in enumerate(lines, start=1):
        raw = line.encode("utf-8") if isinstance(line, str) else line
        if not raw.strip():
            continue
        try:
            events.append((lineno, check_line(raw, now=now)))
        except ContractError as err:
            rejected.append((lineno, str(err)))
    return events, rejected


def check_line(raw: bytes, *, now: dt.datetime | None = None) -> Event:
    """The event on one line, or ``ContractError``: it must be valid and of a publishable type."""
    try:
        return decode(raw, now=now, accept=PUBLISHABLE)
    except ContractError as err:
        internal = _internal_type(raw) if err.error_class is ErrorClass.UNKNOWN_TYPE else None
        if internal is None:
            raise
        # decode's own wording ("not accepted on this topic") does not say why here.
        where = "its services, on internal topics"
        if internal != PROGRESS:
            topic = topic_for_type(internal)
            where = f"{', '.join(topic.producers)}, on {topic.name}"
        raise ContractError(
            ErrorClass.UNKNOWN_TYPE,
            f"type: {internal} is written by Analogue Watch itself ({where}), not by agencies; "
            "publish seizures, lab results and legislation only: " + ", ".join(sorted(PUBLISHABLE)),
            field="type",
        ) from None


def structure_problems(events: Planned) -> Rejected:
    """The lines whose structures the chemistry core refuses, as the services would: each with
    ``invalid_structure``, the field and the reason (``--dry-run``: the services would still use
    the line's other substances, and dead-letter it for these).

    >>> from contracts.codec import decode
    >>> raw = ('{"id": "l1", "type": "aw.lab-result.reported.v1", "source": "kz.lab",'
    ...     ' "jurisdiction": "KZ", "time": "2025-03-01T10:00:00+05:00",'
    ...     ' "published": "2025-03-01T10:05:00+05:00", "data": {"lab_id": "L", "sample_id": "S",'
    ...     ' "analysed_at": "2025-03-01T10:00:00+05:00", "method": "GC-MS",'
    ...     ' "substances": [{"structure": {"smiles": "C1CC"}}]}}')
    >>> structure_problems([(7, decode(raw.encode()))])[0][1].split(":")[:2]
    ['invalid_structure', ' data.substances[0].structure']
    """
    problems: Rejected = []
    for lineno, event in events:
        for where, structure in _structures(event):
            try:
                standardise(structure)
            except StructureError as error:
                reason = f"{error.kind}: {error.reason}"
                problems.append((lineno, f"invalid_structure: {where}: {reason}"))
    return problems


def _structures(event: Event) -> list[tuple[str, Structure]]:
    """The structures of a lab result, or of the substances a legislation event names."""
    named = getattr(event.data, "substances", None)
    if not isinstance(named, list):
        return []
    return [(f"data.substances[{i}].structure", s.structure) for i, s in enumerate(named)]


def _internal_type(raw: bytes) -> str | None:
    """The line's type when it is a known type agencies may not publish."""
    try:
        doc = json.loads(raw)
    except ValueError:
        return None
    type_ = doc.get("type") if isinstance(doc, dict) else None
    known_internal = type_ in EVENT_MODELS and type_ not in PUBLISHABLE
    return type_ if known_internal else None


# --- the edge: sending -------------------------------------------------------------------------


def open_producer(
    settings: ServiceSettings, client_id: str = "analogue-watch-publish"
) -> KafkaProducer:
    """kafka-python's idempotent producer: ``acks=all``, retries never duplicate or reorder."""
    return KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        max_block_ms=15_000,  # a broker that cannot be reached fails the run, not hangs it
        **kafka_python_args(settings),
    )


@dataclass
class Delivery:
    """What :func:`send_all` achieved: events acknowledged per broker topic, and failures."""

    sent: Counter[str] = field(default_factory=Counter)
    failed: Rejected = field(default_factory=list)
    not_attempted: int = 0


class Progress:
    """A one-line progress bar on a stream, redrawn with ``\\r`` at most ten times a second."""

    WIDTH = 30

    def __init__(
        self, total: int, stream: IO[str], *, enabled: bool, label: str = "publish"
    ) -> None:
        self.total, self.stream, self.enabled = total, stream, enabled and total > 0
        self.label = label
        self._drawn_at = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._drawn_at < 0.1 and done < self.total):
            return
        self._drawn_at = now
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(
            f"\r{self.label} [{bar}] {done}/{self.total} {100 * done // self.total:3d}%"
        )
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def send_all(
    producer: KafkaProducer,
    events: Sequence[tuple[int, Envelope]],
    namespace: str,
    *,
    pace: float = 0.0,
    wait: Callable[[float], None] = time.sleep,
    progress: Progress | None = None,
    timeout_s: float = 60.0,
) -> Delivery:
    """Send ``events`` in order, each to its type's topic under ``namespace`` with the table's key.

    ``wait(pace)`` is called between events (the demo follows alerts while it waits). Sending stops
    at the first error the producer raises (an unreachable broker fails every later send too).
    """
    delivery = Delivery()
    futures = []
    for done, (lineno, event) in enumerate(events, start=1):
        topic = topic_for_type(event.type)
        name = topic_name(topic, namespace)
        try:
            future = producer.send(name, key=topic.key_of(event).encode(), value=encode(event))
        except (KafkaError, ContractError) as exc:
            delivery.failed.append((lineno, f"not sent: {exc}"))
            delivery.not_attempted = len(events) - done
            break
        futures.append((lineno, name, future))
        if progress is not None:
            progress.update(done)
        if pace > 0 and done < len(events):
            wait(pace)
    producer.flush(timeout=timeout_s)
    for lineno, name, future in futures:
        try:
            future.get(timeout=0)
        except KafkaError as exc:
            delivery.failed.append((lineno, f"not acknowledged by the broker: {exc!r}"))
        else:
            delivery.sent[name] += 1
    delivery.failed.sort()
    return delivery


# --- the command -------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "publish",
        help="check a JSONL file of agency events and send the valid ones",
        description="Checks every line (one event as JSON) against the contracts, reports each "
        "bad line with its number and reason, and sends the good ones to the topic of their type "
        "with the idempotent producer. Settings come from the environment: "
        "KAFKA_BOOTSTRAP_SERVERS, AW_TOPIC_NAMESPACE. Exit status: 0 all lines sent, 1 some "
        "lines rejected (the valid ones are still sent), 2 usage error, 3 the broker did not "
        "take every valid event.",
    )
    parser.add_argument("file", metavar="FILE", help="JSONL file, one event per line; - for stdin")
    parser.add_argument("--dry-run", action="store_true", help="check only, send nothing")
    parser.add_argument(
        "--pace", type=float, default=0.0, metavar="SECONDS", help="sleep between events (demos)"
    )
    parser.add_argument(
        "--progress", action="store_true", help="show a progress bar even when stderr is no TTY"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.pace < 0:
        print("publish: --pace must not be negative", file=sys.stderr)
        return EXIT_USAGE
    try:
        lines = _read_lines(args.file)
    except OSError as exc:
        print(f"publish: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    events, rejected = plan(lines)
    for lineno, reason in rejected:
        print(f"line {lineno}: rejected: {reason}", file=sys.stderr)
    settings = ServiceSettings.from_env()
    if args.dry_run:
        bad = structure_problems(events)
        for lineno, reason in bad:
            print(f"line {lineno}: would be dead-lettered: {reason}", file=sys.stderr)
        rejected = [*rejected, *bad]
        events = [(n, e) for n, e in events if n not in {lineno for lineno, _ in bad}]
        ns = settings.topic_namespace
        would = Counter(topic_name(topic_for_type(e.type), ns) for _, e in events)
        _summary(len(events), len(rejected), would, verb="would send")
        return EXIT_REJECTED if rejected else EXIT_OK
    problem = unreachable(settings.kafka_bootstrap_servers)
    if problem is not None:
        print(f"publish: {problem} Nothing was sent.", file=sys.stderr)
        return EXIT_SEND_FAILED
    delivery = _send(settings, events, pace=args.pace, show_progress=args.progress)
    for lineno, reason in delivery.failed:
        print(f"line {lineno}: {reason}", file=sys.stderr)
    if delivery.not_attempted:
        print(f"publish: {delivery.not_attempted} later line(s) not sent", file=sys.stderr)
    _summary(len(events), len(rejected), delivery.sent, verb="sent")
    if delivery.failed:
        return EXIT_SEND_FAILED
    return EXIT_REJECTED if rejected else EXIT_OK


def _read_lines(path: str) -> list[bytes]:
    if path == "-":
        return sys.stdin.buffer.read().splitlines()
    with open(path, "rb") as handle:
        return handle.read().splitlines()


def _send(
    settings: ServiceSettings, events: Planned, *, pace: float, show_progress: bool
) -> Delivery:
    if not events:
        return Delivery()
    progress = Progress(
        len(events), sys.stderr, enabled=show_progress or (sys.stderr.isatty() and len(events) > 50)
    )
    try:
        producer = open_producer(settings)
    except KafkaError as exc:
        first = events[0][0]
        return Delivery(failed=[(first, f"not sent: {exc!r}")], not_attempted=len(events) - 1)
    try:
        return send_all(producer, events, settings.topic_namespace, pace=pace, progress=progress)
    finally:
        progress.finish()
        producer.close()


def _summary(valid: int, rejected: int, by_topic: Counter[str], *, verb: str) -> None:
    print(f"publish: {valid} valid line(s), {rejected} rejected")
    for name in sorted(by_topic):
        print(f"  {verb} {by_topic[name]} to {name}")
