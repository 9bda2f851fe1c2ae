"""Raw records -> typed records, checked against the JSON Schema of their type."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from generator.check.refhints import add_title_hints
from generator.check.translations import Translation, split_languages
from generator.check.trust import trust_problems
from generator.errors import Diagnostic
from generator.read.load import RawRecord
from generator.read.marks import KeyPath
from generator.read.yamlsrc import Document
from generator.site.config import rating_label
from generator.site.fastcheck import fast_validator
from generator.site.model import SiteConfig
from generator.site.schema import record_schema
from generator.site.schemacheck import make_validator, schema_problems


@dataclass(frozen=True, slots=True)
class Fact:
    """One sourced statement of a record; `number` counts from 1 within the record."""

    number: int
    text: str
    source: str
    quote: str
    date: str | None = None
    about: tuple[str, ...] = ()
    also: tuple[Citation, ...] = ()  # more sources for the same fact
    claimed_by: str | None = None  # who made the claim, as written (a slug or type:slug)
    rating: str | None = None  # the verdict, one of site.yaml's ratings

    def __reduce__(self) -> tuple[type[Fact], tuple[Any, ...]]:
        # Pickled for the build cache; the default for slotted dataclasses is far slower.
        return Fact, (self.number, self.text, self.source, self.quote, self.date, self.about,
                      self.also, self.claimed_by, self.rating)


@dataclass(frozen=True, slots=True)
class Citation:
    """A further source of a fact, and the passage of it that supports the fact."""

    source: str
    quote: str


@dataclass(frozen=True, slots=True)
class Correction:
    """What was wrong in a record and when it was put right; `number` counts from 1."""

    number: int
    date: str
    text: str
    facts: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Record:
    """A record that matches its type. `fields` holds the values given, in declared order."""

    type: str
    slug: str
    title: str
    fields: dict[str, Any]
    facts: tuple[Fact, ...]
    doc: Document
    aliases: tuple[str, ...] = ()  # former slugs, whose addresses redirect here
    updated: str | None = None
    corrections: tuple[Correction, ...] = ()  # in the order written
    # A multilingual site's texts in its further languages; `fields` and `facts` hold the
    # default language's.
    translations: tuple[Translation, ...] = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return Record, (self.type, self.slug, self.title, self.fields, self.facts, self.doc,
                        self.aliases, self.updated, self.corrections, self.translations)

    @property
    def key(self) -> str:
        """`type:slug`, unique across the site."""
        return f"{self.type}:{self.slug}"

    @property
    def path(self) -> str:
        """The content file, relative to the site folder."""
        return self.doc.path


class ValidationMemo(Protocol):
    """Reuses the last build's validation of unchanged records (see cache.RecordMemo)."""

    def validate(self, types: bytes, raw: RawRecord,
                 run: Callable[[RawRecord], tuple[Record | None, list[Diagnostic]]]
                 ) -> tuple[Record | None, list[Diagnostic]]: ...


def validate_records(config: SiteConfig, raw_records: list[RawRecord],
                     memo: ValidationMemo | None = None
                     ) -> tuple[list[Record], list[Diagnostic]]:
    """Typed records and a diagnostic for every value that does not match its type.

    A record with errors is still returned, holding only its valid fields and facts, so
    that linking can report the problems in the rest of it in the same run.
    """
    validators: dict[str, Any] = {}

    def validate(raw: RawRecord) -> tuple[Record | None, list[Diagnostic]]:
        if raw.type not in validators:  # made only when a record of the type needs checking
            schema = record_schema(config.type(raw.type))
            validators[raw.type] = make_validator(schema), fast_validator(schema)
        data, translations, mistakes = split_languages(config, config.type(raw.type), raw.doc)
        doc = raw.doc if data is raw.doc.data else Document(raw.doc.path, raw.doc.text, data)
        validator, fast = validators[raw.type]
        # The compiled check says only "valid"; jsonschema finds and words any errors.
        problems = [] if fast is not None and fast(data) else schema_problems(doc, validator)
        if not isinstance(data, dict):
            return None, [p.diagnostic for p in problems]
        record = _typed_record(config, raw, data, {_faulty_part(p.keypath) for p in problems})
        record = dataclasses.replace(record, translations=translations) if translations \
            else record
        return record, mistakes + [p.diagnostic for p in problems] + trust_problems(
            config, raw.type, doc)

    records: list[Record] = []
    diagnostics: list[Diagnostic] = []
    # What a record is checked against.
    types = repr((config.types, config.ratings, config.language, config.languages)).encode()
    for raw in raw_records:
        record, problems = memo.validate(types, raw, validate) if memo else validate(raw)
        diagnostics.extend(problems)
        if record is not None:
            records.append(record)
    # Outside the memo: a hint names other records, which may have changed since.
    return records, add_title_hints(config, raw_records, diagnostics) if diagnostics else []


def _faulty_part(keypath: KeyPath) -> KeyPath:
    """The part of a record an error spoils: one field, or one whole fact."""
    return keypath[:2] if keypath[:1] == ("facts",) else keypath[:1]


def _typed_record(config: SiteConfig, raw: RawRecord, data: dict[str, Any],
                  faulty: set[KeyPath]) -> Record:
    type_spec = config.type(raw.type)
    fields = {f.name: data[f.name] for f in type_spec.fields
              if data.get(f.name) is not None and (f.name,) not in faulty}
    items = data.get("facts") if ("facts",) not in faulty else None
    facts = tuple(_fact(n, item) for n, item in enumerate(items or (), start=1)
                  if ("facts", n - 1) not in faulty)
    title = fields.get(type_spec.title_field, raw.slug)
    corrections = tuple(Correction(n, c["date"], c["text"], tuple(c.get("facts") or ()))
                        for n, c in enumerate(_valid(data, "corrections", faulty), start=1))
    return Record(raw.type, raw.slug, str(title).strip(), fields, facts, raw.doc,
                  tuple(_valid(data, "aliases", faulty)),
                  data.get("updated") if ("updated",) not in faulty else None, corrections)


def _valid(data: dict[str, Any], key: str, faulty: set[KeyPath]) -> list[Any]:
    """The value of a built-in list key, or nothing when it has errors."""
    value = data.get(key)
    return list(value) if isinstance(value, list) and (key,) not in faulty else []


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
        also=tuple(Citation(a["source"], a["quote"]) for a in item.get("also") or ()),
        claimed_by=item.get("claimed_by"),
        rating=None if item.get("rating") is None else rating_label(item["rating"]),
    )
