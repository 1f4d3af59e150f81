"""No offset is committed at or past an input an ordered stage still holds (services/platform).

faust commits the acknowledged offsets that follow the committed one without a gap; with nothing
committed yet on a partition it skips that check. An ordered stage holds an input (unacknowledged)
and acknowledges later ones meanwhile: faust alone would then commit past the held input, and a
worker killed before handling it would lose it (found by tests/stress/test_faults.py on
2026-12-07: the monitor's first sighting of protonitazene). With an offset committed, faust lets
the first acknowledged offset be one past it, so a first message never acknowledged in this
generation (read before a rebalance) can be passed too, and a partition whose first message is
missing stops committing for good (seen in the e2e kill runs). No broker: the consumer's commit
decision only.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from faust.types import TP
from faust.types.tuples import ConsumerMessage

from services.platform import stream
from services.platform.metrics import ServiceMetrics
from services.platform.ordered import ProgressReporter
from services.platform.stream import StreamService, StreamSettings

PARTITION = TP("aw.detections", 3)


@pytest.fixture
def service() -> StreamService:
    return StreamService("commit_test", StreamSettings(), ServiceMetrics("commit_test"))


@pytest.fixture
def consumer(service):
    consumer = service.app.consumer
    consumer._committed_offset[PARTITION] = None  # nothing committed yet: a new group
    return consumer


def acked(consumer, *offsets: int) -> None:
    consumer._acked[PARTITION].extend(offsets)
    consumer._acked_index[PARTITION].update(offsets)


def test_faust_alone_commits_past_a_gap_when_nothing_is_committed_yet(consumer):
    acked(consumer, 58, 59)
    assert consumer._new_offset(PARTITION) == 60  # 57 was never acknowledged


def hold(consumer, offset: int) -> None:
    consumer._holding().setdefault(PARTITION, {})[offset] = consumer.app.consumer_generation_id


def test_nothing_is_committed_at_or_past_a_held_input(consumer):
    hold(consumer, 57)
    acked(consumer, 55, 56, 58, 59)

    assert consumer._new_offset(PARTITION) == 57  # up to the held one, not past it
    assert consumer._new_offset(PARTITION) is None  # and no further while it is held
    assert sorted(consumer._acked[PARTITION]) == [58, 59]  # the later ones are kept

    consumer._holding()[PARTITION].pop(57)  # handled: acknowledged
    consumer._committed_offset[PARTITION] = 57
    acked(consumer, 57)
    assert consumer._new_offset(PARTITION) == 60


def test_a_rebalance_drops_the_holds(consumer):
    hold(consumer, 57)
    consumer.release_holds()
    acked(consumer, 58)
    assert consumer._new_offset(PARTITION) == 59


def test_a_hold_from_an_older_generation_holds_nothing(consumer):
    # The message is read again after the rebalance's seek; its old hold must not block commits.
    consumer._holding().setdefault(PARTITION, {})[57] = consumer.app.consumer_generation_id - 1
    acked(consumer, 58)
    assert consumer._new_offset(PARTITION) == 59


# -- the first unacknowledged message -------------------------------------------------------


def message(consumer, offset: int, generation: int | None = None) -> ConsumerMessage:
    return ConsumerMessage(
        PARTITION.topic,
        PARTITION.partition,
        offset,
        0.0,
        0,
        [],
        b"k",
        b"{}",
        None,
        1,
        2,
        tp=PARTITION,
        generation_id=consumer.app.consumer_generation_id if generation is None else generation,
    )


def test_faust_alone_commits_one_past_an_unacknowledged_first_message(consumer):
    # Committed 57 means 57 is the next to handle; faust tolerates one missing offset at the head.
    consumer._committed_offset[PARTITION] = 57
    acked(consumer, 58, 59)
    assert stream.faust_aiokafka.Consumer._new_offset(consumer, PARTITION) == 60


def test_no_commit_past_a_first_message_that_is_known_to_be_there(consumer):
    # 57 was read (before a rebalance, say) and its acknowledgement never came in this generation.
    consumer._committed_offset[PARTITION] = 57
    consumer.took(message(consumer, 57, generation=consumer.app.consumer_generation_id - 1))
    acked(consumer, 58, 59)
    assert consumer._new_offset(PARTITION) is None
    assert PARTITION in consumer._generation()["missing"]


def test_an_offset_where_no_message_was_seen_may_be_passed_as_faust_does(consumer):
    # A transactional producer's marker takes an offset and is never delivered.
    consumer._committed_offset[PARTITION] = 57
    consumer.took(message(consumer, 58))
    acked(consumer, 58, 59)
    assert consumer._new_offset(PARTITION) == 60


def test_with_nothing_committed_the_first_message_read_is_the_head(consumer):
    consumer.took(message(consumer, 57))
    consumer.took(message(consumer, 58))
    acked(consumer, 58)
    assert consumer._new_offset(PARTITION) is None  # 57 read, not acknowledged


def test_a_message_faust_skipped_is_not_acknowledged(consumer, monkeypatch):
    monkeypatch.setattr(consumer.app.topics, "acks_enabled_for", lambda topic: True)
    # faust's stream skips a message while a rebalance begins, and acknowledges it; it was not
    # dealt with, so its offset must not become committable.
    skipped = message(consumer, 57)
    assert consumer.ack(skipped) is False
    taken = message(consumer, 57)
    consumer.took(taken)
    assert consumer.ack(taken) is True


def test_a_message_from_an_older_generation_is_not_acknowledged(consumer):
    old = message(consumer, 57, generation=consumer.app.consumer_generation_id - 1)
    consumer.took(old)
    assert consumer.ack(old) is False


@pytest.fixture
def sought(consumer, monkeypatch) -> list[tuple[TP, int]]:
    """Where the consumer seeks (no broker): a running, assigned partition, 57 committed."""
    seeks: list[tuple[TP, int]] = []

    async def seek(tp, offset):
        seeks.append((tp, offset))

    monkeypatch.setattr(consumer, "seek", seek)
    monkeypatch.setattr(consumer, "assignment", lambda: {PARTITION})
    consumer.app.flow_control.resume()
    consumer._committed_offset[PARTITION] = 57
    return seeks


def test_a_first_message_missing_for_long_is_read_again(consumer, sought):
    consumer.took(message(consumer, 57, generation=consumer.app.consumer_generation_id - 1))
    acked(consumer, 58)
    assert consumer._new_offset(PARTITION) is None

    asyncio.run(consumer._reread_missing())
    assert sought == []  # not yet: it may be on its way

    head, since = consumer._generation()["missing"][PARTITION]
    consumer._generation()["missing"][PARTITION] = (head, since - stream.REREAD_AFTER_S)
    asyncio.run(consumer._reread_missing())
    assert sought == [(PARTITION, 57)]
    assert consumer.read_again == 1


def test_a_held_first_message_is_not_read_again(consumer, sought):
    first = message(consumer, 57)
    consumer.took(first)
    consumer.hold(first)
    acked(consumer, 58)
    assert consumer._new_offset(PARTITION) is None
    assert PARTITION not in consumer._generation()["missing"]
    asyncio.run(consumer._reread_missing())
    assert sought == []


def test_a_message_delivered_and_skipped_by_faust_is_not_committed_past(
    consumer, sought, monkeypatch
):
    # tests/stress/test_faults.py, 7 December 2026 (code of 8562dc8): the resolver's partitions
    # came back after a rebalance; the first message read there, a lab result, was skipped by
    # faust's stream (its flow not active yet, or another generation) and never taken; the next
    # four were handled and acknowledged, and faust committed one past the committed offset,
    # past the lab result: its sample never had a result, its seizure one sighting short.
    monkeypatch.setattr(consumer.app.topics, "acks_enabled_for", lambda topic: True)
    streamed: list[int] = []

    async def stream_that_skips(message) -> None:  # the conductor hands it to the stream
        streamed.append(message.offset)

    consumer.app.topics._tp_to_callback[PARTITION] = stream_that_skips
    skipped = message(consumer, 57)
    asyncio.run(consumer.callback(skipped))  # what the fetcher does with every message it reads
    assert streamed == [57]
    assert consumer.ack(skipped) is False  # faust's stream acknowledges what it skips
    for offset in (58, 59, 60, 61):
        taken = message(consumer, offset)
        consumer.took(taken)
        assert consumer.ack(taken) is True
    assert consumer._new_offset(PARTITION) is None  # not 62
    assert consumer._generation()["missing"][PARTITION][0] == 57

    head, since = consumer._generation()["missing"][PARTITION]
    consumer._generation()["missing"][PARTITION] = (head, since - stream.REREAD_AFTER_S)
    asyncio.run(consumer._reread_missing())
    assert sought == [(PARTITION, 57)]  # read again, then handled and acknowledged


def delivered_and_skipped(consumer, offset: int) -> None:
    """The fetcher delivers the message at ``offset``; faust's stream skips it."""

    async def stream_that_skips(message) -> None:
        pass

    consumer.app.topics._tp_to_callback[PARTITION] = stream_that_skips
    skipped = message(consumer, offset)
    asyncio.run(consumer.callback(skipped))
    consumer.ack(skipped)


def test_a_message_passed_over_is_a_hole_until_it_is_read_again(consumer, sought, monkeypatch):
    # The kill tests (tests/stress/test_faults.py, 4 of 9 runs on 2e9a8ec): a detection skipped
    # this way was read again only once the inputs after it were released and acknowledged,
    # 5 s later, after its partition had said it was past its time: it reached the monitor
    # 19 days of event time late. What comes after a passed-over message is not in order.
    monkeypatch.setattr(consumer.app.topics, "acks_enabled_for", lambda topic: True)
    delivered_and_skipped(consumer, 57)
    for offset in (58, 59, 60):
        held = message(consumer, offset)
        consumer.took(held)
        consumer.hold(held)  # an ordered stage holds them: nothing is acknowledged
    assert consumer.passed(PARTITION, 60) == 57
    assert consumer.passed(PARTITION, 57) is None  # nothing before the hole itself
    assert consumer.hole(PARTITION) == 57
    assert consumer._new_offset(PARTITION) is None

    asyncio.run(consumer._reread_missing())  # seen now; read again once it is not on its way
    assert sought == []
    hole, since = consumer._generation()["passed"][PARTITION]
    consumer._generation()["passed"][PARTITION] = (hole, since - stream.REREAD_AFTER_S)
    asyncio.run(consumer._reread_missing())
    assert sought == [(PARTITION, 57)]  # without it, never: nothing after it was acknowledged

    consumer.took(message(consumer, 57))  # read again
    assert consumer.hole(PARTITION) is None and consumer.passed(PARTITION, 60) is None


def test_messages_on_their_way_are_no_hole(consumer, monkeypatch):
    monkeypatch.setattr(consumer.app.topics, "acks_enabled_for", lambda topic: True)
    consumer.app.topics._tp_to_callback[PARTITION] = lambda message: asyncio.sleep(0)
    for offset in (57, 58, 59):
        asyncio.run(consumer.callback(message(consumer, offset)))  # in the stream's buffer
    consumer.took(message(consumer, 57))
    assert consumer.hole(PARTITION) is None
    assert consumer.passed(PARTITION, 58) is None


def test_a_changelog_read_to_restore_a_table_is_not_remembered(consumer):
    # Restoring reads a changelog through the same fetcher; its offsets are never taken or
    # committed, and keeping them would grow with the table.
    consumer.app.topics._tp_to_callback[PARTITION] = lambda message: asyncio.sleep(0)
    asyncio.run(consumer.callback(message(consumer, 57)))
    assert consumer._seen() == {} and consumer._untaken() == {}


def test_progress_is_not_said_past_a_message_passed_over(service, consumer, monkeypatch):
    """How far an agency partition has got stops at a message passed over until it is read
    again: the inputs after it are held, and it is handled in its place, not late."""
    monkeypatch.setattr(consumer.app.topics, "acks_enabled_for", lambda topic: True)
    reporter = ProgressReporter(service)
    before, passed_over, after = (datetime(2025, 10, day, tzinfo=UTC) for day in (1, 28, 30))
    first = message(consumer, 56)
    consumer.took(first)
    reporter.observe(first, before)
    delivered_and_skipped(consumer, 57)
    later = message(consumer, 58)
    consumer.took(later)
    reporter.observe(later, after)
    assert reporter._clocks[PARTITION].latest == before

    again = message(consumer, 57)
    consumer.took(again)
    reporter.observe(again, passed_over)
    consumer.took(later)
    reporter.observe(later, after)
    assert reporter._clocks[PARTITION].latest == after


def test_reading_again_from_a_hole_hands_on_only_what_was_not_acknowledged(
    service, consumer, sought, monkeypatch
):
    # make stress, 7 December 2026 (code of 558433b): after a restart the monitor's stream passed
    # over offset 0 of every input partition and handled the rest; 5 s later each partition was
    # read again from 0, and every detection came a second time. By then the sweeps had pruned
    # what some substances remembered of them: two sightings counted again, with a region and a
    # channel the golden run did not have. A stage knows a second copy only by its state.
    monkeypatch.setattr(consumer.app.topics, "acks_enabled_for", lambda topic: True)
    streamed: list[int] = []

    async def into_stream(message) -> None:
        streamed.append(message.offset)

    delivered_and_skipped(consumer, 57)
    consumer.app.topics._tp_to_callback[PARTITION] = into_stream
    for offset in (58, 59, 60):
        handled = message(consumer, offset)
        asyncio.run(consumer.callback(handled))
        consumer.took(handled)
        assert consumer.ack(handled) is True
    asyncio.run(consumer._reread_missing())
    hole, since = consumer._generation()["passed"][PARTITION]
    consumer._generation()["passed"][PARTITION] = (hole, since - stream.REREAD_AFTER_S)
    asyncio.run(consumer._reread_missing())
    assert sought == [(PARTITION, 57)]

    streamed.clear()
    for offset in (57, 58, 59, 60):  # the fetcher reads the partition again from 57
        asyncio.run(consumer.callback(message(consumer, offset)))
    assert streamed == [57]  # the hole, not what was handled
    # The copies dropped count as read: a partition read again to its end is not unread (the
    # watchdog stopped the monitor so in the arrival test's kill run: aw.schedule.changes/1 read
    # again from offset 1, "34 messages waiting", 8 December 2026).
    last = service.last_read(PARTITION)
    assert last is not None and last[0] == 60
    asyncio.run(consumer.callback(message(consumer, 61)))
    assert streamed == [57, 61]  # and what is new

    for offset in (57, 61):
        again = message(consumer, offset)
        consumer.took(again)
        consumer.ack(again)
    assert consumer._new_offset(PARTITION) == 62  # the handled ones are committed with the hole


def test_a_partition_whose_every_message_faust_skipped_is_read_again(consumer, sought, monkeypatch):
    # The arrival kill test, 8 December 2026: the restarted monitor's stream skipped every
    # message of aw.schedule.changes/5 (delivered while its flow was stopped) and took nothing
    # there after them, so no hole showed; the partition waited for them for good, and every
    # other input of monitor partition 5 with it ("not drained: ... 0<27").
    monkeypatch.setattr(consumer.app.topics, "acks_enabled_for", lambda topic: True)
    for offset in (57, 58, 59):
        delivered_and_skipped(consumer, offset)
    assert consumer.hole(PARTITION) is None  # nothing taken after them: no hole to see
    asyncio.run(consumer._reread_missing())
    assert sought == []  # they may be on their way yet
    offset, since = consumer._generation()["skipped"][PARTITION]
    consumer._generation()["skipped"][PARTITION] = (offset, since - stream.REREAD_AFTER_S)
    asyncio.run(consumer._reread_missing())
    assert sought == [(PARTITION, 57)]


def test_a_skipped_message_read_again_since_is_not_read_again(consumer, sought, monkeypatch):
    monkeypatch.setattr(consumer.app.topics, "acks_enabled_for", lambda topic: True)
    delivered_and_skipped(consumer, 57)
    consumer.took(message(consumer, 57))  # read again meanwhile, and taken
    offset, since = consumer._generation()["skipped"][PARTITION]
    consumer._generation()["skipped"][PARTITION] = (offset, since - stream.REREAD_AFTER_S)
    asyncio.run(consumer._reread_missing())
    assert sought == []


def test_a_partition_never_read_nor_committed_lags_from_its_earliest_offset(service, monkeypatch):
    # The same run: the stall watchdog took a partition with nothing read and nothing committed
    # for one with no lag, and never stopped the worker.
    monkeypatch.setattr(service.app.consumer, "assignment", lambda: {PARTITION})
    monkeypatch.setattr(service, "_highwater", lambda tp: 27)
    service.app.consumer._committed_offset[PARTITION] = None

    async def earliest(*tps):
        return {tp: 0 for tp in tps}

    monkeypatch.setattr(service.app.consumer, "earliest_offsets", earliest)
    asyncio.run(service._learn_earliest())
    readings = service._readings({PARTITION.topic}, now=100.0)
    assert readings[PARTITION].lag == 27
