"""The YAML parser's complaints, placed where a writer has to fix them, with plain advice.

libyaml says where it noticed a problem, which is often past the mistake: after the line
that lacks its ':', at the end of the file for a bracket that is closed after all. Each
rule below looks at the raw text around the parser's marks and, where it can tell what
the mistake is, says that and points at it; otherwise the parser's words stand.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import source_line
from generator.read import marks
from generator.read.marks import YamlProblem, position

_SYNTAX_HINTS = (
    ("mapping values are not allowed", "put a value that contains ': ' in quotes"),
    ("did not find expected key", "check this line's indentation against the lines above"),
    ("did not find expected '-'", "check this line's indentation against the lines above"),
    ("expected <document start>", "this line is indented less than the first one; "
                                  "start every top-level key at the same column"),
    ("could not find expected ':'", "a key needs ': ' after it, or quote a line that goes on"),
    ("found unknown escape character", "in double quotes a backslash starts an escape; "
                                       "use single quotes"),
    ("block sequence entries are not allowed", "start a '- ' item on a line of its own"),
)

# Parts that open on one line and must close later: the place to fix is where they open.
_UNCLOSED = {
    "while parsing a flow sequence": "[list]",
    "while parsing a flow mapping": "{mapping}",
    "while scanning a quoted scalar": "quoted text",
}

WIDE_BLANK_LINE = ("YAML syntax error: this blank line at the start of block text has more "
                   "spaces than the text's first line; delete its spaces")
_UNINDENTED_BLOCK = "YAML syntax error: the lines of block text after '|' or '>' must be indented"
_ONE_LINE_KEY = "YAML syntax error: a key must be on one line; this one starts on a line above"
# An anchor or alias name just before the parser's mark, where a name may start.
_NAME_BEFORE = re.compile(r"(?:^|[\s\[{,])[&*][0-9A-Za-z_-]+$")
_INDICATORS_ONLY = re.compile(r" *(?:[-?:] *)+")


@dataclass(frozen=True, slots=True)
class _Place:
    """Where the parser stopped, and the text around it."""

    text: str
    problem: str
    context: str
    line: int
    col: int
    offset: int
    context_mark: Any

    @property
    def char(self) -> str:
        return self.text[self.offset:self.offset + 1]

    @property
    def line_text(self) -> str:
        return source_line(self.text, self.line)

    @property
    def before(self) -> str:  # the text of the problem's line before it
        return self.line_text[:self.col - 1]


def syntax_hint(problem: str) -> str:
    """Plain advice for the YAML mistakes writers make most."""
    return next((f" ({hint})" for clue, hint in _SYNTAX_HINTS if clue in problem), "")


def syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    """The parser's complaint, placed where a writer has to fix it."""
    mark: Any = exc.problem_mark or exc.context_mark
    line, col = position(mark) if mark else (1, 1)
    offset = min(mark.index, len(text)) if mark else 0
    here = _Place(text, str(exc.problem or exc.context), str(exc.context or ""), line, col,
                  offset, exc.context_mark)
    for rule in _RULES:
        found = rule(here)
        if found is not None:
            return found
    return YamlProblem(line, col, f"YAML syntax error: {here.problem}"
                                  f"{syntax_hint(here.problem)}")


def _unclosed(here: _Place) -> YamlProblem | None:
    opened = _UNCLOSED.get(here.context)
    if opened is None or here.context_mark is None:
        return None
    text, start = here.text, here.context_mark.index
    while start < len(text) and text[start] not in "[{\"'\n":
        start += 1  # past an anchor or a tag before the bracket
    if start >= len(text) or text[start] == "\n":
        return None
    end = marks.quote_end(text, start) if text[start] in "\"'" else marks.flow_end(text, start)
    if end < 0:
        # The parser notices only where the open part should have ended (often the end
        # of the file); the missing bracket or quote belongs to the part that starts here.
        why = "the file ends first" if (here.line - 1, here.col - 1) == marks.text_end(text) \
            else f"{here.problem} at line {here.line}, column {here.col}"
        return marks.problem_at(text, start, f"YAML syntax error: the {opened} that starts "
                                             f"here is not closed ({why})")
    if "document indicator" in here.problem:
        marker = text[here.offset:here.offset + 3]
        return YamlProblem(here.line, here.col, f"YAML syntax error: a line of quoted text "
                                                f"starts with '{marker}', which ends a YAML "
                                                "document; indent the line")
    if here.problem.startswith("did not find expected ','"):
        return _flow_separator(here)
    return None


def _flow_separator(here: _Place) -> YamlProblem:
    # Inside [ ] and { } a key's ':' must be on the key's line; a plain key that runs
    # over a line break is most often two items that lack the ',' between them.
    if here.char != ":":
        return YamlProblem(here.line, here.col,
                           "YAML syntax error: a ',' is missing before this item")
    before = here.before.strip()
    if not before:
        return YamlProblem(here.line, here.col, "YAML syntax error: this ':' is on a line "
                                                "below its key; inside [ ] and { } put a key "
                                                "and its ':' on one line")
    above = marks.line_above(here.text, here.line)
    if marks.opens_quote(before) or above is None or ": " not in source_line(here.text, above):
        return YamlProblem(here.line, here.col, _ONE_LINE_KEY)
    return YamlProblem(above, marks.content_end(source_line(here.text, above)),
                       "YAML syntax error: a ',' is missing at the end of this line")


def _anchor_name(here: _Place) -> YamlProblem | None:
    scanning = here.context in ("while scanning an anchor", "while scanning an alias")
    if here.char in ("", " ", "\t", "\n") or not (scanning or _NAME_BEFORE.search(here.before)):
        return None
    shown = f'"{here.char}"' if here.char == "'" else f"'{here.char}'"
    return YamlProblem(here.line, here.col, f"YAML syntax error: {shown} in the name of an "
                                            "anchor or alias; this YAML parser allows only "
                                            "letters, digits, '-' and '_' there")


def _tab(here: _Place) -> YamlProblem | None:
    if here.char != "\t":
        return None
    if not here.line_text.strip(" \t"):
        return YamlProblem(here.line, here.col, "YAML syntax error: a tab on a line that is "
                                                "otherwise blank; delete it")
    if not here.before.strip(" ") and marks.in_block_text(here.text, here.line):
        return YamlProblem(here.line, here.col, "YAML syntax error: a tab at the start of a line "
                                                "of block text, which this YAML parser refuses; "
                                                "write the value in double quotes, with \\t for "
                                                "the tab")
    if _INDICATORS_ONLY.fullmatch(here.before):
        return YamlProblem(here.line, here.col, f"YAML syntax error: a tab after "
                                                f"'{here.before.rstrip()[-1]}'; put a space "
                                                "there instead")
    return YamlProblem(here.line, here.col, "YAML syntax error: a tab; indent with spaces, "
                                            "not tabs")


def _missing_colon(here: _Place) -> YamlProblem | None:
    # The parser looks for the ':' until the next token, often on a later line; the key
    # that lacks it starts at the context mark.
    if not here.problem.startswith("could not find expected ':'") or here.context_mark is None:
        return None
    mark = here.context_mark
    line, col = position(mark)
    if here.text[mark.index:mark.index + 1] in ("'", '"') and line < here.line:
        return YamlProblem(line, col, _ONE_LINE_KEY)
    if marks.BLOCK_HEADER.search(source_line(here.text, line - 1)):
        return YamlProblem(line, col, _UNINDENTED_BLOCK)
    return YamlProblem(line, col, "YAML syntax error: could not find expected ':' (a key "
                                  "needs ': ' after it, or quote a line that goes on)")


def _wide_blank(here: _Place) -> YamlProblem | None:
    at = marks.wide_blank_line(here.text, here.line)
    return None if at is None else marks.problem_at(here.text, at, WIDE_BLANK_LINE)


def _after_value(here: _Place) -> YamlProblem | None:
    if not here.problem.startswith("did not find expected key"):
        return None
    before = here.before.rstrip()
    last = before[-1:]
    if last == "'":
        return YamlProblem(here.line, here.col, "YAML syntax error: text after the closing "
                                                "quote; put all of the value inside the quotes, "
                                                "and write a ' inside them as ''")
    if last == '"':
        return YamlProblem(here.line, here.col, "YAML syntax error: text after the closing "
                                                "quote; put all of the value inside the quotes, "
                                                'and write a " inside them as \\"')
    if last in ("]", "}"):
        return YamlProblem(here.line, here.col, f"YAML syntax error: text after the closing "
                                                f"'{last}'; start it on a line of its own")
    if here.char == "*" and _NAME_BEFORE.search(before):
        return YamlProblem(here.line, here.col, "YAML syntax error: an alias cannot have an "
                                                "anchor; delete the '&' name before it")
    above = marks.line_above(here.text, here.line)
    if here.char == "&" and above is not None \
            and _NAME_BEFORE.search(source_line(here.text, above).rstrip()):
        return YamlProblem(here.line, here.col, "YAML syntax error: a second anchor for the "
                                                "value that the line above names; keep one")
    return None


def _comment_in_value(here: _Place) -> YamlProblem | None:
    # A comment ends a plain value, so a line that goes on with it is read as a new key.
    if "did not find expected key" not in here.problem \
            and "<document start>" not in here.problem:
        return None
    rest = here.line_text[here.col - 1:]
    above = marks.line_above(here.text, here.line, comments=True)
    if above is None or ": " in rest or rest.rstrip().endswith(":") or rest.startswith("- "):
        return None
    if not marks.has_comment(source_line(here.text, above)):
        return None
    return YamlProblem(here.line, here.col, "YAML syntax error: a comment ends the value "
                                            "above, so it cannot go on here; move the comment, "
                                            "or quote the value")


def _document_start(here: _Place) -> YamlProblem | None:
    if "<document start>" not in here.problem:
        return None
    above = marks.line_above(here.text, here.line)
    if above is not None and marks.BLOCK_HEADER.search(source_line(here.text, above)):
        return YamlProblem(here.line, here.col, _UNINDENTED_BLOCK)
    if here.char in ("]", "}"):
        return YamlProblem(here.line, here.col, f"YAML syntax error: this '{here.char}' closes "
                                                "nothing; delete it")
    first = marks.first_content_line(here.text)
    if first is None:
        directive = here.text.find("%")
        return marks.problem_at(here.text, max(directive, 0), "YAML syntax error: a '%' "
                                "directive with no document after it; delete the directive")
    if marks.indent_of(first) > here.col - 1:
        return None  # the hint on indentation is right
    return YamlProblem(here.line, here.col, "YAML syntax error: text after the end of the "
                                            "document; a file holds one mapping, with every "
                                            "key in it")


def _mapping_value(here: _Place) -> YamlProblem | None:
    if not here.problem.startswith("mapping values are not allowed"):
        return None
    if here.line_text.startswith("--- "):
        return YamlProblem(here.line, here.col, "YAML syntax error: a mapping cannot start on "
                                                "the '---' line; start it on the next line")
    before = here.before
    if marks.opens_quote(before) or sum(before.count(c) for c in "]}") \
            > sum(before.count(c) for c in "[{"):
        return YamlProblem(here.line, here.col, _ONE_LINE_KEY)
    if _goes_on(here):
        return YamlProblem(here.line, here.col, "YAML syntax error: this line goes on with the "
                                                "value above, which cannot hold ': '; indent a "
                                                "key as the keys above, or quote the value")
    return None


def _goes_on(here: _Place) -> bool:
    """Whether the problem's line continues a plain value begun on a line above."""
    above = marks.line_above(here.text, here.line, comments=True)
    if above is None:
        return False
    text = source_line(here.text, above)
    if ": " in here.before or marks.has_comment(text) or text.startswith(("---", "...", "%")) \
            or text.rstrip().endswith((":", "'", '"', "]", "}")) or marks.BLOCK_HEADER.search(text):
        return False
    return ": " not in text or marks.indent_of(here.line_text) > marks.indent_of(text)


def _node_content(here: _Place) -> YamlProblem | None:
    if here.context == "while scanning a block scalar" and "comment or line break" in here.problem:
        return YamlProblem(here.line, here.col, "YAML syntax error: text after '|' or '>' on its "
                                                "line; block text starts on the next line")
    if not here.problem.startswith("did not find expected node content"):
        return None
    if here.char == ",":
        return YamlProblem(here.line, here.col, "YAML syntax error: an empty item; delete the "
                                                "extra ','")
    if here.char in (":", "?"):
        return YamlProblem(here.line, here.col, f"YAML syntax error: a value cannot start with "
                                                f"'{here.char}' here; put it in quotes")
    return None


_RULES: tuple[Callable[[_Place], YamlProblem | None], ...] = (
    _unclosed, _anchor_name, _tab, _missing_colon, _wide_blank, _after_value,
    _comment_in_value, _document_start, _mapping_value, _node_content)
