"""Alert board settings, from the environment (``BoardSettings.from_env()``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from services.domain.severity import Levels, parse_levels
from services.platform.settings import ServiceSettings


class BoardSettings(ServiceSettings):
    """Where the board listens; the broker and topic namespace come from ServiceSettings.

    The board serves its pages and ``/metrics`` on one port. It listens on loopback by default:
    alerts are operational information, so exposing them (``AW_BOARD_HOST=0.0.0.0`` in a
    container) is a deliberate choice.
    """

    port: int = Field(8088, alias="AW_BOARD_PORT", ge=0, le=65535)
    host: str = Field("127.0.0.1", alias="AW_BOARD_HOST", min_length=1)
    metrics_port: int = Field(0, alias="AW_METRICS_PORT", ge=0, le=65535)
    """Also serve ``/metrics`` alone on this port, like every service (0: only on the board's)."""
    metrics_host: str = Field("127.0.0.1", alias="AW_METRICS_HOST", min_length=1)
    alertmanager_url: str = Field("", alias="AW_ALERTMANAGER_URL")
    """Forward open alerts to this Alertmanager (e.g. ``http://127.0.0.1:9093``); empty: not."""
    alertmanager_interval_s: float = Field(30.0, alias="AW_ALERTMANAGER_INTERVAL_S", gt=0)
    """How often the open alerts are sent again (each stays firing four intervals)."""
    public_url: str = Field("", alias="AW_BOARD_URL")
    """The board's address as people reach it, for links in notifications (default: its own
    host and port)."""
    operators_file: str = Field("", alias="AW_BOARD_OPERATORS")
    """The operators file (``analogue-watch operators add``): who may act on alerts, with
    scrypt-hashed passwords. Empty: nobody may, the board is read-only."""
    severity: str = Field("", alias="AW_SEVERITY")
    """Family keywords and their levels ahead of the defaults, ``opioid=critical,cannabinoid=low``
    (``services.domain.severity``)."""

    @field_validator("severity")
    @classmethod
    def _levels_read(cls, value: str) -> str:
        parse_levels(value)  # a clear error at start, not on the first page
        return value

    @property
    def levels(self) -> Levels:
        return parse_levels(self.severity)

    @property
    def operators_path(self) -> Path | None:
        return Path(self.operators_file) if self.operators_file else None

    @property
    def board_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"
