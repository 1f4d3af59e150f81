"""What a handler returns: the state to store, the events to send, the inputs to dead-letter.

Handlers are pure: ``handle_x(event, state, deps) -> Outcome[State]``. The runner (a faust agent,
or the offline :mod:`services.tools.pipeline`) stores ``outcome.state`` under the input's key,
sends every :class:`Emit` in order, and dead-letters the raw input once per :class:`Rejection`.

>>> from datetime import datetime, timezone
>>> from contracts.seizure import SeizureItemLinked, SeizureItemLinkedData
>>> t = datetime(2026, 3, 1, tzinfo=timezone.utc)
>>> item = SeizureItemLinked(id="ev-1/S-1", source="aw.substance_resolver", jurisdiction="KZ",
...     time=t, published=t, data=SeizureItemLinkedData(seizure_id="Z-1", case_id="C-1",
...     region="Almaty", channel="street", seized_at=t, sample_id="S-1", form="powder",
...     mass_g=1.0, jurisdiction="KZ"))
>>> from contracts.topics import SEIZURE_ITEMS
>>> emit(SEIZURE_ITEMS, item).key
'S-1'
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from contracts.envelope import ID_MAX, Envelope
from contracts.errors import ErrorClass
from contracts.topics import Topic

S = TypeVar("S")


@dataclass(frozen=True)
class Emit:
    """An event to send to ``topic`` under ``key``."""

    topic: Topic
    event: Envelope
    key: str


def emit(topic: Topic, event: Envelope) -> Emit:
    """An :class:`Emit` keyed the way the topic table says ``topic`` is keyed."""
    if event.type not in topic.types:
        raise ValueError(f"{event.type} does not travel on {topic.name}")
    return Emit(topic=topic, event=event, key=topic.key_of(event))


@dataclass(frozen=True)
class Rejection:
    """Why (part of) an input cannot be used: the runner dead-letters the raw input with it.

    ``error_class`` is a :class:`contracts.errors.ErrorClass` value, e.g. ``"invalid_structure"``.
    """

    error_class: str
    reason: str
    field: str | None = None
    """The dotted path of the offending field (``data.substances[0].structure``), if one."""

    def __post_init__(self) -> None:
        ErrorClass(self.error_class)  # fail at the source, not in the runner


@dataclass(frozen=True)
class Outcome(Generic[S]):
    """The result of handling one input.

    ``state`` is the new value for the input's key (``None``: leave the key absent / delete it).
    ``duplicate`` is true when the input was seen before and changed nothing; ``late`` when it
    was valid but too old to count (see the monitor's lateness rule). Both are for metrics only.
    """

    state: S | None
    emits: tuple[Emit, ...] = ()
    rejections: tuple[Rejection, ...] = ()
    duplicate: bool = False
    late: bool = False


@dataclass(frozen=True)
class Route(Generic[S]):
    """Where a service takes one event type: its handler, and the state table it keeps.

    The state is ``table``'s entry under the key the topic table gives the event on ``topic``
    (``topic.key_of``); ``table`` None: the handler keeps no state (it is given None). Each
    service's ``handlers.ROUTES`` maps event types to routes, and both its ``app.py`` and the
    offline replay read it, so the two cannot route differently.
    """

    handle: Callable[[Any, S | None, Any], Outcome[S]]
    topic: Topic
    table: str | None

    def key(self, event: Envelope) -> str:
        return self.topic.key_of(event)


Routes = dict[type[Envelope], Route[Any]]
"""A service's routing table: event type to route."""


def derived_id(*parts: object) -> str:
    """A deterministic event id made of ``parts`` joined by ``/``, hashed when too long.

    >>> derived_id("ev-7", 0, "Z-1")
    'ev-7/0/Z-1'
    >>> len(derived_id("x" * 200, "S-1"))
    128
    """
    joined = "/".join(str(part) for part in parts)
    if len(joined) <= ID_MAX:
        return joined
    digest = hashlib.sha256(joined.encode()).hexdigest()[:32]
    return f"{joined[: ID_MAX - len(digest) - 1]}~{digest}"
