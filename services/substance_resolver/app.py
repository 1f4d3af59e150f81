"""Substance resolver: lab results and seizures meet by sample id; detections go out.

Seizures (key: seizure id) are fanned out to one item per sample on
``aw.resolver.seizure-items`` (key: sample id), co-partitioned with ``aw.lab-results``; one ordered
stage reads both and keeps a ``SampleState`` per sample id. It takes a sample's seized item and
lab results in event-time order, once the seizure and lab-result partitions have all got past them
(``services.platform.ordered``): a lab result that overtook its seizure on the way waits for it.
Detections go to ``aw.detections`` keyed by the substance's match key, and the stage says on every
partition of it how far it has got.
"""

from __future__ import annotations

from faust.types import Message

from contracts.envelope import Envelope
from contracts.lab import LabResultReported
from contracts.topics import DETECTIONS, LAB_RESULTS, SEIZURE_ITEMS, SEIZURES
from services.chemistry.standardisation import remembered_components
from services.domain.ordering import Key
from services.platform.ordered import OrderedStage, ProgressReporter, origin
from services.platform.stream import StreamService
from services.substance_resolver import handlers
from services.substance_resolver.config import ResolverSettings
from services.substance_resolver.metrics import ResolverMetrics

NAME = "substance_resolver"


def build(settings: ResolverSettings) -> StreamService:
    metrics = ResolverMetrics()
    service = StreamService(NAME, settings, metrics)
    samples = service.state_table("samples", handlers.SampleState, LAB_RESULTS.partitions)
    deps = handlers.ResolverDeps(components=remembered_components, service=NAME)
    sources = ProgressReporter(service)
    sources.watch(SEIZURES, SEIZURE_ITEMS, broadcast=True)
    sources.watch(LAB_RESULTS, SEIZURE_ITEMS, broadcast=False)

    async def on_seizure(event: Envelope, message: Message) -> None:
        route = handlers.ROUTES[type(event)]  # a seizure: fanned out to its items, no state
        await sources.woke(message, event.time)  # busy again before its items go out
        await service.send_all(route.handle(event, None, deps).emits)
        sources.observe(message, event.time)  # its items are out: progress may pass it

    async def on_sample_event(
        event: Envelope, order: Key, partition: int, message: Message
    ) -> bool:
        route = handlers.ROUTES[type(event)]
        key = route.key(event)  # sample id, on both topics
        outcome = await service.run(route.handle, event, samples.get(key), deps)
        if outcome.duplicate:
            metrics.duplicates.inc()
        if isinstance(event, LabResultReported) and not outcome.duplicate:
            metrics.structures.labels("rejected").inc(len(outcome.rejections))
            if outcome.state is not None and outcome.state.results:
                found = outcome.state.results[-1].found  # this result's, one per substance
                metrics.structures.labels("standardised").inc(len(found))
        await service.apply(outcome, samples, key, message)
        return outcome.duplicate

    def origins(partition: int) -> list[str]:
        """A sample partition waits for its lab results and for every seizure partition."""
        seizures = (origin(SEIZURES, q) for q in range(SEIZURES.partitions))
        return [origin(LAB_RESULTS, partition), *seizures]

    service.consume("seizures", [SEIZURES], on_seizure)
    OrderedStage(
        service,
        "samples",
        [LAB_RESULTS, SEIZURE_ITEMS],
        origins,
        on_sample_event,
        report_to=DETECTIONS,
        sources=sources,
    )
    sources.start()
    return service


service = build(ResolverSettings.from_env())
app = service.app  # for `faust -A services.substance_resolver.app worker`


def main() -> None:
    service.main()
