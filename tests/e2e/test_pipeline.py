"""The whole pipeline on the real broker: the services as processes, the Kazakhstan year played
through them, the alerts on the alert topic compared with the offline replay of the same events.

Story: the baseline list goes in first; then every event of the year, in publication order and
lightly paced, as agencies would send them. What the services publish on ``aw.alerts`` must be
exactly what the offline replay (``services.tools.pipeline``) computes from the same events: every
alert version, with its type, event time and whole body (counts, regions, time to control),
versions numbered 1..n without a gap or a conflicting body. The services take their inputs in
event-time order (docs/architecture.md), so updates are compared one by one too. Workers killed
in the middle of the year: tests/e2e/test_arrival_order.py (the resolver and the monitor, SIGKILL,
during a burst, with the same comparison).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from e2e_harness import (
    Pipeline,
    assert_same_as_replay,
    publish,
    schedule_published,
    settled_alerts,
    wait_for,
)

from services.scenario import build_scenario, kz_year

PACE_S = 0.03


def _versions_are_contiguous(alerts) -> None:
    versions: dict[str, set[int]] = {}
    for a in alerts:
        versions.setdefault(a.data.alert_id, set()).add(a.data.version)
    for alert_id, seen in versions.items():
        assert seen == set(range(1, max(seen) + 1)), f"{alert_id}: versions {sorted(seen)}"


def _no_conflicting_versions(alerts) -> None:
    seen: dict[tuple[str, int], str] = {}
    for a in alerts:
        body = a.data.model_dump_json()
        assert seen.setdefault((a.data.alert_id, a.data.version), body) == body, (
            f"two different bodies for {a.data.alert_id} v{a.data.version}"
        )


def _play(pipeline: Pipeline, events, *, halfway=None) -> None:
    settings = pipeline.settings
    baseline, rest = events[0], events[1:]
    publish(settings, [baseline])
    wait_for(lambda: schedule_published(settings), 90, "the baseline schedule", pipeline)
    middle = len(rest) // 2
    publish(settings, rest[:middle], pace_s=PACE_S)
    if halfway:
        halfway()
    publish(settings, rest[middle:], pace_s=PACE_S)


def test_the_year_raises_the_alerts_the_replay_computes(pipeline: Pipeline) -> None:
    events = build_scenario()
    assert events[0].type == "aw.legislation.baseline-listed.v1"

    _play(pipeline, events)
    alerts = settled_alerts(pipeline.settings, pipeline, quiet_s=12, timeout_s=240)

    _no_conflicting_versions(alerts)
    _versions_are_contiguous(alerts)
    assert_same_as_replay(alerts, events, pipeline, "e2e_year")
    transitions = Counter(a.type.split(".")[2] for a in alerts)
    assert {"raised", "suppressed", "reopened", "resolved", "updated"} <= set(transitions)
    # Issue 17: alpha-PiHP, listed in Russia and seized twice in Uzbekistan, is raised in
    # Kazakhstan as an early warning on 24 April and promoted on 9 July, by the services.
    pihp = [a for a in alerts if a.data.alert_id == f"KZ-{kz_year.ALPHA_PIHP.inchikey}"]
    first = min(pihp, key=lambda a: a.data.version)
    assert (first.type, first.data.level, first.time.date()) == (
        "aw.alert.raised.v1",
        "early-warning",
        dt.date(2025, 4, 24),
    )
    promoted = {a.time.date() for a in pihp if a.data.promoted}  # a resent version is the same
    assert promoted == {dt.date(2025, 7, 9)}
