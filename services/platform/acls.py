"""Who may do what on the broker: the access policy, derived from the topic table.

The topic table (``contracts/topics.py``) says who writes and who reads each topic, by party:
``enforcement agencies`` write ``aw.seizures``, ``schedule_registry`` reads ``aw.legislation``,
``operations staff`` read ``aw.alerts``. A deployment names its Kafka principals (SCRAM users)
and the party each one acts for; :func:`policy` turns the two into ACLs that allow exactly that
and nothing more (the secured broker allows nothing without an ACL):

* a writer of a topic gets Write on it, a reader Read (each implies Describe);
* a stream service also gets Read on its consumer group (faust's app id) and Create, Read and
  Write on the topics named after its app id (its table changelogs, which it creates);
* the alert board, the operations staff's view, reads what it shows (alerts, schedules, dead
  letters, actions) and writes the actions its authenticated operators take;
* a partner agency (another country's authority) reads ``aw.partner-notifications`` and nothing
  else, in a consumer group of its own (:func:`partner_group_id`): the one group it may join.

So only the legislation authority may write ``aw.legislation`` (a forged "amendment enacted"
would silence alerts), and an agency cannot read alerts or another agency's kind of event.

>>> grants = policy("", PRINCIPALS)
>>> sorted({g.name for g in grants if g.principal == "User:aw-police"})
['aw.seizures']
>>> sorted({g.principal for g in grants if g.name == "aw.legislation" and g.operation == "Write"})
['User:aw-legislation']
>>> sorted((g.resource, g.name) for g in grants if g.principal == "User:partner-uz")
[('Group', 'partner.partner-uz'), ('Topic', 'aw.partner-notifications')]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kafka.admin import (
    ACL,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    KafkaAdminClient,
    ResourcePattern,
    ResourceType,
    UserScramCredentialUpsertion,
)

from contracts.topics import ALERT_ACTIONS, ALERTS, DEAD_LETTERS, SCHEDULE_STATE, TOPICS, Topic
from services.platform.catalog import SERVICES
from services.platform.security import kafka_python_args
from services.platform.settings import ServiceSettings
from services.platform.topics import group_id, partner_group_id, topic_name

Operation = Literal["Read", "Write", "Create"]


@dataclass(frozen=True, order=True)
class Grant:
    """One ACL: allow ``principal`` to ``operation`` on a topic or group, from any host."""

    principal: str
    resource: Literal["Topic", "Group"]
    name: str
    pattern: Literal["LITERAL", "PREFIXED"]
    operation: Operation


@dataclass(frozen=True)
class Principal:
    """A Kafka user and the party it acts for: a producer or consumer named in the topic table,
    or a service folder name."""

    user: str
    party: str


PRINCIPALS: tuple[Principal, ...] = (
    Principal("aw-police", "enforcement agencies"),
    Principal("aw-customs", "enforcement agencies"),
    Principal("aw-post", "enforcement agencies"),
    Principal("aw-forensic-lab", "forensic laboratories"),
    Principal("aw-legislation", "legislative monitoring"),
    Principal("aw-schedule-registry", "schedule_registry"),
    Principal("aw-substance-resolver", "substance_resolver"),
    Principal("aw-analogue-monitor", "analogue_monitor"),
    Principal("aw-alert-board", "alert_board"),
    Principal("aw-partner-notifier", "partner_notifier"),
    Principal("aw-operations", "operations staff"),
    Principal("partner-ru", "partner agencies"),
    Principal("partner-uz", "partner agencies"),
    Principal("partner-by", "partner agencies"),
    Principal("partner-kg", "partner agencies"),
)
"""The default principals, one per agency role and service, and one per partner agency (the
jurisdictions whose schedules the demo holds; ``acls apply --principals FILE`` names a
deployment's own)."""

ALSO_READS: dict[str, tuple[Topic, ...]] = {
    "alert_board": (ALERTS, SCHEDULE_STATE, DEAD_LETTERS, ALERT_ACTIONS)
}
"""Reads the topic table does not list: the board is the operations staff's view of alerts, of
what was done about them and of rejected input, and it draws each alert beside the
jurisdiction's schedule."""

OWN_GROUP: frozenset[str] = frozenset({"partner agencies"})
"""Parties each of whose principals may read in one consumer group of its own
(:func:`~services.platform.topics.partner_group_id`): outside readers, not stream services."""

STREAM_SERVICES = tuple(entry.name for entry in SERVICES if entry.stream)
CHANGELOG_OPERATIONS: tuple[Operation, ...] = ("Create", "Read", "Write")


def parties() -> set[str]:
    """Every party a principal may act for."""
    named = {p for t in TOPICS for p in (*t.producers, *t.consumers)}
    return named | {entry.name for entry in SERVICES}


def policy(namespace: str, principals: Iterable[Principal]) -> list[Grant]:
    """The ACLs for ``principals`` on the topics and groups under ``namespace``, sorted."""
    principals = list(principals)
    unknown = sorted({p.party for p in principals} - parties())
    if unknown:
        raise ValueError(f"unknown parties {unknown}; known: {sorted(parties())}")
    grants: set[Grant] = set()
    for principal in principals:
        user = f"User:{principal.user}"
        for topic in TOPICS:
            name = topic_name(topic, namespace)
            if principal.party in topic.producers:
                grants.add(Grant(user, "Topic", name, "LITERAL", "Write"))
            if principal.party in topic.consumers:
                grants.add(Grant(user, "Topic", name, "LITERAL", "Read"))
        for topic in ALSO_READS.get(principal.party, ()):
            grants.add(Grant(user, "Topic", topic_name(topic, namespace), "LITERAL", "Read"))
        if principal.party in OWN_GROUP:
            group = partner_group_id(principal.user, namespace)
            grants.add(Grant(user, "Group", group, "LITERAL", "Read"))
        if principal.party in STREAM_SERVICES:
            group = group_id(principal.party, namespace)
            grants.add(Grant(user, "Group", group, "LITERAL", "Read"))
            # Its changelogs, "<app id>-<table>-changelog": created by the service itself.
            for operation in CHANGELOG_OPERATIONS:
                grants.add(Grant(user, "Topic", f"{group}-", "PREFIXED", operation))
    return sorted(grants)


def load_principals(path: Path) -> list[Principal]:
    """Principals from a JSON object of user name to party, e.g. ``{"kz-mvd": "enforcement
    agencies", "kz-registry": "schedule_registry"}``."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not all(isinstance(v, str) for v in doc.values()):
        raise ValueError(f"{path}: expected a JSON object of user name to party")
    return [Principal(user, party) for user, party in doc.items()]


def table(grants: Sequence[Grant]) -> str:
    """The grants as aligned text, one per line."""
    rows = [(g.principal, g.operation, g.resource, g.pattern.lower(), g.name) for g in grants]
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(row))
        for row in rows
    )


# --- the edge: the broker --------------------------------------------------------------------


def apply(settings: ServiceSettings, grants: Sequence[Grant]) -> None:
    """Create the ACLs (as the settings' principal, a super user). Idempotent: the broker keeps
    one copy of an ACL created twice. ACLs not in ``grants`` are left alone."""
    acls = [
        ACL(
            principal=g.principal,
            host="*",
            operation=ACLOperation[g.operation.upper()],
            permission_type=ACLPermissionType.ALLOW,
            resource_pattern=ResourcePattern(
                ResourceType[g.resource.upper()], g.name, ACLResourcePatternType[g.pattern]
            ),
        )
        for g in grants
    ]
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id="analogue-watch-acls",
        **kafka_python_args(settings),
    )
    try:
        result = admin.create_acls(acls)
    finally:
        admin.close()
    if result["failed"]:
        raise RuntimeError(f"the broker refused {len(result['failed'])} ACLs: {result['failed']}")


def set_password(settings: ServiceSettings, user: str, password: str) -> None:
    """Create or change ``user``'s SCRAM credential, for the settings' SASL mechanism."""
    if not password:
        raise ValueError("empty password")
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id="analogue-watch-acls",
        **kafka_python_args(settings),
    )
    try:
        upsert = UserScramCredentialUpsertion(user, settings.kafka_sasl_mechanism, password)
        errors = admin.alter_user_scram_credentials([upsert])
    finally:
        admin.close()
    if errors.get(user):
        raise RuntimeError(f"the broker refused the credential of {user}: {errors[user]}")
