"""``analogue-watch replay EVENTS.jsonl``: the pipeline's decisions over a file, with no broker.

An analyst's question, "what would we have seen last year, and how early?", answered by the same
handlers the services run (:mod:`services.domain.replay`), fed the file's events in its order, as
the services would receive them (write the file by publication time, as ``scenario write`` does);
time in the pipeline is event time throughout.
Lines that break the contracts are reported with their number and left out, as ``publish`` does.
Prints each alert as it would have been published (``--json``: one alert event per line).

>>> import io
>>> print(run_file([], io.StringIO(), as_json=False, until=None, progress=False))
0
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import IO, cast

from contracts.codec import encode
from contracts.envelope import Envelope
from contracts.topics import ALERTS
from services.alert_board.view import AlertEvent
from services.domain.replay import Replay, ReplayDeps, in_event_time
from services.tools.alerts import format_alert
from services.tools.publish import EXIT_REJECTED, EXIT_USAGE, Progress, _read_lines, plan


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="run the pipeline's logic over a JSONL file of events, no broker; print the alerts",
        description=__doc__.split("\n\n")[1],
    )
    parser.add_argument("file", help="JSONL of agency events (seizures, lab results, legislation)")
    parser.add_argument("--json", action="store_true", help="one alert event JSON per line")
    parser.add_argument(
        "--until",
        type=dt.date.fromisoformat,
        metavar="DATE",
        help="sweep up to this date at the end (e.g. to see a stall deadline no event reaches)",
    )
    parser.add_argument("--progress", action="store_true", help="progress bar even when piped")
    parser.set_defaults(func=replay_file)


def replay_file(args: argparse.Namespace) -> int:
    try:
        lines = _read_lines(args.file)
    except OSError as error:
        print(f"replay: {error}", file=sys.stderr)
        return EXIT_USAGE
    planned, rejected = plan(lines)
    for number, reason in rejected:
        print(f"replay: line {number}: {reason}", file=sys.stderr)
    events = [event for _, event in planned]
    until = None
    if args.until:
        until = dt.datetime.combine(args.until, dt.time(), tzinfo=dt.UTC)
    count = run_file(
        events,
        sys.stdout,
        as_json=args.json,
        until=until,
        progress=args.progress or sys.stderr.isatty(),
    )
    print(
        f"replay: {len(events)} events, {len(rejected)} rejected, {count} alert versions",
        file=sys.stderr,
    )
    return EXIT_REJECTED if rejected else 0


def run_file(
    events: Sequence[Envelope],
    out: IO[str],
    *,
    as_json: bool,
    until: dt.datetime | None,
    progress: bool,
) -> int:
    """Feed ``events`` (in event time) through the pipeline's handlers; print the alerts."""
    run = Replay(ReplayDeps())
    bar = Progress(len(events), sys.stderr, enabled=progress, label="replay")
    printed = 0

    def flush_alerts() -> None:
        nonlocal printed
        for emitted in run.emitted[printed:]:
            if emitted.topic is ALERTS:
                alert = cast(AlertEvent, emitted.event)
                text = encode(alert).decode() if as_json else format_alert(alert)
                out.write(text + "\n")
        printed = len(run.emitted)

    for done, event in enumerate(in_event_time(events), 1):
        run.feed(event)
        flush_alerts()
        bar.update(done)
    if until is not None:
        run.sweep(until)
        flush_alerts()
    bar.finish()
    return sum(1 for e in run.emitted if e.topic is ALERTS)
