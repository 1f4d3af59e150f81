"""Distinct occurrences in an event-time window: what counts once, what merges, what is late."""

from __future__ import annotations

import datetime as dt
import itertools

from services.domain.occurrences import MAX_OCCURRENCES, Sighting, Sightings

T0 = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
WINDOW = dt.timedelta(days=90)


def day(n: float) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def seized(seizure: str, sample: str, on: float, region: str = "Almaty", channel: str = "post"):
    return Sighting(seizure, day(on), sample, seizure_id=seizure, region=region, channel=channel)


def sample_only(sample: str, on: float) -> Sighting:
    return Sighting(f"sample:{sample}", day(on), sample)


def record_all(*sightings: Sighting) -> Sightings:
    s = Sightings()
    for sighting in sightings:
        s = s.record(sighting)
    return s


def test_a_seizure_counts_once_however_many_samples_and_results_found_it():
    s = record_all(seized("Z-1", "S-1", 1), seized("Z-1", "S-2", 1), seized("Z-1", "S-1", 1))
    assert [(o.occurrence_id, o.sample_ids) for o in s.occurrences] == [("Z-1", ("S-1", "S-2"))]
    assert s.total == 1


def test_a_sample_without_a_seizure_counts_once():
    s = record_all(sample_only("S-9", 3), sample_only("S-9", 3))
    assert [o.occurrence_id for o in s.occurrences] == ["sample:S-9"]
    assert s.total == 1


def test_a_seizure_arriving_after_its_lab_result_replaces_the_sample_only_occurrence():
    s = record_all(sample_only("S-1", 10), seized("Z-1", "S-1", 4))
    assert [(o.occurrence_id, o.seen_at) for o in s.occurrences] == [("Z-1", day(4))]
    assert (s.total, s.first_seen) == (1, day(4))


def test_merging_into_a_seizure_already_counted_lowers_the_count():
    s = record_all(seized("Z-1", "S-1", 4), sample_only("S-2", 10), seized("Z-1", "S-2", 4))
    assert [o.occurrence_id for o in s.occurrences] == ["Z-1"]
    assert s.occurrences[0].sample_ids == ("S-1", "S-2")
    assert s.total == 1


def test_the_state_is_the_same_whatever_order_the_sightings_come_in():
    sightings = [seized("Z-1", "S-1", 5), seized("Z-2", "S-2", 1, "Astana"), sample_only("S-3", 9)]
    states = {record_all(*order) for order in itertools.permutations(sightings)}
    assert len(states) == 1


def test_the_window_counts_occurrences_in_the_last_window_days_inclusive():
    s = record_all(seized("Z-1", "S-1", 0), seized("Z-2", "S-2", 50), seized("Z-3", "S-3", 91))
    assert [o.occurrence_id for o in s.in_window(day(90), WINDOW)] == ["Z-1", "Z-2"]
    assert [o.occurrence_id for o in s.in_window(day(91), WINDOW)] == ["Z-2", "Z-3"]


def test_the_count_is_the_number_in_the_window_at_every_edge():
    s = record_all(*(seized(f"Z-{n}", f"S-{n}", n * 7 % 120) for n in range(40)))
    for at in range(-5, 230):
        assert s.count(day(at), WINDOW) == len(s.in_window(day(at), WINDOW)), at
        assert s.count(day(at + 0.5), WINDOW) == len(s.in_window(day(at + 0.5), WINDOW)), at


def test_pruning_drops_old_occurrences_but_keeps_first_seen_and_total():
    s = record_all(seized("Z-1", "S-1", 0), seized("Z-2", "S-2", 100)).pruned(day(10))
    assert [o.occurrence_id for o in s.occurrences] == ["Z-2"]
    assert (s.first_seen, s.total) == (day(0), 2)


def test_a_sighting_more_than_the_lateness_before_the_latest_is_late():
    s = record_all(seized("Z-1", "S-1", 100))
    lateness = dt.timedelta(days=30)
    assert s.is_late(day(69), lateness)
    assert not s.is_late(day(70), lateness)
    assert not Sightings().is_late(day(0), lateness)


def test_regions_and_channels_accumulate_sorted():
    s = record_all(
        seized("Z-1", "S-1", 1, "Shymkent", "post"), seized("Z-2", "S-2", 2, "Almaty", "courier")
    )
    assert s.regions == ("Almaty", "Shymkent")
    assert s.channels == ("courier", "post")


def test_occurrences_are_bounded_dropping_the_oldest():
    s = record_all(*(seized(f"Z-{i}", f"S-{i}", i / 100) for i in range(MAX_OCCURRENCES + 5)))
    assert len(s.occurrences) == MAX_OCCURRENCES
    assert s.occurrences[0].occurrence_id == "Z-5"


def test_sightings_survive_a_json_round_trip():
    s = record_all(seized("Z-1", "S-1", 1), sample_only("S-2", 2)).counted_late()
    assert Sightings.model_validate_json(s.model_dump_json()) == s
