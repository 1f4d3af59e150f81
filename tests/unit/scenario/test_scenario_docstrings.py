"""The examples in the scenario modules' and the commands' docstrings run and say what the code
does."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import services.scenario

MODULES = [
    *sorted(
        info.name
        for info in pkgutil.iter_modules(services.scenario.__path__, prefix="services.scenario.")
    ),
    "services.tools.publish",
    "services.tools.alerts",
    "services.tools.replay",
    "services.platform.reach",
    "services.helptext",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)

    assert result.failed == 0
