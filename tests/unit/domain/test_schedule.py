"""The schedule fold: legislation events in, the jurisdiction's schedule out, as of any date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from contracts.errors import ContractError
from contracts.legislation import (
    AmendmentEnacted,
    AmendmentProposed,
    AmendmentRejected,
    AmendmentStageChanged,
    AmendmentWithdrawn,
    BaselineListed,
)
from contracts.schedule import AmendmentStatus
from services.domain.schedule import (
    apply_legislation,
    empty_schedule,
    fold_legislation,
    groups_in_force,
    lapse_expired,
    listings_in_force,
    load_schedule_jsonl,
    pending_amendments,
    to_jsonl,
)

UTC = dt.UTC
ALPHA_PIHP = {"name": "alpha-PiHP", "structure": {"smiles": "CC(C)CC(N1CCCC1)C(=O)c1ccccc1"}}
HEROIN = {
    "name": "Heroin",
    "structure": {"smiles": "CC(=O)Oc1ccc2CC3N(C)CCC45C(Oc1c24)C(OC(C)=O)C=CC35"},
}
NITAZENES = {
    "name": "nitazenes",
    "family": "2-benzylbenzimidazole opioids",
    "smarts": "c1ccc2c(c1)nc(Cc1ccccc1)n2CCN",
    "description": "2-benzylbenzimidazoles with a 2-aminoethyl group on N1",
}


def at(day: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, 10, tzinfo=UTC)


def envelope(event_id: str, when: dt.datetime, jurisdiction: str = "KZ") -> dict:
    return {
        "id": event_id,
        "source": "kz.mj",
        "jurisdiction": jurisdiction,
        "time": when,
        "published": when,
    }


def baseline(event_id: str = "b1", substances=(HEROIN,), groups=(), name: str = "Decree 1130"):
    return BaselineListed(
        **envelope(event_id, at(1, 1)),
        data={
            "list_name": name,
            "effective_from": dt.date(2025, 1, 1),
            "substances": list(substances),
            "group_definitions": list(groups),
        },
    )


def proposed(amendment_id: str = "KZ-2026-14", when: dt.datetime | None = None, **extra):
    when = when or at(1)
    return AmendmentProposed(
        **envelope(f"p-{amendment_id}", when),
        data={
            "amendment_id": amendment_id,
            "instrument": "government_decree",
            "title": "On amending the list",
            "substances": [ALPHA_PIHP],
            "group_definitions": [NITAZENES],
            **extra,
        },
    )


def stage(stage_name: str, when: dt.datetime, amendment_id: str = "KZ-2026-14"):
    return AmendmentStageChanged(
        **envelope(f"s-{stage_name}-{when:%d}", when),
        data={"amendment_id": amendment_id, "stage": stage_name},
    )


def enacted(
    effective: dt.date,
    when: dt.datetime | None = None,
    expires: dt.date | None = None,
    amendment_id: str = "KZ-2026-14",
):
    return AmendmentEnacted(
        **envelope(f"e-{amendment_id}", when or at(20)),
        data={"amendment_id": amendment_id, "effective_from": effective, "expires": expires},
    )


def test_baseline_lists_substances_and_groups_from_its_date() -> None:
    state = apply_legislation(empty_schedule(), baseline(groups=[NITAZENES]))
    assert [(x.name, x.source) for x in listings_in_force(state, dt.date(2025, 6, 1))] == [
        ("Heroin", "baseline:Decree 1130")
    ]
    assert [g.definition.name for g in groups_in_force(state, dt.date(2025, 6, 1))] == ["nitazenes"]
    assert listings_in_force(state, dt.date(2024, 12, 31)) == []


def test_a_repeated_event_changes_nothing() -> None:
    events = [baseline(), proposed(), stage("government", at(5)), enacted(dt.date(2026, 4, 1))]
    state = fold_legislation(events)
    for event in events:
        assert apply_legislation(state, event) is state


def test_every_change_bumps_the_version_once() -> None:
    state = fold_legislation([baseline(), proposed(), proposed(), stage("government", at(5))])
    assert state.version == 3


def test_a_reloaded_baseline_replaces_the_list_of_the_same_name() -> None:
    state = fold_legislation([baseline(), baseline("b2", substances=[ALPHA_PIHP])])
    assert [x.name for x in state.listings] == ["alpha-PiHP"]
    other = apply_legislation(state, baseline("b3", name="Order 42"))
    assert [x.name for x in other.listings] == ["alpha-PiHP", "Heroin"]


def test_proposal_is_pending_from_its_date() -> None:
    state = apply_legislation(empty_schedule(), proposed(when=at(10)))
    assert pending_amendments(state, dt.date(2026, 3, 9)) == []
    [amendment] = pending_amendments(state, dt.date(2026, 3, 10))
    assert (amendment.stage, amendment.status) == ("drafted", AmendmentStatus.PENDING)


def test_a_second_proposal_with_the_same_id_is_ignored() -> None:
    state = apply_legislation(empty_schedule(), proposed())
    assert apply_legislation(state, proposed(when=at(3), stage="government")) is state


def test_stage_changes_move_forward_and_stale_ones_are_ignored() -> None:
    state = fold_legislation([proposed(), stage("lower_house", at(10)), stage("government", at(5))])
    [amendment] = state.amendments
    assert (amendment.stage, amendment.stage_changed_at) == ("lower_house", at(10))


def test_events_about_unknown_amendments_are_ignored() -> None:
    state = empty_schedule()
    for event in (
        stage("government", at(2), "NOPE"),
        enacted(dt.date(2026, 4, 1), amendment_id="NOPE"),
    ):
        assert apply_legislation(state, event) is state


def test_enactment_lists_substances_and_groups_from_the_effective_date() -> None:
    state = fold_legislation([proposed(), enacted(dt.date(2026, 4, 1), when=at(20))])
    assert listings_in_force(state, dt.date(2026, 3, 31)) == []
    [listing] = listings_in_force(state, dt.date(2026, 4, 1))
    assert (listing.name, listing.source) == ("alpha-PiHP", "KZ-2026-14")
    assert [g.definition.name for g in groups_in_force(state, dt.date(2026, 4, 1))] == ["nitazenes"]
    # enacted on 20 March but not yet effective: still pending on 25 March, not on 1 April
    assert [a.amendment_id for a in pending_amendments(state, dt.date(2026, 3, 25))] == [
        "KZ-2026-14"
    ]
    assert pending_amendments(state, dt.date(2026, 4, 1)) == []


def test_a_temporary_control_expires_and_lapses() -> None:
    state = fold_legislation(
        [proposed(), enacted(dt.date(2026, 4, 1), expires=dt.date(2027, 4, 1))]
    )
    assert listings_in_force(state, dt.date(2027, 3, 31)) != []
    assert listings_in_force(state, dt.date(2027, 4, 1)) == []
    assert lapse_expired(state, dt.date(2027, 4, 1)).amendments[0].status == AmendmentStatus.LAPSED
    assert lapse_expired(state, dt.date(2027, 3, 31)) is state


@pytest.mark.parametrize(
    ("closing", "status"),
    [
        (AmendmentRejected, AmendmentStatus.REJECTED),
        (AmendmentWithdrawn, AmendmentStatus.WITHDRAWN),
    ],
)
def test_rejected_or_withdrawn_amendments_were_pending_only_until_decided(closing, status) -> None:
    close = closing(**envelope("c1", at(15)), data={"amendment_id": "KZ-2026-14", "reason": "no"})
    state = fold_legislation([proposed(), close])
    assert state.amendments[0].status == status
    assert state.listings == []
    assert len(pending_amendments(state, dt.date(2026, 3, 14))) == 1
    assert pending_amendments(state, dt.date(2026, 3, 15)) == []
    assert apply_legislation(state, enacted(dt.date(2026, 4, 1))) is state


def test_the_fold_is_pure() -> None:
    before = apply_legislation(empty_schedule(), proposed())
    snapshot = before.model_dump()
    apply_legislation(before, enacted(dt.date(2026, 4, 1)))
    assert before.model_dump() == snapshot


def test_load_schedule_jsonl_keeps_one_jurisdiction(tmp_path: Path) -> None:
    other = AmendmentProposed(**{**envelope("p-uz", at(2), "UZ")}, data=proposed().data)
    path = tmp_path / "legislation.jsonl"
    path.write_text(to_jsonl([baseline(), other, proposed()]) + "\n", encoding="utf-8")
    state = load_schedule_jsonl(path, "KZ")
    assert [x.name for x in state.listings] == ["Heroin"]
    assert len(state.amendments) == 1
    assert load_schedule_jsonl(path, "UZ").listings == []


def test_a_bad_line_fails_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "legislation.jsonl"
    path.write_text(to_jsonl([baseline()]) + '{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(ContractError) as error:
        load_schedule_jsonl(path, "KZ")
    assert "line 2" in " ".join(error.value.__notes__)


def test_other_events_are_refused() -> None:
    with pytest.raises(TypeError):
        apply_legislation(empty_schedule(), "not an event")  # type: ignore[arg-type]
