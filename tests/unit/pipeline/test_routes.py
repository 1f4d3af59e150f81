"""Each service's routing table takes every event type its topics carry, keyed as the topic table
keys it; the services' wiring and the replay both read these tables."""

from __future__ import annotations

import pytest

from contracts.events import EVENT_MODELS
from contracts.topics import (
    ALERTS,
    DETECTIONS,
    LAB_RESULTS,
    LEGISLATION,
    PROGRESS,
    SCHEDULE_CHANGES,
    SEIZURE_ITEMS,
    SEIZURES,
    Topic,
)
from services.analogue_monitor import handlers as monitor
from services.domain.effects import Routes
from services.partner_notifier import handlers as notifier
from services.schedule_registry import handlers as registry
from services.substance_resolver import handlers as resolver

SERVICES: list[tuple[str, Routes, tuple[Topic, ...]]] = [
    ("substance_resolver", resolver.ROUTES, (SEIZURES, LAB_RESULTS, SEIZURE_ITEMS)),
    ("schedule_registry", registry.ROUTES, (LEGISLATION,)),
    ("analogue_monitor", monitor.ROUTES, (DETECTIONS, SCHEDULE_CHANGES)),
    ("partner_notifier", notifier.ROUTES, (ALERTS,)),
]


@pytest.mark.parametrize(("name", "routes", "topics"), SERVICES, ids=[s[0] for s in SERVICES])
def test_every_type_read_is_routed_and_nothing_else(
    name: str, routes: Routes, topics: tuple[Topic, ...]
) -> None:
    read = {t for topic in topics for t in topic.value_types if t != PROGRESS}
    assert {EVENT_MODELS[t] for t in read} == set(routes)


@pytest.mark.parametrize(("name", "routes", "topics"), SERVICES, ids=[s[0] for s in SERVICES])
def test_each_route_keys_by_the_topic_its_type_comes_on(
    name: str, routes: Routes, topics: tuple[Topic, ...]
) -> None:
    by_type = {model: route.topic for model, route in routes.items()}
    carried = {
        EVENT_MODELS[t]: topic for topic in topics for t in topic.value_types if t != PROGRESS
    }
    assert by_type == carried


def test_one_service_keeps_one_state_table() -> None:
    tables = {name: {r.table for r in routes.values()} - {None} for name, routes, _ in SERVICES}
    assert tables == {
        "substance_resolver": {"samples"},
        "schedule_registry": {"schedules"},
        "analogue_monitor": {"substances"},
        "partner_notifier": set(),  # stateless: an alert version says it all
    }
