"""Values -> YAML that the reader (read/yamlsrc.py, the YAML 1.2 core schema) reads back as
exactly those values: plain scalars where they are safe, double quotes where not.

Plain is kept to letters, digits and a few marks no YAML parser gives a meaning to, and to
text no core-schema rule reads as a number, boolean or null. Text of several lines is a
literal block (`|`, `|-`) when each line reads back as written, else one double-quoted line
with escapes. The import parses every file it makes and compares, so a gap here would be
caught before anything is written, not after.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.render.numbers import number_text

# Text a core-schema plain scalar would read as something else (compose.py's rules).
_NOT_TEXT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
                       r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                       r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|~|null|Null|NULL"
                       r"|true|True|TRUE|false|False|FALSE")
_PLAIN_MARKS = frozenset(" .,;'()/&+-_?!%$=^~@")
_FIRST_MARKS = frozenset("(")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x85": "\\N",
            "\u2028": "\\L", "\u2029": "\\P", "\x00": "\\0"}


@dataclass(frozen=True, slots=True)
class Written:
    """A value's YAML text after its key, and whether it ends its line (a block does)."""

    text: str
    block: bool = False


def plain_ok(text: str, flow: bool = False) -> bool:
    """Whether `text` can be written unquoted (in a [ ] list when `flow`) and read back."""
    if not text or text != text.strip() or _NOT_TEXT.fullmatch(text):
        return False
    first = text[0]
    if not (first.isalnum() or first in _FIRST_MARKS):
        return False
    marks = _PLAIN_MARKS - {","} if flow else _PLAIN_MARKS
    # ':' is a key's mark only before a space or at the end: `https://…` and `city:berlin`
    # stay plain.
    return all((c.isalnum() and c.isprintable()) or c in marks or c == ":" for c in text) \
        and "  " not in text and ": " not in text and not text.endswith(":")


def quoted(text: str) -> str:
    """`text` in double quotes, everything that is not printable escaped."""
    return '"' + "".join(_escape(c) for c in text) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable() or char == " ":
        return char
    code = ord(char)
    if unicodedata.category(char) == "Zs":  # a no-break or thin space is printable in YAML
        return char
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
        else f"\\U{code:08x}"


def scalar(value: Any, flow: bool = False) -> str:
    """A number, boolean or text as one line of YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    text = str(value)
    return text if plain_ok(text, flow) else quoted(text)


def _float_text(value: float) -> str:
    """A float the reader reads back as a float: never bare digits, which it takes as an
    integer."""
    text = number_text(value)
    return text if re.search(r"[.e]", text) else text + ".0"


def inline(value: Any) -> str:
    """`value` on one line: a scalar, or a list in [ ]."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(scalar(item, flow=True) for item in value) + "]"
    return scalar(value)


def written(value: Any, indent: str, one_line: bool = False) -> Written:
    """`value` as it follows `key: ` at `indent`; a literal block for text of several lines,
    unless `one_line`."""
    if isinstance(value, str) and "\n" in value and not one_line:
        block = _literal(value, indent + "  ")
        if block is not None:
            return Written(block, block=True)
    return Written(inline(value))


def _literal(text: str, indent: str) -> str | None:
    """`text` as a literal block scalar, or None when a line would not read back as written."""
    body = text[:-1] if text.endswith("\n") else text
    lines = body.split("\n")
    if body.endswith("\n") or not lines[0] or lines[0][0].isspace() or any(
            (line and not line.strip()) or "\t" in line or not _printable(line)
            for line in lines):
        return None
    chomp = "" if text.endswith("\n") else "-"
    return f"|{chomp}\n" + "\n".join(indent + line if line else "" for line in lines)


def _printable(line: str) -> bool:
    return all(c.isprintable() or unicodedata.category(c) == "Zs" for c in line)


def entry(key: str, value: Any, indent: str = "", one_line: bool = False) -> tuple[str, int]:
    """`key: value` at `indent`, without a final line break; and where the value starts."""
    head = f"{indent}{key}: "
    shown = written(value, indent, one_line)
    if shown.block:
        return head.rstrip(" ") + " " + shown.text, len(head)
    return head + shown.text, len(head)


def mapping_lines(items: dict[str, Any], indent: str, first: str
                  ) -> Iterator[tuple[str, str, int]]:
    """The lines of a block mapping, the first after `first` (e.g. '- ') instead of
    `indent`: (key, text, where its value starts in the text)."""
    lead = first
    for key, value in items.items():
        text, at = entry(key, value, indent)
        yield key, lead + text[len(indent):], at - len(indent) + len(lead)
        lead = indent
