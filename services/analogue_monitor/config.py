"""Analogue monitor settings, from the environment: the alert rule's defaults live here.

Per-jurisdiction overrides come as JSON, e.g.
``AW_ALERT_RULES='{"KZ": {"min_occurrences": 2, "window_days": 60}}'``; a jurisdiction's partners
(whose seizures and listings raise early warnings there) with their rule per pair, e.g.
``{"KZ": {"partners": {"RU": {"min_occurrences": 2, "window_days": 60}, "UZ": {}}}}`` (``{}``:
none). Without it, a jurisdiction has its default partners (``lifecycle.PARTNERS``).
"""

from collections.abc import Callable
from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field, Json

from services.domain.lifecycle import AlertRule, PartnerRule, default_rule
from services.platform.stream import StreamSettings


class PartnerRuleOverride(BaseModel):
    """When one partner's sightings warn the jurisdiction (``services.domain.lifecycle``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_occurrences: int = Field(3, ge=1)
    window_days: int = Field(90, ge=1, le=3650)


class AlertRuleOverride(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    min_occurrences: int | None = Field(None, ge=1)
    window_days: int | None = Field(None, ge=1, le=3650)
    stall_days: int | None = Field(None, ge=1, le=3650)
    escalation_factor: int | None = Field(None, ge=2)
    lateness_days: int | None = Field(None, ge=0, le=3650)
    similarity_threshold: float | None = Field(None, gt=0, le=1)
    partners: dict[str, PartnerRuleOverride] | None = Field(
        None, description="Partner jurisdictions whose evidence raises early warnings here"
    )
    min_partners_listing: int | None = Field(None, ge=1)


class MonitorSettings(StreamSettings):
    metrics_port: int = Field(9103, alias="AW_METRICS_PORT", ge=0, le=65535)
    data_dir: str = Field(".run/state/analogue_monitor", alias="AW_DATA_DIR")
    min_occurrences: int = Field(3, alias="AW_MIN_OCCURRENCES", ge=1)
    window_days: int = Field(90, alias="AW_WINDOW_DAYS", ge=1, le=3650)
    stall_days: int = Field(180, alias="AW_STALL_DAYS", ge=1, le=3650)
    escalation_factor: int = Field(2, alias="AW_ESCALATION_FACTOR", ge=2)
    lateness_days: int = Field(30, alias="AW_LATENESS_DAYS", ge=0, le=3650)
    alert_rules: Json[dict[str, AlertRuleOverride]] = Field(
        "{}", alias="AW_ALERT_RULES", validate_default=True
    )


def alert_rules(settings: MonitorSettings) -> Callable[[str], AlertRule]:
    """The alert rule per jurisdiction: the defaults, with that jurisdiction's overrides."""
    default = AlertRule(
        min_occurrences=settings.min_occurrences,
        window_days=settings.window_days,
        stall_days=settings.stall_days,
        escalation_factor=settings.escalation_factor,
        lateness_days=settings.lateness_days,
    )

    def rule(j: str) -> AlertRule:
        base = replace(default, partners=default_rule(j).partners)
        override = settings.alert_rules.get(j)
        if override is None:
            return base
        changed = override.model_dump(exclude_none=True, exclude={"partners"})
        if override.partners is not None:
            changed["partners"] = tuple(
                (p, PartnerRule(**partner.model_dump()))
                for p, partner in sorted(override.partners.items())
            )
        return replace(base, **changed)

    rules: dict[str, AlertRule] = {}
    return lambda jurisdiction: (
        rules.get(jurisdiction) or rules.setdefault(jurisdiction, rule(jurisdiction))
    )
