"""Every Grafana panel has data after the Kazakhstan year: a real Prometheus scrapes the services.

Story: the services run as processes, each serving ``/metrics`` on a port of its own; Prometheus
(Debian's ``/usr/bin/prometheus``) scrapes them every second with the scrape configuration of
``deploy/prometheus/prometheus.yml`` (targets rewritten to 127.0.0.1) and evaluates the alerting
rules of ``deploy/prometheus/rules``. Three malformed messages and the year go in. Once the alerts
have settled, every target of every dashboard in ``deploy/grafana/dashboards`` is asked of
Prometheus' HTTP API the way Grafana asks it (range targets over the run, instant ones at its
end, the dashboard variables replaced) and must return data: a series with a value that is a
number. What came back is kept in ``test-artifacts/dashboards_after_scenario.json``.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from e2e_harness import Pipeline, publish, schedule_published, settled_alerts, wait_for
from kafka import KafkaProducer
from ports import free_port

from contracts.topics import LAB_RESULTS, SEIZURES
from services.platform.catalog import SERVICES
from services.platform.settings import ServiceSettings
from services.platform.topics import topic_name
from services.scenario import build_scenario

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
ARTIFACT = REPO / "test-artifacts" / "dashboards_after_scenario.json"
SCRAPED = [e.name for e in SERVICES]
PACE_S = 0.01
STEP_S = 2
RATE_INTERVAL = "15s"  # Grafana's $__rate_interval: at least 4 scrape intervals (here 1 s)

# Messages no agency should send; each is a dead letter with its own error class.
MALFORMED = [
    (SEIZURES, b"not json"),  # malformed_json
    (SEIZURES, b"[1, 2, 3]"),  # not_an_object
    (LAB_RESULTS, b'{"type": "aw.lab-result.reported.v0", "id": "x"}'),  # unknown_type
]


@pytest.fixture
def metered_pipeline(kafka_settings: ServiceSettings, tmp_path: Path) -> Iterator[Pipeline]:
    """The pipeline fixture's services and the alert board (every service Prometheus scrapes),
    each serving /metrics on a fixed free port."""
    env = {name: {"AW_METRICS_PORT": str(free_port())} for name in SCRAPED}
    env["alert_board"]["AW_BOARD_PORT"] = str(free_port())  # not 8088: a demo may hold it
    with Pipeline.running(kafka_settings, tmp_path, service_env=env, names=SCRAPED) as running:
        yield running


@dataclass
class Prometheus:
    url: str
    log: Path

    def get(self, path: str, **params: str) -> dict:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}{path}?{query}", timeout=10) as response:
            body = json.load(response)
        assert body["status"] == "success", body
        return body["data"]

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False


def scrape_config(ports: dict[str, int]) -> dict:
    """deploy/prometheus/prometheus.yml with each compose target on its local port, every 1 s."""
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    service_of = {
        key: spec["command"][2]
        for key, spec in compose.items()
        if spec.get("command", [])[:2] == ["analogue-watch", "serve"]
    }
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config["rule_files"] = [str(DEPLOY / "prometheus" / f) for f in config["rule_files"]]
    for job in config["scrape_configs"]:
        for group in job["static_configs"]:
            group["targets"] = [
                f"127.0.0.1:{ports[service_of[t.split(':')[0]]]}" for t in group["targets"]
            ]
    return config


@pytest.fixture
def prometheus(metered_pipeline: Pipeline, tmp_path: Path) -> Iterator[Prometheus]:
    binary = shutil.which("prometheus") or "/usr/bin/prometheus"
    if not Path(binary).is_file():
        pytest.fail(
            "the prometheus binary is missing: apt-get install -y prometheus (Debian)",
            pytrace=False,
        )
    ports = {
        name: int(env["AW_METRICS_PORT"]) for name, env in metered_pipeline.service_env.items()
    }
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump(scrape_config(ports)))
    port = free_port()
    log = tmp_path / "prometheus.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'prometheus-data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Prometheus(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 30
        while not server.ready():
            assert proc.poll() is None, f"prometheus exited\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"prometheus never ready\n{log.read_text()}"
            time.sleep(0.2)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the dashboards' queries ------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    dashboard: str
    panel: str
    ref: str
    expr: str
    instant: bool


def dashboard_queries() -> list[Query]:
    """Every target of every panel, and every variable's query (as Grafana's PromQL)."""
    queries = []
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        for panel in board["panels"]:
            for t in panel["targets"]:
                queries.append(
                    Query(board["uid"], panel["title"], t["refId"], t["expr"], t["instant"])
                )
        for var in board.get("templating", {}).get("list", []):
            if var["type"] != "query":
                continue  # e.g. the alert board's address, for links
            metric, label = re.fullmatch(
                r"label_values\((\w+),\s*(\w+)\)", var["query"]["query"]
            ).groups()
            queries.append(
                Query(
                    board["uid"], f"${var['name']}", "var", f"group by ({label}) ({metric})", True
                )
            )
    return queries


def grafana_expr(expr: str, range_s: int) -> str:
    """The PromQL Grafana sends: its variables replaced (every jurisdiction selected)."""
    return (
        expr.replace("$__rate_interval", RATE_INTERVAL)
        .replace("$__range", f"{range_s}s")
        .replace("$__interval", f"{STEP_S}s")
        .replace("$jurisdiction", ".*")
    )


def ask(prom: Prometheus, query: Query, start: float, end: float) -> list[dict]:
    """The series Grafana would draw: each with its labels, its last and its largest number."""
    expr = grafana_expr(query.expr, math.ceil(end - start) + STEP_S)
    if query.instant:
        data = prom.get("/api/v1/query", query=expr, time=f"{end:.3f}")
        samples = [(s["metric"], [s["value"]]) for s in data["result"]]
    else:
        data = prom.get(
            "/api/v1/query_range",
            query=expr,
            start=f"{start:.3f}",
            end=f"{end:.3f}",
            step=str(STEP_S),
        )
        samples = [(s["metric"], s["values"]) for s in data["result"]]
    series = []
    for labels, values in samples:
        numbers = [float(v) for _, v in values if not math.isnan(float(v))]
        series.append(
            {
                "labels": labels,
                "last": numbers[-1] if numbers else None,
                "max": max(numbers) if numbers else None,
            }
        )
    return series


def has_data(series: list[dict]) -> bool:
    return any(s["last"] is not None for s in series)


# -- the scenario --------------------------------------------------------------------------


def _send_malformed(settings: ServiceSettings) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    try:
        for topic, value in MALFORMED:
            producer.send(topic_name(topic, settings.topic_namespace), key=b"x", value=value)
        producer.flush()
    finally:
        producer.close()


def test_every_dashboard_panel_has_data_after_the_year(
    metered_pipeline: Pipeline, prometheus: Prometheus
) -> None:
    settings = metered_pipeline.settings
    # Every counter must be scraped at 0 before it moves, or an increase() would miss the
    # first step (Prometheus' first scrapes come some seconds after it is ready).
    wait_for(
        lambda: _value(prometheus, "sum(up)") == len(SCRAPED),
        60,
        "Prometheus to scrape every service",
        metered_pipeline,
    )
    started = time.time()
    events = build_scenario()
    publish(settings, events[:1])
    wait_for(lambda: schedule_published(settings), 90, "the baseline schedule", metered_pipeline)
    _send_malformed(settings)
    publish(settings, events[1:], pace_s=PACE_S)
    settled_alerts(settings, metered_pipeline, quiet_s=8, timeout_s=150)

    # The last sweep's gauges and the lag (refreshed every 10 s) reach Prometheus a little
    # after the alerts settle: ask until every query has data, for at most 30 s.
    queries = dashboard_queries()
    deadline = time.monotonic() + 30
    while True:
        end = time.time()
        answers = {q: ask(prometheus, q, started, end) for q in queries}
        empty = [q for q, series in answers.items() if not has_data(series)]
        if not empty or time.monotonic() > deadline:
            break
        time.sleep(2)

    figures = {
        "resolver dead letters": _value(prometheus, "sum(substance_resolver_dead_letters_total)"),
        "alerts raised": _value(
            prometheus, 'sum(analogue_monitor_alerts_total{transition="raised"})'
        ),
        "alerts resolved (timed)": _value(
            prometheus, "sum(analogue_monitor_time_to_control_seconds_count)"
        ),
        "amendments decided (timed)": _value(
            prometheus, "sum(schedule_registry_amendment_decision_seconds_count)"
        ),
        "workers up": _value(prometheus, "sum(up)"),
    }
    rules = prometheus.get("/api/v1/rules")
    _save(answers, figures, rules, prometheus, started, end, len(events))

    assert not empty, (
        "panels without data (see test-artifacts/dashboards_after_scenario.json):\n"
        + "\n".join(f"  {q.dashboard} / {q.panel} / {q.ref}: {q.expr}" for q in empty)
        + f"\n{metered_pipeline.logs()}\n{prometheus.log.read_text()[-3000:]}"
    )
    assert figures["resolver dead letters"] == len(MALFORMED)
    (resolver_dead_letters,) = [
        a
        for q, a in answers.items()
        if q.expr.startswith("sum by (error_class) (increase(substance_resolver_dead_letters")
    ]
    assert sum(s["last"] for s in resolver_dead_letters) >= len(MALFORMED)
    assert figures["alerts raised"] > 0
    assert figures["alerts resolved (timed)"] > 0
    assert figures["amendments decided (timed)"] > 0
    assert figures["workers up"] == len(SCRAPED)
    unhealthy = [r["name"] for g in rules["groups"] for r in g["rules"] if r.get("health") != "ok"]
    assert rules["groups"] and not unhealthy, f"rules failing on real data: {unhealthy}"


def _value(prom: Prometheus, expr: str) -> float:
    result = prom.get("/api/v1/query", query=expr)["result"]
    return float(result[0]["value"][1]) if result else math.nan


def _save(answers, figures, rules, prom: Prometheus, started, end, events: int) -> None:
    panels: dict[str, dict[str, list]] = {}
    for q, series in answers.items():
        panels.setdefault(q.dashboard, {}).setdefault(q.panel, []).append(
            {
                "ref": q.ref,
                "kind": "instant" if q.instant else "range",
                "expr": grafana_expr(q.expr, math.ceil(end - started) + STEP_S),
                "series": series,
            }
        )
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(
        json.dumps(
            {
                "events_played": events + len(MALFORMED),
                "seconds": round(end - started, 1),
                "prometheus": prom.get("/api/v1/status/buildinfo")["version"],
                "figures": figures,
                "alerts_pending_or_firing": [
                    {"name": r["name"], "state": r["state"]}
                    for g in rules["groups"]
                    for r in g["rules"]
                    if r.get("state") not in (None, "inactive")
                ],
                "dashboards": panels,
            },
            indent=2,
            sort_keys=False,
        )
        + "\n"
    )
