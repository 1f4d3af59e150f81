"""Classification on real structures against the demo schedule (services/chemistry/data)."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest

from contracts.legislation import AmendmentEnacted, AmendmentProposed
from contracts.schedule import GroupListing, Listing, ScheduleState, pending_on
from services.chemistry import (
    ScheduleIndex,
    StructureError,
    classify,
    classify_structure,
    standardise,
)
from services.chemistry import classification as chemistry_classification
from services.chemistry.baseline import JSONL_PATH, baseline_event
from services.chemistry.families import rule_named
from services.domain.schedule import apply_legislation, load_schedule_jsonl, pending_amendments

IN_2025 = dt.date(2025, 6, 1)
KZT = dt.timezone(dt.timedelta(hours=5))

ALPHA_PHP = "CCCCC(C(=O)c1ccccc1)N1CCCC1"
ALPHA_PIHP = "CC(C)CC(C(=O)c1ccccc1)N1CCCC1"
ALPHA_PVP = "CCCC(C(=O)c1ccccc1)N1CCCC1"
PROTONITAZENE = "CCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN(CC)CC)cc1"
BROMAZOLAM = "Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1)=NC2"
MEPHOBARBITAL = "CCC1(c2ccccc2)C(=O)NC(=O)N(C)C1=O"


@pytest.fixture(scope="module")
def kz_state() -> ScheduleState:
    return load_schedule_jsonl(JSONL_PATH, "KZ")


@pytest.fixture(scope="module")
def kz(kz_state) -> ScheduleIndex:
    return ScheduleIndex.build(kz_state, jurisdiction="KZ")


def verdict(structure: str, index: ScheduleIndex, on: dt.date = IN_2025):
    return classify_structure(structure, index, as_of=on)


def test_a_salt_of_a_listed_substance_is_listed_and_says_by_what(kz) -> None:
    heroin_hcl = baseline_event().data.substances[0].structure.smiles + ".Cl"
    result = verdict(heroin_hcl, kz)
    assert result.status == "listed"
    [rule] = result.rules_fired
    assert (rule.rule, rule.evidence["listing"], rule.evidence["schedule"]) == (
        "listed",
        "Heroin",
        "I",
    )
    assert rule.evidence["same_stereoisomer"] == "yes"
    assert "baseline:" in rule.explanation


def test_another_stereoisomer_of_a_listed_substance_is_listed(kz) -> None:
    result = verdict("CN[C@H](C)Cc1ccccc1", kz)  # levomethamphetamine; the list names (S)
    assert result.status == "listed"
    assert result.rules_fired[0].evidence["same_stereoisomer"] == "no"


def test_a_tautomer_of_a_listed_drug_drawn_another_way_is_listed(kz) -> None:
    # The enol of mephedrone: another standard InChI (so another match key), the same ketone.
    enol = "CNC(C)=C(O)c1ccc(C)cc1"
    keto = verdict("CNC(C)C(=O)c1ccc(C)cc1", kz)
    result = verdict(enol, kz)
    assert standardise(enol).match_key != keto.parent.match_key
    assert result.status == "listed"
    [rule] = result.rules_fired
    assert rule.evidence["listing"] == "Mephedrone"
    assert rule.evidence["tautomer_of_listed"] == "yes"
    assert "tautomer" in rule.explanation
    assert keto.rules_fired[0].evidence["tautomer_of_listed"] == "no"


def test_the_tautomer_key_merges_keto_enol_and_1_5_shifts_only() -> None:
    assert standardise("NC=CC=O").tautomer_key == standardise("N=CC=CO").tautomer_key  # 1,5
    ketone, alcohol = standardise("CC(=O)c1ccccc1"), standardise("CC(O)c1ccccc1")
    assert ketone.tautomer_key != alcohol.tautomer_key  # another compound, two hydrogens more


@pytest.mark.parametrize(
    ("smiles", "group"),
    [
        ("CCCCCCn1cc(C(=O)c2cccc3ccccc23)c2ccccc21", "cannabinoids-naphthoylindoles"),  # JWH-019
        ("COCC(=O)N(c1ccccc1C)C1CCN(CCc2ccccc2)CC1", "fentanyl-related"),  # o-Me-methoxyacetylF
    ],
)
def test_unlisted_members_of_a_group_in_force_are_group(kz, smiles: str, group: str) -> None:
    result = verdict(smiles, kz)
    assert result.status == "group"
    assert [r.evidence["group"] for r in result.rules_fired] == [group]


@pytest.mark.parametrize(
    ("smiles", "nearest"),
    [
        (ALPHA_PHP, "alpha-PVP"),
        (ALPHA_PIHP, "alpha-PVP"),
        (PROTONITAZENE, "Butonitazene"),
        ("CCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN2CCCC2)cc1", "Etonitazene"),
        (BROMAZOLAM, "Alprazolam"),
        ("C=CCCCn1nc(C(=O)NC(C(=O)OC)C(C)(C)C)c2ccccc21", "4F-MDMB-BINACA"),  # MDMB-4en-PINACA
        ("C=CCCCn1nc(C(=O)NC(C(N)=O)C(C)(C)C)c2ccccc21", "ADB-BUTINACA"),  # ADB-4en-PINACA
    ],
)
def test_demo_analogues_are_analogues_of_their_listed_relatives(
    kz, smiles: str, nearest: str
) -> None:
    result = verdict(smiles, kz)
    assert result.status == "analogue"
    top = result.nearest[0]
    assert top.name == nearest
    # Similar enough on its own, or else of the listed relative's family (alpha-PiHP 0.68,
    # bromazolam 0.74): either way the first rule names the relative.
    first = "similar-to-listed" if top.similarity >= kz.threshold else "same-family-as-listed"
    assert result.rules_fired[0].rule == first
    assert result.rules_fired[0].evidence["listing"] == nearest
    assert top.shared_core_smarts and top.core_coverage and top.core_coverage > 0.8


def test_a_small_substituent_change_is_caught_by_the_shared_core(kz) -> None:
    result = verdict(MEPHOBARBITAL, kz)  # phenobarbital N-methylated: no family rule covers it
    assert result.status == "analogue"
    [rule] = result.rules_fired
    assert rule.rule == "shared-core-with-listed"
    assert rule.evidence["listing"] == "Phenobarbital"
    assert rule.evidence["similarity"] < kz.threshold
    assert rule.evidence["core_coverage"] == 1.0


def test_shared_core_is_worked_out_for_the_status_only_when_it_can_decide_it(
    kz, monkeypatch
) -> None:
    computed = []
    real = chemistry_classification.shared_core

    def counted(*args, **kwargs):
        computed.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(chemistry_classification, "shared_core", counted)
    by_similarity = classify(standardise(ALPHA_PHP), kz, as_of=IN_2025)
    assert (by_similarity.status, len(computed)) == ("analogue", 0)
    assert by_similarity.nearest[0].shared_core_smarts  # evidence: worked out when read...
    assert by_similarity.rules_fired[0].evidence["shared_core_smarts"]
    assert len(computed) == 1  # ...once
    assert by_similarity == classify(standardise(ALPHA_PHP), kz, as_of=IN_2025)

    computed.clear()
    by_core = classify(standardise(MEPHOBARBITAL), kz, as_of=IN_2025)
    assert by_core.status == "analogue"
    assert computed  # the shared core decided the status
    assert "shared-core-with-listed" in {rule.rule for rule in by_core.rules_fired}


def test_cutting_agents_medicines_and_sugars_are_unrelated(kz, not_controlled) -> None:
    wrong = {
        row["name"]: (result.status, result.rules_fired[0].explanation)
        for row in not_controlled
        if (result := verdict(row["smiles"], kz)).status != "unrelated"
    }
    assert wrong == {}


def test_unrelated_names_the_nearest_and_the_threshold(kz) -> None:
    result = verdict("Cn1c(=O)c2c(ncn2C)n(C)c1=O", kz)  # caffeine
    [rule] = result.rules_fired
    assert rule.rule == "unrelated"
    assert rule.evidence["listing"] == result.nearest[0].name
    assert f"{kz.threshold:.2f}" in rule.explanation


def test_nothing_is_in_force_before_the_baseline_takes_effect(kz) -> None:
    result = verdict(ALPHA_PVP, kz, on=dt.date(2024, 12, 31))
    assert result.status == "unrelated"
    assert result.nearest == ()


def test_a_listing_stops_at_its_expiry() -> None:
    state = ScheduleState(
        listings=[
            Listing(
                name="alpha-PVP",
                structure={"smiles": ALPHA_PVP},
                source="KZ-T-1",
                effective_from=dt.date(2025, 1, 1),
                expires=dt.date(2026, 1, 1),
            )
        ]
    )
    index = ScheduleIndex.build(state, jurisdiction="KZ")
    parent = standardise(ALPHA_PVP)
    assert classify(parent, index, as_of=dt.date(2025, 12, 31)).status == "listed"
    assert classify(parent, index, as_of=dt.date(2026, 1, 1)).status == "unrelated"


def proposal(when: dt.datetime) -> AmendmentProposed:
    return AmendmentProposed(
        id="p1",
        source="kz.government.legal",
        jurisdiction="KZ",
        time=when,
        published=when,
        data={
            "amendment_id": "KZ-2025-07",
            "instrument": "government_decree",
            "title": "On amending the lists",
            "substances": [{"name": "alpha-PiHP", "structure": {"smiles": ALPHA_PIHP}}],
            "group_definitions": [rule_named("cathinones").model_dump()],
            "stage": "government",
        },
    )


def test_pending_amendments_that_would_cover_it_are_reported(kz_state) -> None:
    proposed_at = dt.datetime(2025, 7, 22, 10, tzinfo=KZT)
    state = apply_legislation(kz_state, proposal(proposed_at))
    index = ScheduleIndex.build(state, jurisdiction="KZ")
    pihp = verdict(ALPHA_PIHP, index, on=dt.date(2025, 8, 1))
    assert pihp.status == "analogue"
    assert [(c.amendment_id, c.stage, c.covers_by) for c in pihp.pending_cover] == [
        ("KZ-2025-07", "government", "name"),
        ("KZ-2025-07", "government", "group:cathinones"),
    ]
    assert pihp.pending_cover[0].since == proposed_at
    php = verdict(ALPHA_PHP, index, on=dt.date(2025, 8, 1))
    assert [c.covers_by for c in php.pending_cover] == ["group:cathinones"]
    assert verdict(ALPHA_PIHP, index, on=dt.date(2025, 7, 21)).pending_cover == ()
    assert verdict(PROTONITAZENE, index, on=dt.date(2025, 8, 1)).pending_cover == ()


def test_an_enacted_amendment_lists_from_its_effective_date(kz_state) -> None:
    state = apply_legislation(kz_state, proposal(dt.datetime(2025, 7, 22, 10, tzinfo=KZT)))
    enacted_at = dt.datetime(2025, 10, 1, 10, tzinfo=KZT)
    state = apply_legislation(
        state,
        AmendmentEnacted(
            id="e1",
            source="kz.government.legal",
            jurisdiction="KZ",
            time=enacted_at,
            published=enacted_at,
            data={"amendment_id": "KZ-2025-07", "effective_from": dt.date(2025, 11, 24)},
        ),
    )
    index = ScheduleIndex.build(state, jurisdiction="KZ")
    before = verdict(ALPHA_PHP, index, on=dt.date(2025, 11, 23))
    assert (before.status, [c.covers_by for c in before.pending_cover]) == (
        "analogue",
        ["group:cathinones"],
    )
    assert verdict(ALPHA_PHP, index, on=dt.date(2025, 11, 24)).status == "group"
    assert verdict(ALPHA_PIHP, index, on=dt.date(2025, 11, 24)).status == "listed"


def test_the_threshold_can_be_overridden(kz) -> None:
    parent = standardise(MEPHOBARBITAL)  # 0.62 to phenobarbital, which it contains whole
    assert classify(parent, kz, as_of=IN_2025, threshold=0.95).status == "unrelated"
    assert classify(parent, kz, as_of=IN_2025, threshold=0.7).status == "analogue"


def test_a_family_member_of_a_listed_substance_is_an_analogue_whatever_the_threshold(kz) -> None:
    # alpha-PiHP is a synthetic cathinone, like the listed alpha-PVP: its family decides even
    # where similarity alone would not.
    result = classify(standardise(ALPHA_PIHP), kz, as_of=IN_2025, threshold=0.99)
    assert result.status == "analogue"
    [rule] = result.rules_fired
    assert rule.rule == "same-family-as-listed"
    assert rule.evidence["family"] == "synthetic cathinones"
    assert rule.evidence["family_rule"] == rule.evidence["listed_family_rule"] == "cathinones"
    assert rule.evidence["listing"] == result.nearest[0].name == "alpha-PVP"
    assert "C(=O)" in str(rule.evidence["family_core"])
    assert "alpha-PVP" in rule.explanation and "synthetic cathinones" in rule.explanation


def test_the_family_rule_names_the_family_member_first_even_when_another_is_more_similar(
    kz,
) -> None:
    # 2-fluoromethcathinone: a cathinone, 0.56 to methcathinone, also the family's nearest member
    result = verdict("CNC(C)C(=O)c1ccccc1F", kz)
    assert [r.rule for r in result.rules_fired] == ["same-family-as-listed"]
    assert result.rules_fired[0].evidence["listing"] == result.nearest[0].name == "Methcathinone"
    # 4-MeO-PCP is nearer to listed 3-MeO-PCP than to anything else and of its family too
    pcp = verdict("COc1ccc(C2(N3CCCCC3)CCCCC2)cc1", kz)
    assert pcp.rules_fired[0].evidence["listing"] == pcp.nearest[0].name == "3-MeO-PCP"
    # a barbiturate has no family rule: similarity and shared core decide alone
    assert "same-family-as-listed" not in {r.rule for r in verdict(MEPHOBARBITAL, kz).rules_fired}


def test_a_family_without_a_listed_member_in_force_decides_nothing(kz_state) -> None:
    cathinones = {"Cathinone", "Methcathinone", "Mephedrone", "Pentedrone", "alpha-PVP", "MDPV"}
    names = {row.name for row in kz_state.listings}
    state = kz_state.model_copy(
        update={"listings": [x for x in kz_state.listings if x.name not in cathinones]}
    )
    index = ScheduleIndex.build(state, jurisdiction="KZ")
    assert cathinones <= names and index.family_members["synthetic cathinones"].size > 0
    # the other listed cathinones (methylone, 3-MMC, ...) still make alpha-PiHP a family member
    assert verdict(ALPHA_PIHP, index).rules_fired[0].rule == "same-family-as-listed"
    no_cathinone = kz_state.model_copy(
        update={
            "listings": [
                x
                for x in kz_state.listings
                if "synthetic cathinones" not in _families(x.structure.smiles)
            ]
        }
    )
    index = ScheduleIndex.build(no_cathinone, jurisdiction="KZ")
    assert "synthetic cathinones" not in index.family_members
    assert verdict(ALPHA_PIHP, index).status == "unrelated"


def _families(smiles: str | None) -> set[str]:
    from services.chemistry.families import family_matches

    return {m.family for m in family_matches(standardise(smiles).mol)} if smiles else set()


def test_repeated_inputs_come_from_the_cache(kz) -> None:
    first = verdict(BROMAZOLAM, kz)
    assert verdict(BROMAZOLAM, kz) is first
    with pytest.raises(StructureError) as one:
        verdict("C1CC", kz)
    with pytest.raises(StructureError) as two:
        verdict("C1CC", kz)
    assert one.value is two.value


def test_bad_listings_and_groups_are_reported_not_fatal() -> None:
    start = dt.date(2025, 1, 1)
    bad_group = rule_named("nitazenes").model_copy(update={"name": "broken", "smarts": "c1(((("})
    state = ScheduleState(
        listings=[
            Listing(name="typo", structure={"smiles": "C1CC"}, source="b", effective_from=start),
            Listing(
                name="alpha-PVP",
                structure={"smiles": ALPHA_PVP},
                source="b",
                effective_from=start,
            ),
        ],
        groups=[GroupListing(definition=bad_group, source="b", effective_from=start)],
    )
    index = ScheduleIndex.build(state, jurisdiction="KZ")
    assert [p.split(":")[0] for p in index.problems] == ["listing 'typo' (b)", "group 'broken'"]
    assert verdict(ALPHA_PVP, index).status == "listed"


def test_rebuilding_after_a_change_is_cheap(kz_state) -> None:
    ScheduleIndex.build(kz_state, jurisdiction="KZ")
    started = time.perf_counter()
    ScheduleIndex.build(kz_state, jurisdiction="KZ")
    assert time.perf_counter() - started < 0.5  # measured ~1 ms for 138 listings


def test_pending_rule_agrees_with_the_domain(kz_state) -> None:
    state = apply_legislation(kz_state, proposal(dt.datetime(2025, 7, 22, 10, tzinfo=KZT)))
    index = ScheduleIndex.build(state, jurisdiction="KZ")
    for day in (dt.date(2025, 7, 21), dt.date(2025, 7, 22), dt.date(2026, 1, 1)):
        ours = {a.amendment.amendment_id for a in index.amendments if pending_on(a.amendment, day)}
        assert ours == {a.amendment_id for a in pending_amendments(state, day)}


@pytest.mark.parametrize(
    "smiles",
    [
        "C" * 390,
        "c1ccc2cc3cc4cc5cc6cc7cc8cc9ccccc9cc8cc7cc6cc5cc4cc3cc2c1",
        "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1" + "C" * 300,
        "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1" + "C(C(C(C(C)C)C)C)" * 20,
    ],
    ids=["390-carbon chain", "nonacene", "fentanyl with a 300-carbon tail", "branched tail"],
)
def test_large_inputs_classify_within_bound(kz, smiles: str) -> None:
    started = time.perf_counter()
    verdict(smiles, kz).nearest  # noqa: B018  # evidence included: it is worked out when read
    assert time.perf_counter() - started < 2.0


def test_named_fentanyl_analogues_are_controlled_or_analogues(kz, fentanyl_analogues) -> None:
    # data/reference/fentanyl_analogues_named.csv against the demo schedule. Precursors and
    # metabolites (nor-, despropionyl-) and N-benzyl compounds are outside the fentanyl-related
    # clause but are 4-anilinopiperidines, the family of the listed fentanyls.
    statuses = {r["compound"]: verdict(r["smiles"], kz) for r in fentanyl_analogues}
    counts = Counter(v.status for v in statuses.values())
    assert counts["listed"] + counts["group"] + counts["analogue"] >= 90, counts
    assert statuses["Norfentanyl"].status == "analogue"
    assert statuses["Norfentanyl"].rules_fired[0].evidence["family_rule"] == "4-anilinopiperidines"
    statuses = {name: v.status for name, v in statuses.items()}
    assert statuses["Acetylfentanyl"] == "listed"
    assert statuses["2-Fluoro butyrfentanyl"] == "group"


def test_every_reference_structure_classifies_within_bound(kz, nps_structures) -> None:
    slowest = 0.0
    for row in nps_structures:
        started = time.perf_counter()
        verdict(row["smiles"], kz).nearest  # noqa: B018  # evidence included
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < 2.0  # measured: 0.08 s
