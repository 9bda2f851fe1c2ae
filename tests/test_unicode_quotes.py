"""Quotes whose letters are stored another way than the source's: é as one code point
(NFC) or as e + a combining accent (NFD). Both sides are compared in NFC, and the span found
points back into the source's text as it is, so its page marks the whole passage."""

from __future__ import annotations

import itertools
import re
import unicodedata
from html import unescape
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.link.quotes import find_quote, fold, fold_source
from tests.conftest import copy_case, write_files
from tests.hardening import error_lines, run_cli

FORMS = ("NFC", "NFD")
# Words whose NFC and NFD differ, from many scripts.
WORDS = [
    "café", "São Paulo", "Müller", "naïve", "señor", "Ærøskøbing", "Dvořák", "Łódź",
    "İstanbul", "Tiếng Việt", "phở", "Ελλάδα", "ἀρχή", "Йошкар-Ола", "가나다", "한국어",
    "がぎぐ", "パピプ", "Å ring", "ǅemal", "क़िला", "ড়",
]


def nf(form: str, text: str) -> str:
    return unicodedata.normalize(form, text)


def source_text(word: str) -> str:
    return f"Before it, “{word}” was said;\n\nand  after {word}, more text."


@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize("text_form", FORMS)
@pytest.mark.parametrize("quote_form", FORMS)
def test_a_quote_in_either_form_is_found_in_a_source_in_either(word: str, text_form: str,
                                                               quote_form: str) -> None:
    text = nf(text_form, source_text(word))
    quote = nf(quote_form, f'"{word}" was said; and after {word}')
    found = find_quote("source:s", fold_source(text), quote)
    assert isinstance(found, tuple), found
    start, end = found
    # The span is the passage as the source stores it: it starts at the opening mark and
    # ends after the last letter's last combining mark.
    assert text[start:end] == nf(text_form, f"“{word}” was said;\n\nand  after {word}")
    assert end == len(text) or not unicodedata.combining(text[end])


@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize("text_form", FORMS)
def test_a_quote_ending_on_an_accented_letter_covers_its_accent(word: str,
                                                                text_form: str) -> None:
    text = nf(text_form, f"x {word} y")
    for quote_form in FORMS:
        start, end = find_quote("source:s", fold_source(text), nf(quote_form, word))  # type: ignore[misc]
        assert text[start:end] == nf(text_form, word)


@pytest.mark.parametrize(("text", "quote"), [
    ("the ﬁrst", "the first"),          # a ligature is a compatibility form, not canonical
    ("ＡＢＣ corp", "ABC corp"),          # fullwidth letters
    ("café", "cafe"),                  # the accent is part of the spelling
    ("cafe", "café"),
    ("x²", "x2"),
])
def test_only_canonical_equivalence_is_forgiven(text: str, quote: str) -> None:
    assert isinstance(find_quote("source:s", fold_source(text), quote), str)


@pytest.mark.parametrize(("text", "quote"), [
    ("the \u212b unit", "the \u00c5 unit"),        # ANGSTROM SIGN is canonically Å
    ("q\u0301\u0323 mark", "q\u0323\u0301 mark"),  # combining marks in either order
    ("\u1100\u1161\u11a8", "\uac01"),              # Hangul jamo and the syllable
    ("\u0958 x", "\u0915\u093c x"),                # a Devanagari letter NFC decomposes
])
def test_canonically_equivalent_spellings_match(text: str, quote: str) -> None:
    found = find_quote("source:s", fold_source(text), quote)
    assert isinstance(found, tuple), found
    assert fold(text[found[0]:found[1]]) == fold(quote)


def test_a_near_miss_hint_is_given_in_nfc() -> None:
    text = nf("NFD", "Le café de São Paulo est fermé le lundi.")
    message = find_quote("source:gazette", fold_source(text), "Le café de São Paulo est ouvert")
    assert message == ("quote not found in the text of source 'gazette'; the two agree up to "
                       "“Le café de São Paulo est ”, then the source has “fermé le lundi.” and "
                       "the quote “ouvert”")


def build(tmp_path: Path, text: str, quote: str) -> str:
    site = copy_case("basic", tmp_path)
    write_files(site, {
        "content/sources/gazette.yaml": f"title: Gazette\ntext: \"{text}\"\n",
        "content/companies/acme.yaml": f"name: Acme\nfacts:\n  - text: It is.\n"
                                       f"    source: gazette\n    quote: \"{quote}\"\n",
        "content/companies/globex.yaml": "name: Globex\n"})
    out = tmp_path / "out"
    outcome = run_cli("build", "--site", site, "--out", out)
    assert outcome.code == 0, outcome.err
    return (out / "sources/gazette/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("text_form", "quote_form"), [(a, b) for a in FORMS for b in FORMS])
def test_the_source_page_marks_the_passage_as_the_source_stores_it(
        tmp_path: Path, text_form: str, quote_form: str) -> None:
    text = nf(text_form, "Au café de São Paulo, où l’on dîne, on parle à Müller.")
    quote = nf(quote_form, "café de São Paulo, où l’on dîne")
    page = build(tmp_path, text, quote)
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", page, re.DOTALL)
    assert [unescape(m) for m in marked] == [nf(text_form, "café de São Paulo, où l’on dîne")]
    # The text around the mark is the source's too, nothing lost or doubled.
    paragraph = re.search(r"<p>(Au .*?)</p>", page, re.DOTALL)
    assert paragraph is not None
    plain = unescape(re.sub(r"<sup.*?</sup>|<[^>]+>", "", paragraph.group(1)))
    assert plain == text


def test_a_quote_that_differs_in_more_than_form_still_fails(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    write_files(site, {"content/sources/gazette.yaml":
                       f"title: Gazette\ntext: \"{nf('NFD', 'Le café est fermé.')}\"\n",
                       "content/companies/acme.yaml": "name: Acme\nfacts:\n  - text: It is.\n"
                       "    source: gazette\n    quote: Le cafe est ferme\n",
                       "content/companies/globex.yaml": "name: Globex\n"})
    outcome = run_cli("check", "--site", site)
    assert outcome.code == 1
    assert error_lines(outcome.err) == [
        "content/companies/acme.yaml:5:12: error: quote not found in the text of source "
        "'gazette'"]


# Letters, combining marks, Hangul jamo and spaces: the characters NFC changes most.
_PIECES = st.sampled_from(["a", "e", "o", "A", "ç", "é", "\u0301", "\u0308", "\u0323", "\u0327",
                           "\u1100", "\u1161", "\u11a8", "\uac00", "\u212b", "\u0958", "ǅ",
                           "\u0f73", "\u0344", " ", " ", "\n", "“", "”", "x", "y"])
_TEXT = st.lists(_PIECES, min_size=1, max_size=60).map("".join)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(_TEXT, st.data())
@example("ae\u0301\u0323 b", None)
def test_property_any_passage_in_any_form_is_found_and_maps_back(text: str,
                                                                 data: st.DataObject | None
                                                                 ) -> None:
    source = fold_source(text)
    assert source.text.strip() == fold(text)
    words = fold(text).split(" ")
    if data is None:
        first, last, form = 0, len(words), "NFD"
    else:
        first = data.draw(st.integers(0, len(words) - 1))
        last = data.draw(st.integers(first + 1, len(words)))
        form = data.draw(st.sampled_from(FORMS))
    quote = nf(form, " ".join(words[first:last]))
    if not fold(quote):
        return
    found = find_quote("source:s", source, quote)
    assert isinstance(found, tuple), found
    start, end = found
    assert 0 <= start < end <= len(text)
    assert fold(quote) in fold(text[start:end])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_TEXT)
def test_property_the_offset_map_covers_the_text_in_order(text: str) -> None:
    source = fold_source(text)
    spans = [source.span(i, i + 1) for i in range(len(source.text))]
    assert all(a < b for a, b in spans)
    assert all(p[0] <= q[0] and p[1] <= q[1] for p, q in itertools.pairwise(spans))
    if spans:
        assert spans[0][0] == 0 and spans[-1][1] == len(text)
