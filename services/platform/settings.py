"""Settings read from the environment: the one place a service looks at ``os.environ``.

Each service declares one frozen pydantic model whose field aliases are the environment variable
names, with defaults that work on a developer's machine::

    class MonitorSettings(ServiceSettings):
        window_days: int = Field(90, alias="AW_WINDOW_DAYS")

    settings = MonitorSettings.from_env()

docker-compose.yml is checked against these aliases by a test, so a renamed variable cannot
silently fall back to its default in deployment.

How a client authenticates is part of these settings too (``AW_KAFKA_*``, docs/security.md);
:mod:`services.platform.security` turns them into each Kafka library's arguments. The password
is a ``SecretStr`` (``**********`` in any repr or log), best given as a file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

SecurityProtocol = Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL"]
SaslMechanism = Literal["SCRAM-SHA-512", "SCRAM-SHA-256"]


class ServiceSettings(BaseModel):
    """What every service and tool needs to reach the broker."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    kafka_bootstrap_servers: str = Field("127.0.0.1:9092", alias="KAFKA_BOOTSTRAP_SERVERS")
    # Prepended to every topic name from the table: isolates test runs and parallel demos.
    topic_namespace: str = Field("", alias="AW_TOPIC_NAMESPACE", pattern=r"^[A-Za-z0-9._-]{0,64}$")
    replication_factor: int = Field(1, alias="AW_REPLICATION_FACTOR", ge=1, le=5)
    log_level: str = Field("INFO", alias="AW_LOG_LEVEL")

    # How this process proves who it is to the broker (docs/security.md). PLAINTEXT: nobody.
    kafka_security_protocol: SecurityProtocol = Field(
        "PLAINTEXT", alias="AW_KAFKA_SECURITY_PROTOCOL"
    )
    kafka_sasl_mechanism: SaslMechanism = Field("SCRAM-SHA-512", alias="AW_KAFKA_SASL_MECHANISM")
    kafka_sasl_username: str = Field("", alias="AW_KAFKA_SASL_USERNAME")
    kafka_sasl_password: SecretStr = Field(SecretStr(""), alias="AW_KAFKA_SASL_PASSWORD")
    kafka_sasl_password_file: str = Field("", alias="AW_KAFKA_SASL_PASSWORD_FILE")
    """A file holding the password (a mounted secret): preferred to the variable above, which
    other processes of the same user can read from ``/proc``."""
    kafka_ssl_cafile: str = Field("", alias="AW_KAFKA_SSL_CAFILE")
    """The CA that signed the broker's certificate (empty: the system's CAs)."""
    kafka_ssl_certfile: str = Field("", alias="AW_KAFKA_SSL_CERTFILE")
    kafka_ssl_keyfile: str = Field("", alias="AW_KAFKA_SSL_KEYFILE")
    """A client certificate and key, for brokers that ask for one (``ssl.client.auth``)."""

    @property
    def uses_sasl(self) -> bool:
        return self.kafka_security_protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        return self.kafka_security_protocol in ("SSL", "SASL_SSL")

    def sasl_password(self) -> str:
        """The password, read from its file when one is given (at each call: a rotated secret
        is picked up by the next client the process opens)."""
        if self.kafka_sasl_password_file:
            return Path(self.kafka_sasl_password_file).read_text(encoding="utf-8").strip()
        return self.kafka_sasl_password.get_secret_value()

    @model_validator(mode="after")
    def _credentials_complete(self) -> Self:
        if self.uses_sasl:
            if not self.kafka_sasl_username:
                raise ValueError(f"{self.kafka_security_protocol} needs AW_KAFKA_SASL_USERNAME")
            given = [
                bool(self.kafka_sasl_password.get_secret_value()),
                bool(self.kafka_sasl_password_file),
            ]
            if given.count(True) != 1:
                raise ValueError(
                    f"{self.kafka_security_protocol} needs exactly one of AW_KAFKA_SASL_PASSWORD "
                    "and AW_KAFKA_SASL_PASSWORD_FILE"
                )
            if self.kafka_sasl_password_file and not Path(self.kafka_sasl_password_file).is_file():
                raise ValueError(
                    f"AW_KAFKA_SASL_PASSWORD_FILE {self.kafka_sasl_password_file} is not a file"
                )
        if bool(self.kafka_ssl_certfile) != bool(self.kafka_ssl_keyfile):
            raise ValueError("AW_KAFKA_SSL_CERTFILE and AW_KAFKA_SSL_KEYFILE go together")
        return self

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
