"""The "Case" card of the alert page: where the case stands, every action, and how to act.

Operator names, assignees and notes are typed by people: every one goes through
:func:`~services.alert_board.pages.h`. The controls are plain buttons and inputs that the page's
script posts as JSON (the board's CSP forbids form posts and inline handlers).
"""

from __future__ import annotations

from services.alert_board.pages import h, when
from services.domain.case import Case, describe, tags


def _standing(case: Case) -> str:
    if case.empty:
        return '<p class="muted">Nobody has acted on this alert yet.</p>'
    shown = tags(case) or ["open, nobody has it"]
    closed = (
        f'<p class="case-closed">Closed as not relevant by {h(case.closed.operator)}: '
        f"{h(case.closed.text or '')}</p>"
        if case.closed is not None
        else ""
    )
    chips = "".join(f'<span class="tag tag-case">{h(t)}</span>' for t in shown)
    return f'<div class="tags" id="case-tags">{chips}</div>{closed}'


def _history(case: Case, jurisdiction: str) -> str:
    if case.empty:
        return ""
    items = "".join(
        f'<li class="case-entry" data-action="{h(e.action.value)}">'
        f"{when(e.time, jurisdiction, minutes=True)} · <strong>{h(describe(e))}</strong>"
        + (f'<div class="case-text">{h(e.text)}</div>' if e.text else "")
        + "</li>"
        for e in reversed(case.history)
    )
    return f'<ol class="case-history" id="case-history">{items}</ol>'


def _controls(case: Case) -> str:
    closed = case.closed is not None
    return f"""
<div class="case-actions" id="case-actions">
  <div class="case-row">
    <button type="button" data-act="acknowledged">Acknowledge</button>
    <button type="button" data-act="under_review">Mark under review</button>
    {'<button type="button" data-act="reopened">Reopen</button>' if closed else ""}
  </div>
  <div class="case-row"><label>Assign to <input id="case-assignee" maxlength="128"
    autocomplete="off"></label> <button type="button" data-act="assigned">Assign</button></div>
  <div class="case-row"><label>Note <textarea id="case-note" rows="2"
    maxlength="4096"></textarea></label>
    <button type="button" data-act="noted">Add note</button></div>
  <div class="case-row"><label>Not relevant because <input id="case-reason" maxlength="4096"
    autocomplete="off"></label>
    <button type="button" data-act="closed_not_relevant">Close as not relevant</button></div>
  <p class="case-status" id="case-status" role="status" aria-live="polite"></p>
</div>"""


def render_case(case: Case, jurisdiction: str, *, read_only: str | None) -> str:
    """The card. ``read_only``: why this board cannot act (no operators), or None when it can
    (each action then asks the operator to sign in)."""
    acting = (
        f'<p class="muted case-read-only">{h(read_only)}</p>'
        if read_only is not None
        else _controls(case)
    )
    return (
        '<section class="card case" id="case" aria-labelledby="case-title">'
        '<h2 id="case-title">Case</h2>'
        '<p class="muted">What operations staff did about this alert. Actions are recorded on '
        "their own topic under the name of the operator who signed in; they never change the "
        "alert.</p>"
        f"{_standing(case)}{_history(case, jurisdiction)}{acting}</section>"
    )
