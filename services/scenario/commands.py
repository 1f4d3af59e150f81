"""Subcommands of ``analogue-watch``: ``scenario write``, ``scenario expected``, ``demo``."""

from __future__ import annotations

import argparse
import sys
from typing import IO

from kafka.errors import KafkaError

from contracts.codec import encode
from contracts.envelope import Envelope
from services.platform.settings import ServiceSettings
from services.scenario import kz_year
from services.scenario.demo import DEFAULT_SECONDS, play


def register(subparsers: argparse._SubParsersAction) -> None:
    scenario = subparsers.add_parser("scenario", help="the Kazakhstan year scenario")
    actions = scenario.add_subparsers(dest="action", metavar="ACTION", required=True)
    write = actions.add_parser(
        "write", help="write the scenario as JSONL, one event per line, by publication time"
    )
    write.add_argument("file", metavar="FILE", help="where to write; - for stdout")
    write.set_defaults(func=write_scenario)
    expected = actions.add_parser(
        "expected", help="print the alert status changes the scenario expects, in order"
    )
    expected.set_defaults(func=print_expected)

    demo = subparsers.add_parser(
        "demo",
        help="play the scenario into the pipeline and print the alerts as they come",
        description="Creates the topics, publishes the Kazakhstan year in event order (about "
        f"{DEFAULT_SECONDS:g} s) and prints each alert event from the alert topic. Settings "
        "come from the environment: KAFKA_BOOTSTRAP_SERVERS, AW_TOPIC_NAMESPACE.",
    )
    demo.add_argument(
        "--pace",
        type=float,
        metavar="SECONDS",
        help=f"pause between events (default: the year in {DEFAULT_SECONDS:g} s)",
    )
    demo.add_argument(
        "--follow-seconds",
        type=float,
        default=30.0,
        metavar="N",
        help="keep printing alerts N seconds after the last event (default: 30)",
    )
    demo.set_defaults(func=run_demo)


def write_scenario(args: argparse.Namespace) -> int:
    events = kz_year.build_scenario()
    if args.file == "-":
        _write(events, sys.stdout.buffer)
    else:
        try:
            with open(args.file, "wb") as handle:
                _write(events, handle)
        except OSError as exc:
            print(f"scenario: cannot write {args.file}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    print(f"scenario: wrote {len(events)} events to {args.file}", file=sys.stderr)
    return 0


def _write(events: list[Envelope], handle: IO[bytes]) -> None:
    for event in events:
        handle.write(encode(event) + b"\n")
    handle.flush()


def print_expected(args: argparse.Namespace) -> int:
    print(f"expected alert status changes, {kz_year.YEAR} (expectations, not measurements):")
    for n, t in enumerate(kz_year.EXPECTED_TRANSITIONS, start=1):
        kind = t.type.split(".")[2]
        print(f"{n:>2}. {t.on}  {kind:<10} {t.alert_id}  {t.substance.name}: {t.because}")
    print("never alerted: " + ", ".join(s.name for s in kz_year.NO_ALERT))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    for name in ("pace", "follow_seconds"):
        value = getattr(args, name)
        if value is not None and value < 0:
            print(f"demo: --{name.replace('_', '-')} must not be negative", file=sys.stderr)
            return 2
    events = kz_year.build_scenario()
    pace = args.pace if args.pace is not None else DEFAULT_SECONDS / len(events)
    settings = ServiceSettings.from_env()
    try:
        result = play(
            settings,
            events,
            pace=pace,
            follow_seconds=args.follow_seconds,
            out=sys.stdout,
            tz=kz_year.KZT,
        )
    except KafkaError as exc:
        print(f"demo: Kafka at {settings.kafka_bootstrap_servers}: {exc!r}", file=sys.stderr)
        return 3
    total = sum(result.sent.values())
    print(f"demo: published {total} events, {result.alerts_seen} alert events seen")
    if result.alerts_seen == 0:
        print("demo: no alerts seen; are the services running? (make up; logs in .run/logs)")
    if result.failed:
        print(f"demo: {result.failed} events were not published", file=sys.stderr)
        return 3
    return 0
