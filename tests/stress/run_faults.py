"""The long fault run (``make stress``): every fault point, repeated, a broker restart and a
3-broker cluster losing a node, each compared with a fault-free golden run; counts printed and
kept in ``test-artifacts/faults.json``.

    .venv/bin/python tests/stress/run_faults.py                 # everything, twice
    .venv/bin/python tests/stress/run_faults.py --repeat 1 --only monitor-after-raise
    .venv/bin/python tests/stress/run_faults.py --no-pause      # publication goes on meanwhile

It starts its own broker (and cluster) on free ports in a temporary folder and stops them at
the end. Exit status 1 when any run differs from the golden run, or when a run marked as an
expected failure (``xfail``: a known defect, named in the table) does not differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from faults import (
    SERVICE_ENV,
    WORKER_FAULTS,
    Fault,
    FaultPipeline,
    Result,
    after,
    broker_restart,
    compare,
    node_lost_and_back,
    own_broker,
    own_cluster,
    play,
    result,
)

from contracts.topics import DETECTIONS
from services.platform.settings import ServiceSettings
from services.scenario import build_scenario

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def one_run(
    bootstrap: str,
    workdir: Path,
    label: str,
    faults: list[Fault],
    *,
    pause: bool = True,
    replication: int = 1,
) -> tuple[Result, dict[str, Any]]:
    settings = ServiceSettings(
        KAFKA_BOOTSTRAP_SERVERS=bootstrap,
        AW_TOPIC_NAMESPACE=f"f{int(time.time() * 1000) % 10**9}-{label[:24]}.",
        AW_REPLICATION_FACTOR=replication,
    )
    folder = workdir / label
    folder.mkdir(parents=True)
    started = time.monotonic()
    with FaultPipeline.running(settings, folder, SERVICE_ENV) as pipeline:
        run = play(pipeline, build_scenario(), faults, pause=pause)
        got = result(settings, pipeline)
        watchdog = list(pipeline.restarted)
    seconds = round(time.monotonic() - started, 1)
    fired = [vars(f) for f in run.fired_faults]
    return got, {"label": label, "seconds": seconds, "fired": fired, "watchdog": watchdog}


ON_THE_MOVE: dict[str, str] = {
    "monitor-after-raise": "",
    "resolver-mid-detections": "",
    "registry-after-snapshot": "",
}
"""Points run once more with publication going on while the worker is away, and why each is
expected to differ from the golden run (empty: it must not)."""


def code_version() -> str:
    """HEAD and any uncommitted change to the code the services run: a golden run is only
    comparable with runs of the same code (the services start from this checkout)."""
    root = Path(__file__).resolve().parents[2]
    git = ["git", "-C", str(root)]
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    diff = subprocess.run(
        [*git, "diff", "HEAD", "--", "services", "contracts"], capture_output=True
    )
    return f"{head.strip()[:12]}+{hashlib.sha256(diff.stdout).hexdigest()[:12]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each worker fault point")
    parser.add_argument("--only", action="append", help="only this fault point (repeatable)")
    parser.add_argument("--no-pause", action="store_true", help="publish on during recovery")
    parser.add_argument("--skip-brokers", action="store_true", help="no broker restart, no cluster")
    args = parser.parse_args()
    pause = not args.no_pause
    points = [f for f in WORKER_FAULTS if not args.only or f.name in args.only]
    work = Path(tempfile.mkdtemp(prefix="aw-faults-"))
    code = code_version()
    rows: list[dict[str, Any]] = []
    stalled: list[dict[str, Any]] = []
    began = time.monotonic()

    def attempt(
        bootstrap: str, label: str, faults: list[Fault], **kwargs: Any
    ) -> tuple[Result | None, dict]:
        """One run; a run that stalls (a fault never recovered, alerts never settled) is kept
        as a failure with its reason, and the rest go on."""
        try:
            return one_run(bootstrap, work, label, faults, **kwargs)
        except AssertionError as error:
            reason = str(error).splitlines()[0][:300]
            print(f"{label:34} FAILED: {reason} (logs in {work / label})", flush=True)
            stalled.append({"label": label, "reason": reason, "same": False, "xfail": ""})
            return None, {}

    def record(label: str, golden: Result, got: Result | None, info: dict, xfail: str = "") -> None:
        if got is None:
            return
        c = compare(golden, got)
        row = {
            **info,
            **c.summary(),
            "body_diff_detail": c.body_diffs[:6],
            "same": c.same,
            "xfail": xfail,
        }
        rows.append(row)
        kills = sum(f["kills"] for f in info["fired"])
        recovered = [f["recovered_s"] for f in info["fired"]]
        print(
            f"{label:34} {'same' if c.same else 'DIFFERS'}{' (xfail)' if xfail else '':8}"
            f" kills={kills} alerts={c.alerts} versions={c.versions} records={c.records}"
            f" redelivered={c.redelivered} identical={c.identical} lost={len(c.lost)}"
            f" conflicts={len(c.conflicts)} state={len(c.state_diffs)}"
            f" stalls={len(info['watchdog'])} recovered_s={recovered} {info['seconds']}s",
            flush=True,
        )
        if not c.same:
            print("   " + c.explain().replace("\n", "\n   ")[:3000], flush=True)

    with own_broker(work / "kafka") as (bootstrap, restart):
        golden, info = one_run(bootstrap, work, "golden", [], pause=pause)
        print(f"golden: {len(golden.alerts)} alert records in {info['seconds']} s", flush=True)
        again, info = attempt(bootstrap, "golden-again", [], pause=pause)
        record("golden-again (no fault)", golden, again, info)
        for n in range(args.repeat):
            for fault in points:
                got, info = attempt(bootstrap, f"{fault.name}-{n + 1}", [fault], pause=pause)
                record(f"{fault.name} #{n + 1}", golden, got, info, fault.xfail if pause else "")
        if pause:
            for fault in [f for f in points if f.name in ON_THE_MOVE]:
                label = f"{fault.name}-no-pause"
                got, info = attempt(bootstrap, label, [fault], pause=False)
                record(f"{fault.name} (no pause)", golden, got, info, ON_THE_MOVE[fault.name])
        if not args.skip_brokers:
            restart_fault = Fault(
                "broker-restart",
                "broker",
                "the only broker stopped and started on the same data after the 60th detection",
                after(DETECTIONS, 60),
                broker_restart(restart),
            )
            got, info = attempt(bootstrap, "broker-restart", [restart_fault], pause=pause)
            record("broker-restart", golden, got, info)
    if not args.skip_brokers:
        with own_cluster(work / "kafka-cluster") as (bootstrap, port):
            faults = node_lost_and_back(work / "kafka-cluster", port)
            got, info = attempt(bootstrap, "cluster", faults, pause=pause, replication=3)
            record("cluster: node 2 stopped, started", golden, got, info)
    totals = {
        "runs": len(rows) + len(stalled),
        "stalled": len(stalled),
        "watchdog_restarts": sum(len(r["watchdog"]) for r in rows),
        "kills": sum(f["kills"] for r in rows for f in r["fired"]),
        "faults": sum(len(r["fired"]) for r in rows),
        "versions_compared": sum(r["versions"] for r in rows),
        "alert_records": sum(r["records"] for r in rows),
        "redelivered": sum(r["redelivered"] for r in rows),
        "lost": sum(r["lost"] for r in rows),
        "conflicts": sum(r["conflicts"] for r in rows),
        "identical_versions": sum(r["identical_versions"] for r in rows),
        "state_diffs": sum(r["state_diffs"] for r in rows),
        "pause": pause,
        "minutes": round((time.monotonic() - began) / 60, 1),
    }
    totals["code"] = code
    if code_version() != code:
        totals["code"] += f" -> {code_version()}"
        reason = "the services' code changed during the run: the golden run is not comparable"
        stalled.append({"label": "code", "reason": reason, "same": False, "xfail": ""})
    print(json.dumps(totals))
    ARTIFACTS.mkdir(exist_ok=True)
    figures = {"totals": totals, "runs": rows, "stalled": stalled}
    (ARTIFACTS / "faults.json").write_text(json.dumps(figures, indent=1))
    # Strict, like pytest's xfail(strict=True): an expected failure that passes is a failure too.
    failed = [r["label"] for r in rows + stalled if r["same"] == bool(r["xfail"])]
    if failed:
        print(f"differ from the golden run: {failed}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
