"""Record types -> JSON Schema (Draft 2020-12). Data only: one table entry per field type."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from generator.site.model import FieldSpec, SiteConfig, TypeSpec
from generator.urls import SLUG

DRAFT = "https://json-schema.org/draft/2020-12/schema"
NAME = r"[a-z][a-z0-9_]*"  # a type or field name
SLUG_PATTERN = f"^{SLUG}$"
NAME_PATTERN = f"^{NAME}$"
TEXT_PATTERN = r"\S"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$"
URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
BASE_URL_PATTERN = r"^https?://[^\s/?#]+(?:/[^\s?#]*)?$"  # pages are appended: no ?query, #part
LANGUAGE_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$"
RECORD_REF_PATTERN = f"^(?:{NAME}:)?{SLUG}$"
SOURCE_TYPE = "source"  # facts cite records of this type; their `text` holds the quotes
SOURCE_TEXT_FIELD = "text"

# What a value that fails a pattern or format should have been, in a reader's words.
PATTERN_WORDS = {
    SLUG_PATTERN: "a slug: lowercase letters, digits and '-' (e.g. 'san-francisco')",
    NAME_PATTERN: "a name: lowercase letters, digits and '_', starting with a letter",
    TEXT_PATTERN: "non-empty text",
    DATE_PATTERN: "a date written YYYY-MM-DD",
    PARTIAL_DATE_PATTERN: "a date written YYYY-MM-DD, YYYY-MM or YYYY",
    URL_PATTERN: "an http:// or https:// URL",
    BASE_URL_PATTERN: "an http:// or https:// URL without a ?query or #fragment",
    RECORD_REF_PATTERN: "a record slug, or type:slug (e.g. 'city:redmond')",
    LANGUAGE_PATTERN: "a language code such as 'en' or 'pt-BR'",
}
FORMAT_WORDS = {
    "date": "a real calendar date written YYYY-MM-DD",
    "partial-date": "a real date written YYYY-MM-DD, YYYY-MM or YYYY",
    "uri": "an http:// or https:// URL",
}
TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping of keys to values",
}

# The largest whole number a fact sheet holds: 2**53 - 1, JavaScript's MAX_SAFE_INTEGER.
# data/*.json is read by JavaScript and most JSON libraries as 64-bit floats, which keep every
# whole number only up to here (2**53 + 1 reads back as 2**53). Counts, populations, budgets
# in cents and every 64-bit id below 9 quadrillion fit.
MAX_INTEGER = 2**53 - 1
_INTEGER_RANGE = {"minimum": -MAX_INTEGER, "maximum": MAX_INTEGER}

_TEXT: dict[str, Any] = {"type": "string", "pattern": TEXT_PATTERN}
_SLUG: dict[str, Any] = {"type": "string", "pattern": SLUG_PATTERN}


@dataclass(frozen=True, slots=True)
class FieldType:
    """One kind of field a record type can declare."""

    name: str
    summary: str
    schema: dict[str, Any]
    is_ref: bool = False


FIELD_TYPES: dict[str, FieldType] = {t.name: t for t in (
    FieldType("text", "plain text, one line or more", _TEXT),
    FieldType("markdown", "Markdown text; may link to records as [label](type:slug)", _TEXT),
    FieldType("integer", "a whole number", {"type": "integer", **_INTEGER_RANGE}),
    # A decimal (1.5, 6.02e23) is a double as JSON is; a whole number in it is kept exactly.
    FieldType("number", "a number", {"type": "number",
                                     "if": {"type": "integer"}, "then": _INTEGER_RANGE}),
    FieldType("date", "a calendar date, YYYY-MM-DD",
              {"type": "string", "pattern": DATE_PATTERN, "format": "date"}),
    FieldType("year", "a year, e.g. 2018", {"type": "integer", "minimum": 1, "maximum": 9999}),
    FieldType("url", "an http:// or https:// URL",
              {"type": "string", "pattern": URL_PATTERN, "format": "uri"}),
    FieldType("ref", "the slug of one record of the type named by `to`", _SLUG, is_ref=True),
    FieldType("refs", "a list of slugs of records of the type named by `to`",
              {"type": "array", "items": _SLUG, "uniqueItems": True}, is_ref=True),
    FieldType("list", "a list of plain texts",
              {"type": "array", "items": _TEXT, "uniqueItems": True}),
)}

FACT_FIELDS: dict[str, str] = {
    "text": "what the fact says (Markdown)",
    "source": "the slug of the source record the quote comes from",
    "quote": "the passage of the source's text that supports the fact, verbatim",
    "date": "when it happened: YYYY-MM-DD, or YYYY-MM or YYYY when that is all that is known",
    "about": "records the fact is about: slugs, or type:slug where a slug is ambiguous",
    "also": "more sources that support the fact: a list of {source, quote}",
    "claimed_by": "who made the claim the fact checks: a slug, or type:slug",
    "rating": "the verdict on the claim: one of site.yaml's ratings (needs claimed_by)",
}

FACT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "text": {**_TEXT, "description": FACT_FIELDS["text"]},
        "source": {**_SLUG, "description": FACT_FIELDS["source"]},
        "quote": {**_TEXT, "description": FACT_FIELDS["quote"]},
        "date": {"type": ["string", "integer"], "pattern": PARTIAL_DATE_PATTERN,
                 "format": "partial-date", "minimum": 1, "maximum": 9999,
                 "description": FACT_FIELDS["date"]},
        "about": {"type": "array", "uniqueItems": True, "description": FACT_FIELDS["about"],
                  "items": {"type": "string", "pattern": RECORD_REF_PATTERN}},
        "also": {"type": "array", "description": FACT_FIELDS["also"], "items": {
            "type": "object", "required": ["source", "quote"], "additionalProperties": False,
            "properties": {"source": _SLUG, "quote": _TEXT}}},
        "claimed_by": {"type": "string", "pattern": RECORD_REF_PATTERN,
                       "description": FACT_FIELDS["claimed_by"]},
        # YAML reads the ratings `True` and `False` as booleans; they are their labels too.
        "rating": {"type": ["string", "boolean"], "pattern": TEXT_PATTERN,
                   "description": FACT_FIELDS["rating"]},
    },
    "required": ["text", "source", "quote"],
    "additionalProperties": False,
}

# Keys every record may have besides its type's fields (DESIGN §4).
RECORD_KEYS: dict[str, str] = {
    "facts": "sourced statements, each with its source and a verbatim quote",
    "aliases": "former slugs of this record: their old addresses redirect here",
    "updated": "when the record last changed in substance, YYYY-MM-DD",
    "corrections": "what was wrong, and when it was put right: date, text, facts (numbers)",
}
_DATE: dict[str, Any] = {"type": "string", "pattern": DATE_PATTERN, "format": "date"}
CORRECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["date", "text"],
    "additionalProperties": False,
    "properties": {
        "date": _DATE,
        "text": _TEXT,
        "facts": {"type": "array", "uniqueItems": True, "minItems": 1,
                  "items": {"type": "integer", "minimum": 1, "maximum": 100_000}},
    },
}


def field_schema(field: FieldSpec) -> dict[str, Any]:
    """The JSON Schema of one declared field's value."""
    schema = dict(FIELD_TYPES[field.type].schema)
    if field.description:
        schema["description"] = field.description
    return schema


def record_schema(type_spec: TypeSpec) -> dict[str, Any]:
    """The JSON Schema a record of `type_spec` is validated with."""
    properties = {f.name: field_schema(f) for f in type_spec.fields}
    properties["facts"] = {"type": "array", "items": {"$ref": "#/$defs/fact"},
                           "description": RECORD_KEYS["facts"]}
    properties["aliases"] = {"type": "array", "uniqueItems": True, "items": _SLUG,
                             "description": RECORD_KEYS["aliases"]}
    properties["updated"] = {**_DATE, "description": RECORD_KEYS["updated"]}
    properties["corrections"] = {"type": "array", "items": {"$ref": "#/$defs/correction"},
                                 "description": RECORD_KEYS["corrections"]}
    return {
        "$schema": DRAFT,
        "$id": f"{type_spec.name}.json",
        "title": type_spec.label,
        "type": "object",
        "properties": properties,
        "required": [f.name for f in type_spec.fields if f.required],
        "additionalProperties": False,
        "$defs": {"fact": FACT_SCHEMA, "correction": CORRECTION_SCHEMA},
    }


def all_record_schemas(config: SiteConfig) -> dict[str, dict[str, Any]]:
    """Type name -> JSON Schema, for every declared type."""
    return {t.name: record_schema(t) for t in config.types}


def schema_json(type_spec: TypeSpec) -> bytes:
    """`record_schema` as the bytes of schema/<type>.json: one trailing newline."""
    return (json.dumps(record_schema(type_spec), ensure_ascii=False, indent=2) + "\n").encode()
