"""Spreadsheets -> rows of cells, each with its row and column: CSV and XLSX.

A CSV file is UTF-8 (a BOM is skipped) with `,`, `;` or tab between cells, whichever the
header line has most of. Rows are numbered as a spreadsheet numbers them (the header is
row 1, a cell holding line breaks is one row) and columns from 1. Line breaks in a cell
become '\n', as they do in a YAML file. What a cell means is not decided here.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from generator.errors import Diagnostic
from generator.read.compose import CONTROL
from generator.read.rawfile import Refused, read_bounded
from generator.read.table import EMPTY, LINE_BREAKS, TEXT, Cell, Sheet
from generator.read.yamlsrc import MAX_BYTES

# A file of 34,000 GeoNames cities is 3.5 MB; this is a sheet of over a million such rows.
MAX_SHEET_BYTES = 128 * 1024 * 1024
DELIMITERS = (",", ";", "\t")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_sheet(path: Path, shown: str, sheet: str | None = None
               ) -> tuple[Sheet | None, list[Diagnostic]]:
    """The sheet at `path` (CSV, or XLSX's first sheet or `sheet`), or every problem found."""
    raw = read_bounded(str(path), MAX_SHEET_BYTES)
    if isinstance(raw, Refused):
        message = raw.message or f"file is {raw.size:,} bytes; the limit is {MAX_SHEET_BYTES:,}"
        return None, [Diagnostic(shown, 1, 1, message)]
    if raw.startswith(_ZIP):
        from generator.read.workbook import read_workbook  # openpyxl only for XLSX

        return read_workbook(path, shown, sheet)
    if raw.startswith(_OLE):
        return None, [Diagnostic(shown, 1, 1, "an Excel 97-2003 workbook (.xls), which "
                                 "factsheet cannot read; save it as .xlsx or as CSV UTF-8")]
    if sheet is not None:
        return None, [Diagnostic(shown, 1, 1, f"--sheet '{sheet}' is for XLSX workbooks; "
                                 "this file is CSV, which has one sheet")]
    return read_csv(raw, shown)


def read_csv(raw: bytes, shown: str) -> tuple[Sheet | None, list[Diagnostic]]:
    """A CSV file's bytes as a sheet, or why they cannot be one."""
    text = _decode(raw, shown)
    if isinstance(text, Diagnostic):
        return None, [text]
    if not text.strip():
        return None, [Diagnostic(shown, 1, 1, "the file is empty; its first row must name "
                                 "the columns")]
    records, problem = _records(text, delimiter(text), shown)
    diagnostics = [problem] if problem else []
    rows = [tuple(_text_cell(n, c, value) for c, value in enumerate(record, start=1))
            for n, record in enumerate(records, start=1)]
    header = rows[0] if rows else ()
    if not any(cell.kind != EMPTY for cell in header):
        return None, [*diagnostics, Diagnostic(shown, 1, 1, "the first row is empty; it "
                                               "must name the columns")]
    body = [row for row in rows[1:] if any(cell.kind != EMPTY for cell in row)]
    for row in body:
        diagnostics += _ragged(shown, row, len(header))
    for row in rows:
        diagnostics += [_control(shown, cell) for cell in row if CONTROL.search(cell.text)]
    return Sheet(shown, header, tuple(row[:len(header)] for row in body), typed=False), \
        diagnostics


def delimiter(text: str) -> str:
    """The delimiter the header line (outside quotes) has most of; ',' when it has none."""
    first = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0].split("\r", 1)[0])
    counts = [(first.count(d), -i, d) for i, d in enumerate(DELIMITERS)]
    return max(counts)[2]


def _decode(raw: bytes, shown: str) -> str | Diagnostic:
    if raw.startswith(_UTF16):
        return Diagnostic(shown, 1, 1, "UTF-16 text (Excel's 'Unicode Text'); save the file "
                          "as CSV UTF-8")
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        row, col = _place_of(raw[bom:offset].decode("utf-8"))
        return Diagnostic(shown, row, col, f"not UTF-8 text: byte 0x{raw[offset]:02x} at "
                          f"offset {offset}; save the file as UTF-8")


def _place_of(before: str) -> tuple[int, int]:
    """The row and column of the cell that the text after `before` is in."""
    records, unclosed = _records(before, delimiter(before), "")
    if unclosed or not records or before.endswith(("\n", "\r")):
        return len(records) + 1, 1  # in a quoted cell, or at the start of a row
    return len(records), len(records[-1])


def _records(text: str, sep: str, shown: str) -> tuple[list[list[str]], Diagnostic | None]:
    """The CSV records of `text`, and the problem that stopped reading, if one did."""
    if csv.field_size_limit() < MAX_BYTES:
        csv.field_size_limit(MAX_BYTES)  # no cell outgrows the record file it goes into
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        unclosed = "unexpected end of data" in str(exc)
        message = "a quoted cell is not closed: its '\"' has no closing '\"' before the end " \
            "of the file" if unclosed else "a '\"' inside a quoted cell must be doubled " \
            "('\"\"'), and nothing may follow the closing '\"' but the delimiter"
        return records, Diagnostic(shown, len(records) + 1, 1, message)
    return records, None


def _text_cell(row: int, col: int, value: str) -> Cell:
    if not value.strip():
        return Cell(row, col, None, EMPTY)
    return Cell(row, col, LINE_BREAKS.sub("\n", value), TEXT)


def _ragged(shown: str, row: tuple[Cell, ...], width: int) -> list[Diagnostic]:
    if len(row) < width:
        return [Diagnostic(shown, row[0].row, len(row) + 1, f"the row has {len(row)} cells "
                           f"and the header {width}; add the missing cells (even if empty)")]
    extra = next((cell for cell in row[width:] if cell.kind != EMPTY), None)
    if extra is not None:
        return [Diagnostic(shown, extra.row, extra.col, f"a value past the last column of "
                           f"the header ({width} columns): '{_short(extra.text)}'")]
    return []


def _control(shown: str, cell: Cell) -> Diagnostic:
    found = CONTROL.search(cell.text)
    assert found is not None
    return Diagnostic(shown, cell.row, cell.col, f"control character "
                      f"U+{ord(found.group()):04X} in the cell; delete it")


def _short(text: str, width: int = 40) -> str:
    """A cell's text cut for a message."""
    return text if len(text) <= width else text[:width - 3] + "..."
