"""Thousands of errors in one file: reported in time linear in their number, and capped.

13,000 errors in one file took 398 s to report: each diagnostic split the whole file to
quote its line, and each Markdown link error walked the file line by line to find its
place. Now a file's lines are indexed once, a long line is quoted as a window around the
column, and only the first SHOWN_PER_FILE diagnostics of a file are printed, with a count
of the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import SHOWN_LINE, SHOWN_PER_FILE, Diagnostic, error_at, format_all
from tests.conftest import SERIAL, copy_case
from tests.hardening import error_lines, run_cli

pytestmark = SERIAL  # reports within a time bound, and times reports against each other
ACME = "content/companies/acme.yaml"
QUOTE = "Acme opened a new factory"


def _unknown_sources(n: int) -> str:
    return "name: Acme\nfacts:\n" + "".join(
        f"  - {{text: t, source: nosuch{i}, quote: q}}\n" for i in range(n))


def _refused_links(n: int) -> str:
    return "name: Acme\nfacts:\n" + "".join(
        f"  - {{text: '[x](javascript:{i})', source: gazette, quote: {QUOTE}}}\n"
        for i in range(n))


def _not_mappings(n: int) -> str:
    return "name: Acme\nfacts:\n" + "".join(f"  - {i}\n" for i in range(n))


def _quotes_not_found(n: int) -> str:
    return "name: Acme\nfacts:\n" + "".join(
        f"  - {{text: t, source: gazette, quote: not in the text {i}}}\n" for i in range(n))


def _one_long_line(n: int) -> str:
    # Every error on one line of the file: a flow list of facts.
    facts = ", ".join(f"{{text: t, source: nosuch{i}, quote: q}}" for i in range(n))
    return f"name: Acme\nfacts: [{facts}]\n"


# How each kind of error is written, and the message its first one gives.
KINDS: dict[str, tuple[Callable[[int], str], str]] = {
    "unknown-source": (_unknown_sources, "unknown source 'nosuch0'"),
    "refused-link": (_refused_links, "link to 'javascript:0' is not allowed"),
    "not-a-mapping": (_not_mappings, "'facts[0]' must be a mapping"),
    "quote-not-found": (_quotes_not_found, "quote not found in the text of source 'gazette'"),
    "one-long-line": (_one_long_line, "unknown source 'nosuch0'"),
}


def _report(tmp_path: Path, name: str, kind: str, n: int) -> tuple[float, str]:
    site = copy_case("basic", tmp_path / name)
    (site / ACME).write_text(KINDS[kind][0](n))
    started = time.perf_counter()
    outcome = run_cli("check", "--site", site)
    took = time.perf_counter() - started
    assert outcome.code == 1
    assert "Traceback" not in outcome.err
    return took, outcome.err


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_13000_errors_in_one_file_are_reported_in_seconds(tmp_path: Path, kind: str) -> None:
    took, err = _report(tmp_path, "many", kind, 13_000)
    assert took < 10
    lines = error_lines(err)
    assert len(lines) == SHOWN_PER_FILE
    assert KINDS[kind][1] in lines[0]
    tail = err.splitlines()[-2:]
    assert tail == [f"{ACME}: … and {13_000 - SHOWN_PER_FILE:,} more errors in this file",
                    "13,000 errors."]
    # Each quoted line is short, even when every error is on one long line.
    assert max(len(line) for line in err.splitlines()) < SHOWN_LINE + 300


@pytest.mark.parametrize("kind", ["refused-link", "one-long-line"])
def test_reporting_time_grows_linearly_with_the_errors(tmp_path: Path, kind: str) -> None:
    # Four times the errors: four times the time plus the fixed cost, not sixteen times.
    # (It was 1.5 s for 2,000 link errors and 16 s for 8,000.)
    small = min(_report(tmp_path, f"s{i}", kind, 2_000)[0] for i in range(2))
    large = min(_report(tmp_path, f"l{i}", kind, 8_000)[0] for i in range(2))
    assert large < 6 * small + 0.5, (small, large)


# format_all and the quoted line, on their own ------------------------------------------------

_DIAGNOSTICS = st.lists(st.builds(
    Diagnostic, st.sampled_from(["a.yaml", "b.yaml", "c/d.yaml"]), st.integers(1, 400),
    st.integers(1, 80), st.sampled_from(["m", "n"]), st.sampled_from(["error", "warning"])),
    max_size=400)


@given(_DIAGNOSTICS, st.integers(1, 150))
def test_each_file_shows_its_first_diagnostics_and_counts_the_rest(
        diagnostics: list[Diagnostic], per_file: int) -> None:
    text = format_all(diagnostics, per_file)
    unique = sorted(set(diagnostics))
    shown: list[Diagnostic] = []
    expected: list[str] = []
    for path in sorted({d.path for d in unique}):
        in_file = [d for d in unique if d.path == path]
        shown += in_file[:per_file]
        expected += [d.format() for d in in_file[:per_file]]
        rest = in_file[per_file:]
        errors = sum(d.is_error for d in rest)
        more = [f"{n:,} more {word}{'s' if n != 1 else ''}"
                for n, word in ((errors, "error"), (len(rest) - errors, "warning")) if n]
        if more:
            expected.append(f"{path}: … and {' and '.join(more)} in this file")
    if not unique:
        assert text == ""
        return
    errors = sum(d.is_error for d in unique)
    counts = [f"{n:,} {word}{'s' if n != 1 else ''}"
              for n, word in ((errors, "error"), (len(unique) - errors, "warning")) if n]
    assert text.split("\n") == [*expected, " and ".join(counts) + "."]


@given(st.integers(0, 3 * SHOWN_LINE), st.integers(0, 3 * SHOWN_LINE))
def test_a_long_line_is_quoted_around_the_column(before: int, after: int) -> None:
    line = "".join(chr(ord("a") + i % 26) for i in range(before + after + 1))
    col = before + 1
    diagnostic = error_at("x.yaml", f"first\n{line}\nlast\n", 2, col, "m")
    quoted, caret = diagnostic.format().split("\n")[1:]
    assert len(quoted) <= 4 + SHOWN_LINE + 2
    # The caret is under the character at the column, as in the whole line.
    assert quoted[caret.index("^")] == line[col - 1]
    if len(line) <= SHOWN_LINE:
        assert quoted == "    " + line
    else:
        assert line[col - 1 - min(before, 40):col + 40] in quoted
