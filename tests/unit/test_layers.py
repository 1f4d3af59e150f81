"""Layers point down: a module imports only from its own layer or the ones below it.

The table is the one in ``docs/architecture.md`` ("Layers"). The imports are read from the source
(``ast``), every ``import`` and ``from … import`` anywhere in a module, inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LAYERS: tuple[tuple[str, ...], ...] = (
    ("contracts",),
    ("services.chemistry",),
    ("services.domain",),
    ("services.platform", "services.helptext"),
    (
        "services.schedule_registry",
        "services.substance_resolver",
        "services.analogue_monitor",
        "services.alert_board",
        "services.partner_notifier",
    ),
    ("services.tools", "services.scenario", "services.cli"),
)
"""Bottom first. ``services`` itself (its ``__init__``) is in no layer and imports nothing."""
SERVICES = 4


def layer_of(module: str) -> int | None:
    """The layer a module belongs to: that of the longest prefix in :data:`LAYERS`.

    >>> layer_of("services.domain.judging"), layer_of("contracts"), layer_of("services.cli")
    (2, 0, 5)
    >>> layer_of("pydantic") is None
    True
    """
    for number, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return number
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, package: str) -> set[str]:
    """The modules ``source`` imports, absolute (relative imports resolved against ``package``).

    >>> sorted(imported("import a.b\\nfrom c import d\\nfrom . import e\\nfrom .f import g", "p.q"))
    ['a.b', 'c', 'c.d', 'p.q', 'p.q.e', 'p.q.f', 'p.q.f.g']
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules() -> list[Path]:
    return sorted([*ROOT.glob("contracts/**/*.py"), *ROOT.glob("services/**/*.py")])


def upward_imports(name: str, source: str, *, is_package: bool = False) -> list[str]:
    """What module ``name`` (with ``source``) imports from a layer above its own."""
    own = layer_of(name)
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for target in sorted(imported(source, package)):
        theirs = layer_of(target)
        if own is not None and theirs is not None and theirs > own:
            found.append(f"{name} (layer {own}) imports {target} (layer {theirs})")
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_from_a_layer_above_its_own(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    is_package = path.name == "__init__.py"
    assert upward_imports(module_name(path), source, is_package=is_package) == []


def test_every_module_has_a_layer() -> None:
    unplaced = [module_name(p) for p in modules() if layer_of(module_name(p)) is None]
    assert unplaced == ["services"]


def test_an_upward_import_is_found_even_inside_a_function() -> None:
    source = "import datetime\n\ndef f():\n    from ..analogue_monitor import handlers\n"
    assert upward_imports("services.domain.replay", source) == [
        "services.domain.replay (layer 2) imports services.analogue_monitor (layer 4)",
        "services.domain.replay (layer 2) imports services.analogue_monitor.handlers (layer 4)",
    ]
    assert upward_imports("services.tools.replay", source.replace("..", "services.")) == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_service_imports_another(path: Path) -> None:
    name = module_name(path)
    if layer_of(name) != SERVICES:
        return
    own = ".".join(name.split(".")[:2])
    others = {
        target
        for target in imported(path.read_text(encoding="utf-8"), name.rpartition(".")[0])
        if layer_of(target) == SERVICES and not target.startswith(own)
    }
    assert others == set()
