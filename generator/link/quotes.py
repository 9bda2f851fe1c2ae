"""The quote check: find a fact's quote in its source's text, and mark it there.

Matching compares both in NFC, with whitespace runs as one space and typographic quotation
marks straight (see folding.py), and nothing else: case, spelling and punctuation must be
as in the source.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.link.folding import FoldedSource as FoldedSource
from generator.link.folding import fold as fold
from generator.link.folding import fold_source as fold_source

_NEAR_MISS_MIN = 12  # shorter matching prefixes say nothing useful
# Each round of the near-miss search scans the source once; past these, a binary search
# finishes in log2(len(quote)) more scans, so a failing quote costs a few scans at most.
_PREFIX_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class Citation:
    """Fact number `fact` of record `record` (a `type:slug` key)."""

    record: str
    fact: int


@dataclass(frozen=True, slots=True)
class QuoteMark:
    """A passage of a source's text quoted by one or more facts; overlapping quotes merge."""

    start: int
    end: int
    anchor: str
    citations: tuple[Citation, ...]


def find_quote(source_key: str, source: FoldedSource, quote: str) -> tuple[int, int] | str:
    """The (start, end) of `quote` in the source's text, or a message saying how it differs."""
    folded_quote = fold(quote)
    at = source.text.find(folded_quote) if folded_quote else -1
    if at < 0:
        slug = source_key.split(":", 1)[1]
        return f"quote not found in the text of source '{slug}'" \
               + _near_miss(source, folded_quote)
    return source.span(at, at + len(folded_quote))


def _near_miss(source: FoldedSource, folded_quote: str) -> str:
    if folded_quote and folded_quote.casefold() in source.casefolded():
        return " (it differs only in upper and lower case; the check is case-sensitive)"
    folded_text = source.text
    low, at = _longest_prefix(folded_text, folded_quote)
    if low < _NEAR_MISS_MIN:
        return ""
    agreed = ("..." if low > 25 else "") + folded_quote[max(0, low - 25):low]
    # Folded text has only straight quotes, so curly ones can delimit the excerpts.
    source_goes_on = _continuation(folded_text, at + low)
    quote_goes_on = _continuation(folded_quote, low)
    return (f"; the two agree up to “{agreed}”, then the source has “{source_goes_on}” "
            f"and the quote “{quote_goes_on}”")


def _longest_prefix(text: str, quote: str) -> tuple[int, int]:
    """The longest prefix of `quote` (at least _NEAR_MISS_MIN long) in `text`, and where it
    first is; (0, -1) if none. A longer prefix is found only after a shorter one's first
    place, so each scan starts there."""
    at = text.find(quote[:_NEAR_MISS_MIN]) if len(quote) >= _NEAR_MISS_MIN else -1
    if at < 0:
        return 0, -1
    for _ in range(_PREFIX_ROUNDS):
        length = _common_prefix(text, at, quote)
        longer = text.find(quote[:length + 1], at + 1) if length < len(quote) else -1
        if longer < 0:
            return length, at
        at = longer
    low, high = length + 1, len(quote)  # quote[:low] is at `at`
    while low < high:
        mid = (low + high + 1) // 2
        found = text.find(quote[:mid], at)
        low, high, at = (mid, high, found) if found >= 0 else (low, mid - 1, at)
    return low, at


def _common_prefix(text: str, at: int, quote: str) -> int:
    """How many characters of `quote` the text has from `at`: slices compared, doubling."""
    limit = min(len(quote), len(text) - at)
    low, size = 0, 16
    while size < limit and text[at:at + size] == quote[:size]:
        low, size = size, size * 2
    high = min(size, limit)
    while low < high:  # text[at:at + low] == quote[:low]; past `high` they differ
        mid = (low + high + 1) // 2
        if text[at:at + mid] == quote[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _continuation(text: str, start: int, length: int = 25) -> str:
    return text[start:start + length] + ("..." if start + length < len(text) else "")


def anchor_for(record_key: str, fact: int, index: int = 0) -> str:
    """The id of the mark a fact's quote gets on its source's page; `index` > 0 for the
    quotes of its `also` sources."""
    return f"quote-{record_key.replace(':', '-')}-{fact}" + (f"-{index + 1}" if index else "")


Span = tuple[int, int, str, int, int]  # start, end, record key, fact number, citation index
Anchors = dict[tuple[str, int, int], str]  # (record, fact, citation index) -> mark's anchor


def mark_quotes(quotes: dict[str, list[Span]]) -> tuple[dict[str, tuple[QuoteMark, ...]], Anchors]:
    """Merge each source's quoted spans into marks; map every citation to its mark's anchor."""
    marks: dict[str, tuple[QuoteMark, ...]] = {}
    anchors: Anchors = {}
    for source in sorted(quotes):
        groups: list[list[Span]] = []
        ends: list[int] = []
        for span in sorted(quotes[source]):
            if groups and span[0] < ends[-1]:
                groups[-1].append(span)
                ends[-1] = max(ends[-1], span[1])
            else:
                groups.append([span])
                ends.append(span[1])
        source_marks = []
        for spans, end in zip(groups, ends, strict=True):
            anchor = anchor_for(*spans[0][2:])
            citations = tuple(sorted({Citation(span[2], span[3]) for span in spans},
                                     key=lambda c: (c.record, c.fact)))
            source_marks.append(QuoteMark(spans[0][0], end, anchor, citations))
            anchors.update({span[2:]: anchor for span in spans})
        marks[source] = tuple(source_marks)
    return marks, anchors
