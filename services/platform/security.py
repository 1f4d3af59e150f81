"""How every Kafka client of Analogue Watch authenticates: one translation of the settings.

Three client libraries talk to the broker (kafka-python in the tools and admin steps, aiokafka in
the alert board and the monitor's schedule follower, faust in the stream services); each spells
the same TLS and SASL settings its own way. Every client is built with the arguments from here,
so a process's credentials come from its settings (``AW_KAFKA_*``) and nowhere else.

>>> from services.platform.settings import ServiceSettings
>>> kafka_python_args(ServiceSettings())
{'security_protocol': 'PLAINTEXT'}
>>> s = ServiceSettings(AW_KAFKA_SECURITY_PROTOCOL="SASL_PLAINTEXT",
...     AW_KAFKA_SASL_USERNAME="aw-police", AW_KAFKA_SASL_PASSWORD="s3cret-s3cret")
>>> sorted(kafka_python_args(s))
['sasl_mechanism', 'sasl_plain_password', 'sasl_plain_username', 'security_protocol']
>>> "s3cret" in repr(s)
False
"""

from __future__ import annotations

import ssl
from typing import Any

from aiokafka.helpers import create_ssl_context

from services.platform.settings import ServiceSettings


def _sasl(settings: ServiceSettings) -> dict[str, Any]:
    if not settings.uses_sasl:
        return {}
    return {
        "sasl_mechanism": settings.kafka_sasl_mechanism,
        "sasl_plain_username": settings.kafka_sasl_username,
        "sasl_plain_password": settings.sasl_password(),
    }


def ssl_context(settings: ServiceSettings) -> ssl.SSLContext | None:
    """A TLS context that verifies the broker's certificate and host name, or None without TLS."""
    if not settings.uses_tls:
        return None
    return create_ssl_context(
        cafile=settings.kafka_ssl_cafile or None,
        certfile=settings.kafka_ssl_certfile or None,
        keyfile=settings.kafka_ssl_keyfile or None,
    )


def kafka_python_args(settings: ServiceSettings) -> dict[str, Any]:
    """Keyword arguments for kafka-python's ``KafkaProducer``, ``KafkaConsumer`` and
    ``KafkaAdminClient``."""
    args: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.uses_tls:
        args["ssl_context"] = ssl_context(settings)
    return {**args, **_sasl(settings)}


def aiokafka_args(settings: ServiceSettings) -> dict[str, Any]:
    """Keyword arguments for aiokafka's ``AIOKafkaConsumer`` and ``AIOKafkaProducer``."""
    args: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.uses_tls:
        args["ssl_context"] = ssl_context(settings)
    return {**args, **_sasl(settings)}


def faust_credentials(settings: ServiceSettings) -> Any:
    """``broker_credentials`` for ``faust.App``: None (PLAINTEXT), ``SSLCredentials`` or
    ``SASLCredentials`` (faust passes them to its producer, consumer and admin client)."""
    import faust  # only the stream services need faust

    context = ssl_context(settings)
    if settings.uses_sasl:
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=settings.sasl_password(),
            ssl_context=context,
            mechanism=settings.kafka_sasl_mechanism,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def describe(settings: ServiceSettings) -> str:
    """Who this process is to the broker, for logs and error messages (never the password)."""
    if settings.uses_sasl:
        return (
            f"{settings.kafka_security_protocol} as {settings.kafka_sasl_username} "
            f"({settings.kafka_sasl_mechanism})"
        )
    return settings.kafka_security_protocol


def client_env(settings: ServiceSettings) -> dict[str, str]:
    """The ``AW_KAFKA_*`` environment that gives a child process these settings' identity
    (a password given directly is passed on as it is; prefer a password file)."""
    return {
        "AW_KAFKA_SECURITY_PROTOCOL": settings.kafka_security_protocol,
        "AW_KAFKA_SASL_MECHANISM": settings.kafka_sasl_mechanism,
        "AW_KAFKA_SASL_USERNAME": settings.kafka_sasl_username,
        "AW_KAFKA_SASL_PASSWORD": settings.kafka_sasl_password.get_secret_value(),
        "AW_KAFKA_SASL_PASSWORD_FILE": settings.kafka_sasl_password_file,
        "AW_KAFKA_SSL_CAFILE": settings.kafka_ssl_cafile,
        "AW_KAFKA_SSL_CERTFILE": settings.kafka_ssl_certfile,
        "AW_KAFKA_SSL_KEYFILE": settings.kafka_ssl_keyfile,
    }
