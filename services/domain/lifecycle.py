"""The alert lifecycle: from what the schedule and the counts say, to the alert event to publish.

At each moment it is judged, a substance *stands* somewhere in a jurisdiction:

============  ==================================================================================
standing      when
============  ==================================================================================
controlled    listed there by name, or covered by a group (generic) listing in force
covered       an analogue, and a pending amendment (not stalled) would control it
alerting      an analogue, not covered, seen at least ``min_occurrences`` times in the window
quiet         an analogue, not covered, seen fewer times than that
warning       quiet, or unrelated to the list here, while the partner rule is met: a partner
              jurisdiction has seen it often enough in its window (an analogue here), or enough
              partners have listed it (:class:`Abroad`)
unrelated     not an analogue of anything listed (or no schedule known yet)
============  ==================================================================================

and the alert (if any) moves as :func:`transition` says:

==========  =====================  ========================================================
alert       standing               publish
==========  =====================  ========================================================
none        alerting               raised (open)
none        warning                raised (open), an early warning: level ``early-warning``
none        anything else          nothing: below the threshold, covered, or controlled
open        covered                suppressed
open        controlled             resolved (with the time from first sighting to control)
suppressed  alerting, quiet,        reopened: the cover ended (rejected, withdrawn, lapsed,
            warning                stalled), whatever the count now
suppressed  controlled             resolved
resolved    alerting, quiet        reopened: the control ended (a temporary control lapsed)
resolved    covered                suppressed
resolved    controlled, unrelated  nothing
retracted   alerting               raised again (the retraction said there was none)
retracted   anything else          nothing
otherwise   (status unchanged)     updated, only on escalation: the count reached the next
                                   level, or a new region, channel or foreign jurisdiction;
                                   an early warning seen here as often as the domestic rule
                                   asks is *promoted* (level ``domestic``)
==========  =====================  ========================================================

A *correction* (``aw.alert.corrected.v1``) is not in the table: it is published when an input
that came later than the allowed lateness, dated before versions already published, changes what
they said (``services.domain.corrections``). It takes whatever status the
alert has with that input, ``retracted`` when it should never have been raised.

>>> transition(None, Standing.ALERTING, escalations=())
<AlertKind.RAISED: 'raised'>
>>> transition(None, Standing.COVERED, escalations=()) is None
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import AwareDatetime

from contracts.alerts import (
    AlertKind,
    AlertLevel,
    AlertStatus,
    NearestListed,
    PendingAmendmentRef,
    RuleFired,
)
from contracts.seizure import Channel
from services.domain.state import StateModel

CONTROLLED = frozenset({"listed", "group"})
"""Classification statuses meaning the substance is controlled in the jurisdiction."""
ANALOGUE = "analogue"


@dataclass(frozen=True)
class PartnerRule:
    """When one partner jurisdiction's sightings warn this one (configured per pair)."""

    min_occurrences: int = 3
    window_days: int = 90

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(days=self.window_days)


@dataclass(frozen=True)
class AlertRule:
    """When to raise and escalate an alert in one jurisdiction (configured per jurisdiction)."""

    min_occurrences: int = 3
    window_days: int = 90
    stall_days: int = 180
    escalation_factor: int = 2
    lateness_days: int = 30
    max_ids: int = 50
    similarity_threshold: float | None = None
    """Passed to the chemistry classifier; None keeps its default."""
    partners: tuple[tuple[str, PartnerRule], ...] = ()
    """The jurisdictions whose evidence raises an early warning here, each with its rule
    (none: no early warnings)."""
    min_partners_listing: int = 2
    """Listed (by name or group) in this many partners warns, however rarely seen."""

    def partner_rule(self, jurisdiction: str) -> PartnerRule | None:
        return dict(self.partners).get(jurisdiction)

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(days=self.window_days)

    @property
    def stall(self) -> dt.timedelta:
        return dt.timedelta(days=self.stall_days)

    @property
    def lateness(self) -> dt.timedelta:
        return dt.timedelta(days=self.lateness_days)

    @property
    def retention(self) -> dt.timedelta:
        """How long an occurrence is kept once the detection path has read past it: a sighting
        up to the lateness behind what was read may still come, and counts the window before it.

        >>> AlertRule().retention.days
        120
        """
        return self.window + self.lateness

    def level_above(self, count: int) -> int:
        """The first escalation level above ``count``: N, N*f, N*f^2, ...

        >>> AlertRule().level_above(3), AlertRule().level_above(7)
        (6, 12)
        """
        level = self.min_occurrences
        while level <= count:
            level *= self.escalation_factor
        return level


PARTNERS: dict[str, tuple[tuple[str, PartnerRule], ...]] = {
    "KZ": (
        ("BY", PartnerRule(3, 90)),
        ("KG", PartnerRule(2, 90)),
        ("RU", PartnerRule(3, 90)),
        ("UZ", PartnerRule(2, 90)),
    )
}
"""Whose evidence warns whom by default, per pair. The demo's Kazakhstan takes its neighbours'
seizures and listings (sample exchange, the CIS lists): two seizures within 90 days in
Uzbekistan or Kyrgyzstan, on the southern routes the demo's cathinones take into the country;
three in Russia or Belarus, larger markets further along them. The monitor's settings choose
other partners and rules per jurisdiction (``AW_ALERT_RULES``)."""


def default_rule(jurisdiction: str) -> AlertRule:
    """The rule a jurisdiction gets with no settings: the defaults, and its default partners.

    >>> [p for p, _ in default_rule("KZ").partners], default_rule("FR").partners
    (['BY', 'KG', 'RU', 'UZ'], ())
    """
    return AlertRule(partners=PARTNERS.get(jurisdiction, ()))


class Assessment(StateModel):
    """What the chemistry said about the substance against the schedule at one moment."""

    signature: str
    """The signature of the schedule view it was made against (see ``timeline.ScheduleAt``)."""
    status: str
    """The classification status: 'listed', 'group', 'analogue', or something else."""
    rules_fired: tuple[RuleFired, ...] = ()
    nearest: tuple[NearestListed, ...] = ()
    pending: tuple[PendingAmendmentRef, ...] = ()
    """Pending amendments that would control it, stalled ones included."""
    stalled: tuple[str, ...] = ()
    """Ids of those in :attr:`pending` past the stall limit: they no longer hold an alert back."""

    @property
    def cover(self) -> tuple[PendingAmendmentRef, ...]:
        return tuple(p for p in self.pending if p.amendment_id not in self.stalled)


class Standing(StrEnum):
    CONTROLLED = "controlled"
    COVERED = "covered"
    ALERTING = "alerting"
    WARNING = "warning"
    QUIET = "quiet"
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class Abroad:
    """What the partner jurisdictions say of the substance at one moment: occurrences in each
    partner rule's window, and which partners have it listed (by name or group).

    >>> rule = AlertRule(partners=(("UZ", PartnerRule(3, 90)), ("RU", PartnerRule(3, 90))))
    >>> Abroad(seen=(("UZ", 3),), listed=("RU",)).warns(rule, analogue=True)
    True
    >>> Abroad(seen=(("UZ", 3),), listed=("RU",)).warns(rule, analogue=False)  # one listing
    False
    >>> Abroad(seen=(("UZ", 2),)).warns(rule, analogue=True)
    False
    """

    seen: tuple[tuple[str, int], ...] = ()
    listed: tuple[str, ...] = ()

    def warns(self, rule: AlertRule, *, analogue: bool) -> bool:
        """Whether the partner rule is met: a partner's count reaches its rule (for an analogue
        of something listed here), or enough partners list it (for anything unlisted here)."""
        if len(self.listed) >= rule.min_partners_listing:
            return True
        return analogue and any(
            (partner := rule.partner_rule(j)) is not None and count >= partner.min_occurrences
            for j, count in self.seen
        )


def standing(
    assessment: Assessment | None, count: int, rule: AlertRule, abroad: Abroad | None = None
) -> Standing:
    """Where the substance stands, given the assessment, the count in the window and, with
    partners, what they say (``abroad``)."""
    if assessment is None:
        return Standing.UNRELATED
    if assessment.status in CONTROLLED:
        return Standing.CONTROLLED
    if assessment.status != ANALOGUE:
        warned = abroad is not None and abroad.warns(rule, analogue=False)
        return Standing.WARNING if warned else Standing.UNRELATED
    if assessment.cover:
        return Standing.COVERED
    if count >= rule.min_occurrences:
        return Standing.ALERTING
    warned = abroad is not None and abroad.warns(rule, analogue=True)
    return Standing.WARNING if warned else Standing.QUIET


STATUS_AFTER: dict[AlertKind, AlertStatus | None] = {
    AlertKind.RAISED: AlertStatus.OPEN,
    AlertKind.UPDATED: None,  # unchanged
    AlertKind.SUPPRESSED: AlertStatus.SUPPRESSED,
    AlertKind.REOPENED: AlertStatus.OPEN,
    AlertKind.RESOLVED: AlertStatus.RESOLVED,
    AlertKind.CORRECTED: None,  # the status judged again
}


class AlertTrack(StateModel):
    """What has been published about one alert: enough to decide the next version."""

    version: int
    status: AlertStatus
    time: AwareDatetime
    """Event time of the last version."""
    next_level: int
    """The occurrence count that makes the next update."""
    regions: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = ()
    foreign: tuple[str, ...] = ()
    """Jurisdictions shown as "also seen in"."""
    kind: AlertKind | None = None
    """What this version published (None in states stored before it was kept)."""
    level: AlertLevel = AlertLevel.DOMESTIC
    """An early warning until the domestic rule fires (states stored before: domestic)."""


_OPEN_TARGET = {Standing.ALERTING, Standing.WARNING, Standing.QUIET}
_RAISES = {Standing.ALERTING, Standing.WARNING}


def transition(
    alert: AlertTrack | None, now: Standing, escalations: Sequence[str]
) -> AlertKind | None:
    """The alert event to publish (None: nothing), per the table in the module docstring."""
    if alert is None or alert.status == AlertStatus.RETRACTED:
        return AlertKind.RAISED if now in _RAISES else None
    status = alert.status
    if now == Standing.CONTROLLED:
        return None if status == AlertStatus.RESOLVED else AlertKind.RESOLVED
    if now == Standing.COVERED and status != AlertStatus.SUPPRESSED:
        return AlertKind.SUPPRESSED
    if now in _OPEN_TARGET and status != AlertStatus.OPEN:
        return AlertKind.REOPENED
    if status != AlertStatus.RESOLVED and escalations:
        return AlertKind.UPDATED
    return None


def escalations(
    alert: AlertTrack | None,
    *,
    count: int,
    regions: Sequence[str],
    channels: Sequence[str],
    foreign: Sequence[str],
    rule: AlertRule | None = None,
) -> tuple[str, ...]:
    """What is new since the alert's last version, in words ('' when nothing is). An early
    warning seen ``rule.min_occurrences`` times here is promoted first.

    >>> a = AlertTrack(version=1, status="open", time=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    ...                next_level=6, regions=("Almaty",), channels=("post",))
    >>> escalations(a, count=6, regions=("Almaty", "Astana"), channels=("post",), foreign=("RU",))
    ('6 occurrences in the window (next level reached)', 'new region: Astana', 'also seen in RU')
    """
    if alert is None or alert.status == AlertStatus.RETRACTED:
        return ()
    found: list[str] = []
    if promoted(alert, count, rule):
        assert rule is not None
        found.append(
            f"promoted to a domestic alert: {count} occurrences here in {rule.window_days} days "
            f"(threshold {rule.min_occurrences})"
        )
    elif count >= alert.next_level:
        found.append(f"{count} occurrences in the window (next level reached)")
    found += [f"new region: {r}" for r in regions if r not in alert.regions]
    found += [f"new channel: {c.replace('_', ' ')}" for c in channels if c not in alert.channels]
    found += [f"also seen in {j}" for j in foreign if j not in alert.foreign]
    return tuple(found)


def promoted(alert: AlertTrack | None, count: int, rule: AlertRule | None) -> bool:
    """Whether an early warning has been seen here as often as the domestic rule asks."""
    return (
        alert is not None
        and rule is not None
        and alert.level == AlertLevel.EARLY_WARNING
        and alert.status != AlertStatus.RESOLVED
        and count >= rule.min_occurrences
    )


def promoted_at(history: Sequence[AlertTrack], version: int) -> bool:
    """Whether version ``version`` of the alert promoted an early warning (its history says).

    >>> t = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    >>> early = AlertTrack(version=1, status="open", time=t, next_level=3, level="early-warning")
    >>> promoted_at([early, early.model_copy(update={"version": 2, "level": "domestic"})], 2)
    True
    """
    levels = {track.version: track.level for track in history}
    return levels.get(version - 1) == AlertLevel.EARLY_WARNING and levels.get(version) == (
        AlertLevel.DOMESTIC
    )


def published(
    alert: AlertTrack | None,
    kind: AlertKind,
    *,
    at: dt.datetime,
    count: int,
    regions: Sequence[str],
    channels: Sequence[Channel],
    foreign: Sequence[str],
    rule: AlertRule,
    now: Standing | None = None,
) -> AlertTrack:
    """The track after publishing ``kind`` at ``at`` (``now``: where the substance stands; a
    raise while it only warns is an early warning)."""
    level = rule.level_above(count)
    status = STATUS_AFTER[kind] or (alert.status if alert else AlertStatus.OPEN)
    fresh = alert is None or alert.status == AlertStatus.RETRACTED
    if fresh:
        early = now == Standing.WARNING
    else:
        assert alert is not None
        early = alert.level == AlertLevel.EARLY_WARNING and count < rule.min_occurrences
    return AlertTrack(
        version=(alert.version if alert else 0) + 1,
        status=status,
        time=at if alert is None else max(at, alert.time),
        next_level=level if fresh or alert is None else max(level, alert.next_level),
        regions=tuple(regions),
        channels=tuple(channels),
        foreign=tuple(foreign),
        kind=kind,
        level=AlertLevel.EARLY_WARNING if early else AlertLevel.DOMESTIC,
    )
