"""The hostile corpus, checked without a broker: each message meets the fate it promises.

Each message goes through what a service does with it, in corpus order (``decode`` with the
topic's types, the key check, the resolver's handler for lab results with the sample's state so
far, and the state table's size bound) and, when it fails, through ``dead_letter_for``: the error
class must be the one the generator expects, the dead letter must build, and nothing but the
``state_limit`` re-analyses may reach the analogue monitor. This is the fast half of
``test_hostile_input.py``: a generator mistake shows here in seconds, not after a pipeline run.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter

import pytest
from faust.utils import json as faust_json
from hostile import ACCEPTED, LIMIT, MIB, Hostile, counts, hostile_corpus

from contracts.codec import decode
from contracts.dead_letter import dead_letter_for
from contracts.errors import ContractError
from contracts.lab import LabResultReported
from contracts.topics import topic_named
from services.chemistry import standardise_components
from services.platform.stream import STATE_MAX_BYTES
from services.substance_resolver import handlers

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DEPS = handlers.ResolverDeps(components=standardise_components)


def fate(h: Hostile, samples: dict) -> tuple[str, int]:
    """The error class of ``h``'s dead letters (or ACCEPTED) and how many it gets; ``samples``
    holds the resolver's state by sample id, as its table would."""
    topic = topic_named(h.topic)
    try:
        event = decode(h.value, accept=topic.types, now=NOW)
        actual = (h.key or b"").decode("utf-8", errors="replace")
        if actual != topic.key_of(event):
            raise ContractError("schema_violation", "key mismatch", field="key")
    except ContractError as error:
        letter(h, error)
        return error.error_class.value, 1
    if not isinstance(event, LabResultReported):
        return ACCEPTED, 0
    key = event.data.sample_id
    outcome = handlers.handle_lab_result(event, samples.get(key), DEPS)
    if len(faust_json.dumps(outcome.state.model_dump(mode="json"))) > STATE_MAX_BYTES:
        letter(h, RuntimeError("state too large"))
        return "internal_error", 1
    samples[key] = outcome.state
    if h.category != "state_limit":
        assert outcome.emits == (), f"{h.category}: a detection would reach the monitor"
    classes = {r.error_class for r in outcome.rejections}
    for rejection in outcome.rejections:
        letter(h, ContractError(rejection.error_class, rejection.reason))
    if not classes:
        return ACCEPTED, 0
    assert len(classes) == 1, classes
    return classes.pop(), len(outcome.rejections)


def letter(h: Hostile, error: BaseException) -> None:
    """The dead letter a service would send: it must build (a failure here stops an agent)."""
    dl = dead_letter_for(
        h.value, source_topic=h.topic, partition=0, offset=0, key=h.key, error=error,
        service="stress", now=NOW,
    )  # fmt: skip
    assert dl.data.reason.strip()


@pytest.fixture(scope="module")
def corpus() -> list[Hostile]:
    return hostile_corpus()


def test_the_corpus_is_deterministic_and_large_enough(corpus: list[Hostile]) -> None:
    assert corpus == hostile_corpus()
    assert sum(h.expect != ACCEPTED for h in corpus) > 10_000
    assert Counter(h.category for h in corpus) == counts(10_000)
    assert len({h.value for h in corpus}) > 0.9 * len(corpus)


def test_sizes_straddle_the_limit_within_the_broker(corpus: list[Hostile]) -> None:
    over = [len(h.value) for h in corpus if h.category == "oversized"]
    under = [len(h.value) for h in corpus if h.category == "just_under" or len(h.value) > MIB / 2]
    assert over and all(LIMIT < size < 1.95 * MIB for size in over)
    assert LIMIT in under and all(size <= LIMIT for size in under if size not in over)


def test_every_message_meets_the_fate_it_promises(corpus: list[Hostile]) -> None:
    wrong = []
    slowest = (0.0, "")
    samples: dict = {}
    for h in corpus:
        started = time.perf_counter()
        got, letters = fate(h, samples)
        seconds = time.perf_counter() - started
        slowest = max(slowest, (seconds, h.category))
        if got != h.expect:
            wrong.append((h.category, h.expect, got, h.value[:200]))
        if h.category == "structure":
            assert letters == len(json.loads(h.value)["data"]["substances"])
    assert not wrong, f"{len(wrong)} messages would not meet their fate, e.g. {wrong[:5]}"
    assert slowest[0] < 5, slowest


def test_the_corpus_examples_run() -> None:
    """Its docstring examples (the corpus lives with the tests, outside the doctest walk)."""
    import doctest

    import hostile

    result = doctest.testmod(hostile, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
