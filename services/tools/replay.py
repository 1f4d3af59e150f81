"""``analogue-watch replay EVENTS.jsonl [LATER.jsonl ...]``: the pipeline's decisions, no broker.

An analyst's question, "what would we have seen last year, and how early?", answered by the same
handlers the services run (:mod:`services.tools.pipeline`), fed each file's events in event-time
order, as every stage of the services takes them whatever order they were published in. Several
files are several arrivals: each as if published once the services had handled the ones before,
so that an event of a later file dated before what an earlier one reached comes late, and the
alerts it changes get a ``corrected`` version, as the services give them.
Lines that break the contracts are reported with their file and number and left out, as
``publish`` does. Prints each alert as it would have been published (``--json``: one alert event
per line).

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

from contracts.alerts import AlertEvent
from contracts.codec import encode
from contracts.envelope import Envelope
from contracts.topics import ALERTS
from services.helptext import plain
from services.tools.alerts import Newest, format_alert
from services.tools.pipeline import Replay, ReplayDeps, in_event_time
from services.tools.publish import EXIT_REJECTED, EXIT_USAGE, Progress, _read_lines, plan


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="run the pipeline's logic over a JSONL file of events, no broker; print the alerts",
        description=plain(__doc__.split("\n\n")[1]),
    )
    parser.add_argument(
        "files",
        nargs="+",
        metavar="file",
        help="JSONL of agency events (seizures, lab results, legislation); several: published "
        "one after another, each once the ones before were handled",
    )
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
    arrivals: list[list[Envelope]] = []
    rejected: list[tuple[int, str]] = []
    for name in args.files:
        try:
            lines = _read_lines(name)
        except OSError as error:
            print(f"replay: cannot read {name}: {error.strerror or error}", file=sys.stderr)
            return EXIT_USAGE
        planned, refused = plan(lines)
        where = f"{name}: " if len(args.files) > 1 else ""
        for number, reason in refused:
            print(f"replay: {where}line {number}: {reason}", file=sys.stderr)
        rejected += refused
        arrivals.append([event for _, event in planned])
    events = [event for batch in arrivals for event in batch]
    until = None
    if args.until:
        until = dt.datetime.combine(args.until, dt.time(), tzinfo=dt.UTC)
    count = run_file(
        arrivals,
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
    arrivals: Sequence[Sequence[Envelope]],
    out: IO[str],
    *,
    as_json: bool,
    until: dt.datetime | None,
    progress: bool,
) -> int:
    """Feed each arrival's events (in event time), one arrival after another, through the
    pipeline's handlers; print the alerts."""
    run = Replay(ReplayDeps())
    ordered = [event for batch in arrivals for event in in_event_time(batch)]
    bar = Progress(len(ordered), sys.stderr, enabled=progress, label="replay")
    printed = 0

    shown = Newest()  # a duplicate input resends its versions: print each once

    def flush_alerts() -> None:
        nonlocal printed
        for emitted in run.emitted[printed:]:
            if emitted.topic is ALERTS and shown.newer(cast(AlertEvent, emitted.event)):
                alert = cast(AlertEvent, emitted.event)
                text = encode(alert).decode() if as_json else format_alert(alert)
                out.write(text + "\n")
        printed = len(run.emitted)

    for done, event in enumerate(ordered, 1):
        run.feed(event)
        flush_alerts()
        bar.update(done)
    if until is not None:
        run.sweep(until)
        flush_alerts()
    bar.finish()
    return len(shown)
