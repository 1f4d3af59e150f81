"""The monitor's alert rule per jurisdiction, from its settings (``AW_*`` and ``AW_ALERT_RULES``):
the defaults, each jurisdiction's default partners, and the overrides per jurisdiction and pair."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from services.analogue_monitor.config import MonitorSettings, alert_rules
from services.domain.lifecycle import PartnerRule


def rules_for(monkeypatch, overrides: dict | None = None, **env: str):
    for name, value in {**env, "AW_ALERT_RULES": json.dumps(overrides or {})}.items():
        monkeypatch.setenv(name, value)
    return alert_rules(MonitorSettings.from_env())


def test_kazakhstan_takes_its_neighbours_by_default_and_others_take_none(monkeypatch):
    rules = rules_for(monkeypatch, AW_MIN_OCCURRENCES="4")
    assert dict(rules("KZ").partners) == {
        "BY": PartnerRule(3, 90),
        "KG": PartnerRule(2, 90),
        "RU": PartnerRule(3, 90),
        "UZ": PartnerRule(2, 90),
    }
    assert rules("KZ").min_occurrences == 4  # the environment's defaults still apply
    assert rules("FR").partners == ()


def test_partners_are_chosen_per_jurisdiction_with_a_rule_per_pair(monkeypatch):
    rules = rules_for(
        monkeypatch,
        {
            "KZ": {"partners": {"UZ": {"min_occurrences": 1, "window_days": 30}, "RU": {}}},
            "UZ": {"partners": {"KZ": {}}, "min_partners_listing": 1},
        },
    )
    assert rules("KZ").partners == (("RU", PartnerRule(3, 90)), ("UZ", PartnerRule(1, 30)))
    assert rules("UZ").partners == (("KZ", PartnerRule(3, 90)),)
    assert rules("UZ").min_partners_listing == 1


def test_an_empty_partner_table_turns_early_warnings_off(monkeypatch):
    assert rules_for(monkeypatch, {"KZ": {"partners": {}}})("KZ").partners == ()


def test_a_partner_rule_with_an_unknown_field_is_refused(monkeypatch):
    with pytest.raises(ValidationError):
        rules_for(monkeypatch, {"KZ": {"partners": {"UZ": {"min_occurences": 1}}}})
