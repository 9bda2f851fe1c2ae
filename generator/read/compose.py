"""YAML parser events -> plain values, typed by the YAML 1.2 core schema, without recursion.

Explicit tags other than `!!str` are refused, duplicate keys are errors, and aliases are
counted so a small file cannot expand into a huge one.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from generator.read.hints import syntax_problem
from generator.read.marks import Found, KeyPath, YamlProblem, position

_Parser: Any
try:  # libyaml's parser when it is there; positions come out the same either way
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader

MAX_DEPTH = 64
MAX_VALUES = 100_000  # counted after expanding aliases
# The UTF-8 bytes of every key and scalar, after expanding aliases. It is the file size
# limit (yamlsrc.MAX_BYTES): a value is never longer than the text it is written in, so
# only aliases can pass it, and 2,000 aliases of one 1 MB anchor (a 1.1 MB file) no
# longer become 2 GB of text that every page, feed and data file would repeat.
MAX_EXPANDED_BYTES = 8 * 1024 * 1024

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
# An integer with more significant digits than this stays text, and its field's check says
# it is out of range. It is decided by length, before int(): no field holds a number past
# 2**53 - 1 (site/schema.py), and a long one would hit Python's 4,300-digit ValueError in
# int() or when printed. 20 decimal, 16 hex or 22 octal digits hold any 64-bit integer.
_MAX_DIGITS = {"": 20, "0x": 16, "0o": 22}
_NONZERO = re.compile(r"[1-9]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _resolve_plain(value: str) -> Any:
    """The YAML 1.2 core-schema value of a plain (unquoted, untagged) scalar."""
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if not value or value[0] not in "0123456789+-.":
        return value
    if _INT.fullmatch(value):
        return _bounded_int(value, "")
    if _OCT_HEX.fullmatch(value):
        return _bounded_int(value, value[:2])
    if _FLOAT.fullmatch(value):
        return _kept_float(value)
    return value  # .inf and .nan stay text: no JSON or field type can hold them


def _bounded_int(value: str, prefix: str) -> int | str:
    digits = value.lstrip("+-").removeprefix(prefix).lstrip("0")
    return int(value, 0 if prefix else 10) if len(digits) <= _MAX_DIGITS[prefix] else value


def _kept_float(value: str) -> float | str:
    # A float that would not be the number written stays text, for its field's check to
    # refuse: 1e999 overflows to infinity, 1e-999 underflows to 0. (1e-310 is kept: a double
    # below the smallest normal one still reads back from its shortest spelling.)
    number = float(value)
    if math.isinf(number) or (number == 0 and _NONZERO.search(value.lower().partition("e")[0])):
        return value
    return number


class _Frame:
    __slots__ = ("anchor", "bytes_at_start", "container", "first_lines", "key", "keypath",
                 "size_at_start")

    def __init__(self, container: dict[str, Any] | list[Any], keypath: KeyPath,
                 anchor: str | None, size_at_start: int, bytes_at_start: int) -> None:
        self.container = container
        self.keypath = keypath
        self.anchor = anchor
        self.size_at_start = size_at_start
        self.bytes_at_start = bytes_at_start
        self.key: str | None = None
        self.first_lines: dict[str, int] = {}


class _Composer:
    """Builds plain values from parser events, without recursion."""

    def __init__(self, found: Found | None):
        self.found = found
        self.stack: list[_Frame] = []
        # Each anchor's value, with its count of values and of bytes.
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.size = 0
        self.bytes = 0
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

    def count(self, n: int, mark: Any, n_bytes: int = 0) -> None:
        self.size += n
        self.bytes += n_bytes
        if self.size > MAX_VALUES:
            raise YamlProblem.at(mark, f"document has more than {MAX_VALUES:,} values "
                                    "(after expanding aliases)")
        if self.bytes > MAX_EXPANDED_BYTES:
            raise YamlProblem.at(mark, f"document has more than {MAX_EXPANDED_BYTES:,} bytes "
                                    "of text (after expanding aliases)")

    def add_key(self, key: str, mark: Any) -> None:
        frame = self.stack[-1]
        if key in frame.first_lines:
            raise YamlProblem.at(mark, f"duplicate key '{key}' (first at line "
                                    f"{frame.first_lines[key]})")
        frame.first_lines[key] = mark.line + 1
        frame.key = key
        if self.found is not None:
            self.found[1][(*frame.keypath, key)] = position(mark)

    def add_value(self, value: Any, mark: Any) -> None:
        keypath = self.next_keypath()
        if self.found is not None:
            self.found[0].setdefault(keypath, position(mark))
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
            raise YamlProblem.at(mark, "a mapping key must be plain text, not a list or mapping")
        if len(self.stack) >= MAX_DEPTH:
            raise YamlProblem.at(mark, f"nested more than {MAX_DEPTH} levels deep")
        self.count(1, mark)
        keypath = self.next_keypath()
        if self.found is not None:
            self.found[0][keypath] = position(mark)
        self.stack.append(_Frame(container, keypath, event.anchor, self.size - 1, self.bytes))

    def close(self, event: Any) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.container, self.size - frame.size_at_start,
                                          self.bytes - frame.bytes_at_start)
        self.add_value(frame.container, event.start_mark)

    def scalar(self, event: Any) -> None:
        mark = event.start_mark
        _check_tag(event.tag, "scalar", mark)
        text: str = event.value
        # isascii() is O(1) on CPython, so only non-ASCII text is encoded to be measured.
        n_bytes = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        self.count(1, mark, n_bytes)
        # The file has no raw control characters; only a "\0"-style escape can make one.
        control = CONTROL.search(event.value) if event.style == '"' else None
        if control:
            raise YamlProblem.at(mark, f"control character U+{ord(control.group()):04X} is not "
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
            self.anchors[event.anchor] = (value, 1, n_bytes)

    def alias(self, event: Any) -> None:
        mark = event.start_mark
        if event.anchor not in self.anchors:
            raise YamlProblem.at(mark, f"unknown alias '*{event.anchor}'")
        if self.expecting_key():
            raise YamlProblem.at(mark, "an alias cannot be a mapping key")
        value, size, n_bytes = self.anchors[event.anchor]
        self.count(size, mark, n_bytes)
        self.add_value(value, mark)


def _check_tag(tag: str | None, kind: str, mark: Any) -> None:
    if tag not in _PLAIN_TAGS[kind]:
        shown = str(tag).replace("tag:yaml.org,2002:", "!!")
        raise YamlProblem.at(mark, f"YAML tag '{shown}' is not allowed; "
                                   "write the plain value instead")


def compose(text: str, found: Found | None) -> Any:
    """The plain value of one YAML document; `found` (if given) collects positions."""
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
                    raise YamlProblem.at(event.start_mark,
                                      "a second YAML document ('---'); a file holds one")
            elif kind is yaml.StreamEndEvent:
                return composer.root
    except yaml.MarkedYAMLError as exc:
        raise syntax_problem(exc, text) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, 1, f"YAML error: {exc}") from None
    finally:
        parser.dispose()
