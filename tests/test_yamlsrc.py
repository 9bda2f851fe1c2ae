"""yamlsrc: YAML 1.2 core-schema values, line:col positions, and every refusal with its message."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.errors import Diagnostic
from generator.read.compose import MAX_DEPTH, MAX_VALUES
from generator.read.yamlsrc import MAX_BYTES, Document, parse_yaml
from tests.conftest import SERIAL

BOM = "\ufeff"


def parse(source: str | bytes) -> Document | Diagnostic:
    raw = source.encode("utf-8") if isinstance(source, str) else source
    return parse_yaml("content/things/a.yaml", raw)


def value_of(source: str | bytes) -> Any:
    doc = parse(source)
    assert isinstance(doc, Document), doc
    return doc.data


def problem(source: str | bytes) -> tuple[int, int, str]:
    diagnostic = parse(source)
    assert isinstance(diagnostic, Diagnostic), f"parsed as {diagnostic.data!r}"
    assert diagnostic.path == "content/things/a.yaml"
    assert diagnostic.severity == "error"
    return diagnostic.line, diagnostic.col, diagnostic.message


def located(source: str, *keypath: str | int, key: bool = False) -> tuple[int, int]:
    doc = parse(source)
    assert isinstance(doc, Document), doc
    return doc.locate(keypath, key=key)


# --- values: the YAML 1.2 core schema --------------------------------------------------------


@pytest.mark.parametrize("plain", ["no", "yes", "on", "off", "y", "n", "Yes", "NO", "On", "OFF"])
def test_yaml11_booleans_stay_text(plain: str) -> None:
    assert value_of(f"a: {plain}") == {"a": plain}


@pytest.mark.parametrize(("plain", "expected"), [
    ("true", True), ("True", True), ("TRUE", True),
    ("false", False), ("False", False), ("FALSE", False),
])
def test_only_true_and_false_are_booleans(plain: str, expected: bool) -> None:
    assert value_of(f"a: {plain}")["a"] is expected


@pytest.mark.parametrize("plain", ["~", "null", "Null", "NULL", ""])
def test_null_spellings_and_empty_are_none(plain: str) -> None:
    assert value_of(f"a: {plain}") == {"a": None}


@pytest.mark.parametrize(("plain", "expected"), [
    ("0", 0), ("42", 42), ("-7", -7), ("+3", 3), ("017", 17), ("0x1F", 31), ("0xff", 255),
    ("0o17", 15), ("9223372036854775807", 2**63 - 1),
])
def test_integers(plain: str, expected: int) -> None:
    got = value_of(f"a: {plain}")["a"]
    assert got == expected
    assert type(got) is int


@pytest.mark.parametrize(("plain", "expected"), [
    ("1.10", 1.1), ("1.5", 1.5), ("-0.25", -0.25), (".5", 0.5), ("1.", 1.0), ("1e3", 1000.0),
    ("2.5E-2", 0.025),
])
def test_floats(plain: str, expected: float) -> None:
    got = value_of(f"a: {plain}")["a"]
    assert got == expected
    assert type(got) is float


@pytest.mark.parametrize("plain", [
    "2020-06-11", "2020-06", "2001-12-14t21:59:43.10-05:00", "1:20", "12_000", "0b101",
    "0X1F", "-0x1F", "0x", "12e", ".inf", "-.inf", ".Inf", ".nan", ".NaN", "1.2.3",
    "123456789012345678901",
])
def test_yaml11_numbers_dates_and_specials_stay_text(plain: str) -> None:
    assert value_of(f"a: {plain}") == {"a": plain}


@pytest.mark.parametrize("quoted", ['"1.10"', "'1.10'", '"true"', "'null'", '"~"', "''", '"42"',
                                    "'0x1F'", '"2020-06-11"', "!!str 42", "!!str true"])
def test_quoted_and_str_tagged_scalars_are_always_text(quoted: str) -> None:
    got = value_of(f"a: {quoted}")["a"]
    assert type(got) is str
    assert got == yaml.safe_load(f"a: {quoted}")["a"]


def test_explicit_str_tag_with_verbatim_form_is_accepted() -> None:
    assert value_of("a: !<tag:yaml.org,2002:str> 12") == {"a": "12"}


@pytest.mark.parametrize(("source", "key"), [
    ("1: x", "1"), ("true: x", "true"), ("null: x", "null"), ("~: x", "~"), ("1.5: x", "1.5"),
    ("0x1F: x", "0x1F"), ('"q": x', "q"), ("? \n: x", ""),
])
def test_keys_are_always_text(source: str, key: str) -> None:
    assert value_of(source) == {key: "x"}


def test_block_and_flow_collections() -> None:
    source = "a:\n  - 1\n  - [two, {three: 3}]\nb: {c: [], d: {}}\n"
    assert value_of(source) == {"a": [1, ["two", {"three": 3}]], "b": {"c": [], "d": {}}}


def test_literal_and_folded_blocks_keep_their_text() -> None:
    assert value_of("a: |\n  one\n  two\nb: >\n  three\n  four\n") == {
        "a": "one\ntwo\n", "b": "three four\n"}


def test_aliases_repeat_the_anchored_value() -> None:
    assert value_of("a: &x {b: 1}\nc: *x\nd: &y 5\ne: *y") == {
        "a": {"b": 1}, "c": {"b": 1}, "d": 5, "e": 5}


def test_merge_key_is_an_ordinary_key_in_yaml_12() -> None:
    assert value_of("<<: {a: 1}") == {"<<": {"a": 1}}


@pytest.mark.parametrize("source", ["", "   \n", "# only a comment\n", "---\n", "---\n...\n"])
def test_empty_document_is_none(source: str) -> None:
    assert value_of(source) is None


@pytest.mark.parametrize(("source", "expected"), [
    ("- 1\n- b", [1, "b"]), ("just text", "just text"), ("--- a\n", "a"),
    ("%YAML 1.2\n---\na: 1\n", {"a": 1}), ("a: 1\n...\n", {"a": 1}),
])
def test_any_root_value_and_one_explicit_document(source: str, expected: Any) -> None:
    assert value_of(source) == expected


def test_bom_crlf_and_tabs_do_not_change_values() -> None:
    raw = (BOM + "name: Café\r\nlist:\r\n  - a\r\n  - b\r\nn:\t12\r\n").encode("utf-8")
    assert value_of(raw) == {"name": "Café", "list": ["a", "b"], "n": 12}


@pytest.mark.parametrize("plain", ["0x_1F", "0x1_F", "0o1_7"])
def test_hex_and_octal_with_underscores_stay_text(plain: str) -> None:
    assert value_of(f"a: {plain}") == {"a": plain}


def test_non_specific_tag_makes_text() -> None:
    assert value_of("a: ! 12") == {"a": "12"}


# --- positions --------------------------------------------------------------------------------

NESTED = """\
title: Top
owner:
  name: Ann
  roles:
    - kind: chair
      since: 2019
    - kind: member
      tags: [x, {deep: yes}]
"""


@pytest.mark.parametrize(("keypath", "value_at", "key_at"), [
    (("title",), (1, 8), (1, 1)),
    (("owner",), (3, 3), (2, 1)),
    (("owner", "name"), (3, 9), (3, 3)),
    (("owner", "roles"), (5, 5), (4, 3)),
    (("owner", "roles", 0), (5, 7), None),
    (("owner", "roles", 0, "kind"), (5, 13), (5, 7)),
    (("owner", "roles", 0, "since"), (6, 14), (6, 7)),
    (("owner", "roles", 1, "kind"), (7, 13), (7, 7)),
    (("owner", "roles", 1, "tags"), (8, 13), (8, 7)),
    (("owner", "roles", 1, "tags", 0), (8, 14), None),
    (("owner", "roles", 1, "tags", 1), (8, 17), None),
    (("owner", "roles", 1, "tags", 1, "deep"), (8, 24), (8, 18)),
])
def test_positions_of_keys_and_values_at_every_depth(
        keypath: tuple[str | int, ...], value_at: tuple[int, int],
        key_at: tuple[int, int] | None) -> None:
    assert located(NESTED, *keypath) == value_at
    if key_at is not None:
        assert located(NESTED, *keypath, key=True) == key_at


def test_root_position_is_where_the_document_starts() -> None:
    assert located("# comment\n\nname: x\n") == (3, 1)


def test_flow_mapping_positions() -> None:
    source = "a: {b: 1, c: [d, e]}\n"
    assert located(source, "a", "c", key=True) == (1, 11)
    assert located(source, "a", "c") == (1, 14)
    assert located(source, "a", "c", 1) == (1, 18)


def test_positions_after_a_bom_count_from_the_first_real_character() -> None:
    source = BOM + "a: 1\nb: 2\n"
    assert located(source, "a", key=True) == (1, 1)
    assert located(source, "a") == (1, 4)
    assert located(source, "b") == (2, 4)


def test_positions_with_crlf_line_ends() -> None:
    source = "a: 1\r\nb:\r\n  c: 2\r\n"
    assert located(source, "b", key=True) == (2, 1)
    assert located(source, "b", "c", key=True) == (3, 3)
    assert located(source, "b", "c") == (3, 6)


def test_columns_count_characters_not_bytes() -> None:
    source = 'né: "日本語"\nx: {ü: 1, bé: 2}\n'
    assert located(source, "né") == (1, 5)
    assert located(source, "x", "ü", key=True) == (2, 5)
    assert located(source, "x", "bé", key=True) == (2, 11)
    assert located(source, "x", "bé") == (2, 15)


def test_positions_below_a_multiline_block() -> None:
    assert located("a: |\n  one\n  two\nb: 2\n", "b") == (4, 4)


def test_alias_value_is_located_at_the_alias() -> None:
    source = "a: &x {b: 1}\nc: *x\n"
    assert located(source, "c") == (2, 4)
    assert located(source, "c", "b") == (2, 4)


def test_locate_falls_back_to_the_enclosing_value_for_a_missing_key() -> None:
    source = "a: 1\nb:\n  c: 2\n"
    assert located(source, "b", "missing") == (3, 3)
    assert located(source, "b", "missing", key=True) == (3, 3)
    assert located(source, "nope", "deeper", 3) == (1, 1)
    assert located("\n\nz: 1\n", "nope") == (3, 1)


def test_locate_on_an_empty_document_is_line_one() -> None:
    assert located("", "anything") == (1, 1)


def test_error_quotes_the_line_and_points_at_the_value() -> None:
    doc = parse("name: x\nfounded: nineteen\n")
    assert isinstance(doc, Document)
    diagnostic = doc.error(("founded",), "bad year")
    assert diagnostic == Diagnostic("content/things/a.yaml", 2, 10, "bad year", "error",
                                    "founded: nineteen")
    assert diagnostic.format() == (
        "content/things/a.yaml:2:10: error: bad year\n    founded: nineteen\n             ^")
    assert doc.error(("founded",), "k", key=True).col == 1


def test_error_source_line_has_no_carriage_return() -> None:
    doc = parse("a: 1\r\nb: 2\r\n")
    assert isinstance(doc, Document)
    assert doc.error(("b",), "m").source_line == "b: 2"


# --- diagnostics ------------------------------------------------------------------------------


MAPPING_VALUES = ("YAML syntax error: mapping values are not allowed in this context "
                  "(put a value that contains ': ' in quotes)")


@pytest.mark.parametrize(("source", "expected"), [
    ("a: b: c\n", (1, 5, MAPPING_VALUES)),
    ("a: 1\n b: 2\n", (2, 3, "YAML syntax error: this line goes on with the value above, which "
                             "cannot hold ': '; indent a key as the keys above, or quote the "
                             "value")),
    ("a: 1\nb: [1, 2\n", (2, 4, "YAML syntax error: the [list] that starts here is not "
                                "closed (the file ends first)")),
    ("a:\n  b: 1\n c: 2\n", (3, 2, "YAML syntax error: did not find expected key (check this "
                                   "line's indentation against the lines above)")),
    ('a: "x\n', (1, 4, "YAML syntax error: the quoted text that starts here is not closed "
                       "(the file ends first)")),
    ('a: "\\q"\n', (1, 5, "YAML syntax error: found unknown escape character (in double quotes "
                         "a backslash starts an escape; use single quotes)")),
    ("é: ]\n", (1, 4, "YAML syntax error: did not find expected node content")),
    ("\tb: 1\n", (1, 1, "YAML syntax error: a tab; indent with spaces, not tabs")),
    ("a:\n\t- b\n", (2, 1, "YAML syntax error: a tab; indent with spaces, not tabs")),
    ("a: 1\nb: @x\n", (2, 4, "YAML syntax error: found character that cannot start any token")),
])
def test_syntax_errors_at_line_and_column(source: str, expected: tuple[int, int, str]) -> None:
    assert problem(source) == expected


def test_syntax_error_after_a_bom() -> None:
    assert problem(BOM + "a: 1\nb: c: d\n") == (2, 5, MAPPING_VALUES)


def test_syntax_error_with_crlf_line_ends() -> None:
    assert problem("a: 1\r\nb: 2\r\nc: d: e\r\n") == (3, 5, MAPPING_VALUES)


def test_syntax_error_quotes_the_offending_line() -> None:
    diagnostic = parse("a: 1\r\nb: c: d\r\n")
    assert isinstance(diagnostic, Diagnostic)
    assert diagnostic.source_line == "b: c: d"


@pytest.mark.parametrize(("source", "expected"), [
    ("a: 1\nb: 2\na: 3\n", (3, 1, "duplicate key 'a' (first at line 1)")),
    ("a:\n  b:\n    c: 1\n    c: 2\n", (4, 5, "duplicate key 'c' (first at line 3)")),
    ("- a: 1\n  a: 2\n", (2, 3, "duplicate key 'a' (first at line 1)")),
    ("x: [b, {c: 1, c: 2}]\n", (1, 15, "duplicate key 'c' (first at line 1)")),
    ('"a": 1\na: 2\n', (2, 1, "duplicate key 'a' (first at line 1)")),
    ("1: x\n'1': y\n", (2, 1, "duplicate key '1' (first at line 1)")),
])
def test_duplicate_keys_at_any_depth(source: str, expected: tuple[int, int, str]) -> None:
    assert problem(source) == expected


def test_same_key_in_sibling_mappings_is_fine() -> None:
    assert value_of("a: {k: 1}\nb: {k: 2}\nc:\n  - k: 3\n  - k: 4\n") == {
        "a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 3}, {"k": 4}]}


@pytest.mark.parametrize(("source", "expected"), [
    ("a: !!python/object:os.system x\n",
     (1, 4, "YAML tag '!!python/object:os.system' is not allowed; write the plain value instead")),
    ("a: !!python/name:os.system\n",
     (1, 4, "YAML tag '!!python/name:os.system' is not allowed; write the plain value instead")),
    ("a: !!binary aGk=\n", (1, 4, "YAML tag '!!binary' is not allowed; write the plain value "
                                  "instead")),
    ("a: 1\nb: !!int 2\n", (2, 4, "YAML tag '!!int' is not allowed; write the plain value "
                                  "instead")),
    ("a: !custom x\n", (1, 4, "YAML tag '!custom' is not allowed; write the plain value instead")),
    ("!!set {a}\n", (1, 1, "YAML tag '!!set' is not allowed; write the plain value instead")),
    ("- !!omap []\n", (1, 3, "YAML tag '!!omap' is not allowed; write the plain value instead")),
])
def test_explicit_tags_are_refused(source: str, expected: tuple[int, int, str]) -> None:
    assert problem(source) == expected


def test_second_document_is_refused() -> None:
    message = "a second YAML document ('---'); a file holds one"
    assert problem("a: 1\n---\nb: 2\n") == (2, 1, message)
    assert problem("a: 1\n...\n---\nb: 2\n") == (3, 1, message)


def test_invalid_utf8_names_the_byte_and_its_offset() -> None:
    assert problem(b"a: 1\nb: caf\xe9\n") == (
        2, 7, "not UTF-8 text: byte 0xe9 at offset 11; save the file as UTF-8")


def test_invalid_utf8_on_the_first_line() -> None:
    assert problem(b"\xff: 1\n") == (1, 1, "not UTF-8 text: byte 0xff at offset 0; save the file "
                                           "as UTF-8")


def test_utf16_file_is_not_utf8() -> None:
    assert problem("a: 1\n".encode("utf-16")) == (
        1, 1, "not UTF-8 text: byte 0xff at offset 0; save the file as UTF-8")


def test_invalid_utf8_after_a_bom_names_the_right_byte() -> None:
    assert problem(b"\xef\xbb\xbfa: \xff\n") == (
        1, 4, "not UTF-8 text: byte 0xff at offset 6; save the file as UTF-8")


def test_invalid_utf8_after_a_bom_on_a_later_line() -> None:
    assert problem(b"\xef\xbb\xbfa: 1\nb: \xff\n")[:2] == (2, 4)


def test_invalid_utf8_column_counts_characters() -> None:
    assert problem("é: ".encode() + b"\xff\n")[:2] == (1, 4)


@pytest.mark.parametrize(("source", "expected"), [
    ("a: \x00\n", (1, 4, "control character U+0000 is not allowed in YAML")),
    ("a: 1\nb: x\x01y\n", (2, 5, "control character U+0001 is not allowed in YAML")),
    ("a: 1\n\x7f\n", (2, 1, "control character U+007F is not allowed in YAML")),
    ("a: |\n  x\n  \x1b[31m\n", (3, 3, "control character U+001B is not allowed in YAML")),
    ("a: \x0c\n", (1, 4, "control character U+000C is not allowed in YAML")),
    ("é: 日\x08\n", (1, 5, "control character U+0008 is not allowed in YAML")),
    ("a: 1\r\nb: \x01\r\n", (2, 4, "control character U+0001 is not allowed in YAML")),
    (BOM + "a: \x02\n", (1, 4, "control character U+0002 is not allowed in YAML")),
    ("a: \x9f\n", (1, 4, "control character U+009F is not allowed in YAML")),
])
def test_control_characters_are_refused_where_they_are(
        source: str, expected: tuple[int, int, str]) -> None:
    assert problem(source) == expected


def test_tab_and_line_breaks_are_not_control_characters() -> None:
    assert value_of("a:\t'x\ty'\r\nb: 1\n") == {"a": "x\ty", "b": 1}


def test_control_character_position_with_cr_line_ends() -> None:
    assert problem("a: 1\rb: \x01\r") == (2, 4, "control character U+0001 is not allowed in YAML")


def test_escaped_control_characters_are_refused() -> None:
    diagnostic = parse('a: "x\\0y"\n')
    assert isinstance(diagnostic, Diagnostic)
    assert "U+0000" in diagnostic.message


def test_file_above_max_bytes_is_refused_before_parsing() -> None:
    raw = b"a: " + b"x" * (MAX_BYTES - 2)
    assert len(raw) == MAX_BYTES + 1
    assert problem(raw) == (1, 1, f"file is {MAX_BYTES + 1:,} bytes; the limit is {MAX_BYTES:,}")


def test_file_of_exactly_max_bytes_is_read() -> None:
    raw = b"a: " + b"x" * (MAX_BYTES - 3)
    assert len(value_of(raw)["a"]) == MAX_BYTES - 3


def test_nesting_up_to_max_depth_is_fine() -> None:
    data = value_of("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    for _ in range(MAX_DEPTH - 1):
        data = data[0]
    assert data == []


def test_flow_nesting_deeper_than_max_depth_is_refused() -> None:
    depth = MAX_DEPTH + 1
    assert problem("[" * depth + "]" * depth) == (
        1, depth, f"nested more than {MAX_DEPTH} levels deep")


def test_block_nesting_deeper_than_max_depth_is_refused() -> None:
    source = "k0:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, MAX_DEPTH + 5))
    # The 65th mapping opens at the key on line 65 (indented 2*64 spaces).
    assert problem(source) == (MAX_DEPTH + 1, 2 * MAX_DEPTH + 1,
                               f"nested more than {MAX_DEPTH} levels deep")


def test_very_deep_unclosed_nesting_is_refused_without_recursion() -> None:
    # libyaml's own limit (1000) may trip first while it scans ahead; either way it is refused.
    line, _, message = problem("[" * 100_000)
    assert line == 1
    assert "nest" in message


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@SERIAL  # refused within a time bound
def test_alias_bomb_is_refused_quickly() -> None:
    start = time.perf_counter()
    line, col, message = problem(billion_laughs())
    assert time.perf_counter() - start < 1.0
    assert message == f"document has more than {MAX_VALUES:,} values (after expanding aliases)"
    # 9**5 * 10-ish values are reached while expanding line 6 ('f: &f [*e, ...]').
    assert (line, col) == (6, 8)


def test_many_small_aliases_below_the_limit_are_fine() -> None:
    source = "a: &a [1, 2, 3]\nb: [" + ", ".join(["*a"] * 100) + "]\n"
    assert len(value_of(source)["b"]) == 100


def test_unknown_alias() -> None:
    assert problem("a: 1\nb: *nope\n") == (2, 4, "unknown alias '*nope'")


def test_alias_to_itself_is_unknown_rather_than_infinite() -> None:
    assert problem("a: &x [*x]\n") == (1, 8, "unknown alias '*x'")


def test_alias_as_a_mapping_key_is_refused() -> None:
    assert problem("a: &x 1\n*x : 2\n") == (2, 1, "an alias cannot be a mapping key")


def test_an_alias_may_name_an_anchored_key() -> None:
    assert value_of("&k a: 1\nb: *k\n") == {"a": 1, "b": "a"}


@pytest.mark.parametrize(("source", "expected"), [
    ("? [a]\n: 1\n", (1, 3, "a mapping key must be plain text, not a list or mapping")),
    ("{[a]: 1}\n", (1, 2, "a mapping key must be plain text, not a list or mapping")),
    ("x:\n  ? {b: 1}\n  : 2\n", (2, 5, "a mapping key must be plain text, not a list or mapping")),
])
def test_non_scalar_mapping_key_is_refused(source: str, expected: tuple[int, int, str]) -> None:
    assert problem(source) == expected


# --- properties -------------------------------------------------------------------------------

# PyYAML's emitter writes NEL (U+0085) raw with allow_unicode and cannot read it back itself.
# Control characters are refused by design, so values are made without them.
# What the reader takes as text: not NEL, nor the noncharacters U+FFFE and U+FFFF, which YAML
# leaves out of its character set and read/compose.py refuses (as it does control characters).
CHARS = st.characters(blacklist_characters="\x85\ufffe\uffff", blacklist_categories=("Cs", "Cc"))
KEY_TEXT = st.text(CHARS, max_size=8)
SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(CHARS, max_size=20))
JSON_LIKE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEY_TEXT, inner, max_size=4),
    max_leaves=12,
)
DUMP_STYLES = st.sampled_from([
    {}, {"allow_unicode": True}, {"default_flow_style": True},
    {"default_flow_style": True, "allow_unicode": True}, {"width": 20},
])


# The YAML 1.2 core schema's non-text plain scalars (spec 10.3.2), less .inf/.nan, kept as text.
CORE_INT = re.compile(r"[-+]?[0-9]+")
CORE_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
CORE_OCT = re.compile(r"0o[0-7]+")
CORE_HEX = re.compile(r"0x[0-9a-fA-F]+")


def as_yaml12(value: Any) -> Any:
    """`value` as a YAML 1.2 reader sees it after PyYAML, which follows YAML 1.1, dumped it.

    PyYAML quotes every text that YAML 1.1 would read as something else; a text that only
    YAML 1.2 reads as a number (such as '09' or '1e3') is left plain and comes back a number.
    """
    if isinstance(value, dict):
        return {k: as_yaml12(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_yaml12(v) for v in value]
    if not isinstance(value, str) or yaml.safe_dump(value).startswith(("'", '"')):
        return value
    if CORE_INT.fullmatch(value):
        return int(value, 10)
    if CORE_OCT.fullmatch(value) or CORE_HEX.fullmatch(value):
        return int(value, 0)
    if CORE_FLOAT.fullmatch(value):
        return float(value)
    return value


@settings(max_examples=600, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(JSON_LIKE, DUMP_STYLES)
@example({"09": ["09", "1e3", "0o17", "-08", "1.5e+3", "no", "0x1F", "2020-06-11"]}, {})
@example(["ü", "日本", {"é": "\u2028 x\ty"}], {"allow_unicode": True})
@example({"a": [None, True, 0, -1.5, "", "~"]}, {"default_flow_style": True})
def test_safe_dump_round_trips(value: Any, style: dict[str, Any]) -> None:
    assert value_of(yaml.safe_dump(value, **style)) == as_yaml12(value)


@pytest.mark.parametrize("text", ["no", "yes", "on", "off", "Yes", "NO", "true", "False", "null",
                                  "~", "", "1.10", "0x1F", "017", "+1", ".5", "1.", "2020-06-11",
                                  "12_000", "1:20", ".inf", ".nan", "0b101"])
def test_safe_dump_quotes_what_yaml11_would_retype(text: str) -> None:
    """PyYAML quotes every text it would itself read as non-text; we read it back as text."""
    dumped = yaml.safe_dump({"k": text})
    assert dumped.startswith(("k: '", 'k: "')), dumped
    assert value_of(dumped) == {"k": text}


@pytest.mark.parametrize(("text", "number"), [("09", 9), ("1e3", 1000.0), ("0o17", 15),
                                              ("1e+3", 1000.0), ("-08", -8)])
def test_yaml11_dump_of_yaml12_numbers_is_read_as_numbers(text: str, number: float) -> None:
    """Where YAML 1.1 and 1.2 legitimately differ PyYAML does not quote: 1.2 reads a number."""
    dumped = yaml.safe_dump({"k": text})
    assert dumped == f"k: {text}\n"
    assert value_of(dumped) == {"k": number}


YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab:-? []{},#&*!|>'\"%@`\n\r\t \\0123.~xyé日\ufeff\x00\x01\x85"
                                  "\u2028")) | st.characters(),
    max_size=60,
)


def check_diagnostic_in_range(result: Document | Diagnostic, raw: bytes) -> None:
    if isinstance(result, Document):
        return
    text = raw.decode("utf-8-sig", errors="replace")
    lines = max(len(text.splitlines()), raw.count(b"\n") + 1)
    assert result.line >= 1
    assert result.col >= 1
    assert result.line <= lines + 1, result
    assert result.message


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(YAMLISH)
def test_arbitrary_text_never_raises(source: str) -> None:
    raw = source.encode("utf-8", errors="surrogatepass")
    check_diagnostic_in_range(parse_yaml("f.yaml", raw), raw)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.binary(max_size=60))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    check_diagnostic_in_range(parse_yaml("f.yaml", raw), raw)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(["a: ", "- ", "[", "]", "{", "}", ", ", "\n", "  ", "k: v",
                                 "&x ", "*x", "? ", "'q'", '"d"', "|\n", "#c", "1", "é", "\t"]),
                max_size=25))
def test_yaml_fragments_never_raise(parts: list[str]) -> None:
    raw = "".join(parts).encode()
    check_diagnostic_in_range(parse_yaml("f.yaml", raw), raw)


ASCII_KEY = st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True)
UNICODE_KEY = st.from_regex(r"[a-zéü日本ß_][a-z0-9éü日本ß_]{0,7}", fullmatch=True)


def tree(keys: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    leaf = st.integers(min_value=-999, max_value=99_999) | keys | st.booleans()
    return st.recursive(
        st.dictionaries(keys, leaf, min_size=1, max_size=4),
        lambda inner: st.dictionaries(keys, inner | leaf | st.lists(inner | leaf, max_size=3),
                                      min_size=1, max_size=4),
        max_leaves=15,
    )


def key_paths(value: Any, prefix: tuple[str | int, ...] = ()
              ) -> list[tuple[tuple[str | int, ...], Any]]:
    found: list[tuple[tuple[str | int, ...], Any]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        path = (*prefix, key)
        found.append((path, child))
        if isinstance(child, dict | list):
            found.extend(key_paths(child, path))
    return found


def starts_with_scalar(rest: str, scalar: str) -> bool:
    return rest.startswith((scalar, f"'{scalar}'", f'"{scalar}"'))


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.booleans(), st.booleans(), st.booleans())
def test_locate_points_at_every_key_and_scalar(data: st.DataObject, flow: bool, bom: bool,
                                               crlf: bool) -> None:
    unicode = data.draw(st.booleans())
    value = data.draw(tree(UNICODE_KEY if unicode else ASCII_KEY))
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=unicode, width=60)
    source = (BOM if bom else "") + (text.replace("\n", "\r\n") if crlf else text)
    doc = parse(source)
    assert isinstance(doc, Document), doc
    assert doc.data == value
    lines = text.splitlines()
    for path, child in key_paths(value):
        if isinstance(path[-1], str):
            line, col = doc.locate(path, key=True)
            assert starts_with_scalar(lines[line - 1][col - 1:], path[-1]), (path, line, col)
        if not isinstance(child, dict | list):
            line, col = doc.locate(path)
            shown = str(child).lower() if isinstance(child, bool) else str(child)
            assert starts_with_scalar(lines[line - 1][col - 1:], shown), (path, line, col)
