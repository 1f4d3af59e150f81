"""No offset is committed at or past an input an ordered stage still holds (services/platform).

faust commits the acknowledged offsets that follow the committed one without a gap; with nothing
committed yet on a partition it skips that check. An ordered stage holds an input (unacknowledged)
and acknowledges later ones meanwhile: faust alone would then commit past the held input, and a
worker killed before handling it would lose it (found by tests/stress/test_faults.py on
2026-12-07: the monitor's first sighting of protonitazene). No broker: the consumer's commit
decision only.
"""

from __future__ import annotations

import pytest
from faust.types import TP

from services.platform.metrics import ServiceMetrics
from services.platform.stream import StreamService, StreamSettings

PARTITION = TP("aw.detections", 3)


@pytest.fixture
def consumer():
    service = StreamService("commit_test", StreamSettings(), ServiceMetrics("commit_test"))
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
