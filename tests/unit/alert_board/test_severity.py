"""Severity: what an officer reads first (services/domain/severity.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.alerts import AlertStatus
from services.domain.severity import FAMILY_LEVELS, Level, parse_levels, severity

PROTONITAZENE = "CCCOc1ccc(Cc2nc3cc([N+](=O)[O-])ccc3n2CCN(CC)CC)cc1"
ALPHA_PHP = "CCCCC(N1CCCC1)C(=O)c1ccccc1"
JWH_018 = "CCCCCn1cc(C(=O)c2cccc3ccccc23)c2ccccc21"
CAFFEINE = "Cn1c(=O)c2c(ncn2C)n(C)c1=O"
T_LATE = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)  # after the fixtures' sightings


def test_opioids_come_before_stimulants_before_cannabinoids(make_alert) -> None:
    levels = [severity(make_alert(canonical_smiles=s)) for s in (PROTONITAZENE, ALPHA_PHP, JWH_018)]
    assert levels == [Level.CRITICAL, Level.HIGH, Level.MEDIUM]
    assert severity(make_alert(canonical_smiles=CAFFEINE)) == Level.MEDIUM  # no family known


def test_a_reopened_alert_is_a_level_up_and_a_suppressed_one_a_level_down(make_alert) -> None:
    assert severity(make_alert("reopened", 3, canonical_smiles=JWH_018)) == Level.HIGH
    assert severity(make_alert("updated", 3, canonical_smiles=JWH_018)) == Level.MEDIUM
    assert severity(make_alert("reopened", 3, canonical_smiles=PROTONITAZENE)) == Level.CRITICAL
    assert severity(make_alert("suppressed", 2, canonical_smiles=ALPHA_PHP)) == Level.MEDIUM


def test_nothing_left_to_act_on_is_low(make_alert) -> None:
    resolved = make_alert("resolved", 4, canonical_smiles=PROTONITAZENE)
    assert resolved.data.status == AlertStatus.RESOLVED and severity(resolved) == Level.LOW


def test_the_levels_are_configurable_ahead_of_the_defaults(make_alert) -> None:
    levels = parse_levels("cannabinoid=critical")
    assert severity(make_alert(canonical_smiles=JWH_018), levels) == Level.CRITICAL
    assert levels[1:] == FAMILY_LEVELS


@pytest.mark.parametrize("text", ["opioid=urgent", "=high", "opioid"])
def test_a_wrong_setting_says_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match="level must be one of|name a keyword"):
        parse_levels(text)


def test_the_list_puts_the_most_severe_open_alert_first(make_alert) -> None:
    from services.alert_board.pages import in_board_order

    seen_later = make_alert(alert_id="KZ-JWH", canonical_smiles=JWH_018, last_seen=T_LATE)
    nitazene = make_alert(alert_id="KZ-NIT", canonical_smiles=PROTONITAZENE)
    resolved = make_alert("resolved", 2, alert_id="KZ-OLD", canonical_smiles=PROTONITAZENE)
    order = [e.data.alert_id for e in in_board_order([resolved, seen_later, nitazene])]
    assert order == ["KZ-NIT", "KZ-JWH", "KZ-OLD"]
