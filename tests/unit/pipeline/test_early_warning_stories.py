"""Stories of early warnings (issue 17): partners' seizures and listings raise an alert here before
the substance is seen here as often as the domestic rule asks.

Kazakhstan takes Uzbekistan's evidence (two occurrences within 90 days warn) and Russia's (three
within 90 days); two partners listing a substance warn whatever its count. Kazakhstan's baseline
lists alpha-PVP, MDPV and mephedrone, so alpha-PHP is an unlisted analogue there; bromazolam is
unrelated to that list. The partners run on the default rule with no partners of their own.
Rows read as in ``test_alert_stories``: ``Alert("raised", "KZ", 1, "open", 0, 30)`` is "alert KZ
raised, version 1, open, 0 occurrences here, judged on day 30".
"""

from __future__ import annotations

from pipeline_story import KZ_BASELINE, Alert, Story, bodies, day, summary

from contracts.alerts import AlertLevel
from services.domain.lifecycle import AlertRule, PartnerRule
from services.tools.pipeline import Replay, ReplayDeps, replay

BROMAZOLAM = "Cc1nnc2n1-c1ccc(Br)cc1C(c1ccccc1)=NC2"
KZ_RULE = AlertRule(
    partners=(("RU", PartnerRule(3, 90)), ("UZ", PartnerRule(2, 90))), min_partners_listing=2
)


def kz_with_partners(jurisdiction: str) -> AlertRule:
    return KZ_RULE if jurisdiction == "KZ" else AlertRule()


def lists(*names: tuple[str, str]) -> Story:
    """Kazakhstan's baseline, and Uzbekistan's and Russia's lists naming ``names``."""
    story = Story().baseline(0)
    for j in ("UZ", "RU"):
        story.baseline(0, j=j, substances=(*KZ_BASELINE, *names))
    return story


def replayed(story: Story, rule=kz_with_partners, until: float | None = None) -> Replay:
    replay = Replay(ReplayDeps(rules=rule))
    for event in story.events:
        replay.feed(event)
    if until is not None:
        replay.sweep(day(until))
    return replay


def kz(replay: Replay) -> list[Alert]:
    return [row for row in summary(replay.emitted) if row.jurisdiction == "KZ"]


def levels(replay: Replay) -> list[AlertLevel]:
    return [b.level for b in bodies(replay.emitted) if b.jurisdiction == "KZ"]


def test_two_seizures_in_a_partner_within_its_window_warn_before_any_here():
    replay = replayed(lists().found(1, j="UZ").found(30, j="UZ"))
    assert kz(replay) == [Alert("raised", "KZ", 1, "open", 0, 30)]
    (body,) = [b for b in bodies(replay.emitted) if b.jurisdiction == "KZ"]
    assert body.level == AlertLevel.EARLY_WARNING
    assert [(s.jurisdiction, s.count, s.threshold) for s in body.seen_abroad] == [
        ("RU", 0, 3),
        ("UZ", 2, 2),
    ]
    assert body.reason.startswith("Early warning: Unlisted analogue of alpha-PVP")
    assert "seen 2 times in UZ in 90 days (partner rule 2)" in body.reason
    assert body.first_seen.date().isoformat() == "2026-01-02"  # first seen in Uzbekistan


def test_partner_sightings_further_apart_than_its_window_do_not_warn():
    assert kz(replayed(lists().found(1, j="UZ").found(100, j="UZ"))) == []


def test_each_partner_is_counted_against_its_own_rule_not_added_up():
    story = lists().found(1, j="UZ").found(10, j="RU").found(20, j="RU")
    assert kz(replayed(story)) == []  # UZ 1 of 2, RU 2 of 3
    assert kz(replayed(story.found(30, j="RU"))) == [Alert("raised", "KZ", 1, "open", 0, 30)]


def test_a_sighting_here_below_the_domestic_rule_counts_with_the_partners():
    replay = replayed(lists().found(1, j="UZ").found(5).found(30, j="UZ"))
    assert kz(replay) == [Alert("raised", "KZ", 1, "open", 1, 30)]


def test_the_domestic_rule_promotes_the_early_warning():
    story = lists().found(1, j="UZ").found(30, j="UZ").found(40).found(50).found(60)
    replay = replayed(story)
    assert kz(replay) == [
        Alert("raised", "KZ", 1, "open", 0, 30),
        Alert("updated", "KZ", 2, "open", 1, 40),  # a new region and channel here
        Alert("updated", "KZ", 3, "open", 3, 60),  # promoted
    ]
    assert levels(replay) == [AlertLevel.EARLY_WARNING] * 2 + [AlertLevel.DOMESTIC]
    promoted = bodies(replay.emitted)[-1]
    assert promoted.reason.startswith("Escalation: promoted to a domestic alert: 3 occurrences")


def test_listed_by_two_partners_warns_even_unrelated_here_and_seen_once():
    story = lists(("bromazolam", BROMAZOLAM)).found(20, smiles=BROMAZOLAM)
    replay = replayed(story)
    assert kz(replay) == [Alert("raised", "KZ", 1, "open", 1, 20)]
    (body,) = [b for b in bodies(replay.emitted) if b.jurisdiction == "KZ"]
    assert body.reason.startswith("Early warning: Unlisted here and unrelated to the list")
    assert body.reason.endswith("listed in RU, UZ.")


def test_one_partner_listing_is_not_enough_when_two_are_asked():
    story = Story().baseline(0).baseline(0, j="RU", substances=(("bromazolam", BROMAZOLAM),))
    assert kz(replayed(story.found(20, smiles=BROMAZOLAM))) == []


def test_a_pending_amendment_here_suppresses_it_and_its_enactment_resolves_it():
    # Enacted on day 70, in force from that day: resolved when the enactment is read.
    story = lists().found(1, j="UZ").found(30, j="UZ").propose("KZ-A1", 40).enact("KZ-A1", 70)
    assert kz(replayed(story)) == [
        Alert("raised", "KZ", 1, "open", 0, 30),
        Alert("suppressed", "KZ", 2, "suppressed", 0, 40),
        Alert("resolved", "KZ", 3, "resolved", 0, 70),
    ]


def test_covered_by_a_pending_amendment_here_nothing_is_raised():
    story = lists().propose("KZ-A1", 0.5).found(1, j="UZ").found(30, j="UZ")
    assert kz(replayed(story)) == []


def test_without_partners_the_same_story_raises_nothing_here():
    story = lists().found(1, j="UZ").found(30, j="UZ")
    assert kz(replayed(story, rule=lambda j: AlertRule())) == []


def test_the_partner_rule_is_judged_in_event_time_whatever_the_arrival():
    """The Uzbek seizure of day 30 published before the one of day 1: the replay (and the
    services, which take every stage in its order) give the same alert."""
    story = lists()
    story.found(30, j="UZ")
    story.found(1, j="UZ")
    shuffled = [e for e in replay(story.events, ReplayDeps(rules=kz_with_partners))]
    assert [r for r in summary(shuffled) if r.jurisdiction == "KZ"] == kz(
        replayed(lists().found(1, j="UZ").found(30, j="UZ"))
    )


def test_sightings_in_a_jurisdiction_that_is_not_a_partner_warn_nothing():
    story = lists().found(1, j="KG").found(30, j="KG").found(40, j="KG")
    assert kz(replayed(story)) == []
