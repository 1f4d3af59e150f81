"""An idle word holds nobody back only while its worker stands by it (services/platform/ordered.py,
``Leases``).

Found by tests/stress/test_faults.py (4 of 9 runs on 2e9a8ec, again on 7 December 2026): every
resolver partition said it was idle; a worker joining the resolver's group was killed, and the
rebalance kept the resolver silent for 25 s while the year was still being published. The monitor
went on trusting the idle words, followed the registry's progress to 16 November and reopened
protonitazene's alert for a stalled amendment; the lab result of 11 November that makes Astana a
new region, published meanwhile, reached it afterwards: the two versions came in the other order.
No broker: the stage's bookkeeping only (the leases as its follower would have read them).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest

from contracts.topics import DETECTIONS, LAB_RESULTS, SEIZURE_ITEMS
from services.domain.ordering import Progress, Until, frontier
from services.platform.metrics import ServiceMetrics
from services.platform.ordered import OrderedStage, _Sender, leases
from services.platform.stream import StreamService, StreamSettings

ORIGINS = ["substance_resolver/1", "legislation/0"]
NOV_5 = datetime(2025, 11, 5, tzinfo=UTC)
NOV_16 = datetime(2025, 11, 16, tzinfo=UTC)


@pytest.fixture
def service() -> StreamService:
    return StreamService("lease_test", StreamSettings(), ServiceMetrics("lease_test"))


async def _handled(*args: object) -> bool:
    raise AssertionError("nothing is released in these tests")


@pytest.fixture
def stage(service: StreamService) -> OrderedStage:
    return OrderedStage(
        service, "leases", [LAB_RESULTS, SEIZURE_ITEMS], lambda k: ORIGINS, _handled
    )


def lease(stage: OrderedStage, source: str, age_s: float) -> None:
    """``source``'s worker stood by its word ``age_s`` ago (as read from aw.stream.leases)."""
    stage._leases._on_record(source.encode(), b"{}", int((time.time() - age_s) * 1000))


def test_an_idle_word_holds_nobody_back_while_its_lease_runs(stage):
    part = stage.partition(1)
    part.heard = {ORIGINS[0]: Progress(NOV_5, idle=True), ORIGINS[1]: Progress(NOV_16)}
    lease(stage, ORIGINS[0], 1.0)
    assert frontier(stage._leased(part), ORIGINS) == Until(NOV_16)


def test_an_idle_word_whose_worker_fell_silent_holds_back_where_it_stood(stage, service):
    part = stage.partition(1)
    part.heard = {ORIGINS[0]: Progress(NOV_5, idle=True), ORIGINS[1]: Progress(NOV_16)}
    lease(stage, ORIGINS[0], service.settings.idle_lease_s + 1)
    assert frontier(stage._leased(part), ORIGINS) == Until(NOV_5)
    assert part.heard[ORIGINS[0]].idle  # what was said is kept: a new lease restores it
    lease(stage, ORIGINS[0], 0.0)
    assert frontier(stage._leased(part), ORIGINS) == Until(NOV_16)


def test_an_idle_word_with_no_lease_read_holds_back(stage):
    part = stage.partition(1)  # a reader just started, its leases not read yet
    part.heard = {ORIGINS[0]: Progress(NOV_5, idle=True), ORIGINS[1]: Progress(NOV_16)}
    assert frontier(stage._leased(part), ORIGINS) == Until(NOV_5)


def test_an_idle_word_with_nothing_behind_it_holds_everything_once_its_lease_is_out(stage):
    part = stage.partition(1)
    part.heard = {ORIGINS[0]: Progress(None, idle=True), ORIGINS[1]: Progress(NOV_16)}
    assert frontier(stage._leased(part), ORIGINS) is None


def test_a_busy_word_needs_no_lease(stage):
    part = stage.partition(1)
    part.heard = {ORIGINS[0]: Progress(NOV_5), ORIGINS[1]: Progress(NOV_16)}
    assert frontier(stage._leased(part), ORIGINS) == Until(NOV_5)


class _Channel:
    def __init__(self) -> None:
        self.sent: list[tuple[bytes, int]] = []

    async def send(self, *, key: bytes, value: bytes, partition: int) -> None:
        self.sent.append((key, partition))


def test_a_worker_stands_by_the_words_it_said_on_what_it_reads_now(service, monkeypatch):
    channel = _Channel()
    monkeypatch.setattr(service, "topic", lambda topic: channel)
    sender = _Sender(service)
    asyncio.run(sender.say(DETECTIONS, [0, 1], "lease_test/1", Progress(NOV_5, idle=True)))
    asyncio.run(sender.say(DETECTIONS, [0, 1], "lease_test/2", Progress(NOV_16)))
    channel.sent.clear()

    standing = sender.standing({"lease_test/1", "lease_test/3"})  # 2 is no longer read here
    assert standing == {"lease_test/1": Progress(NOV_5, idle=True)}
    asyncio.run(leases(service).renew(standing))
    assert channel.sent == [(b"lease_test/1", 0)]  # keyed by origin, on the one partition

    sender.forget()  # a rebalance: nothing stands until it is said again
    assert sender.standing({"lease_test/1"}) == {}


def test_a_partition_holding_an_idle_word_is_told_to_look_again_when_its_lease_comes(
    stage, service, monkeypatch
):
    # At the end of a burst nothing more is read: an idle word read before its lease would
    # hold what the partition holds for good. The lease's coming makes the partition look again.
    channel = _Channel()
    monkeypatch.setattr(service, "topic", lambda topic: channel)
    monkeypatch.setattr(stage, "owned", lambda: [1, 2])
    stage.partition(1).heard = {ORIGINS[0]: Progress(NOV_5, idle=True)}
    stage.partition(2).heard = {ORIGINS[0]: Progress(NOV_5)}  # busy: it needs no lease

    lease(stage, ORIGINS[0], 0.0)
    lease(stage, ORIGINS[0], 0.0)  # renewed: not new
    asyncio.run(stage._nudge())
    assert channel.sent == [(b"progress:1", 1)]
    channel.sent.clear()
    asyncio.run(stage._nudge())
    assert channel.sent == []  # once

    stage._leases._stamped[ORIGINS[0]] -= service.settings.idle_lease_s + 1  # it ran out
    lease(stage, ORIGINS[0], 0.0)  # its worker stands by it again
    asyncio.run(stage._nudge())
    assert channel.sent == [(b"progress:1", 1)]


def test_a_look_again_record_is_a_progress_record_of_the_contract():
    from contracts.codec import decode
    from services.platform.ordered import NUDGE, progress_record

    record = progress_record(
        "analogue_monitor", 3, NUDGE + "substance_resolver/1", Progress(None), {}
    )
    assert decode(record.model_dump_json().encode(), accept=DETECTIONS.types) == record
