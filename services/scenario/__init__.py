"""Scenarios played through the whole pipeline: a realistic year of seizures, lab results and law.

``build_scenario()`` is the Kazakhstan year (:mod:`services.scenario.kz_year`), the one ``make run``
plays with ``analogue-watch demo`` and ``analogue-watch scenario write`` writes as JSONL.
"""

from services.scenario.kz_year import build_scenario

__all__ = ["build_scenario"]
