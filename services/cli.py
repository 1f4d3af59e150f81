"""The ``analogue-watch`` command line: one entry point, one subcommand per task."""

from __future__ import annotations

import argparse
import sys

from services.helptext import plain
from services.platform import commands as platform_commands
from services.scenario import commands as scenario_commands
from services.tools import alerts as alert_tools
from services.tools import classify, dead_letters, drafting, operators, publish
from services.tools import replay as replay_tool


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="analogue-watch", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    platform_commands.register(subparsers)
    alert_tools.register(subparsers)
    publish.register(subparsers)
    dead_letters.register(subparsers)
    operators.register(subparsers)
    replay_tool.register(subparsers)
    scenario_commands.register(subparsers)
    classify.register(subparsers)
    drafting.register(subparsers)
    _in_plain_words(parser)
    return parser


def _in_plain_words(parser: argparse.ArgumentParser) -> None:
    """Every description and help text of ``parser`` and its subcommands without the
    reStructuredText marks their docstrings carry (a terminal would show them as they are)."""
    if parser.description:
        parser.description = plain(parser.description)
    for action in parser._actions:
        if isinstance(action.help, str):
            action.help = plain(action.help)
        if isinstance(action, argparse._SubParsersAction):
            for listed in action._choices_actions:
                if isinstance(listed.help, str):
                    listed.help = plain(listed.help)
            for sub in action.choices.values():
                _in_plain_words(sub)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
