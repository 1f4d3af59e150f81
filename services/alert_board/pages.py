"""The board's HTML: the alert list, one row of it (also pushed live), and the alert page.

Pure functions from the contracts' models to strings. Alert text comes from agencies, so every
value goes through :func:`h` (HTML escaping, quotes included) on its way into a page; the only
markup not built here is RDKit's SVG, drawn from structures rather than text.

>>> h('<img src=x onerror="alert(1)">')
'&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from contracts.alerts import AlertEvent, AlertLevel, AlertStatus, ControlStatus, JurisdictionStatus
from contracts.countries import legal_time_zone
from services.alert_board.drawing import Drawing, DrawnPair
from services.alert_board.view import ListedStructure, VersionPoint, board_order
from services.domain.case import NO_CASE, Case
from services.domain.case import tags as case_tags
from services.domain.control import control_words
from services.domain.severity import FAMILY_LEVELS, Levels, severity

MAX_WEEKS = 104
"""The occurrence chart shows at most this many weeks (the most recent)."""

_STATUS_LABEL = {
    AlertStatus.OPEN: "Open",
    AlertStatus.SUPPRESSED: "Suppressed",
    AlertStatus.RESOLVED: "Resolved",
    AlertStatus.RETRACTED: "Retracted",
}
_EVENT_LABEL = {
    "aw.alert.raised.v1": "raised",
    "aw.alert.updated.v1": "updated",
    "aw.alert.suppressed.v1": "suppressed",
    "aw.alert.reopened.v1": "reopened",
    "aw.alert.resolved.v1": "resolved",
    "aw.alert.corrected.v1": "corrected",
}


_WORDS = {
    "shared_core_smarts": "shared core (SMARTS)",
    "family_core": "family core (SMILES)",
    "smarts": "SMARTS",
    "smiles": "SMILES",
}


def in_words(name: str) -> str:
    """A field or rule name as a person reads it.

    >>> in_words("same_stereoisomer"), in_words("shared-core-with-listed")
    ('same stereoisomer', 'shared core with listed')
    >>> in_words("shared_core_smarts")
    'shared core (SMARTS)'
    """
    return _WORDS.get(name) or name.replace("_", " ").replace("-", " ")


def h(value: object) -> str:
    """``value`` as text safe inside HTML content and quoted attributes."""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True)
class Assets:
    """The board's stylesheet and script, inlined into every page (no external requests)."""

    css: str
    js: str


# -- small pieces --------------------------------------------------------------------------


def alert_url(alert_id: str) -> str:
    """The alert page's path; any character of the id survives the round trip.

    >>> alert_url("KZ-AB/CD?x")
    '/alerts/KZ-AB%2FCD%3Fx'
    """
    return "/alerts/" + quote(alert_id, safe="")


def day(moment: dt.datetime, jurisdiction: str | None = None) -> str:
    """The date of ``moment`` where ``jurisdiction``'s legal dates begin (UTC: none named).

    >>> late = dt.datetime(2026, 3, 1, 21, 30, tzinfo=dt.UTC)
    >>> day(late), day(late, "KZ")
    ('2026-03-01', '2026-03-02')
    """
    return moment.astimezone(legal_time_zone(jurisdiction)).date().isoformat()


def moment_text(moment: dt.datetime, jurisdiction: str | None = None) -> str:
    """``moment`` to the minute in ``jurisdiction``'s zone, with its offset (UTC: none named).

    >>> moment_text(dt.datetime(2026, 3, 1, 21, 30, tzinfo=dt.UTC), "KZ")
    '2026-03-02 02:30 +05'
    """
    local = moment.astimezone(legal_time_zone(jurisdiction))
    if local.utcoffset() == dt.timedelta(0):
        return local.strftime("%Y-%m-%d %H:%M UTC")
    offset = local.strftime("%z")
    return local.strftime("%Y-%m-%d %H:%M ") + (offset[:3] if offset.endswith("00") else offset)


def when(moment: dt.datetime, jurisdiction: str, *, minutes: bool = False) -> str:
    """``moment`` as the jurisdiction's agencies read it (its date, or date and time), the UTC
    time on hover: markup, escaped.

    >>> when(dt.datetime(2026, 3, 1, 21, 30, tzinfo=dt.UTC), "KZ")
    '<time datetime="2026-03-01T21:30:00+00:00" title="2026-03-01 21:30 UTC">2026-03-02</time>'
    """
    utc = moment.astimezone(dt.UTC)
    shown = moment_text(moment, jurisdiction) if minutes else day(moment, jurisdiction)
    return f'<time datetime="{h(utc.isoformat())}" title="{h(moment_text(utc))}">{h(shown)}</time>'


def badge(status: AlertStatus) -> str:
    return f'<span class="badge badge-{h(status.value)}">{h(_STATUS_LABEL[status])}</span>'


def chips(items: Iterable[str], css: str = "chip") -> str:
    shown = "".join(f'<span class="{css}">{h(i)}</span>' for i in items)
    return shown or '<span class="muted">none recorded</span>'


def sort_key(event: AlertEvent, levels: Levels = FAMILY_LEVELS) -> str:
    """A string that sorts rows as the board lists them: by status as
    :func:`~services.alert_board.view.board_order` does, the most severe first within a status
    (:mod:`services.domain.severity`), then the most recently seen first."""
    rank, minus_seen, alert_id = board_order(event)
    level = 3 - severity(event, levels)
    return f"{rank}{level}{10**12 + int(minus_seen):013d}{alert_id}"


def in_board_order(
    alerts: Sequence[AlertEvent], levels: Levels = FAMILY_LEVELS
) -> list[AlertEvent]:
    return sorted(alerts, key=lambda event: sort_key(event, levels))


def display_name(event: AlertEvent) -> str:
    names = event.data.reported_names
    return names[0] if names else f"Unnamed substance {event.data.match_key}"


# -- the list ------------------------------------------------------------------------------


def search_text(event: AlertEvent) -> str:
    """Everything the list's search box finds an alert by: ids, names, places, the nearest listed
    substances, pending amendments, seizures and samples, the countries it was also seen in."""
    d = event.data
    words = [
        d.alert_id,
        d.substance_key,
        d.jurisdiction,
        *d.reported_names,
        *d.regions,
        *(c.value.replace("_", " ") for c in d.channels),
        *(n.name for n in d.nearest_listed),
        *(a.amendment_id for a in d.pending_amendments),
        *d.seizure_ids,
        *d.sample_ids,
        *(s.jurisdiction for s in d.foreign_sightings),
    ]
    return " ".join(words).casefold()


def render_row(
    event: AlertEvent,
    levels: Levels = FAMILY_LEVELS,
    headline: str | None = None,
    case: Case = NO_CASE,
) -> str:
    """One alert as a table row of the list (also what a live update carries); ``headline``: the
    name it goes by (else its latest version's first name); ``case``: what staff did about it."""
    d = event.data
    name = headline or display_name(event)
    level = severity(event, levels).name.lower()
    search = search_text(event)
    others = [n for n in d.reported_names if n != name]
    tags = []
    if d.level == AlertLevel.EARLY_WARNING:
        partners = ", ".join(s.jurisdiction for s in d.seen_abroad if s.count) or "partners"
        tags.append(f'<span class="tag tag-early">early warning: {h(partners)}</span>')
    if d.pending_amendments:
        tags.append('<span class="tag tag-pending">amendment pending</span>')
    if d.foreign_sightings:
        places = ", ".join(sorted({s.jurisdiction for s in d.foreign_sightings}))
        tags.append(f'<span class="tag">also seen in {h(places)}</span>')
    tags.extend(f'<span class="tag tag-case">{h(tag)}</span>' for tag in case_tags(case))
    nearest = d.nearest_listed[0] if d.nearest_listed else None
    if nearest is None:
        analogue = '<span class="muted">none named</span>'
    else:
        core = f" · core {nearest.core_coverage:.0%}" if nearest.core_coverage is not None else ""
        analogue = (
            f'{h(nearest.name)}<div class="sub">similarity {nearest.similarity:.2f}{h(core)}</div>'
        )
    return (
        f'<tr class="alert-row" data-alert-id="{h(d.alert_id)}" data-status="{h(d.status.value)}"'
        f' data-jurisdiction="{h(d.jurisdiction)}" data-sort="{h(sort_key(event, levels))}"'
        f' data-search="{h(search)}" data-version="{d.version}" data-severity="{level}"'
        f' data-name="{h(name.casefold())}" data-occurrences="{d.occurrence_count}"'
        f' data-seen="{int(d.last_seen.timestamp())}">'
        f'<td>{badge(d.status)}<div class="severity severity-{level}">{level}</div></td>'
        f'<td class="cc">{h(d.jurisdiction)}</td>'
        f'<td><a class="substance" href="{h(alert_url(d.alert_id))}">{h(name)}</a>'
        + (f'<div class="sub">also reported as {h(", ".join(others))}</div>' if others else "")
        + (f'<div class="tags">{"".join(tags)}</div>' if tags else "")
        + "</td>"
        f"<td>{analogue}</td>"
        f'<td class="num"><strong>{d.occurrence_count}</strong>'
        f'<div class="sub">in {d.window_days} d</div></td>'
        f"<td>{h(_some(d.regions)) or '<span class=muted>—</span>'}"
        f'<div class="sub">{h(_some([c.value.replace("_", " ") for c in d.channels]))}</div></td>'
        f'<td class="date">{when(d.last_seen, d.jurisdiction)}'
        f'<div class="sub">first {when(d.first_seen, d.jurisdiction)}</div>'
        f"</td>"
        f'<td class="num muted">v{d.version}</td>'
        "</tr>"
    )


def _some(items: Sequence[str], limit: int = 3) -> str:
    more = len(items) - limit
    return ", ".join(items[:limit]) + (f" +{more}" if more > 0 else "")


def _sorter(key: str, label: str) -> str:
    """A column heading that sorts the list by ``key`` (again: the other way); the order goes in
    the address (``?sort=occurrences``, ``?sort=-occurrences``). ``label`` is markup."""
    return f'<button type="button" class="sorter" data-sort-by="{key}">{label}</button>'


def render_list(
    alerts: Sequence[AlertEvent],
    *,
    last_id: str,
    ready: bool,
    assets: Assets,
    levels: Levels = FAMILY_LEVELS,
    headlines: Mapping[str, str] | None = None,
    cases: Mapping[str, Case] | None = None,
) -> str:
    named, acted = headlines or {}, cases or {}
    rows = "".join(
        render_row(a, levels, named.get(a.data.alert_id), acted.get(a.data.alert_id, NO_CASE))
        for a in in_board_order(alerts, levels)
    )
    body = f"""
<header class="list-head"><h1>Alerts</h1>
  <p class="muted">The latest version of every alert: open first, the most severe first
    (opioids above stimulants above cannabinoids; reopened up a level), then the most recently
    seen.
    New alerts and updates appear as they are published. Dates and times are each
    jurisdiction's own (hover over one for UTC).</p></header>
<section class="toolbar" aria-label="Filters">
  <div class="counts" id="counts" aria-live="polite"></div>
  <div class="filters">
    <label>Status <select id="filter-status">
      <option value="">All</option><option value="open">Open</option>
      <option value="suppressed">Suppressed</option><option value="resolved">Resolved</option>
      <option value="retracted">Retracted</option>
    </select></label>
    <label>Jurisdiction <select id="filter-jurisdiction"><option value="">All</option></select>
    </label>
    <input id="filter-text" type="search"
      placeholder="Name, listed substance, region, amendment, seizure or sample id"
      aria-label="Search">
    <button type="button" id="mark-seen" hidden>Mark all as seen</button>
    <a class="export" href="/alerts.csv" download>CSV</a>
  </div>
</section>
<section class="card table-card">
<table class="alerts">
  <thead><tr><th>{_sorter("severity", "Status")}</th>
    <th>{_sorter("jurisdiction", "Juris&shy;diction")}</th><th>{_sorter("name", "Substance")}</th>
    <th>Nearest listed</th><th class="num">{_sorter("occurrences", "Occurrences")}</th>
    <th>Regions · channels</th><th>{_sorter("seen", "Last seen")}</th>
    <th class="num">Version</th></tr></thead>
  <tbody id="alert-rows">{rows}</tbody>
</table>
<p class="empty" id="empty-list"{"" if not alerts else " hidden"}>No alerts yet. New alerts
  appear here as soon as they are raised, without reloading the page.</p>
<p class="empty" id="no-match" hidden>No alert matches the filters.</p>
</section>"""
    return layout("Alerts", body, page="list", last_id=last_id, ready=ready, assets=assets)


# -- the alert page ------------------------------------------------------------------------


def render_not_found(what: str, *, last_id: str, ready: bool, assets: Assets) -> str:
    """The page for an address with nothing behind it: what was not found, and the way back."""
    body = (
        '<section class="card notfound"><h1>Not found</h1>'
        f"<p>{h(what)}</p>"
        '<p><a href="/">← Every alert</a></p></section>'
    )
    return layout("Not found", body, page="notfound", last_id=last_id, ready=ready, assets=assets)


_HELD_REASON = {
    AlertStatus.SUPPRESSED: "Why it is on hold",
    AlertStatus.RESOLVED: "How it was resolved",
    AlertStatus.RETRACTED: "Why it was withdrawn",
}


def render_alert(
    event: AlertEvent,
    history: Sequence[VersionPoint],
    listed: ListedStructure | None,
    drawn: DrawnPair,
    *,
    last_id: str,
    ready: bool,
    assets: Assets,
    evidence: AlertEvent | None = None,
    headline: str | None = None,
    opened_by: AlertEvent | None = None,
    case_card: str = "",
) -> str:
    """The alert's page. ``evidence``: its latest open version, whose counts, places and rules a
    suppressed or resolved alert keeps showing (the versions after it report none in the
    window); ``headline``: the name it goes by (else the latest version's first name);
    ``opened_by``: the version that opened it last, whose reason an update does not repeat;
    ``case_card``: what staff did about it, and how to act (:mod:`.case_card`)."""
    d = event.data
    shown = evidence if d.status != AlertStatus.OPEN and evidence is not None else event
    name = headline or display_name(event)
    others = [n for n in d.reported_names if n != name]
    body = f"""
<nav class="crumbs"><a href="/">← All alerts</a>
  <a class="dossier" href="/dossiers/{quote(d.alert_id, safe="")}">Dossier (PDF)</a>
  <a class="dossier" href="/draft/{quote(d.alert_id, safe="")}">Draft a group definition</a></nav>
<header class="alert-head">
  <div class="title-line">{badge(d.status)}<h1>{h(name)}</h1></div>
  {f'<p class="aka">Also reported as {h(", ".join(others))}</p>' if others else ""}
  <p class="meta">{h(d.jurisdiction)} · <span class="mono">{h(d.alert_id)}</span> ·
    version {d.version} ({h(_EVENT_LABEL.get(event.type, event.type))}
    {when(event.published, d.jurisdiction, minutes=True)})</p>
</header>
{_facts(shown)}
<div class="notice" id="newer" hidden></div>
{_reason(event, shown, opened_by)}
{case_card}
{_structures(shown, listed, drawn)}
<div class="grid">
  {_occurrences(shown, history)}
  {_where(shown)}
</div>
{_rules(shown)}
<div class="grid">
  {_amendments(event)}
  {_foreign(shown)}
</div>
{_abroad(event)}
{_more_listed(shown)}
{_identifiers(shown)}
{_versions(history, d.jurisdiction)}"""
    return layout(
        name,
        body,
        page="alert",
        last_id=last_id,
        ready=ready,
        assets=assets,
        alert_id=d.alert_id,
        version=d.version,
    )


def _reason(event: AlertEvent, shown: AlertEvent, opened_by: AlertEvent | None) -> str:
    """Why the alert is where it is now: for an open one, why it was opened and the latest
    change; for one no longer open, also why it was an alert, and that the evidence shown is
    that version's."""
    d = event.data
    if d.status == AlertStatus.OPEN:
        latest = ""
        if opened_by is not None and opened_by.data.version != d.version:
            o = opened_by.data
            kind = _EVENT_LABEL.get(opened_by.type, "opened")
            latest = f"<h3>Latest change (version {d.version})</h3><p>{h(d.reason)}</p>"
            opened = (
                f'<p>{h(o.reason)}</p><p class="small muted">Version {o.version}, {h(kind)}.</p>'
            )
        else:
            opened = f"<p>{h(d.reason)}</p>"
        return (
            f'<section class="card reason"><h2>Why this is an alert</h2>{opened}{latest}</section>'
        )
    was = ""
    if shown is not event:
        s = shown.data
        was = (
            f"<h3>Why it was an alert (version {s.version}, the last one open)</h3>"
            f"<p>{h(s.reason)}</p>"
            f'<p class="small muted">The counts, places, rules and evidence below are those of '
            f"version {s.version}.</p>"
        )
    return (
        f'<section class="card reason"><h2>{h(_HELD_REASON[d.status])}</h2><p>{h(d.reason)}</p>'
        f"{_resolution(event)}{was}</section>"
    )


def _facts(event: AlertEvent) -> str:
    """The four things an analyst looks at first, as tiles under the title."""
    d = event.data
    nearest = d.nearest_listed[0] if d.nearest_listed else None
    abroad = sorted({s.jurisdiction for s in d.foreign_sightings})
    tiles = [
        ("Occurrences", str(d.occurrence_count), f"in the last {d.window_days} days"),
        (
            "Nearest listed",
            nearest.name if nearest else "none named",
            f"similarity {nearest.similarity:.2f}" if nearest else "",
        ),
        (
            "Last seen",
            day(d.last_seen, d.jurisdiction),
            f"first seen {day(d.first_seen, d.jurisdiction)}",
        ),
        (
            "Amendments",
            f"{len(d.pending_amendments)} pending" if d.pending_amendments else "none pending",
            ("also seen in " + ", ".join(abroad)) if abroad else "not seen abroad",
        ),
    ]
    cells = "".join(
        f'<div class="fact"><span class="label">{h(label)}</span>'
        f'<span class="value">{h(value)}</span><span class="sub">{h(sub)}</span></div>'
        for label, value, sub in tiles
    )
    return f'<section class="facts">{cells}</section>'


def _resolution(event: AlertEvent) -> str:
    days = event.data.time_to_control_days
    if days is None:
        return ""
    return f'<p class="resolution">Controlled {days:.0f} days after it was first seen.</p>'


def _figure(drawing: Drawing, role: str, title: str, caption: str) -> str:
    return (
        f'<figure class="structure" data-role="{role}" data-atoms="{drawing.atoms}"'
        f' data-highlighted="{drawing.highlighted}">'
        f'<figcaption><span class="role">{h(title)}</span> {caption}</figcaption>'
        f'<div class="svg">{drawing.svg}</div></figure>'
    )


def _structures(event: AlertEvent, listed: ListedStructure | None, drawn: DrawnPair) -> str:
    d = event.data
    nearest = d.nearest_listed[0] if d.nearest_listed else None
    figures = []
    if drawn.detected is not None:
        figures.append(
            _figure(
                drawn.detected,
                "detected",
                f"Detected in {d.jurisdiction}",
                f"<strong>{h(display_name(event))}</strong>",
            )
        )
    if drawn.listed is not None and listed is not None:
        where = f"schedule {listed.schedule}, " if listed.schedule else ""
        status = "pending amendment" if listed.pending else "listed"
        figures.append(
            _figure(
                drawn.listed,
                "listed",
                f"Nearest {status} ({listed.jurisdiction})",
                f"<strong>{h(listed.name)}</strong> "
                f'<span class="muted">{h(where)}{h(listed.source)}</span>',
            )
        )
    notes = []
    if nearest is None:
        notes.append("The alert names no listed substance it resembles.")
    elif listed is None:
        notes.append(
            f"The structure of {nearest.name} is not in the schedule snapshots the board holds, "
            "so only the alert's structure is drawn."
        )
    if drawn.note:
        notes.append(drawn.note)
    legend = ""
    if nearest is not None:
        core = (
            f", shared core coverage {nearest.core_coverage:.0%}"
            if nearest.core_coverage is not None
            else ""
        )
        highlighted = drawn.detected.highlighted if drawn.detected else 0
        legend = (
            f'<p class="legend"><span class="swatch"></span> Shared core with {h(nearest.name)}'
            f" ({highlighted} atoms highlighted). Similarity {nearest.similarity:.2f}{h(core)}."
            + (
                f'<details class="smarts"><summary>Shared core pattern (SMARTS)</summary>'
                f'<span class="mono small">{h(nearest.shared_core_smarts)}</span></details>'
                if nearest.shared_core_smarts
                else ""
            )
            + "</p>"
        )
    note_html = "".join(f'<p class="note">{h(n)}</p>' for n in notes)
    return (
        '<section class="card"><h2>Structure</h2>'
        f'<div class="structures">{"".join(figures)}</div>{legend}{note_html}</section>'
    )


def _occurrences(event: AlertEvent, history: Sequence[VersionPoint]) -> str:
    d = event.data
    return f"""<section class="card"><h2>Occurrences</h2>
  <p class="muted small">{d.occurrence_count} in the last {d.window_days} days · first seen
    {when(d.first_seen, d.jurisdiction, minutes=True)} · last seen
    {when(d.last_seen, d.jurisdiction, minutes=True)}</p>
  {occurrence_chart(history)}
  <p class="small muted">New occurrences by week, from the counts each version of the alert
    reported (the first version's count is split between its first and last sighting).</p>
</section>"""


def _where(event: AlertEvent) -> str:
    d = event.data
    channels = [c.value.replace("_", " ") for c in d.channels]
    seizures = len(d.seizure_ids)
    samples = len(d.sample_ids)
    return f"""<section class="card"><h2>Where and how</h2>
  <h3>Regions</h3><div class="chips">{chips(d.regions)}</div>
  <h3>Channels</h3><div class="chips">{chips(channels, "chip chip-channel")}</div>
  <h3>Evidence</h3><p>{seizures} seizure{"s" if seizures != 1 else ""},
    {samples} lab sample{"s" if samples != 1 else ""} cited (identifiers below).</p>
</section>"""


def _rules(event: AlertEvent) -> str:
    rules = event.data.rules_fired
    if not rules:
        return (
            '<section class="card"><h2>Rules fired</h2><p class="muted">None recorded.</p>'
            "</section>"
        )
    items = []
    for rule in rules:
        evidence = "".join(
            f"<div><dt>{h(in_words(k))}</dt><dd>{h(_number(v))}</dd></div>"
            for k, v in rule.evidence.items()
        )
        items.append(
            f'<li><span class="rule">{h(in_words(rule.rule))}</span><p>{h(rule.explanation)}</p>'
            + (f'<dl class="evidence">{evidence}</dl>' if evidence else "")
            + "</li>"
        )
    return (
        f'<section class="card"><h2>Rules fired</h2><ol class="rules">{"".join(items)}</ol>'
        "</section>"
    )


def _number(value: int | float | str) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f'<p class="muted">{h(empty)}</p>'
    head = "".join(f"<th>{h(x)}</th>" for x in headers)
    body = "".join("<tr>" + "".join(f"<td>{h(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="plain"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _amendments(event: AlertEvent) -> str:
    rows = [
        (
            a.amendment_id,
            a.stage,
            day(a.since, event.jurisdiction),
            _covers(a.covers_by),
            "no history" if a.days_left is None else f"about {a.days_left} days",
        )
        for a in event.data.pending_amendments
    ]
    table = _table(
        ("Amendment", "Stage", "Since", "Covers it by", "In force, by past amendments"),
        rows,
        "No amendment in progress would control it.",
    )
    routes = event.data.control_routes
    expected = (
        f'<p class="muted">Control expected {h(control_words(routes))}, from '
        f"{h(event.jurisdiction)}'s past amendments.</p>"
        if routes
        else ""
    )
    return f'<section class="card"><h2>Pending amendments</h2>{table}{expected}</section>'


def _covers(covers_by: str) -> str:
    return "its name" if covers_by == "name" else "group " + covers_by.removeprefix("group:")


def _foreign(event: AlertEvent) -> str:
    sightings = sorted(event.data.foreign_sightings, key=lambda s: (-s.count, s.jurisdiction))
    rows = [
        (
            s.jurisdiction,
            str(s.count),
            day(s.first_seen, s.jurisdiction),
            day(s.last_seen, s.jurisdiction),
        )
        for s in sightings
    ]
    table = _table(
        ("Jurisdiction", "Occurrences", "First seen", "Last seen"),
        rows,
        "Not seen in other jurisdictions.",
    )
    return f'<section class="card"><h2>Foreign sightings</h2>{table}</section>'


_ABROAD_STATUS = {
    ControlStatus.LISTED: "listed",
    ControlStatus.GROUP: "covered by a group",
    ControlStatus.ANALOGUE: "unlisted analogue",
    ControlStatus.UNRELATED: "not controlled",
}


def _abroad(event: AlertEvent) -> str:
    """The substance's status in each other jurisdiction when this version was judged: who
    controls it, by which act, since when; where it is only an analogue, of what."""
    rows = [_abroad_row(s) for s in event.data.status_abroad]
    table = _table(
        ("Jurisdiction", "Status", "Listed as / nearest listed", "By", "Since"),
        rows,
        "No other jurisdiction's schedule is known.",
    )
    return f'<section class="card"><h2>Status in other jurisdictions</h2>{table}</section>'


def _abroad_row(s: JurisdictionStatus) -> tuple[str, str, str, str, str]:
    name = s.name or "—"
    if s.status == ControlStatus.ANALOGUE and s.similarity is not None:
        name = f"{name} (similarity {s.similarity:.2f})"
    act = s.act or ""
    if s.status == ControlStatus.ANALOGUE or not act:
        by = "—"
    elif act.startswith("baseline:"):
        by = act.removeprefix("baseline:")
    else:
        by = f"{s.instrument.value.replace('_', ' ')} {act}" if s.instrument else act
    controlled = s.status in (ControlStatus.LISTED, ControlStatus.GROUP)
    since = s.since.isoformat() if s.since and controlled else "—"
    return (s.jurisdiction, _ABROAD_STATUS[s.status], name, by, since)


def _more_listed(event: AlertEvent) -> str:
    if len(event.data.nearest_listed) < 2:
        return ""
    rows = [
        (
            n.name,
            f"{n.similarity:.2f}",
            f"{n.core_coverage:.0%}" if n.core_coverage is not None else "—",
            n.source or "—",
        )
        for n in event.data.nearest_listed
    ]
    table = _table(("Listed substance", "Similarity", "Shared core", "Listed by"), rows, "")
    return f'<section class="card"><h2>Listed substances it resembles</h2>{table}</section>'


def _identifiers(event: AlertEvent) -> str:
    d = event.data
    rows = [
        ("Canonical SMILES", d.canonical_smiles),
        ("InChIKey", d.substance_key),
        ("Match key", d.match_key),
        ("Seizures", ", ".join(d.seizure_ids) or "—"),
        ("Lab samples", ", ".join(d.sample_ids) or "—"),
    ]
    items = "".join(f'<div><dt>{h(k)}</dt><dd class="mono">{h(v)}</dd></div>' for k, v in rows)
    return f'<section class="card"><h2>Identifiers</h2><dl class="ids">{items}</dl></section>'


def _versions(history: Sequence[VersionPoint], jurisdiction: str) -> str:
    rows = [
        (
            f"v{p.version}",
            _EVENT_LABEL.get(p.type, p.type),
            moment_text(p.published, jurisdiction),
            _STATUS_LABEL[p.status],
            str(p.occurrence_count),
            day(p.last_seen, jurisdiction),
            p.reason,
        )
        for p in reversed(history)
    ]
    table = _table(
        ("Version", "Event", "Published", "Status", "Occurrences", "Last seen", "Why"),
        rows,
        "No versions read yet.",
    )
    return f'<section class="card"><h2>History</h2>{table}</section>'


# -- the occurrence chart ------------------------------------------------------------------


def week_of(moment: dt.datetime) -> dt.date:
    """The Monday (UTC) of ``moment``'s week."""
    date = moment.astimezone(dt.UTC).date()
    return date - dt.timedelta(days=date.weekday())


def weekly_occurrences(history: Sequence[VersionPoint]) -> list[tuple[dt.date, int]]:
    """New occurrences per week, every week from the first to the last, from version counts.

    An alert carries a count, not each occurrence's date: a later version's increase is put in
    the week of its last sighting; the first version's count is one at its first sighting and
    the rest at its last. A count that falls (old occurrences leaving the window) adds nothing.
    """
    if not history:
        return []
    weeks: dict[dt.date, int] = {}
    points = sorted(history, key=lambda p: p.version)
    first = points[0]
    if first.occurrence_count > 0:
        weeks[week_of(first.first_seen)] = 1
        last_week = week_of(first.last_seen)
        weeks[last_week] = weeks.get(last_week, 0) + first.occurrence_count - 1
    for before, after in zip(points, points[1:], strict=False):
        added = after.occurrence_count - before.occurrence_count
        if added > 0:
            week = week_of(after.last_seen)
            weeks[week] = weeks.get(week, 0) + added
    start = min([week_of(first.first_seen), *weeks])
    end = max([week_of(p.last_seen) for p in points] + list(weeks))
    span = (end - start).days // 7 + 1
    series = [(start + dt.timedelta(weeks=i), 0) for i in range(span)]
    series = [(week, weeks.get(week, 0)) for week, _ in series]
    return series[-MAX_WEEKS:]


def occurrence_chart(history: Sequence[VersionPoint], width: int = 560, height: int = 150) -> str:
    """A bar per week as inline SVG, with the first and last week and the maximum labelled."""
    series = weekly_occurrences(history)
    if not series:
        return '<p class="muted">No versions to chart yet.</p>'
    top = max(count for _, count in series) or 1
    left, bottom, top_pad = 28, 22, 10
    plot_w, plot_h = width - left - 6, height - bottom - top_pad
    step = plot_w / len(series)
    bar_w = max(2.0, min(36.0, step * 0.72))
    bars = []
    for i, (week, count) in enumerate(series):
        bar_h = plot_h * count / top
        x = left + i * step + (step - bar_w) / 2
        y = top_pad + plot_h - bar_h
        label = f"week of {week.isoformat()}: {count} new occurrence{'s' if count != 1 else ''}"
        bars.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}"'
            f' data-week="{week.isoformat()}" data-count="{count}"><title>{h(label)}</title></rect>'
        )
    axis_y = top_pad + plot_h
    first, last = series[0][0].isoformat(), series[-1][0].isoformat()
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="New occurrences per week">'
        f'<line class="axis" x1="{left}" y1="{axis_y}" x2="{width - 6}" y2="{axis_y}"/>'
        f'<line class="grid-line" x1="{left}" y1="{top_pad}" x2="{width - 6}" y2="{top_pad}"/>'
        f'<text class="tick" x="{left - 6}" y="{top_pad + 4}" text-anchor="end">{top}</text>'
        f'<text class="tick" x="{left - 6}" y="{axis_y + 4}" text-anchor="end">0</text>'
        + "".join(bars)
        + f'<text class="tick" x="{left}" y="{height - 4}">{first}</text>'
        + (
            f'<text class="tick" x="{width - 6}" y="{height - 4}" text-anchor="end">{last}</text>'
            if len(series) > 1
            else ""
        )
        + "</svg>"
    )


# -- the page around it all ----------------------------------------------------------------


def layout(
    title: str,
    body: str,
    *,
    page: str,
    last_id: str,
    ready: bool,
    assets: Assets,
    alert_id: str = "",
    version: int = 0,
) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{h(title)} · Analogue Watch</title>
<style>{assets.css}</style></head>
<body data-page="{h(page)}" data-last-id="{h(last_id)}" data-ready="{int(ready)}"
  data-alert-id="{h(alert_id)}" data-version="{version}">
<header class="topbar"><a class="brand" href="/">Analogue Watch</a>
  <span class="section">Alert board</span>
  <nav class="nav"><a href="/">Alerts</a> <a href="/dead-letters">Dead letters</a></nav>
  <span class="live" id="live-status" data-state="connecting">connecting…</span></header>
<div class="notice loading" id="loading"{" hidden" if ready else ""}>Reading alerts from the
  topic… the list fills as they are read.</div>
<main>{body}</main>
<script>{assets.js}</script>
</body></html>"""
