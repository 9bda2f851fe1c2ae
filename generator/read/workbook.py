"""XLSX workbooks -> a sheet of typed cells, read with openpyxl in read-only mode.

Read-only mode streams the sheet's XML instead of building the whole workbook in memory.
A formula is read as its text, not its last computed value: the value is only there if
the program that saved the file computed it, and may be out of date.
"""

from __future__ import annotations

import datetime
import warnings
from pathlib import Path
from typing import Any

from generator.errors import Diagnostic, did_you_mean
from generator.read.compose import CONTROL
from generator.read.table import (
    BOOL,
    DATE,
    EMPTY,
    ERROR,
    FORMULA,
    LINE_BREAKS,
    NUMBER,
    TEXT,
    TIME,
    Cell,
    Sheet,
)

_KINDS = {"n": NUMBER, "b": BOOL, "d": DATE, "f": FORMULA, "e": ERROR}


def read_workbook(path: Path, shown: str, sheet: str | None
                  ) -> tuple[Sheet | None, list[Diagnostic]]:
    """The first sheet of the workbook at `path`, or the one named `sheet`."""
    import openpyxl  # the only module that needs it

    try:
        with warnings.catch_warnings():  # openpyxl warns of styles and extensions it skips
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # a damaged zip or XML: openpyxl raises many kinds
        return None, [Diagnostic(shown, 1, 1, f"cannot read the workbook: "
                                 f"{type(exc).__name__}: {exc}; save it again as .xlsx")]
    try:
        names = [ws.title for ws in book.worksheets]  # not chart sheets: they have no cells
        if not names:
            return None, [Diagnostic(shown, 1, 1, "the sheet is empty; its first row must "
                                     "name the columns")]
        if sheet is not None and sheet not in names:
            return None, [Diagnostic(shown, 1, 1, f"no sheet '{sheet}' in the workbook"
                                     f"{did_you_mean(sheet, names)}; its sheets are "
                                     f"{', '.join(repr(n) for n in names)}")]
        found = book.worksheets[names.index(sheet) if sheet is not None else 0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = [tuple(_cell(r, c, cell) for c, cell in enumerate(row, start=1))
                    for r, row in enumerate(found.iter_rows(min_row=1, min_col=1), start=1)]
    finally:
        book.close()
    return _sheet(shown, rows)


def _sheet(shown: str, rows: list[tuple[Cell, ...]]) -> tuple[Sheet | None, list[Diagnostic]]:
    filled = [row for row in rows if any(cell.kind != EMPTY for cell in row)]
    if not filled:
        return None, [Diagnostic(shown, 1, 1, "the sheet is empty; its first row must name "
                                 "the columns")]
    header = filled[0]
    while header and header[-1].kind == EMPTY:  # a spreadsheet's rows run past the header
        header = header[:-1]
    width = len(header)
    diagnostics = []
    body = []
    for row in filled[1:]:
        extra = next((cell for cell in row[width:] if cell.kind != EMPTY), None)
        if extra is not None:
            diagnostics.append(Diagnostic(shown, extra.row, extra.col, f"a value past the "
                                          f"last column of the header ({width} columns): "
                                          f"'{extra.text[:40]}'"))
        body.append(row[:width] + tuple(Cell(row[0].row, c, None, EMPTY)
                                        for c in range(len(row) + 1, width + 1)))
    for row in filled:
        diagnostics += [Diagnostic(shown, cell.row, cell.col, f"control character "
                                   f"U+{ord(found.group()):04X} in the cell; delete it")
                        for cell in row if cell.kind == TEXT
                        and (found := CONTROL.search(cell.text))]
    return Sheet(shown, header, tuple(body), typed=True), diagnostics


def _cell(row: int, col: int, cell: Any) -> Cell:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return Cell(row, col, None, EMPTY)
    if isinstance(value, str):
        kind = _KINDS.get(cell.data_type, TEXT)
        return Cell(row, col, LINE_BREAKS.sub("\n", value) if kind == TEXT else value,
                    kind if kind in (FORMULA, ERROR) else TEXT)
    if isinstance(value, bool):
        return Cell(row, col, value, BOOL)
    if isinstance(value, int | float):
        return Cell(row, col, value, NUMBER)
    if isinstance(value, datetime.datetime | datetime.date):
        return Cell(row, col, value, DATE)
    return Cell(row, col, value, TIME)  # a time of day or a duration
