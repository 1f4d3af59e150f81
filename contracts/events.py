"""Every event type, and the union decoded by its ``type`` field.

>>> sorted(EVENT_MODELS)[:2]
['aw.alert-action.v1', 'aw.alert.corrected.v1']
>>> INCOMING_TYPES >= {"aw.seizure.reported.v1", "aw.lab-result.reported.v1"}
True
"""

from __future__ import annotations

from typing import Annotated, Any, cast, get_args

from pydantic import Field, TypeAdapter

from contracts.actions import AlertActionTaken
from contracts.alerts import AlertEvent
from contracts.dead_letter import DeadLettered
from contracts.detection import SubstanceDetected
from contracts.envelope import Envelope, IncomingEvent, type_of
from contracts.lab import LabResultReported
from contracts.legislation import LegislationEvent
from contracts.notifications import PartnerNotified
from contracts.progress import ProgressReported
from contracts.schedule import ScheduleChanged, ScheduleSnapshot, SweepRequested
from contracts.seizure import SeizureItemLinked, SeizureReported

Event = Annotated[
    SeizureReported
    | LabResultReported
    | LegislationEvent
    | SeizureItemLinked
    | SubstanceDetected
    | ScheduleChanged
    | ScheduleSnapshot
    | SweepRequested
    | ProgressReported
    | AlertEvent
    | AlertActionTaken
    | PartnerNotified
    | DeadLettered,
    Field(discriminator="type"),
]
"""Any event, told apart by its ``type``."""

# mypy cannot check a union this long against TypeAdapter's overloads; pydantic checks it.
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(cast(Any, Event))

EVENT_MODELS: dict[str, type[Envelope]] = {
    type_of(model): model for model in get_args(get_args(Event)[0])
}
"""Each event type string to its model, in declaration order."""

INCOMING_TYPES: frozenset[str] = frozenset(
    name for name, model in EVENT_MODELS.items() if issubclass(model, IncomingEvent)
)
"""Types other agencies publish to us (tolerant of unknown fields)."""
