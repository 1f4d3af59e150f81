"""When control can be expected: how long a jurisdiction's amendments have taken, by kind of act.

Each open alert shows, for every kind of act (``law``, ``government_decree``,
``ministerial_order``) the jurisdiction has enacted amendments by, the median days from proposal
to entry into force over those amendments, and how many there were; and for each stage they went
through (the jurisdiction's own stage names), the median days left from reaching it, so that a
pending amendment's stage says how long is left (issue 18). The history is the jurisdiction's
own, as folded from ``aw.legislation`` into its schedule: nothing about routes or stages is in
code. Only amendments enacted before the moment judged count, so an alert judged again (a late
input, the replay) shows the same figures.

>>> import datetime as dt
>>> from contracts.schedule import ScheduleState
>>> control_routes(ScheduleState(), dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "KZ")
[]
"""

from __future__ import annotations

import datetime as dt
import statistics

from contracts.alerts import ControlRoute, PendingAmendmentRef, StageLag
from contracts.countries import legal_time_zone
from contracts.legislation import Instrument
from contracts.schedule import ScheduleState
from services.domain.substance import JurisdictionState


def control_routes(
    schedule: ScheduleState, at: dt.datetime, jurisdiction: str
) -> list[ControlRoute]:
    """Per kind of act, the median days from proposal to entry into force of the amendments
    enacted before ``at`` (their legal dates, in the jurisdiction's time zone)."""
    zone = legal_time_zone(jurisdiction)
    took: dict[Instrument, list[int]] = {}
    left: dict[Instrument, dict[str, list[int]]] = {}
    for amendment in schedule.amendments:
        decided = amendment.decided_at
        in_force = amendment.effective_from
        if in_force is None or decided is None or decided >= at:
            # Not enacted, or not before ``at``: an enactment at the very moment may stand after
            # the input judged there in event order, and the replay's schedule would lack it.
            continue
        proposed = amendment.proposed_at.astimezone(zone).date()
        took.setdefault(amendment.instrument, []).append(max(0, (in_force - proposed).days))
        stages = left.setdefault(amendment.instrument, {})
        for reached in amendment.stages:
            days = max(0, (in_force - reached.at.astimezone(zone).date()).days)
            stages.setdefault(reached.stage, []).append(days)
    return [
        ControlRoute(
            instrument=instrument,
            median_days=_median(days),
            amendments=len(days),
            stages=[
                StageLag(stage=stage, median_days=_median(after), amendments=len(after))
                for stage, after in left[instrument].items()
            ][:20],
        )
        for instrument, days in sorted(took.items())
    ]


def stage_left(routes: list[ControlRoute], instrument: Instrument, stage: str) -> StageLag | None:
    """How long is left, by the jurisdiction's history, for an amendment by ``instrument`` that
    has reached ``stage``."""
    for route in routes:
        if route.instrument == instrument:
            return next((s for s in route.stages if s.stage == stage), None)
    return None


def expected_pending(
    local: JurisdictionState, schedule: ScheduleState, routes: list[ControlRoute]
) -> list[PendingAmendmentRef]:
    """The alert's pending amendments, each with the days its stage has left by the history."""
    assert local.assessment is not None
    instruments = {a.amendment_id: a.instrument for a in schedule.amendments}
    out = []
    for ref in local.assessment.pending:
        instrument = instruments.get(ref.amendment_id)
        lag = None if instrument is None else stage_left(routes, instrument, ref.stage)
        out.append(ref if lag is None else ref.model_copy(update={"days_left": lag.median_days}))
    return out


def _median(days: list[int]) -> int:
    return round(statistics.median(days))


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
