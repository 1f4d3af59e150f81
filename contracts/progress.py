"""Event-time order between stages: where a derived event stands, and how far a stage has got.

Every stage of the pipeline handles its inputs in one order, the order of the agencies' events by
``(time, id)``: the order the offline replay takes them in. A derived event (a seized item, a
detection, a schedule change) carries :class:`InputOrder`, the place of the agency event it came
from, so the next stage can put it where the replay would.

A stage also tells the next one how far it has got with :class:`ProgressReported`, sent to every
partition of the internal topics it writes: "from ``origin``, nothing still to come stands before
``through``". A stage holds each input until every origin it reads from has got past it, then
handles the held inputs in order (``services.domain.ordering``).

>>> from datetime import datetime, timezone
>>> t = datetime(2025, 3, 1, tzinfo=timezone.utc)
>>> InputOrder(time=t, id="ev-1", seq=[0, 2]).key()[1:]
('ev-1', (0, 2))
>>> ProgressReported(id="p/1", source="substance_resolver", time=t, published=t,
...     data=ProgressData(partition=3, origin="aw.seizures/0", through=t)).key
'progress:3'
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import AwareDatetime, Field

from contracts.envelope import Id, Jurisdiction, OutgoingEvent, OutgoingModel

PROGRESS_TYPE = "aw.stream.progress.v1"


class InputOrder(OutgoingModel):
    """The place of a derived event: its agency event's ``time`` and ``id``, then its position
    among what that event led to (``seq``: one index per stage it went through)."""

    time: AwareDatetime
    id: Id
    seq: list[int] = Field(default_factory=list, max_length=8)

    def key(self) -> tuple[dt.datetime, str, tuple[int, ...]]:
        return (self.time, self.id, tuple(self.seq))


class ProgressData(OutgoingModel):
    """How far one origin has got, for the stage reading partition ``partition``."""

    partition: int = Field(ge=0, description="The partition this record was sent to")
    origin: str = Field(
        min_length=1,
        max_length=200,
        description="What has progressed: an agency topic's partition ('aw.seizures/2') or a "
        "stage's partition ('substance_resolver/4'); 'lease:<origin>' only makes the reader look "
        "again (that origin's idle word is trusted again: its worker stands by it)",
    )
    through: AwareDatetime | None = Field(
        default=None,
        description="Nothing still to come from the origin stands before this event time "
        "(None: the origin has had nothing yet)",
    )
    idle: bool = Field(
        default=False,
        description="The origin has nothing queued and has been quiet: it holds nobody back",
    )
    read_to: int | None = Field(
        default=None,
        ge=0,
        description="Idle agency partitions: the offset read up to (the next to read) when this "
        "was said; a reader that has read past it knows the word is stale",
    )
    schedule_versions: dict[str, int] = Field(
        default_factory=dict,
        description="The schedule versions already published by the origin, per jurisdiction "
        "(the schedule registry's): a reader waits for its copy to be this new",
    )


class ProgressReported(OutgoingEvent):
    """``aw.stream.progress.v1`` (internal): how far an origin has got. Key: ``progress:<n>``,
    sent to partition n of an internal topic."""

    type: Literal["aw.stream.progress.v1"] = "aw.stream.progress.v1"
    jurisdiction: Jurisdiction | None = Field(  # type: ignore[assignment]
        default=None, description="None: progress covers every jurisdiction"
    )
    data: ProgressData

    @property
    def key(self) -> str:
        return progress_key(self.data.partition)


def progress_key(partition: int) -> str:
    """The message key of a progress record sent to ``partition``.

    >>> progress_key(5)
    'progress:5'
    """
    return f"progress:{partition}"
