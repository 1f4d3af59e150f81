"""The examples in the contracts' docstrings run and say what the code does."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import contracts

MODULES = sorted(
    info.name for info in pkgutil.iter_modules(contracts.__path__, prefix="contracts.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)

    assert result.failed == 0
