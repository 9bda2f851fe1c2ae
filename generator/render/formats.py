"""How values read on a page: dates, numbers and paragraphs of plain text."""

from __future__ import annotations

import re
from typing import Any

from generator.render.messages import Messages, messages_for
from generator.render.numbers import NUMBER_TYPES
from generator.site.model import ENGLISH, Catalog

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


def format_date(date: str, catalog: Catalog = ENGLISH) -> str:
    """'June 11, 2020', '11. Juni 2020', 'junio de 2020' or '2020' for a full or partial ISO
    date, in the catalog's language."""
    return messages_for(catalog).date(date)


def format_value(field_type: str, value: Any, say: Messages) -> str:
    """A scalar field's value as a reader should see it."""
    if field_type == "date":
        return say.date(value)
    if field_type in NUMBER_TYPES:
        return say.number(value)
    return str(value)
