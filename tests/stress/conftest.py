"""Stress fixtures: the pipeline's services as processes, each serving ``/metrics``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from stress_harness import PIPELINE, MeteredPipeline

from services.platform.settings import ServiceSettings
from services.platform.topics import ensure_topics


@pytest.fixture
def pipeline(kafka_settings: ServiceSettings, tmp_path: Path) -> Iterator[MeteredPipeline]:
    ensure_topics(kafka_settings)
    running = MeteredPipeline(kafka_settings, tmp_path)
    for name in PIPELINE:
        running.start(name)
    try:
        yield running
    finally:
        for name in list(running.procs):
            running.stop(name)
