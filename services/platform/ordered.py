"""Event-time order in the stream services: each stage takes its inputs in the replay's order.

A stage partition holds each input, unacknowledged, until every origin it reads from has got past
it (``services.domain.ordering``), then handles the held inputs in order and acknowledges them.
Kafka keeps what is held: offsets are committed only up to the first input still held, so a worker
killed with inputs held reads them again on restart, and a rebalance (which seeks every partition
back to its committed offset) does too; the handlers make the ones already handled no-ops.

How far the origins have got travels as ``aw.stream.progress.v1`` records (``contracts.progress``)
on the internal topics, behind the events they follow:

* :class:`ProgressReporter` says how far the agency partitions a worker reads have got (the latest
  event time read, less the allowed lateness; idle once quiet and caught up), to every partition
  of the internal topic the stage after it reads, or to the same partition of a co-partitioned one;
* :class:`OrderedStage` says how far it has released, to every partition of the topic it writes.

A stage says its progress when it changes; the reader keeps what each origin said in a table
(``<stage>-progress``, key ``<partition>|<origin>``), so that a restarted or rebalanced reader
knows it without being told again.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import faust
from faust.types import TP, EventT, Message

from contracts.codec import encode
from contracts.envelope import Envelope
from contracts.progress import ProgressData, ProgressReported, progress_key
from contracts.topics import LEASES, PROGRESS, Topic
from services.domain.ordering import (
    Bound,
    Key,
    Progress,
    Reorderer,
    Until,
    frontier,
    order_key,
    source_progress,
)
from services.platform.follower import CompactedFollower
from services.platform.stream import ChangelogWrites, StreamService
from services.platform.topics import topic_name

log = logging.getLogger(__name__)

OrderedHandle = Callable[[Envelope, Key, int, Message], Awaitable[bool]]
"""Handle one released input (the event, its place, the stage partition, its message); True
when it was a duplicate."""


def origin(topic: Topic | str, partition: int) -> str:
    """The name of an origin: an agency topic's partition, or a stage's partition.

    >>> origin("substance_resolver", 4)
    'substance_resolver/4'
    """
    name = topic if isinstance(topic, str) else topic.name
    return f"{name}/{partition}"


def progress_record(
    service: str,
    partition: int,
    source: str,
    progress: Progress,
    versions: dict[str, int],
    read_to: int | None = None,
) -> ProgressReported:
    now = datetime.now(UTC)
    return ProgressReported(
        id=f"progress/{source}/{partition}/{time.monotonic_ns()}",
        source=service,
        time=progress.through or now,
        published=now,
        data=ProgressData(
            partition=partition,
            origin=source,
            through=progress.through,
            idle=progress.idle,
            read_to=read_to if progress.idle else None,
            schedule_versions=versions,
        ),
    )


class _Sender:
    """Sends progress records when what they say changes."""

    def __init__(self, service: StreamService) -> None:
        self.service = service
        self._said: dict[tuple[str, str, int], Progress] = {}

    async def say(
        self,
        topic: Topic,
        partitions: Sequence[int],
        source: str,
        progress: Progress,
        versions: dict[str, int] | None = None,
        read_to: int | None = None,
    ) -> None:
        channel = self.service.topic(topic)
        for partition in partitions:
            if self._said.get((topic.name, source, partition)) == progress:
                continue
            record = progress_record(
                self.service.name, partition, source, progress, versions or {}, read_to
            )
            await channel.send(
                key=progress_key(partition).encode(), value=encode(record), partition=partition
            )
            self._said[(topic.name, source, partition)] = progress

    def busy(self, topic: Topic, partitions: Sequence[int], source: str) -> bool:
        """Whether every partition was last told that ``source`` is busy (not idle, not
        nothing): then the readers hold back what comes from it until it says more."""
        for partition in partitions:
            said = self._said.get((topic.name, source, partition))
            if said is None or said.idle:
                return False
        return True

    def standing(self, sources: Collection[str]) -> dict[str, Progress]:
        """The latest word this worker has said on each of ``sources`` (since it last forgot)."""
        return {source: said for (_, source, _), said in self._said.items() if source in sources}

    def forget(self) -> None:
        """Say everything again (the readers may have heard another worker meanwhile)."""
        self._said.clear()


class Leases:
    """Whose words still stand: an idle word holds nobody back only while its lease runs.

    Every third of ``idle_lease_s`` each worker writes, on the compacted ``aw.stream.leases``
    (key: the origin), the word it stands by on every origin it reads now and has spoken for;
    a reader follows the topic (:class:`~services.platform.follower.CompactedFollower`) and
    takes an idle word whose latest lease is older than ``idle_lease_s`` as busy where it stood
    (:meth:`OrderedStage._leased`). A worker stopped, or whose partitions are moving in a
    rebalance, says nothing, while the inputs it reads may grow: trusting its last idle word
    would let the stages after it run past what it has still to send. Busy words need no lease:
    they only hold back. One per service (:func:`leases`).
    """

    def __init__(self, service: StreamService) -> None:
        self.service = service
        self._stamped: dict[str, float] = {}
        self._follower = CompactedFollower(service.settings, LEASES, self._on_record)
        self._following = False
        self._listeners: list[Callable[[str], None]] = []

    def on_renewed(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(origin)`` when an origin's lease comes into force again."""
        self._listeners.append(listener)

    def follow(self) -> None:
        """Read the leases (a stage that trusts idle words does)."""
        if not self._following:
            self._following = True
            self.service.app.task(self._follower.run)

    def _on_record(self, key: bytes, value: bytes | None, timestamp_ms: int) -> None:
        source = key.decode()
        was = self.fresh(source)
        self._stamped[source] = max(self._stamped.get(source, 0.0), timestamp_ms / 1000)
        if not was and self.fresh(source):
            for listener in self._listeners:
                listener(source)

    def fresh(self, source: str) -> bool:
        """Whether ``source``'s worker has stood by its word within the lease."""
        stamped = self._stamped.get(source)
        return stamped is not None and time.time() - stamped < self.service.settings.idle_lease_s

    async def renew(self, words: dict[str, Progress]) -> None:
        channel = self.service.topic(LEASES)
        for source, progress in sorted(words.items(), key=lambda item: item[0]):
            record = progress_record(self.service.name, 0, source, progress, {})
            await channel.send(key=source.encode(), value=encode(record), partition=0)


_LEASES: weakref.WeakKeyDictionary[StreamService, Leases] = weakref.WeakKeyDictionary()


def leases(service: StreamService) -> Leases:
    """The service's :class:`Leases`."""
    found = _LEASES.get(service)
    if found is None:
        found = _LEASES[service] = Leases(service)
    return found


@dataclass
class _Clock:
    latest: dt.datetime | None = None
    offset: int | None = None
    heard: float = field(default_factory=time.monotonic)


class ProgressReporter:
    """How far the agency partitions this worker reads have got, said on a timer.

    ``observe`` is called once an input of a watched topic is handled (a stage that holds inputs
    calls it when the input is held: it is then safe in the stage's order).
    """

    def __init__(self, service: StreamService) -> None:
        self.service = service
        self._sender = _Sender(service)
        self._clocks: dict[TP, _Clock] = {}
        self._routes: list[tuple[Topic, Topic, bool, Callable[[int], dict[str, int]] | None]] = []

    def watch(
        self,
        source: Topic,
        to: Topic,
        *,
        broadcast: bool,
        versions: Callable[[int], dict[str, int]] | None = None,
    ) -> None:
        """Say how far ``source``'s partitions have got on ``to``: to every partition of it
        (``broadcast``) or to the same partition (co-partitioned)."""
        self._routes.append((source, to, broadcast, versions))

    def observe(self, message: Message, event_time: dt.datetime) -> None:
        clock = self._clocks.setdefault(message.tp, _Clock())
        if _passed(self.service, message) is not None:
            return  # a message before it was passed over: it is read again, and this after it
        if clock.latest is None or event_time > clock.latest:
            clock.latest = event_time
        clock.offset = message.offset
        clock.heard = time.monotonic()

    async def woke(self, message: Message, event_time: dt.datetime) -> None:
        """``message`` is read and its outputs are about to be sent: if its partition was said to
        be idle, say it is busy first, on every partition its outputs may go to.

        An idle origin holds nobody back, so a reader releases what it holds from the others at
        once; were this input's outputs to reach a reader before word that their origin is busy
        again, they would be released before inputs of other origins that stand before them
        (a burst after a quiet spell: a lab result before its seizure's items)."""
        self.observe(message, event_time)
        settings = self.service.settings
        lateness = dt.timedelta(hours=settings.input_lateness_hours)
        name = message.topic.removeprefix(settings.topic_namespace)
        for source, to, broadcast, versions in self._routes:
            if source.name != name:
                continue
            targets = list(range(to.partitions)) if broadcast else [message.partition]
            said = origin(source, message.partition)
            if self._sender.busy(to, targets, said):
                continue
            latest = self._clocks[message.tp].latest
            progress = source_progress(latest, lateness, quiet=False)
            await self._sender.say(
                to, targets, said, progress, versions(message.partition) if versions else None
            )

    def start(self) -> None:
        self.service.app.timer(interval=self.service.settings.progress_interval_s)(self.report)
        self.service.app.timer(interval=self.service.settings.idle_lease_s / 3)(self.renew)
        self.service.app.on_partitions_revoked.connect(cast(Any, self._revoked))

    async def _revoked(self, app: faust.App, revoked: set[TP], **kwargs: object) -> None:
        # What this worker knew of a partition is stale once it moves: another worker may read
        # it meanwhile. Start again from what is read next (or the committed offset), and say
        # everything again.
        self._clocks.clear()
        self._sender.forget()

    async def report(self) -> None:
        settings = self.service.settings
        lateness = dt.timedelta(hours=settings.input_lateness_hours)
        consumer = self.service.app.consumer
        for source, to, broadcast, versions in self._routes:
            name = topic_name(source, settings.topic_namespace)
            for tp in sorted(tp for tp in consumer.assignment() if tp.topic == name):
                clock = self._clocks.setdefault(tp, _Clock())
                # Any message read counts, a dead-lettered one too: it was dealt with.
                read = self.service.last_read(tp)
                offset = max(
                    clock.offset if clock.offset is not None else -1, read[0] if read else -1
                )
                heard = max(clock.heard, read[1] if read else 0.0)
                quiet = time.monotonic() - heard >= settings.idle_after_s
                quiet = quiet and self._caught_up(tp, offset) and _hole(self.service, tp) is None
                progress = source_progress(clock.latest, lateness, quiet=quiet)
                targets = range(to.partitions) if broadcast else (tp.partition,)
                await self._sender.say(
                    to,
                    list(targets),
                    origin(source, tp.partition),
                    progress,
                    versions(tp.partition) if versions else None,
                    read_to=offset + 1 if offset >= 0 else self._start(tp),
                )

    async def renew(self) -> None:
        """Stand by what was said on the agency partitions this worker reads now."""
        namespace = self.service.settings.topic_namespace
        names = {topic_name(source, namespace): source for source, *_ in self._routes}
        owned = {
            origin(names[tp.topic], tp.partition)
            for tp in self.service.app.consumer.assignment()
            if tp.topic in names
        }
        await leases(self.service).renew(self._sender.standing(owned))

    def _caught_up(self, tp: TP, offset: int) -> bool:
        """Whether everything written to ``tp`` so far has been read: a partition is idle only
        then (a worker just started has read nothing yet, and may be far behind)."""
        consumer = self.service.app.consumer
        try:
            highwater = consumer.highwater(tp)
        except Exception:  # not fetched yet
            return False
        if highwater is None:
            return False
        if offset >= 0:
            return offset + 1 >= highwater
        start = self._start(tp)
        return highwater == 0 or (start is not None and start >= highwater)

    def _start(self, tp: TP) -> int | None:
        """Where reading ``tp`` began: its committed offset."""
        committed = getattr(self.service.app.consumer, "_committed_offset", {}).get(tp)
        return None if committed is None else int(committed)


async def _always(progress: ProgressData) -> bool:
    return True


@dataclass
class _Partition:
    """One stage partition: what it holds, and what its origins have said."""

    held: Reorderer[tuple[Envelope, EventT]] = field(default_factory=Reorderer)
    holding: set[tuple[str, int]] = field(default_factory=set)
    handled: set[tuple[str, int]] = field(default_factory=set)
    """Where each input held, and each handled in this generation, was read (topic, offset).
    A partition read again from a message passed over before them (``stream._Consumer``)
    delivers second copies: one held is not held twice, one handled is not handled again
    (its handler would know it only by what the state still holds, and a sweep may have
    pruned that). Handled places are forgotten once committed (:meth:`OrderedStage._forget`)."""
    forget_at: int = 1024
    heard: dict[str, Progress] = field(default_factory=dict)
    waiting: dict[str, ProgressData] = field(default_factory=dict)
    """Progress heard but not yet usable (``OrderedStage.ready`` said no)."""
    said: dict[str, list[EventT]] = field(default_factory=dict)
    """Per origin, the progress records read and not yet acknowledged: each is acknowledged
    once what it says is in the progress table's changelog, so that a kill cannot commit a
    progress record that nobody kept (the origin, idle, would never say it again)."""
    read: dict[str, int] = field(default_factory=dict)
    """Per agency partition this stage reads itself, the offset it has read up to: an idle word
    from before it (``read_to`` lower) is stale."""
    bound: Bound | None = None
    behind: dict[TP, int] | None = None
    """Until it is empty, what each input must be read up to before anything is released: the
    end offsets when the partition was assigned (None: not asked yet). A worker that starts, or
    takes a partition over, reads again what was held before; releasing before it has read it
    all would hand out of order the inputs of one topic read before another's."""


class OrderedStage:
    """One agent reading ``topics`` (co-partitioned), its inputs handled in event-time order.

    ``origins(partition)`` names every origin partition ``partition`` hears from.
    ``report_to``: the topic this stage writes, to whose every partition it says how far it has
    released. ``ready(progress)``: whether a progress record may be used yet, awaited (the monitor
    waits for its copy of the schedule to be as new as the registry's record says). It is awaited
    in the stream: a record left waiting is looked at again only when the partition reads its
    next message, and a partition at the end of a burst reads none (its inputs were held for
    good after a restart, while the copy of the schedule came a few milliseconds late).
    ``released(partition, time, message)``: called after each release, in the partition's stream
    (``message`` is the one being read), with the event time the partition has reached: the
    bound, or when every origin is idle the latest time any of them has reached.
    """

    def __init__(
        self,
        service: StreamService,
        name: str,
        topics: Sequence[Topic],
        origins: Callable[[int], Sequence[str]],
        handle: OrderedHandle,
        *,
        report_to: Topic | None = None,
        sources: ProgressReporter | None = None,
        ready: Callable[[ProgressData], Awaitable[bool]] = _always,
        released: Callable[[int, dt.datetime | None, Message], Awaitable[None]] | None = None,
        on_late: Callable[[Envelope], None] = lambda event: None,
    ) -> None:
        self.service = service
        self.name = name
        self.topics = topics
        self.origins = origins
        self.handle = handle
        self.report_to = report_to
        self.sources = sources
        self.ready = ready
        self.released = released
        self.on_late = on_late
        self._partitions: dict[int, _Partition] = {}
        self._sender = _Sender(service)
        self._nudges: set[str] = set()
        assert PROGRESS in topics[-1].value_types, "progress travels on the last input topic"
        service.metrics.late_inputs.labels(name)  # from 0, so that an increase counts the first
        service.metrics.held_inputs.labels(name).set(0)
        channel = service.reads(name, *topics)

        async def agent(stream: faust.StreamT) -> None:
            manual = stream.noack()  # type: ignore[attr-defined]  # faust's StreamT omits it
            async for event in manual.events():
                await self._receive(manual, event)

        agent.__name__ = name
        service.app.agent(channel, name=name)(agent)
        service.app.on_partitions_revoked.connect(cast(Any, self._revoked))
        self._heard = service.app.Table(
            f"{name}-progress", default=None, key_type=str, partitions=topics[0].partitions
        )
        self._heard_writes = ChangelogWrites(self._heard)
        service.register_changelog(self._heard)
        self._leases = leases(service)
        self._leases.follow()
        self._leases.on_renewed(self._lease_renewed)
        service.app.timer(interval=service.settings.progress_interval_s)(self._nudge)
        if report_to is not None:
            service.app.timer(interval=service.settings.idle_lease_s / 3)(self._renew)

    def partition(self, number: int) -> _Partition:
        part = self._partitions.get(number)
        if part is None:
            part = self._partitions[number] = _Partition()
            for source in self.origins(number):
                kept = self._heard.get(f"{number}|{source}")
                if kept is not None:
                    part.heard[source] = Progress(
                        None
                        if kept["through"] is None
                        else datetime.fromisoformat(kept["through"]),
                        idle=kept["idle"],
                    )
        return part

    async def _receive(self, stream: faust.StreamT, event: EventT) -> None:
        message = event.message
        decoded = await self.service.decoded(message)
        k = message.partition
        part = self.partition(k)
        if part.behind is None:
            part.behind = await self._ends(k)
        if part.behind is not None and part.behind.get(message.tp, 0) <= message.offset + 1:
            part.behind.pop(message.tp, None)
        if decoded is None:
            await stream.ack(event)
        elif isinstance(decoded, ProgressReported) and decoded.data.origin.startswith(NUDGE):
            await stream.ack(event)  # nothing to keep: the partition looks again, below
        elif isinstance(decoded, ProgressReported) and _passed(self.service, message) is not None:
            # Said after a message this worker's stream passed over unread: that message is read
            # again, and this record after it.
            self.service.app.consumer.hold(message)  # type: ignore[attr-defined]
        elif isinstance(decoded, ProgressReported):
            part.waiting[decoded.data.origin] = decoded.data
            part.said.setdefault(decoded.data.origin, []).append(event)
            self.service.app.consumer.hold(message)  # type: ignore[attr-defined]
        elif (message.topic, message.offset) in part.holding:
            # A second copy: the first is held in its place. Holding this one too keeps it out
            # of the set faust waits on before a rebalance; its offset stays held.
            self.service.app.consumer.hold(message)  # type: ignore[attr-defined]
        elif (message.topic, message.offset) in part.handled:
            self.service.app.consumer.drop(message)  # type: ignore[attr-defined]
        else:
            key = order_key(decoded)
            self._woke(k, part, message, decoded)
            if self.sources is not None:
                await self.sources.woke(message, decoded.time)
            if part.held.offer(key, (decoded, event)):
                # Behind what was already handled: at once, out of order. A redelivered input
                # (a restarted stage before this one sends again) is a duplicate, not late.
                part.handled.add((message.topic, message.offset))
                if not await self._handle(stream, decoded, key, event):
                    self.service.metrics.late_inputs.labels(self.name).inc()
                    self.on_late(decoded)
            else:
                part.holding.add((message.topic, message.offset))
                self.service.app.consumer.hold(message)  # type: ignore[attr-defined]
        await self._release(stream, k, part, message)

    async def _ends(self, k: int) -> dict[TP, int] | None:
        """The inputs of partition ``k`` with something left to read, and their end offsets;
        None when the broker did not say (asked again with the next message)."""
        consumer = self.service.app.consumer
        namespace = self.service.settings.topic_namespace
        tps = [TP(topic_name(topic, namespace), k) for topic in self.topics]
        try:
            ends = await consumer.highwaters(*tps)
            earliest = await consumer.earliest_offsets(*tps)
        except Exception:  # a rebalance or a broker away: nothing is released until it answers
            log.warning("end offsets not known yet", exc_info=True, extra={"partition": k})
            return None
        # Where reading starts again: the committed offset, or the earliest kept (none yet).
        committed = getattr(consumer, "_committed_offset", {})
        return {
            tp: end
            for tp, end in ends.items()
            if end is not None and (committed.get(tp) or earliest.get(tp) or 0) < end
        }

    async def _release(
        self, stream: faust.StreamT, k: int, part: _Partition, message: Message
    ) -> None:
        if part.behind is None or part.behind:
            return  # still reading again what was there when the partition was assigned
        if not self._in_order(k):
            return  # a message passed over is read again first (stream._Consumer.in_order)
        kept = []
        for source, progress in list(part.waiting.items()):
            stale = progress.read_to is not None and part.read.get(source, 0) > progress.read_to
            if progress.idle and stale:
                # Said before the input this stage has since read from there: not idle.
                del part.waiting[source]
                for said in part.said.pop(source, []):
                    await stream.ack(said)
                continue
            if await self.ready(progress):
                del part.waiting[source]
                heard = part.heard[source] = _later(part.heard.get(source), progress)
                self._heard[f"{k}|{source}"] = _stored(heard)
                kept.append(source)
        if kept:
            await self._heard_writes.stored()
            for source in kept:
                for said in part.said.pop(source, []):
                    await stream.ack(said)
        standing = self._leased(part)
        bound = frontier(standing, self.origins(k))
        if bound is None:
            return
        part.bound = bound
        released = part.held.release(bound)
        if released:
            await self._wake(k, order_key(released[0][0]).time)
        for decoded, event in released:
            if event.message.generation_id != self.service.app.consumer_generation_id:
                return  # the partitions moved: what is held will be read again
            place = (event.message.topic, event.message.offset)
            part.holding.discard(place)
            part.handled.add(place)
            await self._handle(stream, decoded, order_key(decoded), event)
        if len(part.handled) > part.forget_at:
            self._forget(k, part)
        if self.released is not None:
            await self.released(k, _reached(bound, standing), message)
        self.service.metrics.held_inputs.labels(self.name).set(
            sum(len(p.held) for p in self._partitions.values())
        )
        await self._report(k, part)

    def _forget(self, k: int, part: _Partition) -> None:
        """Forget the handled places below their partitions' committed offsets: nothing is read
        again from before them in this generation."""
        committed = getattr(self.service.app.consumer, "_committed_offset", {})
        part.handled = {
            (topic, offset)
            for topic, offset in part.handled
            if offset >= int(committed.get(TP(topic, k)) or 0)
        }
        part.forget_at = max(1024, 2 * len(part.handled))

    def _in_order(self, k: int) -> bool:
        """Whether every input of partition ``k`` has been read in order so far. After a
        message its stream passed over, what is held from after it must wait: the bound may
        already be past it (a restarted worker's progress table keeps what was heard before)."""
        consumer = self.service.app.consumer
        namespace = self.service.settings.topic_namespace
        return all(
            consumer.in_order(TP(topic_name(topic, namespace), k))  # type: ignore[attr-defined]
            for topic in self.topics
        )

    def _leased(self, part: _Partition) -> dict[str, Progress]:
        """What the origins have said, an idle word whose lease has run out (:class:`Leases`)
        taken as busy where it stood (found by tests/stress/test_faults.py: every resolver
        partition said it was idle, then a rebalance kept the resolver silent for 25 s; the
        monitor followed the registry's progress to a stall on 16 November, and a lab result of
        11 November published meanwhile reached it afterwards)."""
        return {
            source: said if not said.idle or self._leases.fresh(source) else Progress(said.through)
            for source, said in part.heard.items()
        }

    def _lease_renewed(self, source: str) -> None:
        self._nudges.add(source)

    async def _nudge(self) -> None:
        """An idle word that was not trusted for want of a lease is trusted again: a partition
        holding it reads nothing more at the end of a burst, so it is sent a record
        (``lease:<origin>``, on the stage's last input topic) that makes it look again."""
        due, self._nudges = self._nudges, set()
        channel = self.service.topic(self.topics[-1])
        for k in self.owned() if due else ():
            part = self._partitions.get(k)
            idle = sorted(s for s in due if part is not None and _idle(part.heard.get(s)))
            if idle:
                record = progress_record(self.service.name, k, NUDGE + idle[0], Progress(None), {})
                await channel.send(key=progress_key(k).encode(), value=encode(record), partition=k)

    async def _renew(self) -> None:
        """Stand by what this worker's partitions of the stage have said."""
        owned = {origin(self.service.name, k) for k in self.owned()}
        await self._leases.renew(self._sender.standing(owned))

    async def _handle(
        self, stream: faust.StreamT, decoded: Envelope, key: Key, event: EventT
    ) -> bool:
        """Handle one input and acknowledge it; True when it was a duplicate."""
        message = event.message
        duplicate = False

        async def handle(decoded: Envelope, message: Message) -> None:
            nonlocal duplicate
            duplicate = bool(await self.handle(decoded, key, message.partition, message))

        await self.service.handled(self.name, decoded, message, handle)
        await stream.ack(event)
        return duplicate

    def _woke(self, k: int, part: _Partition, message: Message, decoded: Envelope) -> None:
        """An input read straight from an agency partition this stage waits for: that origin,
        if it was heard idle, is busy again (its own word comes back round a topic later)."""
        settings = self.service.settings
        name = origin(message.topic.removeprefix(settings.topic_namespace), message.partition)
        if name not in self.origins(k):
            return
        part.read[name] = max(part.read.get(name, 0), message.offset + 1)
        heard = part.heard.get(name)
        if heard is not None and heard.idle:
            lateness = dt.timedelta(hours=settings.input_lateness_hours)
            # Not past a message before it that was passed over (it is read again) either.
            passed = _passed(self.service, message) is not None
            part.heard[name] = Progress(None if passed else decoded.time - lateness)

    async def _wake(self, k: int, first: dt.datetime) -> None:
        """Before this partition sends anything on, say it is busy from ``first`` on if its
        readers last heard it idle (see :meth:`ProgressReporter.woke`)."""
        if self.report_to is None:
            return
        partitions = list(range(self.report_to.partitions))
        source = origin(self.service.name, k)
        if not self._sender.busy(self.report_to, partitions, source):
            await self._sender.say(self.report_to, partitions, source, Progress(first))

    async def _report(self, k: int, part: _Partition) -> None:
        if self.report_to is None:
            return
        progress = part.held.progress(part.bound)
        if progress is not None:
            partitions = list(range(self.report_to.partitions))
            await self._sender.say(
                self.report_to, partitions, origin(self.service.name, k), progress
            )

    def owned(self) -> list[int]:
        """The partitions of this stage this worker reads now."""
        name = topic_name(self.topics[0], self.service.settings.topic_namespace)
        return sorted(
            tp.partition for tp in self.service.app.consumer.assignment() if tp.topic == name
        )

    async def _revoked(self, app: faust.App, revoked: set[TP], **kwargs: object) -> None:
        # Every assigned partition is sought back to its committed offset after a rebalance:
        # what is held will be read again, in order; what it has got to is said again.
        self._partitions.clear()
        self._sender.forget()
        self.service.app.consumer.release_holds()  # type: ignore[attr-defined]


NUDGE = "lease:"
"""The origin of a record that only makes a stage partition look again
(:meth:`OrderedStage._nudge`)."""


def _idle(said: Progress | None) -> bool:
    return said is not None and said.idle


def _passed(service: StreamService, message: Message) -> int | None:
    """The offset before ``message`` that its partition's stream passed over unread, if any:
    nothing after it is in order until it is read again (``stream._Consumer.passed``)."""
    consumer = service.app.consumer
    return cast(int | None, consumer.passed(message.tp, message.offset))  # type: ignore[attr-defined]


def _hole(service: StreamService, tp: TP) -> int | None:
    consumer = service.app.consumer
    return cast(int | None, consumer.hole(tp))  # type: ignore[attr-defined]


def _reached(bound: Bound, heard: dict[str, Progress]) -> dt.datetime | None:
    if isinstance(bound, Until):
        return bound.time
    times = [p.through for p in heard.values() if p.through is not None]
    return max(times, default=None)


def _stored(progress: Progress) -> dict[str, object]:
    through = None if progress.through is None else progress.through.isoformat()
    return {"through": through, "idle": progress.idle}


def _loaded(kept: dict[str, object]) -> Progress:
    through = kept["through"]
    return Progress(
        None if through is None else datetime.fromisoformat(str(through)), idle=bool(kept["idle"])
    )


def _later(before: Progress | None, now: ProgressData) -> Progress:
    """What an origin has said, never going back while it is busy (records can be resent)."""
    said = Progress(now.through, idle=now.idle)
    if before is None or said.idle or before.idle:
        return said
    if before.through is not None and (said.through is None or said.through < before.through):
        return before
    return said


__all__ = ["Leases", "OrderedStage", "ProgressReporter", "Until", "leases", "origin"]
