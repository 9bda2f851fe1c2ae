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

from generator.errors import Diagnostic, error_at, line_offset, offset_position
from generator.read.compose import CONTROL, compose
from generator.read.deviations import find_deviation
from generator.read.marks import Found, KeyPath, Position, YamlProblem, text_position

# The default site's biggest file is 2 KB. A file at this limit is parsed in 0.1 s (one
# long text) and its 100,000 values at most (compose.py) are checked in 0.6 s; the bytes
# its values may expand to through aliases are bounded by the same figure.
MAX_BYTES = 8 * 1024 * 1024
# How far past a value's start error_within looks for a needle: a not-found needle must
# not scan the rest of a large file once per diagnostic.
_WITHIN = 1024 * 1024

# Every line break YAML knows becomes '\n', so lines count the same everywhere.
_LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")


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
        start = line_offset(self.text, line) + col - 1
        at = self.text.find(needle, start, start + _WITHIN) if needle else -1
        if at >= 0:
            line, col = offset_position(self.text, at)
        return error_at(self.path, self.text, line, col, message)


def parse_yaml(path: str, raw: bytes) -> Document | Diagnostic:
    """Decode and parse one YAML file; a Diagnostic says why it could not be read."""
    text = decode_text(path, raw)
    if isinstance(text, Diagnostic):
        return text
    # libyaml drops a block scalar's last line break where the file ends without one
    # (YAML 1.2 keeps it); a line break at the end changes nothing else.
    source = text if text.endswith("\n") or not text else text + "\n"
    try:
        data = compose(source, None)
        deviation = find_deviation(source)
    except YamlProblem as problem:
        deviation = problem
    if deviation is not None:
        return error_at(path, text, deviation.line, deviation.col, deviation.message)
    return Document(path, text, data)


def decode_text(path: str, raw: bytes) -> str | Diagnostic:
    """UTF-8 text without a BOM and with '\n' line breaks, or a diagnostic saying why not."""
    if len(raw) > MAX_BYTES:
        return too_big(path, len(raw))
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        text = _LINE_BREAKS.sub("\n", raw[bom:].decode("utf-8"))
    except UnicodeDecodeError as exc:
        before = _LINE_BREAKS.sub("\n", raw[bom:bom + exc.start].decode("utf-8"))
        line, col = text_position(before + "?", len(before))
        offset = bom + exc.start
        return Diagnostic(path, line, col, f"not UTF-8 text: byte 0x{raw[offset]:02x} at "
                          f"offset {offset}; save the file as UTF-8")
    bad = CONTROL.search(text)
    if bad:
        line, col = text_position(text, bad.start())
        return error_at(path, text, line, col,
                        f"control character U+{ord(bad.group()):04X} is not allowed in YAML")
    return text


def too_big(path: str, size: int) -> Diagnostic:
    """The error for a file of `size` bytes, over MAX_BYTES."""
    return Diagnostic(path, 1, 1, f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")


@functools.lru_cache(maxsize=32)
def _positions(doc: Document) -> Found:
    # Positions are needed only when something is wrong, so they are found by parsing
    # the file again rather than kept for every file of a large site.
    found: Found = ({}, {})
    with contextlib.suppress(YamlProblem):
        compose(doc.text, found)
    return found
