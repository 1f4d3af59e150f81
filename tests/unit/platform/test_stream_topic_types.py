"""A stream service accepts on each topic only that topic's types, whatever else its agent reads.

Regression: the resolver's sample agent reads ``aw.lab-results`` and the internal
``aw.resolver.seizure-items`` together, and accepted the types of both on either: a valid
``aw.seizure.item-linked.v1`` published to the public ``aw.lab-results`` under its sample id was
handled as a seized item, linking the sample to a seizure nobody reported (found by
tests/stress/test_hostile_input.py). Now it is dead-lettered as ``unknown_type``.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from faust.types import TP
from faust.types.tuples import ConsumerMessage

from contracts.codec import encode
from contracts.errors import ContractError
from contracts.seizure import SeizureItemLinked, SeizureItemLinkedData
from contracts.topics import LAB_RESULTS, SEIZURE_ITEMS
from services.platform.metrics import ServiceMetrics
from services.platform.stream import StreamService, StreamSettings

T = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
LINK = SeizureItemLinked(
    id="forged-1",
    source="someone",
    jurisdiction="KZ",
    time=T,
    published=T,
    data=SeizureItemLinkedData(
        seizure_id="Z-FAKE", case_id="C-FAKE", region="Almaty", channel="post", seized_at=T,
        sample_id="S-1", form="powder", mass_g=1.0, jurisdiction="KZ",
    ),
)  # fmt: skip


def outcome(topic: str) -> tuple[list, list]:
    """What the service does with the link read from ``topic``: handled events, dead letters."""
    service = StreamService("t", StreamSettings(), ServiceMetrics("t"))
    handled, dead = [], []

    async def handle(event, message) -> None:
        handled.append(event)

    async def dead_letter(message, error) -> None:
        dead.append(error)

    service.dead_letter = dead_letter
    message = ConsumerMessage(
        topic, 0, 7, 0.0, 0, [], b"S-1", encode(LINK), None, 3, 100, tp=TP(topic, 0)
    )
    asyncio.run(service._process("samples", message, handle))
    return handled, dead


def test_an_internal_event_forged_on_a_public_topic_is_dead_lettered() -> None:
    handled, dead = outcome(LAB_RESULTS.name)
    assert handled == []
    assert [type(e) for e in dead] == [ContractError]
    assert dead[0].error_class.value == "unknown_type"
    assert "not accepted on this topic" in dead[0].reason


def test_the_same_event_on_its_own_topic_is_handled() -> None:
    handled, dead = outcome(SEIZURE_ITEMS.name)
    assert (len(handled), dead) == (1, [])
