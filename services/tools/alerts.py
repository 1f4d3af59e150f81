"""``analogue-watch alerts tail`` and ``alerts list``: the alert topic on the command line.

``tail`` follows ``aw.alerts`` and prints each alert event as it arrives; ``list`` reads the topic
from the beginning to its current end and prints the latest state of every alert. Both filter by
jurisdiction and status, and print one alert event JSON per line with ``--json`` (the same JSON as
on the topic, so ``jq`` and scripts see exactly what services see).

:func:`format_alert` is the one place an alert becomes a line of text; it is pure and is reused by
the demo. Text from agencies is stripped of control characters before it reaches a terminal.

>>> clean("alpha-PHP\\x1b[2J\\nAlmaty")
'alpha-PHP [2J Almaty'
"""

from __future__ import annotations

import argparse
import logging
import unicodedata
from collections.abc import Generator, Mapping, Sequence
from typing import cast

from contracts.actions import AlertActionTaken
from contracts.alerts import AlertEvent, AlertLevel, AlertStatus, PendingAmendmentRef
from contracts.topics import ALERT_ACTIONS, ALERTS
from services.alert_board.view import board_order, latest_versions
from services.domain.abroad import abroad_summary
from services.domain.case import Case, CaseEntry, describe, fold_actions, tags
from services.domain.control import control_words
from services.platform.logs import configure_logging
from services.platform.reach import require_broker
from services.platform.settings import ServiceSettings
from services.tools import acting, reading

log = logging.getLogger(__name__)

MAX_LISTED = 4  # regions or names shown on one line before "+N more"
REASON_CHARS = 240


# -- formatting (pure) ---------------------------------------------------------------------


def clean(text: str) -> str:
    """``text`` safe for a terminal: control characters (escape sequences, newlines) become
    spaces, invisible format characters (bidirectional overrides) are dropped."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            out.append(" ")
        elif not category.startswith("C"):
            out.append(char)
    return " ".join("".join(out).split())


def _some(items: Sequence[str], limit: int = MAX_LISTED) -> str:
    shown = [clean(i) for i in items[:limit]]
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" +{more} more" if more > 0 else "")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def substance_label(event: AlertEvent) -> str:
    """The substance's first reported name and any others, or its match key if it has no name."""
    names = [clean(n) for n in event.data.reported_names]
    if not names:
        return f"unnamed substance {event.data.match_key}"
    if len(names) == 1:
        return names[0]
    return f"{names[0]} (reported: {_some(names[1:])})"


def analogue_label(event: AlertEvent) -> str:
    """Why it is an analogue: the nearest listed substance, how similar, how much core is shared."""
    if not event.data.nearest_listed:
        return "no listed analogue named"
    nearest = event.data.nearest_listed[0]
    details = [f"similarity {nearest.similarity:.2f}"]
    rules = event.data.rules_fired
    if rules and rules[0].rule == "same-family-as-listed":
        details.insert(0, f"same family: {clean(str(rules[0].evidence['family']))}")
    if nearest.core_coverage is not None:
        details.append(f"shared core {nearest.core_coverage:.0%}")
    return f"analogue of {clean(nearest.name)} ({', '.join(details)})"


def format_alert(event: AlertEvent) -> str:
    """One alert event as two lines for people: what and where, then why.

    First line: ``[STATUS vN] jurisdiction substance — analogue of … · occurrences · regions ·
    channels · alert id`` (``[STATUS vN, corrected]`` on a correction, ``[OPEN v1, EARLY
    WARNING]`` while partners' evidence alone raised it). Second line, indented:
    the reason, pending amendments, foreign sightings, its status in the other jurisdictions
    ("listed in RU since 2025-03-01 by government decree …; not controlled in BY, KG"), when
    control can be expected by each kind of act (the jurisdiction's past amendments) and, once
    resolved, the time it took.
    """
    d = event.data
    occurrences = f"{d.occurrence_count} occurrence{'s' if d.occurrence_count != 1 else ''}"
    corrected = ", corrected" if d.correction is not None else ""
    early = ", EARLY WARNING" if d.level == AlertLevel.EARLY_WARNING else ""
    head = [
        f"[{d.status.value.upper()} v{d.version}{corrected}{early}] {d.jurisdiction} "
        f"{substance_label(event)}"
        f" — {analogue_label(event)}",
        f"{occurrences} in {d.window_days} d",
    ]
    if d.regions:
        head.append(_some(d.regions))
    if d.channels:
        head.append(_some([c.value.replace("_", " ") for c in d.channels]))
    head.append(clean(d.alert_id))
    why = [f"why: {_shorten(clean(d.reason), REASON_CHARS)}"]
    if d.pending_amendments:
        why.append("pending: " + _some([_pending(p) for p in d.pending_amendments]))
    if d.foreign_sightings:
        why.append(
            "also seen in "
            + _some([f"{s.jurisdiction} ×{s.count}" for s in d.foreign_sightings], limit=6)
        )
    if d.seen_abroad:
        counted = [f"{s.jurisdiction} {s.count}/{s.threshold}" for s in d.seen_abroad if s.count]
        if counted:
            why.append("partner rule: " + _some(counted, limit=6))
    if d.status_abroad:
        why.append("abroad: " + clean(abroad_summary(d.status_abroad)))
    if d.control_routes:
        why.append("control expected " + control_words(d.control_routes))
    if d.time_to_control_days is not None:
        why.append(f"controlled {d.time_to_control_days:.0f} d after first seen")
    return " · ".join(head) + "\n    " + " · ".join(why)


def _pending(p: PendingAmendmentRef) -> str:
    left = "" if p.days_left is None else f", ~{p.days_left} d left"
    return f"{clean(p.amendment_id)} ({clean(p.stage)}{left})"


def format_action(event: AlertActionTaken) -> str:
    """An operator's action on an alert, one line:
    ``[CASE] KZ-… aigerim assigned to daniyar · comment``."""
    d = event.data
    line = f"[CASE] {clean(d.alert_id)} {clean(describe(CaseEntry.of(event)))}"
    return line + (f" · {_shorten(clean(d.text), REASON_CHARS)}" if d.text else "")


def format_table(events: Sequence[AlertEvent], cases: Mapping[str, Case] | None = None) -> str:
    """The latest alerts as an aligned text table with a count line; ``cases``: what operators
    did about each (a CASE column)."""
    if not events:
        return "0 alerts"
    header = (
        "ALERT ID",
        "STATUS",
        "V",
        "SUBSTANCE",
        "NEAREST LISTED",
        "SIM",
        "OCC",
        "LAST SEEN",
        "REGIONS",
        "CASE",
    )
    known = cases or {}
    rows = [header] + [(*_table_row(e), _case(known.get(e.data.alert_id))) for e in events]
    caps = (40, 10, 4, 30, 24, 4, 8, 10, 32, 40)
    widths = [min(cap, max(len(r[i]) for r in rows)) for i, cap in enumerate(caps)]
    lines = [
        "  ".join(_shorten(cell, w).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    counts = {s: sum(e.data.status == s for e in events) for s in AlertStatus}
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    lines.append(
        f"{len(events)} alert{'s' if len(events) != 1 else ''}"
        + (f": {summary}" if summary else "")
    )
    return "\n".join(lines)


def _table_row(event: AlertEvent) -> tuple[str, ...]:
    d = event.data
    nearest = d.nearest_listed[0] if d.nearest_listed else None
    return (
        clean(d.alert_id),
        d.status.value,
        str(d.version),
        clean(d.reported_names[0]) if d.reported_names else d.match_key,
        clean(nearest.name) if nearest else "-",
        f"{nearest.similarity:.2f}" if nearest else "-",
        f"{d.occurrence_count}/{d.window_days}d",
        d.last_seen.date().isoformat(),
        _some(d.regions, limit=3) or "-",
    )


def _case(case: Case | None) -> str:
    return clean("; ".join(tags(case))) if case is not None else "-"


class Newest:
    """The highest version seen of each alert: a version redelivered after a later one (the
    topic is at-least-once) is not news, and is not shown again."""

    def __init__(self) -> None:
        self._versions: dict[str, int] = {}

    def newer(self, event: AlertEvent) -> bool:
        """Whether ``event`` is a later version of its alert than any seen so far (then it is
        the one seen).

        >>> from types import SimpleNamespace as N
        >>> seen = Newest()
        >>> [seen.newer(N(data=N(alert_id="a", version=v))) for v in (6, 7, 6, 7, 8)]
        [True, True, False, False, True]
        """
        alert, version = event.data.alert_id, event.data.version
        if version <= self._versions.get(alert, 0):
            return False
        self._versions[alert] = version
        return True

    def __len__(self) -> int:
        """How many versions were news (each alert's versions are numbered from 1)."""
        return sum(self._versions.values())


def matches(event: AlertEvent, jurisdictions: set[str], statuses: set[str]) -> bool:
    """Whether ``event`` passes the filters (an empty filter passes everything)."""
    return (not jurisdictions or event.jurisdiction in jurisdictions) and (
        not statuses or event.data.status.value in statuses
    )


# -- reading the topic -------------------------------------------------------------------

CLIENT_ID = "analogue-watch-alerts"


def read_to_end(settings: ServiceSettings, timeout_s: float) -> list[AlertEvent]:
    """Every alert event on the topic, from the beginning to the end offsets seen at the start."""
    events = reading.read_to_end(settings, ALERTS, timeout_s, what="alert", client_id=CLIENT_ID)
    return cast(list[AlertEvent], events)  # the alert topic accepts only the alert types


def cases(settings: ServiceSettings, timeout_s: float) -> dict[str, Case]:
    """What operators did about each alert, from ``aw.alert-actions`` (read to its end); none,
    with a warning, where that topic is missing (created before actions existed)."""
    try:
        actions = reading.read_to_end(
            settings, ALERT_ACTIONS, timeout_s, what="alert action", client_id=CLIENT_ID
        )
    except reading.TopicMissing as missing:
        log.warning(f"the cases are not shown: {missing}")
        return {}
    by_alert: dict[str, list[AlertActionTaken]] = {}
    for action in cast(list[AlertActionTaken], actions):
        by_alert.setdefault(action.data.alert_id, []).append(action)
    return {alert_id: fold_actions(taken) for alert_id, taken in by_alert.items()}


def follow(
    settings: ServiceSettings, *, from_beginning: bool, timeout_s: float | None
) -> Generator[AlertEvent | AlertActionTaken, None, None]:
    """Alert events, and operators' actions on alerts, as they arrive, until the time-out
    (None: until the caller stops)."""
    return cast(
        Generator[AlertEvent | AlertActionTaken, None, None],
        reading.follow(
            settings,
            ALERTS,
            from_beginning=from_beginning,
            timeout_s=timeout_s,
            what="alert",
            client_id=CLIENT_ID,
            also=(ALERT_ACTIONS,),
        ),
    )


# -- commands ------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    alerts = subparsers.add_parser(
        "alerts",
        help="follow or list the alerts on the alert topic",
        description="Settings come from the environment: KAFKA_BOOTSTRAP_SERVERS, "
        "AW_TOPIC_NAMESPACE.",
    )
    actions = alerts.add_subparsers(dest="action", metavar="ACTION", required=True)
    tail = actions.add_parser("tail", help="print alert events as they arrive")
    tail.add_argument(
        "--from-beginning", action="store_true", help="start at the oldest event, not at the end"
    )
    tail.add_argument("--max", type=int, metavar="N", help="stop after printing N events")
    tail.add_argument("--timeout", type=float, metavar="S", help="stop after S seconds")
    tail.set_defaults(func=tail_alerts)
    listing = actions.add_parser("list", help="print the latest state of every alert")
    listing.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="give up reading the topic after S seconds (default: 60)",
    )
    listing.set_defaults(func=list_alerts)
    acting.register(actions)
    for action in (tail, listing):
        action.add_argument(
            "--jurisdiction",
            action="append",
            default=[],
            metavar="CC",
            type=str.upper,
            help="only this jurisdiction (ISO code, e.g. KZ); repeat for several",
        )
        action.add_argument(
            "--status",
            action="append",
            default=[],
            choices=[s.value for s in AlertStatus],
            help="only alerts with this status; repeat for several",
        )
        action.add_argument(
            "--json", action="store_true", help="one alert event JSON per line, for machines"
        )


def _print(event: AlertEvent | AlertActionTaken, as_json: bool) -> None:
    if as_json:
        text = event.model_dump_json()
    elif isinstance(event, AlertActionTaken):
        text = format_action(event)
    else:
        text = format_alert(event)
    print(text, flush=True)


def tail_alerts(args: argparse.Namespace) -> int:
    settings = ServiceSettings.from_env()
    configure_logging(settings.log_level)
    require_broker(settings, "alerts tail")
    jurisdictions, statuses = set(args.jurisdiction), set(args.status)
    if args.max is not None and args.max < 1:
        return 0
    newest = Newest()

    def shown(event: AlertEvent | AlertActionTaken) -> bool:
        if isinstance(event, AlertActionTaken):
            return not jurisdictions or event.jurisdiction in jurisdictions
        return newest.newer(event) and matches(event, jurisdictions, statuses)

    events = follow(settings, from_beginning=args.from_beginning, timeout_s=args.timeout)
    reading.print_each(events, shown, lambda e: _print(e, args.json), args.max)
    return 0


def list_alerts(args: argparse.Namespace) -> int:
    settings = ServiceSettings.from_env()
    configure_logging(settings.log_level)
    require_broker(settings, "alerts list")
    jurisdictions, statuses = set(args.jurisdiction), set(args.status)
    latest = [
        e
        for e in latest_versions(read_to_end(settings, args.timeout))
        if matches(e, jurisdictions, statuses)
    ]
    if args.json:
        for event in sorted(latest, key=board_order):
            _print(event, as_json=True)
    else:
        print(format_table(latest, cases(settings, args.timeout)))
    return 0
