"""YAML text -> plain values, with the line:col of every key and value on demand.

Scalars are typed by the YAML 1.2 core schema (the one editors' YAML support uses), not
PyYAML's YAML 1.1 defaults: `no`, `on` and `yes` stay text, `2020-06-11` stays text, and
only `true`/`false` are booleans. Explicit tags other than `!!str` are refused, duplicate
keys are errors, and aliases are counted so a small file cannot expand into a huge one.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import Diagnostic, error_at, source_line

_Parser: Any
try:  # libyaml's parser when it is there; positions come out the same either way
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 100_000  # counted after expanding aliases

Key = str | int
KeyPath = tuple[Key, ...]
Position = tuple[int, int]  # 1-based line, column

_STR_TAG = "tag:yaml.org,2002:str"
# The tags that say only what a node already is; a `!!map` on a scalar is not one of them.
_PLAIN_TAGS = {"scalar": {None, "!", _STR_TAG}, "mapping": {None, "!", "tag:yaml.org,2002:map"},
               "sequence": {None, "!", "tag:yaml.org,2002:seq"}}
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True,
          "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_OCT_HEX = re.compile(r"0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# Every line break YAML knows becomes '\n', so lines count the same everywhere.
_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


@dataclass(frozen=True, slots=True, eq=False)
class Document:
    """One parsed YAML file: its site-relative path, its text and its values."""

    path: str
    text: str
    data: Any

    def __reduce__(self) -> tuple[type[Document], tuple[str, str, Any]]:
        # Pickled for the build cache; the default for slotted dataclasses is far slower.
        return Document, (self.path, self.text, self.data)

    def locate(self, keypath: KeyPath, *, key: bool = False) -> Position:
        """Where the value (or, with key=True, the key) at `keypath` starts.

        Falls back to the nearest enclosing value that has a position, so a missing
        field is reported where its mapping starts.
        """
        values, keys = _positions(self)
        if key and keypath in keys:
            return keys[keypath]
        for end in range(len(keypath), -1, -1):
            if keypath[:end] in values:
                return values[keypath[:end]]
        return (1, 1)

    def error(self, keypath: KeyPath, message: str, *, key: bool = False) -> Diagnostic:
        """An error diagnostic pointing at `keypath` in this file."""
        line, col = self.locate(keypath, key=key)
        return error_at(self.path, self.text, line, col, message)

    def error_within(self, keypath: KeyPath, needle: str, message: str) -> Diagnostic:
        """An error at the first `needle` inside the value at `keypath` (else at the value)."""
        line, col = self.locate(keypath)
        line_start = 0
        for _ in range(line - 1):
            line_start = self.text.index("\n", line_start) + 1
        at = self.text.find(needle, line_start + col - 1) if needle else -1
        if at >= 0:
            line, col = _text_position(self.text, at)
        return error_at(self.path, self.text, line, col, message)


class _Problem(Exception):
    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message

    @classmethod
    def at(cls, mark: Any, message: str) -> _Problem:
        """A problem at a parser mark (0-based line and column)."""
        return cls(*_position(mark), message)


def _position(mark: Any) -> Position:
    return mark.line + 1, mark.column + 1


def parse_yaml(path: str, raw: bytes) -> Document | Diagnostic:
    """Decode and parse one YAML file; a Diagnostic says why it could not be read."""
    text = decode_text(path, raw)
    if isinstance(text, Diagnostic):
        return text
    try:
        data = _compose(text, None)
    except _Problem as problem:
        return error_at(path, text, problem.line, problem.col, problem.message)
    return Document(path, text, data)


def decode_text(path: str, raw: bytes) -> str | Diagnostic:
    """UTF-8 text without a BOM and with '\n' line breaks, or a diagnostic saying why not."""
    if len(raw) > MAX_BYTES:
        return Diagnostic(path, 1, 1, f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}")
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = _LINE_BREAKS.sub("\n", raw[bom:].decode("utf-8"))
    except UnicodeDecodeError as exc:
        before = _LINE_BREAKS.sub("\n", raw[bom:bom + exc.start].decode("utf-8"))
        line, col = _text_position(before + "?", len(before))
        offset = bom + exc.start
        return Diagnostic(path, line, col, f"not UTF-8 text: byte 0x{raw[offset]:02x} at "
                          f"offset {offset}; save the file as UTF-8")
    bad = _CONTROL.search(text)
    if bad:
        line, col = _text_position(text, bad.start())
        return error_at(path, text, line, col,
                        f"control character U+{ord(bad.group()):04X} is not allowed in YAML")
    return text


def _text_position(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


@functools.lru_cache(maxsize=32)
def _positions(doc: Document) -> tuple[dict[KeyPath, Position], dict[KeyPath, Position]]:
    # Positions are needed only when something is wrong, so they are found by parsing
    # the file again rather than kept for every file of a large site.
    found: tuple[dict[KeyPath, Position], dict[KeyPath, Position]] = ({}, {})
    with contextlib.suppress(_Problem):
        _compose(doc.text, found)
    return found


def _resolve_plain(value: str) -> Any:
    """The YAML 1.2 core-schema value of a plain (unquoted, untagged) scalar."""
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if not value or value[0] not in "0123456789+-.":
        return value
    if _INT.fullmatch(value):
        return int(value) if len(value) <= 20 else value
    if _OCT_HEX.fullmatch(value):
        return int(value, 0)
    if _FLOAT.fullmatch(value):
        return float(value)
    return value  # .inf and .nan stay text: no JSON or field type can hold them


class _Frame:
    __slots__ = ("anchor", "container", "first_lines", "key", "keypath", "size_at_start")

    def __init__(self, container: dict[str, Any] | list[Any], keypath: KeyPath,
                 anchor: str | None, size_at_start: int) -> None:
        self.container = container
        self.keypath = keypath
        self.anchor = anchor
        self.size_at_start = size_at_start
        self.key: str | None = None
        self.first_lines: dict[str, int] = {}


class _Composer:
    """Builds plain values from parser events, without recursion."""

    def __init__(self, found: tuple[dict[KeyPath, Position], dict[KeyPath, Position]] | None):
        self.found = found
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.size = 0
        self.root: Any = None

    def next_keypath(self) -> KeyPath:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            return (*frame.keypath, len(frame.container))
        assert frame.key is not None
        return (*frame.keypath, frame.key)

    def expecting_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].container, dict) \
            and self.stack[-1].key is None

    def count(self, n: int, mark: Any) -> None:
        self.size += n
        if self.size > MAX_VALUES:
            raise _Problem.at(mark, f"document has more than {MAX_VALUES:,} values "
                                    "(after expanding aliases)")

    def add_key(self, key: str, mark: Any) -> None:
        frame = self.stack[-1]
        if key in frame.first_lines:
            raise _Problem.at(mark, f"duplicate key '{key}' (first at line "
                                    f"{frame.first_lines[key]})")
        frame.first_lines[key] = mark.line + 1
        frame.key = key
        if self.found is not None:
            self.found[1][(*frame.keypath, key)] = _position(mark)

    def add_value(self, value: Any, mark: Any) -> None:
        keypath = self.next_keypath()
        if self.found is not None:
            self.found[0].setdefault(keypath, _position(mark))
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            frame.container.append(value)
        else:
            assert frame.key is not None
            frame.container[frame.key] = value
            frame.key = None

    def open(self, container: dict[str, Any] | list[Any], event: Any) -> None:
        mark = event.start_mark
        _check_tag(event.tag, "mapping" if isinstance(container, dict) else "sequence", mark)
        if self.expecting_key():
            raise _Problem.at(mark, "a mapping key must be plain text, not a list or mapping")
        if len(self.stack) >= MAX_DEPTH:
            raise _Problem.at(mark, f"nested more than {MAX_DEPTH} levels deep")
        self.count(1, mark)
        keypath = self.next_keypath()
        if self.found is not None:
            self.found[0][keypath] = _position(mark)
        self.stack.append(_Frame(container, keypath, event.anchor, self.size - 1))

    def close(self, event: Any) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.container, self.size - frame.size_at_start)
        self.add_value(frame.container, event.start_mark)

    def scalar(self, event: Any) -> None:
        mark = event.start_mark
        _check_tag(event.tag, "scalar", mark)
        self.count(1, mark)
        # The file has no raw control characters; only a "\0"-style escape can make one.
        control = _CONTROL.search(event.value) if event.style == '"' else None
        if control:
            raise _Problem.at(mark, f"control character U+{ord(control.group()):04X} is not "
                                    "allowed, not even as an escape")
        if self.expecting_key():
            value = event.value
            self.add_key(value, mark)
        else:
            # A plain scalar with no tag is typed by the core schema; '!' and '!!str' make text.
            plain = event.implicit[0] and event.tag is None
            value = _resolve_plain(event.value) if plain else event.value
            self.add_value(value, mark)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)

    def alias(self, event: Any) -> None:
        mark = event.start_mark
        if event.anchor not in self.anchors:
            raise _Problem.at(mark, f"unknown alias '*{event.anchor}'")
        if self.expecting_key():
            raise _Problem.at(mark, "an alias cannot be a mapping key")
        value, size = self.anchors[event.anchor]
        self.count(size, mark)
        self.add_value(value, mark)


def _check_tag(tag: str | None, kind: str, mark: Any) -> None:
    if tag not in _PLAIN_TAGS[kind]:
        shown = str(tag).replace("tag:yaml.org,2002:", "!!")
        raise _Problem.at(mark, f"YAML tag '{shown}' is not allowed; write the plain value instead")


_SYNTAX_HINTS = (
    ("mapping values are not allowed", "put a value that contains ': ' in quotes"),
    ("did not find expected key", "check this line's indentation against the lines above"),
    ("did not find expected '-'", "check this line's indentation against the lines above"),
    ("expected <document start>", "this line is indented less than the first one; "
                                  "start every top-level key at the same column"),
    ("could not find expected ':'", "a key needs ': ' after it, or quote a line that goes on"),
    ("found unknown escape character", "in double quotes a backslash starts an escape; "
                                       "use single quotes"),
)


# Parts that open on one line and must close later: the place to fix is where they open.
_UNCLOSED = {
    "while parsing a flow sequence": "[list]",
    "while parsing a flow mapping": "{mapping}",
    "while scanning a quoted scalar": "quoted text",
}


def _syntax_hint(problem: str) -> str:
    """Plain advice for the YAML mistakes writers make most."""
    return next((f" ({hint})" for clue, hint in _SYNTAX_HINTS if clue in problem), "")


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> _Problem:
    """The parser's complaint, placed where a writer has to fix it."""
    mark: Any = exc.problem_mark or exc.context_mark
    problem = str(exc.problem or exc.context)
    line, col = _position(mark) if mark else (1, 1)
    opened = _UNCLOSED.get(str(exc.context))
    if opened and exc.context_mark is not None:
        # The parser notices only where the open part should have ended (often the end
        # of the file); the missing bracket or quote belongs to the part that starts here.
        why = "the file ends first" if (line - 1, col - 1) == _end(text) \
            else f"{problem} at line {line}, column {col}"
        line, col = _position(exc.context_mark)
        return _Problem(line, col, f"YAML syntax error: the {opened} that starts here is not "
                                   f"closed ({why})")
    if source_line(text, line)[col - 1:col] == "\t":
        return _Problem(line, col, "YAML syntax error: a tab; indent with spaces, not tabs")
    return _Problem(line, col, f"YAML syntax error: {problem}{_syntax_hint(problem)}")


def _end(text: str) -> tuple[int, int]:
    """The 0-based line and column just past the last character of `text`."""
    return text.count("\n"), len(text) - text.rfind("\n") - 1


def _compose(text: str, found: tuple[dict[KeyPath, Position], dict[KeyPath, Position]] | None
             ) -> Any:
    composer = _Composer(found)
    parser = _Parser(text)
    documents = 0
    try:
        while True:
            event: Any = parser.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                composer.scalar(event)
            elif kind is yaml.MappingStartEvent:
                composer.open({}, event)
            elif kind is yaml.SequenceStartEvent:
                composer.open([], event)
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                composer.close(event)
            elif kind is yaml.AliasEvent:
                composer.alias(event)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Problem.at(event.start_mark,
                                      "a second YAML document ('---'); a file holds one")
            elif kind is yaml.StreamEndEvent:
                return composer.root
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, text) from None
    except yaml.YAMLError as exc:
        raise _Problem(1, 1, f"YAML error: {exc}") from None
    finally:
        parser.dispose()
