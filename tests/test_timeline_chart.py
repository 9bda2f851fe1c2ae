"""The timeline's bar chart over classes of date sets: any span, partial dates, random sets;
and the timeline page of a built site, its bars linked to the year pages that exist."""

from __future__ import annotations

import calendar
import datetime
import itertools
import random
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check.validate import Fact, Record
from generator.read.yamlsrc import Document
from generator.render import timeline
from generator.render.messages import messages_for
from generator.render.timeline import Chart
from generator.site.model import ENGLISH as ENGLISH_CATALOG
from tests.conftest import copy_case, write_files
from tests.hardening import run_cli

SIZES = {"year": 1, "decade": 10, "century": 100}

ENGLISH = messages_for(ENGLISH_CATALOG)


def facts_on(dates: list[str]) -> list[timeline.DatedFact]:
    """The dated facts of one record with a fact on each of `dates`."""
    facts = tuple(Fact(n, f"fact {n}", "src", f"quote {n}", date)
                  for n, date in enumerate(dates, 1))
    record = Record("company", "a", "A", {}, facts, Document("content/companies/a.yaml", "", {}))
    return timeline.dated_facts([record])


def year_page(year: str) -> str:
    return f"{year}/index.html"


def days(start: str, count: int, step: int = 1) -> list[str]:
    """`count` ISO dates from `start`, `step` days apart."""
    first = datetime.date.fromisoformat(start)
    return [(first + datetime.timedelta(days=i * step)).isoformat() for i in range(count)]


def every_year(first: int, last: int, per_year: int = 1) -> list[str]:
    return [f"{year}" for year in range(first, last + 1) for _ in range(per_year)]


SPANS = {
    "one fact": (["2020-06-11"], "year"),
    "one day": (["2020-06-11"] * 7, "year"),
    "one year": (days("2020-01-01", 53, 7), "year"),
    "one year across new year": (days("2019-07-01", 40, 9), "year"),
    "ten years": ([f"{y}-{m:02d}" for y in range(2011, 2021) for m in range(1, 13, y % 5 + 1)],
                  "year"),
    "sixty years": (every_year(1946, 2005, 2) + ["1970"] * 40, "year"),
    "eighty years": (every_year(1941, 2020), "year"),
    "eighty years, twelve facts each": (every_year(1941, 2020, 12), "year"),
    "eighty-one years": (every_year(1940, 2020), "decade"),
    "150 years, sparse": (["1875", "1876-04", "1950-02-03", "2024-12-31"], "decade"),
    "150 years, dense": (every_year(1875, 2024, 3), "decade"),
    "1,000 years": ([*every_year(1000, 1999)[::7], "1999"], "century"),
    "2,000 years": (every_year(1000, 2999), "century"),
    "years only": (["1990", "1990", "1993", "2001"], "year"),
    "months only": (["2001-01", "2001-02", "2003-11"], "year"),
    "mixed precision": (["1999", "1999-12", "1999-12-31", "2000-01-01", "2000"], "year"),
    "one tall year among many": (every_year(1900, 1959) + ["1930"] * 5000, "year"),
}


def buckets(dates: list[str], size: int) -> dict[int, list[str]]:
    """The dates in each column of `size` years, found independently of the chart's code."""
    found: dict[int, list[str]] = {}
    for date in sorted(dates):
        found.setdefault(int(date[:4]) // size, []).append(date)
    return found


def assert_sound(chart: Chart | None, dates: list[str]) -> None:
    """Every property a chart of `dates` must have, whatever the dates are."""
    assert chart is not None
    size = SIZES[chart.unit]
    years = sorted({int(d[:4]) for d in dates})
    columns = years[-1] // size - years[0] // size + 1
    # The finest unit that keeps to MAX_BARS columns (centuries always, for 4-digit years).
    finer = [s for s in SIZES.values() if s < size]
    assert columns <= timeline.MAX_BARS or size == 100
    assert all(years[-1] // s - years[0] // s + 1 > timeline.MAX_BARS for s in finer)
    assert_bars(chart, dates, size)
    assert_geometry(chart)
    assert_labels(chart)


def assert_bars(chart: Chart, dates: list[str], size: int) -> None:
    expected = buckets(dates, size)
    assert len(chart.bars) == len(expected)
    assert sum(bar.count for bar in chart.bars) == len(dates)
    for bar, (key, in_bucket) in zip(chart.bars, sorted(expected.items()), strict=True):
        first = min(d[:4] for d in in_bucket)
        assert (bar.count, bar.year, bar.url) == (len(in_bucket), first, year_page(first))
        name = {1: first, 10: f"{first[:3]}0s", 100: f"{first[:2]}00–{first[:2]}99"}[size]
        assert bar.label == f"{name}: {len(in_bucket):,} fact{'s' * (len(in_bucket) != 1)}"
        assert int(first) // size == key


def assert_geometry(chart: Chart) -> None:
    left, right = timeline.PAD_X, chart.width - timeline.PAD_X
    assert (chart.x_start, chart.x_end) == (left, right)
    tallest = max(bar.count for bar in chart.bars)
    for bar, after in itertools.pairwise(chart.bars):
        assert bar.x + bar.width < after.x  # bars apart, in time order
        assert bar.column_x + bar.column_width <= after.column_x + 0.05
    for bar in chart.bars:
        assert left <= bar.column_x <= bar.x < bar.x + bar.width \
            <= bar.column_x + bar.column_width <= right + 0.05
        assert bar.width >= 2.5  # wide enough to see and to point at, even per century
        assert bar.y + bar.height == pytest.approx(chart.axis_y, abs=0.11)
        # Linear in the count, with a floor so that one fact among thousands still shows.
        share = bar.count / tallest * timeline.BAR_SPACE
        assert bar.height == pytest.approx(max(share, timeline.MIN_BAR_HEIGHT), abs=0.06)
        assert bar.y > 0 and bar.height >= timeline.MIN_BAR_HEIGHT


def boxes(chart: Chart) -> list[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) of every text the chart prints, as the browser sets it
    (centred on x, baseline at y, each digit at most CHAR_WIDTH wide)."""
    found = []
    for tick in chart.ticks:
        half = timeline.text_width(tick.label) / 2
        found.append((tick.label, tick.x - half, chart.tick_y - timeline.TICK_FONT,
                      tick.x + half, chart.tick_y + 3))
    for count in chart.counts:
        half = timeline.text_width(count.text) / 2
        found.append((count.text, count.x - half, count.y - timeline.COUNT_FONT,
                      count.x + half, count.y + 3))
    return found


def assert_labels(chart: Chart) -> None:
    found = boxes(chart)
    for text, left, top, right, bottom in found:
        assert left >= 0 and right <= chart.width and top >= 0 and bottom <= chart.height, text
    for one, two in itertools.combinations(found, 2):
        apart = one[3] <= two[1] or two[3] <= one[1] or one[4] <= two[2] or two[4] <= one[2]
        assert apart, f"labels {one[0]!r} and {two[0]!r} overlap"
    assert chart.ticks, "an axis with no label"
    assert [t.x for t in chart.ticks] == sorted({t.x for t in chart.ticks})
    assert all(len(t.label) == 4 and t.label.isdigit() for t in chart.ticks)
    # Counts: on every bar, or (when they do not fit) on the tallest one only.
    texts = [c.text for c in chart.counts]
    tallest = max(chart.bars, key=lambda bar: bar.count)
    assert texts in ([str(bar.count) for bar in chart.bars], [str(tallest.count)])
    for count in chart.counts:
        assert count.y < min(bar.y for bar in chart.bars if str(bar.count) == count.text)


@pytest.mark.parametrize("name", list(SPANS))
def test_a_chart_of_any_span_is_sound(name: str) -> None:
    dates, unit = SPANS[name]
    chart = timeline.chart(facts_on(dates), year_page, ENGLISH)
    assert_sound(chart, dates)
    assert chart is not None and chart.unit == unit


@pytest.mark.parametrize("name", ["one fact", "one day", "one year"])
def test_a_single_year_is_one_labelled_bar_of_full_height(name: str) -> None:
    chart = timeline.chart(facts_on(SPANS[name][0]), year_page, ENGLISH)
    assert chart is not None
    (bar,) = chart.bars
    assert [t.label for t in chart.ticks] == [bar.year]
    assert chart.ticks[0].x == pytest.approx(bar.x + bar.width / 2, abs=0.1)
    assert bar.height == timeline.BAR_SPACE and bar.width == timeline.MAX_BAR_WIDTH
    assert [c.text for c in chart.counts] == [str(bar.count)]


@pytest.mark.parametrize("name", ["ten years", "150 years, sparse", "150 years, dense"])
def test_short_and_decade_spans_print_every_count(name: str) -> None:
    chart = timeline.chart(facts_on(SPANS[name][0]), year_page, ENGLISH)
    assert chart is not None
    assert [c.text for c in chart.counts] == [str(bar.count) for bar in chart.bars]


@pytest.mark.parametrize(("dates", "unit", "links"), [
    (["1900", "1930", "1959"], "year", ["1900", "1930", "1959"]),
    (["1903", "1907", "1950", "2001-05", "2009"], "decade", ["1903", "1950", "2001"]),
    (["1050", "1077", "1981", "1999"], "century", ["1050", "1981"]),
])
def test_only_years_with_facts_are_linked(dates: list[str], unit: str, links: list[str]) -> None:
    chart = timeline.chart(facts_on(dates), year_page, ENGLISH)
    assert chart is not None
    assert chart.unit == unit
    assert [bar.url for bar in chart.bars] == [year_page(year) for year in links]


@pytest.mark.parametrize("name", list(SPANS))
def test_the_chart_does_not_depend_on_the_order_of_facts(name: str) -> None:
    dates = SPANS[name][0]
    shuffled = list(facts_on(dates))
    random.Random(len(dates)).shuffle(shuffled)
    assert timeline.chart(shuffled, year_page, ENGLISH) == timeline.chart(facts_on(dates),
                                                                          year_page, ENGLISH)
    assert timeline.describe(shuffled, ENGLISH) == timeline.describe(facts_on(dates),
                                                                     ENGLISH)


@pytest.mark.parametrize(("dates", "sentence"), [
    (["2020-06-11"], "1 dated fact, in 2020."),
    (["2020", "2020-06"], "2 dated facts, all in 2020."),
    (["2018", "2018", "2020-06-11"],
     "3 dated facts in 2 years from 2018 to 2020; the most in 2018 (2)."),
    (["1891", "1950", "2025"], "3 dated facts in 3 years from 1891 to 2025; 1 in each."),
    (["1891", "1891", "1950", "2025", "2025"],
     "5 dated facts in 3 years from 1891 to 2025; at most 2 in one year (2 years have as many)."),
])
def test_the_summary_is_one_sentence(dates: list[str], sentence: str) -> None:
    assert timeline.describe(facts_on(dates), ENGLISH) == sentence


def test_the_summary_stays_short_at_any_number_of_years() -> None:
    for dates in (every_year(1000, 2999), every_year(1000, 2999) + ["1500"] * 9):
        assert len(timeline.describe(facts_on(dates), ENGLISH)) < 120


def test_no_dated_fact_no_chart() -> None:
    assert timeline.chart([], year_page, ENGLISH) is None


@st.composite
def iso_dates(draw: st.DrawFn, years: st.SearchStrategy[int]) -> str:
    """'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', always a real date."""
    year = draw(years)
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return f"{year:04d}"
    month = draw(st.integers(1, 12))
    if precision == "month":
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{draw(st.integers(1, calendar.monthrange(year, month)[1])):02d}"


@st.composite
def date_sets(draw: st.DrawFn) -> list[str]:
    """Dates in a window of 0 to 2,000 years somewhere in 1000–2999, many on few years."""
    span = draw(st.sampled_from([0, 1, 9, 59, 79, 80, 149, 999, 1999]))
    start = draw(st.integers(1000, 2999 - span))
    years = st.integers(start, start + span)
    dates = draw(st.lists(iso_dates(years), min_size=1, max_size=80))
    repeated = draw(st.lists(st.sampled_from(dates), max_size=40))
    return dates + repeated


@settings(max_examples=400, deadline=None, derandomize=True)
@given(date_sets())
def test_random_date_sets_give_sound_charts(dates: list[str]) -> None:
    assert_sound(timeline.chart(facts_on(dates), year_page, ENGLISH), dates)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(date_sets())
def test_random_date_sets_give_the_same_chart_twice(dates: list[str]) -> None:
    facts = facts_on(dates)
    assert timeline.chart(facts, year_page, ENGLISH) == timeline.chart(list(facts), year_page,
                                                                       ENGLISH)


# --- the built page ------------------------------------------------------------------------

class TimelinePage(HTMLParser):
    """The links of the chart and of the year list, the summary's places, the page's ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chart_links: list[str] = []
        self.list_links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.where: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        self.tags.append(tag)
        if tag in {"svg", "dl"}:
            self.where.append(tag)
        if tag == "a" and self.where:
            links = self.chart_links if self.where[-1] == "svg" else self.list_links
            links.append(named["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"svg", "dl"}:
            self.where.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def build_timeline(tmp_path: Path, dates: list[str]) -> tuple[Path, str]:
    """The basic site with Acme's facts on `dates`, built; its output folder and timeline."""
    site = copy_case("basic", tmp_path)
    facts = "".join(f"  - date: '{date}'\n    text: Fact {n}.\n    source: gazette\n"
                    f"    quote: Acme opened a new factory\n" for n, date in enumerate(dates))
    write_files(site, {"content/companies/acme.yaml": "name: Acme Corporation\n"
                       + (f"facts:\n{facts}" if facts else "")})
    out = tmp_path / "out"
    outcome = run_cli("build", "--site", site, "--out", out, "--quiet")
    assert outcome.code == 0, outcome.err
    return out, (out / "timeline" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("dates", [
    ["2021-03-04"] * 3,
    days("2020-01-05", 30, 12),
    ["1891", "1891-05", "1950-02-03", "1999", "2025-12-31"],
], ids=["one day", "one year", "150 years"])
def test_the_timeline_page_links_each_bar_and_year_to_its_page(tmp_path: Path,
                                                               dates: list[str]) -> None:
    out, html = build_timeline(tmp_path, dates)
    page = TimelinePage()
    page.feed(html)
    years = sorted({d[:4] for d in dates})
    chart = timeline.chart(facts_on(dates), year_page, ENGLISH)
    assert chart is not None
    assert page.chart_links == [bar.url for bar in chart.bars]
    assert page.list_links == [year_page(year) for year in years]
    for link in page.chart_links + page.list_links:
        assert (out / "timeline" / link).is_file(), link
    # The summary is printed once (the caption); the chart points to it, with no <desc>.
    summary = timeline.describe(facts_on(dates), ENGLISH)
    assert "".join(page.text).count(summary) == 1
    assert "desc" not in page.tags and 'aria-describedby="timeline-summary"' in html
    assert html.count(f'<title>{chart.bars[0].label}</title>') == 1


def test_a_timeline_of_2000_years_stays_small(tmp_path: Path) -> None:
    _, html = build_timeline(tmp_path, every_year(1000, 2999))
    page = TimelinePage()
    page.feed(html)
    assert len(page.list_links) == 2000 and len(page.chart_links) == 20
    assert len(html.encode()) < 100_000


def test_a_site_without_dates_has_no_chart(tmp_path: Path) -> None:
    _, html = build_timeline(tmp_path, [])
    assert "<svg" not in html and "No fact has a date yet" in html
