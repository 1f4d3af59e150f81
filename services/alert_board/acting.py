"""Acting on an alert at the board: who may, and the action event a request becomes.

Pure decisions the web handler applies in order: the request must come from the board's own page
(:func:`refuse_request`: a header a cross-site form cannot send, and the page's own origin); the
board must have operators (:func:`refuse_operator`: without an operators file it is read-only,
403); the caller must authenticate as one (401 with a Basic challenge); the body must make a
valid action (:func:`action_event`, 400 saying what is wrong). The operator an action is written
under is the authenticated one: the body cannot name it.

>>> refuse_request({"X-Analogue-Watch": "act"}, "http://127.0.0.1:8088") is None
True
>>> own = "http://127.0.0.1:8088/"  # what aiohttp gives as the request's origin
>>> refuse_request({"X-Analogue-Watch": "act", "Origin": "http://127.0.0.1:8088"}, own) is None
True
>>> refuse_request({"X-Analogue-Watch": "act", "Origin": "http://evil.example"}, own).status
403
>>> refuse_operator(None, None).status, refuse_operator({}, None).status
(403, 401)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, ValidationError

from contracts.actions import ActionKind, AlertActionData, AlertActionTaken
from contracts.alerts import AlertEvent

ACT_HEADER = "X-Analogue-Watch"
ACT_HEADER_VALUE = "act"
CHALLENGE = 'Basic realm="Analogue Watch", charset="UTF-8"'
SOURCE = "alert_board"
MAX_BODY_BYTES = 16 * 1024


@dataclass(frozen=True)
class Refusal:
    """Why a request may not act, as an HTTP status and a sentence for the person."""

    status: int
    message: str

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": CHALLENGE} if self.status == 401 else {}


def refuse_request(headers: Mapping[str, str], own_origin: str) -> Refusal | None:
    """A refusal unless the request comes from the board's page: it carries the act header
    (which a form on another site cannot set, and a script there may not send without the
    board's consent), and its ``Origin``, when the browser sends one, is the board's own."""
    if headers.get(ACT_HEADER) != ACT_HEADER_VALUE:
        return Refusal(
            403,
            f"Acting needs the header {ACT_HEADER}: {ACT_HEADER_VALUE} "
            "(the board's page sends it).",
        )
    origin = headers.get("Origin")
    if origin is not None and origin.rstrip("/") != own_origin.rstrip("/"):
        return Refusal(403, f"Acting is only allowed from the board's own page ({own_origin}).")
    return None


def refuse_operator(operators: Mapping[str, str] | None, operator: str | None) -> Refusal | None:
    """A refusal unless the board has operators (``operators`` None: no operators file) and the
    request authenticated as one (``operator``)."""
    if operators is None:
        return Refusal(
            403,
            "This board is read-only: no operators file is configured (AW_BOARD_OPERATORS; add "
            "operators with 'analogue-watch operators add NAME').",
        )
    if operator is None:
        return Refusal(401, "Sign in as an operator to act on alerts (name and password).")
    return None


class ActRequest(BaseModel):
    """The JSON body of ``POST /alerts/{id}/actions``: the action and what it needs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: ActionKind
    assignee: str | None = None
    text: str | None = None


def _blank_is_none(value: str | None) -> str | None:
    return value if value and value.strip() else None


def action_event(
    alert: AlertEvent,
    body: bytes,
    *,
    operator: str,
    now: dt.datetime,
    event_id: str,
) -> AlertActionTaken | Refusal:
    """The action event ``body`` asks for on ``alert`` by ``operator``, or a 400 saying why
    it cannot be one."""
    try:
        request = ActRequest.model_validate_json(body)
        data = AlertActionData(
            alert_id=alert.data.alert_id,
            action=request.action,
            operator=operator,
            assignee=_blank_is_none(request.assignee),
            text=_blank_is_none(request.text),
        )
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        return Refusal(400, f"{where}: {message}" if where else message)
    return AlertActionTaken(
        id=event_id,
        source=SOURCE,
        jurisdiction=alert.data.jurisdiction,
        time=now,
        published=now,
        data=data,
    )
