"""The metric names the services expose, and the ones a PromQL expression uses.

Names come from the metric objects themselves (each service's metrics class, instantiated), so a
dashboard or rule that names a metric no service has fails here rather than showing "no data".
"""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry

from services.alert_board.metrics import BoardMetrics
from services.analogue_monitor.metrics import MonitorMetrics
from services.partner_notifier.metrics import NotifierMetrics
from services.platform.metrics import ServiceMetrics
from services.schedule_registry.metrics import RegistryMetrics
from services.substance_resolver.metrics import ResolverMetrics

# Series Prometheus adds to every target itself.
PROMETHEUS_SERIES = frozenset({"up", "scrape_duration_seconds", "scrape_samples_scraped"})
SUFFIXES = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_count", "_sum")}


def service_metrics() -> dict[str, ServiceMetrics | BoardMetrics]:
    """One fresh metrics object per service (each with its own registry)."""
    stream = (RegistryMetrics(), ResolverMetrics(), MonitorMetrics(), NotifierMetrics())
    assert {type(m) for m in stream} == set(ServiceMetrics.__subclasses__())
    return {**{m.service: m for m in stream}, "alert_board": BoardMetrics()}


def series_names(registry: CollectorRegistry) -> set[str]:
    """The sample names a scrape of ``registry`` can show, labelled children or not."""
    return {
        family.name + suffix for family in registry.collect() for suffix in SUFFIXES[family.type]
    }


def exposed_names() -> set[str]:
    return set().union(*(series_names(m.registry) for m in service_metrics().values()))


_KEYWORDS = frozenset(
    {"by", "without", "on", "ignoring", "group_left", "group_right", "bool"}
    | {"and", "or", "unless", "offset", "inf", "nan"}
)


def metric_names(expr: str) -> tuple[set[str], set[str]]:
    """(metric names, ``__name__`` regexes) an expression selects.

    >>> metric_names('sum by (job) (rate(foo_total{a="b"}[5m])) / on (job) bar')
    ({'bar', 'foo_total'}, set())
    >>> metric_names('time() - max({__name__=~"(a|b)_seconds"})')
    (set(), {'(a|b)_seconds'})
    >>> metric_names("label_values(pending, jurisdiction)")
    ({'pending'}, set())
    """
    regexes = set(re.findall(r'__name__\s*=~\s*"([^"]*)"', expr))
    exact = set(re.findall(r'__name__\s*=\s*"([^"]*)"', expr))
    text = re.sub(r"label_values\(\s*(\w+)\s*,\s*\w+\s*\)", r"\1", expr)
    text = re.sub(r'"(?:\\.|[^"\\])*"', "", text)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\$\w+", " ", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\b\d[\w.]*", " ", text)  # numbers and durations (0.5, 1e3, 5m)
    names = {
        m.group(1)
        for m in re.finditer(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", text)
        if not m.group(2) and m.group(1) not in _KEYWORDS
    }
    return names | exact, regexes
