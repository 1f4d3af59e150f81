"""Schedule registry: legislation events in, each jurisdiction's schedule and changes out.

Reads ``aw.legislation`` (key: jurisdiction), keeps a ``RegistryState`` per jurisdiction in a
changelog-backed table, publishes the whole schedule to ``aw.schedule.state`` and one change per
named substance to ``aw.schedule.changes``. It says on every partition of
``aw.schedule.changes`` how far each legislation partition has got, with the schedule versions
published by then, so that the monitor takes sightings and legal changes in event-time order.
"""

from __future__ import annotations

from faust.types import Message

from contracts.envelope import Envelope
from contracts.topics import LEGISLATION, SCHEDULE_CHANGES
from services.chemistry import standardise
from services.platform.ordered import ProgressReporter
from services.platform.stream import StreamService
from services.schedule_registry import handlers
from services.schedule_registry.config import RegistrySettings
from services.schedule_registry.metrics import RegistryMetrics

NAME = "schedule_registry"


def build(settings: RegistrySettings) -> StreamService:
    metrics = RegistryMetrics()
    service = StreamService(NAME, settings, metrics)
    schedules = service.state_table("schedules", handlers.RegistryState, LEGISLATION.partitions)
    deps = handlers.RegistryDeps(standardise=standardise, service=NAME)
    versions: dict[int, dict[str, int]] = {}
    """Per legislation partition, the schedule version published for each jurisdiction."""
    sources = ProgressReporter(service)
    sources.watch(
        LEGISLATION, SCHEDULE_CHANGES, broadcast=True, versions=lambda r: versions.get(r, {})
    )

    async def on_legislation(event: Envelope, message: Message) -> None:
        route = handlers.ROUTES[type(event)]
        key = route.key(event)
        before = schedules.get(key)
        outcome = await service.run(route.handle, event, before, deps)
        if outcome.duplicate:
            metrics.duplicates.inc()
        await sources.woke(message, event.time)  # busy again before its changes go out
        await service.apply(outcome, schedules, key, message)
        if outcome.state is not None:
            versions.setdefault(message.partition, {})[key] = outcome.state.version
        sources.observe(message, event.time)  # its snapshot and changes are out
        if outcome.state is not None:
            metrics.observe_schedule(
                key, before.schedule if before else None, outcome.state.schedule
            )

    service.consume("legislation", [LEGISLATION], on_legislation)
    sources.start()
    return service


service = build(RegistrySettings.from_env())
app = service.app  # for `faust -A services.schedule_registry.app worker`


def main() -> None:
    service.main()
