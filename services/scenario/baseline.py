"""The lists the scenario starts from: Kazakhstan's, and its partners' with their acts of 2025.

Kazakhstan's list is the chemistry package's demo schedule (``services.chemistry.baseline``, the
event committed as ``services/chemistry/data/kz_baseline.jsonl``), dated at the scenario's start
and in force from then at the latest, so the story's seizures of listed substances meet a list in
force. The partners' (RU, UZ, BY, KG: ``data/<cc>_baseline.jsonl``) are published the same way,
each on its own jurisdiction's key, a minute apart after Kazakhstan's, followed by their acts of
2025 at their own dates: the KZ alerts show what the neighbours did (issue 17), and nothing about
Kazakhstan changes.

>>> import datetime as dt
>>> start = dt.datetime(2025, 1, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=5)))
>>> event = kz_baseline(start)
>>> event.jurisdiction, event.published == start, len(event.data.substances) > 100
('KZ', True, True)
"""

from __future__ import annotations

import datetime as dt

from contracts.legislation import BaselineListed, LegislationEvent
from services.chemistry.baseline import BASELINES, act_events, baseline_event

PARTNERS = tuple(code for code in BASELINES if code != "KZ")
"""The jurisdictions whose lists the scenario publishes beside Kazakhstan's."""


def kz_baseline(at: dt.datetime) -> BaselineListed:
    """The KZ baseline event, published at ``at`` and in force from ``at``'s date at the latest."""
    return _dated(baseline_event(), at)


def _dated(event: BaselineListed, at: dt.datetime) -> BaselineListed:
    effective = min(event.data.effective_from, at.date())
    data = event.data.model_copy(update={"effective_from": effective})
    return event.model_copy(update={"time": at, "published": at, "data": data})


def partner_legislation(at: dt.datetime) -> list[LegislationEvent]:
    """Each partner's baseline, published the minute after the one before (Kazakhstan's at
    ``at``), and its acts at their own dates, which must come after ``at``.

    >>> start = dt.datetime(2025, 1, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    >>> events = partner_legislation(start)
    >>> [e.jurisdiction for e in events if e.type.endswith("baseline-listed.v1")]
    ['RU', 'UZ', 'BY', 'KG']
    >>> min(e.time for e in events) > start
    True
    """
    events: list[LegislationEvent] = []
    for minutes, code in enumerate(PARTNERS, start=1):
        events.append(_dated(baseline_event(jurisdiction=code), at + dt.timedelta(minutes=minutes)))
        acts = act_events(code)
        early = [e.id for e in acts if e.time <= at]
        if early:
            raise ValueError(f"{code}: acts before the scenario starts: {early}")
        events += acts
    return events
