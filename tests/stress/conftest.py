"""Stress fixtures: the pipeline's services as processes, each serving ``/metrics``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from stress_harness import MeteredPipeline

from services.platform.settings import ServiceSettings


@pytest.fixture
def pipeline(kafka_settings: ServiceSettings, tmp_path: Path) -> Iterator[MeteredPipeline]:
    with MeteredPipeline.running(kafka_settings, tmp_path) as running:
        yield running
