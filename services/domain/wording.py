"""An alert version's ``reason``: why it was published, in words an analyst reads.

Dates in words are the jurisdiction's own (a control ends at its midnight): the caller hands
the moment in the jurisdiction's legal time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from contracts.alerts import AlertKind, AlertLevel, AlertStatus, AlertTransition, Correction
from contracts.schedule import AmendmentStatus, ScheduleState
from services.domain.lifecycle import Abroad, AlertRule, Assessment
from services.domain.substance import JurisdictionState


def reason(
    kind: AlertKind,
    before: JurisdictionState,
    after: JurisdictionState,
    found: Sequence[str],
    *,
    schedule: ScheduleState,
    rule: AlertRule,
    count: int,
    at: dt.datetime,
    abroad: Abroad | None = None,
) -> str:
    """Why ``kind`` was published at ``at``, going from ``before`` to ``after`` (``abroad``:
    what the partners said, when they were asked)."""
    assessment = after.assessment
    assert assessment is not None
    counted = (
        f"{count} distinct occurrence{'s' if count != 1 else ''} in the last "
        f"{rule.window_days} days (threshold {rule.min_occurrences})"
    )
    if kind == AlertKind.UPDATED:
        return "Escalation: " + "; ".join(found) + "."
    if kind == AlertKind.RESOLVED:
        how = "listed by name" if assessment.status == "listed" else "covered by a group listing"
        first = after.sightings.first_seen or at
        why = f" {assessment.rules_fired[0].explanation}" if assessment.rules_fired else ""
        return (
            f"Now controlled ({how}) as of {at:%Y-%m-%d}, "
            f"{days(at - first):.0f} days after it was first seen.{why}"
        )
    if kind == AlertKind.SUPPRESSED:
        covers = ", ".join(
            f"{p.amendment_id} (stage {p.stage}, by {p.covers_by})" for p in assessment.cover
        )
        lapsed = "Control ended; " if before.alert and before.alert.status == "resolved" else ""
        return f"{lapsed}Held back while a pending amendment would control it: {covers}. {counted}."
    ended = _cover_ended(before, after, schedule, rule, at)
    nearest = _nearest(assessment)
    stalled = _stalled_note(assessment, rule)
    early = after.alert is not None and after.alert.level == AlertLevel.EARLY_WARNING
    if kind == AlertKind.RAISED and early and abroad is not None:
        what = (
            f"Unlisted analogue{nearest}"
            if assessment.status == "analogue"
            else "Unlisted here and unrelated to the list"
        )
        here = (
            f"seen here {count} time{'s' if count != 1 else ''} in the last {rule.window_days} "
            f"days (domestic threshold {rule.min_occurrences})"
        )
        said = partners(abroad, rule)
        lead = f"Early warning: {what}, {here}, while partners report it: {said}."
        return " ".join(part for part in (lead, ended, stalled) if part)
    if kind == AlertKind.RAISED:
        lead = f"Unlisted analogue{nearest}: {counted}, and no pending amendment covers it."
        return " ".join(part for part in (lead, ended, stalled) if part)
    if before.alert is not None and before.alert.status == AlertStatus.RESOLVED:
        ended = _control_ended(before, schedule, at)
        return f"No longer controlled as of {at:%Y-%m-%d}: {ended}. {counted}."
    return " ".join(
        part for part in (f"Reopened: {ended or 'the cover ended.'}", counted + ".") if part
    )


def partners(abroad: Abroad, rule: AlertRule) -> str:
    """What the partners said, in words.

    >>> from services.domain.lifecycle import PartnerRule
    >>> rule = AlertRule(partners=(("UZ", PartnerRule(3, 90)), ("RU", PartnerRule(3, 90))))
    >>> partners(Abroad(seen=(("UZ", 4),), listed=("RU",)), rule)
    'seen 4 times in UZ in 90 days (partner rule 3); listed in RU'
    """
    said = []
    for j, count in abroad.seen:
        partner = rule.partner_rule(j)
        if partner is not None:
            said.append(
                f"seen {count} time{'s' if count != 1 else ''} in {j} in {partner.window_days} "
                f"days (partner rule {partner.min_occurrences})"
            )
    if abroad.listed:
        said.append("listed in " + ", ".join(abroad.listed))
    return "; ".join(said) or "nothing"


def correction_reason(correction: Correction, status: AlertStatus, zone: dt.tzinfo) -> str:
    """The correction in words: what came late, what had been published, what it is now."""

    def said(steps: list[AlertTransition]) -> str:
        return ", ".join(
            f"{s.transition} on {s.time.astimezone(zone):%Y-%m-%d %H:%M}" for s in steps
        )

    late = correction.late_event_time.astimezone(zone)
    published = (
        f"({said(correction.published)})" if correction.published else "(no change of status)"
    )
    head = (
        f"Corrected: an input dated {late:%Y-%m-%d %H:%M} ({correction.late_event_id}) came after "
        f"versions judged without it had been published {published}."
    )
    if not correction.corrected:
        return f"{head} Judged again with it, there is no alert: retracted."
    return f"{head} Judged again with it: {said(correction.corrected)}; now {status.value}."


def days(delta: dt.timedelta) -> float:
    """A duration in days, to the hundredth, as alerts give it.

    >>> days(dt.timedelta(hours=36))
    1.5
    """
    return round(delta.total_seconds() / 86400, 2)


def _cover_ended(
    before: JurisdictionState,
    after: JurisdictionState,
    schedule: ScheduleState,
    rule: AlertRule,
    at: dt.datetime,
) -> str:
    """Why the amendments that covered the substance at the last judgement no longer do."""
    if before.assessment is None or after.assessment is None:
        return ""
    still = {p.amendment_id for p in after.assessment.cover}
    by_id = {a.amendment_id: a for a in schedule.amendments}
    said = []
    for ref in before.assessment.cover:
        if ref.amendment_id in still:
            continue
        amendment = by_id.get(ref.amendment_id)
        if amendment is None:
            said.append(f"amendment {ref.amendment_id} no longer covers it")
        elif ref.amendment_id in after.assessment.stalled:
            said.append(
                f"amendment {ref.amendment_id} has been pending since "
                f"{amendment.proposed_at:%Y-%m-%d}, past the {rule.stall_days}-day stall limit"
            )
        elif amendment.status in (AmendmentStatus.REJECTED, AmendmentStatus.WITHDRAWN):
            said.append(f"amendment {ref.amendment_id} was {amendment.status.value}")
        elif amendment.expires is not None and amendment.expires <= at.date():
            said.append(f"amendment {ref.amendment_id} lapsed on {amendment.expires}")
        else:
            said.append(f"amendment {ref.amendment_id} no longer covers it")
    if not said:
        return ""
    text = "; ".join(said) + "."
    return text[0].upper() + text[1:]


def _control_ended(before: JurisdictionState, schedule: ScheduleState, at: dt.datetime) -> str:
    """Which controls stopped applying: the sources of the rules that had made it controlled."""
    fired = before.assessment.rules_fired if before.assessment else ()
    sources = sorted({str(r.evidence["source"]) for r in fired if "source" in r.evidence})
    by_id = {a.amendment_id: a for a in schedule.amendments}
    said = []
    for source in sources:
        amendment = by_id.get(source)
        expired = amendment.expires if amendment is not None else None
        if expired is not None and expired <= at.date():
            said.append(f"the temporary control by {source} expired on {expired}")
        else:
            said.append(f"the control by {source} no longer applies")
    return "; ".join(said) or "the control no longer applies"


def _nearest(assessment: Assessment) -> str:
    if not assessment.nearest:
        return ""
    best = assessment.nearest[0]
    first = assessment.rules_fired[0] if assessment.rules_fired else None
    if first is not None and first.rule == "same-family-as-listed":
        family = first.evidence["family"]
        return f" of {best.name} (like it, one of the {family}; similarity {best.similarity:.2f})"
    return f" of {best.name} (similarity {best.similarity:.2f})"


def _stalled_note(assessment: Assessment, rule: AlertRule) -> str:
    if not assessment.stalled:
        return ""
    ids = ", ".join(assessment.stalled)
    return f"Stalled (pending over {rule.stall_days} days, not counted as cover): {ids}."
