"""One valid example of every event type, and a fixed clock, for the contract tests."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from contracts.actions import AlertActionData, AlertActionTaken
from contracts.alerts import (
    AlertBody,
    AlertCorrected,
    AlertRaised,
    AlertReopened,
    AlertResolved,
    AlertSuppressed,
    AlertTransition,
    AlertUpdated,
    Correction,
    ForeignSighting,
    NearestListed,
    PendingAmendmentRef,
    RuleFired,
)
from contracts.codec import encode
from contracts.dead_letter import DeadLettered, dead_letter_for
from contracts.detection import SubstanceDetected, SubstanceDetectedData
from contracts.envelope import Envelope
from contracts.errors import ContractError
from contracts.lab import IdentifiedSubstance, LabResultReported, LabResultReportedData
from contracts.legislation import (
    AmendmentEnacted,
    AmendmentEnactedData,
    AmendmentProposed,
    AmendmentProposedData,
    AmendmentRejected,
    AmendmentRejectedData,
    AmendmentStageChanged,
    AmendmentStageChangedData,
    AmendmentWithdrawn,
    AmendmentWithdrawnData,
    BaselineListed,
    BaselineListedData,
)
from contracts.notifications import PartnerNotified
from contracts.progress import ProgressData, ProgressReported
from contracts.schedule import (
    Amendment,
    GroupListing,
    Listing,
    ScheduleChanged,
    ScheduleChangedData,
    ScheduleSnapshot,
    ScheduleState,
    SweepRequested,
    SweepRequestedData,
)
from contracts.seizure import (
    SeizedItem,
    SeizureItemLinked,
    SeizureItemLinkedData,
    SeizureReported,
    SeizureReportedData,
)
from contracts.substances import GroupDefinition, ListedSubstance, Structure

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
"""The clock every contract test decodes against."""

ALMATY = dt.timezone(dt.timedelta(hours=5))
SEIZED = dt.datetime(2026, 3, 14, 22, 40, tzinfo=ALMATY)
ANALYSED = dt.datetime(2026, 3, 18, 15, 12, tzinfo=ALMATY)
ALPHA_PVP = Structure(smiles="CCCC(C(=O)c1ccccc1)N1CCCC1")
ALPHA_PIHP = Structure(
    smiles="CC(C)CC(C(=O)c1ccccc1)N1CCCC1",
    inchi="InChI=1S/C16H23NO/c1-13(2)12-15(17-10-6-7-11-17)16(18)14-8-4-3-5-9-14"
    "/h3-5,8-9,13,15H,6-7,10-12H2,1-2H3",
)
PIHP_KEY = "UOZWZANRCOALQL-UHFFFAOYSA-N"
CATHINONES = GroupDefinition(
    name="cathinone-core",
    family="synthetic cathinones",
    smarts="O=C(c1ccccc1)C([#6])[#7]",
    exclusions=["CC(NC(C)(C)C)C(=O)c1cccc(Cl)c1"],
    description="Derivatives of 2-amino-1-phenylpropan-1-one, except bupropion",
)


def _envelope(event_id: str, jurisdiction: str = "KZ", at: dt.datetime = SEIZED) -> dict:
    return {
        "id": event_id,
        "source": "kz.mvd.almaty",
        "jurisdiction": jurisdiction,
        "time": at,
        "published": at + dt.timedelta(minutes=20),
    }


def _seizure() -> SeizureReported:
    return SeizureReported(
        **_envelope("ev-seizure-1"),
        correlation_id="ALM-CASE-1187",
        data=SeizureReportedData(
            seizure_id="KZ-ALM-2026-000317",
            case_id="ALM-CASE-1187",
            region="Алматы",
            seized_at=SEIZED,
            channel="dead_drop",
            items=[
                SeizedItem(
                    sample_id="S-4410", form="crystals", mass_g=4.85, presumptive_name="alpha-PVP"
                ),
                SeizedItem(sample_id="S-4411", form="herbal", mass_g=0),
            ],
        ),
    )


def _lab_result() -> LabResultReported:
    return LabResultReported(
        **_envelope("ev-lab-1", at=ANALYSED),
        data=LabResultReportedData(
            lab_id="KZ-CFE-ALM",
            sample_id="S-4410",
            analysed_at=ANALYSED,
            method="LC-HRMS",
            substances=[
                IdentifiedSubstance(
                    structure=ALPHA_PIHP, reported_name="alpha-PiHP", confidence=0.97
                )
            ],
        ),
    )


def _legislation() -> list[Envelope]:
    at = dt.datetime(2026, 4, 2, 10, tzinfo=ALMATY)
    return [
        BaselineListed(
            **_envelope("ev-leg-0", at=at),
            data=BaselineListedData(
                list_name="KZ lists I-IV",
                effective_from=dt.date(2026, 1, 1),
                substances=[ListedSubstance(name="alpha-PVP", structure=ALPHA_PVP, schedule="I")],
                group_definitions=[CATHINONES],
            ),
        ),
        AmendmentProposed(
            **_envelope("ev-leg-1", at=at),
            data=AmendmentProposedData(
                amendment_id="KZ-AMD-2026-014",
                instrument="government_decree",
                title="On amendments to the list of narcotic drugs",
                substances=[ListedSubstance(name="alpha-PiHP", structure=ALPHA_PIHP)],
                expected_effective=dt.date(2026, 7, 1),
            ),
        ),
        AmendmentStageChanged(
            **_envelope("ev-leg-2", at=at),
            data=AmendmentStageChangedData(
                amendment_id="KZ-AMD-2026-014",
                stage="mazhilis_first_reading",
                previous_stage="drafted",
            ),
        ),
        AmendmentEnacted(
            **_envelope("ev-leg-3", at=at),
            data=AmendmentEnactedData(
                amendment_id="KZ-AMD-2026-014",
                effective_from=dt.date(2026, 7, 1),
                expires=dt.date(2027, 7, 1),
            ),
        ),
        AmendmentRejected(
            **_envelope("ev-leg-4", jurisdiction="UZ", at=at),
            data=AmendmentRejectedData(amendment_id="UZ-AMD-2026-003", reason="Returned"),
        ),
        AmendmentWithdrawn(
            **_envelope("ev-leg-5", jurisdiction="BY", at=at),
            data=AmendmentWithdrawnData(amendment_id="BY-AMD-2026-002", reason="Superseded"),
        ),
    ]


def _internal() -> list[Envelope]:
    at = ANALYSED + dt.timedelta(minutes=1)
    return [
        SeizureItemLinked(
            **_envelope("ev-item-1", at=SEIZED),
            data=SeizureItemLinkedData(
                seizure_id="KZ-ALM-2026-000317",
                case_id="ALM-CASE-1187",
                region="Almaty",
                channel="dead_drop",
                seized_at=SEIZED,
                sample_id="S-4410",
                form="crystals",
                mass_g=4.85,
                presumptive_name="alpha-PVP",
                jurisdiction="KZ",
            ),
        ),
        SubstanceDetected(
            **_envelope("ev-det-1", at=at),
            data=SubstanceDetectedData(
                match_key="UOZWZANRCOALQL",
                substance_key=PIHP_KEY,
                canonical_smiles="CC(C)CC(C(=O)c1ccccc1)N1CCCC1",
                reported_name="alpha-PiHP",
                occurrence_id="KZ-ALM-2026-000317",
                seizure_id="KZ-ALM-2026-000317",
                sample_id="S-4410",
                lab_id="KZ-CFE-ALM",
                region="Almaty",
                channel="dead_drop",
                seen_at=SEIZED,
                lab_event_id="ev-lab-1",
            ),
        ),
        ScheduleChanged(
            **_envelope("ev-chg-1", at=at),
            data=ScheduleChangedData(
                match_key="UOZWZANRCOALQL", amendment_id="KZ-AMD-2026-014", change="proposed"
            ),
        ),
        SweepRequested(
            **_envelope("ev-sweep-1", at=at),
            data=SweepRequestedData(partition=4, as_of=at),
        ),
        ProgressReported(
            **_envelope("progress/aw.seizures/2/1", at=at),
            data=ProgressData(
                partition=4, origin="aw.seizures/2", through=at, schedule_versions={"KZ": 7}
            ),
        ),
        ScheduleSnapshot(
            **_envelope("ev-snap-1", at=at),
            data=ScheduleState(
                listings=[
                    Listing(
                        name="alpha-PVP",
                        structure=ALPHA_PVP,
                        schedule="I",
                        source="baseline:KZ lists I-IV",
                        effective_from=dt.date(2026, 1, 1),
                    )
                ],
                groups=[
                    GroupListing(
                        definition=CATHINONES,
                        source="baseline:KZ lists I-IV",
                        effective_from=dt.date(2026, 1, 1),
                    )
                ],
                amendments=[
                    Amendment(
                        amendment_id="KZ-AMD-2026-014",
                        instrument="government_decree",
                        title="On amendments",
                        stage="government",
                        status="pending",
                        substances=[ListedSubstance(name="alpha-PiHP", structure=ALPHA_PIHP)],
                        proposed_at=at,
                        stage_changed_at=at,
                        expected_effective=dt.date(2026, 7, 1),
                    )
                ],
            ),
        ),
    ]


def alert_body(status: str = "open", version: int = 1) -> AlertBody:
    return AlertBody(
        alert_id="KZ-UOZWZANRCOALQL",
        version=version,
        jurisdiction="KZ",
        substance_key=PIHP_KEY,
        match_key="UOZWZANRCOALQL",
        canonical_smiles="CC(C)CC(C(=O)c1ccccc1)N1CCCC1",
        reported_names=["alpha-PiHP"],
        status=status,
        reason="alpha-PiHP is not listed in KZ but shares the cathinone core with alpha-PVP",
        rules_fired=[
            RuleFired(
                rule="shared-core-with-listed",
                explanation="Shares the core of alpha-PVP",
                evidence={"listed": "alpha-PVP", "similarity": 0.82, "atoms": 14},
            )
        ],
        nearest_listed=[
            NearestListed(
                name="alpha-PVP",
                similarity=0.82,
                shared_core_smarts="O=C(c1ccccc1)C",
                core_coverage=0.9,
                source="baseline:KZ lists I-IV",
            )
        ],
        occurrence_count=3,
        window_days=90,
        first_seen=SEIZED,
        last_seen=ANALYSED,
        regions=["Almaty"],
        channels=["dead_drop"],
        seizure_ids=["KZ-ALM-2026-000317"],
        sample_ids=["S-4410"],
        pending_amendments=[
            PendingAmendmentRef(
                amendment_id="KZ-AMD-2026-014", stage="government", since=SEIZED, covers_by="name"
            )
        ],
        foreign_sightings=[
            ForeignSighting(jurisdiction="RU", count=5, first_seen=SEIZED, last_seen=ANALYSED)
        ],
        time_to_control_days=110.5 if status == "resolved" else None,
    )


def _alerts() -> list[Envelope]:
    env = _envelope("ev-alert", at=ANALYSED)
    return [
        AlertRaised(**{**env, "id": "ev-alert-1"}, data=alert_body()),
        AlertUpdated(**{**env, "id": "ev-alert-2"}, data=alert_body("suppressed", 3)),
        AlertSuppressed(**{**env, "id": "ev-alert-3"}, data=alert_body("suppressed", 2)),
        AlertReopened(**{**env, "id": "ev-alert-4"}, data=alert_body("open", 4)),
        AlertResolved(**{**env, "id": "ev-alert-5"}, data=alert_body("resolved", 5)),
        AlertCorrected(
            **{**env, "id": "ev-alert-6"},
            data=alert_body("retracted", 6).model_copy(
                update={
                    "correction": Correction(
                        late_event_id="KZ-LEG-2026-0042",
                        late_event_time=SEIZED,
                        published=[AlertTransition(transition="raised", time=ANALYSED)],
                        corrected=[],
                    )
                }
            ),
        ),
    ]


def _notification() -> PartnerNotified:
    """What partners are told of the resolved example alert (services.domain.notifications)."""
    body = alert_body("resolved", 5)
    env = _envelope("KZ-UOZWZANRCOALQL/v5/partner", at=ANALYSED)
    return PartnerNotified(
        **{**env, "source": "partner_notifier"},
        data={
            "kind": "resolved",
            "alert_id": body.alert_id,
            "alert_version": body.version,
            "jurisdiction": "KZ",
            "reason": "Now controlled (listed by name) as of 2026-03-18, 4 days after it was seen",
            "substance": {
                "names": body.reported_names,
                "canonical_smiles": body.canonical_smiles,
                "inchikey": body.substance_key,
                "match_key": body.match_key,
            },
            "evidence": {"nearest_listed": body.nearest_listed, "rules_fired": body.rules_fired},
            "counts": {
                "occurrences": body.occurrence_count,
                "window_days": body.window_days,
                "first_seen": body.first_seen,
                "last_seen": body.last_seen,
                "regions": body.regions,
                "channels": body.channels,
            },
            "legislation": {
                "status": "listed",
                "pending_amendments": [],
                "controlled_by": [
                    {
                        "act": "KZ-AMD-2026-014",
                        "by": "listed",
                        "name": "alpha-PiHP",
                        "schedule": "I",
                        "effective_from": "2026-03-18",
                        "explanation": "alpha-PiHP, listed in schedule I by KZ-AMD-2026-014",
                    }
                ],
                "time_to_control_days": body.time_to_control_days,
            },
        },
    )


def _dead_letter() -> DeadLettered:
    return dead_letter_for(
        b'{"type": "aw.seizure.reported.v1", "jurisdiction": "KZ"}',
        source_topic="aw.seizures",
        partition=4,
        offset=18211,
        key=b"KZ-ALM-2026-000318",
        error=ContractError("schema_violation", "id: is required", field="id"),
        service="substance_resolver",
        now=NOW,
    )


def _action() -> AlertActionTaken:
    return AlertActionTaken(
        id="act-2f1c",
        source="alert_board",
        jurisdiction="KZ",
        time=NOW,
        published=NOW,
        data=AlertActionData(
            alert_id="KZ-UOZWZANRCOALQL",
            action="closed_not_relevant",
            operator="aigerim",
            text="A reference standard bought by the lab, not a street sample",
        ),
    )


def build_examples() -> dict[str, Envelope]:
    events = [
        _seizure(),
        _lab_result(),
        *_legislation(),
        *_internal(),
        *_alerts(),
        _action(),
        _notification(),
        _dead_letter(),
    ]
    return {event.type: event for event in events}


@pytest.fixture
def now() -> dt.datetime:
    """The clock every contract test decodes against."""
    return NOW


@pytest.fixture
def examples() -> dict[str, Envelope]:
    """One valid event of every type, by type string."""
    return build_examples()


@pytest.fixture
def doc_of() -> Callable[[str], dict[str, Any]]:
    """A fresh JSON object (as parsed) of the valid example of a type, ready to break."""
    docs = {t: json.loads(encode(e)) for t, e in build_examples().items()}
    return lambda type_: copy.deepcopy(docs[type_])
