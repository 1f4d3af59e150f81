"""The Kazakhstan baseline list the scenario starts from, as one ``baseline-listed`` event.

The list is the chemistry package's demo schedule (``services.chemistry.baseline``, the event
committed as ``services/chemistry/data/kz_baseline.jsonl``), dated at the scenario's start and in
force from then at the latest, so the story's seizures of listed substances meet a list in force.

>>> import datetime as dt
>>> start = dt.datetime(2025, 1, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=5)))
>>> event = kz_baseline(start)
>>> event.jurisdiction, event.published == start, len(event.data.substances) > 100
('KZ', True, True)
"""

from __future__ import annotations

import datetime as dt

from contracts.legislation import BaselineListed
from services.chemistry.baseline import baseline_event


def kz_baseline(at: dt.datetime) -> BaselineListed:
    """The KZ baseline event, published at ``at`` and in force from ``at``'s date at the latest."""
    event = baseline_event()
    effective = min(event.data.effective_from, at.date())
    data = event.data.model_copy(update={"effective_from": effective})
    return event.model_copy(update={"time": at, "published": at, "data": data})
