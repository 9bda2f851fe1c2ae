"""The package's shape (tests/layout.py): stages import one way, no circles, small modules."""

from __future__ import annotations

import ast
import shutil
import textwrap
from pathlib import Path

import pytest

from tests import layout

GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def _package(root: Path, files: dict[str, str]) -> Path:
    """A made-up package `generator` under `root` with the given modules."""
    package = root / "generator"
    for name, text in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent != package and not (path.parent / "__init__.py").exists():
            (path.parent / "__init__.py").write_text('"""A stage."""\n')
        path.write_text(textwrap.dedent(text))
    return package


def _planted(tmp_path: Path, module: str, line: str) -> tuple[Path, int]:
    """A copy of the real package with `line` added to the end of `module`; its line number."""
    copy = tmp_path / "generator"
    shutil.copytree(GENERATOR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    path = copy / module
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return copy, text.count("\n") + 1


def test_the_real_package_holds_its_layout() -> None:
    assert layout.layout_problems(GENERATOR) == []


def test_every_stage_is_a_known_sub_package_with_a_docstring() -> None:
    stages = sorted(p.parent.name for p in GENERATOR.glob("*/__init__.py"))
    assert stages == ["check", "importing", "link", "read", "render", "serve", "site", "store",
                      "write"]
    for stage in stages:
        assert stage in layout.STAGES
        tree = ast.parse((GENERATOR / stage / "__init__.py").read_text(encoding="utf-8"))
        docstring = ast.get_docstring(tree)
        assert docstring and "\n" not in docstring.strip(), stage


@pytest.mark.parametrize(("module", "line", "wanted"), [
    ("read/load.py", "from generator.render.engine import Renderer",
     "generator.read.load (stage 'read') imports generator.render.engine (stage 'render')"),
    ("site/model.py", "import generator.check.validate",
     "generator.site.model (stage 'site') imports generator.check.validate (stage 'check')"),
    ("render/text.py", "from generator.write import staging",
     "generator.render.text (stage 'render') imports generator.write.staging (stage 'write')"),
    ("errors.py", "from generator.read.yamlsrc import Document",
     "generator.errors (stage 'errors') imports generator.read.yamlsrc (stage 'read')"),
    ("store/stale.py", "from generator import cli",
     "generator.store.stale (stage 'store') imports generator.cli (stage 'cli')"),
    ("link/quotes.py", "from ..serve import guard",
     "generator.link.quotes (stage 'link') imports generator.serve.guard (stage 'serve')"),
])
def test_a_planted_import_against_the_order_is_named_with_file_and_line(
        tmp_path: Path, module: str, line: str, wanted: str) -> None:
    copy, number = _planted(tmp_path, module, line)
    problems = layout.layout_problems(copy)
    # An import up the line may close a circle as well; the order problem is named either way.
    assert f"generator/{module}:{number}: {wanted}, which does not come before it" in problems
    assert all(f"generator/{module}:{number}" in p for p in problems)


def test_a_planted_circle_in_the_real_package_is_named(tmp_path: Path) -> None:
    # link.py imports markup.py; markup importing link back closes a circle within one stage.
    copy, number = _planted(tmp_path, "link/markup.py", "from generator.link.link import Site")
    problems = layout.layout_problems(copy)
    assert len(problems) == 1
    assert problems[0].startswith("generator/link/")
    assert "a circle of imports" in problems[0]
    assert f"generator.link.markup imports generator.link.link (generator/link/markup.py:" \
           f"{number})" in problems[0]


def test_imports_inside_functions_and_type_checking_blocks_count(tmp_path: Path) -> None:
    package = _package(tmp_path, {
        "read/a.py": """\
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from generator.render.b import B
            def late() -> None:
                import generator.render.b
            """,
        "render/b.py": "B = 1\n",
    })
    problems = layout.layout_problems(package)
    assert [p.split(": ", 1)[0] for p in problems] == ["generator/read/a.py:3",
                                                       "generator/read/a.py:5"]


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    package = _package(tmp_path, {
        "site/model.py": "from ..read import yamlsrc\nfrom . import config\n",
        "site/config.py": "",
        "read/yamlsrc.py": "from ..site.model import X\n",
    })
    problems = layout.layout_problems(package)
    assert any(p.startswith("generator/read/yamlsrc.py:1: generator.read.yamlsrc (stage "
                            "'read') imports generator.site.model (stage 'site')")
               for p in problems)
    assert not any("site/model.py" in p and "order" in p for p in problems)


def test_a_circle_of_three_modules_is_named_once(tmp_path: Path) -> None:
    package = _package(tmp_path, {
        "link/a.py": "from generator.link import b\n",
        "link/b.py": "from generator.link import c\n",
        "link/c.py": "\n\nfrom generator.link.a import X\n",
    })
    assert layout.layout_problems(package) == [
        "generator/link/a.py:1: a circle of imports: "
        "generator.link.a imports generator.link.b (generator/link/a.py:1), "
        "generator.link.b imports generator.link.c (generator/link/b.py:1), "
        "generator.link.c imports generator.link.a (generator/link/c.py:3)"]


def test_the_same_stage_and_earlier_stages_and_outside_packages_are_fine(tmp_path: Path) -> None:
    package = _package(tmp_path, {
        "render/a.py": "import os\nimport yaml\nfrom generator import errors, urls\n"
                       "from generator.read.x import X\nfrom generator.render.b import B\n",
        "render/b.py": "from generator.site.y import Y\nfrom generator.link.z import Z\n",
        "read/x.py": "", "site/y.py": "", "link/z.py": "",
        "errors.py": "", "urls.py": "",
    })
    assert layout.layout_problems(package) == []


def test_a_stage_the_layout_does_not_know_is_reported(tmp_path: Path) -> None:
    package = _package(tmp_path, {"extra/a.py": "from generator.read import x\n",
                                  "read/x.py": ""})
    assert layout.layout_problems(package) == [
        "generator/extra/a.py:1: 'extra' is not a stage of the layout; "
        "add it to tests/layout.py STAGES in its place"]


def test_long_modules_and_functions_are_reported(tmp_path: Path) -> None:
    long_body = "".join(f"    x{i} = {i}\n" for i in range(layout.MAX_FUNCTION_LINES))
    package = _package(tmp_path, {
        "read/long.py": "\n" * layout.MAX_MODULE_LINES + "def f() -> None:\n" + long_body,
        "read/fine.py": "def g() -> None:\n" + long_body[: -len("    x49 = 49\n")],
    })
    assert layout.layout_problems(package) == [
        f"generator/read/long.py:1: {layout.MAX_MODULE_LINES + 51} lines; split it "
        f"(at most {layout.MAX_MODULE_LINES})",
        f"generator/read/long.py:{layout.MAX_MODULE_LINES + 1}: f() is "
        f"{layout.MAX_FUNCTION_LINES + 1} lines; split it (at most {layout.MAX_FUNCTION_LINES})"]
