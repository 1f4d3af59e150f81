"""The alert list as CSV, for a spreadsheet or a report: one row per alert, its latest version.

Pure. Cells a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return; agency text can) are prefixed with ``'`` so they stay text. Times are UTC
(ISO 8601); lists are joined with ``; ``.

>>> safe("=HYPERLINK(1)"), safe("alpha-PHP"), safe("-5")
("'=HYPERLINK(1)", 'alpha-PHP', "'-5")
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from contracts.alerts import AlertEvent
from services.domain.severity import FAMILY_LEVELS, Levels, severity

COLUMNS = (
    "alert_id",
    "jurisdiction",
    "status",
    "severity",
    "version",
    "substance",
    "other_names",
    "substance_key",
    "canonical_smiles",
    "nearest_listed",
    "similarity",
    "occurrences",
    "window_days",
    "first_seen_utc",
    "last_seen_utc",
    "regions",
    "channels",
    "pending_amendments",
    "also_seen_in",
    "seizure_ids",
    "sample_ids",
    "reason",
)


def safe(cell: str) -> str:
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def _row(event: AlertEvent, levels: Levels) -> list[str]:
    d = event.data
    nearest = d.nearest_listed[0] if d.nearest_listed else None
    return [
        d.alert_id,
        d.jurisdiction,
        d.status.value,
        severity(event, levels).name.lower(),
        str(d.version),
        d.reported_names[0] if d.reported_names else "",
        "; ".join(d.reported_names[1:]),
        d.substance_key,
        d.canonical_smiles,
        nearest.name if nearest else "",
        f"{nearest.similarity:.2f}" if nearest else "",
        str(d.occurrence_count),
        str(d.window_days),
        d.first_seen.isoformat(),
        d.last_seen.isoformat(),
        "; ".join(d.regions),
        "; ".join(c.value for c in d.channels),
        "; ".join(f"{a.amendment_id} ({a.stage})" for a in d.pending_amendments),
        "; ".join(f"{s.jurisdiction} x{s.count}" for s in d.foreign_sightings),
        "; ".join(d.seizure_ids),
        "; ".join(d.sample_ids),
        d.reason,
    ]


def alerts_csv(alerts: Sequence[AlertEvent], levels: Levels = FAMILY_LEVELS) -> str:
    """The alerts as CSV text, a header line first, in the order given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for event in alerts:
        writer.writerow([safe(cell) for cell in _row(event, levels)])
    return out.getvalue()
