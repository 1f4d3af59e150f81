"""Hostile input through the whole pipeline: 10,000 bad messages mixed into the Kazakhstan year.

Story: the baseline goes in first; then, before each event of the year, a slice of the hostile
corpus (``tests/stress/hostile.py``) is published raw to the agency topics under the keys it
carries, so every kind of bad message arrives between valid ones; each slice must be dead-lettered
within a minute (else a service has stalled), and nothing else is waited for. Once the services
have drained, every bad message must have its dead letters (matched by source topic, partition and
offset) with the expected error class, a reason and the original's SHA-256; no other message may
have one (the year, the odd-but-valid messages, and every internal topic); every service must
still run; and every alert version must be the one the offline replay computes from the clean
year alone, whole.

Figures (counts, timings, the slowest message per handler from the services' processing-time
histograms) go to ``test-artifacts/hostile_input.json``.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from e2e_harness import (
    assert_same_as_replay,
    read_topic,
    schedule_published,
    settled_alerts,
    wait_for,
)
from hostile import ACCEPTED, Hostile, hostile_corpus
from stress_harness import DeadLetterWatch, MeteredPipeline, Origin, raw_producer, slowest

from contracts.codec import encode
from contracts.topics import DEAD_LETTERS, topic_for_type
from services.scenario import build_scenario

pytestmark = pytest.mark.e2e

PACE_S = 0.03
STALL_S = 60
"""Longest wait for one slice's dead letters or a drain: past it, a service has stalled."""
DRAIN_TIMEOUT_S = 150
STREAM_SERVICES = ("schedule_registry", "substance_resolver", "analogue_monitor")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _publish_mixed(pipeline: MeteredPipeline, events, corpus: list[Hostile]):
    """The year with the corpus spread before its events; where each message landed, and the
    seconds each slice took to be dead-lettered.

    Each slice is dead-lettered before the next event of the year is published (a slice that is
    not, within a minute, means a service has stalled). Nothing else waits: the resolver, with
    most of the corpus to refuse, falls behind the registry, and the stages' event-time order
    must still give the replay's alerts (docs/architecture.md, "Event time and order").
    """
    settings = pipeline.settings
    ns = settings.topic_namespace
    producer = raw_producer(settings)
    watch = DeadLetterWatch(settings)

    def send_event(event) -> Origin:
        topic = topic_for_type(event.type)
        sent = producer.send(ns + topic.name, key=topic.key_of(event).encode(), value=encode(event))
        producer.flush()
        return _origin(sent.get(timeout=30))

    try:
        clean = [send_event(events[0])]
        wait_for(lambda: schedule_published(settings), 90, "the baseline schedule", pipeline)
        rest = events[1:]
        per_event = math.ceil(len(corpus) / len(rest))
        hostile, waits = [], []
        for i, event in enumerate(rest):
            chunk = corpus[i * per_event : (i + 1) * per_event]
            sent = [(h, producer.send(ns + h.topic, key=h.key, value=h.value)) for h in chunk]
            producer.flush()
            landed = [(h, _origin(f.get(timeout=30))) for h, f in sent]
            hostile += landed
            bad = {o for h, o in landed if h.expect != ACCEPTED}
            waits.append(watch.wait(bad, timeout_s=STALL_S))
            clean.append(send_event(event))
            time.sleep(PACE_S)
        return clean, hostile, waits
    finally:
        watch.close()
        producer.close()


def _origin(metadata) -> Origin:
    return (metadata.topic, metadata.partition, metadata.offset)


def _letters_expected(h: Hostile) -> int:
    """One dead letter per message; a lab result gets one per refused structure."""
    if h.category == "structure":
        return len(json.loads(h.value)["data"]["substances"])
    return 1


def _check_letters(letters, bad: dict[Origin, Hostile], good: set[Origin]) -> Counter:
    by_origin: dict[Origin, dict] = defaultdict(dict)
    for dl in letters:
        d = dl.data
        # Keyed by id and reason: a redelivered message's dead letter has the same id.
        by_origin[(d.source_topic, d.source_partition, d.source_offset)][(dl.id, d.reason)] = dl
    stray = [
        (o, dl.data.error_class.value, dl.data.reason[:200])
        for o, found in by_origin.items()
        if o not in bad
        for dl in found.values()
    ]
    assert not stray, f"{len(stray)} dead letters for messages that were fine, e.g. {stray[:5]}"
    assert not good & set(by_origin)
    missing = [(h.category, h.expect, h.value[:120]) for o, h in bad.items() if o not in by_origin]
    assert not missing, f"{len(missing)} bad messages never dead-lettered, e.g. {missing[:5]}"
    wrong = []
    for o, h in bad.items():
        found = list(by_origin[o].values())
        sha = hashlib.sha256(h.value).hexdigest()
        if len(found) != _letters_expected(h) or any(
            dl.data.error_class.value != h.expect
            or not dl.data.reason.strip()
            or dl.data.original_sha256 != sha
            for dl in found
        ):
            wrong.append((h.category, h.expect, [dl.data.error_class.value for dl in found]))
    assert not wrong, f"{len(wrong)} bad messages dead-lettered wrongly, e.g. {wrong[:5]}"
    return Counter(dl.data.service for found in by_origin.values() for dl in found.values())


def test_hostile_input_is_dead_lettered_and_the_alerts_stand(pipeline: MeteredPipeline) -> None:
    settings = pipeline.settings
    events = build_scenario()
    corpus = hostile_corpus()
    started = time.monotonic()

    clean, hostile, waits = _publish_mixed(pipeline, events, corpus)
    published = time.monotonic()
    alerts = settled_alerts(settings, pipeline, quiet_s=12, timeout_s=DRAIN_TIMEOUT_S)
    settled = time.monotonic()
    letters = read_topic(settings, DEAD_LETTERS)

    assert all(pipeline.alive().values()), pipeline.logs()
    bad = {o: h for h, o in hostile if h.expect != ACCEPTED}
    good = set(clean) | {o for h, o in hostile if h.expect == ACCEPTED}
    assert len(bad) >= 10_000 and len(bad) + len(good) == len(corpus) + len(events)
    by_service = _check_letters(letters, bad, good)

    assert_same_as_replay(alerts, events, pipeline, "hostile_input")

    figures = {
        "corpus": {
            "bad": len(bad),
            "accepted": len(corpus) - len(bad),
            "bytes": sum(len(h.value) for h in corpus),
            "by_category": dict(sorted(Counter(h.category for h in corpus).items())),
            "by_expected_class": dict(sorted(Counter(h.expect for h in corpus).items())),
        },
        "clean_events": len(events),
        "dead_letters": {
            "total": len(letters),
            "by_class": dict(sorted(Counter(d.data.error_class.value for d in letters).items())),
            "by_service": dict(sorted(by_service.items())),
        },
        "alerts": len(alerts),
        "seconds": {
            "publish": round(published - started, 1),
            "settle_after_publish": round(settled - published, 1),
            "total": round(time.monotonic() - started, 1),
        },
        "slice_dead_lettered_seconds": {
            "slices": len(waits),
            "median": round(statistics.median(waits), 3),
            "max": round(max(waits), 3),
        },
        "slowest_message": {
            name: [vars(s) for s in slowest(pipeline.metrics(name), name)]
            for name in STREAM_SERVICES
        },
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hostile_input.json").write_text(json.dumps(figures, indent=2) + "\n")
