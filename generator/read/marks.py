"""Where things are in a YAML file: key paths, line:col positions and the parse problem."""

from __future__ import annotations

import re
from typing import Any

from generator.errors import line_offset, source_line

Key = str | int
KeyPath = tuple[Key, ...]
Position = tuple[int, int]  # 1-based line, column
# Where each value and each key starts, filled in when positions are asked for.
Found = tuple[dict[KeyPath, Position], dict[KeyPath, Position]]


class YamlProblem(Exception):
    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message

    @classmethod
    def at(cls, mark: Any, message: str) -> YamlProblem:
        """A problem at a parser mark (0-based line and column)."""
        return cls(*position(mark), message)


def problem_at(text: str, offset: int, message: str) -> YamlProblem:
    """A problem at character `offset` of `text`."""
    line, col = text_position(text, offset)
    return YamlProblem(line, col, message)


def position(mark: Any) -> Position:
    return mark.line + 1, mark.column + 1


def text_position(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def quote_end(text: str, start: int) -> int:
    """The offset just past the quote that closes the one at `start`; -1 if none does."""
    quote = text[start]
    at = start + 1
    while (at := text.find(quote, at)) >= 0:
        if quote == '"' and _escaped(text, at):
            at += 1
        elif quote == "'" and text.startswith("''", at):
            at += 2  # '' is a quote inside single quotes
        else:
            return at + 1
    return -1


def _escaped(text: str, at: int) -> bool:
    before = at
    while before > 0 and text[before - 1] == "\\":
        before -= 1
    return (at - before) % 2 == 1


_CLOSERS = {"[": "]", "{": "}"}
_BEFORE_QUOTE = frozenset(" \t\n[{,:?-")


def flow_end(text: str, start: int) -> int:
    """The offset just past the bracket that closes the one at `start`; -1 if none does.

    Quoted text and comments are skipped; a bracket of the other kind closing first
    means the one at `start` is not closed.
    """
    expected = [_CLOSERS[text[start]]]
    at = start + 1
    while expected and at < len(text):
        char = text[at]
        if char in _CLOSERS:
            expected.append(_CLOSERS[char])
        elif char in "]}":
            if char != expected.pop():
                return -1
        elif char in "\"'" and text[at - 1] in _BEFORE_QUOTE:
            at = quote_end(text, at) - 1
            if at < 0:
                return -1
        elif char == "#" and text[at - 1] in " \t\n":
            at = text.find("\n", at)
            if at < 0:
                return -1
        at += 1
    return at if not expected else -1


# Lines of YAML text, read to place a problem where the writer has to fix it.

# A line that ends with '|' or '>' (and '+' or '-'): block text follows, its indentation
# taken from its first line.
BLOCK_HEADER = re.compile(r"(?:^|[ \t])[|>][+-]?(?:[ \t]+#.*|[ \t]*)$")
_COMMENT = re.compile(r"(?:^|[ \t])#")


def in_block_text(text: str, line: int) -> bool:
    """Whether `line` is inside the block text of a '|' or '>' on a line above."""
    indent = indent_of(source_line(text, line))
    for above in range(line - 1, 0, -1):
        line_text = source_line(text, above)
        if line_text.strip(" \t") and indent_of(line_text) < indent:
            return bool(BLOCK_HEADER.search(line_text))
    return False


def wide_blank_line(text: str, line: int) -> int | None:
    """The offset of a blank line at the start of block text that ends before `line` and
    has more spaces than `line` (libyaml then takes the text to be indented that far)."""
    indent = indent_of(source_line(text, line))
    above = line - 1
    while above >= 1 and not source_line(text, above).strip(" "):
        above -= 1
    if above < 1 or above == line - 1 or not BLOCK_HEADER.search(source_line(text, above)):
        return None
    wide = (n for n in range(above + 1, line) if len(source_line(text, n)) > indent)
    blank = next(wide, None)
    return None if blank is None else line_offset(text, blank)


def line_above(text: str, line: int, comments: bool = False) -> int | None:
    """The nearest line above `line` with something on it (comments too, if asked)."""
    for above in range(line - 1, 0, -1):
        stripped = source_line(text, above).strip()
        if stripped and (comments or not stripped.startswith("#")):
            return above
    return None


def has_comment(line_text: str) -> bool:
    found = _COMMENT.search(line_text)
    return found is not None and not opens_quote(line_text[:found.start()])


def opens_quote(text: str) -> bool:
    """Whether `text` ends inside quotes that open on a line above (an odd count)."""
    return text.count('"') % 2 == 1 or text.count("'") % 2 == 1


def content_end(line_text: str) -> int:
    """The column just past the last character of a line before its comment."""
    found = _COMMENT.search(line_text)
    return len(line_text[:found.start() if found else None].rstrip()) + 1


def indent_of(line_text: str) -> int:
    return len(line_text) - len(line_text.lstrip(" "))


def first_content_line(text: str) -> str | None:
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%", "---", "...")):
            return line
    return None


def text_end(text: str) -> tuple[int, int]:
    """The 0-based line and column just past the last character of `text`."""
    return text.count("\n"), len(text) - text.rfind("\n") - 1
