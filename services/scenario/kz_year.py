"""A year in Kazakhstan (2025): the scenario ``make run`` plays and the end-to-end test replays.

The story, month by month, is in ``docs/scenario.md``; this module is the same story as data.
Three families of new substances arrive in waves while the law tries to keep up:

* synthetic cathinones: alpha-PVP is listed; alpha-PHP spreads from January, is named in a
  government decree in March that passes its stages and takes effect on 1 September;
  N-ethylhexedrone (from May), 4-CEC and alpha-PiHP (from June) follow, and the three open
  alerts are drafted into one generic cathinone rule (``analogue-watch draft-group``), proposed
  in July and in force from 24 November, which resolves all three;
* synthetic cannabinoids: ADB-BUTINACA is listed; MDMB-4en-PINACA spreads in spring, the decree
  naming it is rejected in August; ADB-4en-PINACA follows in the autumn;
* a nitazene: protonitazene, mostly by post; the decree naming it is proposed in May and never
  moves, so it stalls past the 180-day limit in November;
* bromazolam turns up three times, never three times within 90 days: no alert.

Around them: seizures of listed substances (no alert), caffeine sold as a stimulant (no alert),
a herbal sample where nothing was identified, test purchases (lab results with no seizure), four
events delivered twice with the same id, and sightings of alpha-PHP, alpha-PiHP and protonitazene
by the neighbours (UZ, KG, RU), which the KZ alerts show as "also seen in". The neighbours' lists
(RU, UZ, BY, KG) and their acts of 2025 are published too, on their own keys: each KZ alert also
says the substance's status there ("listed in RU since 2025-03-01 by government decree ...").

:data:`EXPECTED_TRANSITIONS` is what the alert topic should show; these are expectations written
with the story, not measurements of the pipeline.

>>> events = build_scenario()
>>> events[0].type, 200 < len(events) < 500
('aw.legislation.baseline-listed.v1', True)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contracts.envelope import Envelope
from contracts.legislation import Instrument
from contracts.seizure import Channel
from contracts.substances import GroupDefinition
from services.chemistry.drafting import Member, draft_group, listed_relatives, not_controlled
from services.scenario.baseline import kz_baseline, partner_legislation
from services.scenario.places import KZ_REGIONS
from services.scenario.story import (
    Enacted,
    LegislationRow,
    Proposed,
    PurchaseRow,
    Rejected,
    SeizureRow,
    StageChanged,
    StoryBuilder,
)
from services.scenario.substances import (
    ADB_4EN_PINACA,
    ADB_BUTINACA,
    ALPHA_PHP,
    ALPHA_PIHP,
    ALPHA_PVP,
    BROMAZOLAM,
    CAFFEINE,
    FOUR_CEC,
    HEROIN,
    MDMA,
    MDMB_4EN_PINACA,
    MEPHEDRONE,
    METHAMPHETAMINE,
    N_ETHYLHEXEDRONE,
    PROTONITAZENE,
    Substance,
)

YEAR = 2025
SEED = 20250101
KZT = dt.timezone(dt.timedelta(hours=5))
START = dt.datetime(YEAR, 1, 2, 9, 0, tzinfo=KZT)
"""When the baseline list is published; every other event comes after it."""

WINDOW_DAYS = 90
MIN_OCCURRENCES = 3
STALL_DAYS = 180
"""The alert rule the expectations assume (the analogue monitor's defaults)."""

# Channels, short.
WEB, MSG, POST, COURIER, DROP, BORDER, STREET = (
    Channel.WEBSITE,
    Channel.MESSENGER,
    Channel.POST,
    Channel.COURIER,
    Channel.DEAD_DROP,
    Channel.BORDER_CROSSING,
    Channel.STREET,
)
PHP, PIHP, PVP = (ALPHA_PHP,), (ALPHA_PIHP,), (ALPHA_PVP,)
NEH, CEC = (N_ETHYLHEXEDRONE,), (FOUR_CEC,)
MDMB4EN, ADB4EN, ADBB = (MDMB_4EN_PINACA,), (ADB_4EN_PINACA,), (ADB_BUTINACA,)
PROTO, BROMA, CAFF, MEPH = (PROTONITAZENE,), (BROMAZOLAM,), (CAFFEINE,), (MEPHEDRONE,)
NOTHING: tuple[Substance, ...] = ()


def S(
    day: str,
    region: str,
    channel: Channel,
    *items: tuple[Substance, ...],
    lab: int,
    presumptive: str | None = None,
    resend_report_hours: int = 0,
    resend_lab_hours: int = 0,
) -> SeizureRow:
    """A seizure row, short enough to read a wave as a table."""
    return SeizureRow(
        day, region, channel, items, lab, presumptive, resend_report_hours, resend_lab_hours
    )


# --- synthetic cathinones ----------------------------------------------------------------------

ALPHA_PHP_WAVE = (
    S("01-29", "Almaty", DROP, PHP, PHP, lab=9),
    S("02-06", "Almaty", MSG, PHP, lab=12),
    S("02-14", "Astana", POST, PHP, lab=8),  # third occurrence: the alert is raised on 02-22
    S("02-20", "Shymkent", DROP, (ALPHA_PHP, CAFFEINE), PHP, lab=10),  # one item cut with caffeine
    S("02-25", "Almaty", COURIER, PHP, lab=6, resend_report_hours=26),
    S("03-01", "Karaganda", DROP, PHP, lab=7),  # sixth: twice the threshold, a new region
    S("03-20", "Pavlodar", POST, PHP, lab=14),
    S("04-09", "Aktobe", DROP, PHP, PHP, lab=11, resend_lab_hours=50),
    S("05-03", "Almaty", MSG, PHP, lab=9),
    S("05-27", "Kostanay", COURIER, PHP, MEPH, lab=13),
    S("06-24", "East Kazakhstan", DROP, PHP, lab=8),
    S("07-30", "Astana", STREET, PHP, lab=15),
    # Listed from 1 September: these two must not touch the alert any more.
    S("09-18", "Almaty", DROP, PHP, lab=10),
    S("10-21", "Shymkent", MSG, PHP, lab=12),
)

ALPHA_PIHP_WAVE = (
    S("06-16", "Almaty", DROP, PIHP, lab=10),
    S("06-30", "Astana", MSG, PIHP, PIHP, lab=8),
    S("07-09", "Karaganda", DROP, PIHP, lab=6),  # third occurrence: raised on 07-15
    S("07-28", "Atyrau", POST, PIHP, lab=12),
    S("08-14", "Mangystau", COURIER, PIHP, lab=9),
    S("08-26", "Almaty", DROP, PIHP, lab=11),
    S("09-10", "Shymkent", MSG, PIHP, lab=7),
    S("09-30", "Turkestan", DROP, PIHP, lab=13),
    S("10-15", "Astana", STREET, PIHP, lab=8),
    S("11-05", "Kostanay", POST, PIHP, lab=10),
    # Covered by the generic cathinone rule from 24 November: no alert change.
    S("12-08", "Almaty", DROP, PIHP, lab=10),
)

LISTED_CATHINONES = (
    S("01-20", "Almaty", DROP, PVP, lab=7),
    S("03-05", "Astana", MSG, PVP, PVP, lab=10),
    S("04-14", "Shymkent", DROP, PVP, lab=9),
)

N_ETHYLHEXEDRONE_WAVE = (
    S("05-12", "Almaty", DROP, NEH, lab=9),
    S("05-26", "Pavlodar", MSG, NEH, NEH, lab=7),
    S("06-09", "Kostanay", POST, NEH, lab=8),  # third occurrence: raised on 06-17
    S("07-01", "Almaty", DROP, NEH, lab=10),
    S("08-20", "Astana", DROP, NEH, lab=9),
    S("10-02", "Shymkent", MSG, NEH, lab=11),
    # Covered by the generic cathinone rule from 24 November: no alert change.
    S("12-03", "Almaty", DROP, NEH, lab=8),
)

FOUR_CEC_WAVE = (
    S("06-05", "Shymkent", DROP, CEC, lab=8),
    S("06-20", "Almaty", MSG, CEC, lab=9),
    S("07-03", "Aktobe", COURIER, CEC, lab=7),  # third occurrence: raised on 07-10
    S("08-01", "Almaty", DROP, CEC, lab=10),
    S("09-15", "Karaganda", POST, CEC, lab=12),
)

# --- synthetic cannabinoids --------------------------------------------------------------------

LISTED_CANNABINOIDS = (
    S("01-12", "Karaganda", DROP, ADBB, lab=8),
    S("01-30", "Pavlodar", DROP, ADBB, lab=11),
    S("02-19", "Almaty", MSG, ADBB, lab=9),
)

MDMB_4EN_PINACA_WAVE = (
    S("03-25", "Karaganda", DROP, MDMB4EN, lab=12),
    S("04-08", "Pavlodar", MSG, MDMB4EN, MDMB4EN, lab=9, resend_report_hours=6),
    S("04-22", "Karaganda", DROP, MDMB4EN, lab=10),  # third occurrence: raised on 05-02
    S("05-06", "Almaty", DROP, MDMB4EN, lab=8),
    S("05-20", "East Kazakhstan", COURIER, MDMB4EN, lab=11),
    S("06-24", "Astana", MSG, MDMB4EN, lab=9),
    S("07-15", "Karaganda", DROP, MDMB4EN, NOTHING, lab=7),  # the second item: plain herbs
    S("08-19", "Pavlodar", DROP, MDMB4EN, lab=10),
    S("09-09", "Almaty", MSG, MDMB4EN, lab=8),
)

ADB_4EN_PINACA_WAVE = (
    S("09-23", "Karaganda", DROP, ADB4EN, lab=9),
    S("10-07", "Pavlodar", MSG, ADB4EN, lab=11),
    S("10-21", "Almaty", DROP, ADB4EN, ADB4EN, lab=8),  # third occurrence: raised on 10-29
    S("11-04", "Astana", COURIER, ADB4EN, lab=12),
    S("11-25", "Kostanay", DROP, ADB4EN, lab=9),
)

# --- a nitazene, a benzodiazepine, fakes -------------------------------------------------------

PROTONITAZENE_WAVE = (
    S("03-19", "Almaty", POST, PROTO, lab=21),
    S("04-02", "Shymkent", BORDER, PROTO, lab=18),
    S("04-16", "Almaty", DROP, PROTO, PROTO, lab=14),  # third occurrence: raised on 04-30
    S("07-08", "Turkestan", POST, PROTO, lab=20),
    S("09-02", "Almaty", COURIER, PROTO, lab=16),
    S("09-25", "Shymkent", POST, PROTO, lab=15),
    S("10-14", "Almaty", DROP, PROTO, lab=17),
    S("10-28", "Astana", POST, PROTO, lab=14),
    S("11-04", "Shymkent", POST, PROTO, lab=15),
    S("11-24", "Almaty", POST, PROTO, lab=14),
)

BROMAZOLAM_TRICKLE = (  # 47 days, then 98 days apart: never three within 90 days
    S("06-05", "Almaty", STREET, BROMA, lab=12),
    S("07-22", "Astana", WEB, BROMA, lab=10),
    S("10-28", "Almaty", MSG, BROMA, lab=9),
)

FAKES = (  # sold as stimulants, found to be caffeine only
    S("04-29", "Aktobe", STREET, CAFF, lab=6, presumptive="mephedrone"),
    S("09-16", "Atyrau", STREET, CAFF, lab=8, presumptive="alpha-PVP"),
)

# --- the neighbours ----------------------------------------------------------------------------

NEIGHBOURS = (  # at most two per substance and jurisdiction: sightings, not alerts of their own
    S("01-14", "Tashkent", POST, PHP, lab=10),
    S("01-27", "Samarkand Region", DROP, PHP, lab=12),
    S("02-10", "Omsk Oblast", POST, PHP, lab=14),
    S("04-15", "Orenburg Oblast", BORDER, PHP, lab=16),
    S("03-03", "Novosibirsk Oblast", POST, PROTO, lab=15),
    S("06-10", "Omsk Oblast", POST, PROTO, lab=14),
    S("04-22", "Chuy Region", BORDER, PROTO, lab=18),
    S("05-28", "Bishkek", MSG, PIHP, lab=9),
    # Listed in Russia since 1 March, seized twice in Uzbekistan within 90 days: Kazakhstan's
    # early warning, two months before its own third seizure (the partner rule, lifecycle.PARTNERS).
    S("04-08", "Tashkent", POST, PIHP, lab=9),
    S("04-24", "Samarkand Region", DROP, PIHP, lab=8),
)

TEST_PURCHASES = (
    PurchaseRow("05-14", "Almaty", ALPHA_PHP),
    PurchaseRow("08-05", "Astana", ALPHA_PIHP),
    PurchaseRow("10-01", "Almaty", MEPHEDRONE),
    PurchaseRow("11-12", "Almaty", ADB_4EN_PINACA),
)

BACKGROUND: tuple[tuple[Substance, int], ...] = (
    (MEPHEDRONE, 7),
    (ALPHA_PVP, 6),
    (METHAMPHETAMINE, 4),
    (HEROIN, 3),
    (MDMA, 3),
    (ADB_BUTINACA, 3),
)
"""Listed substances seized through the year at random (seeded) places and dates."""

# --- legislation -------------------------------------------------------------------------------

AMD_ALPHA_PHP = "KZ-AMD-2025-007"
AMD_PROTONITAZENE = "KZ-AMD-2025-015"
AMD_MDMB_4EN_PINACA = "KZ-AMD-2025-012"
AMD_CATHINONES = "KZ-AMD-2025-019"
LIST_TITLE = "On amendments to the list of narcotic drugs, psychotropic substances and precursors"


def drafted_cathinone_group() -> GroupDefinition:
    """The generic cathinone rule the story's law enacts, as ``analogue-watch draft-group`` drafts
    it from the three cathinone alerts open in July (alpha-PiHP, N-ethylhexedrone, 4-CEC) and the
    cathinones listed in Kazakhstan (``services/chemistry/drafting.py``; without the reference NPS,
    so that the story does not depend on data outside the package)."""
    alerts = [Member(s.name, s.smiles) for s in (ALPHA_PIHP, N_ETHYLHEXEDRONE, FOUR_CEC)]
    listed = [(x.name, x.structure.smiles or "") for x in kz_baseline(START).data.substances]
    draft = draft_group(
        [*alerts, *listed_relatives(alerts, listed)],
        name="synthetic-cathinones",
        family="synthetic cathinones",
        not_controlled=not_controlled(),
    )
    assert draft.chosen is not None, draft.reason
    return draft.chosen.definition.model_copy(update={"name": "synthetic-cathinones"})


CATHINONE_GROUP = drafted_cathinone_group()

STAGES = ("drafted", "government", "lower_house", "upper_house", "signed")

LEGISLATION: tuple[LegislationRow, ...] = (
    Proposed(
        "03-14",
        AMD_ALPHA_PHP,
        Instrument.GOVERNMENT_DECREE,
        f"{LIST_TITLE} (alpha-PHP)",
        substances=(ALPHA_PHP,),
        expected_effective="09-01",
    ),
    StageChanged("04-15", AMD_ALPHA_PHP, "government", "drafted"),
    Proposed(
        "05-20",
        AMD_PROTONITAZENE,
        Instrument.GOVERNMENT_DECREE,
        f"{LIST_TITLE} (protonitazene)",
        substances=(PROTONITAZENE,),
        expected_effective="10-01",
    ),
    StageChanged("06-03", AMD_ALPHA_PHP, "lower_house", "government", resend_hours=24),
    Proposed(
        "06-10",
        AMD_MDMB_4EN_PINACA,
        Instrument.GOVERNMENT_DECREE,
        f"{LIST_TITLE} (MDMB-4en-PINACA)",
        substances=(MDMB_4EN_PINACA,),
        expected_effective="10-01",
    ),
    StageChanged("07-01", AMD_MDMB_4EN_PINACA, "government", "drafted"),
    StageChanged("07-08", AMD_ALPHA_PHP, "upper_house", "lower_house"),
    Proposed(
        "07-22",
        AMD_CATHINONES,
        Instrument.LAW,
        "On generic control of synthetic cathinones",
        groups=(CATHINONE_GROUP,),
        expected_effective="12-01",
    ),
    Rejected(
        "08-05",
        AMD_MDMB_4EN_PINACA,
        "Returned by the Government: the expert council asks for a generic definition of "
        "the 4en-PINACA series instead of one substance",
    ),
    StageChanged("08-12", AMD_ALPHA_PHP, "signed", "upper_house"),
    StageChanged("08-19", AMD_CATHINONES, "government", "drafted"),
    Enacted("09-01", AMD_ALPHA_PHP, effective_from="09-01"),
    StageChanged("09-23", AMD_CATHINONES, "lower_house", "government"),
    StageChanged("10-21", AMD_CATHINONES, "upper_house", "lower_house"),
    StageChanged("11-11", AMD_CATHINONES, "signed", "upper_house"),
    Enacted("11-24", AMD_CATHINONES, effective_from="11-24"),
)

STORY_SEIZURES = (
    *ALPHA_PHP_WAVE,
    *ALPHA_PIHP_WAVE,
    *N_ETHYLHEXEDRONE_WAVE,
    *FOUR_CEC_WAVE,
    *LISTED_CATHINONES,
    *LISTED_CANNABINOIDS,
    *MDMB_4EN_PINACA_WAVE,
    *ADB_4EN_PINACA_WAVE,
    *PROTONITAZENE_WAVE,
    *BROMAZOLAM_TRICKLE,
    *FAKES,
    *NEIGHBOURS,
)

BACKGROUND_CHANNELS = (DROP, DROP, MSG, MSG, STREET, COURIER, POST, WEB)


def background_seizures(seed: int | str = f"{SEED}-background") -> list[SeizureRow]:
    """Seizures of listed substances spread over the year (10 January to 26 November)."""
    builder = StoryBuilder(seed=seed, year=YEAR)
    rng = builder.rng
    rows = []
    for substance, count in BACKGROUND:
        for _ in range(count):
            day = dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randint(9, 329))
            items = ((substance,),) * rng.randint(1, 3)
            rows.append(
                SeizureRow(
                    day=day.strftime("%m-%d"),
                    region=rng.choice(KZ_REGIONS),
                    channel=rng.choice(BACKGROUND_CHANNELS),
                    items=items,
                    lab_days=rng.randint(3, 30),
                )
            )
    return rows


def build_scenario(seed: int = SEED) -> list[Envelope]:
    """Every event of the year, valid contracts, ordered by ``published`` (then id).

    Deterministic: the same seed gives equal events in the same order. Four events appear
    twice with the same id (a resent seizure report, a resent lab result, a resent stage change),
    the second time published later.
    """
    builder = StoryBuilder(seed=seed, year=YEAR)
    builder.add(kz_baseline(START))
    for event in partner_legislation(START):  # each on its own jurisdiction's key (issue 17)
        builder.add(event)
    seizures = [*STORY_SEIZURES, *background_seizures()]
    for row in sorted(seizures, key=lambda r: r.day):  # stable: story order within a day
        builder.seizure(row)
    for purchase in sorted(TEST_PURCHASES, key=lambda r: r.day):
        builder.test_purchase(purchase)
    for law in sorted(LEGISLATION, key=lambda r: r.day):
        builder.legislation(law, KZT)
    return sorted(builder.events, key=lambda e: (e.published, e.id))


# --- what the alert topic should show ----------------------------------------------------------


@dataclass(frozen=True)
class ExpectedTransition:
    """An alert changing status, as the story expects it (an expectation, not a measurement)."""

    on: str
    """Event-time day ("MM-DD", 2025, KZ time) of the input that causes the transition."""
    substance: Substance
    type: str
    because: str
    level: str = "domestic"
    """A raise by the partner rule is an ``early-warning`` (``contracts.alerts.AlertLevel``)."""

    @property
    def alert_id(self) -> str:
        return f"KZ-{self.substance.inchikey}"


RAISED, SUPPRESSED, REOPENED, RESOLVED, UPDATED = (
    f"aw.alert.{t}.v1" for t in ("raised", "suppressed", "reopened", "resolved", "updated")
)

EARLY = "early-warning"

EXPECTED_TRANSITIONS: tuple[ExpectedTransition, ...] = (
    ExpectedTransition(
        "01-24",
        ALPHA_PHP,
        RAISED,
        "early warning: seized in Tashkent (UZ), listed by all four partners; not yet seen here",
        EARLY,
    ),
    ExpectedTransition("03-14", ALPHA_PHP, SUPPRESSED, f"{AMD_ALPHA_PHP} proposed, names it"),
    ExpectedTransition(
        "04-30",
        PROTONITAZENE,
        RAISED,
        "third occurrence in 90 days (Almaty x2, Shymkent); also seen in RU, KG",
    ),
    ExpectedTransition(
        "05-02", MDMB_4EN_PINACA, RAISED, "third occurrence in 90 days (Karaganda x2, Pavlodar)"
    ),
    ExpectedTransition(
        "05-02",
        ALPHA_PIHP,
        RAISED,
        "early warning: seized twice in UZ in 90 days (partner rule 2), listed in RU",
        EARLY,
    ),
    ExpectedTransition(
        "05-20", PROTONITAZENE, SUPPRESSED, f"{AMD_PROTONITAZENE} proposed, names it"
    ),
    ExpectedTransition(
        "06-10", MDMB_4EN_PINACA, SUPPRESSED, f"{AMD_MDMB_4EN_PINACA} proposed, names it"
    ),
    ExpectedTransition(
        "06-17",
        N_ETHYLHEXEDRONE,
        RAISED,
        "third occurrence in 90 days (Almaty, Pavlodar, Kostanay)",
    ),
    ExpectedTransition(
        "07-10", FOUR_CEC, RAISED, "third occurrence in 90 days (Shymkent, Almaty, Aktobe)"
    ),
    *(
        ExpectedTransition(
            "07-22",
            cathinone,
            SUPPRESSED,
            f"{AMD_CATHINONES} proposed, covers it by group synthetic-cathinones",
        )
        for cathinone in (N_ETHYLHEXEDRONE, FOUR_CEC, ALPHA_PIHP)
    ),
    ExpectedTransition("08-05", MDMB_4EN_PINACA, REOPENED, f"{AMD_MDMB_4EN_PINACA} rejected"),
    ExpectedTransition("09-01", ALPHA_PHP, RESOLVED, f"{AMD_ALPHA_PHP} in force: listed by name"),
    ExpectedTransition(
        "10-29", ADB_4EN_PINACA, RAISED, "third occurrence in 90 days (Karaganda, Pavlodar, Almaty)"
    ),
    ExpectedTransition(
        "11-16",
        PROTONITAZENE,
        REOPENED,
        f"{AMD_PROTONITAZENE} still pending 180 days after its proposal: stalled",
    ),
    *(
        ExpectedTransition(
            "11-24",
            cathinone,
            RESOLVED,
            f"{AMD_CATHINONES} in force: covered by group synthetic-cathinones",
        )
        for cathinone in (N_ETHYLHEXEDRONE, FOUR_CEC, ALPHA_PIHP)
    ),
)
"""Every status change of every KZ alert, in order. ``aw.alert.updated.v1`` events (new
occurrences, regions, foreign sightings, pending amendments) come between them and are not listed
here, except the escalation below."""

EXPECTED_PROMOTIONS: tuple[ExpectedTransition, ...] = (
    ExpectedTransition(
        "02-22",
        ALPHA_PHP,
        UPDATED,
        "third occurrence in 90 days (Almaty x2, Astana): the early warning becomes domestic",
    ),
    ExpectedTransition(
        "07-15",
        ALPHA_PIHP,
        UPDATED,
        "third occurrence in 90 days (Almaty, Astana, Karaganda); also seen in KG",
    ),
)
"""The early warnings promoted to domestic alerts: the day the domestic rule fires (an
``aw.alert.updated.v1`` whose level becomes ``domestic``)."""

EXPECTED_ESCALATIONS: tuple[ExpectedTransition, ...] = (
    ExpectedTransition(
        "03-08",
        ALPHA_PHP,
        UPDATED,
        "sixth occurrence in 90 days: twice the threshold; new region Karaganda",
    ),
)

NO_ALERT: tuple[Substance, ...] = (
    BROMAZOLAM,
    CAFFEINE,
    MEPHEDRONE,
    ALPHA_PVP,
    METHAMPHETAMINE,
    HEROIN,
    MDMA,
    ADB_BUTINACA,
)
"""Seen in KZ, but expected never to have an alert: below the threshold, listed, or no analogue."""

FINAL_STATUS: dict[str, str] = {
    ALPHA_PHP.name: "resolved",
    ALPHA_PIHP.name: "resolved",
    N_ETHYLHEXEDRONE.name: "resolved",
    FOUR_CEC.name: "resolved",
    MDMB_4EN_PINACA.name: "open",
    ADB_4EN_PINACA.name: "open",
    PROTONITAZENE.name: "open",
}
"""Each alert's status at the end of the year."""
