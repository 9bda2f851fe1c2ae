"""The quote check in bounded time and memory, whatever the source and the quotes.

Times are measured against the machine's own speed: one `str.find` scan of the source's
text. A failing quote (with its near-miss hint) costs a few such scans, never one per
character of the quote; a folded source keeps its text and a map back to the original
whose size follows what folding changed, not the text's length.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable

import pytest

from generator.link.quotes import FoldedSource, find_quote, fold_source
from tests.conftest import SERIAL

pytestmark = SERIAL  # times the quote search against a scan of the text
MB = 1 << 20
SCANS_PER_FAILING_QUOTE = 12  # measured about 2 (3.8 ms a quote, 2 ms a scan); before, 25
_WORDS = ["the", "company", "said", "police", "facial", "recognition", "we", "do", "not",
          "sell", "technology", "“department”", "Microsoft", "IBM", "Amazon", "café", "naïve"]


def prose(size: int, seed: int = 1) -> str:
    """`size` characters of text made of words, with now and then two spaces or a line break."""
    rng = random.Random(seed)
    gaps = [" "] * 6 + ["  ", "\n", ", "]
    block = "".join(rng.choice(_WORDS) + rng.choice(gaps) for _ in range(20_000))
    return (block * (size // len(block) + 1))[:size]


def seconds(run: Callable[[], object], times: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(times):
        run()
    return (time.perf_counter() - start) / times


def scan_time(text: str, needle: str = "\x00 absent \x00") -> float:
    """What one full scan of `text` for an absent `needle` costs on this machine, now."""
    return statistics.median(seconds(lambda: text.find(needle)) for _ in range(5))


def map_bytes(source: FoldedSource) -> int:
    return sum(a.itemsize * len(a) for a in (source.folded_at, source.original_at))


@pytest.fixture(scope="module")
def big() -> tuple[str, FoldedSource]:
    text = prose(8 * MB)
    return text, fold_source(text)


def test_folding_an_8_mb_source_keeps_little_beside_its_text(big: tuple[str, FoldedSource]
                                                             ) -> None:
    text, source = big
    runs = text.count("  ") + text.count("\n")  # upper bound of the runs folding shortens
    assert map_bytes(source) <= 16 * runs + 16
    assert map_bytes(source) < len(text)  # before: a tuple of ints, 36 bytes a character
    part = text[: 2 * MB]
    tracemalloc.start()
    fold_source(part)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # At its peak: the folded text, its pieces and the map; before, 53 bytes a character.
    assert peak < 2 * sys.getsizeof(part), peak


def test_failing_quotes_against_an_8_mb_source_cost_a_few_scans_each(
        big: tuple[str, FoldedSource]) -> None:
    text, source = big
    rng = random.Random(2)
    starts = [rng.randrange(len(text) - 200) for _ in range(100)]
    quotes = [text[at:at + 120] + f" zz{n}" for n, at in enumerate(starts)]  # agree, then part
    quotes += ["Nothing like it " + text[at:at + 40] for at in starts[:20]]
    find_quote("source:s", source, quotes[0])  # the first failure casefolds the text, once
    each = seconds(lambda: [find_quote("source:s", source, q) for q in quotes]) / len(quotes)
    assert each < SCANS_PER_FAILING_QUOTE * scan_time(source.text), each
    assert "the two agree up to" in str(find_quote("source:s", source, quotes[0]))


@pytest.mark.parametrize("quote", ["a" * 100_000 + "c", "a" * 99_999 + "ba", "ab" * 50_000,
                                   "a" * 50 + "c", "b" + "a" * 100_000, "a" * 100_000])
def test_a_quote_of_one_character_repeated_against_a_long_source(quote: str) -> None:
    text = "a" * 8_000_000 + "b"
    source = fold_source(text)
    assert map_bytes(source) <= 16
    find_quote("source:s", source, "zzzzzzzzzzzzzzzz")  # casefold once, outside the timing
    took = seconds(lambda: find_quote("source:s", source, quote))
    # Against the one scan that looking for this quote costs, hint or not.
    assert took < SCANS_PER_FAILING_QUOTE * scan_time(text, quote) + 0.01, took


def test_a_source_built_to_lengthen_the_near_miss_search_step_by_step() -> None:
    # Prefixes of the quote of every length from 12 to 2,000, in order: each is found only
    # after the last, so a search that lengthens the match one find at a time needs 2,000
    # scans of the text. The bounded search needs a few rounds and then halves.
    quote = "".join(chr(0x4E00 + i) for i in range(4_000))
    text = " ".join(quote[:n] for n in range(12, 2_000)) + " " + prose(2 * MB)
    source = fold_source(text)
    find_quote("source:s", source, "zzzzzzzzzzzzzzzz")
    found = [""]
    took = seconds(lambda: found.__setitem__(0, str(find_quote("source:s", source, quote))))
    assert took < 40 * scan_time(source.text) + 0.05, took
    longest = 1_999
    assert f"agree up to “...{quote[longest - 25:longest]}”, then the source has “ facial" \
        in found[0]
    assert found[0].endswith(f"and the quote “{quote[longest:longest + 25]}...”")


def test_a_long_run_of_spaces_and_many_short_ones_stay_small() -> None:
    text = "a  " * (MB // 3) + " " * MB + "b"
    source = fold_source(text)
    assert source.text == "a " * (MB // 3) + "b"
    assert map_bytes(source) <= 16 * (MB // 3 + 2)
    found = find_quote("source:s", source, "a b")
    assert found == (len(text) - len(" " * MB) - 4, len(text))
