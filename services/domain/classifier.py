"""How the monitor asks the chemistry core about a substance, against the schedule at a moment.

The monitor needs a :class:`Verdict` (status, rules fired, nearest listed, pending cover) for a
canonical SMILES against a :class:`~services.domain.timeline.ScheduleAt`.
:func:`chemistry_classifier` answers with ``services.chemistry``: it builds one ``ScheduleIndex``
per distinct schedule view (keyed by the view's signature, so every substance judged against the
same view shares it) and classifies as of the view's date. Tests may pass any function of that
shape.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

from contracts.alerts import NearestListed, PendingAmendmentRef, RuleFired
from contracts.countries import legal_time_zone
from services.chemistry import ScheduleIndex, classify_structure
from services.domain.lifecycle import AlertRule
from services.domain.timeline import ScheduleAt

INDEXES_KEPT = 64
"""Schedule indexes kept (a few per jurisdiction: the view changes only with the law)."""


class Verdict(Protocol):
    """What the monitor needs from a classification (``services.chemistry.Classification``)."""

    @property
    def status(self) -> str: ...  # 'listed', 'group', 'analogue', or anything else

    @property
    def rules_fired(self) -> Sequence[RuleFired]: ...

    @property
    def nearest(self) -> Sequence[NearestListed]: ...

    @property
    def pending_cover(self) -> Sequence[PendingAmendmentRef]: ...


Classify = Callable[[str, ScheduleAt], Verdict]
"""Classify a canonical SMILES against a jurisdiction's schedule as it stood at a moment."""


def chemistry_classifier(
    rules: Callable[[str], AlertRule] = lambda jurisdiction: AlertRule(),
) -> Classify:
    """A :data:`Classify` backed by ``services.chemistry`` (threshold from the jurisdiction's rule).

    >>> import datetime as dt
    >>> from contracts.schedule import ScheduleState
    >>> at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    >>> from services.domain.timeline import schedule_at
    >>> view = schedule_at(ScheduleState(), at, stall=dt.timedelta(days=180), jurisdiction="KZ")
    >>> chemistry_classifier()("CCO", view).status
    'unrelated'
    """
    indexes: OrderedDict[tuple[str, str, float | None], ScheduleIndex] = OrderedDict()

    def classify(smiles: str, view: ScheduleAt) -> Verdict:
        threshold = rules(view.jurisdiction).similarity_threshold
        key = (view.jurisdiction, view.signature, threshold)
        index = indexes.get(key)
        if index is None:
            index = ScheduleIndex.build(
                view.state, jurisdiction=view.jurisdiction, threshold=threshold
            )
            indexes[key] = index
            if len(indexes) > INDEXES_KEPT:
                indexes.popitem(last=False)
        else:
            indexes.move_to_end(key)
        day = view.at.astimezone(legal_time_zone(view.jurisdiction)).date()
        return classify_structure(smiles, index, as_of=day)

    return classify
