"""Every message the tool can print, as templates read from generator/ with `ast`.

A template is the message's fixed text with `…` where the code fills something in:
`Diagnostic(path, 1, 1, f"unknown type '{name}'")` gives "unknown type '…'".

Where a message is found:
- the message argument of the calls in SEEDS (`Diagnostic(...)`, `error_at(...)`, the
  YAML parser's `YamlProblem(...)`, `UsageError(...)`, argparse type errors, ...), and
  `print(...)` calls whose text says `warning:` or `error:`;
- followed from there: a variable is traced to what it is assigned; a parameter to what
  callers pass for it (`refuse("it is the root or home folder")`); a call to a function of
  generator/ to the strings that function returns (`did_you_mean` -> " (did you mean '…'?)").
  Each of these becomes a template of its own, so "template error: …" and what fills it in
  ("no template '…'…") are both listed.
- the tables of words that fill messages in (MESSAGE_TABLES).

Module constants are filled in with their values (`{CONTENT_DIR}` -> "content").
Templates without four letters of fixed text ("…: …", "'…'") say nothing and are dropped.

Run `python -m tests.docs_messages` to list them all.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "generator"
VAR = "…"

# Callable name -> (position, keyword) of its message argument.
SEEDS: dict[str, tuple[int, str]] = {
    "Diagnostic": (3, "message"),
    "error_at": (4, "message"),
    "YamlProblem": (2, "message"),
    "YamlProblem.at": (1, "message"),
    "Refused": (0, "message"),  # read/rawfile.py: why a file or folder was not read
    "UsageError": (0, ""),
    "PortUnavailable": (0, ""),
    "ArgumentTypeError": (0, ""),
    "argparse.ArgumentTypeError": (0, ""),
    # Raised inside templates and shown as "template error: TimeoutError: …".
    "TimeoutError": (0, ""),
    "OverflowError": (0, ""),
    # importing/cells.py: why a cell cannot be a field's value, told at the cell.
    "Bad": (0, "message"),
}
# Tables whose texts are put into messages: (module, name, which part of each entry).
MESSAGE_TABLES = (
    ("site.schema", "PATTERN_WORDS", "values"),
    ("site.schema", "FORMAT_WORDS", "values"),
    ("site.schema", "TYPE_WORDS", "values"),
    ("read.hints", "_SYNTAX_HINTS", "second"),
    ("read.hints", "_UNCLOSED", "values"),
)
_MIN_LETTERS = 4


@dataclass(frozen=True, slots=True)
class Template:
    """One message template and where in generator/ it was found."""

    text: str
    where: str


@dataclass
class _Function:
    module: str
    node: ast.FunctionDef | ast.AsyncFunctionDef
    is_method: bool


class _Source:
    """The parsed modules of generator/ and what is defined in them."""

    def __init__(self) -> None:
        self.modules: dict[str, ast.Module] = {}
        self.parents: dict[ast.AST, ast.AST] = {}
        self.functions: dict[str, list[_Function]] = {}
        for path in sorted(GENERATOR.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            module = ".".join(path.relative_to(GENERATOR).with_suffix("").parts)
            self.modules[module] = tree
            for parent in ast.walk(tree):
                for child in ast.iter_child_nodes(parent):
                    self.parents[child] = parent
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    in_class = isinstance(self.parents.get(node), ast.ClassDef)
                    self.functions.setdefault(node.name, []).append(
                        _Function(module, node, in_class))
                elif isinstance(node, ast.ClassDef):
                    init = next((n for n in node.body if isinstance(n, ast.FunctionDef)
                                 and n.name == "__init__"), None)
                    if init is not None:
                        self.functions.setdefault(node.name, []).append(
                            _Function(module, init, True))

    def constant(self, module: str, name: str) -> str | int | float | None:
        value = vars(importlib.import_module(f"generator.{module}")).get(name)
        return value if isinstance(value, str | int | float) and not isinstance(value, bool) \
            else None

    def enclosing(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, ast.FunctionDef
                                                     | ast.AsyncFunctionDef):
            current = self.parents.get(current)
        return current

    def calls(self) -> Iterator[tuple[str, ast.Call]]:
        for module, tree in self.modules.items():
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    yield module, node


def _file(module: str) -> str:
    """`read.yamlsrc` -> `generator/read/yamlsrc.py`."""
    return f"generator/{module.replace('.', '/')}.py"


def call_name(call: ast.Call) -> str:
    """`Diagnostic`, `YamlProblem.at`, `doc.error` -> the dotted name of what is called."""
    parts: list[str] = []
    func: ast.expr = call.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if keyword:
        for kw in call.keywords:
            if kw.arg == keyword:
                return kw.value
    if any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return None
    return call.args[position] if position < len(call.args) else None


class _Extractor:
    def __init__(self) -> None:
        self.source = _Source()
        self.found: dict[str, str] = {}
        self.todo: list[tuple[str, ast.expr]] = []
        self.seen: set[int] = set()

    def run(self) -> list[Template]:
        for module, call in self.source.calls():
            name = call_name(call)
            if name in SEEDS:
                arg = _argument(call, *SEEDS[name])
                if arg is not None:
                    self.queue(module, arg)
            elif name == "print" and call.args and any(
                    word in ast.unparse(call.args[0]) for word in ("warning:", "error:")):
                self.queue(module, call.args[0])
        while self.todo:
            module, expr = self.todo.pop()
            for parts in self.templates(module, expr):
                self.add("".join(parts), f"{_file(module)}:{expr.lineno}")
        for module, name, part in MESSAGE_TABLES:
            table: Any = getattr(importlib.import_module(f"generator.{module}"), name)
            texts = table.values() if part == "values" else (entry[1] for entry in table)
            for text in texts:
                self.add(str(text), f"{_file(module)}: {name}")
        return [Template(text, where) for text, where in sorted(self.found.items())]

    def add(self, text: str, where: str) -> None:
        text = normalize(text)
        if sum(c.isalpha() for c in text.replace(VAR, "")) >= _MIN_LETTERS:
            self.found.setdefault(text, where)

    def queue(self, module: str, expr: ast.expr) -> None:
        if id(expr) not in self.seen:
            self.seen.add(id(expr))
            self.todo.append((module, expr))

    def templates(self, module: str, expr: ast.expr) -> list[list[str]]:
        """Each way `expr` can read, as parts (fixed text, or VAR)."""
        if isinstance(expr, ast.Constant):
            return [[expr.value]] if isinstance(expr.value, str) else [[VAR]]
        if isinstance(expr, ast.JoinedStr):
            pieces = [self.piece(module, v) for v in expr.values]
            return [list(itertools.chain.from_iterable(p)) for p in itertools.product(*pieces)]
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return [a + b for a in self.templates(module, expr.left)
                    for b in self.templates(module, expr.right)]
        if isinstance(expr, ast.IfExp):
            return self.templates(module, expr.body) + self.templates(module, expr.orelse)
        if isinstance(expr, ast.BoolOp):
            return [t for v in expr.values for t in self.templates(module, v)]
        if isinstance(expr, ast.Name):
            value = self.resolve_name(module, expr, whole=True)
            return [[str(value)]] if value is not None else [[VAR]]
        if isinstance(expr, ast.Call):
            self.follow_call(module, expr)
        return [[VAR]]

    def piece(self, module: str, value: ast.expr) -> list[list[str]]:
        if isinstance(value, ast.Constant):
            return [[str(value.value)]]
        assert isinstance(value, ast.FormattedValue)
        inner = value.value
        if isinstance(inner, ast.Name):
            constant = self.resolve_name(module, inner, whole=False)
            if constant is not None:
                spec = ast.literal_eval(ast.unparse(value.format_spec)[1:]) \
                    if value.format_spec is not None else ""
                shown = repr(constant) if value.conversion == ord("r") else constant
                return [[format(shown, spec) if spec else str(shown)]]
            return [[VAR]]
        if isinstance(inner, ast.Call):
            self.follow_call(module, inner)
        return [[VAR]]

    def resolve_name(self, module: str, name: ast.Name, *, whole: bool) -> str | int | float | None:
        """A module constant's value; otherwise queue what the name may hold, return None."""
        function = self.source.enclosing(name)
        if function is not None:
            assigned = [node.value for node in ast.walk(function)
                        if isinstance(node, ast.Assign | ast.NamedExpr | ast.AnnAssign)
                        and node.value is not None and any(
                            isinstance(t, ast.Name) and t.id == name.id
                            for t in (node.targets if isinstance(node, ast.Assign)
                                      else [node.target]))]
            if assigned:
                for value in assigned:
                    self.queue(module, value)
                return None
            params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
            if name.id in params or name.id in [a.arg for a in function.args.kwonlyargs]:
                self.follow_parameter(function, name.id, whole)
                return None
        return self.source.constant(module, name.id)

    def follow_parameter(self, function: ast.FunctionDef | ast.AsyncFunctionDef, param: str,
                         whole: bool) -> None:
        """Queue what callers pass for `param` (only written-out text, unless `whole`)."""
        params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        in_class = isinstance(self.source.parents.get(function), ast.ClassDef)
        if in_class and params and params[0] in ("self", "cls"):
            params = params[1:]
        position = params.index(param) if param in params else 10_000
        for module, call in self.source.calls():
            name = call_name(call).rsplit(".", 1)[-1]
            if name != function.name:
                continue
            arg = _argument(call, position, param)
            if arg is None:
                continue
            if whole or isinstance(arg, ast.Constant | ast.JoinedStr | ast.BinOp | ast.IfExp):
                self.queue(module, arg)

    def follow_call(self, module: str, call: ast.Call) -> None:
        """Queue the strings a function of generator/ returns."""
        name = call_name(call).rsplit(".", 1)[-1]
        for function in self.source.functions.get(name, []):
            if function.node.name == "__init__":
                continue
            for node in ast.walk(function.node):
                if isinstance(node, ast.Return) and node.value is not None \
                        and self.source.enclosing(node) is function.node:
                    self.queue(function.module, node.value)


def normalize(text: str) -> str:
    """One line: whitespace runs as one space, runs of `…` as one."""
    return re.sub(f"(?:{VAR})+", VAR, " ".join(text.split()))


def message_templates() -> list[Template]:
    """Every message template in generator/, sorted by text."""
    return _Extractor().run()


def template_pattern(template: str) -> re.Pattern[str]:
    """A regex that finds `template` in a text: each `…` stands for any text."""
    parts = [re.escape(p) for p in normalize(template).split(VAR)]
    return re.compile(".*?".join(parts))


if __name__ == "__main__":
    for t in message_templates():
        print(f"{t.where:32} {t.text}")
