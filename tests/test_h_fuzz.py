"""Hardening, class 8: generated sites, valid and broken, never crash, hang or write outside.

Hypothesis writes YAML documents and records (from well-formed to garbage) into a copy of
the basic site and builds it in-process. Whatever it makes, the build either succeeds or
exits 1 with `path:line:col: error:` diagnostics: never an uncaught exception, never longer
than a time limit, never a file outside the output folder, never a damaged old output.
Fixed seed and a bounded number of examples keep the run short and repeatable.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.read.yamlsrc import parse_yaml
from tests.conftest import tree_bytes
from tests.hardening import audit_html, built_basic_site, run_cli

SECONDS_PER_BUILD = 10
FUZZ = settings(max_examples=60, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
DIAGNOSTIC = re.compile(r"^[^\n:]+:\d+:\d+: (error|warning): ", re.MULTILINE)


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (rather than hang) when the block runs longer than `seconds`."""
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"a build took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# Strategies -----------------------------------------------------------------------------

SLUGS = st.sampled_from(["springfield", "shelbyville", "acme", "globex", "gazette", "nowhere",
                         "Springfield", "", "../x", "city:springfield", "company:globex"])
TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["no", "on", "1.10", "2020-02-30", "~", "null", "<script>alert(1)</script>",
                     "[x](javascript:alert(1))", "[g](company:globex)", "Acme opened a new "
                     "factory", "Its rival “Globex” said", "=1+2", "*" * 50, "> " * 30,
                     "\u2028", "https://acme.example/", "javascript:alert(1)"]))
SCALARS = st.one_of(TEXTS, st.integers(-10**6, 10**6), st.floats(allow_nan=False,
                                                                 allow_infinity=False),
                    st.booleans(), st.none(), SLUGS)
FIELD_NAMES = st.sampled_from(["name", "headquarters", "founded", "website", "summary",
                               "population", "twinned_with", "title", "date", "text", "facts",
                               "nmae", "extra"])
FACT_KEYS = st.sampled_from(["text", "source", "quote", "date", "about", "qoute"])


def _values(depth: int) -> st.SearchStrategy[Any]:
    if depth <= 0:
        return SCALARS
    inner = _values(depth - 1)
    return st.one_of(SCALARS, st.lists(inner, max_size=4),
                     st.dictionaries(st.text(max_size=6), inner, max_size=3))


FACTS = st.lists(st.dictionaries(FACT_KEYS, st.one_of(SCALARS, st.lists(SLUGS, max_size=3)),
                                 max_size=5), max_size=3)
RECORDS = st.one_of(
    st.dictionaries(FIELD_NAMES, st.one_of(_values(2), FACTS), max_size=6),
    _values(2),
)


def _dump(value: Any, style: dict[str, Any]) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, **style)


DUMP_STYLES = st.sampled_from([{}, {"default_flow_style": True}, {"default_style": '"'},
                               {"width": 10}, {"explicit_start": True}])
MUTATIONS = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(
    ["", ":", "- ", "\t", "\n", "  ", "[", "{", "'", '"', "&a ", "*a", "!!python/object:x ",
     "\x00", "\ufeff", "\r", "#", "---\n", "? ", "|", ">", "%", "@", "\\"])), max_size=4)
RAW_BYTES = st.binary(max_size=80)
FILE_NAMES = st.sampled_from(["acme", "globex", "new-one", "Bad Name", "x"])


@st.composite
def record_files(draw: st.DrawFn) -> bytes:
    """One record file: dumped from generated data, sometimes mutated, sometimes raw bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(RAW_BYTES)
    text = _dump(draw(RECORDS), draw(DUMP_STYLES))
    for at, insert in draw(MUTATIONS):
        at %= len(text) + 1
        text = text[:at] + insert + text[at:]
    encoded = text.encode("utf-8")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + (
        encoded.replace(b"\n", b"\r\n") if draw(st.booleans()) else encoded)


SITE_CHANGES = st.dictionaries(
    st.sampled_from(["content/companies", "content/cities", "content/sources"]),
    st.dictionaries(FILE_NAMES, record_files(), min_size=1, max_size=3), max_size=3)


# Properties -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _fresh(workspace: Path) -> Any:
    for child in workspace.iterdir():
        shutil.rmtree(child)
    return built_basic_site(workspace)


def _check_outcome(built: Any, code: int, err: str) -> None:
    assert code in (0, 1), err
    assert "Traceback" not in err
    if code == 1:
        assert DIAGNOSTIC.search(err), err
        built.assert_untouched()
    else:
        # Nothing outside the output folder; every page still free of script.
        assert sorted(os.listdir(built.root)) == ["basic", "out"]
        output = tree_bytes(built.out)
        for path, data in output.items():
            if path.endswith(".html"):
                assert audit_html(path, data.decode("utf-8")) == []
            elif path.endswith(".json"):
                json.loads(data)


@FUZZ
@given(SITE_CHANGES)
def test_generated_sites_build_or_fail_cleanly(workspace: Path,
                                               changes: dict[str, dict[str, bytes]]) -> None:
    built = _fresh(workspace)
    for folder, files in changes.items():
        for name, raw in files.items():
            path = built.site / folder / f"{name}.yaml"
            path.write_bytes(raw)
    with deadline(SECONDS_PER_BUILD):
        started = time.perf_counter()
        outcome = built.build()
    assert time.perf_counter() - started < SECONDS_PER_BUILD
    _check_outcome(built, outcome.code, outcome.err)


SITE_KEYS = st.sampled_from(["title", "description", "language", "base_url", "types", "titel"])
TYPE_SPECS = st.dictionaries(
    st.sampled_from(["folder", "label", "plural", "fields", "title_field", "colour"]),
    st.one_of(SCALARS, st.dictionaries(
        st.sampled_from(["name", "headquarters", "population", "text", "Bad", "facts"]),
        st.one_of(SCALARS, st.dictionaries(st.sampled_from(["type", "to", "required", "inverse",
                                                            "label"]),
                                           st.one_of(SCALARS, st.sampled_from(
                                               ["text", "ref", "refs", "url", "city", "list",
                                                "markdown", "date", "year", "integer"])),
                                           max_size=4)), max_size=4)),
    max_size=5)


@FUZZ
@given(st.dictionaries(SITE_KEYS, st.one_of(
    SCALARS, st.dictionaries(st.sampled_from(["company", "city", "source", "Bad", "x"]),
                             TYPE_SPECS, max_size=3)), max_size=5), DUMP_STYLES)
def test_generated_site_yaml_builds_or_fails_cleanly(workspace: Path, site: dict[str, Any],
                                                     style: dict[str, Any]) -> None:
    built = _fresh(workspace)
    (built.site / "site.yaml").write_text(_dump(site, style), encoding="utf-8")
    with deadline(SECONDS_PER_BUILD):
        outcome = built.build()
    _check_outcome(built, outcome.code, outcome.err)


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(record_files())
def test_parsing_any_record_file_returns_a_document_or_a_diagnostic(raw: bytes) -> None:
    with deadline(5):
        result = parse_yaml("content/companies/x.yaml", raw)
    if hasattr(result, "data"):
        return
    assert result.path == "content/companies/x.yaml"
    assert result.line >= 1 and result.col >= 1
    assert "\n" not in result.format().split("\n")[0][len(result.path):]


def _site_files(site: Path) -> dict[str, bytes]:
    """The site's own files: the build cache in .cache/ is the build's to change."""
    return {rel: data for rel, data in tree_bytes(site).items() if not rel.startswith(".cache/")}


@settings(FUZZ, max_examples=25)
@given(st.lists(st.sampled_from(["..", ".", "/", "\\", "~", "con", "a", "output",
                                 "content", "static", "templates", " ", "-"]),
                min_size=1, max_size=4))
def test_generated_output_paths_are_refused_or_stay_outside_the_site(workspace: Path,
                                                                     parts: list[str]) -> None:
    built = _fresh(workspace)
    out = built.root.joinpath(*parts)
    site_before = _site_files(built.site)
    with deadline(SECONDS_PER_BUILD):
        outcome = run_cli("build", "--site", built.site, "--out", out)
    assert outcome.code in (0, 1) and "Traceback" not in outcome.err
    assert _site_files(built.site) == site_before or (outcome.code == 0 and \
        out.resolve().is_relative_to(built.site.resolve() / "output"))
    assert tree_bytes(built.out) == built.before or out.resolve() == built.out.resolve()
