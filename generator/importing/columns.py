"""The header row -> which field each column fills: by name or label, or as --map says."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.errors import Diagnostic, closest, suggest
from generator.read.table import EMPTY, NUMBER, TEXT, Sheet

SLUG_COLUMN = "slug"  # data/<type>.csv's first column
COUNT_COLUMN = "facts"  # data/<type>.csv's last column: how many facts a record has
_WHOLE = re.compile(r"\s*[0-9]+\s*")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the sheet and what it fills: a field, the slug, or nothing."""

    col: int
    name: str
    field: str | None  # None for the slug column and for skipped ones
    is_slug: bool = False


@dataclass(frozen=True, slots=True)
class Request:
    """What the command line says of the columns: --map COLUMN=FIELD and --slug COLUMN."""

    maps: tuple[tuple[str, str], ...] = ()  # FIELD '' skips the column
    slug: str | None = None


def normal(name: str) -> str:
    """A column or field name as they are matched: case, spaces, '_' and '-' ignored."""
    return re.sub(r"[\s_-]+", "", name).casefold()


def match_columns(sheet: Sheet, targets: Mapping[str, Sequence[str]], what: str,
                  request: Request, slug_column: bool = True
                  ) -> tuple[list[Column], list[Diagnostic]]:
    """The column of each header cell, or a diagnostic for each that fills nothing known.

    `targets` maps each field to the names it answers to (its name and label); `what`
    names their owner in messages ("the type 'city'").
    """
    by_name = {normal(n): field for field, names in targets.items() for n in names}
    header = {normal(c.text): c for c in sheet.header if c.kind != EMPTY}
    maps, diagnostics = _requested(sheet, request, header, targets, what)
    columns: list[Column] = []
    taken: dict[str, Column] = {}
    for cell in sheet.header:
        key = normal(cell.text)
        if cell.kind == EMPTY:
            diagnostics += _unnamed(sheet, cell.col)
            continue
        if key in maps:
            field = maps[key] or None
        elif request.slug is not None and key == normal(request.slug):
            columns.append(Column(cell.col, cell.text, None, is_slug=True))
            continue
        elif key in by_name:
            field = by_name[key]
        elif slug_column and request.slug is None and key == SLUG_COLUMN:
            columns.append(Column(cell.col, cell.text, None, is_slug=True))
            continue
        elif slug_column and key == COUNT_COLUMN and _counts(sheet, cell.col):
            field = None  # data/<type>.csv's count of facts, which no field holds
        else:
            diagnostics.append(_unknown(sheet, cell.col, cell.text, by_name, what))
            continue
        column = Column(cell.col, cell.text, field)
        if field is not None and field in taken:
            first = taken[field]
            diagnostics.append(Diagnostic(sheet.path, 1, cell.col, f"column '{cell.text}' "
                                          f"fills the field '{field}', as column {first.col} "
                                          f"('{first.name}') does; --map one of them to "
                                          f"another field, or skip it with --map '{cell.text}='"))
            continue
        if field is not None:
            taken[field] = column
        columns.append(column)
    return columns, diagnostics


def _requested(sheet: Sheet, request: Request, header: Mapping[str, object],
               targets: Mapping[str, Sequence[str]], what: str
               ) -> tuple[dict[str, str], list[Diagnostic]]:
    """--map as normalized column name -> field ('' to skip), and its mistakes."""
    maps: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    columns = ", ".join(f"'{c.text}'" for c in sheet.header if c.kind != EMPTY)
    for column, field in request.maps:
        if normal(column) not in header:
            diagnostics.append(Diagnostic(sheet.path, 1, 1, f"--map {column}={field}: no "
                                          f"column '{column}' in the header; the columns are "
                                          f"{columns}"))
        elif field and field not in targets:
            diagnostics.append(Diagnostic(sheet.path, 1, 1, f"--map {column}={field}: {what} "
                                          f"has no field '{field}'"
                                          f"{suggest(closest(field, targets))}; its fields are "
                                          f"{', '.join(targets)}"))
        else:
            maps[normal(column)] = field
    if request.slug is not None and normal(request.slug) not in header:
        diagnostics.append(Diagnostic(sheet.path, 1, 1, f"--slug {request.slug}: no column "
                                      f"'{request.slug}' in the header; the columns are "
                                      f"{columns}"))
    return maps, diagnostics


def _unnamed(sheet: Sheet, col: int) -> list[Diagnostic]:
    if all(row[col - 1].kind == EMPTY for row in sheet.rows if col <= len(row)):
        return []  # an empty column, as spreadsheets have past the last
    return [Diagnostic(sheet.path, 1, col, "this column has values but no name in the "
                       "header; name it, or delete the column")]


def _unknown(sheet: Sheet, col: int, name: str, by_name: Mapping[str, str], what: str
             ) -> Diagnostic:
    match = closest(normal(name), by_name)
    hint = suggest(by_name[match] if match else None)
    single = " (the header has no ',', ';' or tab between names: is the file delimited " \
        "another way?)" if len(sheet.header) == 1 and not sheet.typed else ""
    return Diagnostic(sheet.path, 1, col, f"column '{name}' is not a field of {what}{hint}; "
                      f"--map '{name}=FIELD' to fill a field with it, or --map '{name}=' to "
                      f"skip it{single}")


def _counts(sheet: Sheet, col: int) -> bool:
    """Whether a column holds only whole numbers (or nothing): a count, not facts."""
    for row in sheet.rows:
        cell = row[col - 1]
        if (cell.kind == TEXT and not _WHOLE.fullmatch(cell.text)) or \
                (cell.kind == NUMBER and not float(str(cell.value)).is_integer()) or \
                cell.kind not in (TEXT, NUMBER, EMPTY):
            return False
    return True
