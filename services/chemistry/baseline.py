"""The demo schedule: Kazakhstan's baseline control list as one legislation event, from the CSV.

``data/kz_baseline.csv`` (name, smiles, formula, family, schedule, cas; kept by the data engineer)
plus the group definitions that are realistically already law become one
``aw.legislation.baseline-listed.v1`` event in ``data/kz_baseline.jsonl``. Regenerate it after
editing the CSV or :data:`BASELINE_GROUPS` with::

    python -m services.chemistry.baseline          # writes data/kz_baseline.jsonl
    python -m services.chemistry.baseline --check  # exit 1 if the committed file is stale

Only the generic clauses that are old and common law are in the baseline: fentanyl-related
substances, and the first synthetic-cannabinoid clauses (naphthoylindoles, cyclohexylphenols).
Cathinones, nitazenes, designer benzodiazepines and the indazole carboxamides have none, so the
demo can show analogue alerts for alpha-PHP, alpha-PiHP, protonitazene, bromazolam and the
"4en-PINACA" cannabinoids. Every family rule stays available in :mod:`services.chemistry.families`.

>>> event = baseline_event()
>>> event.type, event.jurisdiction, len(event.data.substances) >= 100
('aw.legislation.baseline-listed.v1', 'KZ', True)
>>> [g.name for g in event.data.group_definitions]
['fentanyl-related', 'cannabinoids-naphthoylindoles', 'cannabinoids-cyclohexylphenols']
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

from contracts.codec import encode
from contracts.legislation import BaselineListed, BaselineListedData
from contracts.substances import ListedSubstance, Structure
from services.chemistry.families import rule_named

DATA = Path(__file__).resolve().parent / "data"
CSV_PATH = DATA / "kz_baseline.csv"
JSONL_PATH = DATA / "kz_baseline.jsonl"

LIST_NAME = "Government Decree 1130 lists I-IV (demo baseline)"
SOURCE = "kz.government.legal"
EFFECTIVE_FROM = dt.date(2025, 1, 1)
PUBLISHED = dt.datetime(2025, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
BASELINE_GROUPS = (
    "fentanyl-related",
    "cannabinoids-naphthoylindoles",
    "cannabinoids-cyclohexylphenols",
)


def read_rows(path: Path = CSV_PATH) -> list[dict[str, str]]:
    """The rows of the baseline CSV."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def baseline_event(rows: list[dict[str, str]] | None = None) -> BaselineListed:
    """The KZ baseline event built from ``rows`` (default: the CSV) and :data:`BASELINE_GROUPS`."""
    rows = read_rows() if rows is None else rows
    return BaselineListed(
        id=f"kz-baseline-{EFFECTIVE_FROM.isoformat()}",
        source=SOURCE,
        jurisdiction="KZ",
        time=PUBLISHED,
        published=PUBLISHED,
        data=BaselineListedData(
            list_name=LIST_NAME,
            effective_from=EFFECTIVE_FROM,
            substances=[
                ListedSubstance(
                    name=row["name"],
                    structure=Structure(smiles=row["smiles"]),
                    schedule=row["schedule"] or None,
                )
                for row in rows
            ],
            group_definitions=[rule_named(name) for name in BASELINE_GROUPS],
        ),
    )


def render(event: BaselineListed) -> str:
    """The JSONL text of the file: the event on one line."""
    return encode(event).decode("utf-8") + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render(baseline_event())
    if "--check" in args:
        if JSONL_PATH.read_text(encoding="utf-8") != text:
            sys.stderr.write(f"{JSONL_PATH} is stale: run python -m services.chemistry.baseline\n")
            return 1
        return 0
    JSONL_PATH.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
