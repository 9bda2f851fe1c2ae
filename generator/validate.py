"""Raw records -> typed records, checked against the JSON Schema of their type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.config import SiteConfig
from generator.errors import Diagnostic
from generator.load import RawRecord
from generator.schema import record_schema
from generator.schemacheck import check_document, make_validator
from generator.yamlsrc import Document


@dataclass(frozen=True, slots=True)
class Fact:
    """One sourced statement of a record; `number` counts from 1 within the record."""

    number: int
    text: str
    source: str
    quote: str
    date: str | None = None
    about: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Record:
    """A record that matches its type. `fields` holds the values given, in declared order."""

    type: str
    slug: str
    title: str
    fields: dict[str, Any]
    facts: tuple[Fact, ...]
    doc: Document

    @property
    def key(self) -> str:
        """`type:slug`, unique across the site."""
        return f"{self.type}:{self.slug}"

    @property
    def path(self) -> str:
        """The content file, relative to the site folder."""
        return self.doc.path


def validate_records(config: SiteConfig, raw_records: list[RawRecord]
                     ) -> tuple[list[Record], list[Diagnostic]]:
    """Records that match their type's schema, and a diagnostic for every mismatch."""
    validators = {t.name: make_validator(record_schema(t)) for t in config.types}
    records: list[Record] = []
    diagnostics: list[Diagnostic] = []
    for raw in raw_records:
        problems = check_document(raw.doc, validators[raw.type])
        if problems:
            diagnostics.extend(problems)
        else:
            records.append(_typed_record(config, raw))
    return records, diagnostics


def _typed_record(config: SiteConfig, raw: RawRecord) -> Record:
    type_spec = config.type(raw.type)
    data: dict[str, Any] = raw.doc.data
    fields = {f.name: data[f.name] for f in type_spec.fields if data.get(f.name) is not None}
    facts = tuple(_fact(n, item) for n, item in enumerate(data.get("facts") or (), start=1))
    title = fields.get(type_spec.title_field, raw.slug)
    return Record(raw.type, raw.slug, str(title).strip(), fields, facts, raw.doc)


def _fact(number: int, item: dict[str, Any]) -> Fact:
    date = item.get("date")
    return Fact(
        number=number,
        text=item["text"],
        source=item["source"],
        quote=item["quote"],
        # A bare year is a YAML integer; dates are kept as text so they sort as written.
        date=f"{date:04d}" if isinstance(date, int) else date,
        about=tuple(item.get("about") or ()),
    )
