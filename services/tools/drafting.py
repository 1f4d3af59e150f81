"""``analogue-watch draft-group``: propose a group definition covering a family's open alerts.

Give the substances to cover, as open alerts on ``aw.alerts`` (``--alerts ID ...``) or as a file
of ``SMILES name`` lines (``--structures FILE``), and the jurisdiction's legislation file. The
listed substances in force that fall under the same family rule as all of them are added as the
relatives the definition must cover too. The command prints the shared core, the positions the
substances vary at, and three candidate definitions (as seen, open core, family rule) with what
each covers, the medicines and other uncontrolled substances it would catch (named as
exclusions), and how many reference NPS of the family, and of other families, it reaches; then the
one chosen and why (``services/chemistry/drafting.py``). ``--amendment FILE`` writes the chosen
definition as an ``aw.legislation.amendment-proposed.v1`` event, one JSON line, ready for
``analogue-watch publish``: once enacted, the alerts it covers resolve as covered by a group
listing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from contracts.alerts import AlertStatus
from contracts.legislation import Instrument
from services.alert_board.view import latest_versions
from services.chemistry.drafting import (
    Draft,
    DraftError,
    Member,
    draft_family,
    proposed_amendment,
)
from services.chemistry.families import family_matches
from services.domain.schedule import listings_in_force, load_schedule_jsonl
from services.helptext import plain
from services.platform.settings import ServiceSettings
from services.tools import alerts as alert_tools

USAGE_ERROR = 2
OPEN = {AlertStatus.OPEN}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``draft-group`` subcommand."""
    parser = subparsers.add_parser(
        "draft-group",
        help="propose a group (generic) definition covering open alerts, with its proof of scope",
        description=plain(__doc__ or ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    given = parser.add_mutually_exclusive_group(required=True)
    given.add_argument("--alerts", nargs="+", metavar="ID", help="open alert ids on aw.alerts")
    given.add_argument("--structures", metavar="FILE", help="file of 'SMILES name' lines to cover")
    parser.add_argument("--schedule", required=True, metavar="FILE", help="legislation JSONL")
    parser.add_argument("--jurisdiction", required=True, type=str.upper, metavar="CC")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, metavar="DATE")
    parser.add_argument("--name", required=True, help="the group's name, e.g. cathinones-2026")
    parser.add_argument("--family", help="the family it covers (default: the family rule's)")
    parser.add_argument(
        "--instrument",
        choices=[i.value for i in Instrument],
        default=Instrument.GOVERNMENT_DECREE.value,
        help="the act the amendment would be (default: government_decree)",
    )
    parser.add_argument("--amendment", metavar="FILE", help="write the amendment event here")
    parser.add_argument("--json", action="store_true", help="the draft as JSON")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to read aw.alerts")
    parser.set_defaults(func=draft_command)


def draft_command(args: argparse.Namespace) -> int:
    try:
        members = (
            _alert_members(args.alerts, args.timeout)
            if args.alerts
            else _file_members(Path(args.structures))
        )
        state = load_schedule_jsonl(args.schedule, args.jurisdiction)
    except (OSError, ValueError) as error:
        return _usage(str(error))
    as_of = args.as_of or dt.date.today()
    family = args.family or _family_of(members) or "new psychoactive substances"
    try:
        draft = draft_family(
            members, listings_in_force(state, as_of), name=args.name, family=family
        )
    except DraftError as error:
        return _usage(str(error))
    if args.json:
        sys.stdout.write(json.dumps(as_json(draft), ensure_ascii=False, indent=1) + "\n")
    else:
        write_report(draft, sys.stdout)
    if args.amendment:
        if draft.chosen is None:
            return _usage("no candidate can be proposed: no amendment written")
        event = proposed_amendment(draft, args.jurisdiction, Instrument(args.instrument))
        Path(args.amendment).write_text(event.model_dump_json() + "\n", encoding="utf-8")
        sys.stderr.write(f"draft-group: amendment {event.data.amendment_id} -> {args.amendment}\n")
    return 0


def write_report(draft: Draft, out: TextIO) -> None:
    covered = ", ".join(f"{m.name}{' (listed)' if m.listed else ''}" for m in draft.members)
    out.write(f"to cover: {covered}\n")
    out.write(f"shared core: {draft.core}\n")
    for p in draft.positions:
        out.write(f"  varies at {p.where}: {', '.join(p.seen)}\n")
    family = draft.family_class or "-"
    for c in draft.candidates:
        mark = "*" if c is draft.chosen else " "
        out.write(f"\n{mark} {c.label}: {c.definition.smarts}\n")
        out.write(f"    covers {len(c.covered)} of {len(draft.members)}")
        out.write(f"; misses {', '.join(c.missed)}" if c.missed else "")
        out.write(f"; excepts {', '.join(c.excepted)}" if c.excepted else "; catches no medicine")
        out.write(f"\n    reference NPS: {c.in_family} of the family ({family}), ")
        out.write(f"{len(c.other_families)} of others")
        out.write(f" ({', '.join(sorted(set(c.other_families)))})" if c.other_families else "")
        out.write(f"\n    refused: {c.refused}\n" if c.refused else "\n")
        out.write(f"    wording: {c.definition.description}\n")
    chosen = draft.chosen.label if draft.chosen else "none"
    out.write(f"\nchosen: {chosen}: {draft.reason}\n")


def as_json(draft: Draft) -> dict[str, Any]:
    return {
        "core": draft.core,
        "members": [
            {"name": m.name, "smiles": m.smiles, "listed": m.listed} for m in draft.members
        ],
        "positions": [{"where": p.where, "seen": list(p.seen)} for p in draft.positions],
        "family_class": draft.family_class,
        "candidates": [
            {
                "label": c.label,
                "definition": c.definition.model_dump(mode="json"),
                "covered": list(c.covered),
                "missed": list(c.missed),
                "excepted": list(c.excepted),
                "reference_in_family": c.in_family,
                "reference_other_families": list(c.other_families),
                "refused": c.refused,
            }
            for c in draft.candidates
        ],
        "chosen": draft.chosen.label if draft.chosen else None,
        "reason": draft.reason,
    }


def _alert_members(ids: Sequence[str], timeout_s: float) -> list[Member]:
    settings = ServiceSettings.from_env()
    events = alert_tools.read_to_end(settings, timeout_s)
    latest = {e.data.alert_id: e for e in latest_versions(events)}
    members = []
    for ident in ids:
        event = latest.get(ident)
        if event is None:
            raise ValueError(f"no alert {ident} on aw.alerts")
        if event.data.status not in OPEN:
            raise ValueError(f"alert {ident} is {event.data.status.value}, not open")
        name = event.data.reported_names[0] if event.data.reported_names else ident
        members.append(Member(name, event.data.canonical_smiles))
    return members


def _file_members(path: Path) -> list[Member]:
    members = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        smiles, _, name = line.strip().partition(" ")
        members.append(Member(name.strip() or f"line-{number}", smiles))
    return members


def _family_of(members: Sequence[Member]) -> str | None:
    from rdkit import Chem

    families = None
    for member in members:
        mol = Chem.MolFromSmiles(member.smiles)
        found = {m.family for m in family_matches(mol)} if mol is not None else set()
        families = found if families is None else families & found
    return sorted(families)[0] if families else None


def _usage(message: str) -> int:
    sys.stderr.write(f"draft-group: {message}\n")
    return USAGE_ERROR
