"""`factsheet import facts FILE`: each row -> one fact added to the end of its record's list.

A fact already there (the same text and quote, compared as the quote check compares) is
not added again, so a sheet can be imported once more after more rows are put in it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from generator.errors import Diagnostic, did_you_mean
from generator.importing.cells import Bad, cell_value, plain_text
from generator.importing.columns import Column, Request, match_columns
from generator.importing.edit import FACTS, append_facts, apply, top_entries
from generator.importing.plan import Place, Planned, Span
from generator.importing.refs import RefIndex
from generator.link.folding import fold
from generator.read.load import Content, RawRecord
from generator.read.table import NUMBER, TEXT, Cell, Sheet
from generator.site.model import SiteConfig
from generator.site.schema import SOURCE_TYPE

COLUMNS = ("record", "text", "source", "quote", "date", "about")
REQUIRED = ("record", "text", "source", "quote")
FACT_ORDER = ("date", "text", "source", "quote", "about")  # as the default site writes them
_YEAR = re.compile(r"[0-9]{1,4}")
Fact = dict[str, tuple[Any, Place]]


def plan_facts(config: SiteConfig, content: Content, sheet: Sheet, request: Request
               ) -> tuple[list[Planned], int, list[Diagnostic]]:
    """The record files the facts of `sheet` change, how many facts were already there,
    and every problem with the cells."""
    targets = {name: (name,) for name in COLUMNS}
    columns, diagnostics = match_columns(sheet, targets, "a facts sheet", request,
                                         slug_column=False)
    have = {c.field for c in columns}
    missing = [name for name in REQUIRED if name not in have]
    if missing:
        diagnostics += [Diagnostic(sheet.path, 1, 1, f"no column '{name}': a facts sheet "
                                   "needs the columns record, text, source and quote")
                        for name in missing]
    if not config.has_type(SOURCE_TYPE):
        diagnostics.append(Diagnostic(sheet.path, 1, 1, f"facts cite records of type "
                                      f"'{SOURCE_TYPE}', which site.yaml does not declare"))
    if diagnostics:
        return [], 0, diagnostics
    index = RefIndex(config)
    index.add_records(content.records, content.keys)
    readable = {f"{r.type}:{r.slug}": r for r in content.records}
    by_record: dict[str, list[Fact]] = defaultdict(list)
    for row in sheet.rows:
        key, fact, problems = _fact(sheet.path, config, content, index, columns, row)
        diagnostics += problems
        if key and fact:
            by_record[key].append(fact)
    planned, known = [], 0
    for key in sorted(by_record):
        raw = readable.get(key)
        if raw is None:
            place = by_record[key][0]["record"][1]
            diagnostics.append(Diagnostic(sheet.path, place.row, place.col, f"cannot change "
                                          f"{_path(config, key)}: it has errors of its own; "
                                          "run 'factsheet check' and mend it first"))
            continue
        made, repeated = _added(raw, by_record[key])
        known += repeated
        if isinstance(made, Diagnostic):
            diagnostics.append(made)
        elif made is not None:
            planned.append(made)
    return planned, known, diagnostics


def _path(config: SiteConfig, key: str) -> str:
    type_name, _, slug = key.partition(":")
    return f"content/{config.type(type_name).folder}/{slug}.yaml"


def _fact(path: str, config: SiteConfig, content: Content, index: RefIndex,
          columns: list[Column], row: tuple[Cell, ...]
          ) -> tuple[str | None, Fact | None, list[Diagnostic]]:
    """The record a row's fact goes to, and the fact's values with their cells."""
    fact: Fact = {}
    key: str | None = None
    diagnostics = []
    for column in columns:
        if column.field is None:
            continue
        cell = row[column.col - 1]
        value = _value(column.field, cell, index)
        if value is None and column.field in REQUIRED:
            value = Bad(f"'{column.field}' is required, and the cell is empty")
        if column.field == "record" and isinstance(value, str):
            value = _record_key(config, content, index, value)
            key = value if isinstance(value, str) else None
        if isinstance(value, Bad):
            diagnostics.append(Diagnostic(path, cell.row, cell.col, value.message))
        elif value is not None:
            fact[column.field] = (value, Place(cell.row, cell.col))
    return (key, fact, []) if not diagnostics else (None, None, diagnostics)


def _value(name: str, cell: Cell, index: RefIndex) -> Any:
    if name == "source":
        text = cell_value(cell, "ref")
        return index.resolve(SOURCE_TYPE, text) if isinstance(text, str) else text
    if name == "about":
        return cell_value(cell, "list")
    if name == "date":
        return _date(cell)
    if name == "record":
        return plain_text(cell).strip() or None
    return cell_value(cell, "markdown" if name == "text" else "text")


def _date(cell: Cell) -> Any:
    """A fact's date: YYYY-MM-DD, YYYY-MM or a year, which YAML holds as a whole number."""
    if cell.kind == NUMBER and isinstance(cell.value, int | float) and \
            float(cell.value).is_integer():
        return int(cell.value)
    if cell.kind == TEXT and _YEAR.fullmatch(cell.text.strip()):
        return int(cell.text.strip())
    return cell_value(cell, "date")


def _record_key(config: SiteConfig, content: Content, index: RefIndex, text: str
                ) -> str | Bad:
    if ":" in text:
        type_name, _, slug = text.partition(":")
        names = [t.name for t in config.types]
        if not config.has_type(type_name):
            return Bad(f"unknown type '{type_name}' in '{text}'{did_you_mean(type_name, names)}")
        return text if text in content.keys else Bad(index.unknown(type_name, slug))
    types = sorted(t for t, slugs in index.slugs.items() if text in slugs)
    if len(types) > 1:
        return Bad(f"'{text}' is ambiguous: write " + " or ".join(f"'{t}:{text}'"
                                                                   for t in types))
    if not types:
        every = [slug for slugs in index.slugs.values() for slug in slugs]
        return Bad(f"unknown record '{text}'{did_you_mean(text, every)}")
    return f"{types[0]}:{text}"


def _added(raw: RawRecord, facts: list[Fact]) -> tuple[Planned | Diagnostic | None, int]:
    """The record with the facts it does not have yet; and how many it had."""
    data = raw.doc.data if isinstance(raw.doc.data, dict) else {}
    listed = data.get(FACTS)
    had: list[Any] = listed if isinstance(listed, list) else []
    seen = {_same_fact(f) for f in had if isinstance(f, dict)}
    new: list[Fact] = []
    for fact in facts:
        plain = {name: value for name, (value, _) in fact.items()}
        if _same_fact(plain) not in seen:
            seen.add(_same_fact(plain))
            new.append(fact)
    if not new:
        return None, len(facts)
    entries = top_entries(raw.doc.text)
    if isinstance(entries, str):
        return Diagnostic(raw.doc.path, 1, 1, f"cannot update this file in place: {entries}"), 0
    items = [{name: fact[name][0] for name in FACT_ORDER if name in fact} for fact in new]
    try:
        edits = append_facts(raw.doc.text, entries, items)
    except ValueError:
        return Diagnostic(raw.doc.path, 1, 1, "cannot update this file in place: its facts "
                          "are a [ ] list; write them one '- ' item a line"), 0
    text, where = apply(raw.doc.text, edits)
    spans = sorted(Span(start, end, new[int(n)][name][1])
                   for n_name, (start, end) in where.items()
                   for n, name in [n_name.split(".", 1)])
    expected = {**data, FACTS: [*had, *items]}
    first = new[0]["record"][1]
    return Planned(raw.doc.path, raw.type, raw.slug, text, expected, tuple(spans), first,
                   raw.doc.text, (FACTS,)), len(facts) - len(new)


def _same_fact(fact: dict[str, Any]) -> tuple[str, str]:
    text, quote = fact.get("text"), fact.get("quote")
    return (fold(text) if isinstance(text, str) else "",
            fold(quote) if isinstance(quote, str) else "")
