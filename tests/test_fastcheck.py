"""The compiled fast path (site/fastcheck.py) says "valid" exactly when jsonschema does.

Validation asks jsonschema-rs first and walks the schema with jsonschema only for a record
it does not pass, so a record it passed wrongly would lose every error message. Its verdict
is checked against schemacheck's validator on generated records of every field type, and on
each way the two libraries differ: ECMA-262 against Python regular expressions, 1947.0 as an
integer, our formats, booleans, big numbers and text jsonschema-rs cannot take.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import generator.check.validate as validate_module
from generator.check.validate import validate_records
from generator.read.load import RawRecord
from generator.read.yamlsrc import Document, parse_yaml
from generator.site.config import load_config, parse_config
from generator.site.fastcheck import PYTHON_SPACE, Unsupported, ecma_pattern, fast_validator
from generator.site.model import SiteConfig
from generator.site.schema import (
    FIELD_TYPES,
    MAX_INTEGER,
    PATTERN_WORDS,
    TEXT_PATTERN,
    URL_PATTERN,
    record_schema,
)
from generator.site.schemacheck import FORMATS, make_validator
from tests.conftest import CASES, REPO

SITE = """\
title: Every field type
types:
  thing:
    folder: things
    fields:
      name: {type: text, required: true}
      notes: {type: markdown}
      count: {type: integer}
      ratio: {type: number}
      born: {type: date}
      founded: {type: year}
      website: {type: url}
      owner: {type: ref, to: thing}
      parts: {type: refs, to: thing}
      tags: {type: list}
  source:
    folder: sources
    fields:
      title: {type: text, required: true}
      text: {type: text}
"""


def _config(text: str) -> SiteConfig:
    doc = parse_yaml("site.yaml", text.encode())
    assert isinstance(doc, Document)
    config, diagnostics = parse_config(doc)
    assert config is not None, diagnostics
    return config


CONFIG = _config(SITE)
SCHEMA = record_schema(CONFIG.type("thing"))
SLOW = make_validator(SCHEMA)
FAST = fast_validator(SCHEMA)
FIELDS = {f.name: f.type for f in CONFIG.type("thing").fields}


def fast(data: Any) -> bool:
    assert FAST is not None
    return FAST(data)


def agree(data: Any) -> bool:
    """The verdict both give `data` (a record of type thing); fails when they differ."""
    valid = SLOW.is_valid(data)
    assert fast(data) == valid, data
    return valid


# Generated records ---------------------------------------------------------------------------

# Where Python's whitespace and ECMA-262's differ first, then the rest of both, and some that
# are whitespace to neither.
SPACES = st.sampled_from(["\x1c", "\x1f", "\x85", "\ufeff",
                          *PYTHON_SPACE.replace("\u2000-\u200a", "\u2000\u2005\u200a"),
                          "\u180e", "\u200b", "\u2060"])
TEXTS = st.one_of(st.text(max_size=12), st.lists(SPACES, min_size=1, max_size=2).map("".join),
                  st.lists(SPACES, max_size=3).map("".join),
                  st.builds(lambda a, b: a + "x" + b, st.lists(SPACES).map("".join),
                            st.lists(SPACES).map("".join)))
SLUGS = st.one_of(st.text(alphabet="ab09-:_A\n ", max_size=8),
                  st.sampled_from(["acme", "san-francisco", "city:acme", "acme\n", "acme\n\n",
                                   "\nacme", "-acme", "acme-", "a--b", "ACME", "aсme"]))
DATES = st.one_of(st.dates().map(str), st.sampled_from(
    ["2020-02-30", "2020-02-29", "2019-02-29", "2020-1-01", "2020-01-01\n", "2020-06",
     "2020-13", "2020", "0000", "0000-01-01", "２０２０-01-01", "2020-01-01T00:00"]),
    st.integers(-1, 10_001), st.sampled_from([2020.0, 2020.5]))
URLS = st.one_of(st.builds(lambda s, h, p: f"{s}://{h}{p}", st.sampled_from(["http", "https",
                                                                              "ftp", "HTTP"]),
                           st.sampled_from(["a.example", "", "[::1]", "[::1", "a:0", "a:80",
                                            "a:99999", "a b", "a\u3000b", "a\x85"]),
                           st.sampled_from(["", "/", "/p?q#f", "/\n", "\n", " ", "/\ufeff"])),
                 st.text(max_size=10))
WHOLE = st.one_of(st.integers(), st.integers(-2**70, 2**70), st.sampled_from(
    [0, 1, 9999, 10_000, 100_000, 100_001, MAX_INTEGER, -MAX_INTEGER, MAX_INTEGER + 1,
     -MAX_INTEGER - 1, 2**64, 10**20 - 1]))
NUMBERS = st.one_of(WHOLE, st.floats(allow_nan=False, allow_infinity=False),
                    WHOLE.map(float), st.booleans())
SCALARS = st.one_of(TEXTS, SLUGS, NUMBERS, st.none())
ANY = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=6)
BY_TYPE = {"text": TEXTS, "markdown": TEXTS, "integer": NUMBERS, "number": NUMBERS,
           "date": DATES, "year": NUMBERS, "url": URLS, "ref": SLUGS,
           "refs": st.lists(SLUGS, max_size=3), "list": st.lists(TEXTS, max_size=3)}
FACT = st.fixed_dictionaries({"text": TEXTS, "source": SLUGS, "quote": TEXTS}, optional={
    "date": DATES, "about": st.lists(SLUGS, max_size=3), "claimed_by": SLUGS,
    "rating": st.one_of(TEXTS, st.booleans()), "qoute": TEXTS,
    "also": st.lists(st.fixed_dictionaries({"source": SLUGS, "quote": TEXTS},
                                           optional={"x": TEXTS}), max_size=2)})
CORRECTION = st.fixed_dictionaries({"date": DATES, "text": TEXTS}, optional={
    "facts": st.lists(NUMBERS, max_size=3)})
# A valid record, then up to two of its keys given values near (or far from) their type's.
SLUG = st.lists(st.text("abz09", min_size=1, max_size=4), min_size=1, max_size=3).map(
    "-".join).flatmap(lambda s: st.sampled_from([s, s + "\n"]))  # Python's `$` takes "a\n"
TEXT = st.builds(lambda a, b: a + "x" + b, st.text(max_size=6), st.text(max_size=6))
DATE = st.dates().map(str)
GOOD = {"text": TEXT, "markdown": TEXT, "integer": st.integers(-MAX_INTEGER, MAX_INTEGER),
        "number": st.one_of(st.integers(-MAX_INTEGER, MAX_INTEGER),
                            st.floats(allow_nan=False, allow_infinity=False)),
        "date": DATE, "year": st.integers(1, 9999),
        "url": st.builds("http{}://{}{}".format, st.sampled_from(["", "s"]), SLUG,
                         st.sampled_from(["", "/", "/a/b?c=d#e", ":8080/"])),
        "ref": SLUG, "refs": st.lists(SLUG, max_size=3, unique=True),
        "list": st.lists(TEXT, max_size=3, unique=True)}
GOOD_FACT = st.fixed_dictionaries({"text": TEXT, "source": SLUG, "quote": TEXT}, optional={
    "date": st.one_of(DATE, DATE.map(lambda d: d[:7]), st.integers(1, 9999)),
    "about": st.lists(SLUG, max_size=2, unique=True), "claimed_by": SLUG,
    "rating": st.one_of(TEXT, st.booleans()),
    "also": st.lists(st.fixed_dictionaries({"source": SLUG, "quote": TEXT}), max_size=2)})
GOOD_RECORD = st.fixed_dictionaries({"name": TEXT}, optional={
    **{name: GOOD[kind] for name, kind in FIELDS.items() if name != "name"},
    "facts": st.lists(GOOD_FACT, max_size=3), "aliases": st.lists(SLUG, max_size=2, unique=True),
    "updated": DATE, "corrections": st.lists(st.fixed_dictionaries(
        {"date": DATE, "text": TEXT}, optional={"facts": st.lists(st.integers(1, 100_000),
                                                                  min_size=1, unique=True)}),
        max_size=2)})
NEAR = {**{name: BY_TYPE[kind] for name, kind in FIELDS.items()},
        "facts": st.lists(st.one_of(GOOD_FACT, FACT, FACT, ANY), min_size=1, max_size=3),
        "aliases": st.lists(SLUGS, max_size=3), "updated": DATES,
        "corrections": st.lists(st.one_of(CORRECTION, CORRECTION, ANY), min_size=1,
                                max_size=2), "nmae": TEXTS, "naïve": TEXTS, "日本": TEXTS}


@st.composite
def records(draw: st.DrawFn) -> Any:
    record = draw(GOOD_RECORD)
    for key in draw(st.lists(st.sampled_from(sorted(NEAR)), max_size=2)):
        record[key] = draw(st.one_of(NEAR[key], NEAR[key], NEAR[key], ANY))
    if draw(st.integers(0, 9)) == 0:
        del record["name"]
    return record


def test_the_generated_records_cover_every_field_type() -> None:
    assert set(FIELDS.values()) == set(FIELD_TYPES)


@settings(max_examples=1500, derandomize=True, deadline=None, database=None)
@given(st.one_of(records(), records(), records(), ANY))
def test_the_fast_verdict_is_jsonschemas(data: Any) -> None:
    agree(data)


@settings(max_examples=1000, derandomize=True, deadline=None, database=None)
@given(st.one_of(st.text(max_size=12), SLUGS, DATES.filter(lambda d: isinstance(d, str)),
                 URLS, TEXTS),
       st.sampled_from(sorted(PATTERN_WORDS)))
def test_each_pattern_matches_what_python_matches(value: Any, pattern: str) -> None:
    check = fast_validator({"type": "string", "pattern": pattern})
    assert check is not None
    assert check(value) == bool(re.search(pattern, value)), (value, pattern)


# Each difference between the two libraries ---------------------------------------------------

def test_python_space_is_every_character_python_calls_whitespace() -> None:
    spaces = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert {chr(c) for c in range(0x110000) if re.match(PYTHON_SPACE.join("[]"), chr(c))} \
        == spaces
    assert all(re.match(r"\s", c) for c in spaces)


@pytest.mark.parametrize("pattern, make", [(TEXT_PATTERN, "{}"), (URL_PATTERN, "http://a{}"),
                                           (URL_PATTERN, "http://{}")])
def test_whitespace_is_pythons_for_every_character(pattern: str, make: str) -> None:
    # ECMA-262's \s lacks U+001C-U+001F and U+0085 and has U+FEFF: "\x85" alone is no text.
    check = fast_validator({"type": "string", "pattern": pattern})
    assert check is not None
    wrong = [hex(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and
             check(make.format(chr(c))) != bool(re.search(pattern, make.format(chr(c))))]
    assert wrong == []
    for text in ("\x85", "\x1c", "\u3000 \u2028"):
        assert not agree({"name": text})
    assert agree({"name": "\ufeff"})


def test_a_closing_dollar_also_matches_before_a_final_line_break() -> None:
    assert agree({"name": "A", "owner": "acme\n", "parts": ["a\n"], "facts": [
        {"text": "t", "source": "s\n", "quote": "q"}]})
    assert not agree({"name": "A", "born": "2020-01-01\n"})  # the format refuses it
    assert not agree({"name": "A", "owner": "acme\n\n"})
    assert not agree({"name": "A", "owner": "\nacme"})


@pytest.mark.parametrize("pattern", [r"\/", r"a\-", r"\.", r"\(\)", r"\\", r"\[\]", r"\{\}", r"\|",
                                     r"\^\$", r"\*\+\?", "^a{2}$", "^a{1,}b*?$", "^(a|b)+$"])
def test_escaped_symbols_and_quantifiers_mean_the_same(pattern: str) -> None:
    check = fast_validator({"type": "string", "pattern": pattern})
    assert check is not None
    for text in ("/", "a-", "a", ".", "()", "\\", "[]", "{}", "|", "^$", "*+?", "aa", "ab\n",
                 "aab", "b", ""):
        assert check(text) == bool(re.search(pattern, text)), text


@pytest.mark.parametrize("pattern", [r"\d", r"\w", r"\b", "a.b", "(?i)a", "(?P<n>a)",
                                     "(?#c)a", "a$b", r"[\S]", "é", r"\u0041", "[[a]", "a{,2}"])
def test_a_pattern_that_may_differ_turns_the_fast_path_off(pattern: str) -> None:
    with pytest.raises(Unsupported):
        ecma_pattern(pattern)
    assert fast_validator({"type": "string", "pattern": pattern}) is None


def test_a_keyword_not_known_to_agree_turns_the_fast_path_off() -> None:
    assert fast_validator({"type": "object", "patternProperties": {"^a$": {}}}) is None
    assert fast_validator({"type": "string", "format": "email"}) is None
    assert fast_validator({"$ref": "other.json"}) is None
    assert fast_validator({"type": 5}) is None  # not a schema: jsonschema-rs refuses it
    assert fast_validator({"properties": {"type": {"type": "string"}}}) is not None


@pytest.mark.parametrize("field", ["count", "founded"])
def test_a_whole_float_is_no_integer(field: str) -> None:
    assert agree({"name": "A", field: 1947})
    for value in (1947.0, 1947.5, True, "1947", 1e20):
        assert not agree({"name": "A", field: value})
    fact = {"text": "t", "source": "s", "quote": "q"}
    assert agree({"name": "A", "facts": [{**fact, "date": 1947}],
                  "corrections": [{"date": "2020-01-01", "text": "t", "facts": [1]}]})
    assert not agree({"name": "A", "facts": [{**fact, "date": 1947.0}]})
    assert not agree({"name": "A", "corrections": [{"date": "2020-01-01", "text": "t",
                                                    "facts": [1.0]}]})


def test_a_number_bounds_whole_numbers_only_when_they_are_integers() -> None:
    # A float is not an integer to us, so the range of whole numbers does not apply to it.
    for value in (1e20, -1e20, 1.5, 2.0**53, float(MAX_INTEGER)):
        assert agree({"name": "A", "ratio": value})
    assert agree({"name": "A", "ratio": MAX_INTEGER})
    for value in (MAX_INTEGER + 1, -MAX_INTEGER - 1, 2**64, 10**20 - 1, -(10**20) + 1, True):
        assert not agree({"name": "A", "ratio": value})
        assert not agree({"name": "A", "count": value})


def test_formats_are_ours() -> None:
    for born in ("2020-02-29", "2020-01-31"):
        assert agree({"name": "A", "born": born, "updated": born})
    for born in ("2019-02-29", "2020-04-31", "2020-00-10"):
        assert not agree({"name": "A", "born": born})
        assert not agree({"name": "A", "updated": born})
    fact = {"text": "t", "source": "s", "quote": "q"}
    for date in ("2020", "2020-02", "2020-02-29", 2020):
        assert agree({"name": "A", "facts": [{**fact, "date": date}]})
    for date in ("2020-13", "2019-02-29", "0000", 0, 10_000):
        assert not agree({"name": "A", "facts": [{**fact, "date": date}]})
    assert agree({"name": "A", "website": "https://a.example/p?q#f"})
    for url in ("http://a:0/", "http://[::1", "http://a:99999/", "ftp://a", "http://a\x85"):
        assert not agree({"name": "A", "website": url})


def test_our_formats_pass_what_is_not_text() -> None:
    # jsonschema-rs checks a format on strings only; jsonschema on every value.
    for func, _raises in FORMATS.checkers.values():
        assert all(func(value) for value in (1, 1.5, True, None, [], {}))


def test_booleans_numbers_and_keys() -> None:
    assert not agree({"name": True})
    assert agree({"name": "A", "parts": ["a", "b"], "tags": ["x", "y"]})
    assert not agree({"name": "A", "parts": ["a", "a"]})
    assert not agree({"name": "A", "corrections": [{"date": "2020-01-01", "text": "t",
                                                    "facts": [1, 1]}]})
    fact = {"text": "t", "source": "s", "quote": "q"}
    assert agree({"name": "A", "facts": [{**fact, "rating": True}]})
    for key in ("naïve", "日本", "NAME", "name "):
        assert not agree({"name": "A", key: "x"})
    for data in (None, [], "name: A", 1, {}):
        assert not agree(data)


def test_text_jsonschema_rs_cannot_take_is_left_to_jsonschema() -> None:
    # A lone surrogate is not UTF-8, so jsonschema-rs raises (YAML's "\ud800" is refused
    # when the file is read; a document from elsewhere could hold one).
    assert SLOW.is_valid({"name": "\ud800"})
    assert not fast({"name": "\ud800"})
    doc = Document("content/things/a.yaml", "name: x\n", {"name": "\ud800"})
    assert validate_records(CONFIG, [RawRecord("thing", "a", doc)])[1] == []
    assert not fast({"name": "A", "count": 1j}) and not SLOW.is_valid({"name": "A", "count": 1j})


# Where it is used ------------------------------------------------------------------------------

@pytest.mark.parametrize("site", [REPO, CASES / "basic", CASES / "multilingual", CASES / "trust"])
def test_every_record_type_has_the_fast_path(site: Path) -> None:
    config = load_config(site)
    assert all(fast_validator(record_schema(t)) is not None for t in config.types)


def test_a_valid_record_is_not_walked_by_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Document] = []
    real = validate_module.schema_problems
    monkeypatch.setattr(validate_module, "schema_problems",
                        lambda doc, validator: calls.append(doc) or real(doc, validator))
    good = parse_yaml("content/things/a.yaml", b"name: A\ncount: 3\n")
    bad = parse_yaml("content/things/b.yaml", b"name: A\ncount: 3.0\n")
    assert isinstance(good, Document) and isinstance(bad, Document)
    _, problems = validate_records(CONFIG, [RawRecord("thing", "a", good),
                                            RawRecord("thing", "b", bad)])
    assert calls == [bad]
    assert [(p.line, p.col, p.message) for p in problems] == [
        (2, 8, "'count' must be a whole number, not the number 3.0")]
