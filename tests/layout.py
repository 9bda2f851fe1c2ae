"""The shape of generator/, read with `ast`: which stage may import which, and no circles.

The package is a pipeline (DESIGN.md §1): each module belongs to a stage, the stages stand in
a line, and a module imports only from its own stage, the stages before it, and the shared
vocabulary. Every import counts, wherever it is written: at the top, inside a function (the
commands import their stages lazily) or under `if TYPE_CHECKING:`.

    python -m tests.layout [PACKAGE_DIR]    prints every problem, one per line
"""

from __future__ import annotations

import ast
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "generator"
# Each stage, with the rank that orders it; a module may import a lower rank, or its own stage.
# `read` comes before `site`: site.yaml is read with the same YAML reader as the records, and
# the reader is handed what it needs of the settings (the type folders) instead of importing them.
STAGES: dict[str, int] = {
    # the shared vocabulary: the package root, errors, urls, the mark of translated strings
    "": 0, "errors": 0, "urls": 0, "i18n": 0,
    "read": 1, "site": 2, "check": 3, "link": 4, "render": 5, "store": 6, "write": 7,
    "build": 8, "serve": 9, "scaffold": 9, "importing": 9, "commands": 10, "cli": 11,
    "__main__": 12,
}
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 50


@dataclass(frozen=True, slots=True)
class Import:
    """One import of a module of the package by another, where it is written."""

    importer: str  # dotted module names, e.g. generator.read.load
    imported: str
    path: str  # the importer's file, relative to the package's parent folder
    line: int


def modules(package_dir: Path) -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (a package is its __init__)."""
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((PACKAGE, *parts))] = path
    return found


def stage_of(module: str) -> str:
    """The stage a module belongs to: the first name below the package ('' for the root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports(package_dir: Path) -> list[Import]:
    """Every import of one of the package's modules, in file and line order."""
    known = modules(package_dir)
    found: list[Import] = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        shown = path.relative_to(package_dir.parent).as_posix()
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            for target in _targets(node, name, is_package, known):
                found.append(Import(name, target, shown, node.lineno))  # type: ignore[attr-defined]
    return sorted(found, key=lambda i: (i.path, i.line, i.imported))


def _targets(node: ast.AST, module: str, is_package: bool, known: dict[str, Path]
             ) -> Iterator[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] == PACKAGE:
                yield _nearest(alias.name, known)
    elif isinstance(node, ast.ImportFrom):
        base = _absolute(node, module, is_package)
        if base.split(".")[0] != PACKAGE:
            return
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            yield submodule if submodule in known else _nearest(base, known)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    anchor = parts if is_package else parts[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join([*anchor, *([node.module] if node.module else [])])


def _nearest(name: str, known: dict[str, Path]) -> str:
    while name not in known and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def order_problems(found: list[Import]) -> list[str]:
    """An import against the order of the stages, or of a stage the order does not know."""
    problems = []
    for imp in found:
        stage, wanted = stage_of(imp.importer), stage_of(imp.imported)
        unknown = sorted({stage, wanted} - STAGES.keys())
        problems += [f"{imp.path}:{imp.line}: '{name}' is not a stage of the layout; add it "
                     "to tests/layout.py STAGES in its place" for name in unknown]
        if unknown or stage == wanted:
            continue
        if STAGES[wanted] >= STAGES[stage]:
            problems.append(f"{imp.path}:{imp.line}: {imp.importer} (stage '{stage}') imports "
                            f"{imp.imported} (stage '{wanted}'), which does not come before it")
    return problems


def circles(found: list[Import]) -> list[str]:
    """Each circle of imports between modules, named by the imports that close it."""
    edges: dict[str, dict[str, Import]] = {}
    for imp in found:
        if imp.importer != imp.imported:
            edges.setdefault(imp.importer, {}).setdefault(imp.imported, imp)
    problems = []
    for component in _strongly_connected(edges):
        cycle = _cycle_in(component, edges)
        steps = ", ".join(f"{e.importer} imports {e.imported} ({e.path}:{e.line})"
                          for e in cycle)
        problems.append(f"{cycle[0].path}:{cycle[0].line}: a circle of imports: {steps}")
    return sorted(problems)


def _strongly_connected(edges: dict[str, dict[str, Import]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of more than one module that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, {})):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def _cycle_in(component: list[str], edges: dict[str, dict[str, Import]]) -> list[Import]:
    """One circle through the first module of a strongly connected group."""
    members, start = set(component), component[0]
    paths: dict[str, list[Import]] = {start: []}
    todo = deque([start])
    while todo:  # breadth first, so the circle shown is a shortest one
        node = todo.popleft()
        for nxt, imp in sorted(edges.get(node, {}).items()):
            if nxt == start:
                return [*paths[node], imp]
            if nxt in members and nxt not in paths:
                paths[nxt] = [*paths[node], imp]
                todo.append(nxt)
    raise AssertionError(f"no circle through {start}")


def size_problems(package_dir: Path) -> list[str]:
    """Modules over MAX_MODULE_LINES lines and functions over MAX_FUNCTION_LINES."""
    problems = []
    for path in modules(package_dir).values():
        text = path.read_text(encoding="utf-8")
        shown = path.relative_to(package_dir.parent).as_posix()
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES:
            problems.append(f"{shown}:1: {lines} lines; split it (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    problems.append(f"{shown}:{node.lineno}: {node.name}() is {length} lines; "
                                    f"split it (at most {MAX_FUNCTION_LINES})")
    return sorted(problems)


def layout_problems(package_dir: Path) -> list[str]:
    """Everything wrong with the shape of the package at `package_dir`."""
    found = imports(package_dir)
    said = [*order_problems(found), *circles(found), *size_problems(package_dir)]
    return list(dict.fromkeys(said))  # one line per mistake, however many names it imports


if __name__ == "__main__":
    where = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / PACKAGE
    said = layout_problems(where)
    print("\n".join(said) or "The layout holds.")
    sys.exit(1 if said else 0)
