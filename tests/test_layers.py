"""The package's layers: every import goes down the stack ARCHITECTURE.md draws, never up.

Imports are read from the source (``ast``), including those under ``TYPE_CHECKING`` and inside
functions, so a lazy import cannot hide an upward dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parent.parent / "sim"

#: Lowest first: a module may import from its own layer and the layers before it.
LAYERS = (
    "version",
    "core",
    "names",
    "scenario",
    "model",
    "experiments",
    "analysis",
    "outputs",
    "validation",
    "api",
    "cli",
)


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "sim" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else "__main__" if parts[1] == "__main__" else parts[1]


def _module_name(path: Path) -> str:
    relative = path.relative_to(SIM.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name == "sim" or name.startswith("sim.")]


MODULES = sorted(p for p in SIM.rglob("*.py") if p.parent != SIM or p.name not in ("__init__.py",))


def test_every_module_belongs_to_a_layer() -> None:
    strays = [
        _module_name(p)
        for p in MODULES
        if _layer(_module_name(p)) not in (*LAYERS, "__main__") and _module_name(p) != "sim"
    ]
    assert not strays, f"modules outside the layers of ARCHITECTURE.md: {strays}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SIM.parent)))
def test_imports_only_go_down(path: Path) -> None:
    here = _layer(_module_name(path))
    if here in (None, "__main__"):
        return
    rank = LAYERS.index(here)
    upward = []
    for line, name in _imports(path):
        there = _layer(name)
        if name == "sim":
            upward.append(f"line {line}: imports the package root (import the module instead)")
        elif there in LAYERS and LAYERS.index(there) > rank:
            upward.append(f"line {line}: {name} ({there} is above {here})")
    assert not upward, f"{path.relative_to(SIM.parent)} imports upwards: {upward}"


def _graph() -> dict[str, set[str]]:
    """Module -> the sim modules it imports (packages resolved to their ``__init__``)."""
    names = {_module_name(p) for p in MODULES}
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        here = _module_name(path)
        targets = set()
        for _, name in _imports(path):
            while name and name not in names:  # "from sim.x import y": y may be a name in sim.x
                name = name.rpartition(".")[0]
            if name and name != here and name != "sim":
                targets.add(name)
        graph[here] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_type_checking_ones_included() -> None:
    cycles = _cycles(_graph())
    assert not cycles, f"import cycles: {cycles}"


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
