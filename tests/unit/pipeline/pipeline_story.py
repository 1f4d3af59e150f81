"""Telling the pipeline a story: agencies' events in plain calls, the alerts out as short rows.

A :class:`Story` collects input events in the order they arrive (ids derived from what they say,
so saying the same thing twice makes a duplicate); :func:`alerts` replays them through every
handler and summarises each alert as an :class:`Alert` row: what happened to which alert, its
version, status and count, and the day (of the story) it was judged at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from contracts.alerts import AlertBody
from contracts.envelope import Envelope
from contracts.lab import LabResultReported
from contracts.legislation import (
    AmendmentEnacted,
    AmendmentProposed,
    AmendmentRejected,
    AmendmentStageChanged,
    AmendmentWithdrawn,
    BaselineListed,
)
from contracts.seizure import SeizureReported
from contracts.topics import ALERTS
from services.domain.effects import Emit
from services.domain.lifecycle import AlertRule
from services.tools.pipeline import Replay, ReplayDeps

T0 = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)

ALPHA_PVP = "CCCC(C(=O)c1ccccc1)N1CCCC1"
MDPV = "CCCC(C(=O)c1ccc2OCOc2c1)N1CCCC1"
MEPHEDRONE = "CNC(C)C(=O)c1ccc(C)cc1"
ALPHA_PHP = "CCCCC(C(=O)c1ccccc1)N1CCCC1"
"""The unlisted analogue of the stories: alpha-PVP with one more carbon in the chain."""
CAFFEINE = "Cn1cnc2c1c(=O)n(C)c(=O)n2C"
"""Like nothing listed: never an alert."""

KZ_BASELINE = (("alpha-PVP", ALPHA_PVP), ("MDPV", MDPV), ("mephedrone", MEPHEDRONE))

CATHINONES = {
    "name": "cathinones",
    "family": "synthetic cathinones",
    "smarts": "[NX3]-[CX4](-[#6])-[CX3](=O)-c1ccccc1",
    "description": "Any 2-amino-1-phenylpropan-1-one (cathinone) derivative.",
}


MIDNIGHT_KZ = 17 / 24
"""00:00 of a date in Kazakhstan (UTC+5) is 19:00 UTC the day before: this much of a day before
that date's noon UTC (a story day)."""


def day(n: float) -> dt.datetime:
    """Noon UTC on day ``n`` of the story (day 0 is 2026-01-01)."""
    return T0 + dt.timedelta(days=n)


def day_of(time: dt.datetime) -> float:
    """The story day of ``time`` (noon is a whole day; a midnight ends in .5)."""
    return (time - T0) / dt.timedelta(days=1)


class Alert(NamedTuple):
    kind: str
    jurisdiction: str
    version: int
    status: str
    count: int
    on: float


@dataclass
class Story:
    events: list[Envelope] = field(default_factory=list)
    seized: int = 0

    def _envelope(self, kind: str, key: str, on: float, j: str) -> dict[str, Any]:
        time = day(on)
        return {
            "id": f"{j}:{kind}:{key}@{on:g}",
            "source": f"{j.lower()}.test",
            "jurisdiction": j,
            "time": time,
            "published": time,
        }

    def add(self, event: Envelope) -> Story:
        self.events.append(event)
        return self

    # -- law --

    def baseline(
        self, on: float = 0, j: str = "KZ", substances=KZ_BASELINE, groups=(), effective=None
    ) -> Story:
        data = {
            "list_name": f"{j} national list",
            "effective_from": day(on if effective is None else effective).date(),
            "substances": [listed(name, smiles) for name, smiles in substances],
            "group_definitions": list(groups),
        }
        return self.add(BaselineListed(**self._envelope("baseline", "list", on, j), data=data))

    def propose(
        self, amendment: str, on: float, names=(("alpha-PHP", ALPHA_PHP),), groups=(), j="KZ"
    ) -> Story:
        data = {
            "amendment_id": amendment,
            "instrument": "government_decree",
            "title": f"Amendment {amendment} to the list",
            "substances": [listed(name, smiles) for name, smiles in names],
            "group_definitions": list(groups),
        }
        envelope = self._envelope("proposed", amendment, on, j)
        return self.add(AmendmentProposed(**envelope, data=data))

    def stage(self, amendment: str, on: float, stage: str, j: str = "KZ") -> Story:
        data = {"amendment_id": amendment, "stage": stage}
        envelope = self._envelope(f"stage-{stage}", amendment, on, j)
        return self.add(AmendmentStageChanged(**envelope, data=data))

    def enact(
        self,
        amendment: str,
        on: float,
        effective: float | None = None,
        expires: float | None = None,
        j: str = "KZ",
    ) -> Story:
        data = {
            "amendment_id": amendment,
            "effective_from": day(on if effective is None else effective).date(),
            "expires": None if expires is None else day(expires).date(),
        }
        return self.add(AmendmentEnacted(**self._envelope("enacted", amendment, on, j), data=data))

    def reject(self, amendment: str, on: float, j: str = "KZ") -> Story:
        data = {"amendment_id": amendment, "reason": "voted down"}
        return self.add(
            AmendmentRejected(**self._envelope("rejected", amendment, on, j), data=data)
        )

    def withdraw(self, amendment: str, on: float, j: str = "KZ") -> Story:
        data = {"amendment_id": amendment, "reason": "withdrawn by the ministry"}
        envelope = self._envelope("withdrawn", amendment, on, j)
        return self.add(AmendmentWithdrawn(**envelope, data=data))

    # -- seizures and lab results --

    def seizure(
        self,
        seizure_id: str,
        on: float,
        samples: Sequence[str],
        region: str = "Almaty",
        channel: str = "dead_drop",
        j: str = "KZ",
        reported: float | None = None,
    ) -> Story:
        data = {
            "seizure_id": seizure_id,
            "case_id": f"C-{seizure_id}",
            "region": region,
            "seized_at": day(on),
            "channel": channel,
            "items": [{"sample_id": s, "form": "powder", "mass_g": 1.0} for s in samples],
        }
        when = on if reported is None else reported
        return self.add(
            SeizureReported(**self._envelope("seizure", seizure_id, when, j), data=data)
        )

    def lab(self, sample: str, on: float, *smiles: str, j: str = "KZ", name=None) -> Story:
        data = {
            "lab_id": f"{j}-LAB-1",
            "sample_id": sample,
            "analysed_at": day(on),
            "method": "GC-MS",
            "substances": [
                {"structure": {"smiles": s}, "reported_name": name or _name_of(s)} for s in smiles
            ],
            "nothing_identified": not smiles,
        }
        return self.add(LabResultReported(**self._envelope("lab", sample, on, j), data=data))

    def found(
        self,
        on: float,
        smiles: str = ALPHA_PHP,
        region: str = "Almaty",
        channel: str = "dead_drop",
        j: str = "KZ",
    ) -> Story:
        """A seizure of one sample on day ``on``, reported then, analysed a few hours later."""
        self.seized += 1
        seizure, sample = f"{j}-Z{self.seized}", f"{j}-S{self.seized}"
        self.seizure(seizure, on, [sample], region=region, channel=channel, j=j)
        return self.lab(sample, on + 0.25, smiles, j=j)


def listed(name: str, smiles: str) -> dict[str, Any]:
    return {"name": name, "structure": {"smiles": smiles}, "schedule": "I"}


def _name_of(smiles: str) -> str | None:
    names = {ALPHA_PHP: "alpha-PHP", CAFFEINE: "caffeine", ALPHA_PVP: "alpha-PVP"}
    return names.get(smiles)


def rules(**overrides: int) -> Callable[[str], AlertRule]:
    rule = AlertRule(**overrides)
    return lambda jurisdiction: rule


def run(
    events: Iterable[Envelope] | Story,
    *,
    until: float | None = None,
    replay: Replay | None = None,
    **rule: int,
) -> Replay:
    """Replay the events (and a last sweep on day ``until``) with the given alert rule."""
    replay = replay or Replay(deps(**rule))
    for event in events.events if isinstance(events, Story) else events:
        replay.feed(event)
    if until is not None:
        replay.sweep(day(until))
    return replay


def deps(**rule: int) -> ReplayDeps:
    """The chemistry core, and the alert rule with ``rule`` changed in every jurisdiction."""
    return ReplayDeps(rules=rules(**rule))


def alert_emits(emits: Iterable[Emit]) -> list[Emit]:
    return [e for e in emits if e.topic is ALERTS]


def bodies(emits: Iterable[Emit]) -> list[AlertBody]:
    return [e.event.data for e in alert_emits(emits)]  # type: ignore[attr-defined]


def summary(emits: Iterable[Emit]) -> list[Alert]:
    """Each alert emitted, as a short row."""
    rows = []
    for e in alert_emits(emits):
        body: AlertBody = e.event.data  # type: ignore[attr-defined]
        kind = e.event.type.removeprefix("aw.alert.").removesuffix(".v1")
        rows.append(
            Alert(
                kind,
                body.jurisdiction,
                body.version,
                body.status.value,
                body.occurrence_count,
                day_of(e.event.time),
            )
        )
    return rows


def alerts(
    events: Iterable[Envelope] | Story, *, until: float | None = None, **rule
) -> list[Alert]:
    """The alerts the pipeline emits for the story, as short rows."""
    return summary(run(events, until=until, **rule).emitted)
