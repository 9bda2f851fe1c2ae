"""YAML parser events -> plain values, typed by the YAML 1.2 core schema, without recursion.

Explicit tags other than `!!str` are refused, duplicate keys are errors, and aliases are
counted so a small file cannot expand into a huge one.
"""

from __future__ import annotations

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

    def __init__(self, found: Found | None):
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
            raise YamlProblem.at(mark, f"document has more than {MAX_VALUES:,} values "
                                    "(after expanding aliases)")

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
            self.anchors[event.anchor] = (value, 1)

    def alias(self, event: Any) -> None:
        mark = event.start_mark
        if event.anchor not in self.anchors:
            raise YamlProblem.at(mark, f"unknown alias '*{event.anchor}'")
        if self.expecting_key():
            raise YamlProblem.at(mark, "an alias cannot be a mapping key")
        value, size = self.anchors[event.anchor]
        self.count(size, mark)
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
