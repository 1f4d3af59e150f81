"""The topic table is the one declared in docs/architecture.md, and it is self-consistent."""

from __future__ import annotations

import pytest

from contracts.events import EVENT_MODELS
from contracts.topics import (
    DAY_MS,
    DEAD_LETTERS,
    DETECTIONS,
    LAB_RESULTS,
    LEASES,
    PROGRESS,
    SCHEDULE_CHANGES,
    SEIZURE_ITEMS,
    SWEEPS,
    TOPICS,
    topic_for_type,
    topic_named,
)

# name, partitions, cleanup policy, retention in days (None: forever)
ARCHITECTURE = [
    ("aw.seizures", 6, "delete", 730),
    ("aw.lab-results", 6, "delete", 730),
    ("aw.legislation", 3, "delete", None),
    ("aw.resolver.seizure-items", 6, "compact", None),
    ("aw.detections", 6, "delete", 730),
    ("aw.schedule.state", 3, "compact", None),
    ("aw.schedule.changes", 6, "delete", 730),
    ("aw.monitor.sweeps", 6, "delete", 1),
    ("aw.stream.leases", 1, "compact", None),
    ("aw.alerts", 6, "delete", 730),
    ("aw.partner-notifications", 6, "delete", 730),
    ("aw.alert-actions", 3, "delete", 730),
    ("aw.dead-letters", 3, "delete", 30),
]


def test_the_table_is_the_architecture_table():
    declared = [
        (
            t.name,
            t.partitions,
            t.cleanup_policy,
            None if t.retention_ms == -1 else t.retention_ms / DAY_MS,
        )
        for t in TOPICS
    ]

    assert declared == ARCHITECTURE


def test_every_event_type_is_carried_by_exactly_one_topic_but_progress():
    carried = [type_ for topic in TOPICS for type_ in topic.value_types if type_ != PROGRESS]

    assert sorted(carried) == sorted(set(EVENT_MODELS) - {PROGRESS})


def test_progress_travels_on_every_internal_topic_an_ordered_stage_reads():
    # The resolver's sample stage reads seized items, the monitor detections and changes: each
    # hears on them how far the stage before it has got (contracts/progress.py); the leases
    # keep, per origin, the word its worker stands by.
    assert {t.name for t in TOPICS if PROGRESS in t.value_types} == {
        SEIZURE_ITEMS.name,
        DETECTIONS.name,
        SCHEDULE_CHANGES.name,
        LEASES.name,
    }
    with pytest.raises(KeyError, match="several topics"):
        topic_for_type(PROGRESS)


def test_joined_topics_are_co_partitioned():
    assert LAB_RESULTS.partitions == SEIZURE_ITEMS.partitions
    assert DETECTIONS.partitions == SCHEDULE_CHANGES.partitions == SWEEPS.partitions


def test_compacted_topics_keep_their_latest_value_forever():
    assert all(t.retention_ms == -1 for t in TOPICS if t.cleanup_policy == "compact")


def test_config_is_ready_for_the_admin_client():
    assert DEAD_LETTERS.config == {"cleanup.policy": "delete", "retention.ms": "2592000000"}


def test_lookups_name_what_exists_when_they_fail():
    assert topic_named("aw.alerts").partitions == 6
    with pytest.raises(KeyError, match="known types: aw.alert-action.v1, aw.alert.corrected.v1"):
        topic_for_type("aw.nope.v1")
    with pytest.raises(KeyError, match="topics: aw.seizures, aw.lab-results"):
        topic_named("aw.nope")


def test_accepted_types_are_the_topics_value_types():
    assert topic_for_type("aw.alert.updated.v1").types == frozenset(
        t for t in EVENT_MODELS if t.startswith("aw.alert.")
    )
