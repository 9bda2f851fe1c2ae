"""A compiled check of whether a document matches its schema, to skip the jsonschema walk.

jsonschema-rs only answers valid or not. When it says valid, the document has no schema
errors; otherwise schemacheck's jsonschema walk finds and words each one, as it always has.
So the compiled schema is rewritten to refuse exactly what schemacheck's validator refuses:

- An integer is a Python int, never a float (schemacheck._is_integer); jsonschema-rs counts
  1947.0 as one, so a number where only integers may be is also given to `_NotFloat`.
- Patterns are Python's `re`, not ECMA-262: `\\s` is written out as Python's whitespace
  (ECMA-262's lacks U+001C-U+001F and U+0085, and has U+FEFF) and a closing `$` also matches
  before a final line break. A pattern with anything else whose meaning may differ turns the
  fast path off for its schema, as does any keyword not listed here.
- Formats are schemacheck's functions (jsonschema-rs calls them for strings only; they pass
  everything else).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema_rs

from generator.site.schemacheck import FORMATS

FastCheck = Callable[[Any], bool]

# Python's `\s` on text: every character for which str.isspace() is true (tests check).
PYTHON_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029" \
               "\u202f\u205f\u3000"
_NOT_FLOAT = "x-factsheet-not-float"
_SCHEMA = ("items", "additionalProperties", "if", "then", "else", "not")  # value: a schema
_SCHEMAS = ("properties", "$defs")  # value: names -> schemas
_SAME = frozenset({"$schema", "$id", "title", "description", "required", "uniqueItems",
                   "minItems", "maxItems", "minimum", "maximum"})  # the same in both
# A pattern is taken apart into these pieces; one that is not one of them is not translated.
_TOKEN = re.compile(r"""
    \\[sS] | \\[.^$*+?()\[\]{}|\\/-]   # Python's whitespace, or an escaped symbol
    | \[\^?(?:[A-Za-z0-9](?:-[A-Za-z0-9])?|\\s|[/?\#:_.,@!=+%'])+\]  # a class of these
    | \(\?: | \((?!\?) | \) | \| | [*+?]\?? | \{[0-9]+(?:,[0-9]*)?\}\??
    | \^ | \$\Z | [A-Za-z0-9 /\#:_,@!&=~%'"<>;-]
""", re.VERBOSE)


class Unsupported(Exception):
    """The schema uses something whose compiled meaning might not be jsonschema's."""


class _NotFloat:
    """A custom keyword of jsonschema-rs: the value is not a float."""

    def __init__(self, parent_schema: dict[str, Any], value: Any,
                 schema_path: list[str | int]) -> None:
        pass

    def validate(self, instance: Any) -> None:
        if isinstance(instance, float):
            raise ValueError(f"{instance!r} is not an integer")


def fast_validator(schema: dict[str, Any]) -> FastCheck | None:
    """Whether a document matches `schema` exactly as schemacheck.make_validator's validator
    would have it; None when that cannot be promised for this schema."""
    try:
        compiled = jsonschema_rs.validator_for(
            compiled_schema(schema), validate_formats=True, ignore_unknown_formats=False,
            formats={name: func for name, (func, _raises) in FORMATS.checkers.items()},
            keywords={_NOT_FLOAT: _NotFloat})
    except (Unsupported, ValueError):
        return None
    is_valid: Callable[[Any], bool] = compiled.is_valid

    def check(data: Any) -> bool:
        try:
            return is_valid(data)
        except Exception:  # text jsonschema-rs cannot take (a lone surrogate): not decided
            return False

    return check


def compiled_schema(schema: Any) -> Any:
    """`schema` rewritten for jsonschema-rs; raises Unsupported."""
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        raise Unsupported(repr(schema))
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _SAME or _kept(key, value):
            out[key] = value
        elif key in _SCHEMA:
            out[key] = compiled_schema(value)
        elif key in _SCHEMAS:
            out[key] = {name: compiled_schema(sub) for name, sub in value.items()}
        elif key == "pattern":
            out[key] = ecma_pattern(value)
        else:
            raise Unsupported(key)
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list):
        raise Unsupported(f"type: {types!r}")
    if "integer" in types and "number" not in types:
        out["allOf"] = [{"if": {"type": "number"}, "then": {_NOT_FLOAT: True}}]
    return out


def _kept(key: str, value: Any) -> bool:
    """Whether `key: value` is a keyword that means the same to jsonschema-rs as it is."""
    if key == "format":  # one of schemacheck's, which passes whatever is not text
        return value in FORMATS.checkers and not FORMATS.checkers[value][1]
    if key == "$ref":
        return isinstance(value, str) and value.startswith("#/$defs/")
    return key == "type"  # an integer also gets a check that it is not a float


def ecma_pattern(pattern: str) -> str:
    """An ECMA-262 regular expression that matches what Python's `re.search(pattern)` does;
    raises Unsupported for a construct not known to mean the same in both."""
    out, at = [], 0
    while at < len(pattern):
        token = _TOKEN.match(pattern, at)
        if token is None:
            raise Unsupported(pattern)
        text = token.group()
        at = token.end()
        if text == "$":
            text = "\n?$"  # Python's `$` matches at the end, or before a final line break
        elif text.startswith("["):
            text = text.replace(r"\s", PYTHON_SPACE)
        elif text == r"\s":
            text = f"[{PYTHON_SPACE}]"
        elif text == r"\S":
            text = f"[^{PYTHON_SPACE}]"
        out.append(text)
    return "".join(out)
