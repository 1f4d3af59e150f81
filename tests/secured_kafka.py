"""A secured broker for the access-control tests: SASL/SCRAM, ACLs, TLS, all made at test time.

:func:`secured_broker` starts ``kafka.sh start --secure`` on free loopback ports with a
SASL_PLAINTEXT and a SASL_SSL listener (a CA and the broker's certificate made with openssl in a
temporary folder) and gives every principal of the policy (``services.platform.acls.PRINCIPALS``)
a generated password in a file. :meth:`SecuredBroker.namespaced` creates the topic table under a
test's own namespace as the super user and applies the policy there with ``analogue-watch acls
apply``. :func:`session_broker` shares one broker between the test modules of a session. Nothing
secret outlives the test run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition
from ports import free_port, free_ports

from contracts.codec import encode
from contracts.envelope import Envelope
from contracts.lab import LabResultReported
from contracts.legislation import AmendmentEnacted, BaselineListed
from contracts.seizure import SeizureReported
from services.platform import acls
from services.platform.security import client_env, kafka_python_args
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics, topic_name

REPO = Path(__file__).resolve().parents[1]
KAFKA_SH = REPO / "deploy" / "kafka" / "kafka.sh"
ADMIN = "admin"


@dataclass(frozen=True)
class SecuredBroker:
    folder: Path
    port: int
    """SASL_PLAINTEXT; the controller listens on port + 1."""
    tls_port: int
    """SASL_SSL, with a certificate for 127.0.0.1 signed by :attr:`ca_file`."""
    ca_file: Path
    namespace: str = ""

    def namespaced(self, namespace: str) -> SecuredBroker:
        """This broker with the topic table and the policy's ACLs under ``namespace``."""
        broker = dataclasses.replace(self, namespace=namespace)
        ensure_topics(broker.settings(ADMIN))
        applied = broker.cli(ADMIN, "acls", "apply")
        if applied.returncode != 0:
            raise RuntimeError(f"acls apply failed:\n{applied.stdout}\n{applied.stderr}")
        return broker

    def password_file(self, user: str) -> Path:
        return self.folder / "secrets" / f"{user}.password"

    def settings(self, user: str, *, tls: bool = False, **more: str) -> ServiceSettings:
        """``user``'s client settings, as a process would read them from its environment."""
        return ServiceSettings.from_env(self.env(user, tls=tls, **more))

    def env(self, user: str, *, tls: bool = False, **more: str) -> dict[str, str]:
        """The environment that makes a process ``user`` on this broker."""
        port = self.tls_port if tls else self.port
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}",
            "AW_TOPIC_NAMESPACE": self.namespace,
            "AW_KAFKA_SECURITY_PROTOCOL": "SASL_SSL" if tls else "SASL_PLAINTEXT",
            "AW_KAFKA_SASL_USERNAME": user,
            "AW_KAFKA_SASL_PASSWORD_FILE": str(self.password_file(user)),
        }
        if tls:
            env["AW_KAFKA_SSL_CAFILE"] = str(self.ca_file)
        return {**env, **more}

    def cli(self, user: str, *args: str, tls: bool = False, **more: str):
        """``analogue-watch ARGS`` as ``user``, its output captured."""
        settings = self.settings(user, tls=tls, **more)
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "AW_TOPIC_NAMESPACE": settings.topic_namespace,
            **client_env(settings),
        }
        return subprocess.run(
            [sys.executable, "-m", "services.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
            cwd=REPO,
        )


def _free_ports() -> tuple[int, int]:
    """P with P and P+1 free (broker, controller), and another free port for TLS."""
    for _ in range(50):
        port, tls_port = free_ports(2), free_port()
        if tls_port not in (port, port + 1):
            return port, tls_port
    raise RuntimeError("no free ports on 127.0.0.1")


def make_certificates(folder: Path) -> tuple[Path, Path]:
    """A throwaway CA, and the broker's key and certificate for 127.0.0.1 in one PEM file."""
    folder.mkdir(parents=True, exist_ok=True)

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    ca_subject, broker_subject = "/CN=analogue-watch test CA", "/CN=127.0.0.1"
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", "ca.key", "-out", "ca.pem", "-subj", ca_subject)  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "broker.key",
            "-out", "broker.csr", "-subj", broker_subject)  # fmt: skip
    (folder / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "broker.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.cnf",
            "-out", "broker.crt")  # fmt: skip
    pem = folder / "broker.pem"
    pem.write_text((folder / "broker.key").read_text() + (folder / "broker.crt").read_text())
    return folder / "ca.pem", pem


@contextmanager
def secured_broker(folder: Path) -> Iterator[SecuredBroker]:
    """A secured broker with the policy's users (no topics yet); stopped at the end."""
    port, tls_port = _free_ports()
    ca_file, broker_pem = make_certificates(folder / "tls")
    broker_dir = folder / "kafka"
    started = subprocess.run(
        [str(KAFKA_SH), "start", "--secure", "--port", str(port), "--dir", str(broker_dir),
         "--admin-user", ADMIN, "--ssl-port", str(tls_port), "--ssl-pem", str(broker_pem)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    try:
        if started.returncode != 0:
            raise RuntimeError(f"the secured broker did not start:\n{started.stderr}")
        broker = SecuredBroker(folder, port, tls_port, ca_file)
        secrets_dir = folder / "secrets"
        secrets_dir.mkdir(mode=0o700, exist_ok=True)
        # kafka.sh generated the super user's password; the others are made here.
        broker.password_file(ADMIN).write_text((broker_dir / "admin.password").read_text())
        admin = broker.settings(ADMIN)
        for principal in acls.PRINCIPALS:
            broker.password_file(principal.user).write_text(secrets.token_urlsafe(18))
            acls.set_password(
                admin, principal.user, broker.password_file(principal.user).read_text()
            )
        yield broker
    finally:
        subprocess.run([str(KAFKA_SH), "stop", "--dir", str(broker_dir)], check=False)


_SESSION_BROKER = pytest.StashKey[SecuredBroker]()


def session_broker(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> SecuredBroker:
    """One secured broker for the whole session, started by the first module that asks and
    stopped when the session ends (its start is most of the access-control tests' time)."""
    config = request.config
    if _SESSION_BROKER not in config.stash:
        stack = contextlib.ExitStack()
        config.add_cleanup(stack.close)
        folder = tmp_path_factory.mktemp("secured")
        config.stash[_SESSION_BROKER] = stack.enter_context(secured_broker(folder))
    return config.stash[_SESSION_BROKER]


# -- a small story: three agencies seize the same unlisted analogue, a lab identifies it ---------

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ALPHA_PVP = "CCCC(C(=O)c1ccccc1)N1CCCC1"
BASELINE = (
    ("alpha-PVP", ALPHA_PVP),
    ("MDPV", "CCCC(C(=O)c1ccc2OCOc2c1)N1CCCC1"),
    ("mephedrone", "CNC(C)C(=O)c1ccc(C)cc1"),
)
ALPHA_PHP = "CCCCC(C(=O)c1ccccc1)N1CCCC1"
"""Not on the baseline list: alpha-PVP with one more carbon in the chain."""


def _envelope(kind: str, key: str, day: float, source: str) -> dict:
    at = T0 + dt.timedelta(days=day)
    return {
        "id": f"acl:{kind}:{key}",
        "source": source,
        "jurisdiction": "KZ",
        "time": at,
        "published": at,
    }


def baseline() -> BaselineListed:
    data = {
        "list_name": "KZ national list",
        "effective_from": T0.date(),
        "substances": [
            {"name": name, "structure": {"smiles": smiles}, "schedule": "I"}
            for name, smiles in BASELINE
        ],
        "group_definitions": [],
    }
    return BaselineListed(**_envelope("baseline", "KZ", 0, "kz.legislation"), data=data)


def forged_enactment() -> AmendmentEnacted:
    """'Amendment enacted', which would silence alerts about what it lists."""
    data = {"amendment_id": "KZ-2026-07", "effective_from": T0.date(), "expires": None}
    return AmendmentEnacted(**_envelope("enacted", "KZ-2026-07", 1, "kz.police"), data=data)


def seizure(n: int, source: str) -> SeizureReported:
    data = {
        "seizure_id": f"KZ-Z{n}",
        "case_id": f"C-{n}",
        "region": "Almaty",
        "seized_at": T0 + dt.timedelta(days=n),
        "channel": "dead_drop",
        "items": [{"sample_id": f"KZ-S{n}", "form": "powder", "mass_g": 1.0}],
    }
    return SeizureReported(**_envelope("seizure", str(n), n, source), data=data)


def lab_result(n: int) -> LabResultReported:
    data = {
        "lab_id": "KZ-LAB-1",
        "sample_id": f"KZ-S{n}",
        "analysed_at": T0 + dt.timedelta(days=n, hours=6),
        "method": "GC-MS",
        "substances": [{"structure": {"smiles": ALPHA_PHP}, "reported_name": "alpha-PHP"}],
        "nothing_identified": False,
    }
    # Reported when analysed, after the seizure: in event-time order the seizure comes first.
    return LabResultReported(**_envelope("lab", str(n), n + 0.25, "kz.forensic-lab"), data=data)


def write_jsonl(path: Path, events: list[Envelope]) -> Path:
    path.write_bytes(b"".join(encode(e) + b"\n" for e in events))
    return path


def records(settings: ServiceSettings, topic) -> list[bytes]:
    """Every value on ``topic``, read from the beginning without a group, as ``settings``'s
    principal (a refused read raises the broker's authorisation error)."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, **kafka_python_args(settings)
    )
    name = topic_name(topic, settings.topic_namespace)
    try:
        partitions = [TopicPartition(name, p) for p in range(topic.partitions)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        values: list[bytes] = []
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            for batch in consumer.poll(timeout_ms=500).values():
                values.extend(r.value for r in batch)
        return values
    finally:
        consumer.close()
