"""The services Analogue Watch runs: the one list `serve`, `make up` and docker-compose share.

Each entry names a folder under ``services/`` whose ``app.py`` has ``main()`` and whose
``config.py`` has the settings model (its field aliases are the environment variables).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from services.platform.settings import ServiceSettings


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    settings: str  # "module:Class" of its settings model
    description: str
    stream: bool = True
    """A faust stream worker in a consumer group (False: the alert board, a view)."""

    def settings_model(self) -> type[ServiceSettings]:
        module, _, cls = self.settings.partition(":")
        return getattr(importlib.import_module(module), cls)

    def main(self) -> None:
        importlib.import_module(f"services.{self.name}.app").main()


SERVICES: tuple[ServiceEntry, ...] = (
    ServiceEntry(
        "schedule_registry",
        "services.schedule_registry.config:RegistrySettings",
        "folds legislation events into each jurisdiction's schedule and publishes it",
    ),
    ServiceEntry(
        "substance_resolver",
        "services.substance_resolver.config:ResolverSettings",
        "standardises lab-reported structures and links them to seizures by sample id",
    ),
    ServiceEntry(
        "analogue_monitor",
        "services.analogue_monitor.config:MonitorSettings",
        "counts occurrences, classifies against the schedule, raises and follows alerts",
    ),
    ServiceEntry(
        "partner_notifier",
        "services.partner_notifier.config:NotifierSettings",
        "tells partner agencies of alerts raised or resolved here (aw.partner-notifications)",
    ),
    ServiceEntry(
        "alert_board",
        "services.alert_board.config:BoardSettings",
        "web view of the current alerts for operations staff, updated live",
        stream=False,
    ),
)


def service_named(name: str) -> ServiceEntry:
    for entry in SERVICES:
        if entry.name == name.replace("-", "_"):
            return entry
    known = ", ".join(e.name for e in SERVICES)
    raise KeyError(f"no service {name!r}; known: {known}")
