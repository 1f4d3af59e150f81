"""A substance's status in every jurisdiction on a date (issue 17): golden cases over the demo
schedules (KZ and the partners RU, UZ, BY, KG), inputs beside the statuses expected in words."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.alerts import ControlStatus, JurisdictionStatus, NearestListed, RuleFired
from contracts.legislation import Instrument
from contracts.schedule import Listing, ScheduleState
from services.chemistry.baseline import BASELINES
from services.domain.abroad import status_everywhere, status_in, status_words
from services.domain.classifier import chemistry_classifier
from services.domain.schedule import load_schedule_jsonl
from services.domain.timeline import ScheduleAt, schedule_at

SCHEDULES = {code: load_schedule_jsonl(spec.jsonl_path, code) for code, spec in BASELINES.items()}
CLASSIFY = chemistry_classifier()
KZT = dt.timezone(dt.timedelta(hours=5))

ALPHA_PIHP = "CC(C)CC(C(=O)c1ccccc1)N1CCCC1"
ALPHA_PHP = "CCCCC(C(=O)c1ccccc1)N1CCCC1"
MDMB_4EN_PINACA = "C=CCCCn1nc(C(=O)NC(C(=O)OC)C(C)(C)C)c2ccccc21"
PROTONITAZENE = "CCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN(CC)CC)cc1"
CAFFEINE = "Cn1c(=O)c2c(ncn2C)n(C)c1=O"

RU_LIST = "on Government Decree 681 lists I-IV (demo baseline) (in force by 2025-01-01)"
BY_LIST = (
    "on Ministry of Health Resolution 19, Republican list (demo baseline) (in force by 2025-01-01)"  # noqa: E501
)
UZ_LIST = "on State Commission for Drug Control lists (demo baseline) (in force by 2025-01-01)"
KG_LIST = "on Government Resolution 543 list (demo baseline) (in force by 2025-01-01)"

GOLDEN = [
    (
        ALPHA_PIHP,
        "2025-02-28",
        {
            "BY": "an unlisted analogue in BY of alpha-PVP (similarity 0.68)",
            "KG": "an unlisted analogue in KG of alpha-PVP (similarity 0.68)",
            "KZ": "an unlisted analogue in KZ of alpha-PVP (similarity 0.68)",
            "RU": f"covered by group cathinones in RU {RU_LIST}",
            "UZ": "an unlisted analogue in UZ of alpha-PVP (similarity 0.68)",
        },
    ),
    (
        ALPHA_PIHP,  # the day KZ raises its alert: RU's decree is in force since 1 March
        "2025-07-15",
        {
            "BY": "an unlisted analogue in BY of alpha-PVP (similarity 0.68)",
            "KG": "an unlisted analogue in KG of alpha-PVP (similarity 0.68)",
            "KZ": "an unlisted analogue in KZ of alpha-PVP (similarity 0.68)",
            "RU": "listed in RU since 2025-03-01 by government decree RU-PP-2025-0231",
            "UZ": "an unlisted analogue in UZ of alpha-PVP (similarity 0.68)",
        },
    ),
    (
        ALPHA_PHP,
        "2025-02-22",
        {
            "BY": f"listed in BY {BY_LIST}",
            "KG": f"listed in KG {KG_LIST}",
            "KZ": "an unlisted analogue in KZ of alpha-PVP (similarity 0.83)",
            "RU": f"covered by group cathinones in RU {RU_LIST}",
            "UZ": f"listed in UZ {UZ_LIST}",
        },
    ),
    (
        MDMB_4EN_PINACA,
        "2025-05-02",
        {
            "BY": "listed in BY since 2025-04-15 by ministerial order BY-MZ-2025-021",
            "KG": "an unlisted analogue in KG of 4F-MDMB-BINACA (similarity 0.76)",
            "KZ": "an unlisted analogue in KZ of 4F-MDMB-BINACA (similarity 0.76)",
            "RU": "an unlisted analogue in RU of 4F-MDMB-BINACA (similarity 0.76)",
            "UZ": f"listed in UZ {UZ_LIST}",
        },
    ),
    (
        PROTONITAZENE,
        "2025-11-16",
        {
            "BY": "an unlisted analogue in BY of Butonitazene (similarity 0.93)",
            "KG": f"listed in KG {KG_LIST}",
            "KZ": "an unlisted analogue in KZ of Butonitazene (similarity 0.93)",
            "RU": "listed in RU since 2025-07-01 by government decree RU-PP-2025-0877",
            "UZ": "listed in UZ since 2025-10-15 by ministerial order UZ-GKKN-2025-04",
        },
    ),
    (
        CAFFEINE,
        "2025-06-01",
        {
            code: f"not controlled in {code}, and no analogue of a listed substance"
            for code in ("BY", "KG", "KZ", "RU", "UZ")
        },
    ),
]


@pytest.mark.parametrize(("smiles", "day", "expected"), GOLDEN, ids=lambda v: str(v)[:16])
def test_status_in_every_jurisdiction(smiles: str, day: str, expected: dict[str, str]) -> None:
    at = dt.datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=KZT)
    found = status_everywhere(smiles, SCHEDULES, at, CLASSIFY)
    assert {s.jurisdiction: status_words(s) for s in found} == expected


def test_a_listing_says_which_act_of_which_kind_since_when() -> None:
    at = dt.datetime(2025, 7, 15, 12, tzinfo=KZT)
    [ru] = status_everywhere(ALPHA_PIHP, {"RU": SCHEDULES["RU"]}, at, CLASSIFY)
    assert ru.model_dump(exclude={"explanation"}) == {
        "jurisdiction": "RU",
        "status": ControlStatus.LISTED,
        "name": "alpha-PiHP",
        "act": "RU-PP-2025-0231",
        "instrument": Instrument.GOVERNMENT_DECREE,
        "since": dt.date(2025, 3, 1),
        "schedule": "I",
        "similarity": None,
        "rule": "listed",
    }


def test_an_act_decided_after_the_moment_is_not_known_then() -> None:
    # RU's decree on protonitazene was enacted on 19 June, in force from 1 July: on 30 June it
    # is not yet in force; on 18 June nobody could know it would be.
    for day in ("2025-06-18", "2025-06-30"):
        at = dt.datetime.fromisoformat(f"{day}T12:00:00+03:00")
        [ru] = status_everywhere(PROTONITAZENE, {"RU": SCHEDULES["RU"]}, at, CLASSIFY)
        assert ru.status == ControlStatus.ANALOGUE, day


def test_a_jurisdiction_that_knew_nothing_then_is_left_out() -> None:
    later = ScheduleState(
        listings=[
            Listing(
                name="alpha-PVP",
                structure={"smiles": "CCCC(N1CCCC1)C(=O)c1ccccc1"},
                source="baseline:later list",
                effective_from=dt.date(2026, 1, 1),
            )
        ]
    )
    at = dt.datetime(2025, 7, 15, tzinfo=dt.UTC)
    assert (
        status_everywhere(ALPHA_PHP, {"XX": later, "RU": SCHEDULES["RU"]}, at, CLASSIFY)[
            0
        ].jurisdiction
        == "RU"
    )
    assert status_everywhere(ALPHA_PHP, {"XX": later}, at, CLASSIFY) == []


class _Verdict:
    def __init__(self, status: str, rules=(), nearest=()):
        self.status, self.rules_fired, self.nearest, self.pending_cover = status, rules, nearest, ()


def _view(state: ScheduleState, at: dt.datetime) -> ScheduleAt:
    return schedule_at(state, at, stall=dt.timedelta(days=180), jurisdiction="RU")


def test_any_classifier_of_the_shape_will_do() -> None:
    at = dt.datetime(2025, 7, 15, tzinfo=dt.UTC)
    state = SCHEDULES["RU"]
    near = NearestListed(name="alpha-PVP", similarity=0.8, source="baseline:x")
    rule = RuleFired(rule="similar-to-listed", explanation="close enough")
    analogue = status_in(
        "C", state, _view(state, at), lambda s, v: _Verdict("analogue", (rule,), (near,))
    )
    assert analogue == JurisdictionStatus(
        jurisdiction="RU",
        status="analogue",
        name="alpha-PVP",
        act="baseline:x",
        similarity=0.8,
        rule="similar-to-listed",
        explanation="close enough",
    )
    odd = status_in("C", state, _view(state, at), lambda s, v: _Verdict("invalid"))
    assert odd == JurisdictionStatus(jurisdiction="RU", status="unrelated")
