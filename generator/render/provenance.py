"""Where a source came from and where a copy of it is kept, as pages and JSON-LD show it.

A source's `publisher`, `date`, `url`, `accessed`, `archive_url` and `archived` are ordinary
fields of the `source` type; the build gives them their meaning only where site.yaml
declares them with the type that meaning needs (a `date` declared as text is just text).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from generator.check.validate import Record
from generator.link.folding import fold
from generator.render.formats import format_date
from generator.render.messages import Messages
from generator.site.model import FieldSpec, SiteConfig, TypeSpec
from generator.site.schema import SOURCE_TEXT_FIELD, SOURCE_TYPE

# Each field the build gives a meaning, and the type it must be declared with for that.
PROVENANCE_FIELDS = {"publisher": "text", "date": "date", "url": "url", "accessed": "date",
                     "archive_url": "url", "archived": "date"}


@dataclass(frozen=True, slots=True)
class Provenance:
    """A source's provenance fields, each "" when not given; dates as ISO and as read."""

    publisher: str = ""
    date: str = ""  # published
    date_label: str = ""
    url: str = ""  # the original's address
    accessed: str = ""
    accessed_label: str = ""
    archive_url: str = ""  # a snapshot of it, e.g. in a web archive
    archived: str = ""  # when the snapshot was taken
    archived_label: str = ""


def _values(type_spec: TypeSpec, record: Record) -> dict[str, str]:
    """The provenance fields a source has, declared with their meaning's type: name -> value."""
    values = {}
    for name, kind in PROVENANCE_FIELDS.items():
        value = record.fields.get(name)
        spec = type_spec.field(name) if value is not None else None
        if spec is not None and is_provenance_field(record.type, spec):
            values[name] = " ".join(str(value).split()) if kind == "text" else str(value)
    return values


def is_provenance_field(type_name: str, spec: FieldSpec) -> bool:
    """Whether the build gives this field of a type a provenance meaning."""
    return type_name == SOURCE_TYPE and PROVENANCE_FIELDS.get(spec.name) == spec.type


def source_provenance(config: SiteConfig, record: Record) -> Provenance | None:
    """What a source record says of its provenance; None for other records and for a
    source that says nothing of it."""
    values = _values(config.type(record.type), record) if record.type == SOURCE_TYPE else {}
    if not values:
        return None
    labels = {f"{name}_label": format_date(values[name], config.catalog)
              for name in ("date", "accessed", "archived") if name in values}
    return Provenance(**values, **labels)


class _Shown(Protocol):
    """What archive_in_details reads of a field's view (views.FieldView)."""

    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def value(self) -> Any: ...


Shown = TypeVar("Shown", bound=_Shown)


def archive_in_details(record: Record, views: Sequence[Shown], words: Messages
                       ) -> list[Shown]:
    """A source's fields as its page lists them: `archived` goes into the `archive_url`
    link ("Archived 12 June 2020"), not on a line of its own."""
    if record.type != SOURCE_TYPE:
        return list(views)
    by_name = {view.name: view for view in views}
    link, date = by_name.get("archive_url"), by_name.get("archived")
    if link is None or date is None or link.type != "url" or date.type != "date":
        return list(views)
    text = words.gettext("Archived %(date)s") % {"date": words.date(str(date.value))}
    # The views are dataclasses (FieldView), which a Protocol cannot say.
    return [dataclasses.replace(view, text=text) if view is link else view  # type: ignore[type-var]
            for view in views if view is not date]


def text_sha256(record: Record) -> str:
    """The SHA-256 (hex) of a source's text as the quote check reads it, or "" if it has none.

    The text is folded first (NFC, each run of white space one space, none at either end,
    typographic quotation marks straight), so a copy that differs only where the quote check
    does not look has the same fingerprint.
    """
    text = record.fields.get(SOURCE_TEXT_FIELD) if record.type == SOURCE_TYPE else None
    return fingerprint(text) if isinstance(text, str) else ""


# The source page, its index.json and the data files all show it: each text is hashed once
# (the cache is keyed by the text itself, as the Markdown caches are).
@functools.lru_cache(maxsize=1 << 14)
def fingerprint(text: str) -> str:
    """The SHA-256 (hex) of `text` folded as the quote check folds it, encoded in UTF-8."""
    return hashlib.sha256(fold(text).encode("utf-8")).hexdigest()


def provenance_jsonld(provenance: Provenance | None) -> dict[str, Any]:
    """A source's provenance as schema.org properties of its CreativeWork."""
    if provenance is None:
        return {}
    data: dict[str, Any] = {}
    if provenance.url:
        data["url"] = provenance.url
    if provenance.date:
        data["datePublished"] = provenance.date
    if provenance.publisher:
        data["publisher"] = {"@type": "Organization", "name": provenance.publisher}
    if provenance.archive_url:
        snapshot: dict[str, Any] = {"@type": "WebPage", "url": provenance.archive_url}
        if provenance.archived:
            snapshot["dateCreated"] = provenance.archived
        data["archivedAt"] = snapshot
    return data
