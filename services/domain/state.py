"""The base of every handler's state: frozen, JSON round-trippable, and remembering recent inputs.

At-least-once delivery means an input can arrive twice (a redelivery after a crash, or a
producer's retry under a new offset). Every state remembers the ids of the last
:data:`RECENT_IDS` events it applied, and a handler given one of them again returns the state
unchanged: a duplicate changes nothing.

A crash can also fall between storing a state and sending what the handler emitted (both are
produced to Kafka before the input's offset is committed, but not atomically). The redelivered
input is then a duplicate to the stored state, and its emits would be lost. So a state also keeps
an *outbox*: what the last :data:`OUTBOX` inputs that emitted anything emitted. A duplicate of one
of them sends the same events again (same ids, so consumers drop the copies).

>>> s = HandlerState().remembering("ev-1")
>>> s.has_seen("ev-1"), s.has_seen("ev-2"), s.resend("ev-1")
(True, False, ())
>>> HandlerState.model_validate_json(s.model_dump_json()) == s
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict

from contracts.events import EVENT_ADAPTER
from contracts.topics import topic_for_type
from services.domain.effects import Emit, emit

RECENT_IDS = 256
"""How many recent event ids a state remembers for dedup. A duplicate arriving after this many
newer events for the same key is not recognised by id; the handlers' effects are idempotent
anyway (occurrences by id, versions from state), so it would at worst be re-counted as nothing."""
OUTBOX = 8
"""How many inputs' emits a state keeps, to send again when one of those inputs is redelivered."""


class StateModel(BaseModel):
    """A frozen model stored by the runner as ``model_dump_json()`` bytes."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Sent(StateModel):
    """What one input emitted: each event as JSON, in order."""

    event_id: str
    events: tuple[str, ...]


class HandlerState(StateModel):
    """State keyed like its input topic, remembering the ids of the events it applied."""

    recent_ids: tuple[str, ...] = ()
    outbox: tuple[Sent, ...] = ()

    outbox_size: ClassVar[int] = OUTBOX
    """Inputs whose emits are kept (0: none, for a state that can rebuild them itself)."""

    def has_seen(self, event_id: str) -> bool:
        return event_id in self.recent_ids

    def remembering(self, event_id: str, emits: Sequence[Emit] = ()) -> Self:
        """This state, with ``event_id`` remembered (the oldest forgotten past the bound), and
        what it emitted kept in the outbox."""
        if event_id in self.recent_ids:
            return self
        update: dict[str, object] = {"recent_ids": (*self.recent_ids, event_id)[-RECENT_IDS:]}
        if emits and self.outbox_size:
            sent = Sent(event_id=event_id, events=tuple(e.event.model_dump_json() for e in emits))
            update["outbox"] = (*self.outbox, sent)[-self.outbox_size :]
        return self.model_copy(update=update)

    def resend(self, event_id: str) -> tuple[Emit, ...]:
        """What the input ``event_id`` emitted, if it is still in the outbox."""
        for sent in self.outbox:
            if sent.event_id == event_id:
                events = (EVENT_ADAPTER.validate_json(raw) for raw in sent.events)
                return tuple(emit(topic_for_type(event.type), event) for event in events)
        return ()


def bounded_union(values: tuple[str, ...], new: str | None, limit: int) -> tuple[str, ...]:
    """``values`` (sorted) with ``new`` added, sorted, at most ``limit`` (the first kept).

    >>> bounded_union(("b", "c"), "a", 2)
    ('a', 'b')
    """
    if new is None or new in values:
        return values
    return tuple(sorted((*values, new)))[:limit]
