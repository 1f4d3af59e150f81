"""Faust plumbing shared by the stream services: topics from the table, state tables, dead letters.

A service's ``app.py`` builds one :class:`StreamService`, declares its state tables and its
consumers, and hands each decoded event to a pure handler from ``handlers.py``. Everything a
handler returns (new state, events to send, rejections) is applied by :meth:`StreamService.apply`.

Processing is at-least-once: an input is acknowledged only once the state it produced is on its
changelog (:meth:`StateTable.stored`), faust flushes the producer before committing offsets, and
the handlers make a redelivered event a no-op (dedup by event id, versions derived from state).
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import os
import time
import weakref
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP, Message, TableT
from faust.utils import json as faust_json
from pydantic import BaseModel, Field

from contracts.codec import decode, encode
from contracts.dead_letter import dead_letter_for
from contracts.envelope import Envelope
from contracts.errors import ContractError
from contracts.topics import DEAD_LETTERS, Topic, topic_named
from services.platform.logs import configure_logging, logging_config
from services.platform.metrics import ServiceMetrics
from services.platform.security import faust_credentials
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_changelogs, group_id, topic_name
from services.platform.watchdog import EXIT_STALLED, Reading, stalled

log = logging.getLogger(__name__)

S = TypeVar("S", bound=BaseModel)
Handle = Callable[[Envelope, Message], Awaitable[None]]


class StreamSettings(ServiceSettings):
    """Settings of a stream service (each service's ``config.py`` extends these)."""

    data_dir: str = Field(".run/state", alias="AW_DATA_DIR")
    metrics_port: int = Field(0, alias="AW_METRICS_PORT", ge=0, le=65535)
    # Loopback by default, as the board: a container that Prometheus scrapes from outside sets
    # 0.0.0.0 (docker-compose.yml does).
    metrics_host: str = Field("127.0.0.1", alias="AW_METRICS_HOST", min_length=1)
    # How long the group waits for a silent worker before moving its partitions to the others
    # (or to its own restart). Long by default: a slow structure must not cause a rebalance.
    # Tests that kill workers lower it so a restarted worker gets its partitions back quickly.
    broker_session_timeout_s: float = Field(60.0, alias="AW_BROKER_SESSION_TIMEOUT_S", ge=6)
    # Event-time order (services.platform.ordered): how far an agency partition may deliver out
    # of event-time order, and how long a caught-up input must be quiet before it holds nobody
    # back (the end of a burst).
    input_lateness_hours: float = Field(48.0, alias="AW_INPUT_LATENESS_HOURS", ge=0)
    idle_after_s: float = Field(3.0, alias="AW_IDLE_AFTER_S", gt=0)
    progress_interval_s: float = Field(0.5, alias="AW_PROGRESS_INTERVAL_S", gt=0)
    # An idle word is a lease: it holds for this long unless its origin says it again (every
    # third of it). A worker stopped, or in a rebalance, says nothing, while its inputs may grow.
    idle_lease_s: float = Field(6.0, alias="AW_IDLE_LEASE_S", gt=0)
    # A partition with messages waiting and not read for this long stops the worker, so that its
    # supervisor restarts it (services/platform/watchdog.py). 0: never.
    stall_after_s: float = Field(60.0, alias="AW_STALL_AFTER_S", ge=0)
    # Fault injection for tests: "<topic>/<partition>@<n>" stops fetching that input partition
    # after its n-th message, once per state folder: the stall faust-streaming 629 leaves.
    fault_pause_partition: str = Field(
        "", alias="AW_FAULT_PAUSE_PARTITION", pattern=r"^$|^[A-Za-z0-9._-]+/\d+@\d+$"
    )


class _IdempotentProducer(faust_aiokafka.Producer):
    """Faust enables the idempotent producer only inside transactions (exactly-once mode, which
    has open bugs); at-least-once wants it too, so that a retried send is never written twice."""

    def _settings_extra(self) -> dict[str, Any]:
        return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}


REREAD_AFTER_S = 5.0
"""How long the first unacknowledged offset of a partition may be missing (later ones acked,
it neither held nor being handled) before the partition is read again from it."""


class _Offsets:
    """A set of offsets whose lowest is found fast (a heap; removals are lazy).

    >>> o = _Offsets(); o.add(7); o.add(3); o.add(5); o.discard(3)
    >>> o.first(0), o.first(6), bool(o)
    (5, 7, True)
    """

    def __init__(self) -> None:
        self._in: set[int] = set()
        self._heap: list[int] = []

    def add(self, offset: int) -> None:
        if offset not in self._in:
            self._in.add(offset)
            heapq.heappush(self._heap, offset)

    def discard(self, offset: int) -> None:
        self._in.discard(offset)

    def first(self, at_least: int) -> int | None:
        """The lowest offset kept, forgetting those below ``at_least``."""
        heap = self._heap
        while heap and (heap[0] not in self._in or heap[0] < at_least):
            self._in.discard(heapq.heappop(heap))
        return heap[0] if heap else None

    def __bool__(self) -> bool:
        return bool(self._in)


def _known() -> dict[str, Any]:
    return {
        "taken": weakref.WeakSet(),
        "first": {},
        "last": {},
        "furthest": {},
        "skipped": {},
        "missing": {},
        "passed": {},
        "done": {},
    }


class _Consumer(faust_aiokafka.Consumer):
    """At-least-once with inputs held in event-time order: what faust's consumer lacks.

    A message read before a rebalance and reached after it is skipped by faust's stream and then
    acknowledged; the partition was sought back to its committed offset, so the message comes
    again, but its acknowledgement could already commit past it, and a second rebalance before
    it comes again would lose it. So is a message faust skips because a rebalance has begun (its
    flow is stopped) although its generation is still the current one. Only a message a service
    has taken (:meth:`took`) is acknowledged, and only in the generation it was read in.

    An ordered stage (``services.platform.ordered``) holds messages until their turn, and
    acknowledges later ones meanwhile. Faust commits the acknowledged offsets that follow the
    committed one without a gap, but with no offset committed yet it skips that check, and with
    one it lets the first acknowledged offset be one past it (a gap of one message): a held
    input was then committed unhandled, and lost to a kill (found by tests/stress/test_faults.py).
    Nothing is committed at or past a held offset (:meth:`hold`), nor past the first offset of
    the partition not yet acknowledged (:meth:`_new_offset`). Held messages also leave the set
    faust waits on before a rebalance (it would wait for them forever): a rebalance reads them
    again (:meth:`release_holds`).

    A partition whose first unacknowledged message is neither held nor being handled, while later
    ones are acknowledged, would never be committed further (seen after rebalances in the kill
    tests, with the message's input already handled): after ``REREAD_AFTER_S`` the partition is
    read again from there (:meth:`commit`); the handlers make what was handled a no-op.

    A message faust's stream skips is passed over while the ones after it are taken: those are
    not in order until it is read again (:meth:`passed`). How far a partition has got is not said
    past it (``services.platform.ordered``), and after ``REREAD_AFTER_S`` the partition is read
    again from it, whether or not anything after it was acknowledged (:meth:`hole`).
    """

    read_again = 0
    """Partitions read again from a message missing or passed over (exported as a metric)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        deliver = self.callback

        async def delivered(message: Message) -> Any:
            if self._done(message):
                # Read all the same: how far the partition has been read (the watchdog, idle
                # words) counts it, or a partition read again to its end would look unread.
                self.copies_dropped[message.tp] = (message.offset, time.monotonic())
                return None
            self.delivered(message)
            return await deliver(message)

        self.callback = delivered
        self.copies_dropped: dict[TP, tuple[int, float]] = {}
        """Per partition, the last second copy :meth:`_done` dropped, and when (monotonic)."""

    def delivered(self, message: Message) -> None:
        """The fetcher hands ``message`` to the streams: a message is known to be at its offset,
        whether a stream then takes it or not. Faust's stream skips, and acknowledges, a message
        it reads while its flow is stopped or from another generation, and the fetcher has read
        past it: nothing reads it again unless the partition is sought back. Its offset must not
        be passed by a commit (faust would, one past the committed offset), so it stays the
        partition's head until a service takes it and acknowledges it (found by
        tests/stress/test_faults.py: a lab result read as the resolver's partitions came back
        after a rebalance, committed and never handled)."""
        if not self.app.topics.acks_enabled_for(message.topic):
            return  # a table's changelog, read to restore it: never committed, never taken
        self._seen().setdefault(message.tp, set()).add(message.offset)
        self._untaken().setdefault(message.tp, _Offsets()).add(message.offset)

    def _done(self, message: Message) -> bool:
        """Whether ``message`` comes again only because its partition is read again from an
        earlier offset (:meth:`_reread_missing`), after a service had handled and acknowledged
        it in this generation: it is not handed on a second time. A stage recognises a second
        copy only by what its state still holds, and by then it could have forgotten it (found by
        ``make stress``, 7 December 2026: the monitor's partitions read again from offset 0 some
        seconds after a restart; sightings its sweeps had pruned since counted again, with their
        region and channel)."""
        done: set[int] | None = self._generation()["done"].get(message.tp)
        if not done or message.offset not in done:
            return False
        done.discard(message.offset)
        return True

    def _untaken(self) -> dict[TP, _Offsets]:
        """Per partition, the offsets delivered and not taken by a service since."""
        untaken: dict[TP, _Offsets] | None = getattr(self, "_untaken_offsets", None)
        if untaken is None:
            untaken = {}
            self._untaken_offsets: dict[TP, _Offsets] = untaken
        return untaken

    def passed(self, tp: TP, offset: int) -> int | None:
        """The first offset before ``offset`` that the stream of ``tp`` passed without a service
        taking its message (faust skipped it), if any: it is read again later, so what comes
        after it is not yet in order. A service takes a partition's messages in offset order, so
        a delivered offset before one being taken that no service took was passed over."""
        untaken = self._untaken().get(tp)
        if not untaken:
            return None
        committed = self._committed_offset.get(tp)
        first = untaken.first(0 if committed is None else int(committed))
        return first if first is not None and first < offset else None

    def _first_untaken(self, tp: TP) -> int | None:
        """The first offset of ``tp`` delivered and not taken since (a message skipped or
        passed over, or one on its way to the stream)."""
        untaken = self._untaken().get(tp)
        if not untaken:
            return None
        committed = self._committed_offset.get(tp)
        return untaken.first(0 if committed is None else int(committed))

    def hole(self, tp: TP) -> int | None:
        """The first offset of ``tp`` passed over by its stream in this generation, if any
        (see :meth:`passed`): how far ``tp`` has been read in order stops there."""
        last = self._generation()["last"].get(tp)
        return None if last is None else self.passed(tp, last)

    def in_order(self, tp: TP) -> bool:
        """Whether every message of ``tp`` before the furthest one taken in this generation has
        been taken too: not so from a message passed over until the partition, read again from
        it, has got back to where it was (:meth:`hole` restarts at the re-read; this does not).

        An ordered stage releases nothing meanwhile: what it holds from after the hole would go
        out before the messages of the hole, which then come late (found by the arrival kill
        test, 8 December 2026: the restarted monitor's stream passed over offset 0 of every
        input; the detections after it were released at once against the progress its table
        had kept from before the kill, and the four earlier detections of 4-CEC came late, so
        its alert lost an update)."""
        furthest = self._generation()["furthest"].get(tp)
        return furthest is None or self.passed(tp, furthest) is None

    def _holding(self) -> dict[TP, dict[int, int]]:
        """Per partition, each held offset and the generation it was read in."""
        held: dict[TP, dict[int, int]] | None = getattr(self, "_held", None)
        if held is None:
            held = {}
            self._held: dict[TP, dict[int, int]] = held
        return held

    def _generation(self) -> dict[str, Any]:
        """What this worker knows of its partitions in the current generation: the messages
        taken, the first and last offsets taken on each partition (reading began at the first
        when nothing is committed), and since when each one's first unacknowledged offset, or
        an offset its stream passed over, has been missing."""
        known: dict[str, Any] | None = getattr(self, "_known", None)
        if known is None:
            known = _known()
            self._known: dict[str, Any] = known
        return known

    def _seen(self) -> dict[TP, set[int]]:
        """Per partition, the offsets not yet committed at which a message was delivered or
        taken, in any generation: a message is known to be there (not a transaction marker)."""
        seen: dict[TP, set[int]] | None = getattr(self, "_seen_offsets", None)
        if seen is None:
            seen = {}
            self._seen_offsets: dict[TP, set[int]] = seen
        return seen

    def took(self, message: Message) -> None:
        """A service has ``message`` in hand: its acknowledgement will mean it was dealt with."""
        known = self._generation()
        known["taken"].add(message)
        self._seen().setdefault(message.tp, set()).add(message.offset)
        untaken = self._untaken().get(message.tp)
        if untaken:
            untaken.discard(message.offset)
        if message.generation_id == self.app.consumer_generation_id:
            first = known["first"]
            first[message.tp] = min(first.get(message.tp, message.offset), message.offset)
            last = known["last"]
            last[message.tp] = max(last.get(message.tp, message.offset), message.offset)
            furthest = known["furthest"]
            furthest[message.tp] = max(furthest.get(message.tp, message.offset), message.offset)

    def ack(self, message: Message) -> bool:
        self._holding().get(message.tp, {}).pop(message.offset, None)
        if message.generation_id != self.app.consumer_generation_id:
            return False
        if message not in self._generation()["taken"]:
            # Skipped by faust's stream (its flow was stopped), not dealt with: it is read again.
            # Nothing taken after it may show it (a partition whose every message was skipped at
            # a restart): it is remembered, and the partition read again from it (commit).
            skipped: dict[TP, tuple[int, float]] = self._generation()["skipped"]
            first = skipped.get(message.tp)
            if first is None or message.offset < first[0]:
                skipped[message.tp] = (message.offset, time.monotonic())
            return False
        return bool(super().ack(message))

    def hold(self, message: Message) -> None:
        """``message`` waits for its turn: no commit reaches its offset until it is acked."""
        self._unacked_messages.discard(message)
        self._holding().setdefault(message.tp, {})[message.offset] = int(message.generation_id or 0)

    def drop(self, message: Message) -> None:
        """``message`` is a second copy of one already handled and acknowledged in this
        generation (its partition was read again from before it): nothing waits for it."""
        self._unacked_messages.discard(message)

    def release_holds(self) -> None:
        """The partitions moved: what was held will be read again from the committed offsets."""
        self.copies_dropped.clear()
        self._holding().clear()
        self._untaken().clear()
        self._known = _known()

    def _head(self, tp: TP) -> int | None:
        """The first offset of ``tp`` not yet acknowledged where a message is known to be.

        Faust lets the first acknowledged offset be one past the committed one, for an offset
        that holds no message (a transaction's marker); that is kept unless a message was seen
        there."""
        committed = self._committed_offset.get(tp)
        seen = self._seen().get(tp)
        if committed is None:
            first: int | None = self._generation()["first"].get(tp)
            known = [offset for offset in (first, *(seen or ())) if offset is not None]
            return min(known) if known else None
        if seen:
            seen.difference_update([offset for offset in seen if offset < committed])
        return int(committed) if seen and committed in seen else None

    def _in_hand(self, tp: TP, offset: int) -> bool:
        """Whether the message at ``offset`` is held or being handled now."""
        generation = self.app.consumer_generation_id
        if self._holding().get(tp, {}).get(offset) == generation:
            return True
        return any(m.tp == tp and m.offset == offset for m in self._unacked_messages)

    def _new_offset(self, tp: TP) -> int | None:
        generation = self.app.consumer_generation_id
        acked = self._acked[tp]
        head = self._head(tp)
        if acked and head is not None and min(acked) > head:
            # The first unacknowledged message is not acked yet: commit nothing past it.
            missing = self._generation()["missing"]
            if self._in_hand(tp, head):
                missing.pop(tp, None)
            else:
                missing.setdefault(tp, (head, time.monotonic()))
            return None
        self._generation()["missing"].pop(tp, None)
        # A hold from an older generation is void: that message is read again after the seek.
        held = [offset for offset, gen in self._holding().get(tp, {}).items() if gen == generation]
        if not held or not acked:
            return cast(int | None, super()._new_offset(tp))
        lowest = min(held)
        later = [offset for offset in acked if offset >= lowest]
        self._acked[tp] = [offset for offset in acked if offset < lowest]
        try:
            return cast(int | None, super()._new_offset(tp))
        finally:
            self._acked[tp] = sorted([*self._acked[tp], *later])

    async def commit(self, *args: Any, **kwargs: Any) -> bool:
        await self._reread_missing()
        return bool(await super().commit(*args, **kwargs))

    async def _reread_missing(self) -> None:
        """Read again from its first unacknowledged offset a partition missing it for long."""
        if self.app.rebalancing or not self.app.flow_control.is_active():
            return
        known = self._generation()
        now = time.monotonic()
        passed: dict[TP, tuple[int, float]] = known["passed"]
        for tp in list(known["last"]):
            hole = self.hole(tp)
            if hole is None:
                passed.pop(tp, None)
            elif passed.get(tp, (None,))[0] != hole:
                passed[tp] = (hole, now)
        due: dict[TP, tuple[int, str]] = {}
        for tp, (head, since) in list(known["missing"].items()):
            if now - since >= REREAD_AFTER_S:
                del known["missing"][tp]
                if self._head(tp) == head and not self._in_hand(tp, head):
                    due[tp] = (head, "its first unacknowledged message is neither held nor handled")
        for tp, (hole, since) in list(passed.items()):
            if now - since >= REREAD_AFTER_S:
                del passed[tp]
                if self.hole(tp) == hole and hole < due.get(tp, (hole + 1,))[0]:
                    due[tp] = (hole, "a message of it was passed over unread")
        for tp, (offset, since) in list(known["skipped"].items()):
            if now - since >= REREAD_AFTER_S:
                del known["skipped"][tp]
                first = self._first_untaken(tp)
                if first is not None and first <= offset and first < due.get(tp, (first + 1,))[0]:
                    due[tp] = (first, "faust's stream skipped a message of it")
        for tp, (offset, why) in due.items():
            if tp not in self.assignment():
                continue
            log.warning(
                f"reading a partition again: {why}",
                extra={"partition": f"{tp.topic}/{tp.partition}", "offset": offset},
            )
            self.read_again += 1
            known["last"].pop(tp, None)  # what is read again comes in order
            # What was acknowledged after it is committed with it, not handed on again.
            done = known["done"].setdefault(tp, set())
            done.update(acked for acked in self._acked[tp] if acked > offset)
            await self.seek(tp, offset)


faust_aiokafka.Transport.Producer = _IdempotentProducer
faust_aiokafka.Transport.Consumer = _Consumer


STATE_MAX_BYTES = 950_000
"""Largest state a table stores, as faust's JSON: its changelog record (key and record overhead
added) must fit the producer's request limit (faust's ``producer_max_request_size``, 1,000,000
bytes), or the producer fails and the whole worker stops, again at every restart."""


class StateTooLarge(Exception):
    """Storing this state would stop the worker: the input that led to it is dead-lettered."""


class StateNotStored(Exception):
    """A state's changelog record was not delivered: the input must not be acknowledged."""


class ChangelogWrites:
    """The changelog records a faust table writes, kept so that their delivery can be awaited.

    Faust queues a table's changelog records in a buffer that its commit does not reliably
    drain (``ProducerBuffer.flush`` gives up after 0.1 s without a send, and a record being
    handed to the client is no longer counted), so an input's offset could be committed before
    the state it produced reached the changelog; a worker killed then lost that state for good
    (found by tests/stress/test_faults.py). :meth:`stored` waits for the records written so far.
    """

    def __init__(self, table: TableT) -> None:
        self.name = table.name
        self._unconfirmed: list[asyncio.Future[Any]] = []
        send_changelog = table.send_changelog

        def send_and_keep(*args: Any, **kwargs: Any) -> Any:
            future = send_changelog(*args, **kwargs)
            self._unconfirmed.append(future)
            return future

        table.send_changelog = send_and_keep  # type: ignore[method-assign]

    async def stored(self) -> None:
        """Wait until every changelog record written so far is on the broker."""
        unconfirmed, self._unconfirmed = self._unconfirmed, []
        try:
            await asyncio.gather(*unconfirmed)
        except Exception as error:
            failed = f"the {self.name} changelog write failed: {error!r}"
            raise StateNotStored(failed) from error


class StateTable(Generic[S]):
    """A changelog-backed faust table (rocksdict store) of pydantic state models, by string key.

    Values travel as the model's JSON (faust's json serializer), so the changelog topic is
    readable with any Kafka client, and a state's shape is checked when it is read back. An
    input is acknowledged only once the state it produced is on the changelog (:meth:`stored`).
    """

    def __init__(self, app: faust.App, name: str, model: type[S], partitions: int):
        self.model = model
        self.table = app.Table(name, default=None, key_type=str, partitions=partitions)
        self._writes = ChangelogWrites(self.table)

    async def stored(self) -> None:
        """Wait until every changelog record written so far is on the broker."""
        await self._writes.stored()

    def get(self, key: str) -> S | None:
        value = self.table.get(key)
        return None if value is None else self.model.model_validate(value)

    def put(self, key: str, state: S | None) -> None:
        """Store ``state`` under ``key``; ``StateTooLarge`` (nothing stored) past the bound."""
        if state is None:
            if key in self.table:
                del self.table[key]
            return
        value = state.model_dump(mode="json")
        size = len(faust_json.dumps(value))  # what the changelog record will carry (ASCII)
        if size > STATE_MAX_BYTES:
            raise StateTooLarge(
                f"the {self.table.name} state of {key[:200]!r} would be {size:,} bytes of JSON; "
                f"its changelog record must stay under {STATE_MAX_BYTES:,} bytes, so this input "
                "was not applied"
            )
        self.table[key] = value

    def keys(self) -> Iterable[str]:
        """Keys held by this worker (its assigned partitions)."""
        return iter(self.table)


class StreamService:
    """One faust app for one service, wired to the topic table and the dead-letter topic."""

    def __init__(self, name: str, settings: StreamSettings, metrics: ServiceMetrics):
        self.name = name
        self.settings = settings
        self.metrics = metrics
        self.app = faust.App(
            group_id(name, settings.topic_namespace),
            broker=[f"kafka://{server}" for server in settings.kafka_bootstrap_servers.split(",")],
            broker_credentials=faust_credentials(settings),
            store="rocksdb://",  # faust's rocksdb store runs on rocksdict
            datadir=settings.data_dir,
            web_enabled=False,
            processing_guarantee="at_least_once",
            producer_acks=-1,
            topic_replication_factor=settings.replication_factor,
            topic_disable_leader=True,
            consumer_auto_offset_reset="earliest",
            # Handlers run in a worker thread (RDKit is CPU-bound): keep the loop free for
            # heartbeats, and allow a slow structure its bounded time without a rebalance.
            broker_session_timeout=settings.broker_session_timeout_s,
            broker_heartbeat_interval=min(3.0, settings.broker_session_timeout_s / 3),
            logging_config=logging_config(settings.log_level),
        )
        self._topics: dict[str, faust.TopicT] = {}
        self._changelogs: dict[str, int] = {}
        # One thread: handlers stay sequential per worker, so state updates never interleave.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{name}-handler")
        self.app.timer(interval=10.0)(self._update_lag)
        self.app.timer(interval=10.0)(self._count_read_again)
        self._read_again = 0
        self._inputs: dict[str, set[str]] = {}
        """Per agent, the topics it reads (the watchdog judges each agent by itself)."""
        self._read: dict[TP, tuple[int, float]] = {}
        """Per input partition, the last offset read and when (monotonic)."""
        self._handled_at: dict[str, float] = {}
        self._earliest: dict[TP, int] = {}
        """Per input partition with nothing read or committed, its earliest offset kept."""
        self._watched: dict[TP, float] = {}
        """Per input partition, since when the watchdog has watched it (this assignment)."""
        if settings.stall_after_s:
            self.app.timer(interval=max(1.0, settings.stall_after_s / 6))(self._watch)
        self.app.on_partitions_revoked.connect(cast(Any, self._revoked))

    # -- topics --------------------------------------------------------------------------

    def topic(self, *topics: Topic) -> faust.TopicT:
        names = tuple(topic_name(t, self.settings.topic_namespace) for t in topics)
        key = ",".join(names)
        if key not in self._topics:
            self._topics[key] = self.app.topic(
                *names,
                key_type=bytes,
                value_type=bytes,
                key_serializer="raw",
                value_serializer="raw",
                partitions=topics[0].partitions if len(topics) == 1 else None,
            )
        return self._topics[key]

    def reads(self, agent: str, *topics: Topic) -> faust.TopicT:
        """The channel of ``topics`` as ``agent``'s input: the watchdog follows its partitions."""
        names = {topic_name(t, self.settings.topic_namespace) for t in topics}
        self._inputs.setdefault(agent, set()).update(names)
        return self.topic(*topics)

    def table_topic(self, message: Message) -> Topic:
        """The table entry of the topic ``message`` came from."""
        return topic_named(message.topic.removeprefix(self.settings.topic_namespace))

    def state_table(self, name: str, model: type[S], partitions: int) -> StateTable[S]:
        table = StateTable(self.app, name, model, partitions)
        self.register_changelog(table.table)
        return table

    def register_changelog(self, table: TableT) -> None:
        """Create ``table``'s changelog topic before the worker starts (with the table's
        partition count and this deployment's replication)."""
        self._changelogs[table.changelog_topic.get_topic_name()] = table.partitions or 1

    # -- consuming -----------------------------------------------------------------------

    def consume(self, name: str, topics: Sequence[Topic], handle: Handle) -> None:
        """Run ``handle`` on every valid event of ``topics``; dead-letter the rest."""
        channel = self.reads(name, *topics)

        async def agent(stream: faust.StreamT) -> None:
            async for event in stream.events():
                await self._process(name, event.message, handle)

        agent.__name__ = name
        self.app.agent(channel, name=name)(agent)

    async def decoded(self, message: Message) -> Envelope | None:
        """The event ``message`` carries, or None once it is dead-lettered as invalid."""
        cast(_Consumer, self.app.consumer).took(message)
        self.metrics.last_event.set_to_current_time()
        self._read[message.tp] = (message.offset, time.monotonic())
        if self.settings.fault_pause_partition:
            self._maybe_stall(message)
        try:
            # The types of the topic the message came from, not of every topic the agent reads:
            # an internal event forged on a public topic (a seized-item link on aw.lab-results)
            # is refused, not handled.
            event = decode(message.value or b"", accept=self.table_topic(message).types)
            self._check_key(message, event)
        except ContractError as error:
            await self.dead_letter(message, error)
            return None
        self.metrics.consumed.labels(event.type).inc()
        return event

    async def _process(self, name: str, message: Message, handle: Handle) -> None:
        event = await self.decoded(message)
        if event is not None:
            await self.handled(name, event, message, handle)

    async def handled(self, name: str, event: Envelope, message: Message, handle: Handle) -> None:
        """Run ``handle``; a failure dead-letters the message, a lost state stops the worker."""
        started = time.perf_counter()
        try:
            await handle(event, message)
        except StateNotStored:
            # Not the message's fault, and acknowledging it would lose its state: stop the way
            # a crash does (no commit), so that a restarted worker handles it again.
            log.critical("state not stored; stopping", exc_info=True, extra={"event_id": event.id})
            logging.shutdown()
            os._exit(70)
        except Exception as error:  # a bug or a poison message must not stop the service
            log.exception("handler failed", extra={"handler": name, "event_id": event.id})
            await self.dead_letter(message, error)
        finally:
            self.metrics.processing.labels(name).observe(time.perf_counter() - started)
            self._handled_at[name] = time.monotonic()

    def _check_key(self, message: Message, event: Envelope) -> None:
        """Keys decide partitions, and partitions decide which state an event meets."""
        topic = self.table_topic(message)
        expected = topic.key_of(event)
        actual = (message.key or b"").decode("utf-8", errors="replace")
        if actual != expected:
            raise ContractError(
                "schema_violation",
                f"message key {actual!r} does not match {expected!r}: key messages on "
                f"{topic.name} by {topic.key}",
                field="key",
            )

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a pure handler off the event loop (in this service's one handler thread)."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, partial(fn, *args))

    # -- producing -----------------------------------------------------------------------

    async def apply(self, outcome: Any, table: StateTable[Any], key: str, message: Message) -> None:
        """Store the handler's new state, send its events, dead-letter its rejections."""
        table.put(key, outcome.state)
        await table.stored()
        await self.send_all(outcome.emits)
        for part, rejection in enumerate(outcome.rejections):
            error = ContractError(rejection.error_class, rejection.reason, rejection.field)
            await self.dead_letter(message, error, part=part)

    async def send_all(self, emits: Iterable[Any]) -> None:
        """Send ``emits`` and wait until the broker has them all: the input that led to them is
        acknowledged only then, so a kill cannot commit it with its outputs still in the producer's
        buffer (a seizure's items were lost so: tests/stress/test_faults.py, 7 December 2026)."""
        delivered = []
        for emit in emits:
            sent = await self.topic(emit.topic).send(
                key=emit.key.encode(), value=encode(emit.event)
            )
            delivered.append(sent)
            self.metrics.emitted.labels(emit.event.type).inc()
        try:
            await asyncio.gather(*delivered)
        except Exception as error:  # not the input's fault: stop as a crash would, uncommitted
            raise StateNotStored(f"an output was not delivered: {error!r}") from error

    async def dead_letter(self, message: Message, error: BaseException, part: int = 0) -> None:
        letter = dead_letter_for(
            message.value or b"",
            source_topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=message.key,
            error=error,
            service=self.name,
            now=datetime.now(UTC),
            part=part,
        )
        self.metrics.rejected.labels(letter.data.error_class.value).inc()
        log.warning(
            "dead-lettered",
            extra={
                "topic": message.topic,
                "offset": message.offset,
                "error_class": letter.data.error_class.value,
                "reason": letter.data.reason[:300],
            },
        )
        await self.topic(DEAD_LETTERS).send(
            key=DEAD_LETTERS.key_of(letter).encode(), value=encode(letter)
        )

    # -- operations ----------------------------------------------------------------------

    async def _count_read_again(self) -> None:
        read_again = cast(_Consumer, self.app.consumer).read_again
        self.metrics.read_again.inc(read_again - self._read_again)
        self._read_again = read_again

    async def _update_lag(self) -> None:
        monitor = self.app.monitor
        lag: dict[str, int] = {}
        for tp, end in (monitor.tp_end_offsets or {}).items():
            read = (monitor.tp_read_offsets or {}).get(tp, -1)
            lag[tp.topic] = lag.get(tp.topic, 0) + max(0, end - read - 1)
        for topic, value in lag.items():
            self.metrics.consumer_lag.labels(topic).set(value)

    async def _watch(self) -> None:
        """Stop the worker when an input partition has stopped being read (watchdog.py)."""
        restoring = bool(getattr(self.app, "in_recovery", False))
        if self.app.rebalancing or restoring or not self.app.consumer.assignment():
            self._watched.clear()  # partitions move, or tables are restored: watch afresh after
            return
        now = time.monotonic()
        await self._learn_earliest()
        stuck: list[TP] = []
        readings: dict[TP, Reading] = {}
        for agent, topics in self._inputs.items():
            mine = self._readings(topics, now)
            busy = now - self._handled_at.get(agent, 0.0) < 5.0
            stuck += stalled(mine, after_s=self.settings.stall_after_s, busy=busy)
            readings.update(mine)
        self.metrics.stalled_partitions.set(len(stuck))
        if stuck:
            log.critical(
                "input partitions stopped being read with messages waiting; exiting so that the "
                "worker is restarted",
                extra={
                    "partitions": [f"{tp.topic}/{tp.partition}" for tp in stuck],
                    "lag": [readings[tp].lag for tp in stuck],
                    "quiet_s": [round(readings[tp].quiet_s) for tp in stuck],
                },
            )
            logging.shutdown()
            os._exit(EXIT_STALLED)

    def _readings(self, topics: set[str], now: float) -> dict[TP, Reading]:
        """How far behind, and how long unread, each assigned partition of ``topics`` is."""
        readings = {}
        for tp in self.app.consumer.assignment():
            if tp.topic not in topics:
                continue
            since = self._watched.setdefault(tp, now)
            offset, read_at = self.last_read(tp) or (-1, since)
            at = max(read_at, since)
            highwater = self._highwater(tp)
            if highwater is None or offset < 0 and highwater == 0:
                continue
            read_to = offset + 1 if offset >= 0 else self._committed(tp)
            if read_to is None:
                # Nothing read and nothing committed: reading starts at the earliest offset kept
                # (a partition whose every message faust's stream skipped at a restart).
                read_to = self._earliest.get(tp)
            lag = 0 if read_to is None else max(0, highwater - read_to)
            readings[tp] = Reading(lag=lag, quiet_s=now - at)
        return readings

    async def _learn_earliest(self) -> None:
        """The earliest offset kept of each input partition nothing was read from or committed
        on: where its reading starts (asked of the broker once per assignment)."""
        unknown = [
            tp
            for tp in self.app.consumer.assignment()
            if tp not in self._earliest and tp not in self._read and self._committed(tp) is None
        ]
        if not unknown:
            return
        try:
            found = await self.app.consumer.earliest_offsets(*unknown)
        except Exception:  # a rebalance or a broker away: asked again at the next look
            return
        self._earliest.update({tp: int(o) for tp, o in found.items() if o is not None})

    async def _revoked(self, app: faust.App, revoked: set[TP], **kwargs: object) -> None:
        # Another worker may read these partitions meanwhile: what was read here is stale.
        self._read.clear()
        self._watched.clear()
        self._earliest.clear()

    def last_read(self, tp: TP) -> tuple[int, float] | None:
        """The last offset read on input partition ``tp`` and when (monotonic), if any: taken by
        a service, or a second copy dropped as one (``_Consumer._done``)."""
        taken = self._read.get(tp)
        dropped = cast(_Consumer, self.app.consumer).copies_dropped.get(tp)
        if dropped is None or (taken is not None and taken[0] >= dropped[0]):
            return taken
        return dropped

    def _maybe_stall(self, message: Message) -> None:
        """The injected fault: stop fetching a partition, as faust-streaming 629 does."""
        where, _, after = self.settings.fault_pause_partition.rpartition("@")
        topic, _, partition = where.rpartition("/")
        name = topic_name(topic_named(topic), self.settings.topic_namespace)
        if (message.topic, message.partition) != (name, int(partition)):
            return
        self._fault_count = getattr(self, "_fault_count", 0) + 1
        marker = Path(self.settings.data_dir) / "fault-pause-fired"
        if self._fault_count < int(after) or marker.exists():
            return
        marker.touch()
        log.warning("fault injected: no longer fetching a partition", extra={"partition": where})
        self.app.consumer.pause_partitions([message.tp])

    def _highwater(self, tp: TP) -> int | None:
        try:
            return self.app.consumer.highwater(tp)
        except Exception:  # not fetched yet
            return None

    def _committed(self, tp: TP) -> int | None:
        committed = getattr(self.app.consumer, "_committed_offset", {}).get(tp)
        return None if committed is None else int(committed)

    def main(self) -> None:
        """Run this service's worker until it is stopped (SIGTERM or Ctrl-C)."""
        configure_logging(self.settings.log_level)
        Path(self.settings.data_dir).mkdir(parents=True, exist_ok=True)
        ensure_changelogs(self.settings, self._changelogs)
        self.metrics.serve(self.settings.metrics_port, self.settings.metrics_host)
        worker = faust.Worker(self.app, loglevel=self.settings.log_level, quiet=True)
        worker.execute_from_commandline()
