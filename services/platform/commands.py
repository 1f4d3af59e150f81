"""Platform subcommands of ``analogue-watch``: ``topics``, ``acls``, ``services`` and ``serve``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contracts.topics import TOPICS
from services.platform import acls
from services.platform.catalog import SERVICES, service_named
from services.platform.logs import configure_logging
from services.platform.reach import require_broker
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics, topic_name


def register(subparsers: argparse._SubParsersAction) -> None:
    topics = subparsers.add_parser("topics", help="the topics of the contracts' topic table")
    actions = topics.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create every topic of the table on the broker (idempotent)",
        description="Settings come from the environment: KAFKA_BOOTSTRAP_SERVERS, "
        "AW_TOPIC_NAMESPACE, AW_REPLICATION_FACTOR, and on a secured broker the super user's "
        "AW_KAFKA_* credentials (docs/security.md).",
    )
    create.set_defaults(func=create_topics)
    listing = actions.add_parser("list", help="print the topic table")
    listing.set_defaults(func=list_topics)

    _register_acls(subparsers)

    services = subparsers.add_parser("services", help="list the services that `serve` runs")
    services.set_defaults(func=list_services)
    serve = subparsers.add_parser(
        "serve",
        help="run one service's worker in the foreground (scale by starting more)",
        description="Settings come from the environment; see README, 'Configuration'.",
    )
    serve.add_argument("service", choices=[e.name for e in SERVICES])
    serve.set_defaults(func=serve_service)


def create_topics(args: argparse.Namespace) -> int:
    settings = ServiceSettings.from_env()
    configure_logging(settings.log_level)
    require_broker(settings, "topics create")
    reports = ensure_topics(settings)
    for report in reports:
        print(f"{report.name:<40} {report.partitions:>3} partitions  {report.action}")
    return 1 if any(r.action.startswith("differs") for r in reports) else 0


def list_topics(args: argparse.Namespace) -> int:
    settings = ServiceSettings.from_env()
    for topic in TOPICS:
        print(
            f"{topic_name(topic, settings.topic_namespace):<40} {topic.partitions:>3}  "
            f"{topic.cleanup_policy:<8} key: {topic.key}"
        )
    return 0


def _register_acls(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "acls",
        help="the access policy (ACLs) derived from the topic table, and SCRAM users",
        description="Run as the broker's super user: KAFKA_BOOTSTRAP_SERVERS, AW_TOPIC_NAMESPACE "
        "and the AW_KAFKA_* credentials come from the environment (docs/security.md).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, func, text in (
        ("show", show_acls, "print the ACLs the policy grants"),
        ("apply", apply_acls, "create the policy's ACLs on the broker (idempotent)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument(
            "--principals",
            type=Path,
            help="JSON object of Kafka user name to party (default: the aw-* principals)",
        )
        action.set_defaults(func=func)
    user = actions.add_parser("user", help="create a SCRAM user or change its password")
    user.add_argument("name")
    user.add_argument(
        "--password-file", type=Path, required=True, help="a file holding the new password"
    )
    user.set_defaults(func=set_user_password)


def _grants(args: argparse.Namespace, settings: ServiceSettings) -> list[acls.Grant]:
    principals = acls.load_principals(args.principals) if args.principals else acls.PRINCIPALS
    return acls.policy(settings.topic_namespace, principals)


def show_acls(args: argparse.Namespace) -> int:
    print(acls.table(_grants(args, ServiceSettings.from_env())))
    return 0


def apply_acls(args: argparse.Namespace) -> int:
    settings = ServiceSettings.from_env()
    configure_logging(settings.log_level)
    require_broker(settings, "acls apply")
    grants = _grants(args, settings)
    acls.apply(settings, grants)
    print(f"{len(grants)} ACLs in place for {len({g.principal for g in grants})} principals")
    return 0


def set_user_password(args: argparse.Namespace) -> int:
    settings = ServiceSettings.from_env()
    configure_logging(settings.log_level)
    require_broker(settings, "acls user")
    password = args.password_file.read_text(encoding="utf-8").strip()
    if len(password) < 12:
        print("acls user: the password must be at least 12 characters", file=sys.stderr)
        return 2
    acls.set_password(settings, args.name, password)
    print(f"SCRAM credential ({settings.kafka_sasl_mechanism}) of {args.name} set")
    return 0


def list_services(args: argparse.Namespace) -> int:
    for entry in SERVICES:
        print(entry.name)
    return 0


def serve_service(args: argparse.Namespace) -> int:
    service_named(args.service).main()
    return 0
