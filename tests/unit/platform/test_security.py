"""Client security settings and the access policy, without a broker."""

from __future__ import annotations

import json
import logging
import ssl
from pathlib import Path

import pytest
from pydantic import ValidationError

from contracts.topics import LEGISLATION, TOPICS
from services.platform.acls import PRINCIPALS, Principal, load_principals, policy
from services.platform.security import (
    aiokafka_args,
    client_env,
    faust_credentials,
    kafka_python_args,
)
from services.platform.settings import ServiceSettings

SASL = {
    "AW_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
    "AW_KAFKA_SASL_USERNAME": "aw-police",
    "AW_KAFKA_SASL_PASSWORD": "correct-horse-battery",
}


def test_plaintext_is_the_default_and_asks_for_nothing() -> None:
    settings = ServiceSettings.from_env({})
    assert kafka_python_args(settings) == {"security_protocol": "PLAINTEXT"}
    assert aiokafka_args(settings) == {"security_protocol": "PLAINTEXT"}
    assert faust_credentials(settings) is None


def test_the_password_never_shows_in_a_repr_or_a_log(caplog: pytest.LogCaptureFixture) -> None:
    settings = ServiceSettings.from_env(SASL)
    logging.getLogger("test").warning("settings %s %r", settings, settings)
    for text in (repr(settings), str(settings), caplog.text, repr(faust_credentials(settings))):
        assert "correct-horse" not in text
    assert kafka_python_args(settings)["sasl_plain_password"] == "correct-horse-battery"


def test_a_password_file_is_read_when_a_client_is_built(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("from-the-file-1\n")
    env = {**SASL, "AW_KAFKA_SASL_PASSWORD": "", "AW_KAFKA_SASL_PASSWORD_FILE": str(secret)}
    settings = ServiceSettings.from_env(env)
    secret.write_text("rotated-password-2\n")
    assert aiokafka_args(settings)["sasl_plain_password"] == "rotated-password-2"
    assert faust_credentials(settings).password == "rotated-password-2"


@pytest.mark.parametrize(
    "env",
    [
        {"AW_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT"},  # no user
        {**SASL, "AW_KAFKA_SASL_PASSWORD": ""},  # no password
        {**SASL, "AW_KAFKA_SASL_PASSWORD_FILE": "/no/such/file"},  # two, one missing
        {"AW_KAFKA_SECURITY_PROTOCOL": "TLS"},  # not a protocol
        {"AW_KAFKA_SSL_CERTFILE": "client.pem"},  # a certificate without its key
    ],
)
def test_incomplete_security_settings_fail_at_start(env: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        ServiceSettings.from_env(env)


def test_sasl_ssl_gives_every_library_a_verifying_tls_context() -> None:
    settings = ServiceSettings.from_env({**SASL, "AW_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"})
    for args in (kafka_python_args(settings), aiokafka_args(settings)):
        assert args["security_protocol"] == "SASL_SSL"
        assert args["ssl_context"].verify_mode == ssl.CERT_REQUIRED
        assert args["ssl_context"].check_hostname
    credentials = faust_credentials(settings)
    assert credentials.protocol.value == "SASL_SSL"
    assert credentials.mechanism.value == "SCRAM-SHA-512"


def test_client_env_gives_a_child_process_the_same_identity() -> None:
    settings = ServiceSettings.from_env(SASL)
    assert ServiceSettings.from_env(client_env(settings)) == settings


# -- the policy ----------------------------------------------------------------------------


def _can(grants, user: str, operation: str) -> set[str]:
    return {g.name for g in grants if g.principal == f"User:{user}" and g.operation == operation}


def test_only_the_legislation_authority_writes_legislation() -> None:
    grants = policy("ns.", PRINCIPALS)
    granted = {(g.principal, g.operation) for g in grants if g.name == "ns.aw.legislation"}
    assert granted == {("User:aw-legislation", "Write"), ("User:aw-schedule-registry", "Read")}
    assert {g.operation for g in grants if g.principal == "User:aw-legislation"} == {"Write"}
    assert _can(grants, "aw-schedule-registry", "Write") >= {"ns.aw.schedule.state"}
    assert "ns.aw.legislation" not in _can(grants, "aw-schedule-registry", "Write")


def test_agencies_write_only_their_own_topics_and_read_nothing() -> None:
    grants = policy("", PRINCIPALS)
    for user in ("aw-police", "aw-customs", "aw-post"):
        assert _can(grants, user, "Write") == {"aw.seizures"}
        assert _can(grants, user, "Read") == set()
    assert _can(grants, "aw-forensic-lab", "Write") == {"aw.lab-results"}


def test_each_topic_reader_and_writer_of_the_table_has_a_grant() -> None:
    grants = policy("", PRINCIPALS)
    parties = {p.party: f"User:{p.user}" for p in PRINCIPALS}
    for topic in TOPICS:
        for party in topic.producers:
            assert (parties[party], "Write") in {(g.principal, g.operation) for g in grants
                                                 if g.name == topic.name}  # fmt: skip
        for party in topic.consumers:
            assert (parties[party], "Read") in {(g.principal, g.operation) for g in grants
                                                if g.name == topic.name}  # fmt: skip


def test_stream_services_get_their_group_and_their_changelogs_only() -> None:
    grants = policy("t.", PRINCIPALS)
    mine = [g for g in grants if g.principal == "User:aw-substance-resolver"]
    assert {(g.resource, g.name) for g in mine if g.resource == "Group"} == {
        ("Group", "t.analogue-watch.substance_resolver")
    }
    prefixed = {(g.name, g.operation) for g in mine if g.pattern == "PREFIXED"}
    assert prefixed == {
        ("t.analogue-watch.substance_resolver-", op) for op in ("Create", "Read", "Write")
    }
    assert not [g for g in grants if g.resource == "Group" and "aw-police" in g.principal]


def test_a_deployment_names_its_own_principals(tmp_path: Path) -> None:
    path = tmp_path / "principals.json"
    path.write_text(json.dumps({"kz-mvd-almaty": "enforcement agencies"}))
    assert load_principals(path) == [Principal("kz-mvd-almaty", "enforcement agencies")]
    assert {g.name for g in policy("", load_principals(path))} == {"aw.seizures"}
    with pytest.raises(ValueError, match="unknown parties"):
        policy("", [Principal("someone", "the press")])
    assert LEGISLATION.producers == ("legislative monitoring",)
