"""Titles in the order a reader of the site's language alphabetises them, and the letters of
the A–Z jump they file under.

The order is the Unicode Collation Algorithm's (pyuca, the root collation of CLDR, which is
already right for English, French and German: 'Ábaco' before 'arco', 'Müller' beside
'Muller'), with each language's own letters put in their place: in Spanish 'ñ' is a letter
after 'n' (CLDR's tailoring '&N<ñ'). A letter is tailored by spelling it as its base letter
followed by U+FFFF, whose primary weight is above every letter's, so 'ña' sorts after every
'nz…' and before 'o'.
"""

from __future__ import annotations

import array
import functools
import sys
import unicodedata
from collections.abc import Callable, Iterable

from anyascii import anyascii
from pyuca import Collator

# A language's letters that are not its base letter with a mark: where they sort and file.
_OWN_LETTERS: dict[str, dict[str, str]] = {"es": {"ñ": "n"}}
_LATIN = tuple(chr(c) for c in range(ord("A"), ord("Z") + 1))


@functools.cache
def _collator() -> Collator:
    return Collator()  # reads the collation table once per process (0.1 s)


def _base(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def alphabet(language: str) -> tuple[str, ...]:
    """The letters of the A–Z jump in `language`, in order, after '#' for digits and signs."""
    own = _OWN_LETTERS.get(_base(language), {})
    letters: list[str] = ["#"]
    for letter in _LATIN:
        letters.append(letter)
        letters += sorted(o.upper() for o, after in own.items() if after.upper() == letter)
    return tuple(letters)


@functools.lru_cache(maxsize=1 << 16)
def letter_of(title: str, language: str) -> str:
    """The letter of the A–Z jump `title` files under: its first letter, in Latin script,
    without its marks unless the language counts it as a letter of its own; '#' for a
    digit or sign."""
    first = unicodedata.normalize("NFC", title.lstrip()[:4])[:1].lower()  # N + ◌̃ is Ñ
    if first in _OWN_LETTERS.get(_base(language), {}):
        return first.upper()
    letter = anyascii(first).upper()[:1]
    return letter if "A" <= letter <= "Z" else "#"


def sort_key(language: str) -> Callable[[str], bytes]:
    """A key that orders texts as `language` alphabetises them (compact bytes: a site's
    every title is keyed once per build)."""
    tailor = _tailoring(_base(language))

    def key(text: str) -> bytes:
        return _key(text, tailor)
    return key


def _tailoring(language: str) -> tuple[tuple[str, str], ...]:
    own = _OWN_LETTERS.get(language, {})
    return tuple((spelled, base + "\uffff") for letter, after in own.items()
                 for spelled, base in ((letter, after), (letter.upper(), after.upper())))


@functools.lru_cache(maxsize=1 << 17)
def _key(text: str, tailor: tuple[tuple[str, str], ...]) -> bytes:
    text = unicodedata.normalize("NFC", text)
    for letter, spelled in tailor:
        text = text.replace(letter, spelled)
    weights = array.array("H", _collator().sort_key(text))
    if sys.byteorder == "little":  # big-endian bytes compare as the weights do
        weights.byteswap()
    return weights.tobytes()


def remembered_sort_key(language: str, remembered: Callable[..., bytes] | None
                        ) -> Callable[[str], bytes]:
    """Titles' sort keys, from the last build where it made them (`remembered(language,
    title, find=...)`; a hundred thousand of them take seconds)."""
    plain = sort_key(language)
    if remembered is None:
        return plain
    return functools.partial(remembered, language, find=plain)


def ranks(titles: Iterable[tuple[str, str]], language: str,
          key: Callable[[str], bytes] | None = None) -> dict[str, int]:
    """Each (key, title)'s place when the titles are alphabetised; ties go by the title's
    code points, then by key, so the order is total. `key` is `sort_key(language)`, or
    one that knows its keys already."""
    key = key or sort_key(language)
    ordered = sorted(titles, key=lambda kt: (key(kt[1]), kt[1], kt[0]))
    return {k: i for i, (k, _) in enumerate(ordered)}
