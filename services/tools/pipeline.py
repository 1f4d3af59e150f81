"""The whole pipeline offline: events in, every event the services would emit out, in order.

:func:`replay` takes the agency events in event-time order (:func:`in_event_time`: by ``time``,
then ``id``), whatever order the file has them in: the order every stage of the services takes
its inputs in (``services.domain.ordering``). It runs the same handlers the services run, with a
dict per state table, and feeds each emitted internal event (seized items, detections, schedule
snapshots and changes) back in before the next input, first in first out. :class:`Replay` itself
takes events in the order given (the tests use it to hand the handlers an input out of order).
As event time passes a UTC midnight, every substance is swept as of that midnight, as each
monitor partition is when its event time passes one; ``until`` adds a last sweep, e.g. to see a
stall deadline that no later event reaches. A sweep may forget a substance no sighting to come
could count with, judged by the latest sighting fed (``sighted_through``), as the services judge
by the latest their partition has read.

Scenario tests drive it (events in, exact alerts out), the e2e tests compare the services against
it, and ``analogue-watch replay`` runs it over a file.

>>> Replay  # doctest: +ELLIPSIS
<class '...Replay'>
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from contracts.detection import SubstanceDetected
from contracts.envelope import Envelope
from contracts.schedule import ScheduleSnapshot
from contracts.substances import Structure
from contracts.topics import ALERTS
from services.analogue_monitor import handlers as monitor
from services.chemistry import Parent, standardise
from services.chemistry.standardisation import remembered_components
from services.domain.classifier import Classify, chemistry_classifier
from services.domain.effects import Emit, Outcome, Rejection, Routes
from services.domain.lifecycle import AlertRule
from services.domain.ordering import order_key
from services.domain.substance import MonitorDeps, ScheduleView, SubstanceState, default_rules
from services.domain.timeline import start_of
from services.schedule_registry import handlers as registry
from services.substance_resolver import handlers as resolver


@dataclass(frozen=True)
class ReplayDeps:
    """What the services would be given: chemistry, and the alert rule per jurisdiction."""

    rules: Callable[[str], AlertRule] = field(default=default_rules)
    standardise: Callable[[Structure], Parent] = standardise
    components: Callable[[Structure], tuple[Parent, ...]] = remembered_components
    classify: Classify | None = None
    """None: ``chemistry_classifier(rules)``, as the monitor service runs."""


@dataclass
class Replay:
    """The pipeline's state tables as dicts, fed one event at a time."""

    deps: ReplayDeps
    samples: dict[str, resolver.SampleState] = field(default_factory=dict)
    registries: dict[str, registry.RegistryState] = field(default_factory=dict)
    substances: dict[str, SubstanceState] = field(default_factory=dict)
    schedules: dict[str, ScheduleView] = field(default_factory=dict)
    emitted: list[Emit] = field(default_factory=list)
    rejected: list[tuple[Envelope, Rejection]] = field(default_factory=list)
    watermark: dt.datetime | None = None
    sighted_through: dt.datetime | None = None
    """The latest ``seen_at`` of the detections so far: the detection path's clock."""
    late: int = 0
    duplicates: int = 0
    as_stored: bool = False
    """Store each state as the services do (JSON bytes) and read it back before using it."""
    daily_sweeps: bool = True
    """Sweep at each UTC midnight event time passes (off: only when :meth:`sweep` is called)."""

    def __post_init__(self) -> None:
        self._resolver = resolver.ResolverDeps(components=self.deps.components)
        self._registry = registry.RegistryDeps(standardise=self.deps.standardise)
        classify = self.deps.classify or chemistry_classifier(self.deps.rules)
        self._monitor = MonitorDeps(
            schedule=self.schedules.get,
            classify=classify,
            rules=self.deps.rules,
            jurisdictions=lambda: list(self.schedules),
        )
        self._services: list[tuple[Routes, dict[str, dict], object]] = [
            (resolver.ROUTES, {"samples": self.samples}, self._resolver),
            (registry.ROUTES, {"schedules": self.registries}, self._registry),
            (monitor.ROUTES, {"substances": self.substances}, self._monitor),
        ]
        """Each service's routing table, its state tables by name and its dependencies."""

    def feed(self, event: Envelope) -> None:
        """Process one input event and everything it leads to."""
        self._pass_time(event.time)
        queue: list[Envelope] = [event]
        while queue:
            for out in self._route(queue.pop(0)):
                self.emitted.append(out)
                if out.topic is not ALERTS:
                    queue.append(out.event)

    def sweep(self, as_of: dt.datetime) -> None:
        """Sweep every substance as of ``as_of`` (event time)."""
        for key in sorted(self.substances):
            outcome = monitor.sweep(
                self.substances[key],
                self._monitor,
                as_of,
                sightings_through=self.sighted_through,
            )
            self._store(self.substances, key, outcome, None)
            self.emitted.extend(outcome.emits)

    def _pass_time(self, time: dt.datetime) -> None:
        if self.daily_sweeps and self.watermark is not None and time > self.watermark:
            midnight = start_of(self.watermark.astimezone(dt.UTC).date() + dt.timedelta(days=1))
            if time >= midnight:
                self.sweep(start_of(time.astimezone(dt.UTC).date()))
        self.watermark = time if self.watermark is None else max(self.watermark, time)

    def _route(self, event: Envelope) -> tuple[Emit, ...]:
        """Hand ``event`` to the handler its service's routing table names, with the state of
        its key (as the services do); the monitor also follows the schedule snapshots and the
        detection path's clock, as its worker does."""
        if isinstance(event, ScheduleSnapshot):
            self.schedules[event.jurisdiction] = ScheduleView.from_snapshot(event)
            return ()
        if isinstance(event, SubstanceDetected):
            latest = self.sighted_through
            self.sighted_through = max(latest or event.data.seen_at, event.data.seen_at)
        for routes, tables, deps in self._services:
            route = routes.get(type(event))
            if route is None:
                continue
            if route.table is None:
                return route.handle(event, None, deps).emits
            table, key = tables[route.table], route.key(event)
            return self._store(table, key, route.handle(event, table.get(key), deps), event)
        raise TypeError(f"replay does not route {event.type}")

    def _store(
        self, table: dict, key: str, outcome: Outcome, event: Envelope | None
    ) -> tuple[Emit, ...]:
        if outcome.state is None:
            table.pop(key, None)
        elif self.as_stored:
            state = outcome.state
            table[key] = type(state).model_validate_json(state.model_dump_json())
        else:
            table[key] = outcome.state
        self.late += outcome.late
        self.duplicates += outcome.duplicate
        if event is not None:
            self.rejected.extend((event, rejection) for rejection in outcome.rejections)
        return outcome.emits


def in_event_time(events: Iterable[Envelope]) -> list[Envelope]:
    """``events`` in the order every stage takes them: by time, then id (a resend stays beside
    its first sending, in the order given)."""
    return sorted(events, key=order_key)


def replay(
    events: Iterable[Envelope],
    deps: ReplayDeps | None = None,
    *,
    until: dt.datetime | None = None,
) -> list[Emit]:
    """Every event the pipeline emits for ``events``, taken in event-time order (alerts
    included)."""
    return replay_arrivals([events], deps, until=until)


def replay_arrivals(
    arrivals: Iterable[Iterable[Envelope]],
    deps: ReplayDeps | None = None,
    *,
    until: dt.datetime | None = None,
) -> list[Emit]:
    """Every event the pipeline emits for ``arrivals``: batches of events, each published after
    everything before it was handled (the services idle in between), each taken in event-time
    order. An event of a later batch dated before what an earlier one reached is *late*, as it
    would be for the services: it changes the past only through a ``corrected`` version."""
    deps = deps or ReplayDeps()
    run = Replay(deps)
    for batch in arrivals:
        for event in in_event_time(batch):
            run.feed(event)
    if until is not None:
        run.sweep(until)
    return run.emitted
