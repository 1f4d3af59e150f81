"""What partner agencies are told of an alert version: :func:`notification_for`, pure.

Only two moments are news abroad: an alert **raised** (an unlisted analogue is spreading here)
and an alert **resolved** (it is now controlled here, and by which act). The other versions are
not notified:

* ``updated``: new counts and escalations on an alert already notified; a partner wanting the
  latest figures asks, and a notification per sighting would be noise. Except the update that
  promotes an early warning to a domestic alert (``promoted``): the substance is now seen here
  as often as the domestic rule asks;
* ``suppressed``: an amendment here would cover it, which changes nothing abroad;
* ``reopened``: the alert stands again after a cover or a control lapsed; the first raise was
  notified (a lapsed control abroad is a candidate for a new kind, ``NotificationKind``);
* ``corrected``: a late input rewrote history; whether to tell partners of a retraction is a
  policy still to decide (see docs/security.md, "Not done").

The notification's id follows from the alert version (``<alert id>/v<version>/partner``), and its
times are the alert version's, so a redelivered alert gives the same notification, byte for byte.

>>> from contracts.alerts import AlertSuppressed
>>> notification_for(AlertSuppressed.model_construct()) is None
True
"""

from __future__ import annotations

import datetime as dt

from contracts.alerts import (
    AlertBody,
    AlertEvent,
    AlertKind,
    AlertRaised,
    AlertResolved,
    AlertUpdated,
    ControlStatus,
    RuleFired,
    alert_kind,
)
from contracts.notifications import (
    ControllingAct,
    Counts,
    Evidence,
    LegislativeState,
    NotificationBody,
    NotificationKind,
    NotifiedSubstance,
    PartnerNotified,
)
from services.domain.effects import derived_id

NOTIFIED: dict[AlertKind, NotificationKind] = {
    AlertKind.RAISED: NotificationKind.RAISED,
    AlertKind.RESOLVED: NotificationKind.RESOLVED,
}
"""The alert kinds partners are told of, and what they are told happened."""

CONTROLLING_RULES = ("listed", "group-definition")
"""The classification rules that say a substance is controlled: by name, by a group definition."""


def notification_id(body: AlertBody) -> str:
    """The notification's id, from the alert version it tells of.

    >>> from types import SimpleNamespace
    >>> notification_id(SimpleNamespace(alert_id="KZ-UOZWZANRCOALQL", version=3))
    'KZ-UOZWZANRCOALQL/v3/partner'
    """
    return derived_id(body.alert_id, f"v{body.version}", "partner")


def notification_for(
    alert: AlertEvent, *, source: str = "partner_notifier"
) -> PartnerNotified | None:
    """What partner agencies are told of ``alert``: a notification for a raised or resolved
    version, None for any other kind."""
    kind = NOTIFIED.get(alert_kind(alert))
    if kind is None and isinstance(alert, AlertUpdated) and alert.data.promoted:
        kind = NotificationKind.PROMOTED
    if kind is None:
        return None
    body = alert.data
    return PartnerNotified(
        id=notification_id(body),
        source=source,
        jurisdiction=alert.jurisdiction,
        time=alert.time,
        published=alert.published,
        data=NotificationBody(
            kind=kind,
            alert_id=body.alert_id,
            alert_version=body.version,
            jurisdiction=body.jurisdiction,
            reason=body.reason,
            level=body.level,
            substance=NotifiedSubstance(
                names=list(body.reported_names),
                canonical_smiles=body.canonical_smiles,
                inchikey=body.substance_key,
                match_key=body.match_key,
            ),
            evidence=Evidence(
                nearest_listed=list(body.nearest_listed), rules_fired=list(body.rules_fired)
            ),
            counts=Counts(
                occurrences=body.occurrence_count,
                window_days=body.window_days,
                first_seen=body.first_seen,
                last_seen=body.last_seen,
                regions=list(body.regions),
                channels=list(body.channels),
            ),
            legislation=_legislation(alert, body),
        ),
    )


def _legislation(alert: AlertEvent, body: AlertBody) -> LegislativeState:
    if not isinstance(alert, AlertResolved):
        assert isinstance(alert, AlertRaised | AlertUpdated)
        return LegislativeState(
            status=ControlStatus.ANALOGUE, pending_amendments=list(body.pending_amendments)
        )
    fired = {rule.rule for rule in body.rules_fired}
    # A resolved alert's rules say how it is controlled: by name, else by a group definition.
    grouped = "listed" not in fired and "group-definition" in fired
    acts = (_act(rule) for rule in body.rules_fired if rule.rule in CONTROLLING_RULES)
    return LegislativeState(
        status=ControlStatus.GROUP if grouped else ControlStatus.LISTED,
        pending_amendments=list(body.pending_amendments),
        controlled_by=list(dict.fromkeys(act for act in acts if act is not None)),
        time_to_control_days=body.time_to_control_days,
    )


def _act(rule: RuleFired) -> ControllingAct | None:
    """The act a controlling rule names in its evidence (``source``), None without one.

    >>> _act(RuleFired(rule="listed", explanation="listed in schedule I by KZ-AMD-2025-007",
    ...     evidence={"listing": "alpha-PHP", "source": "KZ-AMD-2025-007", "schedule": "I",
    ...               "effective_from": "2025-09-01"})).effective_from
    datetime.date(2025, 9, 1)
    """
    evidence = rule.evidence
    act = str(evidence.get("source", "")).strip()
    if not act:
        return None
    name = str(evidence.get("listing") or evidence.get("group") or "").strip()
    schedule = str(evidence.get("schedule", "")).strip()
    return ControllingAct(
        act=act,
        by=rule.rule,
        name=name or None,
        schedule=schedule or None,
        effective_from=_date(evidence.get("effective_from")),
        explanation=rule.explanation,
    )


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
