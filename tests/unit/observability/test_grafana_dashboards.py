"""The Grafana dashboards in deploy/grafana/dashboards, checked without a Grafana: the schema
basics provisioning needs, the one datasource, and every metric they name exists in a service.
Whether each panel has data is tests/e2e/test_prometheus_dashboards.py's question."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from metric_names import PROMETHEUS_SERIES, exposed_names, metric_names

REPO = Path(__file__).resolve().parents[3]
GRAFANA = REPO / "deploy" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
DATASOURCE = {"type": "prometheus", "uid": "prometheus"}
PANEL_TYPES = {"timeseries", "stat", "bargauge", "table", "heatmap", "gauge", "text"}


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def _targets(board: dict):
    for panel in board["panels"]:
        for target in panel.get("targets", []):
            yield panel, target


def _variable_queries(board: dict):
    for var in board.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            query = var["query"]
            yield var, query["query"] if isinstance(query, dict) else query


def test_the_three_dashboards_are_there() -> None:
    uids = {_load(p)["uid"] for p in DASHBOARDS}
    assert uids == {"aw-pipeline-health", "aw-alert-overview", "aw-legislative-lag"}


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_schema_basics(path: Path) -> None:
    board = _load(path)
    assert re.fullmatch(r"[a-z0-9-]{1,40}", board["uid"]), board["uid"]
    assert board["title"].strip()
    assert isinstance(board["schemaVersion"], int)
    assert board["panels"], "no panels"
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids)), f"duplicate panel ids: {ids}"
    for panel in board["panels"]:
        where = f"{path.name} panel {panel['id']} {panel.get('title')!r}"
        assert panel["type"] in PANEL_TYPES, where
        assert panel["title"].strip(), where
        pos = panel["gridPos"]
        assert pos["w"] > 0 and pos["h"] > 0 and pos["x"] >= 0 and pos["x"] + pos["w"] <= 24, where
        assert panel["datasource"] == DATASOURCE, where
        assert panel["targets"], f"{where}: no targets"
        refs = [t["refId"] for t in panel["targets"]]
        assert len(refs) == len(set(refs)), f"{where}: duplicate refIds {refs}"
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE["uid"], where
            assert target["expr"].strip(), f"{where} {target['refId']}: empty expr"


def test_titles_and_uids_are_unique_across_dashboards() -> None:
    boards = [_load(p) for p in DASHBOARDS]
    assert len({b["uid"] for b in boards}) == len(boards)
    assert len({b["title"] for b in boards}) == len(boards)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_metric_a_dashboard_names_is_exposed_by_a_service(path: Path) -> None:
    board = _load(path)
    known = exposed_names() | PROMETHEUS_SERIES
    exprs = [
        (f"panel {p['id']} {p['title']!r} {t['refId']}", t["expr"]) for p, t in _targets(board)
    ]
    exprs += [(f"variable ${v['name']}", q) for v, q in _variable_queries(board)]
    unknown = []
    for where, expr in exprs:
        names, regexes = metric_names(expr)
        assert names or regexes, f"{where}: no metric in {expr!r}"
        assert not regexes, f"{where}: name the metrics, no __name__ regex: {expr!r}"
        unknown += [f"{where}: {n}" for n in sorted(names - known)]
    assert not unknown, "metrics no service exposes:\n" + "\n".join(unknown)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_variable_used_is_defined(path: Path) -> None:
    board = _load(path)
    defined = {v["name"] for v in board.get("templating", {}).get("list", [])}
    builtin = {"__rate_interval", "__range", "__interval"}
    for panel, target in _targets(board):
        used = set(re.findall(r"\$(\w+)", target["expr"]))
        assert used <= defined | builtin, f"panel {panel['id']}: undefined {used - defined}"


def test_provisioning_points_at_the_dashboards_and_the_datasource_uid() -> None:
    """The datasource uid the panels use is the provisioned one; the dashboard provider reads
    the folder docker-compose mounts deploy/grafana/dashboards on."""
    datasources = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    assert [d["uid"] for d in datasources["datasources"]] == [DATASOURCE["uid"]]
    assert datasources["datasources"][0]["type"] == DATASOURCE["type"]
    providers = yaml.safe_load((GRAFANA / "provisioning/dashboards/analogue-watch.yml").read_text())
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]["grafana"]
    mounts = dict(v.split(":")[:2] for v in compose["volumes"])
    assert providers["providers"][0]["options"]["path"] == mounts["./deploy/grafana/dashboards"]
    assert datasources["datasources"][0]["url"] == "http://prometheus:9090"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_stat_panel_has_thresholds_and_shows_their_colour(path: Path) -> None:
    # Only one stat panel had thresholds (issue 16): a number alone says nothing of its state.
    for panel in _load(path)["panels"]:
        if panel["type"] == "stat":
            assert panel["fieldConfig"]["defaults"].get("thresholds"), panel["title"]
            assert panel["options"]["colorMode"] != "none", panel["title"]


def test_alert_dashboards_link_to_the_board() -> None:
    for path in DASHBOARDS:
        board = _load(path)
        if board["uid"] == "aw-pipeline-health":
            continue
        assert any(link.get("url") == "${board}" for link in board.get("links", [])), path.name
        assert "board" in {v["name"] for v in board["templating"]["list"]}


def test_time_to_control_buckets_are_named_in_days() -> None:
    # Bars were labelled with the bucket bounds in seconds, 1.5552e+07 (issue 16).
    from prometheus_client.utils import floatToGoString

    from services.analogue_monitor.metrics import CONTROL_BUCKETS, DAY

    board = _load(GRAFANA / "dashboards" / "legislative-lag.json")
    [panel] = [p for p in board["panels"] if "{{le}}" in str(p["targets"])]
    named = {
        o["matcher"]["options"]: o["properties"][0]["value"]
        for o in panel["fieldConfig"]["overrides"]
    }
    for bound in CONTROL_BUCKETS:
        assert named[floatToGoString(bound)] == f"≤ {bound / DAY:g} days"
    assert "+Inf" in named
