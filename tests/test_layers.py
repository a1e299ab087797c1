"""Imports go one way: the layers of docs/architecture.md, and no import cycle between files.

Every ``import`` in the package counts, at module level or inside a function (a lazy import is
still a dependency) and under ``TYPE_CHECKING``. Read with the standard library's ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "itss_graph"

# Lowest first. A module may import its own package and any package of a lower rank; packages
# of the same rank are peers and never import each other. Modules directly in itss_graph/ are
# the foundation; itss_graph/__init__.py (the public API, lazy) may name anything.
LAYERS: dict[str, int] = {
    "foundation": 0,
    "stores": 1,
    "loading": 2, "engine": 2, "knowledge": 2,
    "answers": 3,
    "render": 4,
    "cli": 5, "serve": 5,
}

# Imports against the direction that are being removed in work under way (each names where);
# this list only ever shrinks.
PENDING: set[tuple[str, str]] = set()
PENDING_CYCLES: list[set[str]] = []


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        for target in targets:
            while target not in modules and "." in target:
                target = target.rpartition(".")[0]
            if target in modules and target != name and target.startswith("itss_graph"):
                found.add(target)
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) == 1:
        return None  # itss_graph/__init__.py: the public API
    if len(parts) == 2 and (PACKAGE / f"{parts[1]}.py").exists():
        return "foundation"
    return parts[1]


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_every_package_has_a_layer():
    unknown = {_layer(m) for m in _graph()} - set(LAYERS) - {None}
    assert not unknown, f"packages without a layer in LAYERS: {sorted(unknown)}"


def test_imports_go_down_the_layers():
    against = []
    for module, targets in _graph().items():
        here = _layer(module)
        if here is None:
            continue
        for target in targets:
            there = _layer(target)
            if there is None:
                if LAYERS[here] < LAYERS["cli"]:  # only the shims call the public API
                    against.append(f"{module} imports the public API module {target}")
            elif there != here and LAYERS[there] >= LAYERS[here] and (module, target) not in PENDING:
                against.append(f"{module} ({here}) imports {target} ({there})")
    assert not against, "imports against the layers:\n" + "\n".join(sorted(against))


def test_no_import_cycle_between_files():
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    unexpected = [sorted(c) for c in cycles if c not in PENDING_CYCLES]
    assert not unexpected, "import cycles between files:\n" + "\n".join(map(str, unexpected))


# What a command module may import besides the public API (``itss_graph``): presentation
# (render), errors, and the other command modules. Computing is a library function.
SHIM_MAY_IMPORT = ("itss_graph.render", "itss_graph.errors", "itss_graph.cli", "itss_graph.serve",
                   "itss_graph.version", "itss_graph.i18n")  # i18n: the message catalogue
# command modules still calling deeper than the public API, each being moved in work under way
SHIM_PENDING: set[str] = set()


def test_commands_are_shims_over_the_public_api():
    deeper = []
    for module, targets in _graph().items():
        if _layer(module) not in ("cli", "serve") or module in SHIM_PENDING:
            continue
        for target in targets:
            if target != "itss_graph" and not target.startswith(SHIM_MAY_IMPORT):
                deeper.append(f"{module} imports {target}")
    assert not deeper, "commands must call the public API (itss_graph):\n" + "\n".join(sorted(deeper))


def test_the_checker_sees_lazy_and_relative_imports(tmp_path):
    modules = {"itss_graph.a": tmp_path / "a.py", "itss_graph.b": tmp_path / "b.py"}
    modules["itss_graph.a"].write_text("def f():\n    from . import b\n", encoding="utf-8")
    modules["itss_graph.b"].write_text("", encoding="utf-8")
    assert _imports("itss_graph.a", modules["itss_graph.a"], modules) == {"itss_graph.b"}


def test_pending_exceptions_are_still_needed():
    graph = _graph()
    stale = [edge for edge in PENDING if edge[1] not in graph.get(edge[0], set())]
    assert not stale, f"PENDING lists imports that are gone (remove them): {stale}"
    gone = [c for c in PENDING_CYCLES if not all(graph.get(m, set()) & c for m in c)]
    assert not gone, f"PENDING_CYCLES lists cycles that are gone (remove them): {gone}"



def test_every_module_is_named_in_the_architecture_document():
    # docs/architecture.md's module table is the map a new engineer reads first: a module it
    # does not name is one nobody will find. A row names modules by path (`engine/spof.py`),
    # then by file name in the same directory (`root_cause.py`), or a pattern (`cli/*`,
    # `render/report*.py`, `loading/netbox/`).
    import fnmatch
    import re

    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    named: set[str] = set()
    for row in text.splitlines():
        if not row.startswith("| `"):
            continue
        directory = ""
        for token in re.findall(r"`([^`]+)`", row.split(" | ")[0]):
            if "/" in token:
                directory = token.rsplit("/", 1)[0] + "/" if not token.endswith("/") else token
                named.add(token)
            else:  # a file of the row's directory (of the package itself, before any)
                named.add(directory + token)
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if path.name == "__init__.py" and path.parent != PACKAGE:
            continue
        if not any(module == n or fnmatch.fnmatch(module, n) or (n.endswith("/") and module.startswith(n))
                   for n in named):
            missing.append(module)
    assert not missing, f"not named in docs/architecture.md's module table: {missing}"
    # and every module the table names exists (a renamed or removed module leaves no stale row)
    stale = [n for n in sorted(named) if n.endswith(".py") and "*" not in n
             and n.split("/")[0] in {*LAYERS, *(p.name for p in PACKAGE.iterdir() if p.suffix == ".py")}
             and not (PACKAGE / n).exists()]
    assert not stale, f"docs/architecture.md names modules that do not exist: {stale}"
