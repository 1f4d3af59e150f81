"""Help text from docstrings, without the markup a terminal would show as is."""

from __future__ import annotations

import re

_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")


def plain(text: str) -> str:
    """``text`` with reStructuredText roles and literals as plain words.

    >>> plain("fed by :mod:`services.tools.pipeline`, a ``corrected`` version")
    'fed by services.tools.pipeline, a corrected version'
    """
    return _LITERAL.sub(r"\1", _ROLE.sub(r"\1", text))
