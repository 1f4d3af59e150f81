"""Distinct occurrences of one substance in one jurisdiction, kept in an event-time window.

An *occurrence* is what the alert rule counts: a seizure counts once however many of its samples,
or lab results of them, found the substance; a sample with no (known) seizure counts once. The
resolver names occurrences so that this holds (``occurrence_id`` is the seizure id, or
``sample:<sample id>``); this module keeps them:

* a sighting of a known occurrence adds its sample id and changes no count;
* a sighting with a seizure replaces the sample-only occurrence of the same sample (the lab
  result came first, the seizure later): the two were one occurrence all along;
* occurrences no judgement can need any more are pruned (the monitor decides which); counts are
  taken over ``[at - window, at]``.

Every list is bounded; the occurrences are sorted by time, so the state is the same whatever
order the sightings came in.

>>> from datetime import datetime, timedelta, timezone
>>> t = datetime(2026, 3, 1, tzinfo=timezone.utc)
>>> s = Sightings().record(Sighting("sample:S-1", t, sample_id="S-1"))
>>> s = s.record(Sighting("Z-1", t - timedelta(days=2), sample_id="S-1", seizure_id="Z-1",
...                       region="Almaty", channel="dead_drop"))
>>> [o.occurrence_id for o in s.occurrences], s.total, s.regions
(['Z-1'], 1, ('Almaty',))
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from pydantic import AwareDatetime

from contracts.seizure import Channel
from services.domain.state import StateModel, bounded_union

MAX_OCCURRENCES = 500
"""Occurrences kept per substance and jurisdiction; past it the oldest are dropped, so counts
above this saturate (an alert has long been raised and escalated by then). Bounded so that a
substance's whole state stays well inside one changelog record (services.platform.stream
STATE_MAX_BYTES): at 2,000, about 1,300 sightings under long ids already passed it."""
MAX_SAMPLES_PER_OCCURRENCE = 20
MAX_REGIONS = 100


@dataclass(frozen=True)
class Sighting:
    """One detection of the substance, as the monitor counts it."""

    occurrence_id: str
    seen_at: dt.datetime
    sample_id: str
    seizure_id: str | None = None
    region: str | None = None
    channel: Channel | str | None = None


class Occurrence(StateModel):
    occurrence_id: str
    seen_at: AwareDatetime
    seizure_id: str | None = None
    region: str | None = None
    channel: Channel | None = None
    sample_ids: tuple[str, ...] = ()


def sample_only_id(sample_id: str) -> str:
    """The occurrence id of a sample with no known seizure.

    >>> sample_only_id("S-9")
    'sample:S-9'
    """
    return f"sample:{sample_id}"


class Sightings(StateModel):
    """One jurisdiction's occurrences of one substance, and what has been seen there so far."""

    occurrences: tuple[Occurrence, ...] = ()
    """In the retention, sorted by (seen_at, occurrence_id)."""
    first_seen: AwareDatetime | None = None
    last_seen: AwareDatetime | None = None
    total: int = 0
    """Distinct occurrences ever counted here (for "also seen in" on other jurisdictions)."""
    regions: tuple[str, ...] = ()
    """Every region seen here, sorted (bounded)."""
    channels: tuple[Channel, ...] = ()
    late: int = 0
    """Sightings that came later than the lateness (see :meth:`is_late`), counted all the same."""

    def is_late(self, seen_at: dt.datetime, lateness: dt.timedelta) -> bool:
        """True when ``seen_at`` is more than ``lateness`` before the latest sighting here.

        Such a sighting still counts (the monitor judges it at its own time), but the detection
        path delivered it further out of order than the monitor plans for: occurrences its window
        needed may already have been dropped. It is counted in :attr:`late` too.
        """
        return self.last_seen is not None and seen_at < self.last_seen - lateness

    def counted_late(self) -> Sightings:
        return self.model_copy(update={"late": self.late + 1})

    def record(self, sighting: Sighting) -> Sightings:
        """These sightings with ``sighting`` counted (once per occurrence)."""
        occurrences = {o.occurrence_id: o for o in self.occurrences}
        total = self.total
        merged_sample = sample_only_id(sighting.sample_id)
        if sighting.seizure_id is not None and merged_sample in occurrences:
            del occurrences[merged_sample]  # the same occurrence, now known by its seizure
            total -= 1
        channel = None if sighting.channel is None else Channel(sighting.channel)
        known = occurrences.get(sighting.occurrence_id)
        if known is None:
            total += 1
            known = Occurrence(
                occurrence_id=sighting.occurrence_id,
                seen_at=sighting.seen_at,
                seizure_id=sighting.seizure_id,
                region=sighting.region,
                channel=channel,
            )
        samples = bounded_union(known.sample_ids, sighting.sample_id, MAX_SAMPLES_PER_OCCURRENCE)
        occurrences[sighting.occurrence_id] = known.model_copy(update={"sample_ids": samples})
        kept = sorted(occurrences.values(), key=lambda o: (o.seen_at, o.occurrence_id))
        return self.model_copy(
            update={
                "occurrences": tuple(kept[-MAX_OCCURRENCES:]),
                "total": total,
                "first_seen": earliest(self.first_seen, sighting.seen_at),
                "last_seen": latest(self.last_seen, sighting.seen_at),
                "regions": bounded_union(self.regions, sighting.region, MAX_REGIONS),
                "channels": bounded_union(self.channels, channel, len(Channel)),
            }
        )

    def forget(self, occurrence_id: str) -> Sightings:
        """These sightings without ``occurrence_id`` (merged into an occurrence elsewhere)."""
        kept = tuple(o for o in self.occurrences if o.occurrence_id != occurrence_id)
        if len(kept) == len(self.occurrences):
            return self
        return self.model_copy(update={"occurrences": kept, "total": self.total - 1})

    def holds(self, occurrence_id: str) -> bool:
        return any(o.occurrence_id == occurrence_id for o in self.occurrences)

    def pruned(self, before: dt.datetime) -> Sightings:
        """Without the occurrences seen before ``before`` (they can no longer be counted)."""
        kept = tuple(o for o in self.occurrences if o.seen_at >= before)
        if len(kept) == len(self.occurrences):
            return self
        return self.model_copy(update={"occurrences": kept})

    def in_window(self, at: dt.datetime, window: dt.timedelta) -> tuple[Occurrence, ...]:
        """The occurrences seen in ``[at - window, at]``, oldest first."""
        return tuple(o for o in self.occurrences if at - window <= o.seen_at <= at)

    def count(self, at: dt.datetime, window: dt.timedelta) -> int:
        """How many occurrences were seen in ``[at - window, at]`` (``len(in_window(...))``)."""
        first = bisect.bisect_left(self.occurrences, at - window, key=_seen_at)
        return bisect.bisect_right(self.occurrences, at, key=_seen_at) - first


def _seen_at(occurrence: Occurrence) -> dt.datetime:
    return occurrence.seen_at


def earliest(a: dt.datetime | None, b: dt.datetime) -> dt.datetime:
    """The earlier of two moments, the first of which may not be known yet."""
    return b if a is None else min(a, b)


def latest(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime:
    """The later of two moments, either of which may not be known yet (not both)."""
    if a is None or b is None:
        value = a or b
        assert value is not None
        return value
    return max(a, b)
