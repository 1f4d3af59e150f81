"""Corrections: an input that came after versions dated later had been published, and changes
the lifecycle they told, gives one ``corrected`` version in their place.

Such an input came later than the allowed lateness (within it every stage takes its inputs in
event-time order), or it is a sighting dated well before its report (a seizure reported after its
samples' lab results). It was judged from the alert's last version on, as versions are never
rewritten; here the jurisdiction is judged again from the input's time on, from the alert as it
stood before then, as if the input had come in time. When that lifecycle differs from the one
published (a change of status at another time, one more or one less; updates aside), the versions
just judged give way to one ``corrected`` version: the alert as it stands with the input
(``retracted`` when there would be none), the lifecycle published and the corrected one side by
side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from contracts.alerts import AlertBody, AlertKind, AlertStatus, AlertTransition, Correction
from contracts.countries import legal_time_zone
from services.domain.alert_event import alert_id
from services.domain.effects import Emit
from services.domain.judging import Judging
from services.domain.lifecycle import AlertTrack
from services.domain.occurrences import latest
from services.domain.substance import SubstanceState
from services.domain.wording import correction_reason, days


def corrected(
    entered: SubstanceState,
    state: SubstanceState,
    since: dt.datetime,
    late_id: str,
    judging: Judging,
) -> SubstanceState:
    """``state`` (``entered`` with the input ``late_id`` dated ``since`` applied, as judged by
    ``judging``), corrected if that input came after versions dated later had been published and
    changes the lifecycle they told."""
    j, rule = judging.j, judging.rule
    was = entered.local(j)
    if was.alert is None or since >= was.alert.time:
        return state
    now = state.local(j)
    latest_seen = now.sightings.last_seen
    if latest_seen is None or since < latest_seen - rule.lateness:
        # Older than the lateness before the substance's latest sighting here: occurrences its
        # windows counted may be gone (a sweep keeps the window behind that point, no more), and
        # judging again would undercount. It stays judged from the last version on (a sighting
        # this late is counted late). By the state alone, so that the services and the replay,
        # whose sweeps drop at other times, decide alike.
        return state
    before = tuple(track for track in was.history if track.time < since)
    would_be = now.history[len(before) :]
    if any(track.kind is None for track in would_be):
        return state  # a history stored before kinds were kept: nothing to compare with
    redo = state.with_local(
        j, now.model_copy(update={"alert": before[-1] if before else None, "history": before})
    )
    redo = judging.aside().rejudge(redo, since, since)
    truth = redo.local(j).history[len(before) :]
    if _steps(truth) == _steps(would_be):
        return state
    # The versions just judged from the alert's last one on give way to the correction.
    mine = alert_id(j, state.match_key)
    judging.emits[:] = [e for e in judging.emits if not _supersedes(e, mine, was.alert.version)]
    judged = redo.local(j)
    end = judged.alert
    track = AlertTrack(
        version=was.alert.version + 1,
        status=end.status if end is not None else AlertStatus.RETRACTED,
        time=latest(judged.evaluated_at, was.alert.time),
        next_level=end.next_level if end is not None else rule.min_occurrences,
        regions=end.regions if end is not None else (),
        channels=end.channels if end is not None else (),
        foreign=end.foreign if end is not None else (),
        kind=AlertKind.CORRECTED,
    )
    local = judged.model_copy(update={"alert": track, "history": (*before, *truth)})
    state = state.with_local(j, local)
    correction = Correction(
        late_event_id=late_id,
        late_event_time=since,
        published=_transitions(was.history[len(before) :]),
        corrected=_transitions(truth),
    )
    why = correction_reason(correction, track.status, legal_time_zone(j))
    resolved = next((t for t in reversed(truth) if t.kind == AlertKind.RESOLVED), None)
    controlled_after = (
        days(resolved.time - (local.sightings.first_seen or resolved.time))
        if resolved is not None and track.status == AlertStatus.RESOLVED
        else None
    )
    judging.publish(
        state,
        local,
        AlertKind.CORRECTED,
        track.time,
        why,
        correction=correction,
        time_to_control=controlled_after,
    )
    return state


def _supersedes(sent: Emit, alert: str, version: int) -> bool:
    """Whether ``sent`` is a version of ``alert`` after ``version``."""
    body = getattr(sent.event, "data", None)
    return isinstance(body, AlertBody) and body.alert_id == alert and body.version > version


def _steps(history: Sequence[AlertTrack]) -> list[tuple[AlertKind | None, dt.datetime]]:
    """The lifecycle in ``history``: its changes of status and when. Updates are left out: new
    evidence found late is published as an update, like any other."""
    return [(t.kind, t.time) for t in history if t.kind != AlertKind.UPDATED]


def _transitions(history: Sequence[AlertTrack]) -> list[AlertTransition]:
    steps = _steps(history)[:100]
    return [AlertTransition(transition=str(kind), time=time) for kind, time in steps]
