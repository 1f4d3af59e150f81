"""Dead letters as operations staff use them: who sent the message, which to show, what to do.

Pure: read by ``analogue-watch dead-letters`` (``services.tools.dead_letters``) and by the alert
board's dead-letter page. A dead letter itself is ``contracts.dead_letter.DeadLettered``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from contracts.dead_letter import DeadLettered
from contracts.errors import ErrorClass

FIXES: dict[ErrorClass, str] = {
    ErrorClass.MALFORMED_JSON: "the message is not UTF-8 JSON: correct the line and publish it "
    "again",
    ErrorClass.NOT_AN_OBJECT: "send one JSON object ({...}) per message, as contracts/GUIDE.md "
    "shows",
    ErrorClass.UNKNOWN_TYPE: "use a type this topic accepts (contracts/GUIDE.md lists each "
    "topic's types), or send the event to the topic of its type",
    ErrorClass.SCHEMA_VIOLATION: "correct the field named above and publish the line again",
    ErrorClass.OVERSIZED: "the message is over the size limit: send less in one event "
    "(contracts/GUIDE.md gives the limits)",
    ErrorClass.INVALID_STRUCTURE: "check the structure with `analogue-watch classify`, correct "
    "the SMILES, InChI or MOL block, and publish the line again",
    ErrorClass.INTERNAL_ERROR: "our fault, not the sender's: report it with the dead letter's "
    "id; once fixed, publish the original again",
}
"""What to do about each class of error, after the reason the service gave."""


def agency(event: DeadLettered) -> str | None:
    """The ``source`` of the rejected message (the agency that sent it), when it can be read.

    >>> from types import SimpleNamespace as N
    >>> agency(N(data=N(original='{"source": "kz.mvd.almaty"}', original_encoding="utf-8")))
    'kz.mvd.almaty'
    >>> agency(N(data=N(original="not json", original_encoding="utf-8"))) is None
    True
    """
    if event.data.original_encoding != "utf-8":
        return None
    try:
        doc = json.loads(event.data.original)
    except (ValueError, RecursionError):
        return None
    source = doc.get("source") if isinstance(doc, dict) else None
    return source if isinstance(source, str) and source else None


def sent_to(event: DeadLettered) -> str:
    """The topic the rejected message was sent to, without a deployment's namespace.

    >>> from types import SimpleNamespace as N
    >>> sent_to(N(data=N(source_topic="law.aw.seizures"))), sent_to(N(data=N(source_topic="x")))
    ('aw.seizures', 'x')
    """
    name = event.data.source_topic
    at = name.rfind("aw.")
    return name[at:] if at >= 0 else name


def _sent_to(name: str, topic: str) -> bool:
    """Whether topic ``name`` (with a deployment's namespace, if any) is ``topic``.

    >>> _sent_to("prod.aw.seizures", "aw.seizures"), _sent_to("aw.seizures", "aw.seizures")
    (True, True)
    >>> _sent_to("prod.aw.seizures-old", "aw.seizures")
    False
    """
    return name == topic or name.endswith("." + topic)


@dataclass(frozen=True)
class Filters:
    """Which dead letters to show; an empty set passes everything."""

    topics: frozenset[str] = frozenset()
    error_classes: frozenset[str] = frozenset()
    agencies: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    jurisdictions: frozenset[str] = frozenset()

    def match(self, event: DeadLettered) -> bool:
        d = event.data
        sender = agency(event) or ""
        return (
            (not self.topics or any(_sent_to(d.source_topic, t) for t in self.topics))
            and (not self.error_classes or d.error_class.value in self.error_classes)
            and (not self.agencies or any(_within(sender, a) for a in self.agencies))
            and (not self.services or d.service in self.services)
            and (not self.jurisdictions or (event.jurisdiction or "") in self.jurisdictions)
        )


def _within(source: str, agency_prefix: str) -> bool:
    """Whether ``source`` is the agency or one of its parts (``kz.mvd`` holds ``kz.mvd.almaty``).

    >>> _within("kz.mvd.almaty", "kz.mvd"), _within("kz.mvdx", "kz.mvd")
    (True, False)
    """
    return source == agency_prefix or source.startswith(agency_prefix + ".")


def summary(events: Sequence[DeadLettered]) -> str:
    """A count line: how many, by class of error, most frequent first."""
    if not events:
        return "0 dead letters"
    counts = Counter(e.data.error_class.value for e in events).most_common()
    by_class = ", ".join(f"{n} {name}" for name, n in counts)
    return f"{len(events)} dead letter{'s' if len(events) != 1 else ''}: {by_class}"


def find(events: Sequence[DeadLettered], wanted: str) -> DeadLettered | None:
    """The dead letter with id ``wanted``, or else the latest one of an original with that id."""
    for event in events:
        if event.id == wanted:
            return event
    named = [e for e in events if e.data.original_id == wanted]
    return named[-1] if named else None
