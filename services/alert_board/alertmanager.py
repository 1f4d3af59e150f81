"""Open alerts forwarded to a Prometheus Alertmanager, where on-call already lives.

Alertmanager holds alerts as states, not events: every open alert is one firing Alertmanager
alert, sent again every ``interval`` with ``endsAt`` a few intervals ahead (so it stays firing
while the board runs, and resolves by itself if the board stops); one that is suppressed,
resolved or retracted is sent once more with ``endsAt`` now, which resolves it. Labels are for
routing (email, chat, a webhook: Alertmanager's own configuration, no code here): ``alertname``
``AnalogueWatchUnlistedAnalogue``, ``alert_id``, ``jurisdiction``, ``severity`` (critical, high,
medium, low: :mod:`services.domain.severity`), ``family``, ``opened`` (raised or reopened).
Annotations carry the words: the substance, why it is open, the latest change, the board's page.

Pure: :func:`payload` builds what :class:`~services.alert_board.app.Board` posts to
``<url>/api/v2/alerts``.

>>> import datetime as dt
>>> ends_at(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 30.0)
'2026-01-01T00:02:00+00:00'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import quote

from contracts.alerts import AlertEvent, AlertKind, AlertStatus, alert_kind
from services.domain.severity import FAMILY_LEVELS, Levels, family_of, severity

ALERTNAME = "AnalogueWatchUnlistedAnalogue"
STAYS_FOR = 4
"""Intervals an alert sent stays firing without being sent again."""


def ends_at(now: dt.datetime, interval_s: float) -> str:
    return (now + dt.timedelta(seconds=interval_s * STAYS_FOR)).isoformat()


def _alert(
    event: AlertEvent,
    opened_by: AlertEvent | None,
    *,
    headline: str | None,
    board_url: str,
    levels: Levels,
    ends: str,
) -> dict[str, object]:
    d = event.data
    opened = opened_by or event
    name = headline or (d.reported_names[0] if d.reported_names else d.match_key)
    nearest = d.nearest_listed[0].name if d.nearest_listed else "none named"
    return {
        "labels": {
            "alertname": ALERTNAME,
            "alert_id": d.alert_id,
            "jurisdiction": d.jurisdiction,
            "severity": severity(event, levels).name.lower(),
            "family": family_of(d.canonical_smiles) or "unknown",
            "opened": "reopened" if alert_kind(opened) == AlertKind.REOPENED else "raised",
        },
        "annotations": {
            "summary": f"{name} ({d.jurisdiction}): unlisted analogue of {nearest}, "
            f"{d.occurrence_count} occurrences in {d.window_days} days",
            "description": opened.data.reason,
            "latest_change": d.reason,
            "version": str(d.version),
        },
        "startsAt": opened.published.isoformat(),
        "endsAt": ends,
        "generatorURL": f"{board_url.rstrip('/')}/alerts/{quote(d.alert_id, safe='')}",
    }


def payload(
    alerts: Iterable[AlertEvent],
    *,
    forwarded: set[str],
    opened_by: Callable[[str], AlertEvent | None],
    headlines: Mapping[str, str],
    board_url: str,
    now: dt.datetime,
    interval_s: float,
    levels: Levels = FAMILY_LEVELS,
) -> tuple[list[dict[str, object]], set[str]]:
    """What to post now, and the alert ids firing in Alertmanager after it: every open alert
    (firing a few intervals ahead), and every alert forwarded before that is open no longer
    (``endsAt`` now: resolved there). ``opened_by``: an alert's version that opened it last."""
    out: list[dict[str, object]] = []
    firing: set[str] = set()
    for event in alerts:
        alert_id = event.data.alert_id
        is_open = event.data.status == AlertStatus.OPEN
        if not is_open and alert_id not in forwarded:
            continue
        out.append(
            _alert(
                event,
                opened_by(alert_id),
                headline=headlines.get(alert_id),
                board_url=board_url,
                levels=levels,
                ends=ends_at(now, interval_s) if is_open else now.isoformat(),
            )
        )
        if is_open:
            firing.add(alert_id)
    return out, firing
