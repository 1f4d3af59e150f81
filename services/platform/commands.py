"""Platform subcommands of ``analogue-watch``: ``topics``, ``services`` and ``serve``."""

from __future__ import annotations

import argparse

from contracts.topics import TOPICS
from services.catalog import SERVICES, service_named
from services.platform.logs import configure_logging
from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics, topic_name


def register(subparsers: argparse._SubParsersAction) -> None:
    topics = subparsers.add_parser("topics", help="the topics of the contracts' topic table")
    actions = topics.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create every topic of the table on the broker (idempotent)",
        description="Settings come from the environment: KAFKA_BOOTSTRAP_SERVERS, "
        "AW_TOPIC_NAMESPACE, AW_REPLICATION_FACTOR.",
    )
    create.set_defaults(func=create_topics)
    listing = actions.add_parser("list", help="print the topic table")
    listing.set_defaults(func=list_topics)

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


def list_services(args: argparse.Namespace) -> int:
    for entry in SERVICES:
        print(entry.name)
    return 0


def serve_service(args: argparse.Namespace) -> int:
    service_named(args.service).main()
    return 0
