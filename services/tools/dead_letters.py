"""``analogue-watch dead-letters list|tail|original``: rejected input, for operations staff.

Every message a service could not accept is on ``aw.dead-letters`` with where it came from, the
class of error, the offending field and a reason in words (``contracts.dead_letter``). ``list``
reads the topic from the beginning to its current end, ``tail`` follows it; both filter by the
topic the message was sent to, the class of error, the agency that sent it (the original's
``source``, e.g. ``kz.mvd`` matches ``kz.mvd.almaty``), the service and the jurisdiction, and
print either two or three lines per dead letter (:func:`format_dead_letter`) or the dead letter's
JSON (``--json``). ``original ID`` prints the message as it was sent, ready to correct and
publish again::

    analogue-watch dead-letters original dl-3f… > fixed.jsonl   # then edit the line
    analogue-watch publish fixed.jsonl                          # checked again before it is sent

Formatting is pure (the filters and the fixes are ``services.domain.dead_letters``, shared with
the board); reading goes through ``services.tools.reading``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Generator
from typing import cast

from contracts.dead_letter import DeadLettered, original_bytes
from contracts.errors import ErrorClass
from contracts.topics import DEAD_LETTERS
from services.domain.dead_letters import FIXES, Filters, agency, find, summary
from services.platform.logs import configure_logging
from services.platform.reach import require_broker
from services.platform.settings import ServiceSettings
from services.tools import reading
from services.tools.alerts import clean

CLIENT_ID = "analogue-watch-dead-letters"
REASON_CHARS = 400

# -- formatting (pure) ---------------------------------------------------------------------


def format_dead_letter(event: DeadLettered) -> str:
    """One dead letter for people: what, when and from where; why; what to do.

    First line: ``[error class] failed-at (UTC) · topic/partition@offset · agency · original
    type and id · service · dead letter id``; then, indented, the reason (with the field) and
    the fix for its class of error.
    """
    d = event.data
    head = [
        f"[{d.error_class.value}] {d.failed_at.strftime('%Y-%m-%d %H:%M:%S %Z').strip()}",
        f"{clean(d.source_topic)}/{d.source_partition}@{d.source_offset}",
        f"from {clean(agency(event) or 'unknown sender')}",
    ]
    if d.original_type or d.original_id:
        head.append(" ".join(clean(x) for x in (d.original_type, d.original_id) if x))
    head += [f"rejected by {d.service}", event.id]
    field = f" (field {clean(d.field)})" if d.field else ""
    reason = clean(d.reason)
    if len(reason) > REASON_CHARS:
        reason = reason[: REASON_CHARS - 1].rstrip() + "…"
    lines = [" · ".join(head), f"    why: {reason}{field}", f"    fix: {FIXES[d.error_class]}"]
    if d.truncated:
        lines[-1] += f" (only the first part of its {d.original_size_bytes:,} bytes is kept)"
    return "\n".join(lines)


# -- commands ------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "dead-letters",
        help="list, follow or take back rejected input from the dead-letter topic",
        description="Settings come from the environment: KAFKA_BOOTSTRAP_SERVERS, "
        "AW_TOPIC_NAMESPACE.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="print every dead letter, oldest first")
    tail = actions.add_parser("tail", help="print dead letters as they arrive")
    tail.add_argument(
        "--from-beginning", action="store_true", help="start at the oldest, not at the end"
    )
    tail.add_argument("--max", type=int, metavar="N", help="stop after printing N")
    tail.add_argument("--timeout", type=float, metavar="S", help="stop after S seconds")
    original = actions.add_parser(
        "original", help="print the rejected message as it was sent, to correct and publish"
    )
    original.add_argument("id", metavar="ID", help="the dead letter's id, or the original's id")
    for action in (listing, original):
        action.add_argument(
            "--timeout",
            type=float,
            default=60.0,
            metavar="S",
            help="give up reading the topic after S seconds (default: 60)",
        )
    for action in (listing, tail):
        _filters(action)
        action.add_argument("--json", action="store_true", help="one dead letter JSON per line")
    listing.set_defaults(func=list_dead_letters)
    tail.set_defaults(func=tail_dead_letters)
    original.set_defaults(func=print_original)


def _filters(action: argparse.ArgumentParser) -> None:
    classes = [c.value for c in ErrorClass]
    add = action.add_argument
    add(
        "--topic",
        action="append",
        default=[],
        metavar="TOPIC",
        help="only messages sent to this topic, e.g. aw.lab-results",
    )
    add(
        "--error-class",
        action="append",
        default=[],
        metavar="CLASS",
        choices=classes,
        help="only this class of error: " + ", ".join(classes),
    )
    add(
        "--agency",
        action="append",
        default=[],
        metavar="SOURCE",
        help="only messages from this agency (its source, or a prefix: kz.mvd)",
    )
    add(
        "--service",
        action="append",
        default=[],
        metavar="NAME",
        help="only dead letters of this service, e.g. substance_resolver",
    )
    add(
        "--jurisdiction",
        action="append",
        default=[],
        metavar="CC",
        type=str.upper,
        help="only this jurisdiction (ISO code)",
    )


def _chosen(args: argparse.Namespace) -> Filters:
    return Filters(
        topics=frozenset(args.topic),
        error_classes=frozenset(args.error_class),
        agencies=frozenset(args.agency),
        services=frozenset(args.service),
        jurisdictions=frozenset(args.jurisdiction),
    )


def _settings(command: str) -> ServiceSettings:
    settings = ServiceSettings.from_env()
    configure_logging(settings.log_level)
    require_broker(settings, command)
    return settings


def _read(settings: ServiceSettings, timeout_s: float) -> list[DeadLettered]:
    events = reading.read_to_end(
        settings, DEAD_LETTERS, timeout_s, what="dead-letter", client_id=CLIENT_ID
    )
    return cast(list[DeadLettered], events)  # the topic accepts only dead letters


def _print(event: DeadLettered, as_json: bool) -> None:
    print(event.model_dump_json() if as_json else format_dead_letter(event), flush=True)


def list_dead_letters(args: argparse.Namespace) -> int:
    filters = _chosen(args)
    events = [e for e in _read(_settings("dead-letters list"), args.timeout) if filters.match(e)]
    events.sort(key=lambda e: e.data.failed_at)
    for event in events:
        _print(event, args.json)
    if not args.json:
        print(summary(events))
    return 0


def tail_dead_letters(args: argparse.Namespace) -> int:
    settings = _settings("dead-letters tail")
    if args.max is not None and args.max < 1:
        return 0
    filters = _chosen(args)
    events = cast(
        Generator[DeadLettered, None, None],
        reading.follow(
            settings,
            DEAD_LETTERS,
            from_beginning=args.from_beginning,
            timeout_s=args.timeout,
            what="dead-letter",
            client_id=CLIENT_ID,
        ),
    )
    reading.print_each(events, filters.match, lambda e: _print(e, args.json), args.max)
    return 0


def print_original(args: argparse.Namespace) -> int:
    event = find(_read(_settings("dead-letters original"), args.timeout), args.id)
    if event is None:
        print(f"no dead letter {args.id} on {DEAD_LETTERS.name}", file=sys.stderr)
        return 1
    if event.data.truncated:
        print(
            f"{event.id}: only the first part of the original ({event.data.original_size_bytes:,}"
            " bytes) was kept; it cannot be published again as it is",
            file=sys.stderr,
        )
        return 1
    sys.stdout.buffer.write(original_bytes(event.data).rstrip(b"\n") + b"\n")
    return 0
