"""Generate the published artifacts from the models and the topic table.

``python -m contracts.publish`` writes ``contracts/schemas/<type>.json`` (one JSON Schema per event
type) and ``contracts/asyncapi.yaml`` (AsyncAPI 3.0: every topic, its key, who sends and receives
what). ``python -m contracts.publish --check`` only compares and exits 1 on drift. The drift tests
call :func:`artifacts` and compare with the committed files.

>>> files = artifacts()
>>> "schemas/aw.seizure.reported.v1.json" in files and "asyncapi.yaml" in files
True
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from contracts.envelope import Envelope, IncomingEvent
from contracts.events import EVENT_MODELS
from contracts.topics import PROGRESS, PROGRESS_KEY, TOPICS, Topic, topic_for_type

CONTRACTS_DIR = Path(__file__).resolve().parent
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING_VERSION = "0.5.0"
API_VERSION = "1.0.0"


def event_schema(model: type[Envelope]) -> dict[str, Any]:
    """The JSON Schema of one event type, as published.

    >>> from contracts.seizure import SeizureReported
    >>> event_schema(SeizureReported)["required"][:2]
    ['type', 'id']
    """
    return {"$schema": SCHEMA_DIALECT, **model.model_json_schema(mode="validation")}


def _slug(actor: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", actor).strip("_")


def _first_line(model: type) -> str:
    return (model.__doc__ or "").strip().splitlines()[0]


def _channel(topic: Topic) -> dict[str, Any]:
    return {
        "address": topic.name,
        "title": topic.name,
        "description": f"{topic.description} Key: {topic.key}.",
        "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in topic.value_types},
        "bindings": {
            "kafka": {
                "topic": topic.name,
                "partitions": topic.partitions,
                "topicConfiguration": {
                    "cleanup.policy": [topic.cleanup_policy],
                    "retention.ms": topic.retention_ms,
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _operations(topic: Topic) -> dict[str, Any]:
    messages = [{"$ref": f"#/channels/{topic.name}/messages/{t}"} for t in topic.value_types]
    operations = {}
    for action, actors in (("send", topic.producers), ("receive", topic.consumers)):
        for actor in actors:
            operations[f"{_slug(actor)}.{action}.{topic.name}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{topic.name}"},
                "summary": f"{'Sent' if action == 'send' else 'Received'} by {actor}",
                "messages": messages,
            }
    return operations


def _message(type_: str) -> dict[str, Any]:
    model = EVENT_MODELS[type_]
    key = PROGRESS_KEY if type_ == PROGRESS else topic_for_type(type_).key
    tolerant = issubclass(model, IncomingEvent)
    return {
        "name": model.__name__,
        "title": type_,
        "summary": _first_line(model),
        "description": (
            "Incoming: unknown fields are ignored."
            if tolerant
            else "Published by Analogue Watch: unknown fields are rejected."
        ),
        "contentType": "application/json",
        "payload": {"$ref": f"schemas/{type_}.json"},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": key},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document of every topic in :data:`contracts.topics.TOPICS`."""
    operations: dict[str, Any] = {}
    for topic in TOPICS:
        operations.update(_operations(topic))
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "Analogue Watch events",
            "version": API_VERSION,
            "description": (
                "Early warning for new psychoactive substances. Agencies publish seizures, lab "
                "results and legislation; Analogue Watch publishes alerts and dead letters. "
                "Every message is a JSON event envelope (id, type, source, jurisdiction, time, "
                "published, correlation_id, data); see contracts/GUIDE.md."
            ),
        },
        "defaultContentType": "application/json",
        "channels": {topic.name: _channel(topic) for topic in TOPICS},
        "operations": operations,
        "components": {"messages": {t: _message(t) for t in EVENT_MODELS}},
    }


# A small deterministic YAML emitter, so generating needs no YAML library at runtime.
_PLAIN = re.compile(r"[$A-Za-z_][A-Za-z0-9_ .\-/]*")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    plain = _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _RESERVED
    return text if plain else json.dumps(text, ensure_ascii=False)


def _yaml_lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{_scalar(key)}:")
                lines.extend(_yaml_lines(item, indent + 2))
            else:
                empty = "{}" if isinstance(item, dict) else "[]"
                shown = empty if isinstance(item, dict | list) else _scalar(item)
                lines.append(f"{pad}{_scalar(key)}: {shown}")
    else:
        for item in value:
            if isinstance(item, dict | list) and item:
                nested = _yaml_lines(item, indent + 2)
                nested[0] = f"{pad}- {nested[0].lstrip()}"
                lines.extend(nested)
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    return lines


def to_yaml(document: dict[str, Any]) -> str:
    """``document`` as block-style YAML.

    >>> print(to_yaml({"a": {"b": [1, {"c": "x y", "$ref": "#/d"}]}}), end="")
    a:
      b:
        - 1
        - c: x y
          $ref: "#/d"
    """
    return "\n".join(_yaml_lines(document, 0)) + "\n"


def artifacts() -> dict[str, str]:
    """Every generated file, by path relative to ``contracts/``, with its text."""
    files = {
        f"schemas/{type_}.json": json.dumps(event_schema(model), indent=2, ensure_ascii=False)
        + "\n"
        for type_, model in EVENT_MODELS.items()
    }
    files["asyncapi.yaml"] = (
        "# Generated by `python -m contracts.publish` from contracts/topics.py and the models.\n"
        "# Do not edit by hand: a test fails when this file drifts from the code.\n"
        + to_yaml(asyncapi_document())
    )
    return files


def drift(root: Path = CONTRACTS_DIR) -> list[str]:
    """Paths (relative to ``root``) that are missing, stale or no longer generated."""
    expected = artifacts()
    stale = [
        path
        for path, text in expected.items()
        if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text
    ]
    extra = [
        f"schemas/{p.name}"
        for p in sorted((root / "schemas").glob("*.json"))
        if f"schemas/{p.name}" not in expected
    ]
    return sorted(stale + extra)


def write(root: Path = CONTRACTS_DIR) -> list[str]:
    """Write every artifact under ``root``, remove schemas of types that no longer exist."""
    expected = artifacts()
    (root / "schemas").mkdir(exist_ok=True)
    for path in drift(root):
        target = root / path
        if path in expected:
            target.write_text(expected[path], encoding="utf-8")
        else:
            target.unlink()
    return sorted(expected)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--check"]:
        stale = drift()
        for path in stale:
            print(f"drifted: contracts/{path}", file=sys.stderr)
        return 1 if stale else 0
    if args:
        print("usage: python -m contracts.publish [--check]", file=sys.stderr)
        return 2
    changed = drift()
    write()
    print(f"contracts: {len(artifacts())} artifacts, {len(changed)} changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
