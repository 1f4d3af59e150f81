"""An alert's dossier as PDF: what an expert writing the analogue opinion starts from.

Made from the same data as the alert's page (its latest version, the version it was last open,
its history, the nearest listed substance's structure from the schedule), on A4, printable:

1. the substance (structure drawn beside the nearest listed one, the core they share in colour,
   names, identifiers) and the alert's status;
2. why it is an analogue, in words: the nearest listed substances with similarity and shared
   core, every rule that fired with its explanation and evidence;
3. where and how often it was seen: counts in the window, first and last seen, regions,
   channels, every seizure and sample id, the countries it was also seen in;
4. the legislative state: pending amendments, and how it was resolved;
5. the history: every version with its time, status, count and reason.

Text from agencies is escaped for reportlab's markup. The font is DejaVu Sans (Debian's
``fonts-dejavu-core``: Cyrillic, Greek, the arrows) when installed, Helvetica otherwise (then
characters it cannot show become "?").
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from rdkit import Chem
from rdkit.Chem.Draw import rdMolDraw2D
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from contracts.alerts import AlertEvent, AlertStatus
from services.alert_board.view import ListedStructure, VersionPoint

FONT_FILES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
DRAWING_PX = 420


@cache
def _font() -> str:
    for path in FONT_FILES:
        if path.exists():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(path)))
            return "DejaVuSans"
    return "Helvetica"


def _text(value: object) -> str:
    text = escape(str(value))
    if _font() == "Helvetica":
        text = text.encode("latin-1", "replace").decode("latin-1")
    return text


def _png(smiles: str, core_smarts: str | None) -> bytes | None:
    """The structure drawn as PNG, the shared core's atoms highlighted (None: not drawable)."""
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    atoms: list[int] = []
    core = Chem.MolFromSmarts(core_smarts) if core_smarts else None
    if core is not None:
        atoms = list(mol.GetSubstructMatch(core))
    drawer = rdMolDraw2D.MolDraw2DCairo(DRAWING_PX, int(DRAWING_PX * 0.75))
    drawer.DrawMolecule(mol, highlightAtoms=atoms)
    drawer.FinishDrawing()
    return bytes(drawer.GetDrawingText())


def _image(png: bytes | None, caption: str, styles: dict) -> list:
    if png is None:
        return [Paragraph(_text(caption + " (not drawable)"), styles["small"])]
    width = 82 * mm
    return [
        Image(io.BytesIO(png), width=width, height=width * 0.75),
        Paragraph(caption, styles["small"]),
    ]


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    font = _font()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=font, fontSize=18),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=font, fontSize=12),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=font, fontSize=9.5),
        "small": ParagraphStyle(
            "small", parent=base["BodyText"], fontName=font, fontSize=8, textColor=colors.grey
        ),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontName=font, fontSize=8),
    }


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], styles: dict) -> Table:
    cell = styles["cell"]
    data = [[Paragraph(f"<b>{_text(h)}</b>", cell) for h in headers]]
    data += [[Paragraph(_text(c), cell) for c in row] for row in rows]
    table = Table(data, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def dossier_pdf(
    event: AlertEvent,
    history: Sequence[VersionPoint],
    *,
    evidence: AlertEvent | None = None,
    headline: str | None = None,
    listed: ListedStructure | None = None,
    generated_at: dt.datetime,
) -> bytes:
    """The dossier of the alert whose latest version is ``event`` (see the module docstring);
    ``evidence``: its last open version (a suppressed or resolved alert's counts and places)."""
    styles = _styles()
    d = event.data
    shown = evidence.data if d.status != AlertStatus.OPEN and evidence is not None else d
    name = headline or (d.reported_names[0] if d.reported_names else d.match_key)
    nearest = shown.nearest_listed[0] if shown.nearest_listed else None
    body, h2, small = styles["body"], styles["h2"], styles["small"]

    story: list = [
        Paragraph(_text(f"Analogue dossier: {name}"), styles["title"]),
        Paragraph(
            _text(
                f"Alert {d.alert_id} · {d.jurisdiction} · {d.status.value} · version {d.version} "
                f"of {_day(event.published)} · made {_day(generated_at)} by Analogue Watch"
            ),
            small,
        ),
        Spacer(1, 4 * mm),
        Paragraph("1. The substance", h2),
    ]
    detected = _image(
        _png(d.canonical_smiles, nearest.shared_core_smarts if nearest else None),
        "Detected: " + _text(name),
        styles,
    )
    pair = [detected]
    if listed is not None and listed.structure.smiles:
        pair.append(
            _image(
                _png(listed.structure.smiles, nearest.shared_core_smarts if nearest else None),
                "Nearest listed: " + _text(listed.name),
                styles,
            )
        )
    story.append(Table([pair], hAlign="LEFT"))
    story.append(
        _table(
            ("", ""),
            [
                ("Names reported", ", ".join(d.reported_names) or "none"),
                ("InChIKey", d.substance_key),
                ("SMILES", d.canonical_smiles),
                ("Match key", d.match_key),
            ],
            styles,
        )
    )

    story += [Paragraph("2. Why it is an analogue", h2), Paragraph(_text(shown.reason), body)]
    story.append(
        _table(
            ("Nearest listed", "Similarity", "Shared core", "Source"),
            [
                (
                    n.name,
                    f"{n.similarity:.2f}",
                    "" if n.core_coverage is None else f"{n.core_coverage:.0%} of its atoms",
                    n.source or "",
                )
                for n in shown.nearest_listed
            ]
            or [("none named", "", "", "")],
            styles,
        )
    )
    for rule in shown.rules_fired:
        found = "; ".join(f"{k}: {v}" for k, v in rule.evidence.items())
        story.append(Paragraph(f"<b>{_text(rule.rule)}</b>: {_text(rule.explanation)}", body))
        if found:
            story.append(Paragraph(_text(found), small))

    story += [
        Paragraph("3. Where and how often it was seen", h2),
        Paragraph(
            _text(
                f"{shown.occurrence_count} occurrences in {shown.window_days} days; first seen "
                f"{_day(shown.first_seen)}, last seen {_day(shown.last_seen)}."
            ),
            body,
        ),
        _table(
            ("", ""),
            [
                ("Regions", ", ".join(shown.regions) or "none recorded"),
                (
                    "Channels",
                    ", ".join(c.value.replace("_", " ") for c in shown.channels) or "none",
                ),
                ("Seizures", ", ".join(shown.seizure_ids) or "none cited"),
                ("Lab samples", ", ".join(shown.sample_ids) or "none cited"),
                (
                    "Also seen in",
                    ", ".join(f"{s.jurisdiction} ×{s.count}" for s in shown.foreign_sightings)
                    or "no other jurisdiction",
                ),
            ],
            styles,
        ),
        Paragraph("4. Legislative state", h2),
        Paragraph(_text(d.reason), body),
    ]
    if d.time_to_control_days is not None:
        took = f"Controlled {d.time_to_control_days:.0f} days after it was first seen."
        story.append(Paragraph(took, body))
    story.append(
        _table(
            ("Pending amendment", "Stage", "Since", "Covers it by"),
            [(a.amendment_id, a.stage, _day(a.since), a.covers_by) for a in d.pending_amendments]
            or [("none pending", "", "", "")],
            styles,
        )
    )
    story += [
        Paragraph("5. History", h2),
        _table(
            ("Version", "Published", "Status", "Occurrences", "Why"),
            [
                (f"v{p.version}", _day(p.published), p.status.value, p.occurrence_count, p.reason)
                for p in history
            ],
            styles,
        ),
    ]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"Analogue dossier: {name}",
        author="Analogue Watch",
        subject=d.alert_id,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
    )
    document.build(story)
    return out.getvalue()
