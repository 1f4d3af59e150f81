"""From a story told as rows (a seizure on a day, a law moving a stage) to contract events.

A scenario is written as small rows: :class:`SeizureRow` (what was seized where, and how long its
lab took), :class:`PurchaseRow` (a test purchase: a lab result with no seizure) and the legislation
rows. :class:`StoryBuilder` turns them into valid events with deterministic ids, filling in the
details a person need not choose (time of day, mass, method, which salt the lab reported) from a
seeded random generator, so the same rows and seed always give the same events.

>>> from contracts.seizure import Channel
>>> from services.scenario.substances import ALPHA_PHP
>>> builder = StoryBuilder(seed=1, year=2025)
>>> builder.seizure(SeizureRow("02-14", "Astana", Channel.POST, ((ALPHA_PHP,),), lab_days=8))
>>> [e.type for e in builder.events]
['aw.lab-result.reported.v1', 'aw.seizure.reported.v1']
>>> builder.events[1].data.seizure_id, builder.events[0].data.sample_id
('KZ-AST-2025-00001', 'KZ-AST-S-25-00001')
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

from contracts.envelope import Envelope
from contracts.lab import IdentifiedSubstance, LabResultReported, LabResultReportedData, Method
from contracts.legislation import (
    AmendmentEnacted,
    AmendmentEnactedData,
    AmendmentProposed,
    AmendmentProposedData,
    AmendmentRejected,
    AmendmentRejectedData,
    AmendmentStageChanged,
    AmendmentStageChangedData,
    Instrument,
)
from contracts.seizure import Channel, Form, SeizedItem, SeizureReported, SeizureReportedData
from contracts.substances import GroupDefinition, ListedSubstance, Structure
from services.scenario.places import PLACES, Place
from services.scenario.substances import Substance

Item = tuple[Substance, ...]
"""What the lab finds in one seized item: one substance, a mixture, or nothing (empty)."""


@dataclass(frozen=True)
class SeizureRow:
    """A seizure on ``day`` ("MM-DD") in ``region``; the first item's lab result ``lab_days``
    later, the others up to two days after it."""

    day: str
    region: str
    channel: Channel
    items: tuple[Item, ...]
    lab_days: int
    presumptive: str | None = None
    """What the field test suggested for the first item (default: drawn by family)."""
    resend_report_hours: int = 0
    """When > 0, the agency sends the seizure report again this much later, with the same id."""
    resend_lab_hours: int = 0
    """When > 0, the lab sends the first item's result again this much later, with the same id."""


@dataclass(frozen=True)
class PurchaseRow:
    """A test purchase analysed on ``day`` by the lab serving ``region``: no seizure."""

    day: str
    region: str
    substance: Substance


@dataclass(frozen=True)
class Proposed:
    day: str
    amendment_id: str
    instrument: Instrument
    title: str
    substances: tuple[Substance, ...] = ()
    groups: tuple[GroupDefinition, ...] = ()
    expected_effective: str | None = None


@dataclass(frozen=True)
class StageChanged:
    day: str
    amendment_id: str
    stage: str
    previous_stage: str
    resend_hours: int = 0


@dataclass(frozen=True)
class Enacted:
    day: str
    amendment_id: str
    effective_from: str
    expires: str | None = None
    """The end of a temporary control ("MM-DD"), if it is one."""


@dataclass(frozen=True)
class Rejected:
    day: str
    amendment_id: str
    reason: str


LegislationRow = Proposed | StageChanged | Enacted | Rejected

_PRESUMPTIVE: dict[str, tuple[str | None, ...]] = {
    "cathinone": ("alpha-PVP", "salt", None),
    "synthetic_cannabinoid": ("spice", None),
    "nitazene": ("heroin", "oxycodone", None),
    "benzodiazepine": ("alprazolam", None),
    "adulterant": ("mephedrone", None),
}
_METHODS: dict[str, tuple[Method, ...]] = {
    "nitazene": (Method.LC_HRMS,),
    "synthetic_cannabinoid": (Method.GC_MS, Method.LC_MS_MS),
    "benzodiazepine": (Method.LC_MS_MS,),
}
_MASS_G: dict[Form, tuple[float, float]] = {
    Form.HERBAL: (2.0, 250.0),
    Form.TABLETS: (0.5, 30.0),
}


class StoryBuilder:
    """Collects the events of a story; ids and numbering are deterministic, details seeded."""

    def __init__(self, *, seed: int | str, year: int, legal_source: str = "kz.mvd.legal"):
        self.rng = random.Random(seed)
        self.year = year
        self.legal_source = legal_source
        self.events: list[Envelope] = []
        self._numbers: Counter[str] = Counter()

    # -- helpers --------------------------------------------------------------------------

    def day(self, month_day: str) -> dt.date:
        month, day = month_day.split("-")
        return dt.date(self.year, int(month), int(day))

    def _next(self, counter: str) -> int:
        self._numbers[counter] += 1
        return self._numbers[counter]

    def _at(self, day: dt.date, place: Place, hours: tuple[int, int]) -> dt.datetime:
        clock = dt.time(self.rng.randint(*hours), self.rng.randrange(0, 60, 5))
        return dt.datetime.combine(day, clock, place.tz)

    def add(self, event: Envelope, resend_hours: int = 0) -> None:
        """Add ``event``; with ``resend_hours``, also its resend (same id, published later)."""
        self.events.append(event)
        if resend_hours:
            later = event.published + dt.timedelta(hours=resend_hours)
            self.events.append(event.model_copy(update={"published": later}))

    # -- seizures and lab results ---------------------------------------------------------

    def seizure(self, row: SeizureRow) -> None:
        place = PLACES[row.region]
        day = self.day(row.day)
        number = self._next(f"seizure:{place.jurisdiction}-{place.code}")
        seizure_id = f"{place.jurisdiction}-{place.code}-{self.year}-{number:05d}"
        seized_at = self._at(day, place, (7, 22))
        items = []
        for index, contents in enumerate(row.items):
            sample = self._next(f"sample:{place.jurisdiction}-{place.code}")
            sample_id = f"{place.jurisdiction}-{place.code}-S-{self.year % 100:02d}-{sample:05d}"
            form = self._form(contents)
            presumptive = row.presumptive if index == 0 and row.presumptive else None
            items.append(
                SeizedItem(
                    sample_id=sample_id,
                    form=form,
                    mass_g=self._mass(form),
                    presumptive_name=presumptive or self._presumptive(contents),
                )
            )
            delay = row.lab_days if index == 0 else row.lab_days + self.rng.randint(0, 2)
            resend = row.resend_lab_hours if index == 0 else 0
            self.lab_result(place, sample_id, contents, day + dt.timedelta(days=delay), resend)
        report = SeizureReported(
            id=f"{seizure_id.lower()}-reported",
            source=place.police,
            jurisdiction=place.jurisdiction,
            time=seized_at,
            published=seized_at + dt.timedelta(hours=self.rng.randint(4, 40)),
            correlation_id=f"{place.code}-CASE-{self.year}-{number:04d}",
            data=SeizureReportedData(
                seizure_id=seizure_id,
                case_id=f"{place.code}-CASE-{self.year}-{number:04d}",
                region=place.region,
                seized_at=seized_at,
                channel=row.channel,
                items=items,
            ),
        )
        self.add(report, row.resend_report_hours)

    def test_purchase(self, row: PurchaseRow) -> None:
        place = PLACES[row.region]
        number = self._next(f"purchase:{place.jurisdiction}")
        sample_id = f"{place.jurisdiction}-TP-{self.year}-{number:03d}"
        self.lab_result(place, sample_id, (row.substance,), self.day(row.day))

    def lab_result(
        self, place: Place, sample_id: str, contents: Item, day: dt.date, resend_hours: int = 0
    ) -> None:
        lab = place.lab
        analysed_at = self._at(day, place, (9, 16))
        found = [
            IdentifiedSubstance(
                structure=Structure(smiles=self.rng.choice(substance.reported_variants)),
                reported_name=self._lab_name(substance),
                confidence=round(self.rng.uniform(0.9, 0.99), 2),
            )
            for substance in contents
        ]
        result = LabResultReported(
            id=f"{lab.lab_id.lower()}-{sample_id.lower()}",
            source=lab.source,
            jurisdiction=place.jurisdiction,
            time=analysed_at,
            published=analysed_at + dt.timedelta(minutes=self.rng.randint(60, 300)),
            data=LabResultReportedData(
                lab_id=lab.lab_id,
                sample_id=sample_id,
                analysed_at=analysed_at,
                method=self._method(contents),
                substances=found,
                nothing_identified=not found,
            ),
        )
        self.add(result, resend_hours)

    def _form(self, contents: Item) -> Form:
        return self.rng.choice(contents[0].forms) if contents else Form.HERBAL

    def _mass(self, form: Form) -> float:
        low, high = _MASS_G.get(form, (0.2, 30.0))
        return round(self.rng.uniform(low, high), 2)

    def _presumptive(self, contents: Item) -> str | None:
        family = contents[0].family if contents else "synthetic_cannabinoid"
        return self.rng.choice(_PRESUMPTIVE.get(family, (None,)))

    def _method(self, contents: Item) -> Method:
        family = contents[0].family if contents else ""
        return self.rng.choice(_METHODS.get(family, (Method.GC_MS,)))

    def _lab_name(self, substance: Substance) -> str:
        # Most labs use the usual name; some write another one the alert should gather too.
        if len(substance.lab_names) > 1 and self.rng.random() < 0.3:
            return self.rng.choice(substance.lab_names[1:])
        return substance.lab_names[0]

    # -- legislation ----------------------------------------------------------------------

    def legislation(self, row: LegislationRow, tz: dt.timezone) -> None:
        number = self._next("legislation")
        at = dt.datetime.combine(self.day(row.day), dt.time(10, 0), tz)
        envelope = {
            "id": f"kz-leg-ev-{self.year}-{number:03d}",
            "source": self.legal_source,
            "jurisdiction": "KZ",
            "time": at,
            "published": at + dt.timedelta(minutes=20),
        }
        if isinstance(row, Proposed):
            self.add(AmendmentProposed(**envelope, data=self._proposal(row)))
        elif isinstance(row, StageChanged):
            data = AmendmentStageChangedData(
                amendment_id=row.amendment_id, stage=row.stage, previous_stage=row.previous_stage
            )
            self.add(AmendmentStageChanged(**envelope, data=data), row.resend_hours)
        elif isinstance(row, Enacted):
            enacted = AmendmentEnactedData(
                amendment_id=row.amendment_id,
                effective_from=self.day(row.effective_from),
                expires=self.day(row.expires) if row.expires else None,
            )
            self.add(AmendmentEnacted(**envelope, data=enacted))
        else:
            rejected = AmendmentRejectedData(amendment_id=row.amendment_id, reason=row.reason)
            self.add(AmendmentRejected(**envelope, data=rejected))

    def _proposal(self, row: Proposed) -> AmendmentProposedData:
        listed = [
            ListedSubstance(name=s.name, structure=Structure(smiles=s.smiles), schedule="I")
            for s in row.substances
        ]
        expected = self.day(row.expected_effective) if row.expected_effective else None
        return AmendmentProposedData(
            amendment_id=row.amendment_id,
            instrument=row.instrument,
            title=row.title,
            substances=listed,
            group_definitions=list(row.groups),
            expected_effective=expected,
            stage="drafted",
        )
