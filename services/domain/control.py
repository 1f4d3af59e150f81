"""When control can be expected: how long a jurisdiction's amendments have taken, by kind of act.

Each open alert shows, for every kind of act (``law``, ``government_decree``,
``ministerial_order``) the jurisdiction has enacted amendments by, the median days from proposal
to entry into force over those amendments, and how many there were (issue 18). The history is the
jurisdiction's own, as folded from ``aw.legislation`` into its schedule; nothing about routes is in
code. Only amendments enacted before the moment judged count, so an alert judged again (a late input,
the replay) shows the same figures.

>>> import datetime as dt
>>> from contracts.schedule import ScheduleState
>>> control_routes(ScheduleState(), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "KZ")
[]
"""

from __future__ import annotations

import datetime as dt
import statistics

from contracts.alerts import ControlRoute
from contracts.countries import legal_time_zone
from contracts.legislation import Instrument
from contracts.schedule import ScheduleState


def control_routes(
    schedule: ScheduleState, at: dt.datetime, jurisdiction: str
) -> list[ControlRoute]:
    """Per kind of act, the median days from proposal to entry into force of the amendments
    enacted before ``at`` (their legal dates, in the jurisdiction's time zone)."""
    zone = legal_time_zone(jurisdiction)
    took: dict[Instrument, list[int]] = {}
    for amendment in schedule.amendments:
        decided = amendment.decided_at
        if amendment.effective_from is None or decided is None or decided >= at:
            # Not enacted, or not before ``at``: an enactment at the very moment may stand after
            # the input judged there in event order, and the replay's schedule would lack it.
            continue
        proposed = amendment.proposed_at.astimezone(zone).date()
        days = max(0, (amendment.effective_from - proposed).days)
        took.setdefault(amendment.instrument, []).append(days)
    return [
        ControlRoute(
            instrument=instrument,
            median_days=round(statistics.median(days)),
            amendments=len(days),
        )
        for instrument, days in sorted(took.items())
    ]


def control_words(routes: list[ControlRoute]) -> str:
    """The projection in words.

    >>> for part in control_words([
    ...     ControlRoute(instrument="government_decree", median_days=84, amendments=5),
    ...     ControlRoute(instrument="law", median_days=160, amendments=1)]).split("; "):
    ...     print(part)
    by government decree about 84 days (median of 5 past amendments)
    by law about 160 days (1 past amendment)
    """
    parts = []
    for route in routes:
        act = route.instrument.value.replace("_", " ")
        if route.amendments == 1:
            basis = "1 past amendment"
        else:
            basis = f"median of {route.amendments} past amendments"
        parts.append(f"by {act} about {route.median_days} days ({basis})")
    return "; ".join(parts)
