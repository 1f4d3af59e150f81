"""Analogue monitor: sightings and schedule changes in, alerts out.

One agent reads ``aw.detections``, ``aw.schedule.changes`` and ``aw.monitor.sweeps`` (all keyed
by match key or partition, all with the same partition count), so everything about one
substance meets one ``SubstanceState`` in a changelog-backed table. Every worker follows the
whole of ``aw.schedule.state`` (a compacted topic) to classify against any jurisdiction.

A timer sends one sweep request to each partition this worker owns whenever event time or a
schedule has moved; the sweep runs in that partition's stream, where its state may be written.
It judges as of the latest event time seen on any input, but forgets a substance, or drops
occurrences, only by the latest sighting its partition holds (the detection path's own clock, read
from the states, so a restart keeps it): a legislation path running ahead of a lagging resolver
cannot make the monitor drop occurrences still to be counted.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from aiokafka.partitioner import DefaultPartitioner
from faust.types import Message

from contracts.codec import decode, encode
from contracts.detection import SubstanceDetected
from contracts.envelope import Envelope
from contracts.schedule import ScheduleSnapshot, SweepRequested, SweepRequestedData
from contracts.topics import DETECTIONS, SCHEDULE_CHANGES, SCHEDULE_STATE, SWEEPS
from services.analogue_monitor import handlers
from services.analogue_monitor.config import MonitorSettings
from services.analogue_monitor.metrics import DAY, MonitorMetrics, SweepTally
from services.domain.lifecycle import AlertRule
from services.platform.follower import CompactedFollower
from services.platform.stream import StreamService
from services.platform.topics import topic_name

NAME = "analogue_monitor"
log = logging.getLogger(__name__)


def alert_rules(settings: MonitorSettings):  # -> Callable[[str], AlertRule]
    """The alert rule per jurisdiction: the defaults, with that jurisdiction's overrides."""
    default = AlertRule(
        min_occurrences=settings.min_occurrences,
        window_days=settings.window_days,
        stall_days=settings.stall_days,
        escalation_factor=settings.escalation_factor,
        lateness_days=settings.lateness_days,
    )
    rules = {
        j: AlertRule(**{**vars(default), **override.model_dump(exclude_none=True)})
        for j, override in settings.alert_rules.items()
    }
    return lambda jurisdiction: rules.get(jurisdiction, default)


class Schedules:
    """Every jurisdiction's latest schedule, as the follower reads it; and event time seen."""

    def __init__(self) -> None:
        self.views: dict[str, handlers.ScheduleView] = {}
        self.latest_time: dt.datetime | None = None
        self.changed = False

    def on_record(self, key: bytes, value: bytes | None) -> None:
        if value is None:
            return
        snapshot = decode(value, accept=SCHEDULE_STATE.types)
        assert isinstance(snapshot, ScheduleSnapshot)
        self.views[snapshot.jurisdiction] = handlers.ScheduleView.from_snapshot(snapshot)
        self.observe(snapshot.time)
        self.changed = True

    def observe(self, time: dt.datetime) -> None:
        if self.latest_time is None or time > self.latest_time:
            self.latest_time = time


def build(settings: MonitorSettings) -> StreamService:
    metrics = MonitorMetrics()
    service = StreamService(NAME, settings, metrics)
    substances = service.state_table("substances", handlers.SubstanceState, DETECTIONS.partitions)
    schedules = Schedules()
    follower = CompactedFollower(settings, SCHEDULE_STATE, schedules.on_record)
    deps = handlers.MonitorDeps.with_chemistry(
        schedule=schedules.views.get, rules=alert_rules(settings), service=NAME
    )
    partitioner = DefaultPartitioner()
    partitions = list(range(DETECTIONS.partitions))
    swept_at: dict[int, tuple[dt.datetime | None, int]] = {}

    async def apply(outcome, key: str, message: Message) -> None:
        if outcome.duplicate:
            metrics.duplicates.inc()
        if outcome.late:
            metrics.late.inc()
        await service.apply(outcome, substances, key, message)
        # A duplicate resends versions already counted: count each version once.
        for emitted in () if outcome.duplicate else outcome.emits:
            body = emitted.event.data
            metrics.alerts.labels(emitted.event.type.split(".")[2]).inc()
            if body.time_to_control_days is not None and emitted.event.type.endswith("resolved.v1"):
                metrics.time_to_control.observe(body.time_to_control_days * DAY)

    async def on_event(event: Envelope, message: Message) -> None:
        await follower.ready.wait()  # never judge with a schedule not yet read
        if isinstance(event, SweepRequested):
            await sweep_partition(event, message)
            return
        schedules.observe(
            event.data.seen_at if isinstance(event, SubstanceDetected) else event.time
        )
        key = DETECTIONS.key_of(event)  # the match key, on detections and changes alike
        handle = (
            handlers.handle_detection
            if isinstance(event, SubstanceDetected)
            else handlers.handle_schedule_changed
        )
        outcome = await service.run(handle, event, substances.get(key), deps)
        await apply(outcome, key, message)

    async def sweep_partition(request: SweepRequested, message: Message) -> None:
        partition = request.data.partition
        tally = SweepTally()
        keys = [
            key
            for key in sorted(substances.keys())
            if partitioner(key.encode(), partitions, partitions) == partition
        ]
        # The detection path's clock on this partition, from the states (so a restart keeps it).
        seen = (handlers.last_sighting(s) for s in map(substances.get, keys) if s is not None)
        clock = max((t for t in seen if t is not None), default=None)
        sweep = partial(handlers.sweep, sightings_through=clock)
        for key in keys:
            state = substances.get(key)
            if state is None:
                continue
            outcome = await service.run(sweep, state, deps, request.data.as_of)
            await apply(outcome, key, message)
            if outcome.state is not None:
                _tally(tally, outcome.state, request.data.as_of)
        metrics.observe_sweep(partition, tally, owned_partitions())

    def owned_partitions() -> list[int]:
        detections = topic_name(DETECTIONS, settings.topic_namespace)
        return sorted(
            tp.partition for tp in service.app.consumer.assignment() if tp.topic == detections
        )

    async def request_sweeps() -> None:
        """Ask each partition this worker owns to sweep, when time or a schedule moved."""
        if not follower.ready.is_set() or schedules.latest_time is None:
            return
        owned = owned_partitions()
        version = sum(v.version for v in schedules.views.values())
        for partition in owned:
            if swept_at.get(partition) == (schedules.latest_time, version):
                continue
            swept_at[partition] = (schedules.latest_time, version)
            request = SweepRequested(
                id=f"sweep/{partition}/{schedules.latest_time.isoformat()}/{version}",
                source=NAME,
                time=schedules.latest_time,
                published=dt.datetime.now(dt.UTC),
                data=SweepRequestedData(partition=partition, as_of=schedules.latest_time),
            )
            await service.topic(SWEEPS).send(
                key=SWEEPS.key_of(request).encode(), value=encode(request), partition=partition
            )

    service.app.task(follower.run)
    service.app.timer(interval=settings.sweep_interval_s)(request_sweeps)
    service.consume("substances", [DETECTIONS, SCHEDULE_CHANGES, SWEEPS], on_event)
    return service


def _tally(tally: SweepTally, state: handlers.SubstanceState, as_of: dt.datetime) -> None:
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
