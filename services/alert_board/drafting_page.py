"""The board's drafting page (``/draft/<alert id>``): a group definition for the alert's family.

The members are the open alerts of the jurisdiction whose substances fall under the same family
rule as this one, and the listed substances in force there under it; the drafting, its checks and
its choice are ``services/chemistry/drafting.py``'s, as in ``analogue-watch draft-group``. The
page shows the shared core, where the substances vary, the candidates with what each covers,
catches and reaches, the one chosen and why, and the chosen one as an amendment event to publish.
"""

from __future__ import annotations

import datetime as dt

from rdkit import Chem

from contracts.alerts import AlertEvent, AlertStatus
from contracts.legislation import Instrument
from services.alert_board.pages import Assets, alert_url, display_name, h, layout
from services.alert_board.view import AlertBoardView
from services.chemistry.drafting import (
    Draft,
    DraftError,
    Member,
    draft_family,
    proposed_amendment,
)
from services.chemistry.families import family_matches
from services.domain.schedule import listings_in_force


def draft_for(alert: AlertEvent, view: AlertBoardView, today: dt.date) -> Draft | str:
    """The draft for ``alert``'s family in its jurisdiction, or why there is none."""
    d = alert.data
    mol = Chem.MolFromSmiles(d.canonical_smiles)
    rules = {m.rule: m.family for m in family_matches(mol)} if mol is not None else {}
    if not rules:
        return (
            "This substance falls under none of the family rules: draft its definition from "
            "structures with analogue-watch draft-group --structures."
        )
    rule, family = sorted(rules.items())[0]
    members = []
    for other in view.latest():
        o = other.data
        if o.jurisdiction != d.jurisdiction or o.status != AlertStatus.OPEN:
            continue
        other_mol = Chem.MolFromSmiles(o.canonical_smiles)
        if other_mol is not None and rule in {m.rule for m in family_matches(other_mol)}:
            members.append(Member(display_name(other), o.canonical_smiles))
    if not any(m.smiles == d.canonical_smiles for m in members):
        members.insert(0, Member(display_name(alert), d.canonical_smiles))
    schedule = view.schedule(d.jurisdiction)
    listings = listings_in_force(schedule, today) if schedule is not None else []
    try:
        return draft_family(members, listings, name=f"{rule}-{today:%Y}", family=family)
    except DraftError as error:
        return str(error)


def render_draft(
    alert: AlertEvent, draft: Draft | str, *, last_id: str, ready: bool, assets: Assets
) -> str:
    d = alert.data
    link = f'<a href="{alert_url(d.alert_id)}">← {h(display_name(alert))}</a>'
    back = f'<nav class="crumbs">{link}</nav>'
    if isinstance(draft, str):
        why = f"<h1>No group definition</h1><p>{h(draft)}</p>"
        body = f'{back}<section class="card">{why}</section>'
        return layout("Draft", body, page="draft", last_id=last_id, ready=ready, assets=assets)
    listed = ' <span class="muted">(listed)</span>'
    members = "".join(
        f'<li>{h(m.name)}{listed if m.listed else ""} <span class="mono">{h(m.smiles)}</span></li>'
        for m in draft.members
    )
    varies = "".join(
        f"<tr><td>{h(p.where)}</td><td>{h(', '.join(p.seen))}</td></tr>" for p in draft.positions
    )
    rows = "".join(
        "<tr>"
        f"<td>{'★ ' if c is draft.chosen else ''}{h(c.label)}</td>"
        f'<td class="mono">{h(c.definition.smarts)}</td>'
        f"<td>{len(c.covered)} of {len(draft.members)}</td>"
        f"<td>{h(', '.join(c.excepted) or 'none')}</td>"
        f"<td>{c.in_family} of the family · {len(c.other_families)} of others</td>"
        f"<td>{h(c.refused or '')}</td>"
        "</tr>"
        for c in draft.candidates
    )
    chosen = draft.chosen
    if chosen is None:
        proposal = f"<p>{h(draft.reason)}</p>"
    else:
        event = proposed_amendment(draft, d.jurisdiction, Instrument.GOVERNMENT_DECREE)
        proposal = (
            f"<p><strong>{h(chosen.label)}</strong>: {h(draft.reason)}.</p>"
            f"<p>{h(chosen.definition.description)}</p>"
            "<p>As an amendment to publish (<code>analogue-watch publish</code>), once "
            "enacted the alerts it covers resolve as covered by a group listing:</p>"
            f'<pre class="mono">{h(event.model_dump_json(indent=1))}</pre>'
        )
    body = f"""{back}
<header class="alert-head"><h1>Group definition for {h(draft.family_class or "the family")}</h1>
  <p class="meta">{h(d.jurisdiction)} · {len(draft.members)} substances to cover</p></header>
<section class="card"><h2>Proposed</h2>{proposal}</section>
<section class="card"><h2>Candidates</h2>
<table class="plain"><thead><tr><th>Candidate</th><th>SMARTS</th><th>Covers</th>
<th>Excepts</th><th>Reference NPS reached</th><th>Refused</th></tr></thead>
<tbody>{rows}</tbody></table></section>
<div class="grid">
<section class="card"><h2>Substances to cover</h2><ul>{members}</ul></section>
<section class="card"><h2>Where they vary</h2>
<p class="mono">{h(draft.core)}</p>
<table class="plain"><thead><tr><th>Position</th><th>Seen</th></tr></thead>
<tbody>{varies}</tbody></table></section>
</div>"""
    return layout("Draft", body, page="draft", last_id=last_id, ready=ready, assets=assets)
