"""Pagination: which slice of a long listing a page shows, and the links between its pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from generator.link.collation import alphabet, letter_of

Item = TypeVar("Item")

SHOW_ALL_UP_TO = 24  # page links before numbered links get ellipses ("a few dozen")
AROUND = 2  # numbered links either side of the current page, past SHOW_ALL_UP_TO


@dataclass(frozen=True, slots=True)
class PageLink:
    """A numbered page link; `url` is empty for the current page, `number` 0 for a gap."""

    number: int
    url: str
    current: bool = False


@dataclass(frozen=True, slots=True)
class Pager:
    """Where a page is in its listing: its items (1-based, inclusive) and its neighbours."""

    number: int
    count: int
    first: int
    last: int
    total: int
    prev_url: str
    next_url: str
    links: tuple[PageLink, ...]


@dataclass(frozen=True, slots=True)
class Letter:
    """One letter of the A–Z jump; `url` is empty when no title starts with it."""

    letter: str
    url: str
    anchor: str


def page_count(total: int, size: int) -> int:
    """How many pages `total` items take, `size` a page; an empty listing is one page."""
    return max(1, -(-total // size))


def page_items(items: Sequence[Item], number: int, size: int) -> Sequence[Item]:
    """The items page `number` shows."""
    return items[(number - 1) * size:number * size]


def pager(number: int, total: int, size: int, url_of: Callable[[int], str]) -> Pager:
    """Page `number` of a listing of `total` items; `url_of(n)` links to page n."""
    count = page_count(total, size)
    links = tuple(PageLink(n, "" if n == number else url_of(n), n == number) if n else
                  PageLink(0, "") for n in page_numbers(number, count))
    return Pager(number, count, min(total, (number - 1) * size + 1), min(total, number * size),
                 total, url_of(number - 1) if number > 1 else "",
                 url_of(number + 1) if number < count else "", links)


def page_numbers(current: int, count: int) -> list[int]:
    """The page numbers to link, 0 standing for a gap: all of a short listing; else the ends,
    the neighbours of the current page and gaps between."""
    if count <= SHOW_ALL_UP_TO:
        return list(range(1, count + 1))
    shown = sorted({1, 2, count - 1, count,
                    *range(max(1, current - AROUND), min(count, current + AROUND) + 1)})
    out: list[int] = []
    for n in shown:
        if out and n - out[-1] > 1:
            out.append(n - 1 if n - out[-1] == 2 else 0)  # a gap of one page shows the page
        out.append(n)
    return out


def letter_starts(titles: Sequence[str], language: str) -> dict[str, int]:
    """Each letter of the A–Z jump that some title files under -> the first such title."""
    starts: dict[str, int] = {}
    for i, title in enumerate(titles):
        starts.setdefault(letter_of(title, language), i)
    return starts


def letter_jump(starts: dict[str, int], size: int, url_of: Callable[[int], str],
                language: str) -> tuple[Letter, ...]:
    """Every letter, each linked to the row where the first title filed under it is."""
    return tuple(Letter(letter, f"{url_of(starts[letter] // size + 1)}#{letter_anchor(letter)}"
                        if letter in starts else "", letter_anchor(letter))
                 for letter in alphabet(language) if letter != "#" or "#" in starts)


def letter_anchor(letter: str) -> str:
    """The id of the row where a letter starts."""
    return "letter-" + ("0" if letter == "#" else letter.lower())
