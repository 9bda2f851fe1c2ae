"""A spreadsheet as the import reads it: cells with their row, column and kind of value."""

from __future__ import annotations

import re
from dataclasses import dataclass

TEXT, NUMBER, BOOL, DATE, TIME, FORMULA, ERROR, EMPTY = (
    "text", "number", "bool", "date", "time", "formula", "error", "empty")
# Every line break a cell may hold becomes '\n', as in a YAML file.
LINE_BREAKS = re.compile("\r\n?|[\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its place, its value and what kind of value the sheet says it is.

    CSV cells are TEXT or EMPTY; XLSX cells also NUMBER (int or float), BOOL, DATE (a
    datetime), TIME, FORMULA (its text) and ERROR (`#N/A`, …).
    """

    row: int
    col: int
    value: object
    kind: str

    @property
    def text(self) -> str:
        """The cell as a person sees it written, for messages."""
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True, slots=True)
class Sheet:
    """A header row naming the columns and the rows below it (empty rows left out)."""

    path: str  # as messages name it
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    typed: bool  # XLSX: the cells carry the spreadsheet's types; CSV: all text
