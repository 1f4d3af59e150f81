"""The demo schedules: each jurisdiction's control list, and its acts of 2025, as legislation events.

One builder for every jurisdiction of :data:`BASELINES` (Kazakhstan and its partners Russia,
Uzbekistan, Belarus and Kyrgyzstan). Its data, beside this module (``data/README.md`` says where
each list comes from):

* ``data/<cc>_baseline.csv`` (name, smiles, formula, family, schedule, cas and, for the partners,
  act; kept by the data engineer): the substances the list names. A row with an empty ``act`` is
  on the list as it stood when watching began: one ``aw.legislation.baseline-listed.v1`` event,
  with the group definitions that are realistically already law there. A row naming an act is
  listed by that act.
* ``data/<cc>_acts.csv`` (act, instrument, title, stage, day, effective_from): the acts of 2025,
  one row per step. An act's first row proposes it (``amendment-proposed``), each later row moves
  it to a stage of its jurisdiction's listing route (:attr:`Jurisdiction.routes`:
  ``stage-changed``), and a row with stage ``enacted`` puts it in force from ``effective_from``
  (``amendment-enacted``). Each step is dated 10:00 on its day in the jurisdiction's legal time
  zone.

Everything becomes ``data/<cc>_baseline.jsonl``, one event per line, in time order. Regenerate
after editing a CSV, :data:`BASELINES` or :data:`BASELINE_GROUPS` with::

    python -m services.chemistry.baseline          # writes data/<cc>_baseline.jsonl
    python -m services.chemistry.baseline --check  # exit 1 if a committed file is stale

Kazakhstan's list is the demo's own schedule. Only the generic clauses that are old and common
law are in its baseline: fentanyl-related substances, and the first synthetic-cannabinoid clauses
(naphthoylindoles, cyclohexylphenols). Cathinones, nitazenes, designer benzodiazepines and the
indazole carboxamides have none, so the demo can show analogue alerts for alpha-PHP, alpha-PiHP,
protonitazene, bromazolam and the "4en-PINACA" cannabinoids. Every family rule stays available in
:mod:`services.chemistry.families`.

>>> event = baseline_event()
>>> event.type, event.jurisdiction, len(event.data.substances) >= 100
('aw.legislation.baseline-listed.v1', 'KZ', True)
>>> [g.name for g in event.data.group_definitions]
['fentanyl-related', 'cannabinoids-naphthoylindoles', 'cannabinoids-cyclohexylphenols']
>>> [(e.type.split(".")[2], e.time.date().isoformat()) for e in jurisdiction_events("RU")][:3]
[('baseline-listed', '2025-01-01'), ('amendment-proposed', '2025-01-10'), ('stage-changed', '2025-01-17')]
"""  # noqa: E501

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from contracts.codec import encode
from contracts.countries import legal_time_zone
from contracts.legislation import (
    AmendmentEnacted,
    AmendmentEnactedData,
    AmendmentProposed,
    AmendmentProposedData,
    AmendmentStageChanged,
    AmendmentStageChangedData,
    BaselineListed,
    BaselineListedData,
    Instrument,
    LegislationEvent,
)
from contracts.substances import ListedSubstance, Structure
from services.chemistry.families import rule_named

DATA = Path(__file__).resolve().parent / "data"
ENACTED = "enacted"
"""The stage word of an acts row that puts the act in force (it carries ``effective_from``)."""
STARTED = dt.date(2025, 1, 1)
"""When Analogue Watch started watching: every baseline list is the list in force then."""


@dataclass(frozen=True)
class Jurisdiction:
    """How one jurisdiction lists substances: its list, its source and its listing routes.

    ``routes`` gives, per kind of act, the stages an act of that kind goes through there, in
    order (the jurisdiction's own words): the acts of ``data/<cc>_acts.csv`` must follow them.
    """

    code: str
    list_name: str
    source: str
    groups: tuple[str, ...]
    """Family rules (:mod:`services.chemistry.families`) in force as the list's generic clauses."""
    routes: Mapping[Instrument, tuple[str, ...]]

    @property
    def csv_path(self) -> Path:
        return DATA / f"{self.code.lower()}_baseline.csv"

    @property
    def acts_path(self) -> Path:
        return DATA / f"{self.code.lower()}_acts.csv"

    @property
    def jsonl_path(self) -> Path:
        return DATA / f"{self.code.lower()}_baseline.jsonl"

    @property
    def published(self) -> dt.datetime:
        """Midnight starting :data:`STARTED` in the jurisdiction's legal time zone."""
        return dt.datetime(STARTED.year, STARTED.month, STARTED.day, tzinfo=_zone(self.code))


def _zone(code: str) -> dt.tzinfo:
    # The baseline's time keeps the fixed offset the KZ file has always had (UTC+5).
    return dt.timezone(dt.timedelta(hours=5)) if code == "KZ" else legal_time_zone(code)


BASELINE_GROUPS = (
    "fentanyl-related",
    "cannabinoids-naphthoylindoles",
    "cannabinoids-cyclohexylphenols",
)
"""Kazakhstan's generic clauses."""

_KZ_STAGES = ("drafted", "government", "lower_house", "upper_house", "signed")
_RU_DECREE = ("drafted", "public_discussion", "government", "signed")

BASELINES: dict[str, Jurisdiction] = {
    j.code: j
    for j in (
        Jurisdiction(
            "KZ",
            "Government Decree 1130 lists I-IV (demo baseline)",
            "kz.government.legal",
            BASELINE_GROUPS,
            {Instrument.GOVERNMENT_DECREE: _KZ_STAGES, Instrument.LAW: _KZ_STAGES},
        ),
        Jurisdiction(
            "RU",
            "Government Decree 681 lists I-IV (demo baseline)",
            "ru.government.legal",
            ("cathinones", "fentanyl-related", "cannabinoids-naphthoylindoles"),
            {
                Instrument.GOVERNMENT_DECREE: _RU_DECREE,
                Instrument.LAW: (
                    "drafted",
                    "first_reading",
                    "second_reading",
                    "third_reading",
                    "federation_council",
                    "signed",
                ),
            },
        ),
        Jurisdiction(
            "UZ",
            "State Commission for Drug Control lists (demo baseline)",
            "uz.gkkn.legal",
            (),
            {Instrument.MINISTERIAL_ORDER: ("drafted", "state_commission", "justice_registration")},
        ),
        Jurisdiction(
            "BY",
            "Ministry of Health Resolution 19, Republican list (demo baseline)",
            "by.minzdrav.legal",
            (),
            {
                Instrument.MINISTERIAL_ORDER: (
                    "drafted",
                    "public_discussion",
                    "signed",
                    "registered",
                )
            },
        ),
        Jurisdiction(
            "KG",
            "Government Resolution 543 list (demo baseline)",
            "kg.cabinet.legal",
            (),
            {Instrument.GOVERNMENT_DECREE: ("drafted", "public_discussion", "cabinet", "signed")},
        ),
    )
}
"""Every jurisdiction with a demo schedule, Kazakhstan first."""

KZ = BASELINES["KZ"]
CSV_PATH = KZ.csv_path
JSONL_PATH = KZ.jsonl_path
LIST_NAME = KZ.list_name
SOURCE = KZ.source
EFFECTIVE_FROM = STARTED
PUBLISHED = KZ.published


def read_rows(path: Path = CSV_PATH) -> list[dict[str, str]]:
    """The rows of a baseline (or acts) CSV."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _listed(row: dict[str, str]) -> ListedSubstance:
    structure = Structure(smiles=row["smiles"])
    return ListedSubstance(name=row["name"], structure=structure, schedule=row["schedule"] or None)


def baseline_event(
    rows: list[dict[str, str]] | None = None, jurisdiction: str = "KZ"
) -> BaselineListed:
    """The baseline event of ``jurisdiction`` built from ``rows`` (default: its CSV), the rows
    listed by no act, and its group definitions."""
    spec = BASELINES[jurisdiction]
    rows = read_rows(spec.csv_path) if rows is None else rows
    return BaselineListed(
        id=f"{spec.code.lower()}-baseline-{STARTED.isoformat()}",
        source=spec.source,
        jurisdiction=spec.code,
        time=spec.published,
        published=spec.published,
        data=BaselineListedData(
            list_name=spec.list_name,
            effective_from=STARTED,
            substances=[_listed(row) for row in rows if not row.get("act")],
            group_definitions=[rule_named(name) for name in spec.groups],
        ),
    )


def act_events(
    jurisdiction: str,
    acts: list[dict[str, str]] | None = None,
    rows: list[dict[str, str]] | None = None,
) -> list[LegislationEvent]:
    """The events of ``jurisdiction``'s acts (default: its acts CSV), naming the baseline rows
    whose ``act`` is theirs. Raises ``ValueError`` for an act that leaves its listing route."""
    spec = BASELINES[jurisdiction]
    acts = read_rows(spec.acts_path) if acts is None else acts
    rows = read_rows(spec.csv_path) if rows is None else rows
    steps: dict[str, list[dict[str, str]]] = {}
    for step in acts:
        steps.setdefault(step["act"], []).append(step)
    unknown = {row["act"] for row in rows if row.get("act")} - steps.keys()
    if unknown:
        raise ValueError(f"{jurisdiction}: rows name acts with no steps: {sorted(unknown)}")
    events: list[LegislationEvent] = []
    for act, its_steps in steps.items():
        named = [_listed(row) for row in rows if row.get("act") == act]
        events += _act(spec, act, its_steps, named)
    return sorted(events, key=lambda e: (e.time, e.id))


def _act(
    spec: Jurisdiction, act: str, steps: list[dict[str, str]], named: list[ListedSubstance]
) -> list[LegislationEvent]:
    first, *later = steps
    instrument = Instrument(first["instrument"])
    route = spec.routes.get(instrument)
    stages = [s["stage"] for s in steps if s["stage"] != ENACTED]
    if route is None or stages != [s for s in route if s in stages] or stages[0] != route[0]:
        raise ValueError(f"{spec.code} {act}: stages {stages} leave the {instrument} route {route}")
    events: list[LegislationEvent] = []
    previous = first["stage"]
    for number, step in enumerate(steps, start=1):
        at = dt.datetime.combine(dt.date.fromisoformat(step["day"]), dt.time(10), _zone(spec.code))
        envelope = {
            "id": f"{act.lower()}-{number}",
            "source": spec.source,
            "jurisdiction": spec.code,
            "time": at,
            "published": at + dt.timedelta(minutes=20),
        }
        if number == 1:
            proposal = AmendmentProposedData(
                amendment_id=act,
                instrument=instrument,
                title=first["title"],
                substances=named,
                stage=first["stage"],
            )
            events.append(AmendmentProposed(**envelope, data=proposal))
        elif step["stage"] == ENACTED:
            effective = dt.date.fromisoformat(step["effective_from"])
            enacted = AmendmentEnactedData(amendment_id=act, effective_from=effective)
            events.append(AmendmentEnacted(**envelope, data=enacted))
        else:
            moved = AmendmentStageChangedData(
                amendment_id=act, stage=step["stage"], previous_stage=previous
            )
            events.append(AmendmentStageChanged(**envelope, data=moved))
            previous = step["stage"]
    if not later or steps[-1]["stage"] != ENACTED:
        raise ValueError(f"{spec.code} {act}: the last step must be {ENACTED!r}")
    return events


def jurisdiction_events(jurisdiction: str) -> list[LegislationEvent]:
    """The baseline of ``jurisdiction`` and the events of its acts, in time order."""
    return [baseline_event(jurisdiction=jurisdiction), *act_events(jurisdiction)]


def render(*events: LegislationEvent) -> str:
    """The JSONL text of a file: one event per line."""
    return "".join(encode(event).decode("utf-8") + "\n" for event in events)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    stale = []
    for spec in BASELINES.values():
        text = render(*jurisdiction_events(spec.code))
        if "--check" in args:
            if not spec.jsonl_path.exists() or spec.jsonl_path.read_text(encoding="utf-8") != text:
                stale.append(spec.jsonl_path)
        else:
            spec.jsonl_path.write_text(text, encoding="utf-8")
    for path in stale:
        sys.stderr.write(f"{path} is stale: run python -m services.chemistry.baseline\n")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
