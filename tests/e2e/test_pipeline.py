"""The whole pipeline on the real broker: the services as processes, the Kazakhstan year played
through them, the alerts on the alert topic compared with the offline replay of the same events.

Story: the baseline list goes in first; then every event of the year, in publication order and
lightly paced, as agencies would send them. What the services publish on ``aw.alerts`` must carry
exactly the lifecycle the offline replay (``services.domain.replay``) computes from the same
events: the same alerts, each with the same sequence of transitions (raised, suppressed,
reopened, resolved) and statuses, versions numbered 1..n without a gap or a conflicting body.

Escalation updates are compared by presence, not one by one: an update is judged at the event
time the monitor has reached, and the services reach it by periodic sweeps where the replay
sweeps at every midnight, so an occurrence count in a window can differ by a sighting at the
window's edge (see docs/scenario.md, "What the end-to-end test compares").
"""

from __future__ import annotations

import signal
from collections import Counter
from pathlib import Path

from e2e_harness import (
    Pipeline,
    lifecycle,
    publish,
    schedule_published,
    settled_alerts,
    wait_for,
)

from contracts.topics import ALERTS
from services.domain.replay import replay
from services.scenario import build_scenario

PACE_S = 0.03
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _versions_are_contiguous(alerts) -> None:
    versions: dict[str, set[int]] = {}
    for a in alerts:
        versions.setdefault(a.data.alert_id, set()).add(a.data.version)
    for alert_id, seen in versions.items():
        assert seen == set(range(1, max(seen) + 1)), f"{alert_id}: versions {sorted(seen)}"


def _same_as_replay(alerts, events, pipeline: Pipeline, name: str) -> None:
    """Compare, keeping both sides in test-artifacts/ for a person to diff when they differ."""
    expected = [e.event for e in replay(events) if e.topic is ALERTS]
    got, want = lifecycle(alerts), lifecycle(expected)
    ARTIFACTS.mkdir(exist_ok=True)
    for side, rows in (("services", alerts), ("replay", expected)):
        (ARTIFACTS / f"{name}.{side}.txt").write_text(
            "".join(
                f"{a.data.alert_id} v{a.data.version} {a.type.split('.')[2]} "
                f"{a.data.status.value} count={a.data.occurrence_count}\n"
                for a in sorted(rows, key=lambda a: (a.data.alert_id, a.data.version))
            )
        )
    assert got == want, f"see test-artifacts/{name}.*.txt\n{pipeline.logs()}"
    updated = {a.data.alert_id for a in alerts if a.type.endswith("updated.v1")}
    assert updated == {a.data.alert_id for a in expected if a.type.endswith("updated.v1")}


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
    _same_as_replay(alerts, events, pipeline, "e2e_year")
    transitions = Counter(a.type.split(".")[2] for a in alerts)
    assert {"raised", "suppressed", "reopened", "resolved", "updated"} <= set(transitions)


def test_a_monitor_killed_mid_year_restarts_to_the_same_alerts(pipeline: Pipeline) -> None:
    events = build_scenario()

    def crash_and_restart() -> None:
        pipeline.stop("analogue_monitor", sig=signal.SIGKILL)
        pipeline.start("analogue_monitor")

    _play(pipeline, events, halfway=crash_and_restart)
    alerts = settled_alerts(pipeline.settings, pipeline, quiet_s=15, timeout_s=300)

    _no_conflicting_versions(alerts)
    _versions_are_contiguous(alerts)
    _same_as_replay(alerts, events, pipeline, "e2e_restart")
