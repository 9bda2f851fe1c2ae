"""`factsheet import TYPE FILE`: each row of a sheet -> one record file, new or updated."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.errors import Diagnostic
from generator.importing.cells import Bad, cell_value, plain_text
from generator.importing.columns import Column, Request, match_columns
from generator.importing.edit import apply, set_fields, top_entries
from generator.importing.plan import Place, Planned, Span, record_text
from generator.importing.refs import RefIndex
from generator.read.load import CONTENT_DIR, RECORD_SUFFIX, Content, RawRecord
from generator.read.table import Cell, Sheet
from generator.site.model import SiteConfig, TypeSpec
from generator.urls import slugify, suggest_slug

Values = dict[str, tuple[Any, Place]]  # field -> (value, the cell it came from); None: empty


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the sheet as a record: its slug, where the slug came from, its values."""

    slug: str
    place: Place
    values: Values
    partial: bool = False  # a cell of it could not be read: its file is checked in part


def plan_records(config: SiteConfig, content: Content, sheet: Sheet, type_name: str,
                 request: Request, update: bool) -> tuple[list[Planned], list[Diagnostic]]:
    """The record files the rows of `sheet` make, and every problem with its cells."""
    spec = config.type(type_name)
    targets = {f.name: (f.name, f.label) for f in spec.fields}
    columns, diagnostics = match_columns(sheet, targets, f"the type '{type_name}'", request)
    header_ok = not diagnostics
    slug_from = next((c for c in columns if c.is_slug), None) or \
        next((c for c in columns if c.field == spec.title_field), None)
    if slug_from is None:  # told only when no column's name is wrong: it may be this one
        return [], diagnostics or [Diagnostic(sheet.path, 1, 1, "no column gives the "
                                              "records' slugs: add a column for the title "
                                              f"field '{spec.title_field}', or name the column "
                                              "of slugs with --slug")]
    slugged = [(row, _slug(sheet.path, row[slug_from.col - 1], slug_from, spec))
               for row in sheet.rows]
    diagnostics += [s for _, s in slugged if isinstance(s, Diagnostic)]
    keyed = [(row, s) for row, s in slugged if not isinstance(s, Diagnostic)]
    index = RefIndex(config)
    index.add_records(content.records, content.keys,
                      frozenset(f"{type_name}:{slug}" for _, (slug, _) in keyed))
    title_col = next((c.col for c in columns if c.field == spec.title_field), None)
    for row, (slug, _) in keyed:
        title = row[title_col - 1].text if title_col else None
        index.add(type_name, slug, title)
        base = slugify(plain_text(row[slug_from.col - 1]))
        if base != slug:  # `by` became `by-2` (a reserved slug): a ref may still say `by`
            index.renamed[type_name][base] = slug
    rows = []
    for row, (slug, place) in keyed:
        values, problems = _values(sheet.path, spec, columns, row, index)
        diagnostics += problems
        rows.append(Row(slug, place, values, bool(problems)))
    clashes = _slug_clashes(sheet.path, config, content, type_name, rows, update)
    diagnostics += clashes
    refused = {(d.line, d.col) for d in clashes}
    rows = [row for row in rows if (row.place.row, row.place.col) not in refused]
    planned, problems = _files(sheet.path, config, content, spec, columns, rows, header_ok)
    return planned, diagnostics + problems


def _slug(path: str, cell: Cell, column: Column, spec: TypeSpec
          ) -> tuple[str, Place] | Diagnostic:
    """The slug a cell (of the --slug column, or the title) gives its row."""
    text = plain_text(cell)
    base = slugify(text)
    if base:
        return suggest_slug(base), Place(cell.row, cell.col)
    if text.strip():
        message = f"no slug can be made of '{text[:40]}': it has no letter or digit; give " \
            "the row one in a --slug column"
    elif column.is_slug or not any(f.required for f in spec.fields
                                   if f.name == spec.title_field):
        message = "the row has no slug: the cell is empty"
    else:
        message = f"'{spec.title_field}' is required, and the cell is empty"
    return Diagnostic(path, cell.row, cell.col, message)


def _values(path: str, spec: TypeSpec, columns: list[Column], row: tuple[Cell, ...],
            index: RefIndex) -> tuple[Values, list[Diagnostic]]:
    values: Values = {}
    diagnostics = []
    for column in columns:
        field = spec.field(column.field) if column.field else None
        if field is None:
            continue
        cell = row[column.col - 1]
        value = cell_value(cell, field.type)
        if field.to is not None and value is not None and not isinstance(value, Bad):
            value = _resolve(index, field.to, value)
        if isinstance(value, Bad):
            diagnostics.append(Diagnostic(path, cell.row, cell.col, value.message))
        else:
            values[field.name] = (value, Place(cell.row, cell.col))
    return values, diagnostics


def _resolve(index: RefIndex, to: str, value: Any) -> Any:
    if isinstance(value, str):
        return index.resolve(to, value)
    found = [index.resolve(to, item) for item in value]
    bad = next((f for f in found if isinstance(f, Bad)), None)
    return bad if bad is not None else found


def _slug_clashes(path: str, config: SiteConfig, content: Content, type_name: str,
                  rows: list[Row], update: bool) -> list[Diagnostic]:
    """Two rows with one slug, and rows whose record exists (unless `update`)."""
    diagnostics = []
    first: dict[str, Row] = {}
    folder = config.type(type_name).folder
    readable = {r.slug for r in content.records if r.type == type_name}
    for row in rows:
        line, col = row.place.row, row.place.col
        if row.slug in first:
            earlier = first[row.slug].place.row
            diagnostics.append(Diagnostic(path, line, col, f"rows {earlier} and {line} both "
                                          f"have the slug '{row.slug}'; give each a slug of "
                                          "its own in a --slug column"))
            continue
        first[row.slug] = row
        shown = f"{CONTENT_DIR}/{folder}/{row.slug}{RECORD_SUFFIX}"
        if f"{type_name}:{row.slug}" not in content.keys:
            continue
        if not update:
            diagnostics.append(Diagnostic(path, line, col, f"{type_name} '{row.slug}' already "
                                          f"exists ({shown}); pass --update to change it, or "
                                          "give the row another slug"))
        elif row.slug not in readable:
            diagnostics.append(Diagnostic(path, line, col, f"cannot change {shown}: it has "
                                          "errors of its own; run 'factsheet check' and mend "
                                          "it first"))
    return diagnostics


def _files(path: str, config: SiteConfig, content: Content, spec: TypeSpec,
           columns: list[Column], rows: list[Row], header_ok: bool
           ) -> tuple[list[Planned], list[Diagnostic]]:
    existing = {r.slug: r for r in content.records if r.type == spec.name}
    imported = [c.field for c in columns if c.field]
    required = {f.name for f in spec.fields if f.required}
    missing = [f.name for f in spec.fields if f.required and f.name not in imported]
    planned: list[Planned] = []
    diagnostics = []
    if header_ok and missing and any(row.slug not in existing for row in rows):
        diagnostics += [Diagnostic(path, 1, 1, f"no column for the required field '{name}'; "
                                   "add one, or --map a column to it") for name in missing]
    for row in rows:
        empty = [Diagnostic(path, place.row, place.col, f"'{name}' is required, and the cell "
                            "is empty")
                 for name, (value, place) in row.values.items() if value is None
                 and name in required]
        diagnostics += empty
        raw = existing.get(row.slug)
        partial = dataclasses.replace(row, partial=True) if empty or missing else row
        made = _updated(raw, spec, partial) if raw is not None else _new(spec, partial)
        if isinstance(made, Diagnostic):
            diagnostics.append(made)
        else:
            planned.append(made)
    return planned, diagnostics


def _new(spec: TypeSpec, row: Row) -> Planned:
    values = {name: value for name, (value, _) in row.values.items() if value is not None}
    ordered = {f.name: values[f.name] for f in spec.fields if f.name in values}
    places = {name: place for name, (_, place) in row.values.items()}
    text, spans = record_text(ordered, places)
    return Planned(f"{CONTENT_DIR}/{spec.folder}/{row.slug}{RECORD_SUFFIX}", spec.name,
                   row.slug, text, ordered, spans, row.place, partial=row.partial)


def _updated(raw: RawRecord, spec: TypeSpec, row: Row) -> Planned | Diagnostic:
    old = raw.doc.text
    data = raw.doc.data if isinstance(raw.doc.data, dict) else {}
    changes = {name: value for name, (value, _) in row.values.items()
               if not _same(data.get(name), value)}
    if not changes:  # the file stays as it is, and need not even be parsed again
        return Planned(raw.doc.path, spec.name, row.slug, old, data, (), row.place, old)
    entries = top_entries(old)
    if isinstance(entries, str):
        return Diagnostic(raw.doc.path, 1, 1, f"cannot update this file in place: {entries}")
    order = [f.name for f in spec.fields]
    text, where = apply(old, set_fields(old, entries, changes, order))
    expected = {k: v for k, v in {**data, **changes}.items() if v is not None}
    spans = sorted(Span(start, end, row.values[key][1]) for key, (start, end) in where.items())
    return Planned(raw.doc.path, spec.name, row.slug, text, expected, tuple(spans), row.place,
                   old, tuple(changes), row.partial)


def _same(a: object, b: object) -> bool:
    """Equal values of the same types (1 is not 1.0, nor True): what a file would keep."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def same_data(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two records' data are the same values of the same types."""
    return _same(dict(a), dict(b))
