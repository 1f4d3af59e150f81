"""What each service exposes on /metrics: the names the issue asks for, base units, bounded
labels, and the gauges that are computed rather than counted (sweep totals, amendment timings)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from faust.types import TP
from metric_names import exposed_names, metric_names, series_names, service_metrics

from contracts.alerts import AlertKind
from contracts.errors import ErrorClass
from contracts.schedule import Amendment, AmendmentStatus, Instrument, ScheduleState
from services.analogue_monitor.metrics import MonitorMetrics, SweepTally
from services.platform.metrics import ServiceMetrics
from services.platform.stream import StreamService
from services.schedule_registry.metrics import DAY, RegistryMetrics

STREAM = ("schedule_registry", "substance_resolver", "analogue_monitor", "partner_notifier")
# Label names whose values could be a substance, a case or an event: unbounded cardinality.
UNBOUNDED = {
    "smiles",
    "inchi",
    "inchikey",
    "match_key",
    "substance",
    "alert_id",
    "case_id",
    "sample_id",
    "seizure_id",
    "event_id",
    "id",
    "correlation_id",
    "amendment_id",
}


def _families(metrics):
    return {f.name: f for f in metrics.registry.collect()}


def _value(metrics, name: str, **labels) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


@pytest.mark.parametrize("service", STREAM)
def test_each_stream_service_exposes_what_the_issue_asks(service: str) -> None:
    names = series_names(service_metrics()[service].registry)
    for wanted in (
        "events_consumed_total",  # by type
        "dead_letters_total",  # by error class (every dead letter, not only invalid input)
        "processing_seconds_bucket",
        "consumer_lag_messages",
        "last_event_timestamp_seconds",
    ):
        assert f"{service}_{wanted}" in names


def test_the_monitor_and_registry_expose_alerts_amendments_and_time_to_control() -> None:
    names = exposed_names()
    assert {
        "analogue_monitor_alerts_total",
        "analogue_monitor_alerts_by_status",
        "analogue_monitor_alert_longest_wait_seconds",
        "analogue_monitor_time_to_control_seconds_bucket",
        "schedule_registry_pending_amendments",
        "schedule_registry_oldest_pending_amendment_age_seconds",
        "schedule_registry_amendment_decision_seconds_bucket",
    } <= names
    monitor = _families(MonitorMetrics())
    assert monitor["analogue_monitor_alerts"].type == "counter"
    assert monitor["analogue_monitor_alerts_by_status"].type == "gauge"
    assert monitor["analogue_monitor_time_to_control_seconds"].type == "histogram"


@pytest.mark.parametrize("service", [*STREAM, "alert_board"])
def test_names_are_prefixed_in_base_units_with_bounded_labels(service: str) -> None:
    metrics = service_metrics()[service]
    for family in metrics.registry.collect():
        assert family.name.startswith(f"{service}_"), family.name
        assert not re_search_units(family.name), f"{family.name}: use base units (seconds, bytes)"
        if family.type == "histogram":
            assert family.name.endswith("_seconds"), family.name
    for collector in metrics.registry._collector_to_names:  # the metric objects themselves
        labels = set(getattr(collector, "_labelnames", ()))
        assert not labels & UNBOUNDED, f"{collector}: unbounded label {labels & UNBOUNDED}"


def re_search_units(name: str) -> bool:
    return any(unit in name.split("_") for unit in ("ms", "milliseconds", "minutes", "days", "kb"))


@pytest.mark.parametrize("service", STREAM)
def test_every_error_class_and_transition_starts_at_zero(service: str) -> None:
    """A dead-letter rate is 0, not "no data", and an increase counts the first failure."""
    metrics = service_metrics()[service]
    for error_class in ErrorClass:
        assert _value(metrics, f"{service}_dead_letters_total", error_class=error_class.value) == 0
    if service == "analogue_monitor":
        for transition in AlertKind:
            assert _value(metrics, "analogue_monitor_alerts_total", transition=transition) == 0


# -- the monitor's sweep gauges --------------------------------------------------------------


def _tally(*alerts: tuple[str, str, float | None], substances: int = 1) -> SweepTally:
    tally = SweepTally(substances=substances)
    for jurisdiction, status, waited in alerts:
        tally.alert(jurisdiction, status, waited)
    return tally


def test_alert_gauges_sum_the_partitions_a_worker_owns() -> None:
    """Each sweep covers one partition: the gauge is the worker's total, not the last sweep's."""
    m = MonitorMetrics()
    m.observe_sweep(0, _tally(("KZ", "open", 10 * DAY), ("KZ", "open", 30 * DAY)), owned=[0, 1])
    m.observe_sweep(1, _tally(("KZ", "open", 20 * DAY), ("UZ", "suppressed", 5 * DAY)), [0, 1])

    open_kz = {"jurisdiction": "KZ", "status": "open"}
    assert _value(m, "analogue_monitor_alerts_by_status", **open_kz) == 3
    assert _value(m, "analogue_monitor_alert_longest_wait_seconds", **open_kz) == 30 * DAY
    assert (
        _value(m, "analogue_monitor_alerts_by_status", jurisdiction="UZ", status="suppressed") == 1
    )
    assert _value(m, "analogue_monitor_substances_tracked") == 2
    assert _value(m, "analogue_monitor_sweeps_total") == 2


def test_a_status_no_longer_held_drops_to_zero_and_its_wait_disappears() -> None:
    m = MonitorMetrics()
    m.observe_sweep(0, _tally(("KZ", "suppressed", 40 * DAY)), owned=[0])
    m.observe_sweep(0, _tally(("KZ", "resolved", None)), owned=[0])

    suppressed = {"jurisdiction": "KZ", "status": "suppressed"}
    assert _value(m, "analogue_monitor_alerts_by_status", **suppressed) == 0
    assert _value(m, "analogue_monitor_alert_longest_wait_seconds", **suppressed) is None
    resolved = {"jurisdiction": "KZ", "status": "resolved"}
    assert _value(m, "analogue_monitor_alerts_by_status", **resolved) == 1
    assert _value(m, "analogue_monitor_alert_longest_wait_seconds", **resolved) is None


def test_a_partition_given_away_in_a_rebalance_stops_counting() -> None:
    m = MonitorMetrics()
    m.observe_sweep(0, _tally(("KZ", "open", DAY)), owned=[0, 1])
    m.observe_sweep(1, _tally(("KZ", "open", DAY)), owned=[0, 1])
    m.observe_sweep(1, _tally(("KZ", "open", DAY)), owned=[1])  # partition 0 went elsewhere

    assert _value(m, "analogue_monitor_alerts_by_status", jurisdiction="KZ", status="open") == 1


# -- the registry's amendment gauges and timings --------------------------------------------

T0 = dt.datetime(2025, 1, 10, tzinfo=dt.UTC)


def _amendment(
    number: int, status: AmendmentStatus, proposed: int, decided: int | None = None
) -> Amendment:
    """Amendment ``A-<number>`` proposed ``proposed`` days after T0 (decided ``decided``)."""
    return Amendment(
        amendment_id=f"A-{number}",
        instrument=Instrument.GOVERNMENT_DECREE,
        title="Amendment to the list of controlled substances",
        stage="introduced",
        status=status,
        proposed_at=T0 + dt.timedelta(days=proposed),
        stage_changed_at=T0 + dt.timedelta(days=proposed),
        decided_at=None if decided is None else T0 + dt.timedelta(days=decided),
    )


PENDING, ENACTED, REJECTED = (
    AmendmentStatus.PENDING,
    AmendmentStatus.ENACTED,
    AmendmentStatus.REJECTED,
)


def test_pending_amendments_and_the_oldest_ones_age_at_the_latest_legislation_event() -> None:
    m = RegistryMetrics()
    schedule = ScheduleState(
        amendments=[
            _amendment(1, PENDING, 0),
            _amendment(2, PENDING, 30),
            _amendment(3, REJECTED, 5, 50),
        ]
    )
    m.observe_schedule("KZ", None, schedule)

    assert _value(m, "schedule_registry_pending_amendments", jurisdiction="KZ") == 2
    # the latest event is the rejection on day 50; the oldest pending was proposed on day 0
    age = _value(m, "schedule_registry_oldest_pending_amendment_age_seconds", jurisdiction="KZ")
    assert age == 50 * DAY


def test_an_amendment_decided_is_timed_once_from_proposal_to_decision() -> None:
    m = RegistryMetrics()
    before = ScheduleState(amendments=[_amendment(1, PENDING, 0)])
    after = ScheduleState(amendments=[_amendment(1, ENACTED, 0, 120)])

    m.observe_schedule("KZ", before, after)
    m.observe_schedule("KZ", after, after)  # a redelivered event changes nothing

    decided = {"outcome": "enacted"}
    assert _value(m, "schedule_registry_amendment_decision_seconds_count", **decided) == 1
    assert _value(m, "schedule_registry_amendment_decision_seconds_sum", **decided) == 120 * DAY
    assert _value(m, "schedule_registry_pending_amendments", jurisdiction="KZ") == 0
    assert (
        _value(m, "schedule_registry_oldest_pending_amendment_age_seconds", jurisdiction="KZ") == 0
    )


def test_the_promql_name_reader_finds_names_not_labels_functions_or_variables() -> None:
    """The dashboard and rule checks below rely on it: it must see a name, and only names."""
    expr = (
        'histogram_quantile(0.99, sum by (le, handler) (rate(a_seconds_bucket{x=~"$v"}'
        "[$__rate_interval]))) / on (job) group_left (type) b_total offset 5m > bool 0.5"
    )
    assert metric_names(expr) == ({"a_seconds_bucket", "b_total"}, set())
    assert metric_names('sum({__name__=~"(p|q)_total", error_class="x"})') == (
        set(),
        {"(p|q)_total"},
    )
    assert metric_names("time() - max(c_timestamp_seconds) > 12 * 3600") == (
        {"c_timestamp_seconds"},
        set(),
    )
    assert metric_names("label_values(d_gauge, jurisdiction)") == ({"d_gauge"}, set())


# -- consumer lag, from faust's monitor --------------------------------------------------------


def test_consumer_lag_is_what_is_past_the_last_offset_read_summed_by_topic() -> None:
    """StreamService._update_lag reads faust's monitor: the end offset (the next to be written)
    of each partition fetched from, and the offset of the last message read (none: -1)."""
    metrics = ServiceMetrics("svc")
    monitor = SimpleNamespace(
        tp_end_offsets={TP("aw.a", 0): 10, TP("aw.a", 1): 5, TP("aw.b", 0): 3},
        tp_read_offsets={TP("aw.a", 0): 4, TP("aw.b", 0): 2},
    )
    service = SimpleNamespace(app=SimpleNamespace(monitor=monitor), metrics=metrics)

    _complete(StreamService._update_lag(service))

    # aw.a: offsets 5..9 of partition 0 and 0..4 of partition 1 unread; aw.b: all read
    assert _value(metrics, "svc_consumer_lag_messages", topic="aw.a") == 10
    assert _value(metrics, "svc_consumer_lag_messages", topic="aw.b") == 0


def _complete(coroutine) -> None:
    """Run a coroutine that awaits nothing to its end, without an event loop."""
    with pytest.raises(StopIteration):
        coroutine.send(None)


@pytest.mark.parametrize("service", (*STREAM, "alert_board"))
def test_no_counter_exports_its_creation_time(service: str) -> None:
    # Every counter also exported a ``..._created`` series (issue 16): noise for every query.
    from prometheus_client import generate_latest

    text = generate_latest(service_metrics()[service].registry).decode()
    assert "_total" in text
    assert "_created" not in text


def test_metrics_listen_on_loopback_unless_deployed_to_be_scraped() -> None:
    # /metrics listened on every interface while the board listened on loopback (issue 16).
    from pathlib import Path

    import yaml

    from services.alert_board.config import BoardSettings
    from services.platform.stream import StreamSettings

    assert StreamSettings().metrics_host == BoardSettings().metrics_host == "127.0.0.1"
    compose = yaml.safe_load((Path(__file__).parents[3] / "docker-compose.yml").read_text())
    scraped = {
        name: service["environment"]
        for name, service in compose["services"].items()
        if "AW_METRICS_PORT" in service.get("environment", {})
    }
    assert len(scraped) == 5  # the four services of issue 16 and the partner notifier
    assert all(env.get("AW_METRICS_HOST") == "0.0.0.0" for env in scraped.values()), scraped
