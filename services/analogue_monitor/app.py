"""Analogue monitor: sightings and schedule changes in, alerts out.

One ordered stage reads ``aw.detections`` and ``aw.schedule.changes`` (both keyed by match key,
with the same partition count), so everything about one substance meets one ``SubstanceState`` in
a changelog-backed table. Every worker follows the whole of ``aw.schedule.state`` (a compacted
topic) to classify against any jurisdiction.

Inputs are handled in the order of the agency events they came from, once the resolver and the
registry have both got past them (``services.platform.ordered``): a substance meets its sightings
and its legal changes in the order the offline replay gives them, whatever the pace of arrival.
Each time a partition's event time passes a UTC midnight, its substances are swept as of that
midnight (stall deadlines, group rules, lapses, occurrences out of the window), as the replay
sweeps.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from functools import partial

from aiokafka.partitioner import DefaultPartitioner
from faust.types import Message

from contracts.alerts import AlertKind, AlertLevel, alert_kind
from contracts.codec import decode
from contracts.envelope import Envelope
from contracts.progress import ProgressData
from contracts.schedule import ScheduleChanged, ScheduleSnapshot
from contracts.topics import DETECTIONS, LAB_RESULTS, LEGISLATION, SCHEDULE_CHANGES, SCHEDULE_STATE
from services.analogue_monitor import handlers
from services.analogue_monitor.config import MonitorSettings, alert_rules
from services.analogue_monitor.metrics import DAY, MonitorMetrics, SweepTally
from services.domain.ordering import Key
from services.domain.substance import MonitorDeps, ScheduleView, SubstanceState
from services.domain.timeline import start_of
from services.platform.follower import CompactedFollower
from services.platform.ordered import OrderedStage, origin
from services.platform.stream import StreamService

NAME = "analogue_monitor"
SCHEDULE_WAIT_S = 30.0
"""How long the monitor waits for its copy of a schedule to reach a version the registry has
published (it reads the compacted state topic all the time: milliseconds, as a rule)."""
RESOLVER = "substance_resolver"
log = logging.getLogger(__name__)


class Schedules:
    """Every jurisdiction's latest schedule, as the follower reads it."""

    def __init__(self) -> None:
        self.views: dict[str, ScheduleView] = {}

    def on_record(self, key: bytes, value: bytes | None, timestamp_ms: int = 0) -> None:
        if value is None:
            return
        snapshot = decode(value, accept=SCHEDULE_STATE.types)
        assert isinstance(snapshot, ScheduleSnapshot)
        self.views[snapshot.jurisdiction] = ScheduleView.from_snapshot(snapshot)

    async def reached(self, jurisdiction: str, version: int, timeout_s: float) -> bool:
        """Wait until the copy of ``jurisdiction``'s schedule is ``version`` or newer (False
        after ``timeout_s``)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            view = self.views.get(jurisdiction)
            if view is not None and view.version >= version:
                return True
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(0.02)

    async def caught_up_with(self, progress: ProgressData) -> bool:
        """Wait (a while) until every schedule the registry had published by ``progress`` has
        been read; False if it has not by then."""
        for jurisdiction, version in progress.schedule_versions.items():
            if not await self.reached(jurisdiction, version, SCHEDULE_WAIT_S):
                return False
        return True


def origins(partition: int) -> list[str]:
    """What a monitor partition waits for: every resolver partition and legislation partition."""
    return [
        *(origin(RESOLVER, p) for p in range(LAB_RESULTS.partitions)),
        *(origin(LEGISLATION, r) for r in range(LEGISLATION.partitions)),
    ]


def sweep_time(last: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    """The midnight to sweep as of when event time moves from ``last`` to ``now``: the start of
    ``now``'s UTC day once it passes a midnight (the replay's rule), else None. With no ``last``
    (the partition's first input or release since the worker started), the start of ``now``'s
    day: a worker restarted after its partition had read past a midnight it never swept (killed
    before) would otherwise never sweep it, when nothing more comes there (found by the arrival
    kill test, 8 December 2026: 4-CEC never resolved on 24 November). The replay has swept there
    too, and a sweep repeated at one moment changes nothing.

    >>> t = dt.datetime(2025, 3, 1, 22, tzinfo=dt.UTC)
    >>> sweep_time(t, t + dt.timedelta(hours=1)), sweep_time(t, t + dt.timedelta(days=2)).day
    (None, 3)
    >>> sweep_time(None, t).isoformat()
    '2025-03-01T00:00:00+00:00'
    """
    if last is None:
        return start_of(now.astimezone(dt.UTC).date())
    if now <= last:
        return None
    midnight = start_of(last.astimezone(dt.UTC).date() + dt.timedelta(days=1))
    return start_of(now.astimezone(dt.UTC).date()) if now >= midnight else None


def build(settings: MonitorSettings) -> StreamService:
    metrics = MonitorMetrics()
    service = StreamService(NAME, settings, metrics)
    substances = service.state_table("substances", SubstanceState, DETECTIONS.partitions)
    schedules = Schedules()
    follower = CompactedFollower(settings, SCHEDULE_STATE, schedules.on_record)
    deps = MonitorDeps.with_chemistry(
        schedule=schedules.views.get,
        rules=alert_rules(settings),
        service=NAME,
        jurisdictions=lambda: tuple(schedules.views),  # read from the handler thread: one C call
    )
    partitioner = DefaultPartitioner()
    partitions = list(range(DETECTIONS.partitions))
    clock: dict[int, dt.datetime] = {}
    """Per partition, the event time it has reached (for the midnight sweeps)."""

    async def apply(outcome, key: str, message: Message) -> None:
        if outcome.duplicate:
            metrics.duplicates.inc()
        if outcome.late:
            metrics.late.inc()
        await service.apply(outcome, substances, key, message)
        # A duplicate resends versions already counted: count each version once.
        for emitted in () if outcome.duplicate else outcome.emits:
            body, kind = emitted.event.data, alert_kind(emitted.event)
            metrics.alerts.labels(kind.value).inc()
            if kind == AlertKind.RAISED and body.level == AlertLevel.EARLY_WARNING:
                metrics.early_warnings.labels(body.jurisdiction, "raised").inc()
            elif kind == AlertKind.UPDATED and body.promoted:
                metrics.early_warnings.labels(body.jurisdiction, "promoted").inc()
            if body.time_to_control_days is not None and kind == AlertKind.RESOLVED:
                metrics.time_to_control.observe(body.time_to_control_days * DAY)

    async def reach(partition: int, time: dt.datetime | None, message: Message) -> None:
        """Event time on ``partition`` has reached ``time``: sweep if it passed a midnight."""
        if time is None:
            return
        last = clock.get(partition)
        if last is None or time > last:
            clock[partition] = time
        as_of = sweep_time(last, time)
        if as_of is not None:
            await sweep_partition(partition, as_of, message)

    async def on_input(event: Envelope, key: Key, partition: int, message: Message) -> bool:
        await follower.ready.wait()  # never judge with a schedule not yet read
        await reach(partition, key.time, message)
        route = handlers.ROUTES[type(event)]
        match_key = route.key(event)  # the match key, on detections and changes alike
        if isinstance(event, ScheduleChanged):
            # A change handled out of order (late) has not waited for the registry's progress:
            # wait for the copy of the schedule that has it, as the replay has it, rather than
            # defer the change to whatever input of the substance comes next.
            await schedules.reached(
                event.jurisdiction, event.data.schedule_version, SCHEDULE_WAIT_S
            )
        outcome = await service.run(route.handle, event, substances.get(match_key), deps)
        await apply(outcome, match_key, message)
        return outcome.duplicate

    async def released(partition: int, time: dt.datetime | None, message: Message) -> None:
        await follower.ready.wait()
        await reach(partition, time, message)

    async def sweep_partition(partition: int, as_of: dt.datetime, message: Message) -> None:
        tally = SweepTally()
        keys = [
            key
            for key in sorted(substances.keys())
            if partitioner(key.encode(), partitions, partitions) == partition
        ]
        states = [(key, state) for key in keys if (state := substances.get(key)) is not None]
        # What a sweep may forget is judged by the detection path's clock on this partition (the
        # latest sighting it holds, read from the states so that a restart keeps it).
        seen = (handlers.last_sighting(state) for _, state in states)
        sweep = partial(
            handlers.sweep, sightings_through=max((t for t in seen if t is not None), default=None)
        )
        for key, state in states:
            outcome = await service.run(sweep, state, deps, as_of)
            if outcome.state is not state or outcome.emits:
                await apply(
                    outcome, key, message
                )  # a state the sweep left as it was is not rewritten
            if outcome.state is not None:
                _tally(tally, outcome.state, as_of)
        metrics.observe_sweep(partition, tally, stage.owned())

    service.app.task(follower.run)
    stage = OrderedStage(
        service,
        "substances",
        [DETECTIONS, SCHEDULE_CHANGES],
        origins,
        on_input,
        ready=schedules.caught_up_with,
        released=released,
    )
    return service


def _tally(tally: SweepTally, state: SubstanceState, as_of: dt.datetime) -> None:
    tally.substances += 1
    for j, local in state.jurisdictions.items():
        if local.alert is not None:
            first = local.sightings.first_seen
            waited = max(0.0, (as_of - first).total_seconds()) if first else None
            tally.alert(j, local.alert.status.value, waited)


service = build(MonitorSettings.from_env())
app = service.app  # for `faust -A services.analogue_monitor.app worker`


def main() -> None:
    service.main()
