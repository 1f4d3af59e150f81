"""Chemistry core: structure intake, standardisation, family rules, classification. Pure RDKit.

>>> import datetime as dt
>>> from services.chemistry.baseline import baseline_event
>>> from services.domain.schedule import fold_legislation
>>> index = ScheduleIndex.build(fold_legislation([baseline_event()]), jurisdiction="KZ")
>>> alpha_pihp = standardise("CC(C)CC(N1CCCC1)C(=O)c1ccccc1")
>>> verdict = classify(alpha_pihp, index, as_of=dt.date(2025, 6, 1))
>>> verdict.status, verdict.nearest[0].name
('analogue', 'alpha-PVP')
"""

from services.chemistry.classification import (
    DEFAULT_THRESHOLD,
    Classification,
    Neighbour,
    PendingCover,
    RuleFired,
    ScheduleIndex,
    classify,
    classify_structure,
)
from services.chemistry.families import FAMILY_RULES
from services.chemistry.intake import Limits, StructureError
from services.chemistry.standardisation import Parent, standardise, standardise_components

__all__ = [
    "DEFAULT_THRESHOLD",
    "FAMILY_RULES",
    "Classification",
    "Limits",
    "Neighbour",
    "Parent",
    "PendingCover",
    "RuleFired",
    "ScheduleIndex",
    "StructureError",
    "classify",
    "classify_structure",
    "standardise",
    "standardise_components",
]
