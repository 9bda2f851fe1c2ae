"""Titles in each language's alphabetical order (link/collation.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.link.collation import ranks, sort_key


def ordered(titles: list[str], language: str) -> list[str]:
    order = ranks(((t, t) for t in titles), language)
    return sorted(titles, key=order.__getitem__)


@pytest.mark.parametrize(("language", "titles"), [
    # Accents come second: a title is filed by its letters first.
    ("en", ["Ábaco", "arco", "Ecole", "école", "Émile", "Zeta"]),
    ("fr", ["cote", "coté", "côte", "côté", "cotes"]),  # CLDR fr: accents read forward
    ("de", ["Mueller", "Muller", "Müller", "Mullet"]),
    # In Spanish ñ is a letter of its own, after n: every 'n…' before any 'ñ…'.
    ("es", ["ano", "anzuelo", "año", "nu", "nube", "nzz", "ñandú", "Ñu", "oso"]),
    ("en", ["1 Dollar", "aardvark", "Aardvark", "Zebra"]),  # lower case first, as in CLDR
])
def test_titles_sort_as_the_language_alphabetises(language: str, titles: list[str]) -> None:
    assert ordered(list(reversed(titles)), language) == titles


def test_english_files_n_tilde_with_n() -> None:
    assert ordered(["oso", "ñandú", "nube"], "en") == ["ñandú", "nube", "oso"]


@given(st.lists(st.text(max_size=8), max_size=30, unique=True),
       st.sampled_from(["en", "es", "fr", "de", "pt-BR", "xx"]))
def test_the_order_is_total_and_does_not_depend_on_the_input_order(
        titles: list[str], language: str) -> None:
    forward = ordered(titles, language)
    assert ordered(list(reversed(titles)), language) == forward
    assert sorted(forward) == sorted(titles)


@given(st.text(max_size=12), st.text(max_size=12))
def test_a_composed_and_a_decomposed_title_sort_alike(a: str, b: str) -> None:
    import unicodedata
    key = sort_key("es")
    nfd = [unicodedata.normalize("NFD", t) for t in (a, b)]
    assert (key(a) < key(b)) == (key(nfd[0]) < key(nfd[1]))
