"""The alert event published for a judgement: its id, its body, its type by the transition.

Ids follow from the state (``<jurisdiction>-<match key>``, version ``/v<n>``), so reprocessing
after a crash publishes the same versions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from contracts.alerts import (
    ALERT_TYPES,
    AlertBody,
    AlertKind,
    ControlRoute,
    Correction,
    ForeignSighting,
    JurisdictionStatus,
    PartnerSighting,
    PendingAmendmentRef,
)
from contracts.topics import ALERTS
from services.domain.effects import Emit, emit
from services.domain.lifecycle import AlertRule, promoted_at
from services.domain.substance import JurisdictionState, SubstanceState
from services.domain.wording import days

MAX_IDS = 50  # AlertBody.seizure_ids and sample_ids hold at most this many
REASON_MAX = 4096


def alert_id(jurisdiction: str, match_key: str) -> str:
    """The alert's id: one alert per substance and jurisdiction, whatever happens to it.

    >>> alert_id("KZ", "XXXXXXXXXXXXXX-UHFFFAOYSA-N")
    'KZ-XXXXXXXXXXXXXX-UHFFFAOYSA-N'
    """
    return f"{jurisdiction}-{match_key}"


def alert_event(
    state: SubstanceState,
    j: str,
    local: JurisdictionState,
    kind: AlertKind,
    *,
    at: dt.datetime,
    foreign: list[ForeignSighting],
    reason: str,
    rule: AlertRule,
    source: str,
    correction: Correction | None = None,
    time_to_control: float | None = None,
    control: list[ControlRoute] | None = None,
    pending: list[PendingAmendmentRef] | None = None,
    abroad: list[JurisdictionStatus] | None = None,
    seen_abroad: list[PartnerSighting] | None = None,
) -> Emit:
    """The version ``local.alert`` of the substance's alert in ``j``, judged at ``at``."""
    assert local.alert is not None and local.assessment is not None
    sightings = local.sightings
    window = sightings.in_window(at, rule.window)
    recent = sorted(window, key=lambda o: (o.seen_at, o.occurrence_id), reverse=True)
    # An early warning may come before any sighting here: first seen where a partner saw it.
    abroad_first = min((f.first_seen for f in foreign if f.first_seen is not None), default=None)
    first_seen = sightings.first_seen or abroad_first or at
    max_ids = min(rule.max_ids, MAX_IDS)
    ident = alert_id(j, state.match_key)
    body = AlertBody(
        alert_id=ident,
        version=local.alert.version,
        jurisdiction=j,
        substance_key=state.forms[0].substance_key,
        match_key=state.match_key,
        canonical_smiles=state.forms[0].canonical_smiles,
        reported_names=list(state.reported_names),
        status=local.alert.status,
        reason=reason[:REASON_MAX],
        rules_fired=list(local.assessment.rules_fired)[:50],
        nearest_listed=list(local.assessment.nearest)[:20],
        occurrence_count=len(window),
        window_days=rule.window_days,
        first_seen=first_seen,
        last_seen=sightings.last_seen or first_seen,
        regions=list(sightings.regions),
        channels=list(sightings.channels),
        seizure_ids=_unique(o.seizure_id for o in recent)[:max_ids],
        sample_ids=_unique(s for o in recent for s in o.sample_ids)[:max_ids],
        pending_amendments=list(local.assessment.pending if pending is None else pending)[:50],
        foreign_sightings=foreign,
        control_routes=list(control or ()) if kind != AlertKind.RESOLVED else [],
        time_to_control_days=(
            days(at - first_seen) if kind == AlertKind.RESOLVED else time_to_control
        ),
        correction=correction,
        status_abroad=list(abroad or ())[:250],
        level=local.alert.level,
        promoted=kind == AlertKind.UPDATED and promoted_at(local.history, local.alert.version),
        seen_abroad=list(seen_abroad or ())[:250],
    )
    event = ALERT_TYPES[kind](
        id=f"{ident}/v{body.version}",
        source=source,
        jurisdiction=j,
        time=local.alert.time,
        published=local.alert.time,
        data=body,
    )
    return emit(ALERTS, event)


def _unique(values: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value is not None:
            seen.setdefault(value, None)
    return list(seen)
