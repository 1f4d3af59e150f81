"""Hostile input: a seeded corpus of bad messages for the agency topics, each with its fate.

Every :class:`Hostile` is raw bytes for one agency topic (``aw.seizures``, ``aw.lab-results``,
``aw.legislation``) under the key a careless or malicious publisher would use, and the error class
its dead letter must carry; a few are odd but valid (``expect == ACCEPTED``) and must *not* be
dead-lettered. Categories:

* ``malformed_json``: truncated, trailing garbage, Python reprs, NaN, comments, deep nesting,
  5,000-digit numbers, BOM, raw control characters, JSON Lines, empty;
* ``not_an_object``: arrays, strings, numbers, null;
* ``non_utf8``: cp1251 and latin-1 text, UTF-16, gzip, random bytes, overlong and CESU-8 forms;
* ``wrong_types``, ``missing_fields`` (often with extra fields too), ``envelope`` (bad
  jurisdictions, naive or future times, over-long ids, ids only Python calls whitespace, lone
  surrogates), ``bad_items`` (seizures with empty, 501, negative, infinite or nameless items),
  ``legislation`` (proposals naming nothing, expiry before effect, over-long labels);
* ``unknown_type``: other versions, other topics' and internal types (among them valid seized-item
  links forged on ``aw.lab-results``), empty or huge types;
* ``wrong_key``: valid events under a key that is not the topic's (none, lowercased, padded,
  non-UTF-8, 10 KB, another event's);
* ``structure``: valid lab results whose every structure chemistry must refuse: ~4,000-character
  SMILES, thousands of atoms, dense fused rings, bad valences, odd unicode, inorganic salts,
  mixtures of more compounds than a lab reports, unparsable InChI, broken MOL blocks (up to 50 per
  result, one dead letter each);
* ``oversized``: 1 MiB + 1 byte to 1.9 MiB (the broker takes 2 MiB); ``just_under``: 1 MiB - 4 KiB
  to exactly 1 MiB, bad for another reason;
* ``accepted``: nothing-identified lab results and seizures of fresh samples with personal-data
  extra fields, unicode, 128-character and padded ids, 500 items, and some padded to 1 MiB;
* ``state_limit``: four valid re-analyses of one sample that would outgrow the resolver's state
  (the fourth is dead-lettered as ``internal_error``; see :func:`state_limit`).

Apart from ``state_limit`` (in UZ, before the year) nothing here reaches the analogue monitor:
every lab result either fails or identifies nothing, and every sample id is fresh, so the
scenario's alerts are unchanged by the corpus.

>>> corpus = hostile_corpus(bad=300)
>>> sum(h.expect != ACCEPTED for h in corpus), corpus == hostile_corpus(bad=300)
(301, True)
>>> sorted({h.topic for h in corpus})
['aw.lab-results', 'aw.legislation', 'aw.seizures']
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Callable
from typing import Any, NamedTuple

from contracts.errors import ErrorClass

SEED = 20250601
ACCEPTED = "accepted"
"""The ``expect`` of a message that is odd but valid: it must not be dead-lettered."""
MIB = 1024 * 1024
LIMIT = MIB
"""The codec's size limit (``contracts.codec.MAX_MESSAGE_BYTES``); the broker takes 2 MiB."""
T = "2025-06-01T10:00:00+05:00"
"""Event time of the corpus: inside the scenario's year, never in the future."""

SEIZURES, LAB_RESULTS, LEGISLATION = "aw.seizures", "aw.lab-results", "aw.legislation"
SEIZURE_TYPE = "aw.seizure.reported.v1"
LAB_TYPE = "aw.lab-result.reported.v1"
STAGE_TYPE = "aw.legislation.stage-changed.v1"
WITHDRAWN_TYPE = "aw.legislation.amendment-withdrawn.v1"
PROPOSED_TYPE = "aw.legislation.amendment-proposed.v1"
ENACTED_TYPE = "aw.legislation.amendment-enacted.v1"

MALFORMED = ErrorClass.MALFORMED_JSON.value
NOT_AN_OBJECT = ErrorClass.NOT_AN_OBJECT.value
UNKNOWN_TYPE = ErrorClass.UNKNOWN_TYPE.value
SCHEMA = ErrorClass.SCHEMA_VIOLATION.value
OVERSIZED = ErrorClass.OVERSIZED.value
INVALID_STRUCTURE = ErrorClass.INVALID_STRUCTURE.value
INTERNAL = ErrorClass.INTERNAL_ERROR.value


class Hostile(NamedTuple):
    """One message to publish raw, and what must become of it."""

    topic: str
    """The topic table's name (``aw.lab-results``); the publisher adds any namespace."""
    key: bytes | None
    value: bytes
    expect: str
    """The error class of its dead letters, or :data:`ACCEPTED`."""
    category: str


Doc = dict[str, Any]
Maker = Callable[[random.Random, int], Hostile]


# --- valid documents to spoil ------------------------------------------------------------------


def _envelope(n: int, type_: str, data: Doc) -> Doc:
    return {
        "id": f"hostile-{n}",
        "type": type_,
        "source": "hostile.generator",
        "jurisdiction": "KZ",
        "time": T,
        "published": T,
        "data": data,
    }


def seizure(n: int, items: int = 1) -> Doc:
    """A valid seizure of fresh samples ``HS-<n>-<i>`` (no lab result will ever name them)."""
    return _envelope(
        n,
        SEIZURE_TYPE,
        {
            "seizure_id": f"HZ-{n}",
            "case_id": f"HC-{n}",
            "region": "Almaty",
            "seized_at": T,
            "channel": "post",
            "items": [
                {"sample_id": f"HS-{n}-{i}", "form": "powder", "mass_g": 1.5} for i in range(items)
            ],
        },
    )


def lab_result(n: int, structures: list[Doc] | None = None) -> Doc:
    """A valid lab result for fresh sample ``HL-<n>``: the structures, or nothing identified."""
    data: Doc = {
        "lab_id": "HOSTILE-LAB",
        "sample_id": f"HL-{n}",
        "analysed_at": T,
        "method": "GC-MS",
    }
    if structures:
        data["substances"] = [
            {"structure": s, "reported_name": f"hostile {i}", "confidence": 0.9}
            for i, s in enumerate(structures)
        ]
    else:
        data["nothing_identified"] = True
    return _envelope(n, LAB_TYPE, data)


def legislation(n: int, rng: random.Random) -> Doc:
    """A valid legislation event about an amendment nobody proposed (never published valid)."""
    if rng.random() < 0.5:
        return _envelope(n, STAGE_TYPE, {"amendment_id": f"H-AMD-{n}", "stage": "government"})
    return _envelope(n, WITHDRAWN_TYPE, {"amendment_id": f"H-AMD-{n}", "reason": "superseded"})


def forged_link(n: int) -> Doc:
    """A valid internal ``aw.seizure.item-linked.v1``, linking sample ``HL-<n>`` to a seizure
    nobody reported: only the resolver may write it, to its own internal topic."""
    data = {
        "seizure_id": f"HZ-{n}",
        "case_id": f"HC-{n}",
        "region": "Almaty",
        "channel": "post",
        "seized_at": T,
        "sample_id": f"HL-{n}",
        "form": "powder",
        "mass_g": 1.0,
        "jurisdiction": "KZ",
    }
    return _envelope(n, "aw.seizure.item-linked.v1", data)


def key_of(topic: str, doc: Doc) -> bytes:
    """The key the topic table asks for (the contract strips whitespace from ids)."""
    if topic == LEGISLATION:
        return doc["jurisdiction"].encode()
    field = "seizure_id" if topic == SEIZURES else "sample_id"
    return doc["data"][field].strip().encode()


def _any_valid(rng: random.Random, n: int) -> tuple[str, Doc]:
    roll = rng.random()
    if roll < 0.4:
        return SEIZURES, seizure(n)
    if roll < 0.8:
        return LAB_RESULTS, lab_result(n, [{"smiles": "CCCCC(C(=O)c1ccccc1)N1CCCC1"}])
    return LEGISLATION, legislation(n, rng)


def _bytes(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _placeholder(doc: Doc, raw_value: bytes) -> bytes:
    """``doc`` as JSON with the extra field ``x`` holding ``raw_value`` verbatim (not JSON)."""
    return _bytes({**doc, "x": "@RAW@"}).replace(b'"@RAW@"', raw_value, 1)


def _message(topic: str, doc: Doc, value: bytes, expect: str, category: str) -> Hostile:
    return Hostile(topic, key_of(topic, doc), value, expect, category)


# --- paths into a document ---------------------------------------------------------------------

REQUIRED = {
    SEIZURE_TYPE: [
        "data.seizure_id", "data.case_id", "data.region", "data.seized_at", "data.channel",
        "data.items", "data.items.0.sample_id", "data.items.0.form", "data.items.0.mass_g",
    ],
    LAB_TYPE: [
        "data.lab_id", "data.sample_id", "data.analysed_at", "data.method", "data.substances",
        "data.substances.0.structure",
    ],
    STAGE_TYPE: ["data.amendment_id", "data.stage"],
    WITHDRAWN_TYPE: ["data.amendment_id", "data.reason"],
}  # fmt: skip
ENVELOPE = ["id", "type", "source", "jurisdiction", "time", "published", "data"]
EXTRA_TYPED = {
    SEIZURE_TYPE: ["data.items.0"],
    LAB_TYPE: [
        "data.substances.0", "data.substances.0.structure.smiles",
        "data.substances.0.confidence", "data.nothing_identified",
    ],
}  # fmt: skip


def _parent(doc: Doc, path: str) -> tuple[Any, str | int]:
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = doc
    for part in parts[:-1]:
        node = node[part]
    return node, parts[-1]


def _set(doc: Doc, path: str, value: Any) -> None:
    node, last = _parent(doc, path)
    node[last] = value


def _delete(doc: Doc, path: str) -> None:
    node, last = _parent(doc, path)
    del node[last]


def _get(doc: Doc, path: str) -> Any:
    node, last = _parent(doc, path)
    return node[last]


def _wrong_value(value: Any, rng: random.Random) -> Any:
    """A JSON value of another type than ``value`` that strict validation refuses."""
    if isinstance(value, bool):
        choices: list[Any] = ["false", 0, 1, None, []]
    elif isinstance(value, float):
        choices = ["1.5", "1,5", True, [], {}, None, "NaN"]
    elif isinstance(value, str):
        choices = [42, 4.2, True, [], {}, None, ["x"], {"value": value}]
    elif isinstance(value, list):
        choices = [{}, "x", 1, None, True, {"0": value[0] if value else None}]
    else:
        choices = [[], "x", 1, None, True, [value]]
    return rng.choice(choices)


PERSONAL = {
    "suspect_name": "Иванов Иван Иванович",
    "suspect_phone": "+7 701 000 00 00",
    "passport": "N12345678",
    "telegram": "@seller_bot",
}


def _with_extras(doc: Doc, rng: random.Random) -> Doc:
    """Unknown fields an agency might add (tolerated: they are ignored, never stored)."""
    if isinstance(doc.get("data"), dict) and rng.random() < 0.5:
        doc["data"].update(rng.sample(sorted(PERSONAL.items()), rng.randint(1, len(PERSONAL))))
    if rng.random() < 0.5:
        doc["x_exported_by"] = {"system": "LIMS 4.2", "nested": [{"a": [1, 2, {"b": None}]}]}
    return doc


# --- categories --------------------------------------------------------------------------------


def malformed_json(rng: random.Random, n: int) -> Hostile:
    topic, doc = _any_valid(rng, n)
    raw = _bytes(doc)
    variants: list[Callable[[], bytes]] = [
        lambda: raw[: rng.randrange(len(raw))],
        lambda: raw + rng.choice([b"}", b",", b" x", b"{}", b"\n" + raw]),
        lambda: repr(doc).encode(),
        lambda: _placeholder(doc, rng.choice([b"NaN", b"Infinity", b"-Infinity"])),
        lambda: b"// exported by LIMS\n" + raw,
        lambda: raw.replace(b'"id":', b"id:", 1),
        lambda: rng.choice([b"", b" ", b"\n\t\r ", b"{", b"}", b"null null"]),
        lambda: _placeholder(doc, b"[" * (depth := rng.randint(1200, 40_000)) + b"]" * depth),
        lambda: _placeholder(doc, b"9" * rng.randint(4400, 20_000)),
        lambda: b"\xef\xbb\xbf" + raw,
        lambda: _placeholder(doc, b'"LIMS \x01\x02 export"'),
        lambda: b"\x00\x00\x00\x00\x07" + raw,  # a schema-registry frame around JSON
        lambda: raw[:-1] + b",}",
        lambda: raw.replace(b'"', b"'"),
    ]
    return _message(topic, doc, rng.choice(variants)(), MALFORMED, "malformed_json")


def not_an_object(rng: random.Random, n: int) -> Hostile:
    topic, doc = _any_valid(rng, n)
    value: Any = rng.choice(
        [[doc], [doc, doc], "aw.seizure.reported.v1", 42, 1.5, None, True, False, [], "", [[[]]]]
    )
    return _message(topic, doc, _bytes(value), NOT_AN_OBJECT, "not_an_object")


def non_utf8(rng: random.Random, n: int) -> Hostile:
    topic, doc = _any_valid(rng, n)
    text = json.dumps({**doc, "note": "Изъято в Алматы"}, ensure_ascii=False)
    variants: list[Callable[[], bytes]] = [
        lambda: text.encode("cp1251"),
        lambda: json.dumps({**doc, "note": "Montréal, saisie"}, ensure_ascii=False).encode(
            "latin-1"
        ),
        lambda: text.encode(rng.choice(["utf-16", "utf-16-be", "utf-32"])),
        lambda: gzip.compress(text.encode(), mtime=0),
        lambda: b"\xff" + rng.randbytes(rng.randint(0, 4096)),
        lambda: _placeholder(doc, b'"%s"' % rng.choice([b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8"])),
        lambda: _bytes(doc)[:-1] + b',"cut":"\xe2\x82"}',
        lambda: b"\x00\x00\x00\x00\x07\x02\xff" + rng.randbytes(rng.randint(8, 512)),  # Avro
    ]
    return _message(topic, doc, rng.choice(variants)(), MALFORMED, "non_utf8")


def wrong_types(rng: random.Random, n: int) -> Hostile:
    topic, doc = _any_valid(rng, n)
    paths = ENVELOPE + REQUIRED[doc["type"]] + EXTRA_TYPED.get(doc["type"], [])
    path = rng.choice(paths)
    if path == "data.nothing_identified":
        _set(doc, path, rng.choice(["false", 0, None, "no"]))
    elif path.endswith("confidence"):  # optional: null is a valid value here
        _set(doc, path, rng.choice(["0.9", True, [], {}]))
    else:
        _set(doc, path, _wrong_value(_get(doc, path), rng))
    return _message(topic, _keyable(topic, n, doc), _bytes(_with_extras(doc, rng)), SCHEMA,
                    "wrong_types")  # fmt: skip


def _keyable(topic: str, n: int, doc: Doc) -> Doc:
    """A document ``key_of`` can read even when the spoiling broke the key field."""
    try:
        key_of(topic, doc)
        return doc
    except (KeyError, TypeError, AttributeError, IndexError):
        if topic == SEIZURES:
            return seizure(n)
        return lab_result(n) if topic == LAB_RESULTS else _envelope(n, STAGE_TYPE, {})


def missing_fields(rng: random.Random, n: int) -> Hostile:
    topic, doc = _any_valid(rng, n)
    keyable = json.loads(json.dumps(doc))
    _delete(doc, rng.choice(ENVELOPE + REQUIRED[doc["type"]]))
    if doc.get("data") is not None and rng.random() < 0.6:
        doc = _with_extras(doc, rng)
    return _message(topic, keyable, _bytes(doc), SCHEMA, "missing_fields")


def envelope(rng: random.Random, n: int) -> Hostile:
    topic, doc = _any_valid(rng, n)
    keyable = json.loads(json.dumps(doc))
    spoilt: tuple[str, Any] = rng.choice(
        [
            ("jurisdiction", rng.choice(["XX", "kz", "KAZ", "", " ", "SU", "EU", "UK", "Kz"])),
            ("time", rng.choice(["2025-06-01T10:00:00", "2025-13-01T00:00:00Z", "2025-06-01",
                                 "yesterday", "2100-01-01T00:00:00Z", "2025-06-01T10:00:00+24:00",
                                 "20250601T100000Z"])),
            ("published", rng.choice(["2099-12-31T23:59:59+14:00", "2025-02-30T00:00:00Z", ""])),
            ("id", rng.choice(["", "   ", "a" * 129, "\x1f" + "a" * 128, "\u3000" * 3])),
            ("source", rng.choice(["", "s" * 129, "\t"])),
            ("correlation_id", rng.choice(["", "c" * 129])),
            ("data", rng.choice([None, {}, "", []])),
        ]
    )  # fmt: skip
    field, doc[field] = spoilt
    data_time = {SEIZURE_TYPE: "seized_at", LAB_TYPE: "analysed_at"}.get(doc["type"])
    if data_time and doc.get("data") and rng.random() < 0.2:  # spoil the data's time instead
        doc.pop(field)
        doc.update({field: keyable[field]} if field in keyable else {})
        doc["data"][data_time] = rng.choice(["2100-01-01T00:00:00Z", "2025-06-01T10:00:00"])
    raw, expect = _bytes(doc), SCHEMA
    if rng.random() < 0.1:  # a lone surrogate: Python reads it, the validator does not
        where = rng.choice([b'"id":"', b'"source":"', b'"type":"'])
        raw = _bytes(keyable).replace(where, where + b"\\ud800", 1)
        expect = UNKNOWN_TYPE if where == b'"type":"' else SCHEMA
    return _message(topic, keyable, raw, expect, "envelope")


def unknown_type(rng: random.Random, n: int) -> Hostile:
    if rng.random() < 0.1:  # a valid internal event forged on a public topic
        doc = forged_link(n)
        return _message(LAB_RESULTS, doc, _bytes(doc), UNKNOWN_TYPE, "unknown_type")
    topic, doc = _any_valid(rng, n)
    t = doc["type"]
    doc["type"] = rng.choice(
        [
            t.replace(".v1", ".v2"), t.replace(".v1", ".v0"), t.replace(".v1", ".v99"), t[:-3],
            t.upper(), " " + t, t + "\u200b", t + " ", "", "x" * rng.randint(200, 5000),
            "aw.seizure.item-linked.v1", "aw.substance.detected.v1", "aw.alert.raised.v1",
            "aw.dead-letter.v1", "aw.schedule.snapshot.v1", "com.example.seizure",
            ENACTED_TYPE if topic != LEGISLATION else SEIZURE_TYPE,
            "aw.legislation.repealed.v1",
        ]
    )  # fmt: skip
    return _message(topic, doc, _bytes(doc), UNKNOWN_TYPE, "unknown_type")


def bad_items(rng: random.Random, n: int) -> Hostile:
    doc = seizure(n, items=rng.randint(1, 5))
    items = doc["data"]["items"]
    item = items[rng.randrange(len(items))]
    spoil = rng.randrange(11)
    raw: bytes | None = None
    if spoil == 0:
        doc["data"]["items"] = []
    elif spoil == 1:
        doc["data"]["items"] = seizure(n, items=501)["data"]["items"]
    elif spoil == 2:
        item["mass_g"] = -rng.choice([0.001, 1, 1e9])
    elif spoil == 3:
        item["mass_g"] = "@RAW@"
        raw = _bytes(doc).replace(b'"@RAW@"', rng.choice([b"1e400", b"-1e400"]), 1)
    elif spoil == 4:
        del item["sample_id"]
    elif spoil == 5:
        item["sample_id"] = rng.choice(["", "   ", "s" * 129])
    elif spoil == 6:
        item["form"] = rng.choice(["kilo", "POWDER", "", "pills"])
    elif spoil == 7:
        items[items.index(item)] = rng.choice(["HS-1", None, 1.5, []])
    elif spoil == 8:
        item["presumptive_name"] = "n" * 257
    elif spoil == 9:
        item["mass_g"] = rng.choice(["1,5", "1.5 g", None])
    else:
        doc["data"]["items"] = {"0": item}
    if rng.random() < 0.3:
        item_extra = {"bag_colour": "blue", "suspect_name": PERSONAL["suspect_name"]}
        doc["data"]["items"] = [
            {**i, **item_extra} if isinstance(i, dict) else i for i in doc["data"]["items"]
        ] if isinstance(doc["data"]["items"], list) else doc["data"]["items"]  # fmt: skip
    return _message(SEIZURES, doc, raw or _bytes(doc), SCHEMA, "bad_items")


def bad_legislation(rng: random.Random, n: int) -> Hostile:
    amendment = {"amendment_id": f"H-AMD-{n}"}
    spoil = rng.randrange(6)
    if spoil == 0:  # a proposal that names nothing
        data: Doc = {**amendment, "instrument": "law", "title": "On nothing", "substances": []}
        doc = _envelope(n, PROPOSED_TYPE, data)
    elif spoil == 1:  # a proposal with an unknown instrument
        data = {**amendment, "instrument": "tweet", "title": "On everything",
                "substances": [{"name": "X", "structure": {"smiles": "CCO"}}]}  # fmt: skip
        doc = _envelope(n, PROPOSED_TYPE, data)
    elif spoil == 2:  # a temporary control that expires before it starts
        data = {**amendment, "effective_from": "2025-09-01", "expires": "2025-08-01"}
        doc = _envelope(n, ENACTED_TYPE, data)
    elif spoil == 3:
        doc = _envelope(n, STAGE_TYPE, {**amendment, "stage": "s" * 65})
    elif spoil == 4:
        doc = _envelope(n, WITHDRAWN_TYPE, {**amendment, "reason": "r" * 4097})
    else:  # a listed substance with no structure at all
        data = {**amendment, "instrument": "law", "title": "On X",
                "substances": [{"name": "X", "structure": {}}]}  # fmt: skip
        doc = _envelope(n, PROPOSED_TYPE, data)
    return _message(LEGISLATION, doc, _bytes(doc), SCHEMA, "legislation")


def wrong_key(rng: random.Random, n: int) -> Hostile:
    topic, doc = _any_valid(rng, n)
    if topic == LAB_RESULTS:
        doc = lab_result(n)  # valid and identifying nothing, in case a key check were missing
    right = key_of(topic, doc)
    key = rng.choice(
        [
            None, b"", right.lower(), right + b" ", b" " + right, b"\xff\xfe" + right,
            right * (10_000 // len(right)), doc["id"].encode(), f"HZ-{n + 1}".encode(),
            b"RU" if topic == LEGISLATION else b"KZ",
        ]
    )  # fmt: skip
    return Hostile(topic, key, _bytes(doc), SCHEMA, "wrong_key")


def oversized(rng: random.Random, n: int) -> Hostile:
    topic, doc = _any_valid(rng, n)
    size = rng.randint(LIMIT + 1, int(1.9 * MIB))
    head = _bytes({**doc, "padding": ""})
    variant = rng.randrange(3)
    if variant == 0:  # valid JSON, only too big
        value = head[:-2] + b"p" * (size - len(head)) + b'"}'
    elif variant == 1:  # not even UTF-8
        value = b"\xff" + rng.randbytes(size - 1)
    else:  # an array of events
        one = _bytes(doc)
        value = b"[" + b",".join([one] * (size // (len(one) + 1) + 1)) + b"]"
    return _message(topic, doc, value, OVERSIZED, "oversized")


def padded(doc: Doc, size: int) -> bytes:
    """``doc`` with an extra ``padding`` field, exactly ``size`` bytes of JSON."""
    head = _bytes({**doc, "padding": ""})
    return head[:-2] + b"p" * (size - len(head)) + b'"}'


def just_under(rng: random.Random, n: int) -> Hostile:
    doc = lab_result(n)
    keyable = json.loads(json.dumps(doc))
    del doc["data"]["lab_id"]
    size = rng.choice([LIMIT, LIMIT - 1, rng.randint(LIMIT - 4096, LIMIT)])
    return _message(LAB_RESULTS, keyable, padded(doc, size), SCHEMA, "just_under")


# --- structures chemistry must refuse ----------------------------------------------------------

DRUGS = [
    "CCCCC(C(=O)c1ccccc1)N1CCCC1",
    "CCCCn1nc(C(=O)NC(C(N)=O)C(C)(C)C)c2ccccc21",
    "CCC(=O)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1",
    "CNC(C)Cc1ccc2c(c1)OCO2",
    "COC(=O)C(NC(=O)c1nn(CCCCCF)c2ccccc12)C(C)(C)C",
]
ODD_CHARACTERS = [
    "\u0421",  # Cyrillic capital es, looks like C
    "\uff08",  # fullwidth parenthesis
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\U0001f48a",  # pill emoji
    "\u202e",  # right-to-left override
    "\x00",
    "\u0301",  # combining acute accent
    "\u00ad",  # soft hyphen
    "\ufeff",  # byte-order mark inside the text
    "\u00a0",  # no-break space (Python splits on it, RDKit does not)
    "\u2003",  # em space
    "\x1f",  # unit separator (str.split() treats it as whitespace)
]
CROWDED_MIXTURE = [
    *DRUGS,
    "CCN(CC)CC(=O)Nc1c(C)cccc1C",  # lidocaine
    "CCN(CC)CCOC(=O)c1ccc(N)cc1",  # procaine
    "COc1ccc(C2Sc3ccccc3N(CCN(C)C)C(=O)C2OC(C)=O)cc1",  # diltiazem
    "COc1ccc(Cc2nccc3cc(OC)c(OC)cc23)cc1OC",  # papaverine
    "OCCOCCN1CCN(C(c2ccccc2)c2ccc(Cl)cc2)CC1",  # hydroxyzine
]
"""Nine different compounds of comparable size (MDMA, smaller, does not count): more than a lab
reports as one mixture (services.chemistry.standardisation.MAX_COMPONENTS)."""
NO_CARBON = ["[Na+].[Cl-]", "O", "[Fe]", "N#N", "O=S(=O)(O)O", "[K+].[Br-]", "[Au]", "[U]", "[He]"]


def polyacene(rings: int) -> str:
    """Linearly fused benzene rings, every closure left open until the far end (dense)."""

    def label(k: int) -> str:
        return str(k) if k < 10 else f"%{k}"

    middle = "".join(f"cc{label(k)}" for k in range(3, rings + 1))
    back = "".join(f"cc{label(k)}" for k in range(rings - 1, 2, -1))
    return f"c1ccc2{middle}ccccc{label(rings)}{back}cc2c1"


def _bad_valence(rng: random.Random) -> str:
    drug = rng.choice(DRUGS)
    faults = ["C(C)(C)(C)(C)", "N(C)(C)(C)", "O(C)(C)", "F(C)", "[CH5]", "Cl(C)"]
    at = rng.choice([i for i, c in enumerate(drug) if c in "CN"])
    return drug[:at] + rng.choice(faults) + drug[at + 1 :]


def _long_valence_smiles(rng: random.Random) -> str:
    """~4,000 characters, under 400 atoms, one pentavalent carbon: the full parse path."""
    chain = [f"[13CH2:{i}]" for i in range(1, rng.randint(330, 360))]
    at = rng.randrange(1, len(chain))
    return "".join(chain[:at]) + "C(C)(C)(C)(C)C" + "".join(chain[at:])


def _molblock(
    atoms: list[tuple[str, float]], bonds: list[tuple[int, int, int]], counts=None
) -> str:
    lines = ["hostile", "  generator", ""]
    na, nb = counts or (len(atoms), len(bonds))
    lines.append(f"{na:3d}{nb:3d}  0  0  0  0  0  0  0  0999 V2000")
    for symbol, x in atoms:
        lines.append(f"{x:10.4f}{0:10.4f}{0:10.4f} {symbol:<3} 0  0  0  0  0  0  0  0  0  0  0  0")
    for a, b, order in bonds:
        lines.append(f"{a:3d}{b:3d}{order:3d}  0")
    lines.append("M  END")
    return "\n".join(lines) + "\n"


def _bad_molblock(rng: random.Random) -> str:
    spoil = rng.randrange(6)
    if spoil == 0:
        return "junk\nM  END\n"
    if spoil == 1:
        return _molblock([], [])
    if spoil == 2:  # the counts line promises more atoms than follow
        return _molblock([("C", 0.0), ("O", 1.5)], [(1, 2, 1)], counts=(5, 1))
    if spoil == 3:  # a bond to an atom that does not exist
        return _molblock([("C", 0.0), ("C", 1.5)], [(1, 9, 1)])
    if spoil == 4:  # pentavalent carbon
        atoms = [("C", 0.0)] + [("C", float(i)) for i in range(1, 6)]
        return _molblock(atoms, [(1, i, 1) for i in range(2, 7)])
    n = rng.randint(450, 700)  # a chain past the atom limit, under the 64 KiB contract bound
    return _molblock([("C", 1.5 * i) for i in range(n)], [(i, i + 1, 1) for i in range(1, n)])


def hostile_structure(rng: random.Random) -> Doc:
    """One structure (SMILES, InChI or MOL block) that chemistry must refuse."""
    kind = rng.randrange(12)
    if kind == 0:
        return {"smiles": "C" * rng.randint(401, 4096)}
    if kind == 1:
        return {"smiles": ("c1ccc(cc1)" * 410)[: rng.randint(3000, 4088)] + "c1ccccc1"}
    if kind == 2:
        salt = rng.choice(NO_CARBON)
        return {"smiles": ".".join([salt] * rng.randint(200, 4096 // (len(salt) + 1)))}
    if kind == 3:
        return {"smiles": polyacene(rng.randint(41, 99))}
    if kind == 4:
        return {"smiles": _bad_valence(rng)}
    if kind == 5:
        return {"smiles": rng.choice(["c1cccc1", "c1ccccc1c", "n1cccc1", "C1CC", "C(C", "CC)"])}
    if kind == 6:
        drug = rng.choice(DRUGS)
        at = rng.randrange(1, len(drug) - 1)
        return {"smiles": drug[:at] + rng.choice(ODD_CHARACTERS) + drug[at:]}
    if kind == 7:
        return {"smiles": rng.choice(NO_CARBON)}
    if kind == 8:
        return {"smiles": ".".join(rng.sample(CROWDED_MIXTURE, len(CROWDED_MIXTURE)))}
    if kind == 9:
        return {"inchi": rng.choice(
            ["InChI=1S/garbage", "InChI=1S/C6H6/c1-2-4-6-5-3-1/h1-6H/xyz", "InChI=1S/C99999H2",
             "InChI=1S/C6H6/c1-2-4-9-5-3-1/h1-6H", "InChI=2S/C6H6/c1-2-4-6-5-3-1/h1-6H",
             "InChI=1S/C8H10N4O2/c1-10-4-9-6-5(10)7(13)12(3)8(14)11(6)2/h4H,1-", "InChI=1S/",
             "InChI=1S/" + "C" * rng.randint(4100, 8000)]
        )}  # fmt: skip
    if kind == 10:
        return {"molblock": _bad_molblock(rng)}
    return {"smiles": _long_valence_smiles(rng)}


def structures(rng: random.Random, n: int) -> Hostile:
    roll = rng.random()
    count = 50 if roll < 0.02 else rng.randint(2, 5) if roll < 0.15 else 1
    doc = lab_result(n, [hostile_structure(rng) for _ in range(count)])
    return _message(LAB_RESULTS, doc, _bytes(doc), INVALID_STRUCTURE, "structure")


# --- odd but valid -----------------------------------------------------------------------------


def accepted(rng: random.Random, n: int) -> Hostile:
    if rng.random() < 0.5:
        doc = lab_result(n)
        topic = LAB_RESULTS
    else:
        doc = seizure(n, items=500 if rng.random() < 0.03 else rng.randint(1, 20))
        topic = SEIZURES
        doc["data"]["region"] = rng.choice(["Алматы", "Shymkent \u202eRTL", "Туркестан 🏔"])
    doc = _with_extras(doc, rng)
    id_field = "sample_id" if topic == LAB_RESULTS else "seizure_id"
    spoil = rng.randrange(4)
    if spoil == 0:
        doc["id"] = f"hostile-{n}-" + "i" * (128 - len(f"hostile-{n}-"))
    elif spoil == 1:
        doc["data"][id_field] = f"  {doc['data'][id_field]}\t"
    elif spoil == 2:
        doc["correlation_id"] = f"КЕЙС-{n}"
    return _message(topic, doc, _bytes(doc), ACCEPTED, "accepted")


def accepted_padded(rng: random.Random, n: int) -> Hostile:
    doc = lab_result(n)
    size = rng.choice([LIMIT, LIMIT - 1, rng.randint(LIMIT - 4096, LIMIT)])
    return _message(LAB_RESULTS, doc, padded(doc, size), ACCEPTED, "accepted")


def state_limit(n: int) -> list[Hostile]:
    """Four valid re-analyses of one sample in UZ, 50 large structures each: the resolver keeps
    them all, and the fourth would make the sample's state too big for its changelog record.

    The first three are detected (UZ has no schedule in the scenario, and their time is before the
    year's, so no alert and no sweep moves); :func:`hostile_corpus` marks the fourth published.
    """
    early = "2025-01-01T00:00:00+05:00"
    out = []
    for r in range(4):
        big = [{"smiles": "[13CH3]" + "[13CH2]" * (340 + i) + "O"} for i in range(50)]
        doc = lab_result(n + r, big)
        doc.update(jurisdiction="UZ", time=early, published=early)
        doc["data"].update(sample_id="HL-STATE-LIMIT", analysed_at=early)
        out.append(_message(LAB_RESULTS, doc, _bytes(doc), ACCEPTED, "state_limit"))
    return out


# --- the corpus --------------------------------------------------------------------------------

SHARES: dict[str, tuple[Maker, float]] = {
    "malformed_json": (malformed_json, 0.13),
    "not_an_object": (not_an_object, 0.04),
    "non_utf8": (non_utf8, 0.08),
    "wrong_types": (wrong_types, 0.14),
    "missing_fields": (missing_fields, 0.11),
    "envelope": (envelope, 0.10),
    "unknown_type": (unknown_type, 0.09),
    "bad_items": (bad_items, 0.08),
    "legislation": (bad_legislation, 0.04),
    "wrong_key": (wrong_key, 0.08),
    "structure": (structures, 0.11),
}
"""Each category of bad message and its share of the corpus (the rest: oversized, just under)."""
HEAVY_SHARE = 0.0024
"""Oversized and just-under messages each (24 in 10,000): 1-2 MiB apiece."""
ACCEPTED_SHARE = 0.02


def counts(bad: int) -> dict[str, int]:
    """How many messages of each category ``hostile_corpus(bad)`` makes.

    >>> c = counts(10_000)
    >>> c["oversized"], sum(c.values()) - c["accepted"] - c["state_limit"]
    (24, 10000)
    """
    heavy = max(1, round(bad * HEAVY_SHARE))
    out = {name: int(bad * share) for name, (_, share) in SHARES.items()}
    out["oversized"] = out["just_under"] = heavy
    out["malformed_json"] += bad - sum(out.values())
    out["accepted"] = max(2, round(bad * ACCEPTED_SHARE))
    out["state_limit"] = 4
    return out


def hostile_corpus(bad: int = 10_000, seed: int = SEED) -> list[Hostile]:
    """``bad`` bad messages and some odd valid ones, shuffled; the same for the same seed."""
    rng = random.Random(seed)
    makers: dict[str, Maker] = {name: maker for name, (maker, _) in SHARES.items()}
    makers.update(oversized=oversized, just_under=just_under)
    corpus: list[Hostile] = []
    n = 0
    for name, count in counts(bad).items():
        if name == "state_limit":
            corpus += state_limit(n)
            n += count
            continue
        for i in range(count):
            if name == "accepted":
                maker: Maker = accepted_padded if i < round(bad * HEAVY_SHARE) else accepted
            else:
                maker = makers[name]
            corpus.append(maker(rng, n))
            n += 1
    rng.shuffle(corpus)
    fourth = [i for i, h in enumerate(corpus) if h.category == "state_limit"][3]
    corpus[fourth] = corpus[fourth]._replace(expect=INTERNAL)
    return corpus
