"""What templates see of records: plain views, built for one page by views.PageBuilder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.render.linkview import LinkView
from generator.render.passages import Segment
from generator.render.trustviews import CorrectionView, VerdictView


@dataclass(frozen=True, slots=True)
class FieldView:
    """One field's value, ready to show; which attributes are set depends on `type`."""

    name: str
    label: str
    type: str
    value: Any = None
    text: str = ""
    data: str = ""  # a number as the data files spell it, for <data value="…">
    links: tuple[LinkView, ...] = ()
    items: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    facet: bool = False  # the field has browse pages (and search filters)
    browse: tuple[str, ...] = ()  # a facet's browse page for each value (text, items)


@dataclass(frozen=True, slots=True)
class CitationView:
    """One source of a fact: its number among the record's citations, the quote, the
    source and the passage on the source's page."""

    number: int
    quote: str
    source: LinkView
    quote_url: str


@dataclass(frozen=True, slots=True)
class FactView:
    """A fact with its citation: the quote, its source, and the passage on the source page."""

    number: int
    anchor: str
    text: str
    quote: str
    date: str | None
    date_label: str
    record: LinkView
    source: LinkView
    quote_url: str
    about: tuple[LinkView, ...]
    citations: tuple[CitationView, ...] = ()  # the source above first, then its `also`
    corrected: tuple[str, ...] = ()  # anchors of the corrections that concern it
    verdict: tuple[VerdictView, ...] = ()  # a fact-check's rating of a claim, if any


@dataclass(frozen=True, slots=True)
class BacklinkItem:
    """A record that links here, and which of its facts do (if any)."""

    title: str
    url: str
    type_label: str
    facts: tuple[LinkView, ...]
    subtitle: str = ""


@dataclass(frozen=True, slots=True)
class BacklinkView:
    """'What links here': records grouped under one label."""

    label: str
    items: tuple[BacklinkItem, ...]
    one_type: bool  # all items are of one type, so their type need not be said each time
    more: int = 0  # items past the ones shown, on the pages at `more_url`
    more_url: str = ""


@dataclass(frozen=True, slots=True)
class RecordView:
    """Everything a record page shows."""

    type: str
    type_label: str
    type_plural: str
    list_url: str
    slug: str
    title: str
    subtitle: str  # set only where another record of its type has the same title
    updated: str  # YYYY-MM-DD, or '' when the record does not say
    updated_label: str
    corrections: tuple[CorrectionView, ...]  # newest first
    details: tuple[FieldView, ...]
    prose: tuple[FieldView, ...]
    facts: tuple[FactView, ...]
    dated: tuple[FactView, ...]  # the dated facts, oldest first
    backlinks: tuple[BacklinkView, ...]
    passages: tuple[tuple[Segment, ...], ...]
    data_url: str
    text_sha256: str = ""  # a source's: the SHA-256 of its text as the quote check reads it
