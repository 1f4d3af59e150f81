"""The schedule as it stood at a moment: in force, known, covering, stalled; and its moments."""

from __future__ import annotations

import datetime as dt

from contracts.countries import legal_time_zone
from contracts.schedule import Amendment, GroupListing, Listing, ScheduleState
from contracts.substances import GroupDefinition, ListedSubstance, Structure
from services.domain.timeline import moments, schedule_at, start_of

T0 = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
STALL = dt.timedelta(days=180)
KZ = legal_time_zone("KZ")
ALPHA_PHP = ListedSubstance(
    name="alpha-PHP", structure=Structure(smiles="CCCCC(C(=O)c1ccccc1)N1CCCC1")
)
CATHINONES = GroupDefinition(
    name="cathinones", family="synthetic cathinones", smarts="O=C(c1ccccc1)C(N)C", description="x"
)


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def amendment(amendment_id: str = "KZ-1", proposed: float = 10, **changes) -> Amendment:
    fields = {
        "amendment_id": amendment_id,
        "instrument": "government_decree",
        "title": "On amending the list",
        "substances": [ALPHA_PHP],
        "stage": "drafted",
        "status": "pending",
        "proposed_at": day(proposed),
        "stage_changed_at": day(proposed),
    }
    return Amendment(**{**fields, **changes})


def enacted(
    decided: float, effective: float, expires: float | None = None, **changes
) -> ScheduleState:
    """KZ-1 proposed on day 10, enacted on ``decided``, in force from ``effective``."""
    a = amendment(
        status="enacted",
        decided_at=day(decided),
        effective_from=day(effective).date(),
        expires=None if expires is None else day(expires).date(),
        **changes,
    )
    listing = Listing(
        name="alpha-PHP",
        structure=ALPHA_PHP.structure,
        source="KZ-1",
        effective_from=a.effective_from,
        expires=a.expires,
    )
    return ScheduleState(listings=[listing], amendments=[a])


def at(state: ScheduleState, n: float):
    return schedule_at(state, day(n), stall=STALL, jurisdiction="KZ")


def covering(state: ScheduleState, n: float) -> list[str]:
    return [a.amendment_id for a in at(state, n).state.amendments]


def listed(state: ScheduleState, n: float) -> list[str]:
    return [x.name for x in at(state, n).state.listings]


def test_a_pending_amendment_covers_from_its_proposal():
    state = ScheduleState(amendments=[amendment(proposed=10)])
    assert covering(state, 9) == []
    assert covering(state, 10) == ["KZ-1"]
    assert at(state, 10).state.amendments[0].status == "pending"


def test_a_rejected_amendment_covered_until_its_rejection():
    state = ScheduleState(amendments=[amendment(status="rejected", decided_at=day(30))])
    assert covering(state, 29) == ["KZ-1"]
    assert covering(state, 30) == []


def test_an_enacted_listing_counts_from_its_effective_date_and_keeps_covering_until_then():
    state = enacted(decided=40, effective=60)
    assert (listed(state, 50), covering(state, 50)) == ([], ["KZ-1"])
    assert (listed(state, 60), covering(state, 60)) == (["alpha-PHP"], [])


def test_a_listing_is_not_known_before_the_decision_even_if_effective_earlier():
    state = enacted(decided=40, effective=20)  # retroactive: nobody could act on it before day 40
    assert listed(state, 30) == []
    assert covering(state, 30) == ["KZ-1"]
    assert listed(state, 40) == ["alpha-PHP"]


def test_a_temporary_control_lapses_on_its_expiry_date():
    state = enacted(decided=40, effective=40, expires=100)
    assert listed(state, 99) == ["alpha-PHP"]
    assert listed(state, 100) == []
    assert covering(state, 100) == []


def test_an_amendment_pending_past_the_stall_limit_is_stalled_but_still_considered():
    state = ScheduleState(amendments=[amendment(proposed=10)])
    assert at(state, 189).stalled == frozenset()
    assert at(state, 190).stalled == {"KZ-1"}
    assert covering(state, 190) == ["KZ-1"]


def test_baseline_listings_and_groups_count_from_their_start():
    state = ScheduleState(
        listings=[
            Listing(
                name="alpha-PHP",
                structure=ALPHA_PHP.structure,
                source="baseline:L",
                effective_from=day(5).date(),
            )
        ],
        groups=[
            GroupListing(definition=CATHINONES, source="baseline:L", effective_from=day(5).date())
        ],
    )
    assert (len(at(state, 4).state.listings), len(at(state, 4).state.groups)) == (0, 0)
    assert (len(at(state, 5).state.listings), len(at(state, 5).state.groups)) == (1, 1)


def test_the_signature_changes_exactly_when_the_view_does():
    state = enacted(decided=40, effective=60)
    signatures = [at(state, n).signature for n in (11, 45, 59, 60, 200)]
    assert signatures[0] == signatures[1] == signatures[2]  # enacted, not in force: still covers
    assert signatures[2] != signatures[3]  # in force
    assert signatures[3] == signatures[4]


def test_moments_are_every_time_the_view_may_change_in_order():
    state = enacted(decided=40, effective=60, expires=400)
    found = moments(state, after=day(0), through=day(500), stall=STALL, jurisdiction="KZ")
    assert found == [
        day(10),
        day(40),
        start_of(day(60).date(), KZ),
        day(190),
        start_of(day(400).date(), KZ),
    ]
    assert moments(state, after=day(40), through=day(100), stall=STALL, jurisdiction="KZ") == [
        start_of(day(60).date(), KZ)
    ]


def test_legal_dates_begin_at_midnight_in_the_jurisdiction_not_in_utc():
    # In force "from day 60" in Kazakhstan: from 00:00 there, 19:00 UTC the day before.
    state = enacted(decided=40, effective=60)
    midnight_there = start_of(day(60).date(), KZ)
    assert midnight_there.hour == 19 and midnight_there.date() == day(59).date()
    before = schedule_at(
        state, midnight_there - dt.timedelta(minutes=1), stall=STALL, jurisdiction="KZ"
    )
    after = schedule_at(state, midnight_there, stall=STALL, jurisdiction="KZ")
    assert (len(before.state.listings), len(after.state.listings)) == (0, 1)
    # A jurisdiction with no zone in the table: UTC.
    assert schedule_at(state, midnight_there, stall=STALL, jurisdiction="FR").state.listings == []
