"""The examples in every module's docstrings run and say what the code does.

Every module of ``services`` and ``contracts`` is found by walking the packages, so a module added
later has its examples checked without being listed here (four hand-kept lists missed thirty).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import contracts
import services

MODULES = sorted(
    info.name
    for package in (services, contracts)
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_walk_finds_the_modules_the_lists_named() -> None:
    assert {
        "services.chemistry.classification",
        "services.tools.pipeline",
        "services.tools.alerts",
        "services.platform.watchdog",
        "contracts.codec",
    } <= set(MODULES)
