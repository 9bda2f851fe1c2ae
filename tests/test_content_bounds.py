"""Content too big to be a record: each class ends fast in an error that names its limit.

A 10 MB field and a 50 MB source text meet the file size limit before they are read; a
record of 100,000 facts meets the values limit; aliases that would expand a small file
into gigabytes meet the bytes limit, whatever their shape. Each is checked end to end
(`factsheet check`), in a few seconds and without a traceback.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.read.compose import MAX_EXPANDED_BYTES, MAX_VALUES
from generator.read.yamlsrc import MAX_BYTES, parse_yaml
from tests.conftest import SERIAL, copy_case
from tests.hardening import error_lines, run_cli

pytestmark = SERIAL  # checks within a time bound
ACME = "content/companies/acme.yaml"
GAZETTE = "content/sources/gazette.yaml"
QUOTE = "Acme opened a new factory"
BYTES_ERROR = (f"document has more than {MAX_EXPANDED_BYTES:,} bytes of text (after expanding "
               "aliases)")
MB = 1024 * 1024


def _check(site: Path, seconds: float) -> list[str]:
    """`factsheet check` of a site that must fail: its error lines, in `seconds` at most."""
    started = time.perf_counter()
    outcome = run_cli("check", "--site", site)
    assert time.perf_counter() - started < seconds
    assert outcome.code == 1, outcome.err
    assert "Traceback" not in outcome.err
    return error_lines(outcome.err)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_case("basic", tmp_path)


def test_the_bytes_limit_is_the_file_size_limit() -> None:
    # An alias-free file cannot pass it: a value is never longer than its text.
    assert MAX_EXPANDED_BYTES == MAX_BYTES


# Files over the size limit ---------------------------------------------------------------

BIG_FILES = {
    "10-MB-field": (ACME, lambda: "name: Acme\nsummary: " + "x" * (10 * MB) + "\n"),
    "10-MB-fact": (ACME, lambda: "name: Acme\nfacts:\n  - text: " + "word " * (2 * MB)
                   + f"\n    source: gazette\n    quote: {QUOTE}\n"),
    "50-MB-source": (GAZETTE, lambda: "title: Gazette\ntext: |\n"
                     + f"  {QUOTE} in Springfield.\n" * (50 * MB // 40)),
    "just-over": (ACME, lambda: "name: Acme\nsummary: " + "x" * (MAX_BYTES - 20) + "\n"),
}


@pytest.mark.parametrize("name", sorted(BIG_FILES))
def test_a_file_over_the_size_limit_is_refused_naming_it(site: Path, name: str) -> None:
    rel, make = BIG_FILES[name]
    raw = make().encode()
    (site / rel).write_bytes(raw)
    assert _check(site, 5) == [f"{rel}:1:1: error: file is {len(raw):,} bytes; the limit is "
                               f"{MAX_BYTES:,}"]


def test_a_file_just_under_the_size_limit_is_read(site: Path) -> None:
    # One long text just under the limit is a good record, read and checked in seconds.
    text = f"{QUOTE} in Springfield. " * ((MAX_BYTES - 200) // 46)
    (site / GAZETTE).write_text(f"title: Gazette\ntext: {text}\n")
    assert (site / GAZETTE).stat().st_size <= MAX_BYTES
    started = time.perf_counter()
    outcome = run_cli("check", "--site", site)
    assert time.perf_counter() - started < 10
    assert "file is" not in outcome.err
    assert "Traceback" not in outcome.err


# Records with too many values --------------------------------------------------------------

@pytest.mark.parametrize("facts", [MAX_VALUES, MAX_VALUES // 7 + 1])
def test_a_record_of_too_many_facts_stops_at_the_values_limit(site: Path, facts: int) -> None:
    # Each fact is 7 values (a mapping, three keys, three texts); both counts are over.
    fact = f"  - {{text: Opened., source: gazette, quote: {QUOTE}}}\n"
    (site / ACME).write_text("name: Acme\nfacts:\n" + fact * facts)
    lines = _check(site, 5)
    assert len(lines) == 1
    assert lines[0].startswith(f"{ACME}:")
    assert lines[0].endswith(f"error: document has more than {MAX_VALUES:,} values (after "
                             "expanding aliases)")


def test_a_record_just_under_the_values_limit_is_checked(site: Path) -> None:
    facts = (MAX_VALUES - 20) // 7
    fact = f"  - {{text: Opened., source: gazette, quote: {QUOTE}}}\n"
    (site / ACME).write_text("name: Acme\nfacts:\n" + fact * facts)
    started = time.perf_counter()
    outcome = run_cli("check", "--site", site)
    assert time.perf_counter() - started < 15
    assert outcome.code == 0, outcome.err


# Aliases that expand into too many bytes ---------------------------------------------------

def _anchor(size: int, char: str = "x") -> str:
    return json.dumps(char * size, ensure_ascii=False)


def _bomb_shapes() -> dict[str, str]:
    """Small files whose aliases expand past the bytes limit, in each shape they can take."""
    big = _anchor(MB)
    doubling = ["a0: &a0 " + _anchor(64 * 1024)]
    doubling += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    return {
        # The reported case: 2,000 facts, each an alias of one 1 MB anchor (a 1.1 MB file).
        "facts-of-one-anchor": "name: Acme\nsummary: &big " + big + "\nfacts:\n" + "".join(
            f"  - {{text: *big, source: gazette, quote: {QUOTE}}}\n" for _ in range(2000)),
        "list-of-aliases": "name: Acme\nbig: &big " + big + "\nmore: [" + ", ".join(
            ["*big"] * 10) + "]\n",
        "nested-anchors": "\n".join(doubling) + "\n",
        "mapping-anchor": "name: Acme\nm: &m {a: " + _anchor(MB // 2) + ", b: "
                          + _anchor(MB // 2) + "}\n" + "".join(f"k{i}: *m\n" for i in range(9)),
        "list-anchor": "name: Acme\nl: &l [" + ", ".join([_anchor(100_000)] * 10) + "]\n"
                       + "".join(f"k{i}: *l\n" for i in range(9)),
        # Three bytes a character: 3 MB of text per anchor, so three aliases pass the limit.
        "multibyte-anchor": "name: Acme\nbig: &big " + _anchor(MB, "\u65e5") + "\nmore: [*big, "
                            "*big]\n",
    }


@pytest.mark.parametrize("shape", sorted(_bomb_shapes()))
def test_aliases_past_the_bytes_limit_are_refused_quickly(site: Path, shape: str) -> None:
    text = _bomb_shapes()[shape]
    assert len(text.encode()) < MAX_BYTES  # a file the size limit lets through
    (site / ACME).write_text(text)
    lines = _check(site, 5)
    assert len(lines) == 1
    assert lines[0].startswith(f"{ACME}:") and lines[0].endswith(f"error: {BYTES_ERROR}")


def test_the_reported_alias_bomb_is_refused_in_little_memory() -> None:
    text = _bomb_shapes()["facts-of-one-anchor"]
    tracemalloc.start()
    try:
        problem = parse_yaml(ACME, text.encode())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not hasattr(problem, "data")
    assert BYTES_ERROR in problem.message  # type: ignore[union-attr]
    assert peak < 30 * MB  # it used to exhaust 6 GB


def _expanded_bytes(value: Any) -> int:
    """The UTF-8 bytes of every key and text of `value`, aliases expanded (by PyYAML)."""
    if isinstance(value, dict):
        return sum(len(k.encode()) + _expanded_bytes(v) for k, v in value.items())
    if isinstance(value, list):
        return sum(_expanded_bytes(v) for v in value)
    return len(value.encode())


# Documents whose expanded size is the limit, give or take one byte, in several shapes.
_EXACT_SHAPES = {
    "scalar-aliases": "big: &x {anchor}\nmore: [{aliases}]\n",
    "mapping-aliases": "big: &x {{k: {anchor}}}\nmore: [{aliases}]\n",
    "list-aliases": "big: &x [{anchor}, {anchor}]\nmore: [{aliases}]\n",
}


def _shape_bytes(template: str, anchor: str, aliases: int) -> int:
    return _expanded_bytes(yaml.safe_load(template.format(
        anchor=json.dumps(anchor, ensure_ascii=False), aliases=", ".join(["*x"] * aliases))))


@pytest.mark.parametrize("shape", sorted(_EXACT_SHAPES))
@pytest.mark.parametrize("char", ["x", "\u00e9", "\U0001f600"])
@pytest.mark.parametrize("extra", [0, 1])
def test_the_bytes_limit_counts_utf8_bytes_exactly(shape: str, char: str, extra: int) -> None:
    template, aliases = _EXACT_SHAPES[shape], 7
    # PyYAML, on small documents, says what one copy of the anchor and one alias add.
    base = _shape_bytes(template, "", 0)
    per_alias = _shape_bytes(template, "", 1) - base
    per_char = (_shape_bytes(template, char * 10, 0) - base) // 10
    assert _shape_bytes(template, char * 10, 1) == base + per_alias + 2 * 10 * per_char
    # n characters in the anchor expand to base + aliases * per_alias + (aliases + 1) * n * c.
    n = (MAX_EXPANDED_BYTES - base - aliases * per_alias) // ((aliases + 1) * per_char)
    total = base + aliases * per_alias + (aliases + 1) * n * per_char
    # The first key is counted once: lengthened, it lands the total on the limit, or past it.
    pad = MAX_EXPANDED_BYTES - total + extra
    assert 0 <= pad < 1000
    text = "b" * pad + template.format(anchor=json.dumps(char * n, ensure_ascii=False),
                                       aliases=", ".join(["*x"] * aliases))
    result = parse_yaml("x.yaml", text.encode())
    if extra:
        assert getattr(result, "message", "") == BYTES_ERROR
    else:
        assert not hasattr(result, "message"), result
