"""A substance's status in every known jurisdiction at a moment: what the neighbours did about it.

For each jurisdiction whose schedule is at hand, the substance is classified against that
schedule as it stood at the moment (``services.domain.timeline``: only facts dated by then, so the
monitor and an offline replay agree whichever newer copy they hold), and the verdict is told as a
:class:`~contracts.alerts.JurisdictionStatus`:

* ``listed``: the listing's name, the act that listed it (amendment id, or the baseline list),
  the kind of act, in force since when, its schedule;
* ``group``: the group definition that covers it, the act, since when;
* ``analogue``: the nearest listed substance, how similar, and the rule that made it one;
* ``unrelated``: none of these.

A jurisdiction whose schedule knew nothing at the moment (no listing, group or amendment yet) is
left out: "unrelated" there would only mean "not loaded yet". Pure: the classifier is passed in
(``services.domain.classifier``), so tests can give any function of that shape.

>>> import datetime as dt
>>> from contracts.schedule import Listing, ScheduleState
>>> from services.domain.classifier import chemistry_classifier
>>> ru = ScheduleState(listings=[Listing(name="alpha-PVP", source="baseline:Decree 681",
...     structure={"smiles": "CCCC(N1CCCC1)C(=O)c1ccccc1"}, effective_from=dt.date(2025, 1, 1))])
>>> at = dt.datetime(2025, 7, 15, tzinfo=dt.UTC)
>>> [status] = status_everywhere("CCCCC(N1CCCC1)C(=O)c1ccccc1", {"RU": ru}, at,
...                              chemistry_classifier())
>>> status_words(status)
'an unlisted analogue in RU of alpha-PVP (similarity 0.83)'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from contracts.alerts import ControlStatus, JurisdictionStatus, RuleFired
from contracts.countries import legal_time_zone
from contracts.legislation import Instrument
from contracts.schedule import ScheduleState
from services.domain.classifier import Classify, Verdict
from services.domain.lifecycle import AlertRule
from services.domain.timeline import ScheduleAt, schedule_at, start_of

BASELINE = "baseline:"
STALL = AlertRule().stall
"""The default rule's stall limit (a stalled amendment abroad changes no status here)."""


def status_in(
    smiles: str, schedule: ScheduleState, view: ScheduleAt, classify: Classify
) -> JurisdictionStatus | None:
    """The status of ``smiles`` in ``view.jurisdiction`` as ``view`` says (``schedule``: the
    whole schedule, for the kind of act that listed it); None when the view knows nothing."""
    known = view.state
    if not (known.listings or known.groups or known.amendments):
        return None
    verdict = classify(smiles, view)
    status = _status(verdict)
    j = view.jurisdiction
    if status == ControlStatus.LISTED:
        return _listed(j, _rules(verdict, "listed"), schedule)
    if status == ControlStatus.GROUP:
        return _grouped(j, _rules(verdict, "group-definition"), schedule, view)
    if status == ControlStatus.ANALOGUE and verdict.nearest:
        nearest = verdict.nearest[0]
        rule = verdict.rules_fired[0] if verdict.rules_fired else None
        return JurisdictionStatus(
            jurisdiction=j,
            status=status,
            name=nearest.name,
            act=nearest.source,
            similarity=round(nearest.similarity, 4),
            rule=rule.rule if rule else None,
            explanation=rule.explanation if rule else None,
        )
    return JurisdictionStatus(jurisdiction=j, status=ControlStatus.UNRELATED)


def status_everywhere(
    smiles: str,
    schedules: Mapping[str, ScheduleState],
    at: dt.datetime,
    classify: Classify,
    *,
    stall: dt.timedelta = STALL,
) -> list[JurisdictionStatus]:
    """The status of ``smiles`` at ``at`` in every jurisdiction of ``schedules``, by code."""
    found = []
    for j in sorted(schedules):
        view = schedule_at(schedules[j], at, stall=stall, jurisdiction=j)
        status = status_in(smiles, schedules[j], view, classify)
        if status is not None:
            found.append(status)
    return found


def status_on(
    smiles: str,
    schedules: Mapping[str, ScheduleState],
    day: dt.date,
    classify: Classify,
    *,
    stall: dt.timedelta = STALL,
) -> list[JurisdictionStatus]:
    """The status of ``smiles`` on ``day`` in every jurisdiction of ``schedules``: each at the
    end of that day in its own legal time zone (what was in force and decided by then).

    >>> status_on("CCO", {}, dt.date(2025, 3, 1), lambda smiles, view: None)
    []
    """
    found = []
    for j in sorted(schedules):
        at = start_of(day + dt.timedelta(days=1), legal_time_zone(j)) - dt.timedelta(microseconds=1)
        found += status_everywhere(smiles, {j: schedules[j]}, at, classify, stall=stall)
    return found


def _status(verdict: Verdict) -> ControlStatus:
    value = str(getattr(verdict.status, "value", verdict.status))
    try:
        return ControlStatus(value)
    except ValueError:
        return ControlStatus.UNRELATED


def _rules(verdict: Verdict, name: str) -> list[RuleFired]:
    return [rule for rule in verdict.rules_fired if rule.rule == name]


def _listed(j: str, rules: list[RuleFired], schedule: ScheduleState) -> JurisdictionStatus:
    """The earliest listing in force that names it (a later act may name it again)."""
    if not rules:
        return JurisdictionStatus(jurisdiction=j, status=ControlStatus.LISTED)
    first = min(rules, key=lambda r: str(r.evidence.get("effective_from", "")))
    evidence = first.evidence
    act = str(evidence.get("source", "")) or None
    since = str(evidence.get("effective_from", ""))
    return JurisdictionStatus(
        jurisdiction=j,
        status=ControlStatus.LISTED,
        name=str(evidence.get("listing", "")) or None,
        act=act,
        instrument=_instrument(schedule, act),
        since=dt.date.fromisoformat(since) if since else None,
        schedule=str(evidence.get("schedule", "")) or None,
        rule=first.rule,
        explanation=first.explanation,
    )


def _grouped(
    j: str, rules: list[RuleFired], schedule: ScheduleState, view: ScheduleAt
) -> JurisdictionStatus:
    if not rules:
        return JurisdictionStatus(jurisdiction=j, status=ControlStatus.GROUP)
    rule = rules[0]
    name, act = str(rule.evidence.get("group", "")), str(rule.evidence.get("source", ""))
    since = min(
        (g.effective_from for g in view.state.groups if g.definition.name == name),
        default=None,
    )
    return JurisdictionStatus(
        jurisdiction=j,
        status=ControlStatus.GROUP,
        name=name or None,
        act=act or None,
        instrument=_instrument(schedule, act),
        since=since,
        rule=rule.rule,
        explanation=rule.explanation,
    )


def _instrument(schedule: ScheduleState, act: str | None) -> Instrument | None:
    if not act or act.startswith(BASELINE):
        return None
    return next((a.instrument for a in schedule.amendments if a.amendment_id == act), None)


def status_words(status: JurisdictionStatus) -> str:
    """The status in words, e.g. for an alert's text.

    >>> status_words(JurisdictionStatus(jurisdiction="RU", status="listed", name="alpha-PiHP",
    ...     act="RU-PP-2025-0231", instrument="government_decree", since=dt.date(2025, 3, 1)))
    'listed in RU since 2025-03-01 by government decree RU-PP-2025-0231'
    >>> status_words(JurisdictionStatus(jurisdiction="UZ", status="listed", name="alpha-PHP",
    ...     act="baseline:State Commission lists", since=dt.date(2025, 1, 1)))
    'listed in UZ on State Commission lists (in force by 2025-01-01)'
    >>> status_words(JurisdictionStatus(jurisdiction="KG", status="unrelated"))
    'not controlled in KG, and no analogue of a listed substance'
    """
    j = status.jurisdiction
    if status.status == ControlStatus.UNRELATED:
        return f"not controlled in {j}, and no analogue of a listed substance"
    if status.status == ControlStatus.ANALOGUE:
        similarity = "" if status.similarity is None else f" (similarity {status.similarity:.2f})"
        return f"an unlisted analogue in {j} of {status.name}{similarity}"
    how = "listed" if status.status == ControlStatus.LISTED else f"covered by group {status.name}"
    return f"{how} in {j}{_by(status)}"


def _by(status: JurisdictionStatus) -> str:
    since = "" if status.since is None else status.since.isoformat()
    act = status.act or ""
    if act.startswith(BASELINE):
        when = f" (in force by {since})" if since else ""
        return f" on {act.removeprefix(BASELINE)}{when}"
    kind = "" if status.instrument is None else status.instrument.value.replace("_", " ") + " "
    return (f" since {since}" if since else "") + (f" by {kind}{act}" if act else "")


CONTROLLED = (ControlStatus.LISTED, ControlStatus.GROUP)


def abroad_summary(statuses: list[JurisdictionStatus]) -> str:
    """The statuses in one line: each control in words, then where it is not controlled.

    >>> abroad_summary([
    ...     JurisdictionStatus(jurisdiction="RU", status="listed", act="RU-PP-2025-0231",
    ...         instrument="government_decree", since=dt.date(2025, 3, 1)),
    ...     JurisdictionStatus(jurisdiction="UZ", status="analogue", name="alpha-PVP"),
    ...     JurisdictionStatus(jurisdiction="BY", status="unrelated")])
    'listed in RU since 2025-03-01 by government decree RU-PP-2025-0231; not controlled in BY, UZ'
    """
    controlled = [status_words(s) for s in statuses if s.status in CONTROLLED]
    free = sorted(s.jurisdiction for s in statuses if s.status not in CONTROLLED)
    return "; ".join(controlled + ([f"not controlled in {', '.join(free)}"] if free else []))
