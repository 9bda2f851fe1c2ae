"""How values read on a page: dates, numbers and paragraphs of plain text."""

from __future__ import annotations

import re
from typing import Any

from generator.render.numbers import NUMBER_TYPES, number_label

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph (blank-line separated) of `text`, trimmed."""
    spans = []
    pos = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        stop = brk.start() if brk else len(text)
        chunk = text[pos:stop]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((pos + lead, pos + len(chunk.rstrip())))
        pos = brk.end() if brk else stop
    return spans


def split_paragraphs(text: str) -> tuple[str, ...]:
    """The paragraphs of a plain text."""
    return tuple(text[a:b] for a, b in paragraph_spans(text))


def format_date(date: str) -> str:
    """'11 June 2020', 'June 2020' or '2020' for a full or partial ISO date."""
    parts = date.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def format_value(field_type: str, value: Any) -> str:
    """A scalar field's value as a reader should see it."""
    if field_type == "date":
        return format_date(value)
    if field_type in NUMBER_TYPES:
        return number_label(value)
    return str(value)
