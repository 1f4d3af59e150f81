"""The dossier PDF, rendered and read back page by page (pypdf): what an expert gets."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from contracts.alerts import RuleFired
from services.alert_board import dossier
from services.alert_board.dossier import dossier_pdf
from services.alert_board.view import AlertBoardView

MADE = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
SEIZURES = [f"KZ-ALM-2026-{n:05d}" for n in range(1, 41)]  # enough to run onto a second page


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def test_the_dossier_holds_the_evidence_an_expert_needs(make_alert) -> None:
    if dossier._font() != "DejaVuSans":
        pytest.fail("the dossier's Unicode font is missing: apt-get install fonts-dejavu-core")
    view = AlertBoardView()
    raised = make_alert("raised", 1, reason="Seen 3 times in 90 days; not listed in KZ.")
    updated = make_alert(
        "updated",
        2,
        reason="Escalation: new region: Astana.",
        seizure_ids=SEIZURES,
        sample_ids=["KZ-ALM-S-26-00001"],
        rules_fired=[
            RuleFired(
                rule="shared-core-with-listed",
                explanation="Its largest common substructure with α-PVP covers 92% of its atoms.",
                evidence={"core_atoms": 17, "coverage": 0.92},
            )
        ],
    )
    for event in (raised, updated):
        view.apply_alert(event)
    alert_id = updated.data.alert_id

    reader, text = read(dossier_pdf(updated, view.history(alert_id), generated_at=MADE))

    assert reader.metadata.title == "Analogue dossier: α-PHP"
    for expected in (
        "Analogue dossier: α-PHP",
        alert_id,
        "KYIJLDDXQWBNGX-UHFFFAOYSA-N",  # the InChIKey
        "α-PVP",
        "0.83",  # similarity
        "92% of its atoms",
        "shared-core-with-listed",
        "Almaty",
        "KZ-ALM-2026-00040",  # the last seizure: every id is there
        "KZ-ALM-S-26-00001",
        "Seen 3 times in 90 days; not listed in KZ.",  # the history's reasons
        "Escalation: new region: Astana.",
    ):
        assert expected in text, expected
    assert len(reader.pages) >= 2
    assert any(page.images for page in reader.pages)  # the structure is drawn


def test_a_resolved_alerts_dossier_keeps_its_evidence_and_says_how_it_ended(make_alert) -> None:
    view = AlertBoardView()
    updated = make_alert("updated", 2, occurrence_count=9, regions=["Almaty", "Turkestan"])
    resolved = make_alert(
        "resolved",
        3,
        reason="Controlled by amendment KZ-AMD-2026-014.",
        nearest_listed=[],
        regions=[],
        occurrence_count=0,
        time_to_control_days=120.4,
    )
    for event in (updated, resolved):
        view.apply_alert(event)
    pdf = dossier_pdf(
        resolved,
        view.history(resolved.data.alert_id),
        evidence=view.last_open(resolved.data.alert_id),
        generated_at=MADE,
    )
    _, text = read(pdf)
    assert "9 occurrences in 90 days" in text and "Turkestan" in text
    assert "Controlled by amendment KZ-AMD-2026-014." in text
    assert "Controlled 120 days after it was first seen." in text
