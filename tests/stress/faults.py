"""Fault injection: the Kazakhstan year through the services while workers are killed, a broker
restarts or a cluster loses a node; each run compared with a fault-free golden run.

A :class:`Fault` fires at a named point that can be observed from outside the services: a record
appearing on one of the pipeline's topics (the monitor killed right after an alert, the resolver
after its N-th detection, the registry right after a schedule snapshot), a phase in a worker's
log (its changelog restore), or a consumer group's state (a second worker joining). The year is
published at the e2e pace; by default publication waits after each fault until the pipeline has
recovered, so the fault hits the work in flight; ``play(pause=False)`` publishes on meanwhile.

:func:`compare` holds a run against the golden run: every alert of the golden run and no other,
each with the same lifecycle, updates and final status; versions 1..n; no version with two
different bodies (exact copies are at-least-once redelivery, counted); and the same final state of
every service's table, read from its changelog. How many versions are byte-for-byte the golden
run's (alert events are deterministic: id ``<alert id>/v<n>``, ``time`` and ``published`` the
alert's event time) is measured and reported, not asserted: see :class:`Comparison` for why.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / d) for d in ("e2e", "")]

from e2e_harness import (  # noqa: E402
    PIPELINE,
    Pipeline,
    lifecycle,
    read_records,
    read_topic,
    schedule_published,
    settled_alerts,
    wait_for,
)
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from ports import free_ports  # noqa: E402

from contracts.codec import encode  # noqa: E402
from contracts.envelope import Envelope  # noqa: E402
from contracts.topics import (  # noqa: E402
    ALERTS,
    DETECTIONS,
    SCHEDULE_CHANGES,
    SCHEDULE_STATE,
    SEIZURE_ITEMS,
    SWEEPS,
    Topic,
    topic_for_type,
)
from services.platform.settings import ServiceSettings  # noqa: E402
from services.platform.topics import topic_name  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
KAFKA_SH = REPO / "deploy" / "kafka" / "kafka.sh"
PACE_S = 0.03
"""Between two events of the year, as in tests/e2e/test_pipeline.py."""
SESSION_TIMEOUT_S = 10
"""The workers' consumer session timeout in these runs (60 s by default): a killed member's
partitions move after this long, so each kill costs seconds, not a minute."""
STALL_AFTER_S = 20
"""A partition unread this long with messages waiting stops its worker, which the harness starts
again (services/platform/watchdog.py; 60 s by default): a stall costs seconds, not a minute."""
SERVICE_ENV: dict[str, dict[str, str]] = {}
"""Extra environment per service in fault runs (none: the services take their inputs in event-time
order, so no timer decides what is judged when)."""
BOOKKEEPING = ("recent_ids", "outbox")
TABLES = {
    "schedule_registry": "schedules",
    "substance_resolver": "samples",
    "analogue_monitor": "substances",
}
"""Each service's state table (see its app.py)."""


def group_id(settings: ServiceSettings, service: str) -> str:
    """The service's faust app id, which is its consumer group (services/platform/stream.py)."""
    return f"{settings.topic_namespace}analogue-watch.{service}"


def changelog(settings: ServiceSettings, service: str) -> str:
    return f"{group_id(settings, service)}-{TABLES[service]}-changelog"


# -- the pipeline ---------------------------------------------------------------------------


@dataclass
class FaultPipeline(Pipeline):
    """A :class:`Pipeline` that can run a second worker of a service (``"<service>+2"``, with a
    state folder of its own), with a short session timeout, INFO logs (the restore phase is
    observed in them) and the settings' replication factor for the services' changelogs."""

    def env(self, name: str) -> dict[str, str]:
        service, _, worker = name.partition("+")
        env = {
            **super().env(service),
            "AW_BROKER_SESSION_TIMEOUT_S": str(SESSION_TIMEOUT_S),
            "AW_STALL_AFTER_S": str(STALL_AFTER_S),
            "AW_LOG_LEVEL": "INFO",
            "AW_REPLICATION_FACTOR": str(self.settings.replication_factor),
            **self.service_env.get(service, {}),
        }
        if worker:
            env["AW_DATA_DIR"] = str(self.state_dir(name))
        return env

    def state_dir(self, name: str) -> Path:
        return self.workdir / "state" / name

    def log_path(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def start(self, name: str) -> None:
        log = open(self.log_path(name), "ab")  # noqa: SIM115 - the process owns it
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "serve", name.partition("+")[0]],
            env=self.env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.workdir,
        )

    def kill(self, name: str) -> None:
        self.stop(name, sig=signal.SIGKILL)

    def logs(self) -> str:
        # INFO logs are long: the end of each, and every error line.
        out = []
        for path in sorted(self.workdir.glob("*.log")):
            text = path.read_text(errors="replace")
            errors = [line for line in text.splitlines() if '"ERROR"' in line][-5:]
            out.append(f"== {path.name}\n" + "\n".join(errors) + "\n..." + text[-1500:])
        return "\n".join(out)


# -- observing the pipeline -----------------------------------------------------------------


class TopicWatch:
    """Follows the pipeline's topics in a thread: how many records each has had so far, and the
    alert kinds, so that a fault fires right after the record it waits for."""

    TOPICS = (ALERTS, DETECTIONS, SCHEDULE_STATE, SCHEDULE_CHANGES, SEIZURE_ITEMS, SWEEPS)

    def __init__(self, settings: ServiceSettings) -> None:
        self.counts: Counter[str] = Counter()
        self.alert_kinds: Counter[str] = Counter()
        self._names = {topic_name(t, settings.topic_namespace): t.name for t in self.TOPICS}
        self._stop = threading.Event()
        self._consumer = KafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            enable_auto_commit=False,
            fetch_max_wait_ms=10,
        )
        partitions = [
            TopicPartition(topic_name(t, settings.topic_namespace), p)
            for t in self.TOPICS
            for p in range(t.partitions)
        ]
        self._consumer.assign(partitions)
        self._consumer.seek_to_beginning(*partitions)
        self._thread = threading.Thread(target=self._follow, daemon=True)
        self._thread.start()

    def _follow(self) -> None:
        while not self._stop.is_set():
            try:
                polled = self._consumer.poll(timeout_ms=50)
            except Exception:  # noqa: BLE001 - a broker restarting: poll again
                time.sleep(0.5)
                continue
            for tp, records in polled.items():
                name = self._names[tp.topic]
                for record in records:
                    if (record.key or b"").startswith(b"progress:"):
                        continue  # how far a stage has got, not an event (contracts/progress.py)
                    self.counts[name] += 1
                    if name == ALERTS.name:
                        try:
                            kind = json.loads(record.value)["type"].split(".")[2]
                        except (ValueError, KeyError, IndexError, TypeError):
                            kind = "unreadable"
                        self.alert_kinds[kind] += 1

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._consumer.close()


def group_state(settings: ServiceSettings, group: str) -> tuple[str, set[str]]:
    """The consumer group's state (``Stable``, ``PreparingRebalance``, ...) and member ids."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        found = admin.describe_groups([group])[group]
    finally:
        admin.close()
    members = {str(m.get("member_id")) for m in found.get("members") or ()}
    return str(found.get("group_state", "")), members


def group_members(settings: ServiceSettings, group: str) -> set[str]:
    return group_state(settings, group)[1]


def committed_behind(settings: ServiceSettings, group: str, ends: dict | None = None) -> dict:
    """Per partition the group has committed: the end offset given (default: now) when the group
    has not committed up to it yet; empty when it has."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        committed = admin.list_group_offsets({group: None})[group] or {}
        if ends is None:
            ends = consumer.end_offsets(list(committed))
        return {tp: end for tp, end in ends.items() if committed.get(tp, _NO).offset < end}
    finally:
        consumer.close()
        admin.close()


class _Never:
    offset = -1


_NO = _Never()


# -- faults ----------------------------------------------------------------------------------


@dataclass
class Fired:
    """What one fault did, and how long the pipeline took to get over it."""

    fault: str
    service: str
    published: int
    """Events of the year published when it fired."""
    at_s: float
    """Seconds into the run."""
    detail: str = ""
    kills: int = 0
    recovered_s: float | None = None
    """From the fault until the service's group was stable with every live worker and had
    committed what was on its input topics at the fault (None: not seen within the run)."""


Trigger = Callable[["Run"], bool]
Action = Callable[["Run", "Fault"], Fired]


@dataclass(frozen=True)
class Fault:
    name: str
    service: str
    what: str
    """The point, in words."""
    trigger: Trigger
    action: Action
    xfail: str = ""
    """Why this fault is expected to change the alerts (a known defect), if it is."""


def after(topic: Topic, n: int) -> Trigger:
    return lambda run: run.watch.counts[topic.name] >= n


def after_alert(kind: str, n: int = 1) -> Trigger:
    return lambda run: run.watch.alert_kinds[kind] >= n


def after_published(n: int) -> Trigger:
    return lambda run: run.published >= n


def kill_restart(run: Run, fault: Fault) -> Fired:
    """SIGKILL, and start it again at once (same state folder)."""
    fired = run.fired(fault)
    run.pipeline.kill(fault.service)
    run.pipeline.start(fault.service)
    fired.kills = 1
    return fired


def kill_fresh_disk(run: Run, fault: Fault) -> Fired:
    """SIGKILL, its state folder deleted, started again: the whole table comes back from the
    changelog, as on a new machine."""
    fired = run.fired(fault)
    run.pipeline.kill(fault.service)
    shutil.rmtree(run.pipeline.state_dir(fault.service), ignore_errors=True)
    run.pipeline.start(fault.service)
    fired.kills = 1
    return fired


RESTORING = b"Restoring state from changelog topics"


def kill_during_restore(run: Run, fault: Fault) -> Fired:
    """SIGKILL; its state folder deleted and started again, so it must restore its whole table
    from the changelog; SIGKILL again as soon as its log shows the restore has begun; started
    again on what it had restored so far."""
    fired = run.fired(fault)
    pipeline, name = run.pipeline, fault.service
    pipeline.kill(name)
    shutil.rmtree(pipeline.state_dir(name), ignore_errors=True)
    log = pipeline.log_path(name)
    offset = log.stat().st_size
    pipeline.start(name)
    seen = _wait_in_log(log, offset, (RESTORING,), timeout_s=120)
    pipeline.kill(name)
    pipeline.start(name)
    fired.kills = 2
    fired.detail = "second kill during the restore" if seen else "no restore seen: killed at 120 s"
    return fired


def _wait_in_log(log: Path, offset: int, marks: tuple[bytes, ...], timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with log.open("rb") as f:
            f.seek(offset)
            text = f.read()
        for mark in marks:
            if mark in text:
                return mark
        time.sleep(0.01)
    return None


def _joining(run: Run, service: str, second: str) -> str:
    """Start a second worker and wait until the group is rebalancing for it; the state seen."""
    run.pipeline.start(second)
    group = group_id(run.settings, service)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state, _ = group_state(run.settings, group)
        if state in ("PreparingRebalance", "CompletingRebalance"):
            return state
        time.sleep(0.02)
    return "no rebalance seen"


def kill_while_another_joins(run: Run, fault: Fault) -> Fired:
    """A second worker of the service joins; while the group rebalances, SIGKILL the first and
    start it again. Both run to the end."""
    fired = run.fired(fault)
    seen = _joining(run, fault.service, f"{fault.service}+2")
    run.pipeline.kill(fault.service)
    run.pipeline.start(fault.service)
    fired.kills = 1
    fired.detail = f"group {seen} at the kill"
    return fired


def kill_the_joiner(run: Run, fault: Fault) -> Fired:
    """A second worker joins; while the group rebalances for it, SIGKILL it (not restarted)."""
    fired = run.fired(fault, restarts=False)
    second = f"{fault.service}+2"
    seen = _joining(run, fault.service, second)
    run.pipeline.kill(second)
    fired.kills = 1
    fired.detail = f"group {seen} at the kill"
    return fired


# -- a run -----------------------------------------------------------------------------------


@dataclass
class _Probe:
    """Has one group got over a fault: stable, one member per live worker (a restarted worker
    among them, when the fault killed one), and committed what its inputs held at the fault?"""

    fired: Fired
    service: str
    group: str
    behind: dict
    members_before: set[str] | None
    """Member ids at the fault, when it killed a worker (None: no worker was killed)."""

    def recovered(self, run: Run) -> bool:
        live = sum(
            1
            for name, alive in run.pipeline.alive().items()
            if alive and name.partition("+")[0] == self.service
        )
        try:
            state, members = group_state(run.settings, self.group)
            if state != "Stable" or len(members) != live:
                return False
            if self.members_before is not None and not members - self.members_before:
                return False  # the killed member is still counted: not rejoined yet
            return not committed_behind(run.settings, self.group, self.behind)
        except Exception:  # noqa: BLE001 - a broker away: ask again later
            return False


@dataclass
class Run:
    """One play of the year with its faults."""

    pipeline: FaultPipeline
    watch: TopicWatch
    started: float = field(default_factory=time.monotonic)
    published: int = 0
    fired_faults: list[Fired] = field(default_factory=list)
    _probes: list[tuple[Fired, str, dict]] = field(default_factory=list)

    @property
    def settings(self) -> ServiceSettings:
        return self.pipeline.settings

    def fired(self, fault: Fault, *, restarts: bool = True) -> Fired:
        """Record a fault as it fires, before it acts: what each affected group was behind, and
        its members when the fault kills a worker and ``restarts`` it."""
        fired = Fired(
            fault.name, fault.service, self.published, round(time.monotonic() - self.started, 1)
        )
        worker = fault.service in PIPELINE
        for service in [fault.service] if worker else PIPELINE:
            group = group_id(self.settings, service)
            members = group_members(self.settings, group) if worker and restarts else None
            behind = committed_behind(self.settings, group)
            self._probes.append(_Probe(fired, service, group, behind, members))
        self.fired_faults.append(fired)
        return fired

    def check_recovery(self) -> None:
        """Note the time when a faulted service has recovered (see :attr:`Fired.recovered_s`)."""
        for probe in list(self._probes):
            if probe.recovered(self):
                self._probes.remove(probe)
                if not any(p.fired is probe.fired for p in self._probes):
                    probe.fired.recovered_s = round(
                        time.monotonic() - self.started - probe.fired.at_s, 1
                    )

    @property
    def recovering(self) -> bool:
        return bool(self._probes)


def play(
    pipeline: FaultPipeline,
    events: list[Envelope],
    faults: list[Fault],
    *,
    pace_s: float = PACE_S,
    pause: bool = True,
    fault_timeout_s: float = 240,
) -> Run:
    """Publish the baseline, wait for its snapshot, then the rest of the year in publication
    order, firing each fault once its trigger holds (checked every few milliseconds), one at a
    time; then wait until every fault has fired and every faulted service has recovered.

    With ``pause``, publication waits after each fault until the pipeline has recovered: what
    the fault hits is the work in flight (read and not committed, sent and not committed), and
    the services then read their inputs in the order of the golden run. Without it, agencies go
    on publishing while a worker is away, and a lagging path changes the order the monitor reads
    its inputs in (see docs/stress.md)."""
    settings = pipeline.settings
    watch = TopicWatch(settings)
    run = Run(pipeline, watch)
    producer = KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        retries=2**31 - 1,
        delivery_timeout_ms=600_000,
    )
    pending = list(faults)

    def fire_due() -> None:
        for fault in list(pending):
            if run.recovering:
                return  # one fault at a time
            if fault.trigger(run):
                pending.remove(fault)
                fault.action(run, fault)
                if pause:
                    what = f"recovery from {fault.name}"
                    wait_for(lambda: _recovered(run), fault_timeout_s, what, pipeline)

    def send(event: Envelope) -> None:
        topic = topic_for_type(event.type)
        producer.send(
            topic_name(topic, settings.topic_namespace),
            key=topic.key_of(event).encode(),
            value=encode(event),
        )
        producer.flush()

    try:
        send(events[0])
        wait_for(lambda: schedule_published(settings), 120, "the baseline schedule", pipeline)
        checked = time.monotonic()
        for event in events[1:]:
            send(event)
            run.published += 1
            until = time.monotonic() + pace_s
            while True:
                fire_due()
                if time.monotonic() >= until:
                    break
                time.sleep(0.005)
            if time.monotonic() - checked > 1:
                pipeline.alive()  # a worker its watchdog stopped is started again, as supervised
                run.check_recovery()
                checked = time.monotonic()
        deadline = time.monotonic() + fault_timeout_s
        while pending or run.recovering:
            fire_due()
            pipeline.alive()
            run.check_recovery()
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if pending:
            names = [f.name for f in pending]
            seen = f"watch {'alive' if watch.alive else 'dead'}, counts {dict(watch.counts)}"
            raise AssertionError(f"faults never triggered: {names} ({seen})\n{pipeline.logs()}")
    finally:
        producer.close()
        watch.close()
    return run


def _recovered(run: Run) -> bool:
    run.check_recovery()
    return not run.recovering


# -- results and the comparison -------------------------------------------------------------


@dataclass
class Result:
    alerts: list[Envelope]
    tables: dict[str, dict[str, Any]]
    """Per service, its table's final value by key (bookkeeping removed)."""
    schedules: dict[str, Any]
    """The last schedule snapshot per jurisdiction (its data)."""


def read_tables(settings: ServiceSettings) -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = {}
    for service in TABLES:
        final: dict[str, Any] = {}
        for key, value in _read_raw(settings, changelog(settings, service)):
            name = json.loads(key)
            if value is None:
                final.pop(name, None)
            else:
                state = json.loads(value)
                for bookkeeping in BOOKKEEPING:
                    state.pop(bookkeeping, None)
                final[name] = state
        tables[service] = final
    return tables


def _read_raw(settings: ServiceSettings, name: str) -> list[tuple[bytes, bytes | None]]:
    records = read_records(settings, name)
    # Offsets order one key's records (a key lives in one partition).
    records.sort(key=lambda r: (r.partition, r.offset))
    return [(r.key, r.value) for r in records]


def result(settings: ServiceSettings, pipeline: Pipeline, *, quiet_s: float = 15) -> Result:
    alerts = settled_alerts(settings, pipeline, quiet_s=quiet_s, timeout_s=600)
    schedules = {s.jurisdiction: s.data.model_dump(mode="json") for s in _snapshots(settings)}
    return Result(alerts, read_tables(settings), schedules)


def _snapshots(settings: ServiceSettings) -> list[Any]:
    return read_topic(settings, SCHEDULE_STATE)  # in time order: the last per key wins


@dataclass
class Comparison:
    """A run's alerts and final state against the golden run's.

    The contract, asserted: every alert of the golden run and no other, each with the golden
    run's lifecycle (its transitions other than updates, with their statuses, in version order)
    and its updates; versions 1..n; no version with two different bodies; the same final state.
    Exact copies of a version are at-least-once redelivery (same event id: consumers drop them)
    and are counted, not refused.

    Measured, not asserted: how many versions are byte-for-byte the golden run's. The monitor
    judges a sighting at the latest event time it has reached, so what an alert version says
    depends on the order its inputs arrive in, across topics and partitions; two runs without any
    fault already differ when a lab result overtakes its seizure (see docs/stress.md, "Faults").
    """

    alerts: int = 0
    versions: int = 0
    """(alert id, version) pairs in the golden run."""
    records: int = 0
    redelivered: int = 0
    """Exact copies of a version already on the topic."""
    identical: int = 0
    """Golden versions found in this run with exactly the golden body (envelope included)."""
    lost: list[str] = field(default_factory=list)
    """Alerts of the golden run missing here, or whose lifecycle or final status differs."""
    extra: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    """A version with two different bodies in this run."""
    gaps: list[str] = field(default_factory=list)
    state_diffs: list[str] = field(default_factory=list)
    body_diffs: list[str] = field(default_factory=list)
    """Versions whose body differs from the golden run's, or that only one run has."""

    @property
    def same(self) -> bool:
        """The golden run's alerts exactly: every version with the same body (issue 11)."""
        return not (
            self.lost
            or self.extra
            or self.conflicts
            or self.gaps
            or self.state_diffs
            or self.body_diffs
        )

    def summary(self) -> dict[str, Any]:
        return {
            "alerts": self.alerts,
            "versions": self.versions,
            "records": self.records,
            "redelivered": self.redelivered,
            "identical_versions": self.identical,
            "lost": len(self.lost),
            "extra": len(self.extra),
            "conflicts": len(self.conflicts),
            "gaps": len(self.gaps),
            "state_diffs": len(self.state_diffs),
            "body_diffs": len(self.body_diffs),
        }

    def explain(self) -> str:
        names = ["lost", "extra", "conflicts", "gaps", "state_diffs", "body_diffs"]
        parts = []
        for name in names:
            found = getattr(self, name)
            if found:
                parts.append(f"{name} ({len(found)}): " + "; ".join(found[:6]))
        return "\n".join(parts)


def _by_version(alerts: list[Envelope]) -> tuple[dict[tuple[str, int], set[str]], int]:
    bodies: dict[tuple[str, int], set[str]] = {}
    copies = 0
    for a in alerts:
        found = bodies.setdefault((a.data.alert_id, a.data.version), set())
        body = a.model_dump_json()
        copies += body in found
        found.add(body)
    return bodies, copies


def _final_status(alerts: list[Envelope]) -> dict[str, str]:
    latest = {a.data.alert_id: a for a in sorted(alerts, key=lambda a: a.data.version)}
    return {alert_id: a.data.status.value for alert_id, a in latest.items()}


def _with_updates(alerts: list[Envelope]) -> set[str]:
    return {a.data.alert_id for a in alerts if a.type.endswith("updated.v1")}


def compare(golden: Result, run: Result) -> Comparison:
    want, _ = _by_version(golden.alerts)
    got, copies = _by_version(run.alerts)
    assert all(len(b) == 1 for b in want.values()), "the golden run has conflicting versions"
    c = Comparison(
        alerts=len({k[0] for k in want}),
        versions=len(want),
        records=len(run.alerts),
        redelivered=copies,
    )
    wanted, found = lifecycle(golden.alerts), lifecycle(run.alerts)
    status, final = _final_status(golden.alerts), _final_status(run.alerts)
    updates, updated = _with_updates(golden.alerts), _with_updates(run.alerts)
    for alert_id in sorted(status):
        if alert_id not in final:
            c.lost.append(f"{alert_id}: not on the topic")
        elif wanted.get(alert_id) != found.get(alert_id):
            c.lost.append(f"{alert_id}: lifecycle {found.get(alert_id)} != {wanted.get(alert_id)}")
        elif status[alert_id] != final[alert_id]:
            c.lost.append(f"{alert_id}: final status {final[alert_id]} != {status[alert_id]}")
        elif (alert_id in updates) != (alert_id in updated):
            c.lost.append(f"{alert_id}: updates {alert_id in updated} != {alert_id in updates}")
    c.extra = [f"{alert_id}: not in the golden run" for alert_id in sorted(final.keys() - status)]
    name = "{0[0]} v{0[1]}".format
    c.conflicts = [name(k) for k in sorted(got) if len(got[k]) > 1]
    for alert_id in {k[0] for k in got}:
        versions = sorted(v for a, v in got if a == alert_id)
        if versions != list(range(1, len(versions) + 1)):
            c.gaps.append(f"{alert_id}: {versions}")
    c.identical = sum(1 for k in want if got.get(k) == want[k])
    c.body_diffs = [
        f"{name(k)}: {_diff(next(iter(want[k])), next(iter(got[k])))}"
        for k in sorted(want.keys() & got.keys())
        if got[k] != want[k] and len(got[k]) == 1
    ]
    c.body_diffs += [f"{name(k)}: only in the golden run" for k in sorted(want.keys() - got.keys())]
    c.body_diffs += [f"{name(k)}: not in the golden run" for k in sorted(got.keys() - want.keys())]
    c.state_diffs = _state_diffs(golden, run)
    return c


def _diff(want: str, got: str) -> str:
    """The top-level fields (and data fields) whose values differ."""
    a, b = json.loads(want), json.loads(got)
    fields = [k for k in a if k != "data" and a.get(k) != b.get(k)]
    fields += [f"data.{k}" for k in a["data"] if a["data"].get(k) != b["data"].get(k)]
    return ", ".join(f"{f}: {_at(a, f)!r:.60} != {_at(b, f)!r:.60}" for f in fields)


def _at(obj: dict, dotted: str) -> Any:
    for part in dotted.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None  # type: ignore[assignment]
    return obj


ARRIVAL_ORDER = ("first_seen", "last_seen", "late")
"""Of a jurisdiction's sightings: ``last_seen`` keeps the lab's time of a sighting counted before
its seizure arrived even once the seizure re-dates it; ``late`` counts sightings that arrived
more than the lateness after a later one (all counted all the same)."""


def final_state(service: str, state: dict[str, Any]) -> Any:
    """What a state must end as whatever order its inputs came in.

    The registry's and the resolver's states are compared whole (their inputs meet one key in
    one partition, in offset order). Of the monitor's, what it knows of the substance and, per
    jurisdiction, the occurrences counted (each with its time, region, channel and samples),
    their total, regions and channels, and the alert's status. Left out, because they follow
    from the order the inputs arrived in (which differs between runs without any fault): when a
    jurisdiction was last judged, the alert's version count, a change deferred until the
    monitor's copy of the schedule catches up, and :data:`ARRIVAL_ORDER`.
    """
    if service != "analogue_monitor":
        return state
    jurisdictions = {}
    for j, local in state["jurisdictions"].items():
        sightings = {k: v for k, v in local["sightings"].items() if k not in ARRIVAL_ORDER}
        sightings["occurrences"] = {o["occurrence_id"]: o for o in sightings["occurrences"]}
        alert = local.get("alert")
        jurisdictions[j] = {"sightings": sightings, "alert": alert and alert["status"]}
    return {
        "forms": state["forms"],
        "reported_names": state["reported_names"],
        "jurisdictions": jurisdictions,
    }


def _state_diffs(golden: Result, run: Result) -> list[str]:
    diffs = []
    for service, table in golden.tables.items():
        other = run.tables.get(service, {})
        for key in sorted(table.keys() | other.keys()):
            a, b = table.get(key), other.get(key)
            a = a if a is None else final_state(service, a)
            b = b if b is None else final_state(service, b)
            if a != b:
                diffs.append(f"{service} {key}: {_first_difference(a, b)}")
    for j in sorted(golden.schedules.keys() | run.schedules.keys()):
        if golden.schedules.get(j) != run.schedules.get(j):
            diffs.append(f"schedule snapshot {j}")
    return diffs


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(a.keys() | b.keys()):
            if a.get(k) != b.get(k):
                return _first_difference(a.get(k), b.get(k), f"{path}.{k}")
    return f"{path or '.'}: {str(a)[:80]} != {str(b)[:80]}"


# -- the points --------------------------------------------------------------------------------

MONITOR, RESOLVER, REGISTRY = "analogue_monitor", "substance_resolver", "schedule_registry"

WORKER_FAULTS: tuple[Fault, ...] = (
    Fault(
        "monitor-after-raise",
        MONITOR,
        "SIGKILL right after the first raised alert is on aw.alerts (its input not committed)",
        after_alert("raised"),
        kill_restart,
    ),
    Fault(
        "resolver-mid-detections",
        RESOLVER,
        "SIGKILL right after the 40th detection is on aw.detections (lab results in flight)",
        after(DETECTIONS, 40),
        kill_restart,
    ),
    Fault(
        "registry-after-snapshot",
        REGISTRY,
        "SIGKILL right after the 3rd schedule snapshot is on aw.schedule.state",
        after(SCHEDULE_STATE, 3),
        kill_restart,
    ),
    Fault(
        "monitor-while-another-joins",
        MONITOR,
        "a second monitor worker joins; SIGKILL the first while the group rebalances",
        after(DETECTIONS, 70),
        kill_while_another_joins,
    ),
    Fault(
        "resolver-after-seizure-items",
        RESOLVER,
        "SIGKILL right after the 110th seized item is on aw.resolver.seizure-items",
        after(SEIZURE_ITEMS, 110),
        kill_restart,
    ),
    Fault(
        "registry-after-change",
        REGISTRY,
        "SIGKILL right after the 8th schedule change is on aw.schedule.changes",
        after(SCHEDULE_CHANGES, 8),
        kill_restart,
    ),
    Fault(
        "monitor-during-restore",
        MONITOR,
        "SIGKILL; state folder deleted; restart; SIGKILL again as the changelog restore begins",
        after_alert("suppressed", 3),
        kill_during_restore,
    ),
    Fault(
        "resolver-joiner-killed",
        RESOLVER,
        "a second resolver worker joins; SIGKILL it while the group rebalances",
        after(DETECTIONS, 110),
        kill_the_joiner,
    ),
    Fault(
        "monitor-fresh-disk",
        MONITOR,
        "SIGKILL right after the first reopened alert; state folder deleted: full restore",
        after_alert("reopened"),
        kill_fresh_disk,
    ),
    Fault(
        "registry-during-restore",
        REGISTRY,
        "SIGKILL; state folder deleted; restart; SIGKILL again during the changelog restore",
        after(SCHEDULE_STATE, 14),
        kill_during_restore,
    ),
    Fault(
        "resolver-fresh-disk",
        RESOLVER,
        "SIGKILL right after the 125th detection; state folder deleted: full restore",
        after(DETECTIONS, 125),
        kill_fresh_disk,
    ),
    Fault(
        "monitor-after-resolve",
        MONITOR,
        "SIGKILL right after the first resolved alert is on aw.alerts",
        after_alert("resolved"),
        kill_restart,
    ),
)
"""At least ten points across the three services, in the order they come in the year."""


# -- brokers ---------------------------------------------------------------------------------


def kafka_sh(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(KAFKA_SH), *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise RuntimeError(f"kafka.sh {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done


@contextmanager
def own_broker(folder: Path) -> Iterator[tuple[str, Callable[[], float]]]:
    """A broker of the test's own (own folder, free ports); and a function that stops it and
    starts it again on the same data, returning the seconds it was away."""
    port = free_ports(2)
    kafka_sh("start", "--port", str(port), "--dir", str(folder))

    def restart() -> float:
        stopped = time.monotonic()
        kafka_sh("stop", "--dir", str(folder))
        kafka_sh("start", "--port", str(port), "--dir", str(folder))
        return time.monotonic() - stopped

    try:
        yield f"127.0.0.1:{port}", restart
    finally:
        kafka_sh("stop", "--dir", str(folder), check=False)


@contextmanager
def own_cluster(folder: Path) -> Iterator[tuple[str, int]]:
    """``kafka.sh cluster-start`` on free ports: three nodes, replication 3, min ISR 2."""
    port = free_ports(6)
    kafka_sh("cluster-start", "--port", str(port), "--dir", str(folder))
    try:
        yield ",".join(f"127.0.0.1:{port + 2 * i}" for i in range(3)), port
    finally:
        kafka_sh("cluster-stop", "--dir", str(folder), check=False)


def broker_restart(restart: Callable[[], float]) -> Action:
    def action(run: Run, fault: Fault) -> Fired:
        fired = run.fired(fault)
        fired.detail = f"broker away {restart():.1f} s"
        return fired

    return action


def node_stop(folder: Path, port: int, node: int) -> Action:
    """Stop one node of the cluster (kafka.sh node-stop: SIGTERM, a clean shutdown)."""

    def action(run: Run, fault: Fault) -> Fired:
        fired = run.fired(fault)
        kafka_sh("node-stop", str(node), "--port", str(port), "--dir", str(folder))
        fired.detail = f"node {node} stopped"
        return fired

    return action


def node_start(folder: Path, port: int, node: int) -> Action:
    def action(run: Run, fault: Fault) -> Fired:
        fired = run.fired(fault)
        started = time.monotonic()
        kafka_sh("node-start", str(node), "--port", str(port), "--dir", str(folder))
        fired.detail = f"node {node} started again in {time.monotonic() - started:.1f} s"
        return fired

    return action


def node_lost_and_back(folder: Path, port: int) -> list[Fault]:
    """Node 2 of the cluster stopped after the 40th detection, started after the 100th."""
    return [
        Fault(
            "cluster-node-stop",
            "broker",
            "node 2 of 3 stopped after the 40th detection",
            after(DETECTIONS, 40),
            node_stop(folder, port, 2),
        ),
        Fault(
            "cluster-node-start",
            "broker",
            "node 2 started again after the 100th detection",
            after(DETECTIONS, 100),
            node_start(folder, port, 2),
        ),
    ]
