"""The Kazakhstan year: valid, deterministic, and telling the story the expectations rely on."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from rdkit import Chem, rdBase
from rdkit.Chem.rdMolDescriptors import CalcMolFormula

from contracts.codec import decode, encode
from contracts.lab import LabResultReported
from contracts.legislation import (
    AmendmentEnacted,
    AmendmentProposed,
    AmendmentRejected,
    AmendmentStageChanged,
    BaselineListed,
)
from contracts.seizure import SeizureReported
from services.scenario import build_scenario, kz_year
from services.scenario.baseline import kz_baseline
from services.scenario.substances import ALL_SUBSTANCES, ANALOGUES, LISTED, Substance

REPO = Path(__file__).resolve().parents[3]
EVENTS = build_scenario()
DAY = dt.timedelta(days=1)


def _skeleton(smiles: str) -> str:
    """First InChIKey block of the largest fragment: the substance whatever salt or stereo."""
    mol = Chem.MolFromSmiles(smiles)
    largest = max(Chem.GetMolFrags(mol, asMols=True), key=lambda m: m.GetNumHeavyAtoms())
    with rdBase.BlockLogs():
        return Chem.MolToInchiKey(largest).split("-")[0]


SUBSTANCE_BY_SKELETON = {s.inchikey.split("-")[0]: s for s in ALL_SUBSTANCES}


def _of_type(cls: type) -> list:
    return [e for e in EVENTS if isinstance(e, cls)]


def _kz_day(moment: dt.datetime) -> str:
    return moment.astimezone(kz_year.KZT).strftime("%m-%d")


# --- valid and deterministic -------------------------------------------------------------------


def test_every_event_is_a_valid_contract_that_round_trips() -> None:
    for event in EVENTS:
        assert decode(encode(event)) == event


def test_a_few_hundred_events_starting_with_the_baseline_ordered_by_publication() -> None:
    assert 200 <= len(EVENTS) <= 500
    assert isinstance(EVENTS[0], BaselineListed)
    published = [e.published for e in EVENTS]
    assert published == sorted(published)
    assert all(e.published.year == kz_year.YEAR for e in EVENTS)


def test_two_builds_are_equal_to_the_byte() -> None:
    assert [encode(e) for e in build_scenario()] == [encode(e) for e in EVENTS]


def test_ids_are_unique_except_the_deliberate_resends() -> None:
    counts = Counter(e.id for e in EVENTS)
    repeated = {event_id for event_id, n in counts.items() if n > 1}
    assert len(repeated) == 4 and all(counts[i] == 2 for i in repeated)
    for event_id in repeated:
        first, again = (e for e in EVENTS if e.id == event_id)
        assert again.published > first.published
        assert again.model_copy(update={"published": first.published}) == first
    assert {e.type for e in EVENTS if e.id in repeated} == {
        "aw.seizure.reported.v1",
        "aw.lab-result.reported.v1",
        "aw.legislation.stage-changed.v1",
    }


def test_seizure_and_sample_ids_are_not_reused() -> None:
    seizures = {e.data.seizure_id: e.id for e in _of_type(SeizureReported)}
    assert len(seizures) == len({e.id for e in _of_type(SeizureReported)})
    samples = [i.sample_id for e in {e.id: e for e in _of_type(SeizureReported)}.values()
               for i in e.data.items]  # fmt: skip
    assert len(samples) == len(set(samples))


# --- seizures and lab results ------------------------------------------------------------------


def _seizure_of_sample() -> dict[str, SeizureReported]:
    return {i.sample_id: e for e in _of_type(SeizureReported) for i in e.data.items}


def test_every_seized_item_gets_a_lab_result_3_to_30_days_later() -> None:
    seizure_of = _seizure_of_sample()
    results = {e.data.sample_id: e for e in _of_type(LabResultReported)}
    assert set(seizure_of) <= set(results)
    for sample_id, seizure in seizure_of.items():
        result = results[sample_id]
        assert result.published > seizure.published
        delay = result.data.analysed_at - seizure.data.seized_at
        assert 2 * DAY < delay < 31 * DAY, sample_id


def test_regions_and_channels_vary() -> None:
    kz = [e for e in _of_type(SeizureReported) if e.jurisdiction == "KZ"]
    assert len({e.data.region for e in kz}) >= 10
    assert len({e.data.channel for e in kz}) == 7
    assert all(1 <= len(e.data.items) <= 3 for e in kz)


def test_test_purchases_are_lab_results_without_a_seizure() -> None:
    seizure_of = _seizure_of_sample()
    purchases = [e for e in _of_type(LabResultReported) if e.data.sample_id not in seizure_of]
    assert len(purchases) == len(kz_year.TEST_PURCHASES) >= 3


def _reported_smiles() -> list[str]:
    return [
        s.structure.smiles
        for e in _of_type(LabResultReported)
        for s in e.data.substances
        if s.structure.smiles
    ]


def test_labs_report_salts_and_enantiomers_that_standardisation_must_undo() -> None:
    reported = _reported_smiles()
    assert any("." in s for s in reported), "no salt form reported"
    assert any("@" in s and "." not in s for s in reported if _skeleton(s) == "KYIJLDDXQWBNGX")
    for smiles in reported:
        assert _skeleton(smiles) in SUBSTANCE_BY_SKELETON, smiles


def test_reported_names_are_set_and_vary() -> None:
    names = [s.reported_name for e in _of_type(LabResultReported) for s in e.data.substances]
    assert all(names)
    assert {"alpha-PHP", "α-PHP"} <= set(names)


def test_unrelated_findings_and_an_empty_result_are_in_the_story() -> None:
    results = _of_type(LabResultReported)
    assert any(r.data.nothing_identified for r in results)
    caffeine_only = [
        r for r in results
        if [s.reported_name for s in r.data.substances] == ["caffeine"]
    ]  # fmt: skip
    assert len(caffeine_only) >= 2
    assert any(len(r.data.substances) == 2 for r in results), "no mixture (cut) sample"


# --- chemistry of the story --------------------------------------------------------------------


@pytest.mark.parametrize("substance", ALL_SUBSTANCES, ids=lambda s: s.name)
def test_catalogue_structures_match_formula_and_inchikey(substance: Substance) -> None:
    mol = Chem.MolFromSmiles(substance.smiles)
    assert CalcMolFormula(mol) == substance.formula
    with rdBase.BlockLogs():
        assert Chem.MolToInchiKey(mol) == substance.inchikey
    for variant in substance.reported_variants:
        assert _skeleton(variant) == substance.inchikey.split("-")[0]


def _baseline_skeletons() -> dict[str, str]:
    baseline = EVENTS[0]
    assert isinstance(baseline, BaselineListed)
    return {
        _skeleton(s.structure.smiles): s.name
        for s in baseline.data.substances
        if s.structure.smiles
    }


def test_the_analogues_are_not_in_the_kz_baseline_and_the_listed_ones_are() -> None:
    listed = _baseline_skeletons()
    for substance in ANALOGUES:
        assert substance.inchikey.split("-")[0] not in listed, substance.name
    for substance in LISTED:
        assert substance.inchikey.split("-")[0] in listed, substance.name


def test_no_baseline_group_definition_covers_an_analogue() -> None:
    baseline = EVENTS[0]
    for group in baseline.data.group_definitions:
        pattern = Chem.MolFromSmarts(group.smarts)
        for substance in ANALOGUES:
            assert not Chem.MolFromSmiles(substance.smiles).HasSubstructMatch(pattern), (
                f"{group.name} covers {substance.name}"
            )


def test_the_generic_cathinone_rule_covers_the_cathinones_only() -> None:
    pattern = Chem.MolFromSmarts(kz_year.CATHINONE_GROUP.smarts)
    covered = {
        s.name for s in ALL_SUBSTANCES if Chem.MolFromSmiles(s.smiles).HasSubstructMatch(pattern)
    }
    assert covered == {
        "alpha-PHP",
        "alpha-PiHP",
        "N-ethylhexedrone",
        "4-CEC",
        "alpha-PVP",
        "mephedrone",
    }


def test_the_baseline_is_in_force_from_the_start() -> None:
    baseline = EVENTS[0]
    assert baseline.published == kz_year.START
    assert baseline.data.effective_from <= kz_year.START.date()
    # A scenario starting before the list's own date still meets the list in force.
    early = dt.datetime(2020, 1, 2, 9, tzinfo=dt.UTC)
    redated = kz_baseline(early)
    assert redated.published == early
    assert redated.data.effective_from == early.date()
    assert redated.data.substances == baseline.data.substances


# --- legislation -------------------------------------------------------------------------------


def _legislation(amendment_id: str) -> list:
    return [
        e
        for e in {e.id: e for e in EVENTS}.values()
        if getattr(e.data, "amendment_id", None) == amendment_id
    ]


def test_the_alpha_php_decree_passes_every_stage_in_five_to_six_months() -> None:
    events = _legislation(kz_year.AMD_ALPHA_PHP)
    proposed, *stages, enacted = events
    assert isinstance(proposed, AmendmentProposed) and isinstance(enacted, AmendmentEnacted)
    assert proposed.data.instrument == "government_decree"
    assert [proposed.data.stage] + [s.data.stage for s in stages] == list(kz_year.STAGES)
    assert all(isinstance(s, AmendmentStageChanged) for s in stages)
    took = enacted.time - proposed.time
    assert 150 * DAY <= took <= 183 * DAY
    assert took < kz_year.STALL_DAYS * DAY, "it would stall before it is enacted"
    assert enacted.data.effective_from == dt.date(kz_year.YEAR, 9, 1)


def test_one_amendment_is_rejected() -> None:
    rejected = _of_type(AmendmentRejected)
    assert [r.data.amendment_id for r in rejected] == [kz_year.AMD_MDMB_4EN_PINACA]


def test_the_protonitazene_decree_stalls_past_the_limit_while_the_story_goes_on() -> None:
    (proposed,) = _legislation(kz_year.AMD_PROTONITAZENE)
    deadline = proposed.time + kz_year.STALL_DAYS * DAY
    later_sightings = [
        e
        for e in _of_type(LabResultReported)
        if e.time > deadline
        and any(_skeleton(s.structure.smiles) == "SJHUJFHOXYDSJY" for s in e.data.substances)
    ]
    assert later_sightings, "no protonitazene sighting after the stall deadline"


def test_the_generic_rule_is_enacted_in_the_autumn() -> None:
    proposed, *_, enacted = _legislation(kz_year.AMD_CATHINONES)
    assert proposed.data.group_definitions and not proposed.data.substances
    assert dt.date(kz_year.YEAR, 9, 22) <= enacted.data.effective_from <= dt.date(2025, 12, 21)


# --- the expectations follow from the events ---------------------------------------------------


def _known_occurrences(substance: Substance, jurisdiction: str = "KZ") -> list[tuple]:
    """(known at, seen at, occurrence id) for each distinct occurrence, in publication order."""
    seizure_of = _seizure_of_sample()
    key = substance.inchikey.split("-")[0]
    known: dict[str, tuple] = {}
    for event in EVENTS:
        if not isinstance(event, LabResultReported) or event.jurisdiction != jurisdiction:
            continue
        if not any(_skeleton(s.structure.smiles) == key for s in event.data.substances):
            continue
        seizure = seizure_of.get(event.data.sample_id)
        occurrence = seizure.data.seizure_id if seizure else f"sample:{event.data.sample_id}"
        seen = seizure.data.seized_at if seizure else event.data.analysed_at
        known.setdefault(occurrence, (event.published, seen, occurrence))
    return sorted(known.values())


def _most_in_window(occurrences: list[tuple]) -> int:
    seen = sorted(o[1] for o in occurrences)
    window = kz_year.WINDOW_DAYS * DAY
    return max((sum(a <= s <= a + window for s in seen) for a in seen), default=0)


def _day_threshold_known(substance: Substance, threshold: int) -> str:
    occurrences = _known_occurrences(substance)
    window = kz_year.WINDOW_DAYS * DAY
    for n in range(len(occurrences)):
        known_at, _, _ = occurrences[n]
        seen = [o[1] for o in occurrences[: n + 1]]
        latest = max(seen)
        if sum(latest - window <= s <= latest for s in seen) >= threshold:
            return _kz_day(known_at)
    raise AssertionError(f"{substance.name} never reaches {threshold} occurrences")


@pytest.mark.parametrize(
    "expected",
    [
        *(
            t
            for t in kz_year.EXPECTED_TRANSITIONS
            if t.type == kz_year.RAISED and t.level != kz_year.EARLY
        ),
        *kz_year.EXPECTED_PROMOTIONS,
    ],
    ids=lambda t: t.substance.name,
)
def test_the_domestic_rule_fires_the_day_the_third_occurrence_becomes_known(expected) -> None:
    assert _day_threshold_known(expected.substance, kz_year.MIN_OCCURRENCES) == expected.on


def test_every_early_warning_comes_before_its_promotion() -> None:
    early = {
        t.substance.name: t.on
        for t in kz_year.EXPECTED_TRANSITIONS
        if t.type == kz_year.RAISED and t.level == kz_year.EARLY
    }
    promoted = {t.substance.name: t.on for t in kz_year.EXPECTED_PROMOTIONS}
    assert early.keys() == promoted.keys() == {"alpha-PHP", "alpha-PiHP"}
    assert all(early[name] < promoted[name] for name in early)
    # alpha-PiHP: listed in Russia, seized in Uzbekistan, warned months before its alert.
    assert (early["alpha-PiHP"], promoted["alpha-PiHP"]) == ("05-02", "07-15")


def test_the_alpha_php_escalation_is_the_day_the_sixth_becomes_known() -> None:
    (escalation,) = kz_year.EXPECTED_ESCALATIONS
    assert _day_threshold_known(escalation.substance, 2 * kz_year.MIN_OCCURRENCES) == escalation.on


def _legal_day(amendment_id: str, cls: type) -> str:
    (event,) = [e for e in _legislation(amendment_id) if isinstance(e, cls)]
    return _kz_day(event.time)


def test_legal_transitions_fall_on_the_days_of_the_legal_events() -> None:
    stall = kz_year.STALL_DAYS * DAY
    (proto,) = _legislation(kz_year.AMD_PROTONITAZENE)
    expected_days = {
        (kz_year.ALPHA_PHP.name, kz_year.SUPPRESSED): _legal_day(
            kz_year.AMD_ALPHA_PHP, AmendmentProposed
        ),
        (kz_year.ALPHA_PHP.name, kz_year.RESOLVED): _legal_day(
            kz_year.AMD_ALPHA_PHP, AmendmentEnacted
        ),
        (kz_year.PROTONITAZENE.name, kz_year.SUPPRESSED): _kz_day(proto.time),
        (kz_year.PROTONITAZENE.name, kz_year.REOPENED): _kz_day(proto.time + stall),
        (kz_year.MDMB_4EN_PINACA.name, kz_year.SUPPRESSED): _legal_day(
            kz_year.AMD_MDMB_4EN_PINACA, AmendmentProposed
        ),
        (kz_year.MDMB_4EN_PINACA.name, kz_year.REOPENED): _legal_day(
            kz_year.AMD_MDMB_4EN_PINACA, AmendmentRejected
        ),
    }
    for cathinone in (kz_year.ALPHA_PIHP, kz_year.N_ETHYLHEXEDRONE, kz_year.FOUR_CEC):
        expected_days[(cathinone.name, kz_year.SUPPRESSED)] = _legal_day(
            kz_year.AMD_CATHINONES, AmendmentProposed
        )
        expected_days[(cathinone.name, kz_year.RESOLVED)] = _legal_day(
            kz_year.AMD_CATHINONES, AmendmentEnacted
        )
    actual = {
        (t.substance.name, t.type): t.on
        for t in kz_year.EXPECTED_TRANSITIONS
        if t.type != kz_year.RAISED
    }
    assert actual == expected_days


def test_every_alert_is_raised_before_the_law_moves_on_it() -> None:
    by_alert: dict[str, list] = defaultdict(list)
    for t in kz_year.EXPECTED_TRANSITIONS:
        by_alert[t.alert_id].append(t)
    allowed = {
        kz_year.RAISED: {kz_year.SUPPRESSED, kz_year.RESOLVED},
        kz_year.SUPPRESSED: {kz_year.REOPENED, kz_year.RESOLVED},
        kz_year.REOPENED: {kz_year.SUPPRESSED, kz_year.RESOLVED},
    }
    for transitions in by_alert.values():
        assert transitions[0].type == kz_year.RAISED
        for before, after in zip(transitions, transitions[1:], strict=False):
            assert before.on < after.on and after.type in allowed[before.type]
        assert kz_year.FINAL_STATUS[transitions[0].substance.name] == (
            "resolved" if transitions[-1].type == kz_year.RESOLVED else "open"
        )
    days = [t.on for t in kz_year.EXPECTED_TRANSITIONS]
    assert days == sorted(days)


@pytest.mark.parametrize("substance", [kz_year.BROMAZOLAM, kz_year.CAFFEINE], ids=lambda s: s.name)
def test_below_threshold_substances_never_reach_three_in_the_window(substance) -> None:
    occurrences = _known_occurrences(substance)
    assert len(occurrences) >= 2
    assert _most_in_window(occurrences) < kz_year.MIN_OCCURRENCES


def test_neighbours_report_sightings_but_never_enough_for_their_own_alert() -> None:
    for jurisdiction in ("UZ", "KG", "RU"):
        for substance in ANALOGUES:
            assert _most_in_window(_known_occurrences(substance, jurisdiction)) < 3
    seen_abroad = {
        s.name for s in ANALOGUES for j in ("UZ", "KG", "RU") if _known_occurrences(s, j)
    }
    assert seen_abroad == {"alpha-PHP", "alpha-PiHP", "protonitazene"}


def test_the_doc_lists_the_expected_transitions_in_order() -> None:
    doc = (REPO / "docs" / "scenario.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| *\d+ *\| *(\d\d-\d\d) *\| *(\S+) *\| *`(KZ-[A-Z-]+)` *\| *`(aw\.alert\.\w+\.v1)`",
        doc,
        flags=re.MULTILINE,
    )
    assert rows == [
        (t.on, t.substance.name, t.alert_id, t.type) for t in kz_year.EXPECTED_TRANSITIONS
    ]
