"""Folding a text for the quote check, and the map from the folded text back to the original.

Folding brings a text to Unicode NFC (so é typed as one code point matches e + combining
accent), turns runs of whitespace into one space and typographic quotation marks into
straight ones. A source is folded once; its map is as small as what folding changed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")
_SPACE_RUN = re.compile(r"\s{2,}")
_WORD = re.compile(r"\S+")
_TYPOGRAPHIC = (("\u201c", '"'), ("\u201d", '"'), ("\u201e", '"'), ("\u201f", '"'),
                ("\u2033", '"'), ("\u2018", "'"), ("\u2019", "'"), ("\u201a", "'"),
                ("\u201b", "'"), ("\u2032", "'"))
_PIECE = 1 << 16  # characters of a source normalised at a time
_PIECE_END = re.compile(r"(?<=\S)\s")  # a piece ends before a space, never inside a run


def _straighten(text: str) -> str:
    # str.replace is a fast scan; str.translate with a table costs ~40 ns a character.
    for curly, straight in _TYPOGRAPHIC:
        if curly in text:
            text = text.replace(curly, straight)
    return text


def fold(text: str) -> str:
    """`text` in NFC, whitespace runs as one space, typographic quotes made straight."""
    return _straighten(_SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip())


@dataclass(frozen=True, slots=True)
class FoldedSource:
    """A source's text folded for matching, and where its folded stretches are in the original.

    Stretch k starts at `folded_at[k]` in the folded text and `original_at[k]` in the
    original; the last entry is where both end. A stretch as long in both is copied one
    character for one; any other (a run of spaces, a character NFC composed) maps as a whole.
    """

    text: str
    folded_at: array[int]
    original_at: array[int]
    # The casefolded text, made once for the near-miss hint when a quote first fails.
    lowered: list[str] = field(default_factory=list, compare=False, repr=False)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The part of the original text that the folded text's [start, end) came from."""
        return self._original(start)[0], self._original(end - 1)[1]

    def _original(self, at: int) -> tuple[int, int]:
        k = bisect_right(self.folded_at, at) - 1
        folded, original = self.folded_at[k], self.original_at[k]
        if self.folded_at[k + 1] - folded == self.original_at[k + 1] - original:
            return original + at - folded, original + at - folded + 1
        return original, self.original_at[k + 1]

    def casefolded(self) -> str:
        """The folded text casefolded (made on first use)."""
        if not self.lowered:
            self.lowered.append(self.text.casefold())
        return self.lowered[0]


def fold_source(text: str) -> FoldedSource:
    """Fold a source's text once, however many quotes are then looked up in it."""
    parts: list[str] = []
    folded_at, original_at = _offset_map(_fold_pieces(text, parts), len(text))
    return FoldedSource("".join(parts), folded_at, original_at)


def _fold_pieces(text: str, parts: list[str]) -> Iterator[tuple[int, int, int]]:
    """(start, end, folded length) of each space run of `text` and of each part whose length
    NFC changes, in order; as it goes, `parts` gets the folded text piece by piece.

    Pieces are cut where a space run starts (NFC never reaches across a space), so what is
    held at once stays small however long the text.
    """
    start = 0
    while start < len(text):
        cut = _PIECE_END.search(text, start + _PIECE)
        end = cut.start() if cut else len(text)
        piece = text[start:end]
        changes = [] if unicodedata.is_normalized("NFC", piece) else _nfc_changes(piece)
        parts.append(_straighten(_SPACE.sub(" ", _apply(piece, changes))))
        runs = ((m.start(), m.end(), 1) for m in _SPACE_RUN.finditer(piece))
        resized = [(begin, finish, len(new)) for begin, finish, new in changes
                   if len(new) != finish - begin]
        for begin, finish, size in sorted([*resized, *runs]) if resized else runs:
            yield start + begin, start + finish, size
        start = end


@functools.cache
def _unstable() -> re.Pattern[str]:
    """Characters that NFC may change or join to the one before.

    Elsewhere NFC cannot reach across, so only these (with the character before them) are
    normalised, each part mapped back to its place. Characters past U+FFFF all count: it
    costs little and keeps the class a fast table. Made on the first text not in NFC.
    """
    chars: set[int] = {*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)}  # Hangul jamo
    for code in range(0x10000):
        char = chr(code)
        if unicodedata.combining(char):
            chars.add(code)
        decomposition = unicodedata.decomposition(char)
        if decomposition and not decomposition.startswith("<"):
            if unicodedata.normalize("NFC", char) != char:
                chars.add(code)
            chars.update(int(part, 16) for part in decomposition.split()[1:])
    ranges: list[list[int]] = []
    for code in sorted(c for c in chars if c < 0x10000 and not chr(c).isspace()):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    table = "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges)
    # With the character before, which a mark may join (itself outside the class).
    return re.compile(f"\\S?[{table}\\U00010000-\\U0010ffff]+")


def _nfc_changes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, NFC form) of each part of `text` that NFC changes; none holds a space."""
    changes = []
    for part in _unstable().finditer(text):
        new = unicodedata.normalize("NFC", part.group())
        if new != part.group():
            changes.append((part.start(), part.end(), new))
    if _apply(text, changes) != unicodedata.normalize("NFC", text):
        # Should a Unicode version join across a cut here, whole words are still safe.
        changes = [(m.start(), m.end(), new) for m in _WORD.finditer(text)
                   if (new := unicodedata.normalize("NFC", m.group())) != m.group()]
    return changes


def _apply(text: str, changes: list[tuple[int, int, str]]) -> str:
    if not changes:
        return text
    parts: list[str] = []
    pos = 0
    for start, end, new in changes:
        parts += (text[pos:start], new)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _offset_map(changes: Iterable[tuple[int, int, int]], length: int
                ) -> tuple[array[int], array[int]]:
    """The stretch starts of a text of `length` whose [start, end) parts fold to `size` each."""
    code = _typecode(length)
    folded_at, original_at = array(code, [0]), array(code, [0])
    folded = original = 0  # where the last change ended
    for start, end, size in changes:
        at = folded + start - original
        if start > original:  # else the empty copied stretch before it becomes this change
            folded_at.append(at)
            original_at.append(start)
        folded, original = at + size, end
        folded_at.append(folded)
        original_at.append(original)
    if length > original:
        folded_at.append(folded + length - original)
        original_at.append(length)
    return folded_at, original_at


def _typecode(length: int) -> str:
    return "i" if length < 2**31 else "q"
