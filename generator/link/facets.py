"""Browse pages' data: each facet field's values, the records that have each, and its slug."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator import urls
from generator.check.validate import Record
from generator.errors import Diagnostic
from generator.read.marks import KeyPath
from generator.site.model import FieldSpec, SiteConfig
from generator.site.schema import FIELD_TYPES


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet field: its URL segment, how it reads, and who has it."""

    slug: str
    label: str
    keys: tuple[str, ...]  # the records with this value, in title order


Facets = dict[tuple[str, str], tuple[FacetValue, ...]]  # (type, field) -> values


def find_facets(config: SiteConfig, by_type: dict[str, tuple[Record, ...]],
                records: dict[str, Record]) -> tuple[Facets, list[Diagnostic]]:
    """The values of every facet field, and an error for two values that make one slug."""
    facets: Facets = {}
    diagnostics: list[Diagnostic] = []
    for t in config.types:
        for spec in config.facets(t.name):
            values, problems = _field_values(spec, by_type[t.name], records)
            facets[(t.name, spec.name)] = values
            diagnostics += problems
    return facets, diagnostics


def _field_values(spec: FieldSpec, members: tuple[Record, ...], records: dict[str, Record]
                  ) -> tuple[tuple[FacetValue, ...], list[Diagnostic]]:
    labels: dict[str, str] = {}
    first_at: dict[str, Record] = {}
    keys: dict[str, list[str]] = {}
    diagnostics: list[Diagnostic] = []
    for record in members:
        for where, label, slug in _values(spec, record, records):
            if not slug:
                diagnostics.append(record.doc.error(where, f"'{label}' has no letter or digit "
                                                    "to name its browse page with"))
            elif slug in labels and labels[slug] != label:
                other = first_at[slug]
                diagnostics.append(record.doc.error(where, f"'{label}' and '{labels[slug]}' "
                                                    f"(in {other.path}) would share the browse "
                                                    f"page '{slug}'; write them the same way"))
            else:
                labels.setdefault(slug, label)
                first_at.setdefault(slug, record)
                have = keys.setdefault(slug, [])
                if have[-1:] != [record.key]:  # a record's own values come one after another
                    have.append(record.key)
    ordered = sorted(keys, key=lambda s: (labels[s].casefold(), s))
    return tuple(FacetValue(s, labels[s], tuple(keys[s])) for s in ordered), diagnostics


def _values(spec: FieldSpec, record: Record, records: dict[str, Record]
            ) -> Iterator[tuple[KeyPath, str, str]]:
    """(where, label, slug) of each value `record` gives the field."""
    value: Any = record.fields.get(spec.name)
    if value is None:
        return
    many = isinstance(value, list)
    for i, item in enumerate(value if many else [value]):
        where: KeyPath = (spec.name, i) if many else (spec.name,)
        if FIELD_TYPES[spec.type].is_ref:
            yield where, records[f"{spec.to}:{item}"].title, item
        else:
            label = str(item).strip()
            yield where, label, value_slug(label)


def value_slug(label: str) -> str:
    """The URL segment of a facet value: slugged as a record's is; '' when nothing is left."""
    slug = urls.slugify(label)
    return urls.suggest_slug(slug) if slug else ""
