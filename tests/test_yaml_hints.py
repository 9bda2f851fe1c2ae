"""The first hint of a YAML syntax error is true and points at the line that holds the mistake.

The inputs come from the YAML test suite's error cases (github.com/yaml/yaml-test-suite;
its case ids are in the test ids), where libyaml's own place was past the mistake in most
of them, and from each mistake spelled where a record has values: at the top level, in a
list, in a flow mapping, in a fact, over several lines.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import Diagnostic
from generator.read.yamlsrc import parse_yaml

NOT_CLOSED = "YAML syntax error: the {} that starts here is not closed ({})"
MISSING_COLON = ("YAML syntax error: could not find expected ':' (a key needs ': ' after it, "
                 "or quote a line that goes on)")
ONE_LINE_KEY = "YAML syntax error: a key must be on one line; this one starts on a line above"
COLON_BELOW = ("YAML syntax error: this ':' is on a line below its key; inside [ ] and { } put "
               "a key and its ':' on one line")
COMMA_BEFORE = "YAML syntax error: a ',' is missing before this item"
COMMA_AT_END = "YAML syntax error: a ',' is missing at the end of this line"
GOES_ON = ("YAML syntax error: this line goes on with the value above, which cannot hold ': '; "
           "indent a key as the keys above, or quote the value")
QUOTE_HINT = ("YAML syntax error: mapping values are not allowed in this context (put a value "
              "that contains ': ' in quotes)")
INDENTATION = ("YAML syntax error: did not find expected key (check this line's indentation "
               "against the lines above)")
AFTER_QUOTE = "YAML syntax error: text after the closing quote; put all of the value inside " \
              "the quotes, and write a {} inside them as {}"
COMMENT_ENDS = ("YAML syntax error: a comment ends the value above, so it cannot go on here; "
                "move the comment, or quote the value")
WIDE = "YAML syntax error: this blank line at the start of block text has more spaces than " \
       "the text's first line; delete its spaces"
UNINDENTED = "YAML syntax error: the lines of block text after '|' or '>' must be indented"


def problem(text: str) -> tuple[int, int, str]:
    found = parse_yaml("content/companies/acme.yaml", text.encode("utf-8"))
    assert isinstance(found, Diagnostic), f"read as {found.data!r}"
    return found.line, found.col, found.message


# --- "not closed" only when nothing closes it ---------------------------------------------


@pytest.mark.parametrize(("text", "line", "col", "what", "why"), [
    ("---\n[ [ a, b, c ]\n", 2, 1, "[list]", "the file ends first"),  # 6JTT
    ('---\nkey: "missing closing quote\n', 2, 6, "quoted text", "the file ends first"),  # CQ3W
    ("name: x\nabout: [a, b\n", 2, 8, "[list]", "the file ends first"),
    ("name: x\nabout: [a, b", 2, 8, "[list]", "the file ends first"),
    ("name: x\nlinks: {home: a\n", 2, 8, "{mapping}", "the file ends first"),
    ("name: 'x\n", 1, 7, "quoted text", "the file ends first"),
    ("name: x\nabout:\n  - [a, b\n", 3, 5, "[list]", "the file ends first"),
    ("name: x\nfacts:\n  - text: x\n    quote: \"the quote\n", 4, 12, "quoted text",
     "the file ends first"),
    ("name: [a,\n  b\nfounded: 1", 1, 7, "[list]",
     "did not find expected ',' or ']' at line 3, column 8"),
    ("name: {a: [1, 2}\n", 1, 11, "[list]", "did not find expected ',' or ']' at line 1, "
                                            "column 16"),
    ("about: [a, \"b]\"\n", 1, 8, "[list]", "the file ends first"),
    ("about: [a, 'it''s'\n", 1, 8, "[list]", "the file ends first"),
    ('text: "a \\" b\n', 1, 7, "quoted text", "the file ends first"),
])
def test_not_closed_when_it_is_not(text: str, line: int, col: int, what: str,
                                   why: str) -> None:
    assert problem(text) == (line, col, NOT_CLOSED.format(what, why))


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("key: [ word1\n#  xxx\n  word2 ]\n", 3, 3, COMMA_BEFORE),  # CML9
    ("---\n{\n foo: 1\n bar: 2 }\n", 3, 8, COMMA_AT_END),  # T833
    ("name: x\nlinks: {home: a\n  shop: b}\n", 2, 16, COMMA_AT_END),
    ("name: x\nlinks: {home: a  # the home page\n  shop: b}\n", 3, 3, COMMA_BEFORE),
    ("---\n[ key\n  : value ]\n", 3, 3, COLON_BELOW),  # DK4H
    ('[ "key"\n  :value ]\n', 2, 3, COLON_BELOW),  # ZXT5
    ("k: {\nk\n:\nv\n}\n", 3, 1, COLON_BELOW),  # VJP3/00
    ('{"foo"\n: "bar"}\n', 2, 1, COLON_BELOW),  # 4MUZ/00
    ('---\n{ "foo"\n  :bar }\n', 3, 3, COLON_BELOW),  # 5MUD
    ('---\n{ "foo" # comment\n  :bar }\n', 3, 3, COLON_BELOW),  # K3WX
    ('---\n- { "single line": value}\n- { "multi\n  line": value}\n', 4, 8,
     ONE_LINE_KEY),  # 9SA2
    ("---\n- { single line: value}\n- { multi\n  line: value}\n", 4, 7, ONE_LINE_KEY),  # NJ66
    ("name: x\nfacts:\n  - {text: x\n     source: y}\n", 3, 13, COMMA_AT_END),
])
def test_closed_brackets_get_the_mistake_inside(text: str, line: int, col: int,
                                                message: str) -> None:
    assert problem(text) == (line, col, message)


@pytest.mark.parametrize(("text", "line", "marker"), [
    ('---\n"\n---\n"\n', 3, "---"),  # 5TRB
    ('--- "a\n... x\nb"\n', 2, "..."),  # 9MQT/01
    ("---\n'\n...\n'\n", 3, "..."),  # RXY3
    ('name: x\nsummary: "The report\n---\n  ends here"\n', 3, "---"),
])
def test_document_marker_inside_quotes(text: str, line: int, marker: str) -> None:
    assert problem(text) == (line, 1, f"YAML syntax error: a line of quoted text starts with "
                                      f"'{marker}', which ends a YAML document; indent the line")


# --- "could not find expected ':'" on the line of the key that lacks it ------------------


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("foo:\n  bar\ninvalid\n", 3, 1, MISSING_COLON),  # 236B
    ("key:\n - bar\n - baz\n invalid\n", 4, 2, MISSING_COLON),  # 6S55
    ("top1:\n  key1: val1\ntop2\n", 3, 1, MISSING_COLON),  # 7MNF
    ("key:\n - item1\n - item2\ninvalid\n", 4, 1, MISSING_COLON),  # 9CWY
    ("- item1\n- item2\ninvalid\n", 3, 1, MISSING_COLON),  # TD5N
    ("key: value\nthis is #not a: key\n", 2, 1, MISSING_COLON),  # GDY7
    ("---\nseq:\n&anchor\n- a\n- b\n", 3, 1, MISSING_COLON),  # G9HC
    ("- item1\n&node\n- item2\n", 2, 1, MISSING_COLON),  # GT5M
    ("key: &x\n!!map\n  a: b\n", 2, 1, MISSING_COLON),  # H7J7
    ("a\\nb: 1\nc\n d: 1\n", 2, 1, MISSING_COLON),  # G7JE
    ('"a\\nb": 1\n"c\n d": 1\n', 2, 1, ONE_LINE_KEY),  # 7LBH
    ("'a\\nb': 1\n'c\n d': 1\n", 2, 1, ONE_LINE_KEY),  # D49Q
    ("name: x\nsummary Acme makes things\n", 2, 1, MISSING_COLON),
    ("name: x\nsummary Acme makes things", 2, 1, MISSING_COLON),
    ("name: x\nfacts:\n  - text: x\n    source\n", 4, 5, MISSING_COLON),
    ("name: x\nsummary: |\nOne line.\n", 3, 1, UNINDENTED),
])
def test_missing_colon_points_at_the_key(text: str, line: int, col: int, message: str) -> None:
    found = problem(text)
    assert found == (line, col, message)
    assert found[0] <= len(text.splitlines())  # never past the end of the file


# --- the other hints say what is wrong, where ---------------------------------------------


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("---\n[ a, b, c ] ]\n", 2, 13, "YAML syntax error: this ']' closes nothing; delete it"),
    ("---\nkey: value\n... invalid\n", 3, 5, "YAML syntax error: text after the end of the "
                                             "document; a file holds one mapping, with every "
                                             "key in it"),  # 3HFZ
    ("name: x\n...\nfounded: 1\n", 3, 1, "YAML syntax error: text after the end of the "
                                         "document; a file holds one mapping, with every key "
                                         "in it"),
    ("%YAML 1.2\n", 1, 1, "YAML syntax error: a '%' directive with no document after it; "
                          "delete the directive"),  # 9MMA
    ("  name: x\nfounded: 1\n", 2, 1, "YAML syntax error: did not find expected <document "
                                      "start> (this line is indented less than the first one; "
                                      "start every top-level key at the same column)"),
    ("word1  # comment\nword2\n", 2, 1, COMMENT_ENDS),  # BS4K
    ("key: word1\n#  xxx\n  word2\n", 3, 3, COMMENT_ENDS),  # 8XDJ
    ("---\nplain: a\n       b # end of scalar\n       c\n", 4, 8, COMMENT_ENDS),  # BF9H
    ("name: x\nsummary: Makes things  # and sells\n  worldwide\n", 3, 3, COMMENT_ENDS),
    ('key1: "quoted1"\nkey2: "quoted2" no key: nor value\n', 2, 17,
     AFTER_QUOTE.format('"', '\\"')),  # JY7Z
    ('key1: "quoted1"\nkey2: "quoted2" trailing content\n', 2, 17,
     AFTER_QUOTE.format('"', '\\"')),  # Q4CL
    ("name: x\nsummary: 'it's'\n", 2, 14, AFTER_QUOTE.format("'", "''")),
    ("---\nx: { y: z }in: valid\n", 2, 12, "YAML syntax error: text after the closing '}'; "
                                           "start it on a line of its own"),  # 62EZ
    ("key1: &a value\nkey2: &b *a\n", 2, 10, "YAML syntax error: an alias cannot have an "
                                             "anchor; delete the '&' name before it"),  # SR86
    ("top1: &node1\n  &k1 key1: val1\ntop2: &node2\n  &v2 val2\n", 4, 3,
     "YAML syntax error: a second anchor for the value that the line above names; "
     "keep one"),  # 4JVG
    ("key:\n   - ok\n   - also ok\n  - wrong\n", 4, 3, INDENTATION),  # 4HVU
    ("key:\n  ok: 1\n wrong: 2\n", 3, 2, INDENTATION),  # DMG6
])
def test_document_and_value_hints(text: str, line: int, col: int, message: str) -> None:
    assert problem(text) == (line, col, message)


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("k1: v1\n k2: v2\n", 2, 4, GOES_ON),  # EW3V
    ("key:\n  word1 word2\n  no: key\n", 3, 5, GOES_ON),  # HU3P
    ("this\n is\n  invalid: x\n", 3, 10, GOES_ON),  # 2CMS
    ("name: x\nsummary: Acme makes things\n  founded: 1947\n", 3, 10, GOES_ON),
    ("a: b: c: d\n", 1, 5, QUOTE_HINT),  # ZCZ6
    ("---\na: 'b': c\n", 2, 7, QUOTE_HINT),  # ZL4Z
    ("name: Acme: the company\n", 1, 11, QUOTE_HINT),
    ("name: x\nsummary: Acme\n  # a note\n", 0, 0, ""),  # valid: no error at all
    ("--- key1: value1\n    key2: value2\n", 1, 9, "YAML syntax error: a mapping cannot start "
                                                   "on the '---' line; start it on the next "
                                                   "line"),  # 9KBC
    ("--- &anchor a: b\n", 1, 14, "YAML syntax error: a mapping cannot start on the '---' "
                                  "line; start it on the next line"),  # CXX2
    ('- - "bar\nbar": x\n', 2, 5, ONE_LINE_KEY),  # JKF3
    ("[23\n]: 42\n", 2, 2, ONE_LINE_KEY),  # C2SP
])
def test_mapping_value_hints(text: str, line: int, col: int, message: str) -> None:
    found = parse_yaml("content/companies/acme.yaml", text.encode("utf-8"))
    if not message:
        assert not isinstance(found, Diagnostic)
        return
    assert isinstance(found, Diagnostic)
    assert (found.line, found.col, found.message) == (line, col, message)


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("---\na:\n\tb:\n\t\tc: value\n", 3, 1, "a tab; indent with spaces, not tabs"),  # 4EJS
    ("foo:\n  a: 1\n  \tb: 2\n", 3, 3, "a tab; indent with spaces, not tabs"),  # DK95/06
    ("-\t-\n", 1, 2, "a tab after '-'; put a space there instead"),  # Y79Y/004
    ("- \t-\n", 1, 3, "a tab after '-'; put a space there instead"),  # Y79Y/005
    ("?\t-\n", 1, 2, "a tab after '?'; put a space there instead"),  # Y79Y/006
    ("-\t-1\n", 1, 2, "a tab after '-'; put a space there instead"),  # Y79Y/010
    ("- foo:\t bar\n- - baz\n  -\tbaz\n", 3, 4, "a tab after '-'; put a space there "
                                                "instead"),  # 6BCT
    ("foo: |\n\t\nbar: 1\n", 2, 1, "a tab on a line that is otherwise blank; delete it"),
    ("foo: |\n \t\nbar: 1\n", 2, 2, "a tab on a line that is otherwise blank; delete it"),
    ("foo: 1\n\t\nbar: 2\n", 2, 1, "a tab on a line that is otherwise blank; delete it"),
    ("foo: |-\n \tbar\n", 2, 2, "a tab at the start of a line of block text, which this YAML "
                                "parser refuses; write the value in double quotes, with \\t "
                                "for the tab"),  # 96NN/00
    ("name: x\nfacts:\n  - text: |\n      \tindented\n", 4, 7, "a tab at the start of a line "
                                                            "of block text, which this YAML "
                                                            "parser refuses; write the value "
                                                            "in double quotes, with \\t for "
                                                            "the tab"),
])
def test_tab_hints(text: str, line: int, col: int, message: str) -> None:
    assert problem(text) == (line, col, f"YAML syntax error: {message}")


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("block scalar: >\n \n  \n   \n invalid\n", 3, 1, WIDE),  # 5LLU
    ("---\nblock scalar: |\n     \n  more spaces at the beginning\n  are invalid\n", 3, 1,
     WIDE),  # W9L4
    ("name: x\nsummary: |\n      \n    Text.\n", 3, 1, WIDE),
    ("--- >\nline1\nline2\n", 2, 1, UNINDENTED),  # FP8R
    ("---\nfolded: > first line\n  second line\n", 2, 11, "YAML syntax error: text after "
                                                          "'|' or '>' on its line; block "
                                                          "text starts on the next line"),
    ("key: - a\n     - b\n", 1, 6, "YAML syntax error: block sequence entries are not allowed "
                                   "in this context (start a '- ' item on a line of its "
                                   "own)"),  # 5U3A
    ("---\n[ , a, b, c ]\n", 2, 3, "YAML syntax error: an empty item; delete the extra ','"),
    ("---\n[ a, b, c, , ]\n", 2, 12, "YAML syntax error: an empty item; delete the extra ','"),
    ("[:x]\n", 1, 2, "YAML syntax error: a value cannot start with ':' here; put it in "
                     "quotes"),  # HM87/00
    ("name: x\nlinks: {a: ?x}\n", 2, 12, "YAML syntax error: a value cannot start with '?' "
                                         "here; put it in quotes"),
])
def test_block_and_flow_hints(text: str, line: int, col: int, message: str) -> None:
    assert problem(text) == (line, col, message)


@pytest.mark.parametrize(("text", "col", "char"), [
    ("---\n- &\U0001f601 unicode anchor\n", 4, "'\U0001f601'"),  # 8XYN
    ("a: &:@*!$\"<foo>: scalar a\n", 5, "':'"),  # W5VH
    ("name: &acme.name Acme\n", 12, "'.'"),
    ("name: &a&b x\n", 9, "'&'"),
    ("name: &an-'x' v\n", 11, '"\'"'),
    ("name: x\nb: &a@b v\n", 6, "'@'"),
])
def test_anchor_name_hints(text: str, col: int, char: str) -> None:
    found = problem(text)
    assert found[1:] == (col, f"YAML syntax error: {char} in the name of an anchor or alias; "
                              "this YAML parser allows only letters, digits, '-' and '_' "
                              "there")


# --- every hint stays inside the file, and none raises -------------------------------------

_PIECES = st.sampled_from(["name: x", "  a: 1", "- b", "[a, b", "{c: d}", "]", "}", '"q', "'q'",
                           "key", ": v", "|", "  text", "\t", "#c", "&a", "*a", "...", "---",
                           "  ", "x: 'it's'", "y: [a\n  b: c]"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, min_size=1, max_size=8), st.booleans())
def test_every_diagnostic_is_inside_the_file(pieces: list[str], final_break: bool) -> None:
    text = "\n".join(pieces) + ("\n" if final_break else "")
    found = parse_yaml("content/companies/acme.yaml", text.encode("utf-8"))
    if isinstance(found, Diagnostic):
        assert found.message
        assert 1 <= found.line <= text.count("\n") + 1
        assert found.col >= 1
        if "is not closed" in found.message:
            opener = text.splitlines()[found.line - 1][found.col - 1]
            assert opener in "[{\"'"
