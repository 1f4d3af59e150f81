"""What operations staff did about an alert: acknowledged, assigned, noted, put under review,
closed as not relevant, reopened.

Each action is its own event on ``aw.alert-actions`` (keyed by the alert id, so one alert's actions
are read in order), written by a named operator who authenticated to the board or to the broker.
An action never changes the alert: the alert's versions are the monitor's, the case is ours
(``services/domain/case.py`` folds the actions into it).

>>> from datetime import datetime, timezone
>>> at = datetime(2026, 3, 20, 9, 30, tzinfo=timezone.utc)
>>> AlertActionTaken(id="act-1", source="alert_board", jurisdiction="KZ", time=at, published=at,
...     data=AlertActionData(alert_id="KZ-UOZWZANRCOALQL", action="assigned", operator="aigerim",
...     assignee="daniyar")).data.action.value
'assigned'
>>> AlertActionData(alert_id="KZ-1", action="closed_not_relevant", operator="aigerim")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for AlertActionData
  Value error, text is required on closed_not_relevant: say why the alert is not relevant [...]
...
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from contracts.envelope import Id, OutgoingEvent, OutgoingModel, Ref, Text


class ActionKind(StrEnum):
    """What an operator did about an alert."""

    ACKNOWLEDGED = "acknowledged"
    """Seen, and someone is on it."""
    ASSIGNED = "assigned"
    """Given to a named person (``assignee``)."""
    NOTED = "noted"
    """A note on the case (``text``)."""
    UNDER_REVIEW = "under_review"
    """An expert is writing the analogue opinion."""
    CLOSED_NOT_RELEVANT = "closed_not_relevant"
    """Not worth acting on, and why (``text``): the alert itself stays as the monitor says."""
    REOPENED = "reopened"
    """A case closed as not relevant is taken up again."""


_TEXT_REQUIRED = {
    ActionKind.NOTED: "the note",
    ActionKind.CLOSED_NOT_RELEVANT: "say why the alert is not relevant",
}


class AlertActionData(OutgoingModel):
    """One action on one alert, by the operator who took it."""

    alert_id: Ref = Field(description="The alert acted on (data.alert_id of its events)")
    action: ActionKind
    operator: Id = Field(
        description="Who acted: the name they authenticated with (board operator or Kafka user)"
    )
    assignee: Id | None = Field(default=None, description="On assigned: who the alert is given to")
    text: Text | None = Field(
        default=None,
        description="The note (noted), the reason (closed_not_relevant), or a comment (others)",
    )

    @model_validator(mode="after")
    def _what_each_action_needs(self) -> AlertActionData:
        if self.action == ActionKind.ASSIGNED and self.assignee is None:
            raise ValueError("assignee is required on assigned: who the alert is given to")
        if self.action != ActionKind.ASSIGNED and self.assignee is not None:
            raise ValueError(f"assignee is only for assigned, not {self.action.value}")
        need = _TEXT_REQUIRED.get(self.action)
        if need and self.text is None:
            raise ValueError(f"text is required on {self.action.value}: {need}")
        return self


class AlertActionTaken(OutgoingEvent):
    """``aw.alert-action.v1``: an operator acted on an alert. Key: ``data.alert_id``.

    ``jurisdiction`` is the alert's; ``time`` is when the operator acted; ``source`` is where
    (``alert_board`` or ``analogue-watch-cli``).
    """

    type: Literal["aw.alert-action.v1"] = "aw.alert-action.v1"
    data: AlertActionData
