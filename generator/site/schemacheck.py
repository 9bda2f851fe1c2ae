"""JSON Schema validation of a YAML document, with each error placed at its line:col."""

from __future__ import annotations

import datetime
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from generator.errors import Diagnostic, closest, did_you_mean, suggest
from generator.read.marks import KeyPath
from generator.read.yamlsrc import Document
from generator.site.numberhints import integer_bound, is_non_finite, number_hint, range_hint
from generator.site.schema import (
    FORMAT_WORDS,
    MAX_INTEGER,
    PATTERN_WORDS,
    SLUG_PATTERN,
    TEXT_PATTERN,
    TYPE_WORDS,
)

FORMATS = FormatChecker(formats=())


def is_date(value: object) -> bool:
    """A real calendar date written YYYY-MM-DD."""
    return not isinstance(value, str) or _real_date(value, 3)


def is_partial_date(value: object) -> bool:
    """A real date written YYYY-MM-DD, YYYY-MM or YYYY (an integer year passes)."""
    return not isinstance(value, str) or _real_date(value, value.count("-") + 1)


def is_http_url(value: object) -> bool:
    """An absolute http(s) URL with a host and no whitespace."""
    if not isinstance(value, str):
        return True
    try:
        parts = urllib.parse.urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and port_ok \
        and not re.search(r"\s", value)


FORMATS.checks("date")(is_date)
FORMATS.checks("partial-date")(is_partial_date)
FORMATS.checks("uri")(is_http_url)


def _real_date(value: str, parts: int) -> bool:
    numbers = value.split("-")
    if len(numbers) != parts or not all(n.isdigit() for n in numbers):
        return False
    year, month, day = (int(n) for n in (*numbers, "1", "1")[:3])
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _is_integer(checker: Any, instance: object) -> bool:
    # JSON Schema counts 1947.0 as an integer; a field of whole numbers should not take it.
    return isinstance(instance, int) and not isinstance(instance, bool)


_Validator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer))


def make_validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for `schema` that also checks our formats."""
    validator: Draft202012Validator = _Validator(_inline_refs(schema, schema.get("$defs", {})),
                                                 format_checker=FORMATS)
    return validator


def _inline_refs(schema: Any, definitions: dict[str, Any]) -> Any:
    """`schema` with each local "$ref" replaced by what it names: the same checks, without
    jsonschema resolving a reference for every fact of every record."""
    if isinstance(schema, list):
        return [_inline_refs(item, definitions) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and len(schema) == 1:
        return _inline_refs(definitions[ref.removeprefix("#/$defs/")], definitions)
    return {key: _inline_refs(value, definitions) for key, value in schema.items()}


@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """One schema error: where in the document (`keypath`) and the diagnostic to report."""

    keypath: KeyPath
    diagnostic: Diagnostic


def check_document(doc: Document, validator: Draft202012Validator) -> list[Diagnostic]:
    """Every schema error in `doc`, one per offending value, at that value's position."""
    return [problem.diagnostic for problem in schema_problems(doc, validator)]


def schema_problems(doc: Document, validator: Draft202012Validator) -> list[SchemaProblem]:
    """Every schema error in `doc` with the key path of the value (or key) at fault."""
    errors = sorted(validator.iter_errors(doc.data), key=_error_order)
    problems: list[SchemaProblem] = []
    suggested: set[KeyPath] = set()  # required fields that an unknown key probably misspells
    for error in errors:
        if error.validator == "additionalProperties":
            problems.extend(_unknown_keys(doc, tuple(error.absolute_path), error, suggested))
    seen: set[KeyPath] = set()
    for error in errors:
        keypath = tuple(error.absolute_path)
        if error.validator == "additionalProperties" or keypath in seen:
            continue  # one message per value: the first (most basic) one
        if error.validator == "required" and (*keypath, _missing_name(error)) in suggested:
            continue
        seen.add(keypath)
        key = "propertyNames" in error.relative_schema_path
        if key:
            keypath = (*keypath, error.instance)
        message = _message(keypath, error)
        # A problem with the file as a whole (empty, or missing a field) is at 1:1.
        whole_file = not keypath and (error.validator == "required" or error.instance is None)
        diagnostic = Diagnostic(doc.path, 1, 1, message) if whole_file \
            else doc.error(keypath, message, key=key)
        problems.append(SchemaProblem(keypath, diagnostic))
    return problems


_KEYWORD_ORDER = {"type": 0, "required": 1, "enum": 2, "pattern": 3, "format": 4}


def _error_order(error: ValidationError) -> tuple[int, int]:
    return len(error.absolute_path), _KEYWORD_ORDER.get(str(error.validator), 9)


def _missing_name(error: ValidationError) -> str:
    missing = re.search(r"'([^']*)' is a required property", error.message)
    return missing.group(1) if missing else ""


def _unknown_keys(doc: Document, keypath: KeyPath, error: ValidationError,
                  suggested: set[KeyPath]) -> list[SchemaProblem]:
    allowed = error.schema.get("properties", {})
    problems = []
    for key in (k for k in error.instance if k not in allowed):
        match = closest(key, allowed)
        if match:
            suggested.add((*keypath, match))
        problems.append(SchemaProblem((*keypath, key), doc.error(
            (*keypath, key), f"unknown field '{key}'{suggest(match)}", key=True)))
    return problems


def describe_keypath(keypath: KeyPath) -> str:
    """`facts[2].quote` for ('facts', 2, 'quote')."""
    out = ""
    for part in keypath:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe_value(value: object) -> str:
    """A short phrase naming what a YAML value is, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'" if value.strip() else "empty text"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _quote_hint(error: ValidationError, value: object) -> str:
    """Advice for YAML's unquoted numbers and booleans where free text was meant (`1.10`)."""
    schema = error.schema
    free_text = schema.get("type") == "string" and "format" not in schema \
        and schema.get("pattern", TEXT_PATTERN) == TEXT_PATTERN
    return " (put it in quotes to make it text)" if free_text and \
        isinstance(value, int | float | bool) else ""


def _number_text_message(where: str, words: str, whole: bool, value: str) -> str:
    """For text where a number belongs: out of range, not finite, or written another way."""
    bound = integer_bound(value)
    if bound is not None:
        side = "at least" if bound < 0 else "at most"
        return f"{where} must be {side} {bound}, not {describe_value(value)}" \
               f"{range_hint(value, whole)}"
    if not whole and is_non_finite(value):
        words = "a finite number"
    return f"{where} must be {words}, not {describe_value(value)}{number_hint(value, whole)}"


def _message(keypath: KeyPath, error: ValidationError) -> str:
    where = f"'{describe_keypath(keypath)}'" if keypath else "the file"
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if "propertyNames" in error.relative_schema_path:
        words = PATTERN_WORDS.get(str(expected), "a simple name")
        return f"'{value}' is not allowed here; a key must be {words}"
    if keyword == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join(TYPE_WORDS.get(k, k) for k in kinds)
        if error.schema.get("pattern") == SLUG_PATTERN:
            words = "the slug of a record, such as 'san-francisco'"
        elif "format" in error.schema:
            words = FORMAT_WORDS.get(error.schema["format"], words)
        if not keypath and value is None:
            return "the file is empty; it should be a mapping of fields"
        if isinstance(value, str) and {"integer", "number"} & set(kinds):
            return _number_text_message(where, words, "number" not in kinds, value)
        return f"{where} must be {words}, not {describe_value(value)}{_quote_hint(error, value)}"
    if keyword == "required":
        return f"missing required field '{_missing_name(error)}'" + \
            (f" in {where}" if keypath else "")
    if keyword == "enum":
        choices = [str(c) for c in expected]
        return (f"{where} must be one of {', '.join(choices)}, not {describe_value(value)}"
                + did_you_mean(str(value), choices))
    if keyword == "pattern":
        if expected == TEXT_PATTERN:
            return f"{where} must not be empty"
        words = PATTERN_WORDS.get(str(expected), f"text matching {expected}")
        return f"{where} must be {words}, not {describe_value(value)}"
    if keyword == "format":
        return f"{where} must be {FORMAT_WORDS.get(str(expected), expected)}, " \
               f"not {describe_value(value)}"
    if keyword in ("minimum", "maximum"):
        hint = range_hint(value, error.schema.get("type") == "integer") \
            if abs(expected) == MAX_INTEGER else ""
        side = "at least" if keyword == "minimum" else "at most"
        return f"{where} must be {side} {expected}, not {describe_value(value)}{hint}"
    if keyword == "uniqueItems":
        return f"{where} lists the same value more than once"
    if keyword == "minProperties":
        return f"{where} must not be empty"
    return f"{where}: {error.message}"
