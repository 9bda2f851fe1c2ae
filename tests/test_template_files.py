"""Template files that cannot be used: each is an error at its path, never a traceback or a hang.

What sits in templates/ may be anything a file system holds: text that is not UTF-8, a
link to nothing or round in a loop, a FIFO, a socket, a device, a folder where a template
should be, a file that cannot be read, a huge file; templates may include or extend
each other in a circle, or nest too deeply to compile. Every one ends as
`templates/x.html:line:col: error: …`, exit 1, the old output untouched, and `factsheet
serve` shows it in the browser. Hidden files and editors' backups are not templates.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.engine import THEME_DIR
from generator.render.templatefiles import (
    MAX_TEMPLATE_BYTES,
    TemplateFileError,
    TemplateFiles,
    read_template,
)
from tests.conftest import REPO, copy_case, tree_bytes
from tests.hardening import BuiltSite, built_basic_site, error_lines
from tests.test_serve import Served, request, serve_site, wait_until

pytestmark = pytest.mark.timeout(60)  # a FIFO that is waited on must fail the test, not hang it
__all__ = ["serve_site"]  # the fixture, for the dev server's test below

COMPANY = "templates/company.html"
ROUND = "a symbolic link that leads round in a loop; a template must be a file"


@pytest.fixture
def built(tmp_path: Path) -> BuiltSite:
    return built_basic_site(tmp_path)


def _templates(built: BuiltSite) -> Path:
    folder = built.site / "templates"
    folder.mkdir(exist_ok=True)
    return folder


def _unix_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays


# Each: what to make in templates/, and the error lines the build must print.
BROKEN: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "dangling-link": (lambda t: (t / "company.html").symlink_to("missing.html"), [
        f"{COMPANY}:1:1: error: a symbolic link to 'missing.html', which does not exist; a "
        "template must be a file"]),
    "dangling-link-into-the-site": (
        lambda t: (t / "company.html").symlink_to("../shared/gone.html"), [
            f"{COMPANY}:1:1: error: a symbolic link to '../shared/gone.html', which does not "
            "exist; a template must be a file"]),
    "link-to-itself": (lambda t: (t / "company.html").symlink_to("company.html"),
                       [f"{COMPANY}:1:1: error: {ROUND}"]),
    "links-to-each-other": (
        lambda t: ((t / "a.html").symlink_to("b.html"), (t / "b.html").symlink_to("a.html")),
        [f"templates/a.html:1:1: error: {ROUND}", f"templates/b.html:1:1: error: {ROUND}"]),
    "fifo": (lambda t: os.mkfifo(t / "company.html"), [
        f"{COMPANY}:1:1: error: a FIFO (named pipe), not a file; a template must be a regular "
        "file"]),
    "fifo-of-an-included-kind": (lambda t: os.mkfifo(t / "logo.svg"), [
        "templates/logo.svg:1:1: error: a FIFO (named pipe), not a file; a template must be a "
        "regular file"]),
    "fifo-in-a-subfolder": (lambda t: ((t / "parts").mkdir(), os.mkfifo(t / "parts/x.html")), [
        "templates/parts/x.html:1:1: error: a FIFO (named pipe), not a file; a template must "
        "be a regular file"]),
    "socket": (lambda t: _unix_socket(t / "company.html"), [
        f"{COMPANY}:1:1: error: a socket, not a file; a template must be a regular file"]),
    "folder-where-a-template-is-needed": (lambda t: _touch(t / "company.html/part.html"), [
        f"{COMPANY}:1:1: error: a folder, not a file; a template must be a file"]),
    "included-folder": (
        lambda t: ((t / "part.html").mkdir(),
                   (t / "company.html").write_text("<p>\n{% include 'part.html' %}\n")),
        ["templates/part.html:1:1: error: a folder, not a file; a template must be a file"]),
    "one-byte-too-big": (
        lambda t: (t / "company.html").write_text("x" * (MAX_TEMPLATE_BYTES + 1)),
        [f"{COMPANY}:1:1: error: template is 262,145 bytes; the limit is 262,144"]),
    "huge": (lambda t: (t / "record.html").write_bytes(b"<p>{{ x }}</p>\n" * 2_000_000), [
        "templates/record.html:1:1: error: template is 30,000,000 bytes; the limit is 262,144"]),
    "huge-sparse": (lambda t: os.truncate(_touch(t / "base.html"), 10**12), [
        "templates/base.html:1:1: error: template is 1,000,000,000,000 bytes; the limit is "
        "262,144"]),
}


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_template_files_that_cannot_be_used(built: BuiltSite, name: str) -> None:
    make, expected = BROKEN[name]
    make(_templates(built))
    assert error_lines(built.refused()) == expected


def test_an_empty_folder_where_a_template_is_needed(built: BuiltSite) -> None:
    # No file changed, so a build from the cache keeps the output (right until now);
    # one that renders the pages says what is wrong.
    (_templates(built) / "company.html").mkdir()
    assert error_lines(built.refused(None, "--no-cache")) == [
        f"{COMPANY}:1:1: error: a folder, not a file; a template must be a file"]


@pytest.mark.parametrize("name", ["dangling-link", "fifo", "one-byte-too-big"])
def test_check_reports_them_too(built: BuiltSite, name: str) -> None:
    make, expected = BROKEN[name]
    make(_templates(built))
    outcome = subprocess.run([sys.executable, "-m", "generator", "check", "--site", built.site],
                             cwd=REPO, capture_output=True, text=True, timeout=60)
    assert outcome.returncode == 1 and "Traceback" not in outcome.stderr
    assert error_lines(outcome.stderr) == expected


def test_a_device_is_refused(built: BuiltSite) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device file (mknod) needs root")
    os.mknod(_templates(built) / "company.html", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    assert error_lines(built.refused()) == [
        f"{COMPANY}:1:1: error: a device, not a file; a template must be a regular file"]


def test_an_unreadable_template(built: BuiltSite) -> None:
    """Mode 000 stops anyone but root; root is run without its power to read anything."""
    template = _templates(built) / "company.html"
    template.write_text("<p>{{ record.title }}</p>\n")
    template.chmod(0)
    command = [sys.executable, "-m", "generator", "build", "--site", str(built.site), "--out",
               str(built.out)]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("root reads any file, and setpriv (util-linux), which can take that "
                        "power away, is not installed")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    outcome = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert outcome.returncode == 1, outcome.stderr
    assert error_lines(outcome.stderr) == [f"{COMPANY}:1:1: error: cannot read: Permission "
                                           "denied"]
    built.assert_untouched()


# Not UTF-8: the error is at the first bad byte, by line and column.
NOT_UTF8 = {
    "latin-1": (b"<p>\n  caf\xe9</p>\n", 2, 6, 0xE9, 9),
    "first-byte": (b"\xff{{ record.title }}\n", 1, 1, 0xFF, 0),
    "cut-sequence": (b"ok \xe2\x82\n", 1, 4, 0xE2, 3),
    "utf-16": ("<p>hi</p>\n".encode("utf-16"), 1, 1, 0xFF, 0),
    "after-multibyte": ("é\n€ ".encode() + b"\x80\n", 2, 3, 0x80, 7),
    "surrogate": (b"<p>\xed\xa0\x80</p>", 1, 4, 0xED, 3),
    "overlong": (b"{# \xc0\xaf #}", 1, 4, 0xC0, 3),
}


@pytest.mark.parametrize("name", sorted(NOT_UTF8))
def test_a_template_that_is_not_utf8(built: BuiltSite, name: str) -> None:
    raw, line, col, byte, offset = NOT_UTF8[name]
    assert error_lines(built.refused({COMPANY: raw})) == [
        f"{COMPANY}:{line}:{col}: error: not UTF-8 text: byte 0x{byte:02x} at offset {offset}; "
        "save the file as UTF-8"]


@settings(max_examples=200, derandomize=True, deadline=None, database=None)
@given(st.text(), st.binary(min_size=1, max_size=4), st.text())
def test_the_first_bad_byte_is_found_anywhere(before: str, bad: bytes, after: str) -> None:
    raw = before.encode() + bad + after.encode()
    try:
        expected_text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[:exc.start].decode()
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1  # in characters, as editors count
        with pytest.raises(TemplateFileError) as raised:
            _read_bytes(raw)
        found = raised.value.diagnostic
        assert (found.line, found.col) == (line, col)
        assert found.message == (f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset "
                                 f"{exc.start}; save the file as UTF-8")
    else:  # a template is read as it is: no BOM stripped, no line ends changed
        assert _read_bytes(raw) == expected_text


def _read_bytes(raw: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "t.html")
        path.write_bytes(raw)
        return read_template(str(path), "templates/t.html")


def test_the_size_limit_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "t.html"
    path.write_bytes(b"x" * MAX_TEMPLATE_BYTES)
    assert len(read_template(str(path), "t.html")) == MAX_TEMPLATE_BYTES
    path.write_bytes(b"x" * (MAX_TEMPLATE_BYTES + 1))
    with pytest.raises(TemplateFileError, match="template is 262,145 bytes"):
        read_template(str(path), "t.html")


# Hidden files and backups are skipped: a binary swap file must not break a build.
SKIPPED = {".DS_Store": b"\x00\x00\x00\x01Bud1\xff\xfe", ".company.html.swp": b"b0VIM 9.0\x00\xff",
           "company.html~": b"\xff\xfe old", ".git/HEAD": b"\xff", ".hidden/record.html": b"\xff",
           "#company.html#~": b"{% broken"}


def test_hidden_files_and_backups_are_not_templates(built: BuiltSite) -> None:
    built.write(dict(SKIPPED))
    outcome = built.build()
    assert outcome.code == 0, outcome.err
    assert tree_bytes(built.out) == built.before


@pytest.mark.parametrize("name", [".DS_Store", ".company.html.swp", "company.html~",
                                  ".hidden/record.html"])
def test_a_skipped_file_cannot_be_included(built: BuiltSite, name: str) -> None:
    built.write(dict(SKIPPED))
    err = built.refused({COMPANY: f"{{% include '{name}' %}}\n"})
    assert error_lines(err)[0].startswith(f"{COMPANY}:1:1: error: template error: no template "
                                          f"'{name}'")


def test_the_loader_lists_what_it_can_load(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    folder = site / "templates"
    (folder / "parts").mkdir(parents=True)
    for name in ("company.html", "parts/x.html", "logo.svg", ".swp", "x~", "parts/.y.html"):
        (folder / name).write_text("x")
    (folder / "gone.html").symlink_to("nowhere")
    loader = TemplateFiles(site, THEME_DIR / "templates")
    names = loader.list_templates()
    theme = {p.name for p in (THEME_DIR / "templates").iterdir()}
    assert set(names) == theme | {"company.html", "parts/x.html", "logo.svg", "gone.html"}
    assert names == sorted(names)
    env = jinja2.Environment(loader=loader)
    for name in names:
        if name != "gone.html":
            assert loader.get_source(env, name)[0]
    for refused in ("../site.yaml", ".swp", "x~", "parts/.y.html", "nothing.html", "a\0b"):
        with pytest.raises(jinja2.TemplateNotFound):
            loader.get_source(env, refused)


# Templates that include or extend each other in a circle, or nest too deeply.
CYCLES = {
    "includes-itself": ({COMPANY: "{% include 'company.html' %}"}, ["company.html"]),
    "extends-itself": ({COMPANY: "{% extends 'company.html' %}"}, ["company.html"]),
    "extend-each-other": ({COMPANY: "{% extends 'city.html' %}",
                           "templates/city.html": "{% extends 'company.html' %}"},
                          ["company.html", "city.html"]),
    "circle-of-three": ({COMPANY: "<p>\n{% include 'a.html' %}",
                         "templates/a.html": "{% include 'b.html' %}",
                         "templates/b.html": "\n\n{% include 'c.html' %}",
                         "templates/c.html": "{% include 'a.html' %}"},
                        ["a.html", "b.html", "c.html"]),
    "imports-itself": ({COMPANY: "{% import 'm.html' as m %}{{ m.x() }}",
                        "templates/m.html": "{% import 'm.html' as again %}"
                                            "{% macro x() %}x{% endmacro %}"}, ["m.html"]),
    "extends-what-includes-it": ({COMPANY: "{% extends 'frame.html' %}",
                                  "templates/frame.html": "{% include 'company.html' %}"},
                                 ["company.html", "frame.html"]),
    "theme-record-included-by-itself": (
        {"templates/record.html": "{% include 'record.html' %}"}, ["record.html"]),
}


@pytest.mark.parametrize("name", sorted(CYCLES))
def test_templates_in_a_circle(built: BuiltSite, name: str) -> None:
    files, involved = CYCLES[name]
    lines = error_lines(built.refused({path: text + "\n" for path, text in files.items()}))
    assert lines
    for line in lines:
        match = re.fullmatch(r"(templates/[\w.]+):(\d+):1: error: template error: templates "
                             r"call themselves without end \((.+) → again\); an include, "
                             r"extends, macro or recursive loop never stops", line)
        assert match, line
        steps = match.group(3).split(" → ")
        assert {step.split(":")[0] for step in steps} == {f"templates/{n}" for n in involved}
        assert f"{match.group(1)}:{match.group(2)}" in steps


def test_recursion_that_ends_is_fine(built: BuiltSite) -> None:
    built.write({COMPANY: "{% set depth = 0 %}{% include 'tree.html' %}\n",
                 "templates/tree.html": "[{{ depth }}{% if depth < 40 %}{% with depth = depth + 1 "
                                        "%}{% include 'tree.html' %}{% endwith %}{% endif %}]"})
    outcome = built.build()
    assert outcome.code == 0, outcome.err
    page = (built.out / "companies/acme/index.html").read_text()
    assert page.startswith("[0[1[2") and page.count("]") == 41


DEEP = {
    "nested-for": "{% for a in [1] %}" * 30 + "x" + "{% endfor %}" * 30,
    "nested-if": "{% if 1 %}" * 300 + "x" + "{% endif %}" * 300,
    "parentheses": "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
    "long-sum": "{{ " + " + ".join(["1"] * 20000) + " }}",
    "filter-chain": "{{ 1" + " | abs" * 5000 + " }}",
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_templates_nested_too_deeply_to_compile(built: BuiltSite, name: str) -> None:
    assert error_lines(built.refused({COMPANY: DEEP[name] + "\n"})) == [
        f"{COMPANY}:1:1: error: the template nests too deeply to compile; nest fewer blocks "
        "and expressions, or split it with macros and includes"]


# The dev server shows each of these in the browser, and recovers once it is fixed.
ABOUT = "templates/about.html"
IN_THE_BROWSER: dict[str, tuple[Callable[[Path], None], str]] = {
    "not-utf8": (lambda s: (s / ABOUT).write_bytes(b"<p>caf\xe9</p>\n"),
                 f"{ABOUT}:1:7: error: not UTF-8 text: byte 0xe9 at offset 6"),
    "dangling-link": (lambda s: ((s / ABOUT).unlink(), (s / ABOUT).symlink_to("gone.html")),
                      f"{ABOUT}:1:1: error: a symbolic link to 'gone.html', which does not exist"),
    "fifo": (lambda s: ((s / ABOUT).unlink(), os.mkfifo(s / ABOUT)),
             f"{ABOUT}:1:1: error: a FIFO (named pipe), not a file"),
    "folder": (lambda s: ((s / ABOUT).unlink(), (s / ABOUT).mkdir()),
               f"{ABOUT}:1:1: error: a folder, not a file"),
    "too-big": (lambda s: (s / ABOUT).write_text("x" * (MAX_TEMPLATE_BYTES + 1)),
                f"{ABOUT}:1:1: error: template is 262,145 bytes; the limit is 262,144"),
    "circle": (lambda s: (s / ABOUT).write_text("{% include 'about.html' %}\n"),
               f"{ABOUT}:1:1: error: template error: templates call themselves without end "
               f"({ABOUT}:1 → again)"),
    "sandbox": (lambda s: (s / ABOUT).write_text("{{ lipsum.__globals__['os'] }}\n"),
                f"{ABOUT}:1:1: error: template error: '__globals__' of a function is not "
                "allowed in a template"),
}


def _restore(site: Path, text: bytes) -> None:
    path = site / ABOUT
    if path.is_dir() and not path.is_symlink():
        path.rmdir()
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.write_bytes(text)


def test_the_dev_server_shows_template_file_errors_in_the_browser(
        serve_site: Callable[..., Served]) -> None:
    served = serve_site()
    good = (served.site / ABOUT).read_bytes()
    for name in sorted(IN_THE_BROWSER):
        make, expected = IN_THE_BROWSER[name]
        make(served.site)
        wait_until(lambda: request(served.port, "/")[0] == 500, 10, f"the error page ({name})",
                   served)
        status, body = request(served.port, "/companies/microsoft/")
        assert status == 500 and expected in body.replace("&#x27;", "'"), (name, body)
        assert "Traceback" not in body and "Traceback" not in "\n".join(served.lines)
        _restore(served.site, good)
        wait_until(lambda: request(served.port, "/")[0] == 200, 10, f"recovery ({name})", served)
    assert served.process.poll() is None
