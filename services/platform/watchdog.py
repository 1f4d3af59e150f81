"""A worker whose partition stops being read while it has messages waiting fails loudly.

faust-streaming can leave an assigned partition unread after a rebalance (its issue 629: after a
restart on a restored table, one partition is never fetched again while the others are). Nothing
in the worker notices: it looks alive, its other partitions flow, and the alerts of that partition
stop. The watchdog compares, for every input partition the worker holds, what has been written
(the high watermark) with what the worker has read, and how long ago it last read it:

* a partition with messages waiting, unread for ``stall_after_s`` while another partition of the
  same agent was read meanwhile, is stalled;
* so is one unread that long while the agent reads nothing at all and handles nothing (an agent
  busy handling a long backlog reads nothing for a while, and is not stalled).

A stalled worker logs why, sets ``<service>_stalled_partitions`` and exits with status 75, so that
its supervisor (docker-compose ``restart``, deploy/local.sh, the fault harness) starts it again: a
new worker reads the partition from its committed offset. ``AW_STALL_AFTER_S=0`` turns it off.

>>> r = {"a/0": Reading(lag=5, quiet_s=90), "a/1": Reading(lag=0, quiet_s=1)}
>>> stalled(r, after_s=60, busy=False)
['a/0']
>>> stalled({"a/0": Reading(lag=5, quiet_s=90)}, after_s=60, busy=True)
[]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K")

EXIT_STALLED = 75
"""The exit status of a worker that stopped itself for a stalled partition (EX_TEMPFAIL)."""


@dataclass(frozen=True)
class Reading:
    """One input partition: messages written and not read yet, seconds since it was last read."""

    lag: int
    quiet_s: float


def stalled(readings: Mapping[K, Reading], *, after_s: float, busy: bool) -> list[K]:
    """The partitions that have stopped being read though messages wait on them."""
    waiting = [k for k, r in readings.items() if r.lag > 0 and r.quiet_s >= after_s]
    if not waiting:
        return []
    others_read = any(r.quiet_s < after_s for r in readings.values())
    return waiting if others_read or not busy else []
