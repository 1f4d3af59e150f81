"""Each alert kind names its event type, and every alert event type has a kind."""

from __future__ import annotations

from typing import get_args

from contracts.alerts import ALERT_EVENTS, ALERT_TYPES, AlertEvent, AlertKind, alert_kind
from contracts.topics import ALERTS


def test_each_kind_is_the_middle_of_its_type() -> None:
    for kind, model in ALERT_TYPES.items():
        assert model.model_fields["type"].default == f"aw.alert.{kind.value}.v1"


def test_the_kinds_cover_the_alert_topic_and_the_union() -> None:
    assert set(ALERT_TYPES) == set(AlertKind)
    assert set(ALERT_TYPES.values()) == set(get_args(AlertEvent)) == set(ALERT_EVENTS)
    assert {m.model_fields["type"].default for m in ALERT_TYPES.values()} == ALERTS.types


def test_a_kind_is_told_by_the_model() -> None:
    for kind, model in ALERT_TYPES.items():
        assert alert_kind(model.model_construct()) is kind
