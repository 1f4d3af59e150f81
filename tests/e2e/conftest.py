"""End-to-end fixtures: the pipeline's services as processes, stopped even when a test fails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import Pipeline

from services.platform.settings import ServiceSettings


@pytest.fixture
def pipeline(kafka_settings: ServiceSettings, tmp_path: Path) -> Iterator[Pipeline]:
    with Pipeline.running(kafka_settings, tmp_path) as running:
        yield running
