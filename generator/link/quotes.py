"""The quote check: find a fact's quote in its source's text, and mark it there.

Matching folds runs of whitespace into one space and typographic quotation marks into
straight ones, and nothing else: case, spelling and punctuation must be as in the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")
_TYPOGRAPHIC = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
})
_NEAR_MISS_MIN = 12  # shorter matching prefixes say nothing useful


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


def fold(text: str) -> str:
    """`text` with whitespace runs as one space and typographic quotes made straight."""
    return _SPACE.sub(" ", text).strip().translate(_TYPOGRAPHIC)


@dataclass(frozen=True, slots=True)
class FoldedSource:
    """A source's text folded for matching, and each folded character's offset in it."""

    text: str
    offsets: tuple[int, ...]


def fold_source(text: str) -> FoldedSource:
    """Fold a source's text once, however many quotes are then looked up in it."""
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for space in _SPACE.finditer(text):
        parts.append(text[pos:space.start()])
        offsets.extend(range(pos, space.start()))
        parts.append(" ")
        offsets.append(space.start())
        pos = space.end()
    parts.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return FoldedSource("".join(parts).translate(_TYPOGRAPHIC), tuple(offsets))


def find_quote(source_key: str, source: FoldedSource, quote: str) -> tuple[int, int] | str:
    """The (start, end) of `quote` in the source's text, or a message saying how it differs."""
    folded_text, offsets = source.text, source.offsets
    folded_quote = fold(quote)
    at = folded_text.find(folded_quote) if folded_quote else -1
    if at < 0:
        slug = source_key.split(":", 1)[1]
        return f"quote not found in the text of source '{slug}'" \
               + _near_miss(folded_text, folded_quote)
    return offsets[at], offsets[at + len(folded_quote) - 1] + 1


def _near_miss(folded_text: str, folded_quote: str) -> str:
    if folded_quote.casefold() in folded_text.casefold():
        return " (it differs only in upper and lower case; the check is case-sensitive)"
    low, high = 0, len(folded_quote)
    while low < high:  # the longest prefix of the quote that the text contains
        mid = (low + high + 1) // 2
        if folded_quote[:mid] in folded_text:
            low = mid
        else:
            high = mid - 1
    if low < _NEAR_MISS_MIN:
        return ""
    at = folded_text.find(folded_quote[:low]) + low
    agreed = ("..." if low > 25 else "") + folded_quote[max(0, low - 25):low]
    # Folded text has only straight quotes, so curly ones can delimit the excerpts.
    source_goes_on, quote_goes_on = _continuation(folded_text, at), _continuation(folded_quote, low)
    return (f"; the two agree up to “{agreed}”, then the source has “{source_goes_on}” "
            f"and the quote “{quote_goes_on}”")


def _continuation(text: str, start: int, length: int = 25) -> str:
    return text[start:start + length] + ("..." if start + length < len(text) else "")


def anchor_for(record_key: str, fact: int) -> str:
    """The id of the mark a fact's quote gets on its source's page."""
    return f"quote-{record_key.replace(':', '-')}-{fact}"


def mark_quotes(quotes: dict[str, list[tuple[int, int, str, int]]]
                ) -> tuple[dict[str, tuple[QuoteMark, ...]], dict[tuple[str, int], str]]:
    """Merge each source's quoted spans into marks; map every fact to its mark's anchor."""
    marks: dict[str, tuple[QuoteMark, ...]] = {}
    anchors: dict[tuple[str, int], str] = {}
    for source in sorted(quotes):
        groups: list[list[tuple[int, int, str, int]]] = []
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
            start = spans[0][0]
            anchor = anchor_for(spans[0][2], spans[0][3])
            citations = tuple(sorted({Citation(record, fact) for _, _, record, fact in spans},
                                     key=lambda c: (c.record, c.fact)))
            source_marks.append(QuoteMark(start, end, anchor, citations))
            anchors.update({(c.record, c.fact): anchor for c in citations})
        marks[source] = tuple(source_marks)
    return marks, anchors
