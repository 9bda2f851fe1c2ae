"""Pathological Markdown: each class builds in seconds, or is refused naming its limit.

markdown-it's cost grows with the markup in a text (up to ~21 µs and 2 KB a character),
so 100 KB of `![` took over a minute to check and an 8 MB list 92 s and 3 GB. A text is
now refused before it is parsed when it is longer than MAX_MARKDOWN_CHARS, or when its
record's texts together hold more than MAX_MARKUP markup characters. Every class below
is tried in one long field, spread over many facts, and at the worst just under the limit.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.link.markup import (
    MARKUP_CHARS,
    MAX_MARKDOWN_CHARS,
    MAX_MARKUP,
    MarkupBudget,
    markdown_cost,
    markdown_problem,
    markup_count,
    render_markdown,
)
from tests.conftest import SERIAL, copy_case, write_files
from tests.hardening import audit_html, error_lines, run_cli

pytestmark = SERIAL  # builds within a time bound
ACME = "content/companies/acme.yaml"
QUOTE = "Acme opened a new factory"
LENGTH_ERROR = (f"characters long; the limit is {MAX_MARKDOWN_CHARS:,}: shorten it or split it "
                "across records")
MARKUP_ERROR = (f"error: this record's Markdown holds more than {MAX_MARKUP:,} markup characters "
                "(line breaks and [ ] * _ > # - | …) in all: split the record")
SECONDS = 6  # a build of the small test site with the worst text its limits let through

# One unit of each class of slow Markdown, repeated to the size a case needs.
PATTERNS = {
    "images": "![",
    "image-lines": "![\n",
    "brackets": "[",
    "bracket-lines": "[\n",
    "links": "[a](https://x.example/) ",
    "unclosed-links": "[a](",
    "reference-links": "[a][b] ",
    "footnote-like": "[^",
    "emphasis": "*a*",
    "strong": "**a",
    "underscores": "_a_ ",
    "mixed-emphasis": "*_",
    "strikethrough": "~~a",
    "blockquote-lines": "> a\n",
    "lists": "- a\n",
    "ordered-lists": "1. a\n",
    "tables": "|a|\n|-|\n",
    "headings": "# a\n",
    "setext": "a\n=\n",
    "paragraphs": "a\n\n",
    "backticks": "`a",
    "entities": "&#x41;",
    "html": "<a ",
    "escapes": "\\[",
    # Few markup characters, but each '](' reads the long target after it again.
    "link-targets": "[a](" + "x" * 496,
    "image-targets": "![a](" + "x" * 495,
}
# Nesting, which is not a repeated unit: n levels deep.
NESTED = {
    "nested-brackets": lambda n: "[" * n + "a" + "]" * n,
    "nested-emphasis": lambda n: "*" * n + "a" + "*" * n,
    "nested-quotes": lambda n: "> " * n + "a",
    "nested-links": lambda n: "[" * n + "a" + "](#b)" * n,
    "nested-lists": lambda n: "".join("  " * i + "- a\n" for i in range(n)),
}


def _repeat(unit: str, chars: int) -> str:
    return (unit * (chars // len(unit) + 1))[:chars]


def _texts() -> dict[str, str]:
    """Every class as one text just under the length limit."""
    texts = {name: _repeat(unit, MAX_MARKDOWN_CHARS - 10) for name, unit in PATTERNS.items()}
    for name, make in NESTED.items():
        n = 1
        while len(make(n * 2)) < MAX_MARKDOWN_CHARS:
            n *= 2
        texts[name] = make(n)
    return texts


TEXTS = _texts()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_case("basic", tmp_path)


def _build(site: Path, seconds: float = SECONDS) -> tuple[int, str]:
    started = time.perf_counter()
    outcome = run_cli("build", "--site", site, "--out", site.parent / "out", "--quiet",
                      "--no-cache")
    took = time.perf_counter() - started
    assert took < seconds, f"{took:.1f} s"
    assert "Traceback" not in outcome.err
    return outcome.code, outcome.err


def _built_or_refused(site: Path, code: int, err: str, refusal: str) -> None:
    if code == 0:
        page = (site.parent / "out" / "companies/acme/index.html").read_text()
        assert audit_html("acme", page) == []
    else:
        assert code == 1
        lines = error_lines(err)
        assert len(lines) == 1, err  # one error per record, at the text that went over
        assert refusal in lines[0], lines[0]


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_a_long_field_of_each_class_builds_or_is_refused(site: Path, name: str) -> None:
    record = f"name: Acme\nsummary: {json.dumps(TEXTS[name])}\n"
    (site / ACME).write_text(record)
    code, err = _build(site)
    _built_or_refused(site, code, err, f"{ACME}:2:10: {MARKUP_ERROR}")


# One class of each family (links, emphasis, blocks, tables, …), to keep this file quick.
SPREAD = ["image-lines", "links", "emphasis", "blockquote-lines", "lists", "tables",
          "paragraphs", "link-targets"]


@pytest.mark.parametrize("name", SPREAD)
def test_each_class_spread_over_facts_builds_or_is_refused(site: Path, name: str) -> None:
    # 60 facts of 1,600 characters: each text is short, the record's markup is not.
    text = "a " + _repeat(PATTERNS[name], 1600)
    facts = "".join(f"  - text: {json.dumps(text)}\n    source: gazette\n    quote: {QUOTE}\n"
                    for _ in range(60))
    record = "name: Acme\nfacts:\n" + facts
    (site / ACME).write_text(record)
    code, err = _build(site)
    _built_or_refused(site, code, err, MARKUP_ERROR)
    if code:
        # The error is at the fact whose text went over the limit, and names it.
        per_fact = markdown_cost(text)
        first_over = MAX_MARKUP // per_fact  # 0-based: the facts before it fit
        line = 3 + 3 * first_over
        assert error_lines(err)[0].startswith(f"{ACME}:{line}:11: ")


# The slowest classes per markup character, at the most markup a record may hold, in one
# text, a few and many.
WORST = [("image-lines", 1), ("ordered-lists", 3), ("tables", 30), ("image-targets", 2)]


@pytest.mark.parametrize(("name", "facts"), WORST)
def test_the_worst_markup_just_under_the_limit_builds_in_seconds(site: Path, name: str,
                                                                 facts: int) -> None:
    unit = PATTERNS[name]
    text = unit * ((MAX_MARKDOWN_CHARS - 10) // len(unit))
    while facts * markdown_cost(text) > MAX_MARKUP:
        text = text[:len(text) * 9 // 10]
    items = "".join(f"  - text: {json.dumps(text)}\n    source: gazette\n    quote: {QUOTE}\n"
                    for _ in range(facts))
    record = "name: Acme\nfacts:\n" + items
    (site / ACME).write_text(record)
    assert facts * markdown_cost(text) > MAX_MARKUP * 0.85  # near the limit
    code, err = _build(site)
    assert code == 0, err


def _block(text: str) -> str:
    """`text` as a YAML literal block, indented two spaces."""
    return "|\n" + "".join(f"  {line}\n" if line else "\n" for line in text.split("\n"))


@pytest.mark.parametrize("name", ["images", "lists", "paragraphs"])
@pytest.mark.parametrize("size", [MAX_MARKDOWN_CHARS + 1, 4_500_000])
def test_a_field_over_the_length_limit_is_refused_at_its_line(site: Path, name: str,
                                                             size: int) -> None:
    # A 7.8 MB file of '- a' lines took 72 s and 2.9 GB to check; it is refused before it
    # is parsed.
    record = f"name: Acme\nfounded: 1947\nsummary: {_block(_repeat(PATTERNS[name], size))}"
    (site / ACME).write_text(record)
    code, err = _build(site, seconds=4)
    assert code == 1
    lines = error_lines(err)
    assert len(lines) == 1
    assert lines[0].startswith(f"{ACME}:3:10: error: this Markdown is ")
    assert lines[0].endswith(LENGTH_ERROR)


def test_a_template_that_renders_a_huge_text_as_markdown_is_refused(site: Path) -> None:
    # Only texts of Markdown fields are checked when linked; a site template may still
    # pass any text to the filter, and must get an error, not minutes of parsing.
    text = _repeat(PATTERNS["lists"], 2 * MAX_MARKDOWN_CHARS)
    config = (site / "site.yaml").read_text()
    write_files(site, {
        "site.yaml": config.replace("      text: {type: text}\n",
                                    "      text: {type: text}\n      abstract: {type: text}\n"),
        "content/sources/gazette.yaml": (site / "content/sources/gazette.yaml").read_text()
                                        + f"abstract: {_block(text)}",
        "templates/source.html": '{% extends "record.html" %}\n{% block body_text %}\n'
                                 "{% for field in record.prose %}{{ field.value | markdown }}"
                                 "{% endfor %}\n{% endblock %}\n"})
    code, err = _build(site, seconds=4)
    assert code == 1
    lines = error_lines(err)
    assert lines and lines[0].startswith("templates/source.html:3:1: error: template error: "
                                         "ValueError: this Markdown is ")


# The budget itself ---------------------------------------------------------------------------

@given(st.text(alphabet=st.sampled_from([*MARKUP_CHARS, "a", " ", "é", "(", ")", "."])))
def test_markup_count_counts_the_markup_characters(text: str) -> None:
    assert markup_count(text) == sum(c in MARKUP_CHARS for c in text)


@given(st.lists(st.integers(0, 30_000), min_size=1, max_size=12))
def test_the_budget_refuses_once_the_first_text_that_goes_over(sizes: list[int]) -> None:
    budget = MarkupBudget()
    answers = [budget.charge("company:acme", "*" * n) for n in sizes]
    totals = [sum(sizes[:i + 1]) for i in range(len(sizes))]
    over = next((i for i, total in enumerate(totals) if total > MAX_MARKUP), None)
    for i, answer in enumerate(answers):
        if over is None or i < over:
            assert answer is None
        elif i == over:
            assert answer and "split the record" in answer
        else:
            assert answer == ""  # not parsed, not reported again
    assert budget.charge("company:globex", "*" * 10) is None  # other records are apart


def test_length_is_checked_before_markup() -> None:
    text = "x" * (MAX_MARKDOWN_CHARS + 1)
    assert markdown_problem(text).startswith(f"this Markdown is {len(text):,} characters long")
    assert markdown_problem("x" * MAX_MARKDOWN_CHARS) == ""
    assert markdown_problem("*" * MAX_MARKUP) == ""
    assert "markup characters" in markdown_problem("*" * (MAX_MARKUP + 1))
    with pytest.raises(ValueError, match="the limit is"):
        render_markdown(text, lambda key: "x/", frozenset())


def _reads(text: str) -> int:
    """What markdown-it 4's parseLinkDestination reads from every '](' of `text`."""
    total, at = 0, text.find("](")
    while at >= 0:
        start = pos = at + 2
        level, angle = 0, text.startswith("<", pos)
        pos += angle
        while pos < len(text):
            char = text[pos]
            if char == "\\" and pos + 1 < len(text):
                if not angle and text[pos + 1] == " ":
                    break
                pos += 2
                continue
            if (angle and char in "\n<>") or (not angle and (char <= " " or char == "\x7f")):
                break
            if not angle and char in "()":
                level += 1 if char == "(" else -1
                if level > 32 or level < 0:
                    break
            pos += 1
        total += min(pos, len(text)) - start
        at = text.find("](", at + 1)
    return total


@given(st.lists(st.sampled_from(["](", "[a](", "(", ")", "()", "x", "xxxxxxxx", " ", "\n",
                                 "\t", "\\", "\\(", "<", ">", "](<", "\\>"]), max_size=600))
def test_the_cost_counts_every_link_target_read(parts: list[str]) -> None:
    # Markup that markdown-it reads again and again must cost what the reading costs.
    text = "".join(parts)
    assert markdown_cost(text) >= markup_count(text) + _reads(text) // 100
