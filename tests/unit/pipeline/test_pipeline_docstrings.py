"""The examples in the pipeline's docstrings run and say what the code does."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "services.domain.effects",
    "services.domain.state",
    "services.domain.occurrences",
    "services.domain.timeline",
    "services.domain.lifecycle",
    "services.domain.classifier",
    "services.domain.replay",
    "services.domain.ordering",
    "services.analogue_monitor.handlers",
    "services.substance_resolver.handlers",
    "services.schedule_registry.handlers",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)

    assert result.failed == 0
