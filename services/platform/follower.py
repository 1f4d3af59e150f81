"""Follow a compacted topic from its beginning: every worker gets the whole of it.

The analogue monitor needs every jurisdiction's schedule whichever partitions it owns, so it
does not consume ``aw.schedule.state`` in its consumer group: it reads all partitions, without a
group, into memory, and keeps reading. The view is derived from the topic, so a restart or a
rebalance loses nothing; :attr:`ready` is set once the end offsets seen at start are reached.
``on_record`` gets each record's key, value and timestamp (ms since the epoch).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition

from contracts.topics import Topic
from services.platform.security import aiokafka_args
from services.platform.settings import ServiceSettings
from services.platform.topics import topic_name

log = logging.getLogger(__name__)


class CompactedFollower:
    def __init__(
        self,
        settings: ServiceSettings,
        topic: Topic,
        on_record: Callable[[bytes, bytes | None, int], None],
    ):
        self.name = topic_name(topic, settings.topic_namespace)
        self.partitions = topic.partitions
        self.settings = settings
        self.on_record = on_record
        self.ready = asyncio.Event()

    async def run(self) -> None:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            client_id=f"follower-{self.name}",
            **aiokafka_args(self.settings),
        )
        await consumer.start()
        try:
            partitions = await self._partitions(consumer)
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            while True:
                batches = await consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    for record in records:
                        self.on_record(record.key or b"", record.value, record.timestamp)
                if not self.ready.is_set() and await self._caught_up(consumer, ends):
                    log.info("caught up", extra={"topic": self.name})
                    self.ready.set()
        finally:
            await consumer.stop()

    @staticmethod
    async def _caught_up(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
        for tp, end in ends.items():
            if await consumer.position(tp) < end:
                return False
        return True

    async def _partitions(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        for _ in range(120):
            if self.name in await consumer.topics():  # a metadata request for all topics
                # Created from the topic table, so the table's partition count is the topic's.
                return [TopicPartition(self.name, p) for p in range(self.partitions)]
            await asyncio.sleep(0.5)
        raise RuntimeError(f"topic {self.name} not found: run 'analogue-watch topics create'")
