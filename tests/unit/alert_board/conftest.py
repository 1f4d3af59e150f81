"""Alert events built with the contracts' models, for the alert tools and the alert board."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from contracts.alerts import (
    AlertBody,
    AlertEvent,
    AlertRaised,
    AlertReopened,
    AlertResolved,
    AlertSuppressed,
    AlertUpdated,
    JurisdictionStatus,
    NearestListed,
)

T0 = dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC)  # a Monday
ALPHA_PHP = "CCCCC(N1CCCC1)C(=O)c1ccccc1"
ALPHA_PVP = "CCCC(N1CCCC1)C(=O)c1ccccc1"
CATHINONE_CORE = "O=C(c1ccccc1)C(N1CCCC1)CC"

_MODELS = {
    "raised": AlertRaised,
    "updated": AlertUpdated,
    "suppressed": AlertSuppressed,
    "reopened": AlertReopened,
    "resolved": AlertResolved,
}
_STATUS_OF = {
    "raised": "open",
    "reopened": "open",
    "suppressed": "suppressed",
    "resolved": "resolved",
}

MakeAlert = Callable[..., AlertEvent]


def make_alert(
    kind: str = "raised",
    version: int = 1,
    *,
    alert_id: str = "KZ-KYIJLDDXQWBNGX",
    jurisdiction: str = "KZ",
    status: str | None = None,
    **body: Any,
) -> AlertEvent:
    """An alert event of ``kind`` (raised, updated, ...); ``body`` overrides AlertBody fields."""
    fields: dict[str, Any] = {
        "alert_id": alert_id,
        "version": version,
        "jurisdiction": jurisdiction,
        "substance_key": "KYIJLDDXQWBNGX-UHFFFAOYSA-N",
        "match_key": "KYIJLDDXQWBNGX",
        "canonical_smiles": ALPHA_PHP,
        "reported_names": ["α-PHP", "alpha-PHP"],
        "status": status or _STATUS_OF.get(kind, "open"),
        "reason": "α-PHP is not listed in KZ and shares the cathinone core of α-PVP.",
        "nearest_listed": [
            NearestListed(
                name="α-PVP",
                similarity=0.83,
                shared_core_smarts=CATHINONE_CORE,
                core_coverage=0.92,
                source="baseline:KZ",
            )
        ],
        "occurrence_count": 6,
        "window_days": 90,
        "first_seen": T0,
        "last_seen": T0 + dt.timedelta(days=20),
        "regions": ["Almaty", "Astana"],
        "channels": ["post", "messenger"],
    }
    fields.update(body)
    published = fields["last_seen"] + dt.timedelta(hours=version)
    return _MODELS[kind](
        id=f"{alert_id}-v{version}",
        source="analogue_monitor",
        jurisdiction=jurisdiction,
        time=published,
        published=published,
        data=AlertBody(**fields),
    )


@pytest.fixture(name="make_alert")
def make_alert_fixture() -> MakeAlert:
    return make_alert


@pytest.fixture
def ru_listed() -> JurisdictionStatus:
    """alpha-PiHP listed in Russia by government decree since 1 March 2025 (status abroad)."""
    return JurisdictionStatus(
        jurisdiction="RU",
        status="listed",
        name="alpha-PiHP",
        act="RU-PP-2025-0231",
        instrument="government_decree",
        since=dt.date(2025, 3, 1),
    )
