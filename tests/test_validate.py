"""Validation: records against their type (validate_records) and site.yaml itself (config)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.check.validate import Record, validate_records
from generator.errors import BuildFailed, Diagnostic
from generator.read.load import RawRecord
from generator.read.yamlsrc import Document, parse_yaml
from generator.site.config import load_config, parse_config
from generator.site.model import SiteConfig
from tests.conftest import CASES, write_files

SITE = """\
title: Test site
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
      parts: {type: refs, to: thing, inverse: Part of}
      tags: {type: list}
  source:
    folder: sources
    fields:
      title: {type: text, required: true}
      text: {type: text}
"""
RECORD_PATH = "content/things/a.yaml"
SLUG_WORDS = "a slug: lowercase letters, digits and '-' (e.g. 'san-francisco')"
NAME_WORDS = "a name: lowercase letters, digits and '_', starting with a letter"
REF_TYPE_WORDS = "the slug of a record, such as 'san-francisco'"

Found = tuple[int, int, str]


def document(path: str, text: str) -> Document:
    doc = parse_yaml(path, text.encode("utf-8"))
    assert isinstance(doc, Document), doc
    return doc


def site_config(text: str = SITE) -> SiteConfig:
    config, diagnostics = parse_config(document("site.yaml", text))
    assert config is not None, diagnostics
    return config


CONFIG = site_config()


def validate(text: str, type_name: str = "thing") -> tuple[list[Record], list[Diagnostic]]:
    raw = RawRecord(type_name, "a", document(RECORD_PATH, text))
    return validate_records(CONFIG, [raw])


def problems(text: str, type_name: str = "thing") -> list[Found]:
    _, diagnostics = validate(text, type_name)
    assert all(d.path == RECORD_PATH and d.severity == "error" for d in diagnostics)
    return sorted((d.line, d.col, d.message) for d in diagnostics)


def fields_of(text: str) -> dict[str, Any]:
    records, diagnostics = validate(text)
    assert diagnostics == []
    return records[0].fields


def config_problems(text: str) -> list[Found]:
    config, diagnostics = parse_config(document("site.yaml", text))
    assert config is None
    assert all(d.path == "site.yaml" for d in diagnostics)
    return sorted((d.line, d.col, d.message) for d in diagnostics)


def at(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in `text`."""
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def with_field(name: str, spec: str) -> str:
    """SITE with one more field on the `thing` type."""
    return SITE.replace("      tags: {type: list}\n", f"      tags: {{type: list}}\n"
                        f"      {name}: {spec}\n")


# --- field types: good values ----------------------------------------------------------------


@pytest.mark.parametrize(("line", "expected"), [
    ("notes: |\n  One *para*.\n\n  Two.\n", "One *para*.\n\nTwo.\n"),
    ("count: 42", 42), ("count: -3", -3), ("count: 0x10", 16),
    ("ratio: 1.5", 1.5), ("ratio: 2", 2), ("ratio: -1e3", -1000.0),
    ("born: 2020-06-11", "2020-06-11"), ("born: 2020-02-29", "2020-02-29"),
    ("born: '1999-12-31'", "1999-12-31"),
    ("founded: 1947", 1947), ("founded: 1", 1), ("founded: 9999", 9999),
    ("website: https://x.org", "https://x.org"),
    ("website: http://localhost:8000/p?q=1#f", "http://localhost:8000/p?q=1#f"),
    ("owner: b", "b"), ("owner: san-francisco-2", "san-francisco-2"),
    ("parts: [b, c-d]", ["b", "c-d"]), ("parts: []", []),
    ("tags: [x y, 'z', no]", ["x y", "z", "no"]),
])
def test_good_values_are_kept(line: str, expected: Any) -> None:
    field = line.split(":")[0]
    value = fields_of(f"name: A\n{line}\n")[field]
    assert value == expected
    assert type(value) is type(expected)


def test_text_keeps_yaml11_words_as_text() -> None:
    assert fields_of("name: no\n") == {"name": "no"}


def test_fields_are_kept_in_declared_order() -> None:
    assert list(fields_of("tags: [a]\ncount: 1\nname: A\n")) == ["name", "count", "tags"]


def test_record_title_key_and_path() -> None:
    records, _ = validate("name: '  Acme  '\n")
    record = records[0]
    assert (record.type, record.slug, record.title, record.key, record.path) == (
        "thing", "a", "Acme", "thing:a", RECORD_PATH)


# --- field types: bad values, each with its exact message and position -------------------------


@pytest.mark.parametrize(("line", "message"), [
    # text and markdown
    ('name: ""', "'name' must not be empty"),
    ("name: '   '", "'name' must not be empty"),
    ('name: "\\t\\n"', "'name' must not be empty"),
    ("name: 12", "'name' must be text, not the number 12 (put it in quotes to make it text)"),
    ("name: true", "'name' must be text, not the boolean true (put it in quotes to make it text)"),
    ("name: [a]", "'name' must be text, not a list"),
    ("name: {a: 1}", "'name' must be text, not a mapping"),
    ("notes: ''", "'notes' must not be empty"),
    ("notes: 5", "'notes' must be text, not the number 5 (put it in quotes to make it text)"),
    # integer
    ("count: nineteen", "'count' must be a whole number, not 'nineteen'"),
    ("count: 1.5", "'count' must be a whole number, not the number 1.5"),
    ("count: '3'", "'count' must be a whole number, not '3' (drop the quotes to make it a number)"),
    ("count: true", "'count' must be a whole number, not the boolean true"),
    # number
    ("ratio: '1.5'", "'ratio' must be a number, not '1.5' (drop the quotes to make it a number)"),
    ("ratio: .inf", "'ratio' must be a finite number, not '.inf'"),
    ("ratio: .nan", "'ratio' must be a finite number, not '.nan'"),
    ("ratio: false", "'ratio' must be a number, not the boolean false"),
    # date
    ("born: 2020-02-30", "'born' must be a real calendar date written YYYY-MM-DD, not "
                         "'2020-02-30'"),
    ("born: 2019-02-29", "'born' must be a real calendar date written YYYY-MM-DD, not "
                         "'2019-02-29'"),
    ("born: 2020-13-01", "'born' must be a real calendar date written YYYY-MM-DD, not "
                         "'2020-13-01'"),
    ("born: 2020-06", "'born' must be a date written YYYY-MM-DD, not '2020-06'"),
    ("born: 2020-6-1", "'born' must be a date written YYYY-MM-DD, not '2020-6-1'"),
    ("born: 11/06/2020", "'born' must be a date written YYYY-MM-DD, not '11/06/2020'"),
    ("born: 2020-06-11T10:00", "'born' must be a date written YYYY-MM-DD, not "
                               "'2020-06-11T10:00'"),
    ("born: 2020", "'born' must be a real calendar date written YYYY-MM-DD, not the number 2020"),
    # year
    ("founded: nineteen", "'founded' must be a whole number, not 'nineteen'"),
    ("founded: '1947'",
     "'founded' must be a whole number, not '1947' (drop the quotes to make it a number)"),
    ("founded: 1947.5", "'founded' must be a whole number, not the number 1947.5"),
    ("founded: 0", "'founded' must be at least 1, not the number 0"),
    ("founded: -5", "'founded' must be at least 1, not the number -5"),
    ("founded: 10000", "'founded' must be at most 9999, not the number 10000"),
    ("founded: 2020-06", "'founded' must be a whole number, not '2020-06'"),
    # url
    ("website: ftp://x.org/", "'website' must be an http:// or https:// URL, not 'ftp://x.org/'"),
    ("website: javascript:alert(1)", "'website' must be an http:// or https:// URL, not "
                                     "'javascript:alert(1)'"),
    ("website: mailto:a@b.org", "'website' must be an http:// or https:// URL, not "
                                "'mailto:a@b.org'"),
    ("website: x.org", "'website' must be an http:// or https:// URL, not 'x.org'"),
    ("website: //x.org/", "'website' must be an http:// or https:// URL, not '//x.org/'"),
    ("website: https://", "'website' must be an http:// or https:// URL, not 'https://'"),
    ("website: https://x.org/a b", "'website' must be an http:// or https:// URL, not "
                                   "'https://x.org/a b'"),
    ("website: HTTP://X.ORG/", "'website' must be an http:// or https:// URL, not 'HTTP://X.ORG/'"),
    ("website: http://x.org:0/", "'website' must be an http:// or https:// URL, not "
                                 "'http://x.org:0/'"),
    ("website: http://x.org:99999/", "'website' must be an http:// or https:// URL, not "
                                     "'http://x.org:99999/'"),
    ("website: https://[::1/", "'website' must be an http:// or https:// URL, not "
                               "'https://[::1/'"),
    ("website: 5", "'website' must be an http:// or https:// URL, not the number 5"),
    # ref
    ("owner: Springfield", f"'owner' must be {SLUG_WORDS}, not 'Springfield'"),
    ("owner: thing:b", f"'owner' must be {SLUG_WORDS}, not 'thing:b'"),
    ("owner: -a", f"'owner' must be {SLUG_WORDS}, not '-a'"),
    ("owner: a--b", f"'owner' must be {SLUG_WORDS}, not 'a--b'"),
    ("owner: [b]", f"'owner' must be {REF_TYPE_WORDS}, not a list"),
    ("owner: 5", f"'owner' must be {REF_TYPE_WORDS}, not the number 5"),
    # refs
    ("parts: b", "'parts' must be a list, not 'b'"),
    ("parts: [b, b]", "'parts' lists the same value more than once"),
    # list
    ("tags: a", "'tags' must be a list, not 'a'"),
    ("tags: [a, a]", "'tags' lists the same value more than once"),
])
def test_bad_value_is_reported_at_the_value(line: str, message: str) -> None:
    own_line = line.startswith("name:")
    text = f"{line}\n" if own_line else f"name: A\n{line}\n"
    assert problems(text) == [(1 if own_line else 2, line.index(":") + 3, message)]


@pytest.mark.parametrize(("line", "col", "message"), [
    ("parts: [b, Bad]", 12, f"'parts[1]' must be {SLUG_WORDS}, not 'Bad'"),
    ("parts: [b, 3]", 12, f"'parts[1]' must be {REF_TYPE_WORDS}, not the number 3"),
    ("tags: [a, '']", 11, "'tags[1]' must not be empty"),
    ("tags: [1]", 8, "'tags[0]' must be text, not the number 1 (put it in quotes to make it text)"),
    ("tags: [[a]]", 8, "'tags[0]' must be text, not a list"),
])
def test_bad_list_item_is_reported_at_the_item(line: str, col: int, message: str) -> None:
    assert problems(f"name: A\n{line}\n") == [(2, col, message)]


def test_a_null_value_is_reported_as_nothing() -> None:
    assert problems("name: A\nowner:\n") == [(2, 7, f"'owner' must be {REF_TYPE_WORDS}, not "
                                                     "nothing")]
    assert problems("name:\n") == [(1, 6, "'name' must be text, not nothing")]


def test_long_bad_value_is_shortened_in_the_message() -> None:
    value = "x" * 60
    assert problems(f"name: A\ncount: {value}\n") == [
        (2, 8, f"'count' must be a whole number, not '{'x' * 37}...'")]


@pytest.mark.parametrize("line", ["founded: 1947.0", "count: 3.0"])
def test_integer_fields_do_not_keep_floats(line: str) -> None:
    records, diagnostics = validate(f"name: A\n{line}\n")
    field = line.split(":")[0]
    assert diagnostics or type(records[0].fields[field]) is int


# --- required and unknown fields, whole files --------------------------------------------------


def test_missing_required_field_is_reported_at_the_start_of_the_file() -> None:
    assert problems("count: 1\n") == [(1, 1, "missing required field 'name'")]
    assert problems("# a comment\ncount: 1\n") == [(1, 1, "missing required field 'name'")]


@pytest.mark.parametrize(("text", "expected"), [
    ("name: A\nnmae: B\n", [(2, 1, "unknown field 'nmae' (did you mean 'name'?)")]),
    ("name: A\ntag: [x]\n", [(2, 1, "unknown field 'tag' (did you mean 'tags'?)")]),
    ("name: A\nwebsit: https://x.org\n",
     [(2, 1, "unknown field 'websit' (did you mean 'website'?)")]),
    ("name: A\nzzzz: 1\n", [(2, 1, "unknown field 'zzzz'")]),
    ("name: A\n  # c\nfact: []\n", [(3, 1, "unknown field 'fact' (did you mean 'facts'?)")]),
])
def test_unknown_fields_get_did_you_mean(text: str, expected: list[Found]) -> None:
    assert problems(text) == expected


def test_misspelt_required_field_is_one_error_not_two() -> None:
    assert problems("naem: A\ncount: 2\n") == [(1, 1, "unknown field 'naem' (did you mean "
                                                      "'name'?)")]


def test_every_problem_in_a_file_is_reported() -> None:
    assert problems("name: A\ncount: x\nratio: y\nzzz: 1\n") == [
        (2, 8, "'count' must be a whole number, not 'x'"),
        (3, 8, "'ratio' must be a number, not 'y'"),
        (4, 1, "unknown field 'zzz'"),
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty; it should be a mapping of fields"),
    ("# nothing yet\n", "the file is empty; it should be a mapping of fields"),
    ("- a\n", "the file must be a mapping of keys to values, not a list"),
    ("just text\n", "the file must be a mapping of keys to values, not 'just text'"),
])
def test_a_file_that_is_not_a_mapping(text: str, message: str) -> None:
    records, diagnostics = validate(text)
    assert [(d.line, d.col, d.message) for d in diagnostics] == [(1, 1, message)]
    assert records == []


def test_record_with_errors_keeps_only_its_valid_parts() -> None:
    records, diagnostics = validate("name: A\ncount: x\nratio: 2\n")
    assert len(diagnostics) == 1
    assert records[0].fields == {"name": "A", "ratio": 2}


def test_other_types_are_checked_against_their_own_schema() -> None:
    assert problems("title: T\nname: x\n", "source") == [(2, 1, "unknown field 'name'")]
    assert problems("title: T\ntext: Body\n", "source") == []


def test_records_are_validated_each_against_its_type() -> None:
    raws = [RawRecord("thing", "a", document("content/things/a.yaml", "name: A\n")),
            RawRecord("source", "s", document("content/sources/s.yaml", "title: ''\n"))]
    records, diagnostics = validate_records(CONFIG, raws)
    assert [r.key for r in records] == ["thing:a", "source:s"]
    assert [(d.path, d.line, d.col, d.message) for d in diagnostics] == [
        ("content/sources/s.yaml", 1, 8, "'title' must not be empty")]


# --- facts ------------------------------------------------------------------------------------

FACT = "name: A\nfacts:\n  - text: It happened.\n    source: gazette\n    quote: it did\n"


@pytest.mark.parametrize(("line", "stored"), [
    ("date: 2020", "2020"), ("date: '2020'", "2020"), ("date: 2020-06", "2020-06"),
    ("date: 2020-06-11", "2020-06-11"), ("date: 2020-02-29", "2020-02-29"), ("date: 99", "0099"),
])
def test_fact_dates_may_be_partial(line: str, stored: str) -> None:
    records, diagnostics = validate(FACT + f"    {line}\n")
    assert diagnostics == []
    assert records[0].facts[0].date == stored


def test_fact_fields_are_kept() -> None:
    records, _ = validate(FACT + "    about: [thing:b, c]\n")
    fact = records[0].facts[0]
    assert (fact.number, fact.text, fact.source, fact.quote, fact.date, fact.about) == (
        1, "It happened.", "gazette", "it did", None, ("thing:b", "c"))


@pytest.mark.parametrize(("line", "col", "message"), [
    ("date: 2020-13", 11, "'facts[0].date' must be a real date written YYYY-MM-DD, YYYY-MM or "
                          "YYYY, not '2020-13'"),
    ("date: 2020-00", 11, "'facts[0].date' must be a real date written YYYY-MM-DD, YYYY-MM or "
                          "YYYY, not '2020-00'"),
    ("date: 2020-02-30", 11, "'facts[0].date' must be a real date written YYYY-MM-DD, YYYY-MM "
                             "or YYYY, not '2020-02-30'"),
    ("date: '0000'", 11, "'facts[0].date' must be a real date written YYYY-MM-DD, YYYY-MM or "
                         "YYYY, not '0000'"),
    ("date: 2020-1", 11, "'facts[0].date' must be a date written YYYY-MM-DD, YYYY-MM or YYYY, "
                         "not '2020-1'"),
    ("date: June 2020", 11, "'facts[0].date' must be a date written YYYY-MM-DD, YYYY-MM or YYYY, "
                            "not 'June 2020'"),
    ("date: 0", 11, "'facts[0].date' must be at least 1, not the number 0"),
    ("date: 20201", 11, "'facts[0].date' must be at most 9999, not the number 20201"),
    ("date: 1.5", 11, "'facts[0].date' must be a real date written YYYY-MM-DD, YYYY-MM or "
                      "YYYY, not the number 1.5"),
    ("date: true", 11, "'facts[0].date' must be a real date written YYYY-MM-DD, YYYY-MM or "
                       "YYYY, not the boolean true"),
    ("about: b", 12, "'facts[0].about' must be a list, not 'b'"),
    ("about: [Acme]", 13, "'facts[0].about[0]' must be a record slug, or type:slug (e.g. "
                          "'city:redmond'), not 'Acme'"),
    ("about: [a, a]", 12, "'facts[0].about' lists the same value more than once"),
    ("sauce: x", 5, "unknown field 'sauce' (did you mean 'source'?)"),
])
def test_bad_fact_fields(line: str, col: int, message: str) -> None:
    expected_col = col if line.startswith(("date", "about")) else 5
    assert problems(FACT + f"    {line}\n") == [(6, expected_col, message)]


def test_fact_date_that_is_a_float_is_refused_or_made_text() -> None:
    records, diagnostics = validate(FACT + "    date: 2021.0\n")
    assert diagnostics or isinstance(records[0].facts[0].date, str)


@pytest.mark.parametrize(("text", "expected"), [
    ("name: A\nfacts: x\n", [(2, 8, "'facts' must be a list, not 'x'")]),
    ("name: A\nfacts:\n", [(2, 7, "'facts' must be a list, not nothing")]),
    ("name: A\nfacts:\n  - x\n", [(3, 5, "'facts[0]' must be a mapping of keys to values, not "
                                        "'x'")]),
    ("name: A\nfacts:\n  - {text: t, quote: q}\n",
     [(3, 5, "missing required field 'source' in 'facts[0]'")]),
    ("name: A\nfacts:\n  - {source: s, quote: q}\n",
     [(3, 5, "missing required field 'text' in 'facts[0]'")]),
    ("name: A\nfacts:\n  - {text: t, source: s, quote: ''}\n",
     [(3, 33, "'facts[0].quote' must not be empty")]),
    ("name: A\nfacts:\n  - {text: ' ', source: s, quote: q}\n",
     [(3, 12, "'facts[0].text' must not be empty")]),
    ("name: A\nfacts:\n  - {text: t, source: Gazette, quote: q}\n",
     [(3, 23, f"'facts[0].source' must be {SLUG_WORDS}, not 'Gazette'")]),
    ("name: A\nfacts:\n  - {text: t, sauce: x, quote: q}\n",
     [(3, 15, "unknown field 'sauce' (did you mean 'source'?)")]),
])
def test_bad_facts(text: str, expected: list[Found]) -> None:
    assert problems(text) == expected


def test_a_bad_fact_is_dropped_and_the_others_keep_their_numbers() -> None:
    text = FACT + "  - {text: t, source: Bad, quote: q}\n  - {text: u, source: s, quote: q}\n"
    records, diagnostics = validate(text)
    assert [(d.line, d.col) for d in diagnostics] == [at(text, "Bad")]
    assert [(f.number, f.text) for f in records[0].facts] == [(1, "It happened."), (3, "u")]


def test_empty_fact_list_is_fine() -> None:
    records, diagnostics = validate("name: A\nfacts: []\n")
    assert diagnostics == []
    assert records[0].facts == ()


# --- site.yaml --------------------------------------------------------------------------------


def test_basic_case_config() -> None:
    config = load_config(CASES / "basic")
    assert config.title == "Basic test site"
    assert config.language == "en"
    assert config.base_url is None
    assert [(t.name, t.folder, t.label, t.plural, t.title_field) for t in config.types] == [
        ("company", "companies", "Company", "Companies", "name"),
        ("city", "cities", "City", "Cities", "name"),
        ("source", "sources", "Source", "Sources", "title"),
    ]
    headquarters = config.type("company").field("headquarters")
    assert headquarters is not None
    assert (headquarters.type, headquarters.to, headquarters.inverse, headquarters.label,
            headquarters.required) == ("ref", "city", "Companies based here", "Headquarters",
                                       False)
    assert config.has_type("city") and not config.has_type("town")


def test_label_plural_and_title_defaults() -> None:
    config = site_config("""\
title: T
types:
  news_item:
    folder: news-items
    fields:
      headline: {type: text}
      founded_year: {type: year}
""")
    news = config.type("news_item")
    assert (news.label, news.plural, news.title_field) == ("News item", "News items", "headline")
    assert [f.label for f in news.fields] == ["Headline", "Founded year"]


def test_title_field_prefers_name_then_title() -> None:
    config = site_config("""\
title: T
types:
  a:
    folder: as
    fields: {x: {type: text}, title: {type: text}}
  b:
    folder: bs
    fields: {title: {type: text}, name: {type: text}}
""")
    assert [t.title_field for t in config.types] == ["title", "name"]


def test_explicit_labels_win() -> None:
    config = site_config("""\
title: T
description: About things.
language: fr-CA
base_url: https://example.org/facts
types:
  news_item:
    folder: news-items
    label: Story
    plural: News
    title_field: headline
    fields:
      headline: {type: text, label: Head line, required: true, description: The head.}
""")
    news = config.type("news_item")
    assert (config.description, config.language, config.base_url) == (
        "About things.", "fr-CA", "https://example.org/facts/")
    assert (news.label, news.plural, news.title_field) == ("Story", "News", "headline")
    headline = news.fields[0]
    assert (headline.label, headline.required, headline.description) == (
        "Head line", True, "The head.")


def test_base_url_keeps_exactly_one_trailing_slash() -> None:
    config = site_config(SITE.replace("types:", "base_url: https://x.org/a//\ntypes:", 1))
    assert config.base_url == "https://x.org/a/"


@pytest.mark.parametrize(("addition", "expected"), [
    ("titel: x\n", (2, 1, "unknown field 'titel' (did you mean 'title'?)")),
    ("base_url: ftp://x.org/\n", (2, 11, "'base_url' must be an http:// or https:// URL "
                                         "without a ?query or #fragment, not 'ftp://x.org/'")),
    ("description: '  '\n", (2, 14, "'description' must not be empty")),
])
def test_bad_top_level_keys(addition: str, expected: Found) -> None:
    assert config_problems(SITE.replace("types:", addition + "types:", 1)) == [expected]


def test_bad_language_is_reported_at_its_value() -> None:
    found = config_problems(SITE.replace("types:", "language: English\ntypes:", 1))
    assert [(line, col) for line, col, _ in found] == [(2, 11)]
    assert found[0][2] == ("'language' must be a language code such as 'en' or 'pt-BR', "
                           "not 'English'")


def test_missing_title_and_empty_types() -> None:
    assert config_problems("types: {}\n") == [
        (1, 1, "missing required field 'title'"),
        (1, 8, "'types' must not be empty"),
    ]


KNOWN_TYPES = "date, integer, list, markdown, number, ref, refs, text, url, year"


@pytest.mark.parametrize(("spec", "bad", "hint"), [
    ("{type: txt}", "txt", " (did you mean 'text'?)"),
    ("{type: integr}", "integr", " (did you mean 'integer'?)"),
    ("{type: urls}", "urls", " (did you mean 'url'?)"),
    ("{type: boolean}", "boolean", ""),
])
def test_unknown_field_type_gets_did_you_mean(spec: str, bad: str, hint: str) -> None:
    text = with_field("extra", spec)
    assert config_problems(text) == [(*at(text, bad), "'types.thing.fields.extra.type' must be "
                                      f"one of {KNOWN_TYPES}, not '{bad}'{hint}")]


def test_field_spec_keys_and_values_are_checked() -> None:
    text = with_field("extra", "{type: text, required: yes, lable: x}")
    assert config_problems(text) == [
        (*at(text, "yes"), "'types.thing.fields.extra.required' must be true or false, not 'yes'"),
        (*at(text, "lable"), "unknown field 'lable' (did you mean 'label'?)"),
    ]


def test_field_spec_must_be_a_mapping() -> None:
    text = with_field("extra", "text")
    assert config_problems(text) == [(*at(text, "text\n  source"), "'types.thing.fields.extra' "
                                      "must be a mapping of keys to values, not 'text'")]


@pytest.mark.parametrize(("name", "kind"), [("boss", "ref"), ("bosses", "refs")])
def test_ref_without_to(name: str, kind: str) -> None:
    text = with_field(name, f"{{type: {kind}}}")
    assert config_problems(text) == [
        (*at(text, f"{{type: {kind}}}"), f"field '{name}' of type {kind} needs 'to: TYPE'")]


@pytest.mark.parametrize(("spec", "bad", "hint"), [
    ("{type: ref, to: sources}", "sources", " (did you mean 'source'?)"),
    ("{type: refs, to: city}", "city", ""),
])
def test_ref_to_an_unknown_type(spec: str, bad: str, hint: str) -> None:
    text = with_field("home", spec)
    line, col = at(text, spec)
    assert config_problems(text) == [(line, col + spec.index(bad), f"unknown type '{bad}'{hint}")]


@pytest.mark.parametrize(("spec", "key"), [
    ("{type: text, to: thing}", "to"),
    ("{type: list, inverse: Mentioned by}", "inverse"),
    ("{type: year, inverse: X}", "inverse"),
])
def test_to_and_inverse_only_on_ref_fields(spec: str, key: str) -> None:
    kind = spec.split(",")[0].split()[-1]
    text = with_field("extra", spec)
    line, col = at(text, spec)
    assert config_problems(text) == [
        (line, col + spec.index(key), f"'{key}' is only for ref and refs fields, not {kind}")]


def test_duplicate_folders() -> None:
    text = SITE + "  other:\n    folder: things\n    fields:\n      name: {type: text}\n"
    assert config_problems(text) == [(22, 13, "folder 'things' is already used by type 'thing'")]


@pytest.mark.parametrize("folder", ["search", "timeline", "assets", "data", "schema", "pagefind"])
def test_reserved_folders(folder: str) -> None:
    text = SITE + f"  other:\n    folder: {folder}\n    fields:\n      name: {{type: text}}\n"
    assert config_problems(text) == [
        (22, 13, f"folder '{folder}' is reserved for pages the generator writes; choose another")]


def test_folder_must_be_a_slug() -> None:
    assert config_problems(SITE.replace("folder: things", "folder: Things")) == [
        (4, 13, f"'types.thing.folder' must be {SLUG_WORDS}, not 'Things'")]


def test_field_named_facts_is_refused() -> None:
    text = with_field("facts", "{type: list}")
    assert config_problems(text) == [
        (*at(text, "facts:"), "'facts' is built in; choose another field name")]


@pytest.mark.parametrize(("title_field", "col"), [("nope", 18), ("count", 18)])
def test_title_field_must_name_a_text_field(title_field: str, col: int) -> None:
    text = SITE.replace("    folder: things\n", f"    folder: things\n    title_field: "
                        f"{title_field}\n")
    assert config_problems(text) == [(5, col, "type 'thing' needs a text field to title its "
                                              "records: declare 'name' or 'title', or set "
                                              "title_field")]


def test_type_without_a_text_title_field() -> None:
    text = "title: T\ntypes:\n  n:\n    folder: ns\n    fields:\n      count: {type: integer}\n"
    assert config_problems(text) == [(6, 7, "type 'n' needs a text field to title its records: "
                                            "declare 'name' or 'title', or set title_field")]


def test_every_config_problem_is_reported_in_one_run() -> None:
    text = SITE.replace("{type: ref, to: thing}", "{type: ref}").replace(
        "{type: list}", "{type: list, to: thing}")
    assert [m for _, _, m in config_problems(text)] == [
        "field 'owner' of type ref needs 'to: TYPE'",
        "'to' is only for ref and refs fields, not list",
    ]


def test_bad_field_name_is_reported_at_that_key() -> None:
    text = with_field("Extra", "{type: text}")
    assert config_problems(text) == [
        (*at(text, "Extra"), f"'Extra' is not allowed here; a key must be {NAME_WORDS}")]


def test_bad_type_name_is_reported_at_that_key() -> None:
    text = SITE + "  Other:\n    folder: others\n    fields:\n      name: {type: text}\n"
    assert config_problems(text) == [
        (*at(text, "Other"), f"'Other' is not allowed here; a key must be {NAME_WORDS}")]


def test_load_config_reads_site_yaml(tmp_path: Path) -> None:
    write_files(tmp_path, {"site.yaml": SITE})
    assert load_config(tmp_path) == CONFIG


def test_load_config_without_site_yaml(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed) as failed:
        load_config(tmp_path)
    assert [(d.path, d.line, d.col, d.message) for d in failed.value.diagnostics] == [
        ("site.yaml", 1, 1, "cannot read: No such file or directory")]


def test_load_config_reports_yaml_errors(tmp_path: Path) -> None:
    write_files(tmp_path, {"site.yaml": "title: T\ntitle: U\n"})
    with pytest.raises(BuildFailed) as failed:
        load_config(tmp_path)
    assert [(d.path, d.line, d.col, d.message) for d in failed.value.diagnostics] == [
        ("site.yaml", 2, 1, "duplicate key 'title' (first at line 1)")]


def test_load_config_reports_every_schema_error_sorted(tmp_path: Path) -> None:
    write_files(tmp_path, {"site.yaml": SITE.replace("title: Test site", "titel: x")
                           .replace("{type: year}", "{type: yaer}")})
    with pytest.raises(BuildFailed) as failed:
        load_config(tmp_path)
    assert [(d.line, d.col, d.message) for d in failed.value.diagnostics] == [
        (1, 1, "unknown field 'titel' (did you mean 'title'?)"),
        (11, 23, f"'types.thing.fields.founded.type' must be one of {KNOWN_TYPES}, not 'yaer' "
                 "(did you mean 'year'?)"),
    ]


def test_without_name_or_title_the_first_text_field_titles_records() -> None:
    config = site_config("title: T\ntypes:\n  event:\n    folder: events\n    fields:\n"
                         "      year: {type: year}\n      headline: {type: text}\n")
    assert config.type("event").title_field == "headline"
