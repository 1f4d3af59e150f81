"""``analogue-watch classify``: classify structures from a file against a schedule file.

Input is the usual SMILES-file format, ``SMILES id`` per line (an InChI works in place of the
SMILES; blank lines and lines starting with ``#`` are skipped; the id defaults to ``line-<n>``),
from a file or from stdin. The schedule is a JSONL file of legislation events in the contracts'
format (such as ``services/chemistry/data/kz_baseline.jsonl``). Output is one JSON object per input
line, in order; a mixture (compounds separated by dots, MDMA with ketamine) gives one per compound,
each with its ``component`` ("1 of 2"). A structure that cannot be read is a result with status
``invalid`` and a typed error, never a crash: the exit code is non-zero only for usage errors (2).

With ``--all-jurisdictions`` (and no ``--jurisdiction``), each result gives instead the
structure's status in every jurisdiction of the schedule files (``--schedule`` may be given more
than once, e.g. each ``services/chemistry/data/*_baseline.jsonl``): under ``jurisdictions``, one
object per jurisdiction with its ``status`` (listed, group, analogue, unrelated), the listing or
group or nearest listed substance (``name``), the ``act`` and its ``instrument``, ``since``, and
``words`` ("listed in RU since 2025-03-01 by government decree RU-PP-2025-0231"), each read at
the end of the ``--as-of`` day in that jurisdiction.

>>> import io
>>> from services.chemistry.baseline import JSONL_PATH
>>> out = io.StringIO()
>>> run(io.StringIO("CC(C)CC(N1CCCC1)C(=O)c1ccccc1 alpha-PiHP\\nC1CC broken\\n"), out,
...     schedule=str(JSONL_PATH), jurisdiction="KZ", as_of=dt.date(2025, 6, 1))
0
>>> [json.loads(line)["status"] for line in out.getvalue().splitlines()]
['analogue', 'invalid']
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from contracts.errors import ContractError
from services.chemistry.classification import (
    Classification,
    ScheduleIndex,
    classify,
    classify_structure,
)
from services.chemistry.intake import StructureError
from services.chemistry.standardisation import Parent, standardise, standardise_components
from services.domain.abroad import status_on, status_words
from services.domain.classifier import chemistry_classifier
from services.domain.lifecycle import AlertRule
from services.domain.schedule import load_schedule_jsonl, load_schedules_jsonl
from services.helptext import plain

USAGE_ERROR = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``classify`` subcommand."""
    parser = subparsers.add_parser(
        "classify",
        help="classify structures (SMILES id per line) against a schedule: listed, group, "
        "analogue, unrelated or invalid",
        description=plain(__doc__.split("\n\n>>>")[0]) if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--schedule",
        required=True,
        action="append",
        metavar="FILE",
        help="JSONL file of legislation events (contracts format); with --all-jurisdictions, "
        "may be given more than once",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--jurisdiction", type=str.upper, metavar="CC", help="e.g. KZ")
    which.add_argument(
        "--all-jurisdictions",
        action="store_true",
        help="the status in every jurisdiction of the schedule files, each result under "
        "'jurisdictions'",
    )
    parser.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        metavar="DATE",
        help="the date the law is read at, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        metavar="T",
        help="analogue similarity threshold (default: the jurisdiction's)",
    )
    parser.add_argument(
        "structures",
        nargs="?",
        default="-",
        metavar="STRUCTURES",
        help="file of 'SMILES id' lines; '-' or nothing for stdin",
    )
    parser.set_defaults(func=classify_command)


def classify_command(args: argparse.Namespace) -> int:
    """Entry point of the subcommand: open the input and hand over to :func:`run` (or
    :func:`run_all` with ``--all-jurisdictions``)."""
    if not args.all_jurisdictions and len(args.schedule) > 1:
        return _usage("give one --schedule with --jurisdiction (several: --all-jurisdictions)")
    command = run_all if args.all_jurisdictions else run
    if args.structures == "-":
        return command(sys.stdin, sys.stdout, **_options(args))
    try:
        with open(args.structures, encoding="utf-8", errors="replace") as source:
            return command(source, sys.stdout, **_options(args))
    except OSError as error:
        return _usage(f"cannot read {args.structures}: {error.strerror}")


def _options(args: argparse.Namespace) -> dict[str, Any]:
    options = {"as_of": args.as_of or dt.date.today(), "threshold": args.threshold}
    if args.all_jurisdictions:
        return {"schedules": args.schedule, **options}
    return {"schedule": args.schedule[0], "jurisdiction": args.jurisdiction, **options}


def run(
    source: TextIO,
    out: TextIO,
    *,
    schedule: str,
    jurisdiction: str,
    as_of: dt.date,
    threshold: float | None = None,
) -> int:
    """Classify every line of ``source`` and write one JSON object per line to ``out``."""
    if threshold is not None and not 0.0 < threshold <= 1.0:
        return _usage(f"--threshold must be in (0, 1], not {threshold}")
    try:
        state = load_schedule_jsonl(schedule, jurisdiction)
    except OSError as error:
        return _usage(f"cannot read the schedule {schedule}: {error.strerror}")
    except UnicodeDecodeError as error:
        return _usage(f"the schedule {schedule} is not UTF-8 text: {error.reason}")
    except ContractError as error:
        notes = " ".join(getattr(error, "__notes__", []))
        return _usage(f"the schedule is not valid legislation JSONL ({notes}): {error.reason}")
    if not (state.listings or state.groups or state.amendments):
        return _usage(f"{schedule} has no legislation events for {jurisdiction}")
    index = ScheduleIndex.build(state, jurisdiction=jurisdiction, threshold=threshold)
    for problem in index.problems:
        sys.stderr.write(f"classify: schedule entry skipped: {problem}\n")
    for number, text, ident in _records(source):
        for result in _results(text, ident or f"line-{number}", index, as_of, threshold):
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


def run_all(
    source: TextIO,
    out: TextIO,
    *,
    schedules: list[str],
    as_of: dt.date,
    threshold: float | None = None,
) -> int:
    """Write, per line of ``source`` (per compound of a mixture), its status in every
    jurisdiction of the ``schedules`` files on ``as_of``, as one JSON object."""
    if threshold is not None and not 0.0 < threshold <= 1.0:
        return _usage(f"--threshold must be in (0, 1], not {threshold}")
    try:
        states = load_schedules_jsonl(schedules)
    except OSError as error:
        return _usage(f"cannot read the schedule {error.filename}: {error.strerror}")
    except UnicodeDecodeError as error:
        return _usage(f"a schedule is not UTF-8 text: {error.reason}")
    except ContractError as error:
        notes = " ".join(getattr(error, "__notes__", []))
        return _usage(f"the schedule is not valid legislation JSONL ({notes}): {error.reason}")
    if not states:
        return _usage(f"no legislation events in {', '.join(schedules)}")
    classify_on = chemistry_classifier(lambda j: AlertRule(similarity_threshold=threshold))
    for number, text, ident in _records(source):
        base = {"id": ident or f"line-{number}", "input": text}
        try:
            parents = _parents(text)
        except StructureError as error:
            failed = {"component": None, **dict.fromkeys(_KEYS), "jurisdictions": None}
            error_fields = {"error": {"kind": error.kind, "reason": error.reason}}
            out.write(json.dumps({**base, **failed, **error_fields}, ensure_ascii=False) + "\n")
            continue
        for i, parent in enumerate(parents, start=1):
            found = status_on(parent.canonical_smiles, states, as_of, classify_on)
            result = {
                **base,
                "component": f"{i} of {len(parents)}" if len(parents) > 1 else None,
                **{key: getattr(parent, key) for key in _KEYS},
                "jurisdictions": [
                    {**s.model_dump(mode="json"), "words": status_words(s)} for s in found
                ],
                "error": None,
            }
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


_KEYS = ("substance_key", "match_key", "canonical_smiles")


def _parents(text: str) -> list[Parent]:
    """The parent compound of ``text``, or each compound of a mixture."""
    try:
        return [standardise(text)]
    except StructureError as error:
        if error.kind != "ambiguous_mixture":
            raise
    return list(standardise_components(text))


def _records(source: TextIO) -> Iterator[tuple[int, str, str]]:
    for number, line in enumerate(source, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        text, _, ident = stripped.replace("\t", " ").partition(" ")
        yield number, text, ident.strip()


def _results(
    text: str, ident: str, index: ScheduleIndex, as_of: dt.date, threshold: float | None
) -> list[dict[str, Any]]:
    try:
        verdict = classify_structure(text, index, as_of=as_of, threshold=threshold)
        return [{"id": ident, "input": text, "component": None, **_verdict(verdict), "error": None}]
    except StructureError as error:
        refused = error
    if refused.kind == "ambiguous_mixture":
        try:
            parents = standardise_components(text)
        except StructureError as error:
            refused = error
        else:
            return [
                {
                    "id": ident,
                    "input": text,
                    "component": f"{i} of {len(parents)}",
                    **_verdict(classify(parent, index, as_of=as_of, threshold=threshold)),
                    "error": None,
                }
                for i, parent in enumerate(parents, start=1)
            ]
    return [
        {
            "id": ident,
            "input": text,
            "component": None,
            "status": "invalid",
            **dict.fromkeys(_VERDICT_FIELDS),
            "error": {"kind": refused.kind, "reason": refused.reason},
        }
    ]


_VERDICT_FIELDS = (
    "substance_key",
    "match_key",
    "canonical_smiles",
    "formula",
    "standardisation",
    "rules_fired",
    "nearest",
    "pending_cover",
)


def _verdict(verdict: Classification) -> dict[str, Any]:
    parent = verdict.parent
    return {
        "status": verdict.status,
        "substance_key": parent.substance_key,
        "match_key": parent.match_key,
        "canonical_smiles": parent.canonical_smiles,
        "formula": parent.formula,
        "standardisation": list(parent.notes),
        "rules_fired": [rule.model_dump(mode="json") for rule in verdict.rules_fired],
        "nearest": [n.model_dump(mode="json") for n in verdict.nearest],
        "pending_cover": [p.model_dump(mode="json") for p in verdict.pending_cover],
    }


def _usage(message: str) -> int:
    sys.stderr.write(f"analogue-watch classify: {message}\n")
    return USAGE_ERROR
