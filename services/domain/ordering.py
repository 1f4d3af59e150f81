"""Event-time order at every stage: hold each input until nothing that stands before it can
still come, then handle the held inputs in order.

Agencies publish on many partitions at their own pace; the services read them as they come. For
the alerts to be a function of the events and not of their arrival, every stage takes its inputs
in one order, that of the agency events by ``(time, id)`` (:class:`Key`), the order in which the
offline replay takes them. Each stage partition knows a set of *origins* (agency partitions it
reads, or the partitions of the stage before it) and how far each has got (:class:`Progress`).
An input is held (:meth:`Reorderer.offer`) until every origin has got past it
(:func:`frontier`), then released in key order (:meth:`Reorderer.release`).

How far an origin has got:

* An agency partition that is being read has got to the latest event time read on it less the
  allowed lateness: a later event may stand up to that much before the latest one
  (:func:`source_progress`).
* An origin that has nothing queued and has been quiet for a while is *idle* and holds nobody
  back; when every origin is idle, everything held is released (the end of a burst).
* A stage has got as far as it has released (:meth:`Reorderer.progress`).

An input that arrives after an input standing after it was released is *late*: it is handled at
once, counted, and the monitor judges it at its own time as far as published versions allow.

>>> import datetime as dt
>>> t = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
>>> r = Reorderer()
>>> r.offer(Key(t + dt.timedelta(days=2), "b"), "second"), r.offer(Key(t, "a"), "first")
(False, False)
>>> r.release(Until(t + dt.timedelta(days=1)))
['first']
>>> r.release(EVERYTHING), r.offer(Key(t, "c"), "late")
(['second'], True)
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Key:
    """Where an input stands: its agency event's time and id, then its place among what that
    event led to (``seq``)."""

    time: dt.datetime
    id: str
    seq: tuple[int, ...] = ()

    def then(self, *seq: int) -> Key:
        """The key of the ``seq``-th thing this input leads to.

        >>> Key(dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "e").then(2).then(0).seq
        (2, 0)
        """
        return Key(self.time, self.id, (*self.seq, *seq))


def order_key(event: Any) -> Key:
    """Where ``event`` stands: an agency event by its own time and id, a derived one where the
    agency event it came from stands (``data.order``).

    >>> from contracts.progress import InputOrder
    >>> from types import SimpleNamespace as E
    >>> t = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    >>> order_key(E(time=t, id="a", data=E())).id
    'a'
    >>> order_key(E(time=t, id="d", data=E(order=InputOrder(time=t, id="a", seq=[1])))).seq
    (1,)
    """
    order = getattr(event.data, "order", None)
    if order is None:
        return Key(event.time, event.id)
    return Key(order.time, order.id, tuple(order.seq))


@dataclass(frozen=True)
class Progress:
    """How far one origin has got: nothing still to come from it stands before ``through``.

    ``idle``: it has nothing queued and has been quiet, so it holds nobody back.
    ``through`` None: it has had nothing yet.
    """

    through: dt.datetime | None
    idle: bool = False


@dataclass(frozen=True)
class Until:
    """Release what stands before ``time``."""

    time: dt.datetime


@dataclass(frozen=True)
class Everything:
    """Release everything held: every origin is idle."""


EVERYTHING = Everything()
Bound = Until | Everything


def frontier(progress: Mapping[str, Progress], origins: Iterable[str]) -> Bound | None:
    """How far a stage partition may go, given what its ``origins`` have said.

    None while an origin has said nothing, or a busy origin has had nothing yet.

    >>> t = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    >>> frontier({"a": Progress(t), "b": Progress(None, idle=True)}, ["a", "b"]) == Until(t)
    True
    >>> frontier({"a": Progress(t, idle=True)}, ["a"]), frontier({}, ["a"])
    (Everything(), None)
    """
    busy: list[dt.datetime] = []
    for origin in origins:
        said = progress.get(origin)
        if said is None:
            return None
        if said.idle:
            continue
        if said.through is None:
            return None
        busy.append(said.through)
    return Until(min(busy)) if busy else EVERYTHING


def source_progress(latest: dt.datetime | None, lateness: dt.timedelta, *, quiet: bool) -> Progress:
    """How far an agency partition has got: the latest event time read on it less the allowed
    lateness; idle (holding nobody back) once it is quiet with nothing unread.

    >>> t = dt.datetime(2025, 3, 3, tzinfo=dt.UTC)
    >>> source_progress(t, dt.timedelta(days=2), quiet=False).through.day
    1
    >>> source_progress(t, dt.timedelta(days=2), quiet=True) == Progress(t, idle=True)
    True
    """
    if quiet:
        return Progress(latest, idle=True)
    return Progress(None if latest is None else latest - lateness)


@dataclass
class Reorderer(Generic[T]):
    """Inputs held in key order until a bound releases them.

    ``released`` is the key of the last input released: an input offered at or before it is late
    (it is not held: the caller handles it at once).
    """

    _held: list[tuple[Key, int, T]] = field(default_factory=list)
    _count: int = 0
    released: Key | None = None

    def offer(self, key: Key, item: T) -> bool:
        """Hold ``item`` at ``key``; True (and nothing held) when it is late."""
        if self.released is not None and key <= self.released:
            return True
        self._count += 1
        heapq.heappush(self._held, (key, self._count, item))
        return False

    def release(self, bound: Bound) -> list[T]:
        """The held items ``bound`` lets go, in key order (the first offered first on a tie)."""
        out: list[T] = []
        while self._held and (isinstance(bound, Everything) or self._held[0][0].time < bound.time):
            key, _, item = heapq.heappop(self._held)
            self.released = key
            out.append(item)
        return out

    def progress(self, bound: Bound | None) -> Progress | None:
        """How far this stage has got after releasing up to ``bound``, for the stage after it."""
        if bound is None:
            return None
        if isinstance(bound, Everything):
            if self._held:  # pragma: no cover - release(EVERYTHING) empties it
                return Progress(self._held[0][0].time)
            return Progress(None if self.released is None else self.released.time, idle=True)
        return Progress(bound.time)

    def __len__(self) -> int:
        return len(self._held)

    def clear(self) -> None:
        """Forget what is held (the partitions were taken away: they will be read again)."""
        self._held.clear()
