"""The Kazakhstan baseline list the scenario starts from, as one ``baseline-listed`` event.

The list is the chemistry package's: ``services/chemistry/data/kz_baseline.jsonl`` (one baseline
event) when it is there, else built here from ``kz_baseline.csv`` (columns name, smiles, formula,
family, schedule, cas). Either way the event is dated at the scenario's start and its list is in
force from then at the latest, so the story's seizures of listed substances meet a list in force.

>>> import datetime as dt
>>> start = dt.datetime(2025, 1, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=5)))
>>> event = kz_baseline(start)
>>> event.jurisdiction, event.published == start, len(event.data.substances) > 100
('KZ', True, True)
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from contracts.codec import decode
from contracts.legislation import BaselineListed, BaselineListedData
from contracts.substances import ListedSubstance, Structure

DATA = Path(__file__).resolve().parents[1] / "chemistry" / "data"
JSONL = DATA / "kz_baseline.jsonl"
CSV = DATA / "kz_baseline.csv"

LIST_NAME = "KZ narcotic drugs and psychotropic substances, lists I-III"
SOURCE = "kz.mvd.legal"


def kz_baseline(at: dt.datetime, *, jsonl: Path = JSONL, csv_path: Path = CSV) -> BaselineListed:
    """The KZ baseline event, published at ``at`` and in force from ``at``'s date at the latest."""
    event = _from_jsonl(jsonl) if jsonl.is_file() else _from_csv(csv_path, at)
    effective = min(event.data.effective_from, at.date())
    data = event.data.model_copy(update={"effective_from": effective})
    return event.model_copy(update={"time": at, "published": at, "data": data})


def _from_jsonl(path: Path) -> BaselineListed:
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        event = decode(line)
        if isinstance(event, BaselineListed) and event.jurisdiction == "KZ":
            return event
    raise ValueError(f"{path} holds no KZ aw.legislation.baseline-listed.v1 event")


def _from_csv(path: Path, at: dt.datetime) -> BaselineListed:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    substances = [
        ListedSubstance(
            name=row["name"],
            structure=Structure(smiles=row["smiles"]),
            schedule=row["schedule"] or None,
        )
        for row in rows
    ]
    return BaselineListed(
        id=f"kz-leg-baseline-{at.year}",
        source=SOURCE,
        jurisdiction="KZ",
        time=at,
        published=at,
        data=BaselineListedData(
            list_name=LIST_NAME, effective_from=at.date(), substances=substances
        ),
    )
