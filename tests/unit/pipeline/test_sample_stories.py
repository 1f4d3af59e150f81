"""Stories of samples: what counts as one occurrence, whether seizure or lab result comes first."""

from __future__ import annotations

from pipeline_story import ALPHA_PHP, CAFFEINE, KZ_BASELINE, Alert, Story, alerts, bodies, day, run

from contracts.topics import DETECTIONS


def detections(story: Story) -> list[tuple[str, str, float]]:
    """(occurrence id, sample id, story day seen) of every detection sent."""
    rows = []
    for e in run(story).emitted:
        if e.topic is DETECTIONS:
            data = e.event.data
            rows.append((data.occurrence_id, data.sample_id, (data.seen_at - day(0)).days))
    return rows


def test_a_seizure_counts_once_however_many_samples_and_lab_results_found_it():
    story = Story().baseline(0).seizure("Z-1", 10, ["S-1", "S-2", "S-3"])
    for sample in ("S-1", "S-2", "S-3"):
        story.lab(sample, 11, ALPHA_PHP)
    story.lab("S-1", 12, ALPHA_PHP, CAFFEINE)  # analysed again, with something else too
    assert alerts(story) == []

    story.found(20).found(30)
    assert alerts(story) == [Alert("raised", "KZ", 1, "open", 3, 30)]
    [alert] = bodies(run(story).emitted)
    assert alert.seizure_ids == ["KZ-Z2", "KZ-Z1", "Z-1"]
    assert alert.sample_ids == ["KZ-S2", "KZ-S1", "S-1", "S-2", "S-3"]


def test_a_lab_result_before_its_seizure_counts_once_and_takes_the_seizure_time_and_place():
    story = Story().baseline(0)
    story.lab("S-1", 10, ALPHA_PHP)  # no seizure known yet: a sample-only occurrence
    story.seizure("Z-1", 5, ["S-1"], region="Aqtobe", reported=12)
    assert detections(story) == [("sample:S-1", "S-1", 10), ("Z-1", "S-1", 5)]

    story.found(20)
    assert alerts(story) == []  # two occurrences, not three

    story.found(30)
    [alert] = bodies(run(story).emitted)
    assert (alert.occurrence_count, alert.first_seen) == (3, day(5))
    assert alert.seizure_ids == ["KZ-Z2", "KZ-Z1", "Z-1"]
    assert alert.regions == ["Almaty", "Aqtobe"]


def test_lab_results_without_any_seizure_count_once_per_sample():
    story = Story().baseline(0)
    story.lab("TP-1", 10, ALPHA_PHP).lab("TP-1", 11, ALPHA_PHP)  # a test purchase, re-analysed
    story.lab("TP-2", 20, ALPHA_PHP)
    assert alerts(story) == []

    story.lab("TP-3", 30, ALPHA_PHP)
    assert alerts(story) == [Alert("raised", "KZ", 1, "open", 3, 30)]
    [alert] = bodies(run(story).emitted)
    assert (alert.seizure_ids, alert.sample_ids) == ([], ["TP-3", "TP-2", "TP-1"])


def test_a_seizure_whose_lab_results_all_came_first_still_counts_once():
    # Three sample-only occurrences raise the alert; their seizure, reported later, merges them
    # into one. The first merge keeps three occurrences and brings a region and a channel (an
    # update); the second leaves two, and in time there would have been no alert: retracted.
    story = Story().baseline(0)
    story.lab("S-1", 10, ALPHA_PHP).lab("S-2", 11, ALPHA_PHP).lab("S-3", 12, ALPHA_PHP)
    story.seizure("Z-1", 8, ["S-1", "S-2", "S-3"], reported=13)
    assert alerts(story) == [
        Alert("raised", "KZ", 1, "open", 3, 12),
        Alert("updated", "KZ", 2, "open", 3, 12),  # Z-1 and the samples not yet merged
        Alert("corrected", "KZ", 3, "retracted", 2, 12),
    ]
    assert bodies(run(story).emitted)[1].reason == (
        "Escalation: new region: Almaty; new channel: dead drop."
    )

    story.found(20).found(30)  # 3 distinct occurrences again, truly: Z-1 and two more
    story.found(40).found(50).found(60)  # 6
    assert alerts(story)[3:] == [
        Alert("raised", "KZ", 4, "open", 3, 30),
        Alert("updated", "KZ", 5, "open", 6, 60),
    ]


def test_nothing_identified_detects_nothing():
    story = Story().baseline(0).seizure("Z-1", 10, ["S-1"]).lab("S-1", 11)
    assert detections(story) == []


def test_an_unreadable_structure_is_dead_lettered_and_the_rest_of_the_result_still_counts():
    story = Story().baseline(0).seizure("Z-1", 10, ["S-1"]).lab("S-1", 11, "C1CC", ALPHA_PHP)
    replay = run(story)
    [(event, rejection)] = replay.rejected
    assert event.type == "aw.lab-result.reported.v1"
    assert rejection.error_class == "invalid_structure"
    assert rejection.reason.startswith("data.substances[0].structure: unparsable:")
    assert rejection.field == "data.substances[0].structure"  # the dead letter's field
    assert detections(story) == [("Z-1", "S-1", 10)]


def test_two_seizures_claiming_one_sample_keep_the_first_and_dead_letter_the_second():
    story = Story().baseline(0).seizure("Z-1", 10, ["S-1"]).seizure("Z-2", 11, ["S-1"])
    story.lab("S-1", 12, ALPHA_PHP)
    replay = run(story)
    [(event, rejection)] = replay.rejected
    assert (event.data.seizure_id, rejection.error_class) == ("Z-2", "schema_violation")
    assert detections(story) == [("Z-1", "S-1", 10)]


def test_a_sample_analysed_abroad_counts_where_it_was_seized_once_the_seizure_is_known():
    story = Story().baseline(0).baseline(0, j="RU", substances=KZ_BASELINE)
    story.lab("S-1", 10, ALPHA_PHP, j="RU")  # a Russian lab, no seizure known: counted in RU
    story.seizure("Z-1", 5, ["S-1"], j="KZ", reported=12)
    replay = run(story)
    [state] = replay.substances.values()
    where = {
        j: [o.occurrence_id for o in local.sightings.occurrences]
        for j, local in state.jurisdictions.items()
    }
    assert where == {"RU": [], "KZ": ["Z-1"]}
    assert state.jurisdictions["RU"].sightings.total == 0
