"""Stories of alerts: agencies' events in, the exact alerts out, for every lifecycle transition.

Kazakhstan's baseline lists alpha-PVP, MDPV and mephedrone. alpha-PHP (alpha-PVP with one more
carbon) is the unlisted analogue. The rule is the default: raise at 3 distinct occurrences within
90 days, stall after 180 days pending. ``found(d)`` is a seizure of one sample on day ``d``,
analysed the same day; a row ``Alert("raised", "KZ", 1, "open", 3, 30)`` reads "alert KZ raised,
version 1, open, 3 occurrences, judged on day 30" (a story day is noon UTC; ``60 - MIDNIGHT_KZ``
is 00:00 of day 60 in Kazakhstan, UTC+5, when a control dated day 60 takes effect there).
"""

from __future__ import annotations

import pytest
from pipeline_story import (
    ALPHA_PHP,
    ALPHA_PVP,
    CAFFEINE,
    CATHINONES,
    KZ_BASELINE,
    MIDNIGHT_KZ,
    Alert,
    Story,
    alerts,
    bodies,
    day,
    deps,
    run,
    summary,
)

from services.tools.pipeline import Replay


def raised_in_kz() -> Story:
    """alpha-PHP seized on days 10, 20 and 30: raised on day 30."""
    return Story().baseline(0).found(10).found(20).found(30)


RAISED = Alert("raised", "KZ", 1, "open", 3, 30)


def test_three_seizures_within_the_window_raise_an_alert():
    story = Story().baseline(0).found(10).found(20)
    assert alerts(story) == []

    story.found(30)
    assert alerts(story) == [RAISED]


def test_the_raised_alert_carries_the_evidence():
    [alert] = bodies(run(raised_in_kz()).emitted)
    assert alert.alert_id == f"KZ-{alert.match_key}"
    assert alert.canonical_smiles == ALPHA_PHP
    assert alert.reported_names == ["alpha-PHP"]
    assert alert.nearest_listed[0].name == "alpha-PVP"
    assert [r.rule for r in alert.rules_fired] == ["similar-to-listed", "same-family-as-listed"]
    assert (alert.first_seen, alert.last_seen, alert.window_days) == (day(10), day(30), 90)
    assert alert.seizure_ids == ["KZ-Z3", "KZ-Z2", "KZ-Z1"]  # most recent first
    assert alert.sample_ids == ["KZ-S3", "KZ-S2", "KZ-S1"]
    assert (alert.regions, alert.channels) == (["Almaty"], ["dead_drop"])
    assert alert.pending_amendments == [] and alert.foreign_sightings == []
    assert alert.reason.startswith("Unlisted analogue of alpha-PVP (similarity 0.83): 3 distinct")


def test_a_family_member_below_the_threshold_is_raised_as_one_and_says_so():
    four_mec = "CCNC(C)C(=O)c1ccc(C)cc1"  # 4-MEC: a cathinone, 0.48 to listed mephedrone
    story = Story().baseline(0).found(10, four_mec).found(20, four_mec).found(30, four_mec)
    [alert] = bodies(run(story).emitted)
    assert alert.rules_fired[0].rule == "same-family-as-listed"
    assert alert.rules_fired[0].evidence["family"] == "synthetic cathinones"
    assert alert.nearest_listed[0].name == alert.rules_fired[0].evidence["listing"]
    assert alert.reason.startswith(
        f"Unlisted analogue of {alert.nearest_listed[0].name} (like it, one of the synthetic "
        "cathinones; similarity 0."
    )


def test_alert_ids_and_event_ids_are_deterministic():
    [first] = [e.event for e in run(raised_in_kz()).emitted if e.topic.name == "aw.alerts"]
    [again] = [e.event for e in run(raised_in_kz()).emitted if e.topic.name == "aw.alerts"]
    assert first.id == f"{first.data.alert_id}/v1"
    assert first == again


def test_occurrences_spread_wider_than_the_window_raise_nothing_until_three_fall_in_it():
    story = Story().baseline(0).found(0).found(60).found(120)
    assert alerts(story) == []  # on day 120 the window [30, 120] holds two

    story.found(150)
    assert alerts(story) == [Alert("raised", "KZ", 1, "open", 3, 150)]


def test_listed_and_unrelated_substances_never_alert():
    story = Story().baseline(0)
    for d in (10, 20, 30, 40):
        story.found(d, smiles=ALPHA_PVP).found(d + 1, smiles=CAFFEINE)
    assert alerts(story) == []


def test_updates_only_on_escalation_not_on_every_occurrence():
    story = raised_in_kz().found(31).found(32)  # 4 and 5: nothing new
    story.found(33)  # 6: the count doubled
    story.found(34, region="Shymkent")  # a new region
    story.found(35, region="Shymkent", channel="messenger")  # a new channel
    story.found(36, region="Shymkent", channel="messenger")  # 9: nothing new
    story.found(37).found(38).found(39)  # 12: doubled again
    assert alerts(story) == [
        RAISED,
        Alert("updated", "KZ", 2, "open", 6, 33),
        Alert("updated", "KZ", 3, "open", 7, 34),
        Alert("updated", "KZ", 4, "open", 8, 35),
        Alert("updated", "KZ", 5, "open", 12, 39),
    ]
    reasons = [b.reason for b in bodies(run(story).emitted)[1:]]
    assert reasons == [
        "Escalation: 6 occurrences in the window (next level reached).",
        "Escalation: new region: Shymkent.",
        "Escalation: new channel: messenger.",
        "Escalation: 12 occurrences in the window (next level reached).",
    ]


def test_listing_between_occurrences_means_no_alert():
    story = Story().baseline(0).found(10).found(20)
    story.propose("KZ-2026-1", 25).enact("KZ-2026-1", 28)
    story.found(30).found(40)
    assert alerts(story) == []


def test_a_pending_amendment_suppresses_and_its_enactment_resolves():
    story = raised_in_kz().propose("KZ-2026-1", 35).found(36)
    story.stage("KZ-2026-1", 45, "lower_house").enact("KZ-2026-1", 50, effective=60)
    assert alerts(story, until=70) == [
        RAISED,
        Alert("suppressed", "KZ", 2, "suppressed", 3, 35),
        Alert("resolved", "KZ", 3, "resolved", 4, 60 - MIDNIGHT_KZ),  # from day 60, 00:00 in KZ
    ]
    suppressed, resolved = bodies(run(story, until=70).emitted)[1:]
    assert [(p.amendment_id, p.covers_by) for p in suppressed.pending_amendments] == [
        ("KZ-2026-1", "name")
    ]
    assert suppressed.reason.startswith("Held back while a pending amendment would control it")
    assert resolved.time_to_control_days == 49.29  # day 10 noon UTC to day 60 00:00 in KZ
    assert resolved.reason.startswith("Now controlled (listed by name)")


def test_an_enactment_in_force_at_once_resolves_at_the_enactment():
    story = raised_in_kz().propose("KZ-2026-1", 35).enact("KZ-2026-1", 40)
    assert alerts(story) == [
        RAISED,
        Alert("suppressed", "KZ", 2, "suppressed", 3, 35),
        Alert("resolved", "KZ", 3, "resolved", 3, 40),
    ]


def test_a_group_rule_proposed_suppresses_and_enacted_resolves_without_a_new_sighting():
    # The amendment names no substance: only a sweep finds that its group covers alpha-PHP,
    # and it is judged at the proposal and the enactment, not when the sweep ran.
    story = raised_in_kz().propose("KZ-2026-G", 40, names=(), groups=(CATHINONES,))
    story.enact("KZ-2026-G", 50)
    assert alerts(story, until=60) == [
        RAISED,
        Alert("suppressed", "KZ", 2, "suppressed", 3, 40),
        Alert("resolved", "KZ", 3, "resolved", 3, 50),
    ]
    suppressed = bodies(run(story, until=60).emitted)[1]
    assert suppressed.pending_amendments[0].covers_by == "group:cathinones"


def test_a_group_rule_in_the_baseline_controls_the_analogue_from_the_start():
    story = Story().baseline(0, groups=(CATHINONES,)).found(10).found(20).found(30)
    assert alerts(story) == []


def test_an_amendment_rejected_after_suppression_reopens_the_alert():
    story = raised_in_kz().propose("KZ-2026-1", 35).reject("KZ-2026-1", 50)
    assert alerts(story) == [
        RAISED,
        Alert("suppressed", "KZ", 2, "suppressed", 3, 35),
        Alert("reopened", "KZ", 3, "open", 3, 50),
    ]
    reopened = bodies(run(story).emitted)[2]
    assert reopened.reason.startswith("Reopened: Amendment KZ-2026-1 was rejected.")


def test_an_amendment_withdrawn_after_suppression_reopens_the_alert():
    story = raised_in_kz().propose("KZ-2026-1", 35).withdraw("KZ-2026-1", 50)
    assert alerts(story)[-1] == Alert("reopened", "KZ", 3, "open", 3, 50)
    assert "was withdrawn" in bodies(run(story).emitted)[-1].reason


def test_an_amendment_pending_past_the_stall_limit_reopens_the_alert_at_the_deadline():
    story = raised_in_kz().propose("KZ-2026-1", 35).stage("KZ-2026-1", 100, "government")
    assert alerts(story, until=300) == [
        RAISED,
        Alert("suppressed", "KZ", 2, "suppressed", 3, 35),
        Alert("reopened", "KZ", 3, "open", 0, 215),  # 35 + 180: the deadline, not the sweep
    ]
    reopened = bodies(run(story, until=300).emitted)[-1]
    assert "pending since 2026-02-05, past the 180-day stall limit" in reopened.reason
    assert [p.amendment_id for p in reopened.pending_amendments] == ["KZ-2026-1"]


def test_the_stall_limit_is_configurable_per_jurisdiction():
    story = raised_in_kz().propose("KZ-2026-1", 35)
    assert alerts(story, until=100, stall_days=30)[-1] == Alert("reopened", "KZ", 3, "open", 3, 65)


def test_a_temporary_control_lapsing_reopens_the_resolved_alert():
    story = raised_in_kz().propose("KZ-2026-1", 35).enact("KZ-2026-1", 40, expires=100)
    assert alerts(story, until=110) == [
        RAISED,
        Alert("suppressed", "KZ", 2, "suppressed", 3, 35),
        Alert("resolved", "KZ", 3, "resolved", 3, 40),
        Alert("reopened", "KZ", 4, "open", 3, 100 - MIDNIGHT_KZ),  # expired: day 100, 00:00 KZ
    ]
    assert bodies(run(story, until=110).emitted)[-1].reason.startswith(
        "No longer controlled as of 2026-04-11: "
        "the temporary control by KZ-2026-1 expired on 2026-04-11."
    )


def test_threshold_reached_while_covered_raises_only_when_the_cover_ends():
    story = Story().baseline(0).propose("KZ-2026-1", 5).found(10).found(20).found(30)
    assert alerts(story) == []

    story.reject("KZ-2026-1", 40)
    assert alerts(story) == [Alert("raised", "KZ", 1, "open", 3, 40)]
    assert "Amendment KZ-2026-1 was rejected." in bodies(run(story).emitted)[0].reason


def test_a_suppressed_alert_is_still_updated_on_escalation():
    story = raised_in_kz().propose("KZ-2026-1", 35).found(36).found(37).found(38)
    assert alerts(story)[-1] == Alert("updated", "KZ", 3, "suppressed", 6, 38)


def test_a_resolved_alert_stays_resolved_however_often_the_substance_is_seen():
    story = raised_in_kz().propose("KZ-2026-1", 35).enact("KZ-2026-1", 40)
    for d in range(41, 60):
        story.found(d, region=f"Region {d}")
    assert [a.kind for a in alerts(story)] == ["raised", "suppressed", "resolved"]


def test_other_jurisdictions_are_shown_as_also_seen_in_and_escalate_once():
    story = Story().baseline(0).baseline(0, j="RU", substances=KZ_BASELINE)
    story.found(10, j="RU").found(20, j="RU").found(30, j="RU")
    story.found(40).found(50).found(60).found(70, j="RU")
    assert alerts(story) == [
        Alert("raised", "RU", 1, "open", 3, 30),
        Alert("updated", "RU", 2, "open", 3, 40),  # also seen in KZ
        Alert("raised", "KZ", 1, "open", 3, 60),
    ]
    ru_update, kz_raised = bodies(run(story).emitted)[1:]
    assert ru_update.reason == "Escalation: also seen in KZ."
    assert [
        (f.jurisdiction, f.count, f.first_seen, f.last_seen) for f in kz_raised.foreign_sightings
    ] == [("RU", 3, day(10), day(30))]


def test_a_jurisdiction_without_a_schedule_yet_is_judged_once_its_schedule_arrives():
    story = Story().found(10).found(20).found(30).baseline(31, effective=0)
    assert alerts(story, until=40) == [Alert("raised", "KZ", 1, "open", 3, 30)]

    # One sweep, long after: it judges the last sighting, then the law's moments since.
    story.propose("KZ-2026-G", 40, names=(), groups=(CATHINONES,))
    once = Replay(deps(), daily_sweeps=False)
    assert summary(run(story, until=50, replay=once).emitted) == [
        Alert("raised", "KZ", 1, "open", 3, 30),
        Alert("suppressed", "KZ", 2, "suppressed", 3, 40),
    ]


@pytest.mark.parametrize("min_occurrences", [1, 2, 5])
def test_the_threshold_is_configurable(min_occurrences):
    story = Story().baseline(0)
    for d in range(10, 10 + 10 * min_occurrences, 10):
        story.found(d)
    [raised] = alerts(story, min_occurrences=min_occurrences)
    assert (raised.kind, raised.count) == ("raised", min_occurrences)


def test_the_ids_on_an_alert_are_bounded_most_recent_first():
    [alert] = bodies(run(raised_in_kz(), max_ids=2).emitted)
    assert (alert.seizure_ids, alert.sample_ids) == (["KZ-Z3", "KZ-Z2"], ["KZ-S3", "KZ-S2"])

    story = Story().baseline(0)
    for n in range(50):
        story.found(10 + n / 10)
    story.found(16, region="Aqtobe")  # the 51st occurrence, in a new region: an update
    last = bodies(run(story, max_ids=500).emitted)[-1]
    assert last.occurrence_count == 51
    assert len(last.seizure_ids) == len(last.sample_ids) == 50  # never past the contract's 50


def test_seizures_of_a_mixture_count_as_sightings_of_the_analogue_in_it():
    cut = f"{ALPHA_PHP}.{CAFFEINE}"  # alpha-PHP and caffeine drawn as one structure
    story = Story().baseline(0).found(10, cut).found(20, cut).found(30, cut)
    assert alerts(story) == [RAISED]
