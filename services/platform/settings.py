"""Settings read from the environment: the one place a service looks at ``os.environ``.

Each service declares one frozen pydantic model whose field aliases are the environment variable
names, with defaults that work on a developer's machine::

    class MonitorSettings(ServiceSettings):
        window_days: int = Field(90, alias="AW_WINDOW_DAYS")

    settings = MonitorSettings.from_env()

docker-compose.yml is checked against these aliases by a test, so a renamed variable cannot
silently fall back to its default in deployment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Self

from pydantic import BaseModel, ConfigDict, Field


class ServiceSettings(BaseModel):
    """What every service and tool needs to reach the broker."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", alias="KAFKA_BOOTSTRAP_SERVERS")
    # Prepended to every topic name from the table: isolates test runs and parallel demos.
    topic_namespace: str = Field("", alias="AW_TOPIC_NAMESPACE", pattern=r"^[A-Za-z0-9._-]{0,64}$")
    replication_factor: int = Field(1, alias="AW_REPLICATION_FACTOR", ge=1, le=5)
    log_level: str = Field("INFO", alias="AW_LOG_LEVEL")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Build the settings from ``environ`` (default: the process environment)."""
        env = os.environ if environ is None else environ
        names = {field.alias or name for name, field in cls.model_fields.items()}
        return cls.model_validate({key: value for key, value in env.items() if key in names})

    @classmethod
    def env_names(cls) -> set[str]:
        """The environment variables this model reads."""
        return {field.alias or name for name, field in cls.model_fields.items()}
