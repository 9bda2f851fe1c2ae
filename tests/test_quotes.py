"""The quote check: whitespace and typographic quotes fold, nothing else does."""

from __future__ import annotations

import pytest

from generator.link.quotes import QuoteMark, anchor_for, find_quote, fold, fold_source, mark_quotes

TEXT = "Currently, we do not  sell\nour “technology”,\n\nsaid the Redmond-based company."


def test_fold_collapses_whitespace_and_straightens_quotes() -> None:
    assert fold("  a\t b\n\nc ") == "a b c"
    assert fold("“x” ‘y’ „z‟") == "\"x\" 'y' \"z\""


@pytest.mark.parametrize("quote", [
    "we do not sell our \"technology\"",
    "we do not sell our “technology”",
    "not  sell\n   our",
    "“technology”, said the",
])
def test_quote_found_despite_whitespace_and_quote_marks(quote: str) -> None:
    found = find_quote("source:s", fold_source(TEXT), quote)
    assert isinstance(found, tuple)
    start, end = found
    assert fold(TEXT[start:end]) == fold(quote)


@pytest.mark.parametrize("quote", [
    "currently, we do not sell",        # case
    "Currently we do not sell",         # punctuation
    "we do not sel our",                # spelling
    "said the Redmond based company",   # hyphen
])
def test_anything_else_must_match_exactly(quote: str) -> None:
    assert isinstance(find_quote("source:s", fold_source(TEXT), quote), str)


def test_offsets_point_into_the_original_text() -> None:
    start, end = find_quote("source:s", fold_source(TEXT), "sell our")  # type: ignore[misc]
    assert TEXT[start:end] == "sell\nour"


def test_a_near_miss_says_where_the_quote_departs_from_the_source() -> None:
    message = find_quote("source:gazette", fold_source(TEXT),
                         "Currently, we do not sell our products")
    assert message == (
        "quote not found in the text of source 'gazette'; the two agree up to “...ntly, we do "
        "not sell our ”, then the source has “\"technology\", said the Re...” and the quote "
        "“products”")


def test_a_quote_that_matches_nothing_says_so_plainly() -> None:
    assert find_quote("source:gazette", fold_source(TEXT), "xyz") == \
        "quote not found in the text of source 'gazette'"


def test_overlapping_quotes_merge_into_one_mark() -> None:
    marks, anchors = mark_quotes({"source:s": [(10, 20, "company:b", 2), (0, 12, "company:a", 1),
                                               (30, 40, "city:c", 1)]})
    assert marks["source:s"] == (
        QuoteMark(0, 20, anchor_for("company:a", 1),
                  (marks["source:s"][0].citations[0], marks["source:s"][0].citations[1])),
        QuoteMark(30, 40, "quote-city-c-1", marks["source:s"][1].citations),
    )
    assert [c.record for c in marks["source:s"][0].citations] == ["company:a", "company:b"]
    assert anchors == {("company:a", 1): "quote-company-a-1", ("company:b", 2): "quote-company-a-1",
                       ("city:c", 1): "quote-city-c-1"}
