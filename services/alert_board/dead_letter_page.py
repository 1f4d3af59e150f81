"""The board's dead-letter page: rejected input, why, and what to do about it.

Operators see every message a service refused (newest first), filtered by the links at the top:
the class of error, the topic it was sent to, the agency that sent it, the service; each filter
is a query parameter (``/dead-letters?error_class=schema_violation&agency=kz.mvd``), so a
filtered view can be bookmarked or sent to the agency. Each row holds the reason with the field,
the fix for its class of error (``services.domain.dead_letters.FIXES``), the original as it was
sent and the command that takes it back to correct and publish again. Pure, like
:mod:`services.alert_board.pages`: every value from a message goes through :func:`h`.

>>> chosen = query_filters({"agency": ["kz.mvd"], "error_class": ["nonsense", "oversized"]})
>>> sorted(chosen.agencies), sorted(chosen.error_classes), sorted(chosen.topics)
(['kz.mvd'], ['oversized'], [])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlencode

from contracts.dead_letter import DeadLettered
from contracts.errors import ErrorClass
from services.alert_board.pages import Assets, h, layout, moment_text
from services.domain.dead_letters import FIXES, Filters, agency, sent_to, summary

ORIGINAL_CHARS = 4000
"""The original shown on the page is cut after this many characters (the CLI gives it whole)."""

_PARAMETERS = {
    "error_class": "error_classes",
    "topic": "topics",
    "agency": "agencies",
    "service": "services",
    "jurisdiction": "jurisdictions",
}
"""Query parameter → :class:`Filters` field."""


def query_filters(query: Mapping[str, Sequence[str]]) -> Filters:
    """The filters a page address asks for; an unknown class of error is ignored."""
    chosen = {field: frozenset(query.get(name, ())) for name, field in _PARAMETERS.items()}
    chosen["error_classes"] &= {c.value for c in ErrorClass}
    chosen["jurisdictions"] = frozenset(j.upper() for j in chosen["jurisdictions"])
    return Filters(**chosen)


def _address(filters: Filters, **change: str | None) -> str:
    """The page's address with ``filters``, one parameter set (a value) or cleared (None)."""
    pairs: dict[str, str] = {}
    for name, field in _PARAMETERS.items():
        values = sorted(getattr(filters, field))
        if values:
            pairs[name] = values[0]
    for name, value in change.items():
        if value is None:
            pairs.pop(name, None)
        else:
            pairs[name] = value
    return "/dead-letters" + (f"?{urlencode(pairs)}" if pairs else "")


def _facet(
    title: str,
    name: str,
    letters: Sequence[DeadLettered],
    value_of: Callable[[DeadLettered], str | None],
    filters: Filters,
) -> str:
    """One row of filter links: each value seen (None: none), with how many dead letters have
    it among all those held."""
    chosen = getattr(filters, _PARAMETERS[name])
    counts = Counter(v for v in map(value_of, letters) if v is not None).most_common()
    links = [
        f'<a class="chip{" chip-on" if value in chosen else ""}" data-filter="{h(name)}" '
        f'href="{h(_address(filters, **{name: value}))}">{h(value)} <b>{n}</b></a>'
        for value, n in counts
    ]
    if chosen:
        links.append(f'<a class="chip" href="{h(_address(filters, **{name: None}))}">any</a>')
    return f'<div class="facet"><span class="muted">{h(title)}</span> {"".join(links)}</div>'


def _row(event: DeadLettered) -> str:
    d = event.data
    sent = " ".join(x for x in (d.original_type, d.original_id) if x) or "unreadable"
    field = f' <span class="muted">(field <code>{h(d.field)}</code>)</span>' if d.field else ""
    original = d.original if d.original_encoding == "utf-8" else f"(base64) {d.original}"
    cut = len(original) > ORIGINAL_CHARS or d.truncated
    shown = original[:ORIGINAL_CHARS] + ("…" if cut else "")
    if d.truncated:
        again = "Only the first part was kept: ask the sender for the whole message."
    else:
        again = (
            f"<code>analogue-watch dead-letters original {h(event.id)} &gt; fixed.jsonl</code>, "
            "correct the line, then <code>analogue-watch publish fixed.jsonl</code>."
        )
    return f"""<tr class="dead-letter" data-id="{h(event.id)}"
  data-error-class="{h(d.error_class.value)}">
  <td>{h(moment_text(d.failed_at))}</td>
  <td><span class="tag">{h(d.error_class.value)}</span></td>
  <td>{h(d.source_topic)}/{d.source_partition}@{d.source_offset}</td>
  <td>{h(agency(event) or "unknown sender")}</td>
  <td>{h(sent)}</td>
  <td class="why"><p>{h(d.reason)}{field}</p>
    <p class="fix"><b>What to do:</b> {h(FIXES[d.error_class])}</p>
    <details><summary>The message as sent ({d.original_size_bytes:,} bytes) and how to send it
      again</summary><pre class="original">{h(shown)}</pre>
      <p>{again} Rejected by {h(d.service)}; dead letter <code>{h(event.id)}</code>.</p>
    </details></td>
</tr>"""


def render_dead_letters(
    letters: Sequence[DeadLettered],
    filters: Filters,
    *,
    kept: int,
    last_id: str,
    ready: bool,
    assets: Assets,
) -> str:
    """The page: the filter links (over every dead letter held), then the ones that match,
    newest first. ``kept``: how many the board holds at most (the oldest are let go)."""
    shown = sorted(
        (e for e in letters if filters.match(e)), key=lambda e: e.data.failed_at, reverse=True
    )
    facets = "".join(
        [
            _facet("Error", "error_class", letters, lambda e: e.data.error_class.value, filters),
            _facet("Topic", "topic", letters, sent_to, filters),
            _facet("Agency", "agency", letters, agency, filters),
            _facet("Service", "service", letters, lambda e: e.data.service, filters),
        ]
    )
    rows = "".join(_row(e) for e in shown)
    table = (
        f"""<table class="plain dead-letters"><thead><tr><th>Failed</th><th>Error</th>
  <th>Sent to</th><th>Agency</th><th>Event</th><th>Why, and what to do</th></tr></thead>
  <tbody>{rows}</tbody></table>"""
        if shown
        else '<p class="empty">No dead letter matches.</p>'
    )
    body = f"""
<header class="list-head"><h1>Dead letters</h1>
  <p class="muted">Messages a service refused, newest first, with the reason and the fix: the
    sender corrects the message and publishes it again. The board holds the latest {kept:,};
    <code>analogue-watch dead-letters list</code> reads the whole topic. Reload for new ones.</p>
</header>
<section class="card facets" aria-label="Filters">{facets}
  <p class="counts" id="dead-letter-count">{h(summary(shown))}
    {'· <a href="/dead-letters">clear the filters</a>' if filters != Filters() else ""}</p>
</section>
<section class="card table-card">{table}</section>"""
    return layout(
        "Dead letters", body, page="dead-letters", last_id=last_id, ready=ready, assets=assets
    )
