"""Hardening, class 1: bad YAML anywhere ends in one clear diagnostic and an untouched output.

Each case is built end to end over a site that was built once before, so every test also
proves that exit code 1 leaves the old output/ byte for byte as it was.
"""

from __future__ import annotations

import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.read.compose import MAX_DEPTH, MAX_VALUES
from generator.read.yamlsrc import MAX_BYTES, parse_yaml
from tests.conftest import SERIAL
from tests.hardening import BuiltSite, built_basic_site, error_lines

ACME = "content/companies/acme.yaml"
GOOD_LINES = ["name: Acme Corporation", "headquarters: springfield", "founded: 1947",
              "website: https://acme.example/", "summary: Makes everything."]
BOM = "\ufeff"


@pytest.fixture
def built(tmp_path: Path) -> BuiltSite:
    return built_basic_site(tmp_path)


# A broken line, and where its error is: lines after the broken line's first, and column.
BROKEN_LINES = [
    ("foo: bar: baz", 0, 9, "mapping values are not allowed in this context (put a value "
                            "that contains ': ' in quotes)"),
    ('foo: "unterminated', 0, 6, "the quoted text that starts here is not closed"),
    ("foo: 'unterminated", 0, 6, "the quoted text that starts here is not closed"),
    ("foo: [1, 2", 0, 6, "the [list] that starts here is not closed"),
    ("foo: {a: 1", 0, 6, "the {mapping} that starts here is not closed"),
    ("foo: *nope", 0, 6, "unknown alias '*nope'"),
    ("foo: @reserved", 0, 6, "found character that cannot start any token"),
    ("foo: `tick", 0, 6, "found character that cannot start any token"),
    ("foo: %x", 0, 6, "found character that cannot start any token"),
    ('foo: "bad \\q escape"', 0, 11, "found unknown escape character (in double quotes a "
                                     "backslash starts an escape; use single quotes)"),
    ("? [complex]", 0, 3, "a mapping key must be plain text, not a list or mapping"),
    ("[a, b]: c", 0, 1, "a mapping key must be plain text, not a list or mapping"),
    ("\tfoo: bar", 0, 1, "a tab; indent with spaces, not tabs"),
    ("foo: !!python/object:os.system x", 0, 6, "YAML tag '!!python/object:os.system' is not "
                                              "allowed; write the plain value instead"),
    ("foo: bar # a comment ends the value\n  - x", 1, 3,
     "did not find expected key (check this line's indentation against the lines above)"),
]
LINE_ENDS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def _with_broken_line(broken: str, at: int, end: str, bom: bool) -> bytes:
    lines = [*GOOD_LINES[:at], *broken.split("\n"), *GOOD_LINES[at:]]
    return ((BOM if bom else "") + end.join(lines) + end).encode("utf-8")


# An unclosed bracket swallows the lines after it; those are placed in the end-to-end test.
ONE_LINE_BREAKS = [b for b in BROKEN_LINES if not b[0].startswith(("foo: [", "foo: {"))]


@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
@pytest.mark.parametrize("end", sorted(LINE_ENDS))
@pytest.mark.parametrize("at", [0, 2, len(GOOD_LINES)], ids=["first", "middle", "last"])
@pytest.mark.parametrize(("broken", "below", "col", "message"), ONE_LINE_BREAKS,
                         ids=[b[0] for b in ONE_LINE_BREAKS])
def test_syntax_error_position_anywhere_in_the_file(broken: str, below: int, col: int,
                                                    message: str, at: int, end: str,
                                                    bom: bool) -> None:
    raw = _with_broken_line(broken, at, LINE_ENDS[end], bom)
    diagnostic = parse_yaml(ACME, raw)
    assert not hasattr(diagnostic, "data"), "the broken file parsed"
    assert (diagnostic.path, diagnostic.line, diagnostic.col) == (ACME, at + 1 + below, col)
    assert message in diagnostic.message
    assert "\r" not in diagnostic.source_line and BOM not in diagnostic.source_line


@pytest.mark.parametrize(("broken", "below", "col", "message"), BROKEN_LINES,
                         ids=[b[0] for b in BROKEN_LINES])
def test_syntax_error_in_a_build_after_bom_and_crlf(built: BuiltSite, broken: str, below: int,
                                                     col: int, message: str) -> None:
    at = len(GOOD_LINES)  # at the end, so an unclosed bracket has nothing to swallow
    err = built.refused({ACME: _with_broken_line(broken, at, "\r\n", True)})
    first = error_lines(err)[0]
    assert first.startswith(f"{ACME}:{at + 1 + below}:{col}: error: ")
    assert message in first


@pytest.mark.parametrize(("source", "line", "col", "message"), [
    ("name: [a,\n  b\nfounded: 1", 1, 7, "the [list] that starts here is not closed "
                                         "(did not find expected ',' or ']' at line 3, column 8)"),
    ("name: {a: [1, 2}\n", 1, 11, "the [list] that starts here is not closed "
                                  "(did not find expected ',' or ']' at line 1, column 16)"),
    ("name: x\nsummary: 'it's'\n", 2, 14, "text after the closing quote; put all of the value "
                                         "inside the quotes, and write a ' inside them as ''"),
    ("  name: x\nfounded: 1\n", 2, 1, "did not find expected <document start> (this line is "
                                      "indented less than the first one"),
])
def test_syntax_errors_say_where_to_fix(built: BuiltSite, source: str, line: int, col: int,
                                        message: str) -> None:
    first = error_lines(built.refused({ACME: source}))[0]
    assert first.startswith(f"{ACME}:{line}:{col}: error: YAML")
    assert message in first


def test_a_second_document_is_refused(built: BuiltSite) -> None:
    assert error_lines(built.refused({ACME: "name: x\n---\nname: y\n"})) == [
        f"{ACME}:2:1: error: a second YAML document ('---'); a file holds one"]


def test_syntax_error_in_site_yaml(built: BuiltSite) -> None:
    text = (built.site / "site.yaml").read_text().replace("folder: cities", "folder: [cities")
    err = built.refused({"site.yaml": BOM + text.replace("\n", "\r\n")})
    assert error_lines(err) == [
        "site.yaml:13:13: error: YAML syntax error: the [list] that starts here is not closed "
        "(did not find expected ',' or ']' at line 14, column 11)"]


@pytest.mark.parametrize("content", [b"", b"\n", b"   \r\n", b"# only a comment\n", b"---\n",
                                     b"---\n...\n", BOM.encode(), b"~\n", b"null\n"],
                         ids=["zero-bytes", "newline", "spaces-crlf", "comment", "doc-start",
                              "doc-start-end", "bom-only", "tilde", "null"])
def test_empty_record_file(built: BuiltSite, content: bytes) -> None:
    err = built.refused({ACME: content})
    assert error_lines(err) == [
        f"{ACME}:1:1: error: the file is empty; it should be a mapping of fields"]


@pytest.mark.parametrize(("content", "what"), [
    ("- name: Acme\n", "a list"),
    ("[a, b]\n", "a list"),
    ("Acme Corporation\n", "'Acme Corporation'"),
    ("'quoted'\n", "'quoted'"),
    ("42\n", "the number 42"),
    ("4.5\n", "the number 4.5"),
    ("true\n", "the boolean true"),
    ("no\n", "'no'"),
    ("|\n  block text\n", "'block text\\n'"),
])
def test_top_level_must_be_a_mapping(built: BuiltSite, content: str, what: str) -> None:
    err = built.refused({ACME: content})
    assert error_lines(err) == [
        f"{ACME}:1:1: error: the file must be a mapping of keys to values, not {what}"]


@pytest.mark.parametrize("content", ["- a\n", "title\n", "3\n", ""])
def test_site_yaml_must_be_a_mapping(built: BuiltSite, content: str) -> None:
    err = built.refused({"site.yaml": content})
    assert error_lines(err)[0].startswith("site.yaml:1:1: error: the file ")


TAB_INDENT = "a tab; indent with spaces, not tabs"


@pytest.mark.parametrize(("content", "line", "col", "message"), [
    ("\tname: Acme\n", 1, 1, TAB_INDENT),
    ("name: Acme\n\tfounded: 1\n", 2, 1, TAB_INDENT),
    ("name: Acme\nfacts:\n\t- text: x\n", 3, 1, TAB_INDENT),
    ("name: Acme\nfacts:\n  -\ttext: x\n", 3, 4, "a tab after '-'; put a space there instead"),
    ("name: Acme\nfacts:\n  - text: x\n\t  source: y\n", 4, 1, TAB_INDENT),
])
def test_tab_indentation(built: BuiltSite, content: str, line: int, col: int,
                         message: str) -> None:
    err = built.refused({ACME: content})
    assert error_lines(err)[0] == f"{ACME}:{line}:{col}: error: YAML syntax error: {message}"


def test_tabs_inside_values_and_comments_are_fine(built: BuiltSite) -> None:
    built.write({ACME: "name:\tAcme Corporation\t# a\tcomment\nsummary: 'a\ttab'\n"})
    assert built.build().code == 0


@pytest.mark.parametrize(("raw", "line", "col", "char"), [
    (b"\x00name: Acme\n", 1, 1, "U+0000"),
    (b"name: Ac\x00me\n", 1, 9, "U+0000"),
    (b"name: Acme\nsummary: x\x00\n", 2, 11, "U+0000"),
    (b"name: Acme\n# comment \x00\n", 2, 11, "U+0000"),
    (b"name: 'Ac\x00me'\n", 1, 10, "U+0000"),
    (b"na\x00me: Acme\n", 1, 3, "U+0000"),
    (b"name: Acme\r\nsummary: \x1b[31mred\n", 2, 10, "U+001B"),
    (b"name: Acme\rsummary: \x07\r", 2, 10, "U+0007"),
    (b"\xef\xbb\xbfname: \x7fAcme\n", 1, 7, "U+007F"),
    (b"name: Acme \xc2\x85\xc2\x9b\n", 2, 1, "U+009B"),
])
def test_nul_and_control_characters(built: BuiltSite, raw: bytes, line: int, col: int,
                                    char: str) -> None:
    err = built.refused({ACME: raw})
    assert error_lines(err) == [f"{ACME}:{line}:{col}: error: control character {char} is not "
                                "allowed in YAML"]
    assert "\x00" not in err and "\x1b" not in err and "\x07" not in err


@pytest.mark.parametrize("escape", ["\\0", "\\x00", "\\a", "\\e", "\\x1b", "\\u0000", "\\x7f"])
def test_escaped_control_characters(built: BuiltSite, escape: str) -> None:
    err = built.refused({ACME: f'name: Acme\nsummary: "bad {escape} here"\n'})
    assert error_lines(err)[0].startswith(f"{ACME}:2:10: error: control character U+")
    assert "not even as an escape" in err


@pytest.mark.parametrize(("raw", "offset", "line", "col"), [
    (b"name: Acm\xe9\n", 9, 1, 10),  # Latin-1
    (b"name: Acme\nsummary: caf\xe9 au lait\n", 23, 2, 13),
    (b"\xef\xbb\xbfname: \x80Acme\n", 9, 1, 7),  # a stray continuation byte after a BOM
    (b"name: Acme\r\nsummary: \xc0\xaf\r\n", 21, 2, 10),  # overlong '/'
    (b"name: \xed\xa0\x80\n", 6, 1, 7),  # an encoded surrogate
    (b"name: Acme \xe2\x82\n", 11, 1, 12),  # cut off in the middle of a character
    (b"\xff\xfen\x00a\x00m\x00e\x00", 0, 1, 1),  # UTF-16
    (b"name: \xc3\xa9t\xc3\xa9 \xf8\n", 12, 1, 11),  # columns count characters
])
def test_non_utf8_names_the_file_and_byte_offset(built: BuiltSite, raw: bytes, offset: int,
                                                 line: int, col: int) -> None:
    err = built.refused({ACME: raw})
    assert error_lines(err) == [f"{ACME}:{line}:{col}: error: not UTF-8 text: byte "
                                f"0x{raw[offset]:02x} at offset {offset}; save the file as UTF-8"]


def test_non_utf8_site_yaml(built: BuiltSite) -> None:
    text = (built.site / "site.yaml").read_bytes().replace(b"Basic", b"B\xe4sic")
    err = built.refused({"site.yaml": text})
    assert error_lines(err)[0].startswith("site.yaml:1:9: error: not UTF-8 text: byte 0xe4 at "
                                          "offset 8")


@pytest.mark.parametrize(("content", "line", "col", "key", "first"), [
    ("name: A\nname: B\n", 2, 1, "name", 1),
    ("name: A\n'name': B\n", 2, 1, "name", 1),
    ('name: A\n"name": B\n', 2, 1, "name", 1),
    ("name: A\nfounded: 1\nsummary: x\nfounded: 2\n", 4, 1, "founded", 2),
    ("{name: A, founded: 1, name: B}\n", 1, 23, "name", 1),
    ("name: A\nfacts:\n  - text: x\n    text: y\n", 4, 5, "text", 3),
    ("name: A\nfacts:\n  - {text: x, source: s, quote: q}\n  - text: x\n    source: s\n"
     "    source: t\n", 6, 5, "source", 5),
    ("name: A\nfacts:\n  - text: x\n    about: [{a: 1, a: 2}]\n", 4, 20, "a", 4),
    ("name: A\nx:\n  y:\n    z:\n      deep: 1\n      deep: 2\n", 6, 7, "deep", 5),
])
def test_duplicate_keys_at_any_depth(built: BuiltSite, content: str, line: int, col: int,
                                     key: str, first: int) -> None:
    err = built.refused({ACME: content})
    assert error_lines(err) == [f"{ACME}:{line}:{col}: error: duplicate key '{key}' (first at "
                                f"line {first})"]


def test_duplicate_key_in_site_yaml_types(built: BuiltSite) -> None:
    text = (built.site / "site.yaml").read_text()
    text = text.replace("      name: {type: text, required: true}\n      population:",
                        "      name: {type: text, required: true}\n      name: {type: text}\n"
                        "      population:")
    err = built.refused({"site.yaml": text})
    assert error_lines(err) == ["site.yaml:17:7: error: duplicate key 'name' (first at line 16)"]


class _Heading(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = self.inside or tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "h1"

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


def _h1(page: Path) -> str:
    parser = _Heading()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.text


@pytest.mark.parametrize("plain", ["no", "No", "NO", "yes", "on", "off", "y", "n", "Y", "N",
                                   "2020-06-11", "2020-06-11T10:00:00Z", "12:30:00", "1:20",
                                   "0b101", "1_000", "+.inf", ".NaN", "0x_1F", "=",
                                   "<<", "1.2.3", "0o", "1e", "Null2"])
def test_yaml11_words_stay_text(built: BuiltSite, plain: str) -> None:
    built.write({ACME: f"name: {plain}\nsummary: {plain}\n"})
    outcome = built.build()
    assert outcome.code == 0, outcome.err
    assert _h1(built.out / "companies/acme/index.html") == plain


@pytest.mark.parametrize(("plain", "shown"), [
    ("1.10", "the number 1.1"), ("1e3", "the number 1000.0"), ("0x1F", "the number 31"),
    ("0o17", "the number 15"), ("0777", "the number 777"), ("-7", "the number -7"),
    ("true", "the boolean true"), ("False", "the boolean false"), ("3.0", "the number 3.0"),
])
def test_yaml12_numbers_and_booleans_in_a_text_field_are_errors(built: BuiltSite, plain: str,
                                                                shown: str) -> None:
    err = built.refused({ACME: f"name: {plain}\n"})
    assert error_lines(err) == [f"{ACME}:1:7: error: 'name' must be text, not {shown} "
                                "(put it in quotes to make it text)"]


@pytest.mark.parametrize(("line", "message"), [
    ("name: ~", "'name' must be text, not nothing"),
    ("name: null", "'name' must be text, not nothing"),
    ("name:", "'name' must be text, not nothing"),
    ("founded: ~", "'founded' must be a whole number, not nothing"),
    ("founded: '1947'", "'founded' must be a whole number, not '1947' (drop the quotes to "
                        "make it a number)"),
    ("founded: 1947.0", "'founded' must be a whole number, not the number 1947.0"),
    ("founded: 2020-06-11", "'founded' must be a whole number, not '2020-06-11'"),
    ("website: on", "'website' must be an http:// or https:// URL, not 'on'"),
    ("headquarters: no", "unknown city 'no'"),
])
def test_null_and_surprising_values_are_never_silently_retyped(built: BuiltSite, line: str,
                                                               message: str) -> None:
    body = line if line.startswith("name") else f"name: Acme\n{line}"
    err = built.refused({ACME: body + "\n"})
    first = error_lines(err)[0]
    assert first.split(": error: ", 1)[1] == message
    assert first.startswith(f"{ACME}:{body.count(chr(10)) + 1}:")


TAGS = ["!!python/object:os.system", "!!python/object/apply:os.system", "!!python/name:os.system",
        "!!python/module:os", "!!python/tuple", "!!binary", "!!set", "!!omap", "!!pairs",
        "!!timestamp", "!!int", "!!float", "!!bool", "!!null", "!!map", "!custom",
        "!<tag:yaml.org,2002:python/object:os.system>", "!<tag:example.com,2020:x>"]


@pytest.mark.parametrize("tag", TAGS)
def test_tags_are_rejected(built: BuiltSite, tag: str) -> None:
    err = built.refused({ACME: f"name: Acme\nsummary: {tag} '1'\n"})
    first = error_lines(err)[0]
    assert first.startswith(f"{ACME}:2:10: error: YAML tag '")
    assert first.endswith("' is not allowed; write the plain value instead")


def test_tag_in_site_yaml_and_on_a_collection(built: BuiltSite) -> None:
    text = (built.site / "site.yaml").read_text().replace("types:", "types: !!python/object:x")
    assert error_lines(built.refused({"site.yaml": text}))[0].startswith(
        "site.yaml:3:8: error: YAML tag '!!python/object:x' is not allowed")
    built.write({"site.yaml": (built.site / "site.yaml").read_text()})


def _billion_laughs(levels: int) -> str:
    lines = ['a0: &a0 "lol"']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@SERIAL  # refused within a time bound
@pytest.mark.parametrize("levels", [6, 9, 30])
def test_alias_bomb_is_refused_quickly(built: BuiltSite, levels: int) -> None:
    started = time.perf_counter()
    err = built.refused({ACME: _billion_laughs(levels)})
    assert time.perf_counter() - started < 2
    assert f"document has more than {MAX_VALUES:,} values (after expanding aliases)" in err
    assert error_lines(err)[0].startswith(f"{ACME}:6:")


def test_alias_of_a_huge_mapping_repeated_is_refused(built: BuiltSite) -> None:
    items = "\n".join(f"  k{i}: v" for i in range(5000))
    text = f"big: &big\n{items}\n" + "".join(f"c{i}: *big\n" for i in range(40))
    err = built.refused({ACME: text})
    assert "values (after expanding aliases)" in err


@pytest.mark.parametrize("source", [
    "x: " + "[" * 10_000 + "]" * 10_000,
    "x: " + "{a: " * 5_000 + "1" + "}" * 5_000,
    "x: " + "[" * 200_000,
    "".join(" " * i + "- \n" for i in range(0, 400, 2)) + " " * 400 + "- x\n",
    "".join(" " * i + f"k{i}:\n" for i in range(0, 400, 2)) + " " * 400 + "v: 1\n",
], ids=["flow-list", "flow-map", "unclosed", "block-list", "block-map"])
@SERIAL  # refused within a time bound
def test_deep_nesting_is_refused_quickly(built: BuiltSite, source: str) -> None:
    started = time.perf_counter()
    err = built.refused({ACME: source})
    assert time.perf_counter() - started < 3
    assert f"nested more than {MAX_DEPTH} levels deep" in err or "YAML syntax error" in err


@SERIAL  # refused within a time bound
def test_file_above_the_size_cap_is_refused(built: BuiltSite) -> None:
    started = time.perf_counter()
    raw = b"name: Acme\nsummary: " + b"x" * MAX_BYTES + b"\n"
    err = built.refused({ACME: raw})
    assert time.perf_counter() - started < 3
    assert error_lines(err) == [f"{ACME}:1:1: error: file is {len(raw):,} bytes; the limit is "
                                f"{MAX_BYTES:,}"]


def test_site_yaml_above_the_size_cap_is_refused(built: BuiltSite) -> None:
    raw = (built.site / "site.yaml").read_bytes() + b"#" * MAX_BYTES + b"\n"
    err = built.refused({"site.yaml": raw})
    assert error_lines(err) == [f"site.yaml:1:1: error: file is {len(raw):,} bytes; the limit is "
                                f"{MAX_BYTES:,}"]


def test_every_broken_file_is_reported_in_one_run(built: BuiltSite) -> None:
    err = built.refused({
        ACME: "name: A\nname: B\n",
        "content/companies/globex.yaml": b"name: Gl\xffbex\n",
        "content/cities/shelbyville.yaml": "\tname: x\n",
        "content/cities/springfield.yaml": "name: !!binary eA==\n",
    })
    assert [line.split(": error: ")[0] for line in error_lines(err)] == [
        "content/cities/shelbyville.yaml:1:1", "content/cities/springfield.yaml:1:7",
        f"{ACME}:2:1", "content/companies/globex.yaml:1:9"]
