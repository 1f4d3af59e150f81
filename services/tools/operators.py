"""``analogue-watch operators add NAME``: who may act on alerts at the board.

Writes the operators file the board reads (``AW_BOARD_OPERATORS``, or ``--file``): the name and a
scrypt hash of the password, never the password. Adding a name that is there sets a new password.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from services.alert_board.config import BoardSettings
from services.platform.operators import add_operator

FILE_SETTING = "AW_BOARD_OPERATORS"


def register(subparsers: argparse._SubParsersAction) -> None:
    operators = subparsers.add_parser(
        "operators",
        help="manage who may act on alerts at the alert board",
        description=__doc__,
    )
    actions = operators.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an operator, or give one a new password")
    add.add_argument("name", help="the operator's name, as actions will show it")
    add.add_argument(
        "--file",
        default=None,
        help=f"the operators file (default: ${FILE_SETTING})",
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input instead of asking",
    )
    add.set_defaults(func=add_command)


def read_password(from_stdin: bool) -> str:
    """The new password: the first line of stdin, or asked twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("the two passwords differ; nothing was changed")
    return first


def add_command(args: argparse.Namespace) -> int:
    file = args.file or BoardSettings.from_env().operators_file
    if not file:
        raise SystemExit(f"say which operators file: --file PATH or {FILE_SETTING}")
    password = read_password(args.password_stdin)
    try:
        new = add_operator(Path(file), args.name, password)
    except ValueError as error:
        raise SystemExit(str(error)) from None
    print(f"{'added' if new else 'new password for'} operator {args.name} in {file}")
    return 0
