"""A second year (2026), written for the arrival-order tests: the shapes the demo year lacks.

* several samples of one seizure, each with its own lab result: one occurrence, not three;
* lab results published before the seizure reports they analyse (a lab uploads the day's
  results at once, the police report a day and a half later);
* a temporary control that lapses while the substance is still seized: resolved, then reopened;
* an amendment rejected after it had held an alert back;
* test purchases (lab results with no seizure) counting beside seizures;
* listed substances seized all year (no alert).

:data:`EXPECTED` is what the alert topic should show (kind, status, day), written from the story.
"""

from __future__ import annotations

import datetime as dt

from contracts.envelope import Envelope
from contracts.legislation import Instrument
from contracts.seizure import Channel, SeizureReported
from services.scenario.baseline import kz_baseline
from services.scenario.story import (
    Enacted,
    Proposed,
    PurchaseRow,
    Rejected,
    SeizureRow,
    StageChanged,
    StoryBuilder,
)
from services.scenario.substances import (
    ADB_4EN_PINACA,
    ALPHA_PHP,
    ALPHA_PIHP,
    ALPHA_PVP,
    MDMB_4EN_PINACA,
    MEPHEDRONE,
    PROTONITAZENE,
)

YEAR = 2026
KZT = dt.timezone(dt.timedelta(hours=5))
START = dt.datetime(YEAR, 1, 2, 9, 0, tzinfo=KZT)
DROP, MSG, POST, STREET = Channel.DEAD_DROP, Channel.MESSENGER, Channel.POST, Channel.STREET
MDMB, PIHP, PROTO, ADB4 = (MDMB_4EN_PINACA,), (ALPHA_PIHP,), (PROTONITAZENE,), (ADB_4EN_PINACA,)

SEVERAL_SAMPLES = (  # MDMB-4en-PINACA: the first seizure has three samples, all positive
    SeizureRow("01-20", "Almaty", DROP, (MDMB, MDMB, MDMB), lab_days=6),
    SeizureRow("02-10", "Karaganda", MSG, (MDMB,), lab_days=5),
    SeizureRow("03-02", "Pavlodar", DROP, (MDMB,), lab_days=4),  # third occurrence
)

LAB_FIRST = (  # alpha-PiHP: analysed the same day, reported by the police a day and a half later
    SeizureRow("02-03", "Astana", POST, (PIHP, PIHP), lab_days=0),
    SeizureRow("02-17", "Almaty", DROP, (PIHP,), lab_days=0),
    SeizureRow("03-09", "Shymkent", MSG, (PIHP, PIHP, PIHP), lab_days=0),  # third occurrence
    SeizureRow("03-30", "Astana", DROP, (PIHP,), lab_days=1),
)
LAB_FIRST_REPORT_DELAY = dt.timedelta(hours=36)

LAPSING = (  # protonitazene: listed for three months only, and still seized when control ends
    SeizureRow("01-12", "Almaty", POST, (PROTO,), lab_days=14),
    SeizureRow("01-26", "Shymkent", POST, (PROTO,), lab_days=12),
    SeizureRow("02-09", "Almaty", DROP, (PROTO,), lab_days=10),  # third occurrence
    SeizureRow("05-20", "Almaty", POST, (PROTO,), lab_days=9),
    SeizureRow("06-15", "Shymkent", POST, (PROTO,), lab_days=11),
    SeizureRow("07-01", "Almaty", DROP, (PROTO,), lab_days=8),
)

REJECTED = (  # ADB-4en-PINACA: held back by a proposal that is then rejected
    SeizureRow("04-06", "Karaganda", DROP, (ADB4,), lab_days=7),
    SeizureRow("04-20", "Pavlodar", MSG, (ADB4,), lab_days=8),
    SeizureRow("05-04", "Almaty", DROP, (ADB4,), lab_days=6),  # third occurrence
    SeizureRow("06-22", "Karaganda", DROP, (ADB4,), lab_days=9),
)

PURCHASES = (  # alpha-PHP: two test purchases and a seizure make three occurrences
    PurchaseRow("05-11", "Almaty", ALPHA_PHP),
    PurchaseRow("05-25", "Astana", ALPHA_PHP),
)
PURCHASED_AND_SEIZED = (SeizureRow("06-02", "Almaty", STREET, ((ALPHA_PHP,),), lab_days=5),)

LISTED = tuple(
    SeizureRow(day, region, DROP, ((substance,),), lab_days=lab)
    for day, region, substance, lab in (
        ("01-15", "Almaty", ALPHA_PVP, 5),
        ("03-18", "Astana", MEPHEDRONE, 9),
        ("05-05", "Almaty", ALPHA_PVP, 6),
        ("07-07", "Shymkent", MEPHEDRONE, 4),
    )
)

AMD_PROTO, AMD_ADB = "KZ-AMD-2026-003", "KZ-AMD-2026-006"
TITLE = "On amendments to the list of narcotic drugs, psychotropic substances and precursors"
LEGISLATION = (
    Proposed(
        "02-27",
        AMD_PROTO,
        Instrument.GOVERNMENT_DECREE,
        f"{TITLE} (protonitazene, temporary)",
        substances=(PROTONITAZENE,),
    ),
    StageChanged("03-20", AMD_PROTO, "signed", "drafted"),
    Enacted("04-01", AMD_PROTO, effective_from="04-01", expires="07-01"),
    Proposed(
        "05-15",
        AMD_ADB,
        Instrument.GOVERNMENT_DECREE,
        f"{TITLE} (ADB-4en-PINACA)",
        (ADB_4EN_PINACA,),
    ),
    Rejected("06-10", AMD_ADB, "Returned by the Government: a generic definition is asked for"),
)

EXPECTED: dict[str, list[tuple[str, str, str]]] = {
    MDMB_4EN_PINACA.name: [("raised", "open", "03-02")],
    ALPHA_PIHP.name: [("raised", "open", "03-09")],
    PROTONITAZENE.name: [
        ("raised", "open", "02-09"),
        ("suppressed", "suppressed", "02-27"),
        ("resolved", "resolved", "04-01"),
        ("reopened", "open", "07-01"),
    ],
    ADB_4EN_PINACA.name: [
        ("raised", "open", "05-04"),
        ("suppressed", "suppressed", "05-15"),
        ("reopened", "open", "06-10"),
    ],
    ALPHA_PHP.name: [("raised", "open", "06-02")],
}
"""Per substance, its alert's transitions other than updates: kind, status after, and the day
(KZ time) it is dated: a raise at the seizure of the third occurrence (however late its lab
result), a legal change at its own time, a lapse on the day the control expires."""


def build_year(seed: int = 20260101) -> list[Envelope]:
    """Every event of the year, in the order agencies publish them (by ``published``)."""
    builder = StoryBuilder(seed=seed, year=YEAR)
    builder.add(kz_baseline(START))
    rows = [*SEVERAL_SAMPLES, *LAB_FIRST, *LAPSING, *REJECTED, *PURCHASED_AND_SEIZED, *LISTED]
    for row in sorted(rows, key=lambda r: r.day):
        builder.seizure(row)
    for purchase in PURCHASES:
        builder.test_purchase(purchase)
    for law in LEGISLATION:
        builder.legislation(law, KZT)
    late_reports = {builder.day(row.day) for row in LAB_FIRST}
    events = [_reported_late(e, late_reports) for e in builder.events]
    return sorted(events, key=lambda e: (e.published, e.id))


def _reported_late(event: Envelope, days: set[dt.date]) -> Envelope:
    if isinstance(event, SeizureReported) and event.data.seized_at.date() in days:
        return event.model_copy(update={"published": event.time + LAB_FIRST_REPORT_DELAY})
    return event
