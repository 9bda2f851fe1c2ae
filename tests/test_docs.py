"""The user's guide (README.md and docs/) is true of the code, and stays so.

Runnable examples. In README.md and docs/*.md, two kinds of fenced block are acted on, in
the order they appear, in a fresh copy of the default site (site.yaml, content/,
templates/, static/) with `factsheet` and `python` on PATH:

- A block whose info string is `console test` is a shell session, run line by line:
  - `$ command` is run by bash in the site folder (a heredoc's lines belong to it);
  - it must exit with 0, or with N when the line ends in the comment `# exit code N`;
  - the lines after it, up to the next `$`, are its expected output (stdout and stderr
    together). `…` in a line stands for any text; a line of `…` alone for any lines. A
    command with no lines after it may print anything.
  A plain `console` or `sh` block (e.g. `factsheet serve`, which runs until stopped) is shown,
  not run.
- A block whose info string has `file=PATH` (```` ```yaml file=content/x.yaml ````) is
  written to PATH in the site folder, as the reader is told to do.
- A block marked `console test clone` installs factsheet as a user would: it is run in a
  copy of this repository's files (a fresh clone), with HOME an empty folder of its own.

Drift checks: docs/cli.md and the generated parts of docs/content.md and docs/templates.md
must equal what `python -m tests.docs_generate` writes now; every message template in
generator/ (tests/docs_messages.py) must be found in docs/errors.md; the examples there
must match the message of their entry.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator.site.model import FieldSpec
from generator.site.schema import FIELD_TYPES, field_schema
from generator.site.schemacheck import make_validator
from tests import docs_generate
from tests.conftest import REPO, copy_default_site
from tests.docs_messages import VAR, message_templates, normalize, template_pattern

DOCS = REPO / "docs"
GUIDE = [REPO / "README.md", *sorted(DOCS.glob("*.md"))]
ERRORS_MD = DOCS / "errors.md"
SCREENSHOT = DOCS / "screenshot.png"
_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_EXIT = re.compile(r"\s#\s*exit code (\d+)\s*$")
_HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")


@dataclass(frozen=True)
class Block:
    """One fenced block of a guide page."""

    path: Path
    line: int
    info: str
    body: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """Every top-level fenced block of a Markdown file, in order."""
    text = path.read_text(encoding="utf-8")
    return [Block(path, text.count("\n", 0, m.start()) + 1, m.group("info").strip(),
                  m.group("body")) for m in _FENCE.finditer(text)]


@dataclass(frozen=True)
class Command:
    line: str
    exit_code: int
    expected: list[str] | None  # None: output not checked


def session(body: str) -> list[Command]:
    """The commands of a `console test` block with their expected exit codes and output."""
    commands: list[Command] = []
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        assert line.startswith("$ "), f"expected a '$ ' command, got {line!r}"
        command = line[2:]
        i += 1
        while command.endswith("\\") and i < len(lines):
            command += "\n" + lines[i]
            i += 1
        heredoc = _HEREDOC.search(command)
        if heredoc:
            while i < len(lines) and lines[i] != heredoc.group(1):
                command += "\n" + lines[i]
                i += 1
            command += "\n" + heredoc.group(1)
            i += 1
        output: list[str] = []
        while i < len(lines) and not lines[i].startswith("$ "):
            output.append(lines[i])
            i += 1
        code = _EXIT.search(command.split("\n", 1)[0])
        commands.append(Command(command, int(code.group(1)) if code else 0, output or None))
    return commands


def output_pattern(expected: list[str]) -> re.Pattern[str]:
    """Expected output lines as a regex: `…` any text, a line of `…` any lines."""
    parts = []
    for line in expected:
        if line.strip() == VAR:
            parts.append("(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(p) for p in line.rstrip().split(VAR)) + "\n")
    return re.compile("".join(parts), re.DOTALL)


def _clean(output: str) -> str:
    return "".join(line.rstrip() + "\n" for line in output.splitlines())


@pytest.fixture(scope="module")
def shims(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment with `factsheet` and `python` running this checkout's code."""
    bin_dir = tmp_path_factory.mktemp("bin")
    for name, command in (("factsheet", f'"{sys.executable}" -m generator'),
                          ("python", f'"{sys.executable}"'), ("python3", f'"{sys.executable}"')):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\nexec {command} "$@"\n', encoding="utf-8")
        script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(REPO),
               COLUMNS="120", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    return env


@pytest.mark.parametrize("path", GUIDE, ids=lambda p: p.relative_to(REPO).as_posix())
def test_runnable_examples(path: Path, tmp_path: Path, shims: dict[str, str]) -> None:
    site = copy_default_site(tmp_path)
    for block in blocks(path):
        words = block.info.split()
        target = next((w.removeprefix("file=") for w in words if w.startswith("file=")), None)
        if target is not None:
            assert not Path(target).is_absolute() and ".." not in Path(target).parts
            (site / target).parent.mkdir(parents=True, exist_ok=True)
            (site / target).write_text(block.body, encoding="utf-8")
        if words[:2] == ["console", "test"] and "clone" not in words:
            _run_session(block, site, shims, timeout=60)


@pytest.mark.timeout(900)
def test_install_examples(tmp_path: Path, shims: dict[str, str]) -> None:
    clone_blocks = [b for path in GUIDE for b in blocks(path)
                    if b.info.split() == ["console", "test", "clone"]]
    assert clone_blocks, "the README shows how to install factsheet"
    clone, home = _clone(tmp_path / "factsheet"), tmp_path / "home"
    home.mkdir()
    env = {**shims, "HOME": str(home), "PYTHONPATH": ""}
    # Installs read the wheels the set-up of this checkout left in the pip cache.
    env.setdefault("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    for block in clone_blocks:
        _run_session(block, clone, env, timeout=600)


def _clone(where: Path) -> Path:
    """The repository's files as a fresh clone has them (tracked or new, not ignored)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=REPO, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, where / name)
    return where


def _run_session(block: Block, cwd: Path, env: dict[str, str], timeout: int) -> None:
    for command in session(block.body):
        done = subprocess.run(["bash", "-c", command.line], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=timeout, check=False)
        said = f"{block.where}: $ {command.line}\n--- printed:\n{done.stdout}"
        assert done.returncode == command.exit_code, \
            f"exit code {done.returncode}, documented {command.exit_code}\n{said}"
        if command.expected is not None:
            assert output_pattern(command.expected).fullmatch(_clean(done.stdout)), \
                "printed text differs from the documented\n--- documented:\n" \
                + "\n".join(command.expected) + f"\n{said}"


def test_blocks_marked_runnable_are_shell_sessions() -> None:
    marked = [b for path in GUIDE for b in blocks(path) if "test" in b.info.split()]
    assert marked, "no runnable examples found"
    for block in marked:
        assert block.info.split()[0] == "console", f"{block.where}: write ```console test"
        session(block.body)  # every line is a command or output


def test_serve_is_never_run() -> None:
    for path in GUIDE:
        for block in blocks(path):
            if block.info.split()[:2] == ["console", "test"]:
                assert not any("factsheet serve" in c.line for c in session(block.body)), \
                    block.where


# ------------------------------------------------------------- generated parts

@pytest.mark.parametrize("path", sorted(docs_generate.expected_files()),
                         ids=lambda p: p.relative_to(REPO).as_posix())
def test_generated_docs_are_current(path: Path) -> None:
    expected = docs_generate.expected_files()[path]
    assert path.read_text(encoding="utf-8") == expected, \
        f"{path.relative_to(REPO)} is out of date: run python -m tests.docs_generate"


def test_every_field_type_has_a_valid_example() -> None:
    content = (DOCS / "content.md").read_text(encoding="utf-8")
    assert set(docs_generate.FIELD_EXAMPLES) == set(FIELD_TYPES), \
        "give each field type one example in tests/docs_generate.py FIELD_EXAMPLES"
    for type_name, example in docs_generate.FIELD_EXAMPLES.items():
        (key, value), = yaml.safe_load(example).items()
        spec = FieldSpec(key, type_name, key, to="place" if FIELD_TYPES[type_name].is_ref
                         else None)
        value = str(value) if type_name == "date" else value  # YAML 1.2: dates stay text
        errors = list(make_validator(field_schema(spec)).iter_errors(value))
        assert not errors, f"{type_name}: {example!r}: {errors[0].message}"
        # The complete example in docs/content.md uses it, and is run by the tests.
        assert f"\n{example}\n" in content, f"docs/content.md's example record lacks {example!r}"


def test_documented_templates_exist() -> None:
    text = (DOCS / "templates.md").read_text(encoding="utf-8")
    theme = set(docs_generate.theme_templates())
    named = set(re.findall(r"`([a-z_0-9-]+\.html)`", text))
    assert theme <= named, f"templates.md does not mention {sorted(theme - named)}"
    # The default site's own about.html, the worked example's, and output file names.
    others = {"about.html", "company.html", "company-list.html", "index.html"}
    assert named - theme <= others, f"templates.md names no such template: {named - theme}"
    for names, _ in docs_generate.page_contexts().values():
        assert names[-1] in theme


def test_guide_links_lead_somewhere() -> None:
    for path in GUIDE:
        text = path.read_text(encoding="utf-8")
        text = _FENCE.sub("", text)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            file = (path.parent / target.split("#", 1)[0]).resolve()
            assert file.exists(), f"{path.relative_to(REPO)}: broken link {target}"


# ------------------------------------------------------------- README

def test_readme_starts_with_the_two_commands() -> None:
    first = blocks(REPO / "README.md")[0].body
    assert first.splitlines()[0].startswith("make site")
    assert first.splitlines()[1].startswith("make test")


def test_screenshot_is_committed_and_small() -> None:
    data = SCREENSHOT.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) < 80_000, "run python -m tests.docs_screenshot; keep it under 80 KB"
    assert "(docs/screenshot.png)" in (REPO / "README.md").read_text(encoding="utf-8")


# ------------------------------------------------------------- docs/errors.md

def _documented_messages() -> list[str]:
    """Every code span of errors.md and every line of its example blocks, normalized."""
    text = ERRORS_MD.read_text(encoding="utf-8")
    found = [line for b in blocks(ERRORS_MD) for line in b.body.splitlines()]
    prose = _FENCE.sub("", text)
    found += re.findall(r"`([^`\n]+)`", prose.replace("`\n", "` ").replace("\n", " "))
    return [normalize(s) for s in found]


def test_every_message_is_documented() -> None:
    documented = _documented_messages()
    missing = [t for t in message_templates()
               if not any(template_pattern(t.text).search(d) for d in documented)]
    assert not missing, (
        "docs/errors.md does not list these messages (fixed text, with … for what varies); "
        "add an entry for each, with its cause, fix and an example:\n"
        + "\n".join(f"  {t.where}: {t.text}" for t in missing))


def _entries() -> list[tuple[list[str], list[str]]]:
    """Each `### ` entry of errors.md: the templates in its heading, its example messages.

    An example must begin with its heading's message; hints may follow it.
    """
    text = ERRORS_MD.read_text(encoding="utf-8")
    entries = []
    for part in re.split(r"^### ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = part.partition("\n")
        templates = re.findall(r"`([^`]+)`", heading)
        examples = [re.split(r": (?:error|warning): ", line, maxsplit=1)[1]
                    for info, block in re.findall(r"^```(\w*)\n(.*?)^```", body,
                                                  re.MULTILINE | re.DOTALL)
                    if info == "" for line in block.splitlines()
                    if re.search(r"^\S+:\d+:\d+: (?:error|warning): ", line)]
        entries.append((templates, examples))
    return entries


def test_error_examples_match_their_entry() -> None:
    entries = _entries()
    assert len(entries) > 40
    for templates, examples in entries:
        assert templates, "each ### heading of errors.md names its message in `code`"
        for example in examples:
            assert any(template_pattern(t).match(example) for t in templates), \
                f"example {example!r} does not match its heading {templates}"


def test_message_extraction_sees_known_messages() -> None:
    """The extractor finds messages made in each way (a guard against it going blind)."""
    texts = {t.text for t in message_templates()}
    for known in ("unknown field '…'…",  # schemacheck, via doc.error
                  "it is the root or home folder",  # a parameter of an inner function
                  " (did you mean '…'?)".strip(),  # a helper's return value
                  "quote not found in the text of source '…'…",  # a variable
                  "file is … bytes; the limit is 8,388,608"):  # a module constant
        assert known in texts, known
