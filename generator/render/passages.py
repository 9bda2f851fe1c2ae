"""A source's text as a page shows it: paragraphs of runs, each quoted passage marked."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

from generator.check.validate import Record
from generator.link.link import Site
from generator.link.quotes import QuoteMark
from generator.render.formats import paragraph_spans
from generator.render.linkview import LinkView
from generator.site.schema import SOURCE_TEXT_FIELD, SOURCE_TYPE

Link = Callable[[str, int], LinkView]  # a record key and fact number -> a link from the page


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a source's text; `marked` when facts quote it.

    A quoted passage's first segment carries its `anchor`; its last lists the facts
    that quote it in `cited_by`.
    """

    text: str
    marked: bool = False
    anchor: str = ""
    cited_by: tuple[LinkView, ...] = ()


def source_passages(site: Site, link: Link, record: Record) -> tuple[tuple[Segment, ...], ...]:
    """A source's text as paragraphs of runs, the quoted ones marked; () for others."""
    text = record.fields.get(SOURCE_TEXT_FIELD) if record.type == SOURCE_TYPE else None
    if not isinstance(text, str):
        return ()
    marks = site.quote_marks.get(record.key, ())
    ends = [mark.end for mark in marks]  # marks do not overlap, so ends are sorted too
    return tuple(tuple(_segments(link, text, a, b, marks[bisect.bisect_right(ends, a):]))
                 for a, b in paragraph_spans(text))


def _segments(link: Link, text: str, start: int, end: int, marks: tuple[QuoteMark, ...]
              ) -> list[Segment]:
    """The runs of text[start:end]; `marks` begins with the first that ends after start."""
    out: list[Segment] = []
    pos = start
    for mark in marks:
        if mark.start >= end:
            break
        lo, hi = max(mark.start, start), min(mark.end, end)
        if lo > pos:
            out.append(Segment(text[pos:lo]))
        # A quote that runs across paragraphs is marked in each; the anchor goes first.
        first = lo == mark.start
        cited = tuple(link(c.record, c.fact) for c in mark.citations) \
            if hi == mark.end else ()
        out.append(Segment(text[lo:hi], True, mark.anchor if first else "", cited))
        pos = hi
    if pos < end:
        out.append(Segment(text[pos:end]))
    return out
