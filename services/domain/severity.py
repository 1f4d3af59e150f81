"""How much an alert matters, for the order officers read alerts in.

An alert's severity comes from its substance's chemical family and its pattern:

* the family (``services.chemistry.families``: which family a chemist would put the structure in,
  whatever made it an alert) sets the base level, by the first keyword of :data:`FAMILY_LEVELS`
  its family name holds: opioids (nitazenes, fentanyl-related, benzamides...) are critical, the
  stimulants, hallucinogens and benzodiazepines high, synthetic cannabinoids medium; a family
  not named, or no family, is medium;
* a reopened alert (its amendment failed or stalled) is one level up, up to critical;
* a suppressed alert (an amendment is on its way) is one level down; a resolved or retracted one
  is low: nothing is left to act on.

The keywords are configurable (``parse_levels``: ``"opioid=critical,cannabinoid=low"``, placed
before the defaults). Pure, apart from a cache of each structure's families.

>>> parse_levels("Tryptamine=critical, cannabinoid=low")[:2]
(('tryptamine', <Level.CRITICAL: 3>), ('cannabinoid', <Level.LOW: 0>))
>>> base_level("2-benzylbenzimidazole opioids"), base_level("synthetic cannabinoid agonists")
(<Level.CRITICAL: 3>, <Level.MEDIUM: 1>)
"""

from __future__ import annotations

from enum import IntEnum
from functools import lru_cache

from rdkit import Chem

from contracts.alerts import AlertEvent, AlertKind, AlertStatus, alert_kind
from services.chemistry.families import family_matches


class Level(IntEnum):
    LOW = 0
    MEDIUM = 1
    HIGH = 2
    CRITICAL = 3


Levels = tuple[tuple[str, Level], ...]
"""Keywords of family names and their levels, the first found winning."""

FAMILY_LEVELS: Levels = (
    ("opioid", Level.CRITICAL),
    ("fentanyl", Level.CRITICAL),
    ("benzodiazepine", Level.HIGH),
    ("cathinone", Level.HIGH),
    ("phenethylamine", Level.HIGH),
    ("amphetamine", Level.HIGH),
    ("tryptamine", Level.HIGH),
    ("lysergamide", Level.HIGH),
    ("arylcyclohexylamine", Level.HIGH),
    ("cannabinoid", Level.MEDIUM),
)
"""Keyword of a family name → its base level; the first keyword found wins."""

UNKNOWN = Level.MEDIUM


def parse_levels(text: str) -> Levels:
    """``keyword=level`` pairs, comma-separated, ahead of :data:`FAMILY_LEVELS`."""
    chosen = []
    for pair in filter(None, (p.strip() for p in text.split(","))):
        keyword, _, level = pair.partition("=")
        try:
            chosen.append((keyword.strip().casefold(), Level[level.strip().upper()]))
        except KeyError:
            names = ", ".join(level.name.lower() for level in Level)
            raise ValueError(f"{pair!r}: the level must be one of {names}") from None
        if not chosen[-1][0]:
            raise ValueError(f"{pair!r}: name a keyword of a family, e.g. opioid=critical")
    return (*chosen, *FAMILY_LEVELS)


def base_level(family: str | None, levels: Levels = FAMILY_LEVELS) -> Level:
    """The level of a family by its name (None: no family known)."""
    name = (family or "").casefold()
    return next((level for keyword, level in levels if keyword in name), UNKNOWN)


@lru_cache(maxsize=4096)
def family_of(smiles: str) -> str | None:
    """The first family the structure falls under, if any."""
    mol = Chem.MolFromSmiles(smiles)
    matches = family_matches(mol) if mol is not None else ()
    return matches[0].family if matches else None


def severity(event: AlertEvent, levels: Levels = FAMILY_LEVELS) -> Level:
    """How much the alert's latest version matters (see the module's docstring)."""
    d = event.data
    if d.status in (AlertStatus.RESOLVED, AlertStatus.RETRACTED):
        return Level.LOW
    level = base_level(family_of(d.canonical_smiles), levels)
    if d.status == AlertStatus.SUPPRESSED:
        return Level(max(level - 1, Level.LOW))
    if alert_kind(event) == AlertKind.REOPENED:
        return Level(min(level + 1, Level.CRITICAL))
    return level
