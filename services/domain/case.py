"""An alert's case: what operations staff did about it, folded from its actions.

The alert says what the monitor judged; the case says who acknowledged it, who has it, whether
an expert is reviewing it and whether it was closed as not relevant, and why. Actions come on
``aw.alert-actions`` keyed by the alert id, so one alert's actions arrive in the order they were
written; a redelivered action (same id) changes nothing. Folding never touches the alert.

>>> from datetime import datetime, timezone
>>> from contracts.actions import AlertActionData, AlertActionTaken
>>> at = datetime(2026, 3, 20, 9, 30, tzinfo=timezone.utc)
>>> def act(i, **data):
...     return AlertActionTaken(id=i, source="alert_board", jurisdiction="KZ", time=at,
...         published=at, data=AlertActionData(alert_id="KZ-1", operator="aigerim", **data))
>>> case = fold_actions([act("a1", action="acknowledged"),
...     act("a2", action="assigned", assignee="daniyar"), act("a2", action="assigned",
...     assignee="daniyar")])
>>> tags(case)
['acknowledged by aigerim', 'assigned to daniyar']
>>> len(case.history)
2
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from contracts.actions import ActionKind, AlertActionTaken


@dataclass(frozen=True)
class CaseEntry:
    """One action, as the case's history shows it."""

    id: str
    action: ActionKind
    operator: str
    time: dt.datetime
    assignee: str | None = None
    text: str | None = None

    @classmethod
    def of(cls, event: AlertActionTaken) -> CaseEntry:
        d = event.data
        return cls(event.id, d.action, d.operator, event.time, d.assignee, d.text)


@dataclass(frozen=True)
class Case:
    """Where an alert's case stands, and every action that brought it there, oldest first."""

    acknowledged_by: str | None = None
    assignee: str | None = None
    under_review: bool = False
    closed: CaseEntry | None = None
    """The closing as not relevant (its operator and reason), until the case is reopened."""
    history: tuple[CaseEntry, ...] = ()

    @property
    def notes(self) -> tuple[CaseEntry, ...]:
        return tuple(e for e in self.history if e.action == ActionKind.NOTED)

    @property
    def empty(self) -> bool:
        return not self.history


NO_CASE = Case()


def _standing(case: Case, entry: CaseEntry) -> Case:
    """The case's standing after ``entry`` (its history aside)."""
    match entry.action:
        case ActionKind.ACKNOWLEDGED:
            return replace(case, acknowledged_by=case.acknowledged_by or entry.operator)
        case ActionKind.ASSIGNED:
            return replace(case, assignee=entry.assignee)
        case ActionKind.UNDER_REVIEW:
            return replace(case, under_review=True, closed=None)
        case ActionKind.CLOSED_NOT_RELEVANT:
            return replace(case, under_review=False, closed=entry)
        case ActionKind.REOPENED:
            return replace(case, closed=None)
    return case  # noted: history only


def apply_action(case: Case, event: AlertActionTaken) -> Case:
    """``case`` with ``event`` taken; the same case when the action was already taken."""
    if any(e.id == event.id for e in case.history):
        return case
    entry = CaseEntry.of(event)
    return replace(_standing(case, entry), history=(*case.history, entry))


def fold_actions(events: Iterable[AlertActionTaken]) -> Case:
    """One alert's case from its actions, in the order they were written."""
    case = NO_CASE
    for event in events:
        case = apply_action(case, event)
    return case


def tags(case: Case) -> list[str]:
    """The case in a few words, for a list row: who has it and where it stands."""
    shown = []
    if case.acknowledged_by:
        shown.append(f"acknowledged by {case.acknowledged_by}")
    if case.assignee:
        shown.append(f"assigned to {case.assignee}")
    if case.under_review:
        shown.append("under review")
    if case.closed is not None:
        shown.append("closed: not relevant")
    return shown


_DONE = {
    ActionKind.ACKNOWLEDGED: "acknowledged",
    ActionKind.ASSIGNED: "assigned to {assignee}",
    ActionKind.NOTED: "noted",
    ActionKind.UNDER_REVIEW: "put under review",
    ActionKind.CLOSED_NOT_RELEVANT: "closed as not relevant",
    ActionKind.REOPENED: "reopened",
}


def describe(entry: CaseEntry) -> str:
    """What the operator did, in words: ``aigerim assigned to daniyar``."""
    return f"{entry.operator} " + _DONE[entry.action].format(assignee=entry.assignee)
