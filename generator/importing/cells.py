"""A cell -> the value of a field: text as it is, numbers and dates by the field's type.

A CSV cell is text: digits become a number only where the field holds numbers, and text
that is not a number plainly written (`1,234`, `12.5%`) stays text, so the type's check
refuses it with the advice a YAML file would get. An XLSX cell has its own type: a number
is a number, a date a date; a formula or an error value is refused, as the import reads
values and a formula's last result may not be in the file.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from typing import Any

from generator.read.table import BOOL, DATE, EMPTY, ERROR, FORMULA, NUMBER, TEXT, Cell
from generator.render.data import needs_text_mark
from generator.render.numbers import number_text
from generator.site.schema import MAX_INTEGER

LIST_SEPARATOR = ";"
_INTEGER = re.compile(r"[-+]?[0-9]+")
_DECIMAL = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_MAX_DIGITS = 20  # more stays text, and the type's check says it is out of range
_WHOLE_TYPES = frozenset({"integer", "year"})
_NUMBER_TYPES = frozenset({"integer", "year", "number"})
_TEXT_TYPES = frozenset({"text", "markdown", "url", "ref", "refs", "list"})


@dataclass(frozen=True, slots=True)
class Bad:
    """Why a cell cannot be a field's value."""

    message: str


def cell_value(cell: Cell, field_type: str) -> Any:
    """The value `cell` gives a field of `field_type`: None when empty, Bad when it cannot.

    Lists (`refs`, `list`) come back as lists of texts, a ref as its text; the import
    resolves refs to slugs afterwards.
    """
    if cell.kind == EMPTY:
        return None
    refused = _refused(cell, field_type)
    if refused is not None:
        return refused
    if cell.kind == NUMBER:
        return _typed_number(cell.value, field_type)
    if cell.kind == DATE:
        return _date(cell.value)
    text = str(cell.value)
    if field_type in ("refs", "list"):
        items = [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]
        twice = next((item for n, item in enumerate(items) if item in items[:n]), None)
        if twice is not None:
            return Bad(f"'{twice[:40]}' is in the cell twice; list each value once")
        return items
    if field_type in _NUMBER_TYPES:
        return number_from_text(text.strip(), whole=field_type in _WHOLE_TYPES)
    if field_type in ("date", "url", "ref"):
        return text.strip()
    return text


def csv_unescaped(cell: Cell) -> Cell:
    """A CSV cell without the ' that data/<type>.csv puts before text a spreadsheet would run
    as a formula (`'=1+2` -> `=1+2`, `''=1` -> `'=1`), so that file imports back as it was
    exported."""
    text = cell.text
    if cell.kind == TEXT and text.startswith("'") and needs_text_mark(text[1:]):
        return Cell(cell.row, cell.col, text[1:], TEXT)
    return cell


def plain_text(cell: Cell) -> str:
    """A cell's value as text: a number as every output spells it."""
    if cell.kind == NUMBER and isinstance(cell.value, int | float):
        return number_text(cell.value)
    return cell.text


def _refused(cell: Cell, field_type: str) -> Bad | None:
    if cell.kind == FORMULA:
        return Bad(f"the cell holds a formula ({cell.text[:40]}); the import reads values: "
                   "copy the column and paste it as values")
    if cell.kind == ERROR:
        return Bad(f"the cell holds the spreadsheet error {cell.text}; correct it or empty it")
    if cell.kind == BOOL:
        return Bad(f"the cell holds {str(cell.value).upper()}, a yes/no value; "
                   f"{_wants(field_type)}")
    if cell.kind == DATE and field_type != "date":
        return Bad(f"the cell holds a date ({_shown(cell.value)}); {_wants(field_type)}")
    if cell.kind == NUMBER and field_type == "date":
        return Bad(f"the cell holds the number {cell.text}, not a date; format the cell "
                   "as a date, or write the date as text YYYY-MM-DD")
    if cell.kind not in (TEXT, NUMBER, DATE):
        return Bad(f"the cell holds a time or duration ({cell.text}); {_wants(field_type)}")
    return None


def _wants(field_type: str) -> str:
    if field_type in _NUMBER_TYPES:
        return "the field takes a number; format the cell as a number"
    if field_type == "date":
        return "the field takes a date; format the cell as a date"
    return "the field takes text; format the cell as text"


def _shown(value: object) -> str:
    return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else str(value)


def _typed_number(value: Any, field_type: str) -> Any:
    if field_type in _TEXT_TYPES:
        text = number_text(value)
        return [text] if field_type in ("refs", "list") else text
    if field_type in _WHOLE_TYPES and isinstance(value, float) and value.is_integer():
        return int(value)  # a spreadsheet keeps every number as a double
    return value


def _date(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time():
            return Bad(f"the cell holds a date with a time of day ({_shown(value)}); "
                       "the field takes a date alone")
        value = value.date()
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def number_from_text(text: str, whole: bool) -> int | float | str:
    """`text` as a whole number (or, unless `whole`, a decimal) when it is one plainly
    written; else `text`, for the field's check to explain."""
    if _INTEGER.fullmatch(text) and len(text.lstrip("+-").lstrip("0")) <= _MAX_DIGITS:
        whole_number = int(text)
        if whole or abs(whole_number) <= MAX_INTEGER:
            return whole_number
        # Outputs spell a decimal below 1e21 without an exponent (6.4e16 as 64000000000000000):
        # such digits in a number field are that decimal, where they spell it exactly.
        if number_text(float(whole_number)) == str(whole_number):
            return float(whole_number)
        return whole_number
    if not whole and _DECIMAL.fullmatch(text):
        number = float(text)
        if math.isfinite(number) and (number != 0 or not re.search(r"[1-9]",
                                                                  text.lower().split("e")[0])):
            return number
    return text
