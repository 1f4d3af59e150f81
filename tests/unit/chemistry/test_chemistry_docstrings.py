"""The examples in the chemistry docstrings run and say what the code does."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "services.chemistry",
    "services.chemistry.intake",
    "services.chemistry.standardisation",
    "services.chemistry.families",
    "services.chemistry.similarity",
    "services.chemistry.classification",
    "services.chemistry.baseline",
    "services.chemistry.command",
    "services.domain.schedule",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
