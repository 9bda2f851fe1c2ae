"""What an import would write: each file's new text, and which cell each value came from."""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.importing.yamlout import entry


@dataclass(frozen=True, slots=True, order=True)
class Place:
    """A cell of the sheet: its row (the header is row 1) and column, from 1."""

    row: int
    col: int


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Where in a file's new text a value from the cell at `place` is written."""

    start: int
    end: int
    place: Place


@dataclass(frozen=True, slots=True)
class Planned:
    """One record file an import would write (new, or changed when `old` is not None)."""

    path: str  # relative to the site folder
    type: str
    slug: str
    text: str
    expected: dict[str, Any]  # what the text must read back as
    spans: tuple[Span, ...]
    place: Place  # the cell that named the record: its slug, or its title
    old: str | None = None
    changed: tuple[str, ...] = ()  # what an update changes: field names, or 'facts'
    partial: bool = False  # some cells could not be read, so the file lacks their values
    starts: list[int] = field(default_factory=list, compare=False, repr=False)

    @property
    def key(self) -> str:
        """`type:slug` of the record."""
        return f"{self.type}:{self.slug}"

    def cell_at(self, offset: int) -> Place | None:
        """The cell whose value is written where `offset` is in the new text, if any."""
        if not self.starts:
            self.starts.extend(span.start for span in self.spans)
        at = bisect.bisect_right(self.starts, offset) - 1
        if at >= 0 and self.spans[at].start <= offset < max(self.spans[at].end,
                                                            self.spans[at].start + 1):
            return self.spans[at].place
        return None


def record_text(values: Mapping[str, Any], places: Mapping[str, Place]
                ) -> tuple[str, tuple[Span, ...]]:
    """A new record file holding `values` in their order, and the span of each value."""
    parts: list[str] = []
    spans: list[Span] = []
    at = 0
    for key, value in values.items():
        text, start = entry(key, value)
        spans.append(Span(at + start, at + len(text), places[key]))
        parts.append(text + "\n")
        at += len(text) + 1
    return "".join(parts), tuple(spans)
