"""Pipeline throughput and latency on this machine, from the broker's ceiling to the alerts.

Starts its own broker (``deploy/kafka/kafka.sh start`` on free loopback ports in a temporary
folder; stopped at the end) and measures, in one run:

1. the broker's ceiling: Kafka's own ProducerPerformance (1 KiB records, acks=all, 6 partitions);
2. a bare aiokafka loop that consumes a lab result and produces it again (events/s), with and
   without the contracts' decode and encode;
3. the services as processes (``analogue-watch serve``): copies of the Kazakhstan year's seizures
   and lab results (distinct ids) published as fast as possible, timed until every consumer group
   has committed the end of what it reads (events/s in); meanwhile, and then under a steady load
   at half that rate, probe substances sighted three times each (seizure + lab result), timed from
   the third lab result's publication to its ``aw.alert.raised.v1`` on ``aw.alerts`` (p50/p99);
   with one and with two analogue-monitor workers;
4. the analogue monitor's state per occurrence: JSON bytes (what RocksDB and the changelog hold)
   and Python heap (tracemalloc, what a worker holds once a state is read), for 10,000 and 100,000
   sightings, extrapolated linearly to a million.

Figures are printed, not asserted. Run: python bench/bench_pipeline.py [--copies N] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), *(str(REPO / "tests" / d) for d in ("", "e2e", "stress"))]

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # noqa: E402
from bench_state import detections, handle_cost  # noqa: E402
from e2e_harness import publish, schedule_published, wait_for  # noqa: E402
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition  # noqa: E402
from kafka.admin import NewTopic  # noqa: E402
from ports import free_port, free_ports  # noqa: E402
from stress_harness import MeteredPipeline, slowest  # noqa: E402

from contracts.codec import decode, encode  # noqa: E402
from contracts.topics import (  # noqa: E402
    ALERTS,
    DETECTIONS,
    LAB_RESULTS,
    LEGISLATION,
    SCHEDULE_CHANGES,
    SEIZURE_ITEMS,
    SEIZURES,
    SWEEPS,
    topic_for_type,
)
from services.analogue_monitor import handlers as monitor  # noqa: E402
from services.chemistry import standardise  # noqa: E402
from services.domain.alert_event import alert_id  # noqa: E402
from services.domain.occurrences import MAX_OCCURRENCES  # noqa: E402
from services.domain.substance import MonitorDeps, SubstanceState  # noqa: E402
from services.platform.settings import ServiceSettings  # noqa: E402
from services.platform.topics import ensure_topics, topic_name  # noqa: E402
from services.scenario import build_scenario  # noqa: E402
from services.tools.pipeline import Replay, ReplayDeps  # noqa: E402

KAFKA_SH = REPO / "deploy" / "kafka" / "kafka.sh"
STREAM = ("schedule_registry", "substance_resolver", "analogue_monitor")
PROBE_EVERY_S = 0.75
PERF = re.compile(
    r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg latency, "
    r"([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th"
)


# --- the broker --------------------------------------------------------------------------------


@contextlib.contextmanager
def broker(folder: Path) -> Iterator[str]:
    port = free_ports(2)  # the broker, and the controller on the next port
    started = subprocess.run(
        [str(KAFKA_SH), "start", "--port", str(port), "--dir", str(folder)],
        capture_output=True,
        text=True,
    )
    try:
        if started.returncode:
            raise RuntimeError(f"the broker did not start:\n{started.stderr}")
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([str(KAFKA_SH), "stop", "--dir", str(folder)], capture_output=True)


def create_topics(bootstrap: str, *names: str, partitions: int = 6) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(n, partitions, 1) for n in names])
    finally:
        admin.close()


# --- 1. the broker's ceiling -------------------------------------------------------------------


def broker_ceiling(bootstrap: str, records: int) -> dict:
    create_topics(bootstrap, "bench.perf")
    run = subprocess.run(
        [
            str(KAFKA_SH),
            "run-class",
            "org.apache.kafka.tools.ProducerPerformance",
            "--topic",
            "bench.perf",
            "--num-records",
            str(records),
            "--record-size",
            "1024",
            "--throughput",
            "-1",
            "--producer-props",
            f"bootstrap.servers={bootstrap}",
            "acks=all",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = PERF.findall(run.stdout)
    if not found:
        raise RuntimeError(f"no summary from ProducerPerformance:\n{run.stdout}\n{run.stderr}")
    sent, rate, mb, avg, worst, p50, p95, p99 = found[-1]
    return {
        "records": int(sent),
        "per_s": float(rate),
        "mb_s": float(mb),
        "p50_ms": int(p50),
        "p99_ms": int(p99),
        "max_ms": float(worst),
    }


# --- 2. a bare consume -> produce loop ---------------------------------------------------------


def lab_results(count: int) -> list[tuple[bytes, bytes]]:
    """``count`` encoded lab results of the year with distinct ids, keyed by sample id."""
    labs = [e for e in build_scenario() if e.type == "aw.lab-result.reported.v1"]
    out = []
    for i in range(count):
        doc = json.loads(encode(labs[i % len(labs)]))
        doc["id"] += f"~{i}"
        doc["data"]["sample_id"] += f"~{i}"
        out.append((doc["data"]["sample_id"].encode(), json.dumps(doc).encode()))
    return out


def fill(bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=10)
    for key, value in messages:
        producer.send(topic, key=key, value=value)
    producer.flush()
    producer.close()


async def _bare_loop(bootstrap: str, source: str, sink: str, count: int, codec: bool) -> float:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=f"bench-bare-{codec}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await consumer.start()
    await producer.start()
    try:
        seen, started, committed = 0, None, time.monotonic()
        while seen < count:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            if batches and started is None:
                started = time.monotonic()
            for records in batches.values():
                for record in records:
                    value = record.value
                    if codec:
                        value = encode(decode(value, accept=LAB_RESULTS.types))
                    await producer.send(sink, key=record.key, value=value)
                    seen += 1
            if time.monotonic() - committed > 2.8:  # faust's commit interval
                await consumer.commit()
                committed = time.monotonic()
        await producer.flush()
        await consumer.commit()
        return count / (time.monotonic() - (started or time.monotonic()))
    finally:
        await producer.stop()
        await consumer.stop()


def bare_loop(bootstrap: str, count: int) -> dict:
    create_topics(bootstrap, "bench.bare.in", "bench.bare.out", "bench.codec.out")
    fill(bootstrap, "bench.bare.in", lab_results(count))
    bare = asyncio.run(_bare_loop(bootstrap, "bench.bare.in", "bench.bare.out", count, False))
    codec = asyncio.run(_bare_loop(bootstrap, "bench.bare.in", "bench.codec.out", count, True))
    return {"per_s": bare, "codec_per_s": codec}


# --- 3. the services ---------------------------------------------------------------------------

AGENCY_TIMES = ("time", "published", "seized_at", "analysed_at")


def year_copies(first: int, copies: int, days: int = 0) -> list[tuple[str, bytes, bytes]]:
    """The year's seizures and lab results, ``copies`` times, each copy with its own ids and its
    times ``days`` days + ``c`` minutes later; in time order, so that no sighting is late."""
    agency = [e for e in build_scenario() if e.type in SEIZURES.types | LAB_RESULTS.types]
    out = []
    for c in range(first, first + copies):
        shift = dt.timedelta(days=days, minutes=c)
        for event in agency:
            doc = json.loads(encode(event))
            doc["id"] += f"~{c}"
            data = doc["data"]
            data["sample_id" if "sample_id" in data else "seizure_id"] += f"~{c}"
            for item in data.get("items", []):
                item["sample_id"] += f"~{c}"
            for body in (doc, data):
                for name in AGENCY_TIMES:
                    if name in body:
                        body[name] = (dt.datetime.fromisoformat(body[name]) + shift).isoformat()
            key = data.get("seizure_id") or data["sample_id"]
            topic = topic_for_type(event.type).name
            out.append((doc["published"], topic, key.encode(), json.dumps(doc).encode()))
    out.sort(key=lambda row: dt.datetime.fromisoformat(row[0]))
    return [(topic, key, value) for _, topic, key, value in out]


def steady_days() -> int:
    """How far the steady load's copies move the year: up to a year, never into the future."""
    last = max(e.published for e in build_scenario())
    return min(365, (dt.datetime.now(dt.UTC) - last).days - 2)


def probe_substances(limit: int) -> list[tuple[str, str]]:
    """(SMILES, alert id) of cathinone-like analogues that three sightings make an alert about
    (checked with the offline replay against the year's baseline), none seen in the year."""
    events = build_scenario()
    year = set()
    for e in events:
        for found in (
            getattr(e.data, "substances", ()) if e.type == LAB_RESULTS.value_types[0] else ()
        ):
            with contextlib.suppress(Exception):
                year.add(standardise(found.structure).match_key)
    rings = [
        "c1ccccc1",
        "c1ccc(F)cc1",
        "c1ccc(C)cc1",
        "c1ccc(Cl)cc1",
        "c1ccc(OC)cc1",
        "c1ccc(Br)cc1",
        "c1ccc(CC)cc1",
        "c1cccc(F)c1",
        "c1cccc(C)c1",
        "c1ccc2ccccc2c1",
        "c1ccc(C(F)(F)F)cc1",
        "c1ccc(I)cc1",
        "c1cccc(Cl)c1",
        "c1ccc(SC)cc1",
        "c1ccsc1",
        "c1ccc(OCC)cc1",
    ]
    chains = ["CC", "CCC", "CCCC", "CCCCC", "CCCCCC", "CC(C)C", "CCC(C)C"]
    amines = ["N1CCCC1", "N1CCCCC1", "N(C)C", "N(CC)CC", "NC", "NCC", "N1CCOCC1"]
    run = Replay(ReplayDeps())
    run.feed(events[0])
    found: list[tuple[str, str]] = []
    at = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    for i, smiles in enumerate(
        f"{chain}C(C(=O){ring}){amine}" for chain in chains for ring in rings for amine in amines
    ):
        key = standardise(smiles).match_key
        if key in year:
            continue
        alert = alert_id("KZ", key)
        for seizure, lab in probe_events(10_000 + i, smiles, at):
            run.feed(decode(seizure[2]))
            run.feed(decode(lab[2]))
        if any(e.topic is ALERTS and e.event.data.alert_id == alert for e in run.emitted[-10:]):
            found.append((smiles, alert))
        if len(found) == limit:
            break
    return found


def probe_events(n: int, smiles: str, at: dt.datetime) -> list[tuple[tuple, tuple]]:
    """Three sightings of ``smiles`` at ``at``: (seizure, lab result) as (topic, key, value)."""
    pairs = []
    for k in range(3):
        when = (at + dt.timedelta(seconds=k)).isoformat()
        seizure, sample = f"PROBE-Z-{n}-{k}", f"PROBE-S-{n}-{k}"
        envelope = {"source": "bench", "jurisdiction": "KZ", "time": when, "published": when}
        items = [{"sample_id": sample, "form": "powder", "mass_g": 1.0}]
        seized = {
            **envelope,
            "id": f"probe-z-{n}-{k}",
            "type": "aw.seizure.reported.v1",
            "data": {
                "seizure_id": seizure,
                "case_id": f"PROBE-C-{n}",
                "region": "Almaty",
                "seized_at": when,
                "channel": "post",
                "items": items,
            },
        }
        found = [{"structure": {"smiles": smiles}, "confidence": 0.9}]
        lab = {
            **envelope,
            "id": f"probe-l-{n}-{k}",
            "type": "aw.lab-result.reported.v1",
            "data": {
                "lab_id": "BENCH",
                "sample_id": sample,
                "analysed_at": when,
                "method": "GC-MS",
                "substances": found,
            },
        }
        pairs.append(
            (
                (SEIZURES.name, seizure.encode(), json.dumps(seized).encode()),
                (LAB_RESULTS.name, sample.encode(), json.dumps(lab).encode()),
            )
        )
    return pairs


class AlertClock:
    """Follows aw.alerts from its end in a thread: when each alert id was first raised."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.raised: dict[str, float] = {}
        self._stop = threading.Event()
        self._consumer = KafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers, fetch_max_wait_ms=20
        )
        name = topic_name(ALERTS, settings.topic_namespace)
        partitions = [TopicPartition(name, p) for p in range(ALERTS.partitions)]
        self._consumer.assign(partitions)
        self._consumer.seek_to_end(*partitions)
        for tp in partitions:
            self._consumer.position(tp)  # resolve "the end" now, before anything is published
        self._thread = threading.Thread(target=self._follow, daemon=True)
        self._thread.start()

    def _follow(self) -> None:
        while not self._stop.is_set():
            for records in self._consumer.poll(timeout_ms=50).values():
                now = time.monotonic()
                for record in records:
                    doc = json.loads(record.value)
                    if doc["type"] == "aw.alert.raised.v1":
                        self.raised.setdefault(doc["data"]["alert_id"], now)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._consumer.close()


class Prober:
    """Publishes one probe substance's three sightings every ``PROBE_EVERY_S`` in a thread (at
    the event time ``clock()`` gives) and remembers when each third lab result was published."""

    def __init__(self, settings, probes, first: int, clock, limit: int | None = None) -> None:
        self.sent: dict[str, float] = {}
        self._ns = settings.topic_namespace
        self._producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
        self._probes = list(enumerate(probes, start=0))[
            first : None if limit is None else first + limit
        ]
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Prober:
        self._thread.start()
        return self

    def _run(self) -> None:
        for n, (smiles, alert) in self._probes:
            if self._stop.is_set():
                return
            for i, (seizure, lab) in enumerate(probe_events(n, smiles, self._clock())):
                self._send(seizure)
                if i == 2:
                    self._producer.flush()
                    self.sent[alert] = time.monotonic()
                self._send(lab)
            self._producer.flush()
            self._stop.wait(PROBE_EVERY_S)

    def _send(self, message: tuple[str, bytes, bytes]) -> None:
        topic, key, value = message
        self._producer.send(self._ns + topic, key=key, value=value)

    def stop(self) -> int:
        """Stop after the probe under way; how many were published (the next starts there)."""
        self._stop.set()
        self._thread.join(timeout=30)
        self._producer.close()
        return len(self.sent)


def latencies(prober: Prober, clock: AlertClock, timeout_s: float = 120) -> dict:
    deadline = time.monotonic() + timeout_s
    while set(prober.sent) - set(clock.raised) and time.monotonic() < deadline:
        time.sleep(0.2)
    seconds = sorted(clock.raised[a] - t for a, t in prober.sent.items() if a in clock.raised)
    if not seconds:
        return {"n": 0, "missing": len(prober.sent)}
    return {
        "n": len(seconds),
        "missing": len(prober.sent) - len(seconds),
        "p50_s": statistics.median(seconds),
        "p99_s": seconds[min(len(seconds) - 1, round(0.99 * (len(seconds) - 1)))],
        "max_s": seconds[-1],
    }


@dataclass
class BenchPipeline(MeteredPipeline):
    """The stream services, with more than one worker of a service when asked."""

    def start_worker(self, name: str, worker: int) -> None:
        key = f"{name}-{worker}"
        env = {
            **self.env(name),
            "AW_DATA_DIR": str(self.workdir / "state" / key),
            "AW_METRICS_PORT": str(self.ports.setdefault(key, free_port())),
        }
        log = open(self.workdir / f"{key}.log", "ab")  # noqa: SIM115 - the process owns it
        self.procs[key] = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "serve", name],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.workdir,
        )


CONSUMES = {
    "schedule_registry": (LEGISLATION,),
    "substance_resolver": (SEIZURES, LAB_RESULTS, SEIZURE_ITEMS),
    "analogue_monitor": (DETECTIONS, SCHEDULE_CHANGES, SWEEPS),
}
"""What each service's consumer group reads (``app.py`` of each)."""


def all_drained(settings: ServiceSettings) -> bool:
    """Every service's group has committed the end of every partition it reads (a partition it
    never committed counts from 0: ``drained`` skips those, and is early after a quiet start)."""
    ns = settings.topic_namespace
    groups = {f"{ns}analogue-watch.{name}": topics for name, topics in CONSUMES.items()}
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        offsets = admin.list_group_offsets(dict.fromkeys(groups))
        for group, topics in groups.items():
            committed = offsets.get(group) or {}
            every = [TopicPartition(ns + t.name, p) for t in topics for p in range(t.partitions)]
            for tp, end in consumer.end_offsets(every).items():
                if (committed[tp].offset if tp in committed else 0) < end:
                    return False
        return True
    finally:
        consumer.close()
        admin.close()


def end_offsets(settings: ServiceSettings) -> dict[str, int]:
    """Records written so far to each topic of this namespace (changelogs included)."""
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        names = [t for t in consumer.topics() if t.startswith(settings.topic_namespace)]
        partitions = [
            TopicPartition(t, p) for t in names for p in consumer.partitions_for_topic(t) or ()
        ]
        out: dict[str, int] = {}
        for tp, end in consumer.end_offsets(partitions).items():
            out[tp.topic] = out.get(tp.topic, 0) + end
        return out
    finally:
        consumer.close()


def monitor_members(settings: ServiceSettings) -> int:
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        group = f"{settings.topic_namespace}analogue-watch.analogue_monitor"
        described = admin.describe_groups([group])[group]
        return len(described["members"]) if described["group_state"] == "Stable" else 0
    finally:
        admin.close()


class Sender:
    """Publishes agency events, as fast as possible or at a rate; remembers the event time of
    the last one sent (the probes' clock)."""

    def __init__(self, settings: ServiceSettings, start: dt.datetime) -> None:
        self.settings = settings
        self.latest = start

    def now(self) -> dt.datetime:
        return self.latest

    def send(self, messages, rate: float | None = None) -> float:
        """Publish ``messages``; the seconds it took."""
        producer = KafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers, acks="all", linger_ms=5
        )
        started = time.monotonic()
        for i, (topic, key, value) in enumerate(messages):
            producer.send(self.settings.topic_namespace + topic, key=key, value=value)
            if rate and i % 10 == 9:
                self.latest = dt.datetime.fromisoformat(json.loads(value)["time"])
                ahead = started + (i + 1) / rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
        producer.flush()
        producer.close()
        return time.monotonic() - started


def pipeline_run(
    bootstrap: str,
    workdir: Path,
    workers: int,
    copies: int,
    steady_s: float,
    probes: list[tuple[str, str]],
) -> dict:
    settings = ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=bootstrap, AW_TOPIC_NAMESPACE=f"bench-{workers}w."
    )
    ensure_topics(settings)
    running = BenchPipeline(settings, workdir / f"{workers}w")
    running.workdir.mkdir()
    for name in STREAM:
        running.start(name)
    try:
        return _measure(running, settings, workers, copies, steady_s, probes)
    finally:
        for name in list(running.procs):
            running.stop(name)


def _measure(running, settings, workers, copies, steady_s, probes) -> dict:
    year = build_scenario()
    publish(settings, [year[0]])  # the baseline
    wait_for(lambda: schedule_published(settings), 120, "the baseline schedule", running)
    sender = Sender(settings, dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    clock = AlertClock(settings)
    try:
        warm = Prober(settings, probes, 0, sender.now, limit=1).start()
        wait_for(lambda: len(clock.raised) == 1, 180, "the first probe's alert", running)
        used = warm.stop()
        # More monitor workers join a running one: started together, one of them never fetched
        # its partitions after the start-up rebalance (2 tries of 2; faust-streaming issue 629).
        for worker in range(2, workers + 1):
            running.start_worker("analogue_monitor", worker)
        wait_for(lambda: monitor_members(settings) == workers, 120, "the monitor group", running)
        wait_for(lambda: all_drained(settings), 120, "a drained pipeline", running)

        load = year_copies(0, copies)
        before = end_offsets(settings)
        started = time.monotonic()
        sender.send(load)
        wait_for(lambda: all_drained(settings), 900, "the load to drain", running)
        seconds = time.monotonic() - started
        after = end_offsets(settings)
        rate = len(load) / seconds

        days = steady_days()
        steady = year_copies(copies, max(1, round(rate * 0.5 * steady_s / 233)), days=days)
        prober = Prober(settings, probes, used, sender.now).start()
        sent_s = sender.send(steady, rate=rate * 0.5)
        prober.stop()
        wait_for(lambda: all_drained(settings), 300, "the steady load to drain", running)
        calm = latencies(prober, clock)
    finally:
        clock.close()
    ns = settings.topic_namespace
    written = sum(after.get(t, 0) - before.get(t, 0) for t in after)
    return {
        "workers": workers,
        "events": len(load),
        "seconds": seconds,
        "per_s": rate,
        "written_per_event": written / len(load),
        "detections": after.get(ns + DETECTIONS.name, 0) - before.get(ns + DETECTIONS.name, 0),
        "alerts": after.get(ns + ALERTS.name, 0) - before.get(ns + ALERTS.name, 0),
        "steady_per_s": len(steady) / sent_s,
        "steady_latency": calm,
        "processing": {
            name: {s.handler: s.mean_s for s in slowest(running.metrics(name), name)}
            for name in STREAM
        },
    }


# --- 4. the monitor's state per occurrence -----------------------------------------------------


def state_size(sightings: int, per_substance: int) -> dict:
    """Build the states through ``handle_detection`` (schedule unknown: counting only), then
    measure their JSON and the heap they take once read back, as the service reads them."""
    deps = MonitorDeps(schedule=lambda j: None, classify=lambda *a: None)
    states: dict[str, SubstanceState] = {}
    started = time.perf_counter()
    for event in detections(sightings // per_substance, per_substance):
        key = event.data.match_key
        states[key] = monitor.handle_detection(event, states.get(key), deps).state
    build_s = time.perf_counter() - started
    stored = [s.model_dump_json() for s in states.values()]
    del states
    tracemalloc.start()
    held = [SubstanceState.model_validate_json(raw) for raw in stored]
    heap, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sum(len(s.jurisdictions["KZ"].sightings.occurrences) for s in held) == sightings
    return {
        "sightings": sightings,
        "per_substance": per_substance,
        "states": len(held),
        "json_bytes": sum(len(raw) for raw in stored),
        "heap_bytes": heap,
        "handle_us": build_s / sightings * 1e6,
    }


# --- the report --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=40, help="copies of the year's 233 events")
    parser.add_argument("--perf-records", type=int, default=200_000)
    parser.add_argument("--bare", type=int, default=30_000, help="lab results through the loop")
    parser.add_argument("--steady-s", type=float, default=40)
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the bench")
    args = parser.parse_args()
    if args.quick:
        args.copies, args.perf_records, args.bare, args.steady_s = 2, 20_000, 3_000, 10

    began = time.monotonic()
    print("probe substances (offline replay) ...", flush=True)
    probes = probe_substances(200)
    print(f"  {len(probes)} analogues that three sightings raise an alert about")
    with tempfile.TemporaryDirectory(prefix="aw-bench-") as tmp, broker(Path(tmp) / "kafka") as bs:
        print(f"broker: {bs}", flush=True)
        ceiling = broker_ceiling(bs, args.perf_records)
        print(f"1. broker ceiling: {ceiling}", flush=True)
        bare = bare_loop(bs, args.bare)
        print(f"2. bare loop: {bare}", flush=True)
        runs = []
        for workers in (1, 2):
            run = pipeline_run(bs, Path(tmp), workers, args.copies, args.steady_s, probes)
            print(f"3. pipeline, {workers} monitor worker(s): {run}", flush=True)
            runs.append(run)
    sizes = [state_size(n, 200) for n in (10_000, 100_000)]
    costs = {held: handle_cost(held) for held in (10, 100, 250, MAX_OCCURRENCES)}
    report(ceiling, bare, runs, sizes, costs, time.monotonic() - began)
    return 0


def report(ceiling, bare, runs, sizes, costs, seconds) -> None:
    print()
    print("Throughput (events/s; 2 cores shared by the broker, the services and this script)")
    rows = [
        ("broker ceiling: ProducerPerformance, 1 KiB, acks=all", ceiling["per_s"]),
        ("bare aiokafka loop: consume -> produce (lab results)", bare["per_s"]),
        ("bare loop + contracts decode/encode", bare["codec_per_s"]),
    ] + [
        (f"pipeline, {r['workers']} monitor worker(s): events in, fully processed", r["per_s"])
        for r in runs
    ]
    print(f"  {'stage':<66} {'events/s':>10} {'/ ceiling':>10} {'/ bare':>8}")
    for name, rate in rows:
        print(
            f"  {name:<66} {rate:>10,.0f} {rate / ceiling['per_s']:>10.4f} "
            f"{rate / bare['per_s']:>8.4f}"
        )
    print(
        f"  ceiling latency: p50 {ceiling['p50_ms']} ms, p99 {ceiling['p99_ms']} ms "
        f"({ceiling['records']:,} records, {ceiling['mb_s']} MB/s)"
    )
    print()
    print("Pipeline runs (latency: a probe's third lab result published -> its alert read)")
    for r in runs:
        print(
            f"  {r['workers']} worker(s): {r['events']:,} events in {r['seconds']:.1f} s; "
            f"{r['written_per_event']:.1f} records written per event (all topics, changelogs); "
            f"{r['detections']:,} detections, {r['alerts']:,} alert versions"
        )
        steady = f"{r['steady_per_s']:,.0f} events/s"
        print(f"    publish-to-alert latency at a steady {steady}: {_lat(r['steady_latency'])}")
        means = ", ".join(
            f"{svc}.{handler} {mean * 1e3:.1f} ms"
            for svc, handlers in r["processing"].items()
            for handler, mean in handlers.items()
        )
        print(f"    mean processing per message: {means}")
    print()
    print("Analogue monitor state (200 occurrences per substance and jurisdiction)")
    for s in sizes:
        per = s["sightings"]
        print(
            f"  {per:>7,} sightings in {s['states']:,} states: JSON {s['json_bytes'] / per:,.0f} "
            f"B/occurrence, heap {s['heap_bytes'] / per:,.0f} B/occurrence "
            f"(handle_detection {s['handle_us']:,.0f} us each)"
        )
    last = sizes[-1]
    print(
        f"  per million occurrences (x{1e6 / last['sightings']:g} of the {last['sightings']:,} "
        f"run, linear): JSON {last['json_bytes'] / last['sightings']:.0f} MB, "
        f"heap {last['heap_bytes'] / last['sightings']:.0f} MB"
    )
    print(
        "  per-detection cost (read JSON, handle, write JSON) by occurrences already held "
        f"(at most {MAX_OCCURRENCES} per jurisdiction): "
        + ", ".join(f"{held:,}: {us / 1e3:.1f} ms" for held, us in costs.items())
    )
    print()
    print(f"bench_pipeline: {seconds / 60:.1f} min")


def _lat(figures: dict) -> str:
    if not figures["n"]:
        return f"no alert arrived ({figures['missing']} probes)"
    return (
        f"p50 {figures['p50_s']:.2f} s, p99 {figures['p99_s']:.2f} s, max "
        f"{figures['max_s']:.2f} s over {figures['n']} probes"
        + (f", {figures['missing']} never alerted" if figures["missing"] else "")
    )


if __name__ == "__main__":
    sys.exit(main())
