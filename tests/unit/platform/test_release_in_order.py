"""A stage partition releases nothing while a message of its inputs was passed over unread
(services/platform/ordered.py, ``OrderedStage._release``; ``stream._Consumer.in_order``).

Found by the arrival kill test (tests/e2e/test_arrival_order.py, 8 December 2026, with the
cathinone waves in the scenario): the monitor, killed mid-burst and restarted, had nothing
committed on aw.detections/1 and its progress table held what it had heard before the kill (every
resolver partition past October). Its stream passed over offset 0 of every input partition
(the faust behaviour ``stream._Consumer.passed`` describes) and took the rest: the detections of
4-CEC of 11 August and 27 September, re-sent by the restarted resolver, were released at once
against that progress; those of 29 June and 10 July came after them, late, and the alert lost its
update of 15 September. No broker: the stage's bookkeeping and the consumer's.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from faust.types import TP
from faust.types.tuples import ConsumerMessage

from contracts.topics import DETECTIONS, SCHEDULE_CHANGES
from services.domain.ordering import Progress
from services.platform.metrics import ServiceMetrics
from services.platform.ordered import OrderedStage
from services.platform.stream import StreamService, StreamSettings

ORIGINS = ["substance_resolver/0", "substance_resolver/1"]
INPUT = TP(DETECTIONS.name, 1)
OCTOBER = datetime(2025, 10, 5, tzinfo=UTC)


@pytest.fixture
def service(monkeypatch) -> StreamService:
    service = StreamService("order_test", StreamSettings(), ServiceMetrics("order_test"))
    monkeypatch.setattr(service.app.topics, "acks_enabled_for", lambda topic: True)
    service.app.consumer._committed_offset[INPUT] = None  # nothing committed: read from 0
    return service


@pytest.fixture
def handled(service) -> list[str]:
    """The ids of the inputs the stage hands to its handler, in order."""
    out: list[str] = []

    async def handled(name, decoded, message, handle) -> None:
        out.append(decoded.id)

    service.handled = handled  # type: ignore[method-assign]
    return out


@pytest.fixture
def stage(service: StreamService, handled) -> OrderedStage:
    async def handle(*args: object) -> bool:
        return False

    return OrderedStage(service, "order", [DETECTIONS, SCHEDULE_CHANGES], lambda k: ORIGINS, handle)


class Stream:
    """What the stage's stream does on an acknowledgement: the consumer's ack."""

    def __init__(self, service: StreamService) -> None:
        self.consumer = service.app.consumer

    async def ack(self, event) -> None:
        self.consumer.ack(event.message)


def message(service: StreamService, offset: int) -> ConsumerMessage:
    return ConsumerMessage(
        INPUT.topic,
        INPUT.partition,
        offset,
        0.0,
        0,
        [],
        b"k",
        b"{}",
        None,
        1,
        2,
        tp=INPUT,
        generation_id=service.app.consumer_generation_id,
    )


def passed_over(service: StreamService, offset: int) -> None:
    """The fetcher delivers the message at ``offset``; faust's stream skips it."""

    async def stream_that_skips(message) -> None:
        pass

    service.app.topics._tp_to_callback[INPUT] = stream_that_skips
    asyncio.run(service.app.consumer.callback(message(service, offset)))


DETECTIONS_OF_4_CEC = {
    25: ("29 June", datetime(2025, 6, 29, tzinfo=UTC)),
    45: ("11 August", datetime(2025, 8, 11, tzinfo=UTC)),
    50: ("27 September", datetime(2025, 9, 27, tzinfo=UTC)),
}


@pytest.fixture
def read(stage: OrderedStage, monkeypatch):
    """The stage's stream reads the detection at an offset (``OrderedStage._receive``)."""

    async def decoded(message):
        stage.service.app.consumer.took(message)
        ident, when = DETECTIONS_OF_4_CEC[message.offset]
        return SimpleNamespace(id=ident, time=when, data=SimpleNamespace(order=None))

    monkeypatch.setattr(stage.service, "decoded", decoded)

    def read(offset: int) -> None:
        event = SimpleNamespace(message=message(stage.service, offset))
        asyncio.run(stage._receive(Stream(stage.service), event))

    return read


def restarted_partition(stage: OrderedStage):
    """Partition 1 as a restarted worker has it: read up to the end it found, and the progress
    its table kept from before the kill, past October."""
    part = stage.partition(1)
    part.behind = {}
    part.heard = {origin: Progress(OCTOBER) for origin in ORIGINS}
    return part


def test_nothing_is_released_past_a_message_passed_over(stage, handled, read):
    restarted_partition(stage)
    passed_over(stage.service, 25)  # 29 June, skipped by faust's stream
    read(45)
    read(50)
    assert handled == []  # without the check: ['11 August', '27 September'], 29 June late

    # Read again from the hole: its message comes in its place, the second copies of what is
    # held are not held twice, and everything goes out once, in event-time order.
    for offset in (25, 45, 50):
        read(offset)
    assert handled == ["29 June", "11 August", "27 September"]
    assert stage.service.app.consumer._holding()[INPUT] == {}


def test_a_partition_read_again_is_out_of_order_until_it_gets_back_where_it_was(service):
    consumer = service.app.consumer
    for offset in (0, 1, 2):
        passed_over(service, offset)
    consumer.took(message(service, 3))
    assert not consumer.in_order(INPUT)

    consumer._generation()["last"].pop(INPUT)  # the seek back to 0 (stream._reread_missing)
    consumer.took(message(service, 0))
    assert consumer.hole(INPUT) is None  # the hole's own account starts again at the re-read
    assert not consumer.in_order(INPUT)  # 1 and 2 are still to come
    for offset in (1, 2):
        consumer.took(message(service, offset))
    assert consumer.in_order(INPUT)
