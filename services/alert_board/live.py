"""Live updates for open pages: each change gets a sequence number and goes to every listener.

A page remembers the last sequence number it saw (the list page is rendered with the current one;
the browser's EventSource sends ``Last-Event-ID`` when it reconnects), and on connecting it is sent
whatever it missed from a short backlog. A page that has missed more than the backlog holds, or
that was rendered by an earlier run of the board (ids carry a run id), is told to reload instead.
A listener that falls too far behind is dropped; its EventSource reconnects and catches up the
same way, so one slow browser never holds memory or the others back.

>>> feed = LiveFeed(backlog=2, run="r1")
>>> _ = [feed.publish("alert", {"n": n}) for n in range(3)]
>>> feed.last_id
'r1-3'
>>> [m.seq for m in feed.missed_since("r1-1")], feed.missed_since("r1-0"), feed.missed_since("r0-3")
([2, 3], None, None)
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

QUEUE_LIMIT = 1000
"""Messages a listener may have waiting before it is dropped."""


@dataclass(frozen=True)
class Message:
    run: str
    seq: int
    event: str
    data: dict[str, Any]

    def encode(self) -> bytes:
        """The message in the Server-Sent Events wire format (``data`` is one JSON line)."""
        payload = json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))
        return f"id: {self.run}-{self.seq}\nevent: {self.event}\ndata: {payload}\n\n".encode()


CLOSE = None
"""Put on a listener's queue to end its stream."""


class LiveFeed:
    def __init__(
        self, backlog: int = 500, on_drop: Callable[[], None] | None = None, run: str = ""
    ) -> None:
        self.run = run or uuid.uuid4().hex[:12]
        self.seq = 0
        self._recent: deque[Message] = deque(maxlen=backlog)
        self._listeners: set[asyncio.Queue[Message | None]] = set()
        self._on_drop = on_drop

    @property
    def last_id(self) -> str:
        """The id of the latest message: a page rendered now has seen everything up to it."""
        return f"{self.run}-{self.seq}"

    @property
    def listeners(self) -> int:
        return len(self._listeners)

    def publish(self, event: str, data: dict[str, Any]) -> Message:
        self.seq += 1
        message = Message(self.run, self.seq, event, data)
        self._recent.append(message)
        for queue in list(self._listeners):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                self._drop(queue)
        return message

    def missed_since(self, last_id: str) -> list[Message] | None:
        """Messages after the one with ``last_id``; None when the page must reload: some of them
        are no longer held, or the id is from another run or malformed."""
        run, _, number = last_id.rpartition("-")
        if run != self.run or not number.isdigit() or int(number) > self.seq:
            return None
        seq = int(number)
        if seq == self.seq:
            return []
        oldest = self._recent[0].seq if self._recent else self.seq + 1
        if seq + 1 < oldest:
            return None
        return [m for m in self._recent if m.seq > seq]

    def listen(self) -> asyncio.Queue[Message | None]:
        queue: asyncio.Queue[Message | None] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._listeners.add(queue)
        return queue

    def leave(self, queue: asyncio.Queue[Message | None]) -> None:
        self._listeners.discard(queue)

    def close_all(self) -> None:
        """End every listener's stream (at shutdown)."""
        for queue in list(self._listeners):
            self._listeners.discard(queue)
            _close(queue)

    def _drop(self, queue: asyncio.Queue[Message | None]) -> None:
        self._listeners.discard(queue)
        _close(queue)
        if self._on_drop:
            self._on_drop()


def _close(queue: asyncio.Queue[Message | None]) -> None:
    while not queue.empty():  # make room for the end marker
        queue.get_nowait()
    queue.put_nowait(CLOSE)
