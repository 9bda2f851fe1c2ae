"""Dated facts in time order, and the SVG bar chart of them drawn at build time (no script)."""

from __future__ import annotations

import calendar
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from generator.check.validate import Fact, Record
from generator.link.link import Site
from generator.render.messages import Messages
from generator.render.persite import per_site

# The chart's drawing box, in SVG user units; it scales to the page width.
WIDTH = 720
PAD_X = 28
PLOT_TOP = 22        # room above the tallest bar for its count
BAR_SPACE = 96       # the tallest bar's height
AXIS_Y = PLOT_TOP + BAR_SPACE
HEIGHT = AXIS_Y + 30
TICK_LABEL_DY = 19   # from the axis down to the baseline of a tick label
COUNT_LABEL_DY = 5   # from the top of a bar up to the baseline of its count
TICK_FONT = 13       # font sizes in user units; the stylesheet sets the same
COUNT_FONT = 12
# A generous width of one digit at those sizes (system fonts draw digits 0.5-0.6 em wide), so
# labels kept this far apart never touch.
CHAR_WIDTH = 8.0
LABEL_GAP = 8.0
# One bar per year while there are at most this many: a year's bar is then at least ~8 units
# (8 px at full width) wide. A longer span gets one per decade, a still longer one per century.
MAX_BARS = 80
UNITS = ((1, "year"), (10, "decade"), (100, "century"))
BAR_FILL = 0.8       # the part of its column that a bar fills; the rest keeps bars apart
MAX_BAR_WIDTH = 48.0  # so that a lone year is a bar, not a slab across the chart
MIN_BAR_HEIGHT = 2.0  # one fact among thousands must still show
STEPS = (1, 2, 5)    # tick labels every 1, 2, 5, 10, 20, 50, … columns


@dataclass(frozen=True, slots=True)
class DatedFact:
    """A fact with a date, and the record it belongs to."""

    date: str
    record: Record
    fact: Fact


@dataclass(frozen=True, slots=True)
class Tick:
    """A labelled mark on the axis: under a year's bar, or where a decade or century starts."""

    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Label:
    """A count printed above a bar; (x, y) is the middle of its baseline."""

    x: float
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class Bar:
    """The facts of one year, decade or century, linked to the page of its first year."""

    x: float
    y: float
    width: float
    height: float
    column_x: float      # the bar's whole column, to click or focus even when the bar is short
    column_width: float
    count: int
    label: str           # its text alternative: "1891: 3 facts", "1890s: 12 facts"
    year: str            # the year whose page it links to
    url: str


@dataclass(frozen=True, slots=True)
class Chart:
    """The SVG timeline: one bar per year (or decade, or century), axis ticks and counts."""

    width: int
    height: int
    axis_y: int
    tick_y: int          # the baseline of the tick labels
    x_start: float
    x_end: float
    unit: str            # what one bar counts: "year", "decade" or "century"
    ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...]
    counts: tuple[Label, ...]
    description: str


@per_site
def site_facts(site: Site) -> list[DatedFact]:
    """Every dated fact of the site, oldest first, found once: the plan, the timeline, its
    year pages and the feed all ask."""
    return dated_facts(site.records_in_order())


def dated_facts(records: list[Record] | tuple[Record, ...]) -> list[DatedFact]:
    """Every dated fact of `records`, oldest first; a year before a month before a day."""
    found = [DatedFact(fact.date, record, fact)
             for record in records for fact in record.facts if fact.date]
    return sorted(found, key=lambda d: (d.date, d.record.title.casefold(), d.record.key,
                                        d.fact.number))


def by_year(facts: list[DatedFact]) -> list[tuple[str, list[DatedFact]]]:
    """Consecutive facts grouped by their year, in the order given."""
    return [(year, list(group)) for year, group in itertools.groupby(facts, lambda d: d.date[:4])]


def year_fraction(date: str) -> float:
    """A full or partial ISO date as a point in years; a year or month means its middle."""
    parts = [int(p) for p in date.split("-")]
    year = parts[0]
    days = 366 if calendar.isleap(year) else 365
    if len(parts) == 1:
        return year + 0.5
    month_start = sum(calendar.monthrange(year, m)[1] for m in range(1, parts[1]))
    if len(parts) == 2:
        return year + (month_start + calendar.monthrange(year, parts[1])[1] / 2) / days
    return year + (month_start + parts[2] - 0.5) / days


def describe(facts: list[DatedFact], say: Messages) -> str:
    """The timeline in one sentence of bounded length, for captions and meta descriptions."""
    per_year = Counter(d.date[:4] for d in facts)
    years = sorted(per_year)
    n = len(facts)
    values = {"n": say.number(n), "first": years[0], "last": years[-1],
              "years": say.number(len(years))}
    if len(years) == 1:
        return say.ngettext("%(n)s dated fact, in %(first)s.",
                            "%(n)s dated facts, all in %(first)s.", n) % values
    most = max(per_year.values())
    busiest = [year for year in years if per_year[year] == most]
    values |= {"most": say.number(most), "busiest": busiest[0],
               "ties": say.number(len(busiest))}
    # Two years or more, so two facts or more; the count still picks the plural form.
    if len(busiest) == len(years):
        sentence = say.ngettext(
            "%(n)s dated fact in %(years)s years from %(first)s to %(last)s; %(most)s in each.",
            "%(n)s dated facts in %(years)s years from %(first)s to %(last)s; %(most)s in "
            "each.", n)
    elif len(busiest) == 1:
        sentence = say.ngettext(
            "%(n)s dated fact in %(years)s years from %(first)s to %(last)s; the most in "
            "%(busiest)s (%(most)s).",
            "%(n)s dated facts in %(years)s years from %(first)s to %(last)s; the most in "
            "%(busiest)s (%(most)s).", n)
    else:
        sentence = say.ngettext(
            "%(n)s dated fact in %(years)s years from %(first)s to %(last)s; at most %(most)s "
            "in one year (%(ties)s years have as many).",
            "%(n)s dated facts in %(years)s years from %(first)s to %(last)s; at most "
            "%(most)s in one year (%(ties)s years have as many).", n)
    return sentence % values


def chart(facts: list[DatedFact], year_url: Callable[[str], str], say: Messages
          ) -> Chart | None:
    """The bar chart of `facts`, each bar linking to a year's page through `year_url`;
    None when there are none."""
    if not facts:
        return None
    per_year = Counter(d.date[:4] for d in facts)
    numbers = {int(year): year for year in per_year}  # the year as pages name it: "0999"
    first, last = min(numbers), max(numbers)
    size, unit = next(((s, u) for s, u in UNITS if last // s - first // s < MAX_BARS), UNITS[-1])
    start = first // size
    columns = last // size - start + 1
    column = (WIDTH - 2 * PAD_X) / columns

    def column_x(index: int) -> float:
        return round(PAD_X + index * column, 1)

    groups: dict[int, list[int]] = {}
    for number in sorted(numbers):
        groups.setdefault(number // size - start, []).append(number)
    tallest = max(sum(per_year[numbers[n]] for n in group) for group in groups.values())
    bars = tuple(_bar(index, column_x, [numbers[n] for n in group], per_year, tallest, unit,
                      year_url, say) for index, group in groups.items())
    ticks = _ticks(start, columns, size, column_x)
    return Chart(WIDTH, HEIGHT, AXIS_Y, AXIS_Y + TICK_LABEL_DY, column_x(0), column_x(columns),
                 unit, ticks, bars, _counts(bars, column), describe(facts, say))


def _bar(index: int, column_x: Callable[[int], float], years: list[str],
         per_year: Counter[str], tallest: int, unit: str,
         year_url: Callable[[str], str], say: Messages) -> Bar:
    left, right = column_x(index), column_x(index + 1)
    width = round(min((right - left) * BAR_FILL, MAX_BAR_WIDTH), 1)
    count = sum(per_year[year] for year in years)
    # Linear heights: bars are compared by their length, which a square root would distort.
    height = round(max(MIN_BAR_HEIGHT, count / tallest * BAR_SPACE), 1)
    first = years[0]
    # Translators: a decade, such as "1990s" for %(year)s = 1990.
    name = {"year": first, "decade": say.gettext("%(year)ss") % {"year": f"{first[:3]}0"},
            "century": f"{first[:2]}00–{first[:2]}99"}[unit]
    return Bar(round((left + right - width) / 2, 1), round(AXIS_Y - height, 1), width, height,
               left, round(right - left, 1), count,
               say.ngettext("%(when)s: %(n)s fact", "%(when)s: %(n)s facts", count) % {
                   "when": name, "n": say.number(count)}, first, year_url(first))


def _counts(bars: tuple[Bar, ...], column: float) -> tuple[Label, ...]:
    """Every bar's count where each fits over its own column, else the tallest bar's only."""
    def label(bar: Bar) -> Label:
        half = text_width(str(bar.count)) / 2
        x = min(max(bar.x + bar.width / 2, half), WIDTH - half)
        return Label(round(x, 1), round(bar.y - COUNT_LABEL_DY, 1), str(bar.count))

    if all(text_width(str(bar.count)) + LABEL_GAP / 2 <= column for bar in bars):
        return tuple(label(bar) for bar in bars)
    return (label(max(bars, key=lambda bar: bar.count)),)


def _ticks(start: int, columns: int, size: int,
           column_x: Callable[[int], float]) -> tuple[Tick, ...]:
    """Years labelled under their bars; decades and centuries at the axis where they start."""
    column = (column_x(columns) - column_x(0)) / columns
    step = _step(column, text_width(str((start + columns) * size)) + LABEL_GAP)
    if size == 1:
        return tuple(Tick(round(column_x(i) + column / 2, 1), f"{start + i:04d}")
                     for i in range(columns) if (start + i) % step == 0)
    return tuple(Tick(column_x(i), f"{(start + i) * size:04d}")
                 for i in range(columns + 1) if (start + i) % step == 0)


def _step(column: float, room: float) -> int:
    """The fewest columns, 1, 2, 5, 10, 20, 50, …, that a label `room` wide fits into."""
    scale = 1
    while True:
        for step in STEPS:
            if step * scale * column >= room:
                return step * scale
        scale *= 10


def text_width(text: str) -> float:
    """A width that `text` (digits) at the chart's font sizes does not exceed."""
    return len(text) * CHAR_WIDTH
