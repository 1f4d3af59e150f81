"""deploy/prometheus with Prometheus' own checker: the configuration, the alerting rules and their
unit tests (`promtool test rules`), and every dashboard query parsed as PromQL.

promtool comes with Debian's ``prometheus`` package; without it these tests fail (never skip),
saying how to install it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from metric_names import PROMETHEUS_SERIES, exposed_names, metric_names

REPO = Path(__file__).resolve().parents[3]
PROMETHEUS = REPO / "deploy" / "prometheus"
CONFIG = PROMETHEUS / "prometheus.yml"
RULE_FILES = sorted((PROMETHEUS / "rules").glob("*.yml"))
RULE_TESTS = sorted((PROMETHEUS / "tests").glob("*.yml"))
DASHBOARDS = sorted((REPO / "deploy" / "grafana" / "dashboards").glob("*.json"))


def promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    if binary is None:
        pytest.fail(
            "promtool is missing: install Debian's prometheus package "
            "(apt-get install -y prometheus)",
            pytrace=False,
        )
    return subprocess.run(
        [binary, *map(str, args)], capture_output=True, text=True, cwd=REPO, timeout=120
    )


def _ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, f"{' '.join(result.args)}\n{result.stdout}\n{result.stderr}"


def _alert_rules() -> list[dict]:
    return [
        rule
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def test_the_configuration_and_its_rule_files_are_valid() -> None:
    _ok(promtool("check", "config", CONFIG))


def test_the_configuration_loads_every_rule_file() -> None:
    config = yaml.safe_load(CONFIG.read_text())
    loaded = {p for pattern in config["rule_files"] for p in CONFIG.parent.glob(pattern)}
    assert RULE_FILES and loaded == set(RULE_FILES)


def test_the_rule_unit_tests_pass() -> None:
    assert RULE_TESTS, "no promtool tests in deploy/prometheus/tests"
    _ok(promtool("test", "rules", *RULE_TESTS))


def test_each_alert_is_shown_firing_by_a_unit_test() -> None:
    fired: set[str] = set()
    tested_files: set[Path] = set()
    for path in RULE_TESTS:
        spec = yaml.safe_load(path.read_text())
        tested_files |= {(path.parent / f).resolve() for f in spec["rule_files"]}
        for test in spec["tests"]:
            for case in test.get("alert_rule_test", []):
                if case.get("exp_alerts"):
                    fired.add(case["alertname"])
    assert {p.resolve() for p in RULE_FILES} <= tested_files
    alerts = {rule["alert"] for rule in _alert_rules()}
    assert alerts >= {
        "AnalogueWatchWorkerDown",
        "AnalogueWatchDeadLetterRateHigh",
        "AnalogueWatchConsumerLagHigh",
        "AnalogueWatchNoEvents",
    }
    assert alerts <= fired, f"alerts no test shows firing: {alerts - fired}"


def test_every_metric_a_rule_names_is_exposed_by_a_service() -> None:
    known = exposed_names() | PROMETHEUS_SERIES
    for rule in _alert_rules():
        names, regexes = metric_names(rule["expr"])
        assert names <= known, f"{rule['alert']}: unknown {names - known}"
        for regex in regexes:
            matched = {n for n in known if re.fullmatch(regex, n)}
            assert matched, f"{rule['alert']}: {regex!r} matches no metric"
            prefixes = re.match(r"\(([\w|]+)\)_", regex)
            for service in prefixes.group(1).split("|") if prefixes else ():
                assert any(n.startswith(f"{service}_") for n in matched), (
                    f"{rule['alert']}: {regex!r} matches nothing of {service}"
                )


def test_worker_down_watches_every_scrape_job() -> None:
    jobs = {job["job_name"] for job in yaml.safe_load(CONFIG.read_text())["scrape_configs"]}
    (rule,) = [r for r in _alert_rules() if r["alert"] == "AnalogueWatchWorkerDown"]
    watched = re.search(r'job=~"([^"]+)"', rule["expr"]).group(1)
    assert {j for j in jobs if re.fullmatch(watched, j)} == jobs


def test_every_dashboard_query_parses_as_promql(tmp_path: Path) -> None:
    """Each target, with Grafana's variables replaced, as a recording rule promtool checks."""
    rules = []
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        for panel in board["panels"]:
            for target in panel["targets"]:
                expr = (
                    target["expr"]
                    .replace("$__rate_interval", "1m")
                    .replace("$__range", "1h")
                    .replace("$__interval", "15s")
                    .replace("$jurisdiction", ".*")
                )
                rules.append({"record": f"dashboard:panel{panel['id']}:{len(rules)}", "expr": expr})
    assert rules
    checked = tmp_path / "dashboard-queries.yml"
    checked.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    _ok(promtool("check", "rules", checked))


def test_every_alert_links_to_its_section_of_the_runbook() -> None:
    runbook = REPO / "docs" / "runbook.md"
    sections = {
        line[3:].strip().lower()
        for line in runbook.read_text().splitlines()
        if line.startswith("## ")
    }
    for rule in _alert_rules():
        url = rule["annotations"].get("runbook_url", "")
        path, _, anchor = url.partition("#")
        assert path == "docs/runbook.md" and anchor == rule["alert"].lower(), rule["alert"]
        assert anchor in sections, f"docs/runbook.md has no section '## {rule['alert']}'"
