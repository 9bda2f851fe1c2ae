"""Helpers for the hardening tests: a site with a previous good build, broken, rebuilt.

Every bad input must end the same way: exit code 1, `path:line:col: error: ...` lines and
no traceback, the previous output/ byte for byte as it was, and nothing new beside it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from generator.cli import main
from tests.conftest import copy_case, tree_bytes, write_files


@dataclass(frozen=True)
class Outcome:
    """What one in-process `factsheet build` printed and returned."""

    code: int
    err: str


def run_cli(*args: str | Path) -> Outcome:
    """Run the command line in-process, capturing what it prints."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main([str(a) for a in args])
    return Outcome(code, err.getvalue() + out.getvalue())


@dataclass(frozen=True)
class BuiltSite:
    """The basic site, already built once into `out` (whose bytes are `before`)."""

    root: Path
    site: Path
    out: Path
    before: dict[str, bytes]

    def write(self, files: dict[str, str | bytes]) -> None:
        """Lay `files` over the site (text or bytes, relative paths)."""
        write_files(self.site, files)

    def build(self, *extra: str | Path) -> Outcome:
        """Build the site into its output folder."""
        return run_cli("build", "--site", self.site, "--out", self.out, *extra)

    def refused(self, files: dict[str, str | bytes] | None = None, *extra: str) -> str:
        """Write `files`, build, and assert the build failed cleanly; return stderr."""
        if files:
            self.write(files)
        outcome = self.build(*extra)
        assert outcome.code == 1, outcome.err
        assert "Traceback" not in outcome.err
        assert ": error: " in outcome.err
        self.assert_untouched()
        return outcome.err

    def assert_untouched(self) -> None:
        """The old output is exactly as it was and nothing was left beside it."""
        assert tree_bytes(self.out) == self.before
        assert sorted(os.listdir(self.root)) == ["basic", "out"]


def built_basic_site(tmp_path: Path) -> BuiltSite:
    """A fresh copy of tests/cases/basic, built once into tmp_path/out."""
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    outcome = run_cli("build", "--site", site, "--out", out, "--quiet")
    assert outcome.code == 0, outcome.err
    return BuiltSite(tmp_path, site, out, tree_bytes(out))


def error_lines(err: str) -> list[str]:
    """The `path:line:col: error: message` lines of an error report."""
    return [line for line in err.splitlines() if ": error: " in line]


SAFE_SCHEMES = ("http:", "https:", "mailto:")
_C0_AND_SPACE = "".join(chr(i) for i in range(33))
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background",
              "data", "srcset", "ping"}


class ScriptAudit(HTMLParser):
    """Parses a page and lists every way it could run script in a reader's browser."""

    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.problems: list[str] = []
        self.open_script: dict[str, str | None] | None = None
        self.script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"{self.path}:{self.getpos()[0]} <{tag}>"
        named = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{where}: event handler attribute {name}")
            if name in _URL_ATTRS and value is not None and not url_is_safe(value):
                self.problems.append(f"{where}: unsafe URL {name}={value!r}")
        if tag in {"iframe", "object", "embed", "base", "frame", "applet"}:
            self.problems.append(f"{where}: element that can load or run content")
        # A form may only send to a page of this site (the home page's search form does).
        if tag == "form" and not _is_relative(named.get("action") or ""):
            self.problems.append(f"{where}: form that sends outside the site")
        if tag == "meta" and (named.get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"{where}: meta refresh")
        if tag == "script":
            self.open_script = named
            self.script_text = []

    def handle_data(self, data: str) -> None:
        if self.open_script is not None:
            self.script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.open_script is not None:
            self.check_script(self.open_script, "".join(self.script_text))
            self.open_script = None

    def check_script(self, attrs: dict[str, str | None], text: str) -> None:
        where = f"{self.path}:{self.getpos()[0]} <script>"
        src = attrs.get("src")
        if attrs.get("type") == "application/ld+json" and src is None:
            try:
                json.loads(text)
            except ValueError as exc:
                self.problems.append(f"{where}: JSON-LD that is not JSON: {exc}")
            if "</" in text:
                self.problems.append(f"{where}: JSON-LD holding '</'")
        elif src is None or not _own_script(src):
            self.problems.append(f"{where}: script that is neither JSON-LD nor one of the "
                                 f"site's own assets (src={src!r})")
        elif text.strip():
            self.problems.append(f"{where}: script with both src and inline code")


def _own_script(src: str) -> bool:
    """A relative src under the site's own assets/ or pagefind/ folder."""
    parts = src.split("?")[0].split("/")
    while parts and parts[0] == "..":
        parts.pop(0)
    return ":" not in src and not src.startswith("/") and bool(parts) \
        and parts[0] in ("assets", "pagefind") and ".." not in parts


def url_is_safe(url: str) -> bool:
    """http(s), mailto, or a relative URL; judged the way a browser reads the attribute."""
    # Browsers drop ASCII tab and newlines anywhere in a URL and strip leading and
    # trailing spaces and controls before looking for the scheme.
    cleaned = "".join(c for c in url if c not in "\t\n\r").strip(_C0_AND_SPACE)
    if cleaned.startswith("//"):
        return True  # a network-path reference keeps the page's own http(s) scheme
    head = cleaned.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if ":" not in head:
        return True
    return cleaned.lower().startswith(SAFE_SCHEMES)


def audit_html(path: str, text: str) -> list[str]:
    """Every script, event handler or unsafe URL in one HTML (or XML) file."""
    audit = ScriptAudit(path)
    audit.feed(text)
    audit.close()
    if audit.open_script is not None:
        audit.problems.append(f"{path}: a <script> that never closes")
    return audit.problems


def _is_relative(url: str) -> bool:
    """A URL that names a file of this site: no scheme, no host, no leading slash."""
    return bool(url) and ":" not in url.split("/", 1)[0] and not url.startswith("/")
