"""Hardening, class 7: faults during a build never damage the previous output.

A build killed at any moment, a disk that fills up, an output folder that cannot be
written, content that vanishes or changes while it is read, and templates that raise,
recurse or loop: each ends in a clear diagnostic (or, when killed, nothing at all) and the
old output/ stays complete; the next build cleans up what a killed one left.
"""

from __future__ import annotations

import errno
import os
import pathlib
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.render import engine as render
from generator.write import staging
from tests.conftest import REPO, SERIAL, copy_case, tree_bytes, write_files
from tests.hardening import BuiltSite, built_basic_site, error_lines

ACME = "content/companies/acme.yaml"


@pytest.fixture
def built(tmp_path: Path) -> BuiltSite:
    return built_basic_site(tmp_path)


# Killed at random moments ------------------------------------------------------------------

def _big_site(root: Path, records: int) -> Path:
    site = copy_case("basic", root)
    text = " ".join(f"Word{i} of the source text." for i in range(400))
    files: dict[str, str | bytes] = {"content/sources/long.yaml": f"title: Long\ntext: {text}\n"}
    for i in range(records):
        files[f"content/companies/company-{i}.yaml"] = (
            f"name: Company {i}\nheadquarters: springfield\nsummary: Summary *{i}*.\nfacts:\n"
            + "".join(f"  - text: Fact {j} of {i}.\n    source: long\n"
                      f"    quote: Word{j} of the source text.\n    date: 2020-01-{j + 1:02d}\n"
                      for j in range(5)))
    return write_files(site, files)


def _build_command(site: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--site", str(site), "--out", str(out),
            "--quiet"]


@SERIAL  # kills builds at timed moments
def test_a_build_killed_at_any_moment_leaves_the_old_output_whole(tmp_path: Path) -> None:
    site = _big_site(tmp_path, 400)
    out = tmp_path / "out"
    subprocess.run(_build_command(site, out), check=True, cwd=REPO, timeout=300)
    old = tree_bytes(out)
    (site / "site.yaml").write_text((site / "site.yaml").read_text()
                                    .replace("title: Basic test site", "title: Second edition"))
    started = time.perf_counter()
    subprocess.run(_build_command(site, tmp_path / "reference"), check=True, cwd=REPO,
                   timeout=300)
    duration = time.perf_counter() - started
    new = tree_bytes(tmp_path / "reference")
    shutil.rmtree(tmp_path / "reference")
    assert new != old
    moments = random.Random(20200611)
    outcomes = set()
    for _ in range(6):
        process = subprocess.Popen(_build_command(site, out), cwd=REPO)
        time.sleep(moments.uniform(0.05, duration * 0.95))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        now = tree_bytes(out)
        assert now in (old, new), "a killed build left a half-written output folder"
        outcomes.add("old" if now == old else "new")
        if now == new:  # start again from the old output for the next kill
            shutil.rmtree(out)
            write_files(out, dict(old.items()))
    assert "old" in outcomes
    subprocess.run(_build_command(site, out), check=True, cwd=REPO, timeout=300)
    assert tree_bytes(out) == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["basic", "out"], \
        "the next build should remove what the killed ones left beside the output"


# The disk fills up, the folder cannot be written ---------------------------------------------

def _fail_after(monkeypatch: pytest.MonkeyPatch, target: object, name: str, calls: int,
                error: int) -> None:
    """Make `target.name` raise OSError(error) from its `calls`-th call on."""
    original = getattr(target, name)
    count = [0]

    def failing(*args: object, **kwargs: object) -> object:
        count[0] += 1
        if count[0] >= calls:
            raise OSError(error, os.strerror(error), str(args[0]) if args else None)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)


@pytest.mark.parametrize("calls", [1, 9])
@pytest.mark.parametrize(("target", "name"), [
    (staging, "write_new_file"), (os, "makedirs"), (pathlib.Path, "write_bytes"),
    (shutil, "copyfile"), (pathlib.Path, "write_text"), (pathlib.Path, "mkdir"),
])
@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EDQUOT],
                         ids=["ENOSPC", "EACCES", "EROFS", "EDQUOT"])
def test_a_write_that_fails_leaves_the_old_output(built: BuiltSite,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  target: object, name: str, calls: int,
                                                  error: int) -> None:
    built.write({"site.yaml": (built.site / "site.yaml").read_text()
                 .replace("Basic test site", "Changed")})
    _fail_after(monkeypatch, target, name, calls, error)
    outcome = built.build()
    monkeypatch.undo()
    if outcome.code == 0:
        # Fewer writes of this kind than `calls`: the build was allowed to finish.
        assert tree_bytes(built.out) != built.before
        return
    assert outcome.code == 1
    assert "Traceback" not in outcome.err
    lines = error_lines(outcome.err)
    # Pages and data are written by the build, the search index's files after them.
    assert len(lines) == 1 and any(f"error: cannot {what}: {os.strerror(error)}" in lines[0]
                                   for what in ("write the output", "build the search index"))
    built.assert_untouched()


def test_the_swap_failing_leaves_the_old_output(built: BuiltSite,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    built.write({"site.yaml": (built.site / "site.yaml").read_text()
                 .replace("Basic test site", "Changed")})
    monkeypatch.setattr("generator.write.place._renameat2", lambda: None)  # the portable path
    _fail_after(monkeypatch, os, "rename", 1, errno.EXDEV)
    outcome = built.build()
    monkeypatch.undo()
    assert outcome.code == 1
    assert "cannot write the output: Invalid cross-device link" in outcome.err
    built.assert_untouched()


@pytest.mark.parametrize("limit", [1, 2_000, 20_000])
def test_file_size_limit_in_a_real_process(built: BuiltSite, limit: int) -> None:
    built.write({"content/sources/gazette.yaml": "title: T\ntext: |\n  Acme opened a new "
                 "factory. Its rival “Globex” said\n  " + "filler " * 5000 + "\n"})

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(_build_command(built.site, built.out), cwd=REPO, timeout=120,
                            capture_output=True, text=True, preexec_fn=limit_file_size)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "error: cannot write the output: File too large" in result.stderr
    built.assert_untouched()


# Content that vanishes or changes while the build reads it ----------------------------------

def test_a_content_file_that_vanishes_while_read(built: BuiltSite,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    original = os.open

    def vanish(path: str, flags: int, *args: int, **kwargs: int) -> int:
        if os.path.basename(path) == "acme.yaml":
            os.unlink(path)  # listed and stat'ed, gone when opened
        return original(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", vanish)
    # The file goes while it is read; a cache that saw nothing change would not read it.
    err = built.refused(None, "--no-cache")
    # Only the vanished file is reported; links to it are not "unknown" as well.
    assert error_lines(err) == [f"{ACME}:1:1: error: cannot read: No such file or directory"]


def test_a_content_file_changed_after_it_was_read(built: BuiltSite,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    original = os.open
    built.write({ACME: "name: Acme\nfounded: nineteen\n"})

    def change(path: str, flags: int, *args: int, **kwargs: int) -> int:
        descriptor = original(path, flags, *args, **kwargs)
        if os.path.basename(path) == "acme.yaml":
            # Replaced (as editors save) once opened: what is read is the old text.
            new = Path(path).with_name("acme.new")
            new.write_text("# rewritten meanwhile\n\n\nname: x\n")
            os.replace(new, path)
        return descriptor

    monkeypatch.setattr(os, "open", change)
    err = built.refused()
    # The diagnostic quotes the text that was read, at the line it had then.
    assert error_lines(err) == [f"{ACME}:2:10: error: 'founded' must be a whole number, not "
                                "'nineteen'"]
    assert "founded: nineteen" in err


def test_a_static_file_that_vanishes_before_it_is_copied(built: BuiltSite,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    built.write({"static/robots-extra.txt": "x"})
    original = shutil.copyfile

    def vanish(source: str, target: str) -> object:
        if Path(source).name == "robots-extra.txt":
            Path(source).unlink()
        return original(source, target)

    monkeypatch.setattr(shutil, "copyfile", vanish)
    err = built.refused()
    assert error_lines(err) == ["static/robots-extra.txt:1:1: error: cannot read: the file was "
                                "removed during the build"]


def test_a_content_file_that_cannot_be_read(built: BuiltSite,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    original = os.open

    def denied(path: str, flags: int, *args: int, **kwargs: int) -> int:
        if os.path.basename(path) == "springfield.yaml":
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return original(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    # A real change of permissions changes the file's ctime; this one only fails the read.
    err = built.refused(None, "--no-cache")
    assert error_lines(err) == ["content/cities/springfield.yaml:1:1: error: cannot read: "
                                "Permission denied"]


# Templates that raise, recurse or loop --------------------------------------------------------

TEMPLATE_FAULTS = {
    "divide-by-zero": ("<p>{{ 1 / 0 }}</p>", 1, "ZeroDivisionError"),
    "filter-raises": ("<p>\n{{ '%d' | format('x') }}</p>", 2, "TypeError"),
    "sort-mixed": ("{{ [1, 'a'] | sort }}", 1, "TypeError"),
    "wordwrap-zero": ("{{ 'a b' | wordwrap(0) }}", 1, "ValueError"),
    "markdown-of-a-list": ("{{ [1, 2] | markdown }}", 1, "template error"),
    "recursive-include": ("{% include 'company.html' %}", 1, "call themselves without end"),
    "recursive-macro": ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n{{ f(0) }}", 1,
                        "call themselves without end"),
    "mutual-include": ("{% include 'other.html' %}", 1, "call themselves without end"),
    "huge-range": ("{% for i in range(10**12) %}{{ i }}{% endfor %}", 1,
                   "range() of 1,000,000,000,000 numbers; a template may count to 100,000"),
    "huge-range-step": ("{% for i in range(0, 10**15, 3) %}{% endfor %}", 1, "range() of"),
    "missing-include": ("{% include 'nowhere.html' %}", 1, "nowhere.html"),
    "raise-undefined": ("{{ record.facts[99].text }}", 1, "template error"),
}


@SERIAL  # refused within a time bound
@pytest.mark.parametrize("name", sorted(TEMPLATE_FAULTS))
def test_templates_that_raise_recurse_or_loop(built: BuiltSite, name: str) -> None:
    source, line, message = TEMPLATE_FAULTS[name]
    started = time.perf_counter()
    err = built.refused({"templates/company.html": source + "\n",
                         "templates/other.html": "{% include 'company.html' %}\n"})
    assert time.perf_counter() - started < 20
    lines = error_lines(err)
    assert lines, err
    assert lines[0].startswith(("templates/company.html:", "templates/other.html:",
                                "templates:1:1:"))
    assert all(message in line for line in lines), lines
    if lines[0].startswith("templates/company.html:"):
        assert lines[0].startswith(f"templates/company.html:{line}:")


@SERIAL  # a time limit, within a time bound
def test_nested_loops_are_stopped_by_the_time_limit(built: BuiltSite,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "PAGE_SECONDS", 1.0)
    started = time.perf_counter()
    err = built.refused({"templates/city.html": "{% for i in range(100000) %}\n"
                         "{% for j in range(100000) %}{% endfor %}{% endfor %}\n"})
    assert time.perf_counter() - started < 15
    assert error_lines(err)[0].startswith("templates/city.html:")
    assert "rendering one page took more than 1 s; is there an endless loop?" in err


def test_a_range_within_the_cap_is_fine(built: BuiltSite) -> None:
    built.write({"templates/city.html": "{{ range(100000) | sum }} {{ range(3) | list }}\n"})
    assert built.build().code == 0
    assert (built.out / "cities/springfield/index.html").read_text() == \
        "4999950000 [0, 1, 2]\n"


def test_template_errors_with_several_jobs(built: BuiltSite) -> None:
    built.write({"templates/company.html": "{% include 'company.html' %}\n"})
    outcome = built.build("--jobs", "2")
    assert outcome.code == 1
    assert "call themselves without end" in outcome.err and "Traceback" not in outcome.err
    built.assert_untouched()
