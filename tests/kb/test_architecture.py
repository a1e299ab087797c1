"""The knowledge package stands on the foundation only, and its modules import one another in one
direction (docs/architecture.md, "Layers")."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "itss_graph"
KNOWLEDGE = PACKAGE / "knowledge"


def imported_modules(path: Path) -> set[str]:
    """Every itss_graph module a file imports, at the top or inside a function (TYPE_CHECKING
    blocks included: they name what the module depends on)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m == "itss_graph" or m.startswith("itss_graph.")}


def foundation() -> set[str]:
    return {f"itss_graph.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}


def test_knowledge_imports_only_foundation_modules_and_itself():
    allowed = foundation()
    for path in sorted(KNOWLEDGE.glob("*.py")):
        for module in imported_modules(path):
            assert module.startswith("itss_graph.knowledge") or module in allowed, \
                f"knowledge/{path.name} imports {module}"


def test_knowledge_modules_import_one_another_in_one_direction():
    graph = {f"itss_graph.knowledge.{p.stem}": {m for m in imported_modules(p)
                                                if m.startswith("itss_graph.knowledge.")}
             for p in KNOWLEDGE.glob("*.py") if p.stem != "__init__"}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import cycle: " + " -> ".join((*path, module))
        if module in done:
            return
        for nxt in sorted(graph.get(module, ())):
            visit(nxt, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_the_check_sees_function_level_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from itss_graph.engine.impact import impact\n", encoding="utf-8")
    assert imported_modules(probe) == {"itss_graph.engine.impact"}
