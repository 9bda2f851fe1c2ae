"""Dated facts in time order, and the SVG chart of them drawn at build time (no script)."""

from __future__ import annotations

import calendar
import itertools
import math
from collections import Counter
from dataclasses import dataclass

from generator.check.validate import Fact, Record
from generator.render.views import format_date

# The chart's drawing box, in SVG user units; it scales to the page width.
WIDTH = 720
PAD_X = 28
AXIS_Y = 52
HEIGHT = AXIS_Y + 28
MIN_RADIUS = 4.0
MAX_RADIUS = 16.0


@dataclass(frozen=True, slots=True)
class DatedFact:
    """A fact with a date, and the record it belongs to."""

    date: str
    record: Record
    fact: Fact


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class Dot:
    """One mark on the chart: `count` facts on one date; its area grows with the count."""

    x: float
    r: float
    count: int
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    """The SVG timeline: axis ticks, dots and a text alternative."""

    width: int
    height: int
    axis_y: int
    x_start: float
    x_end: float
    ticks: tuple[Tick, ...]
    dots: tuple[Dot, ...]
    description: str


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


def chart(facts: list[DatedFact]) -> Chart | None:
    """The chart of `facts` (oldest first); None when there are none."""
    if not facts:
        return None
    first, last = int(facts[0].date[:4]), int(facts[-1].date[:4]) + 1
    step = _tick_step(last - first)
    span = WIDTH - 2 * PAD_X

    def x_of(point: float) -> float:
        return round(PAD_X + (point - first) / (last - first) * span, 1)

    per_date = Counter(d.date for d in facts)
    dots = _merge_close([(x_of(year_fraction(date)), date, count)
                         for date, count in sorted(per_date.items())])
    ticks = tuple(Tick(x_of(year), str(year))
                  for year in range(first, last + 1) if (year - first) % step == 0)
    return Chart(WIDTH, HEIGHT, AXIS_Y, x_of(first), x_of(last), ticks, dots, describe(facts))


def _merge_close(points: list[tuple[float, str, int]]) -> tuple[Dot, ...]:
    """One dot per date, except that dates too close to tell apart share one."""
    groups: list[list[tuple[float, str, int]]] = []
    count = 0  # facts in the last group, kept as it grows so merging stays linear
    for point in sorted(points):
        if groups and point[0] - groups[-1][-1][0] < _radius(count) + _radius(point[2]) + 2:
            groups[-1].append(point)
            count += point[2]
        else:
            groups.append([point])
            count = point[2]
    return tuple(_dot(group) for group in groups)


def _dot(group: list[tuple[float, str, int]]) -> Dot:
    count = sum(c for _, _, c in group)
    # A dot standing for many dates (on a long timeline) names the first and last only.
    ends = group if len(group) <= 2 else [group[0], group[-1]]
    dates = (" and " if len(group) <= 2 else " to ").join(format_date(d) for _, d, _ in ends)
    x = round((group[0][0] + group[-1][0]) / 2, 1)
    return Dot(x, _radius(count), count, f"{dates}: {count} fact{'s' * (count != 1)}")


def _radius(count: int) -> float:
    return round(min(MAX_RADIUS, MIN_RADIUS + 3 * math.sqrt(count - 1)), 1)


def describe(facts: list[DatedFact]) -> str:
    """The chart in words, for readers who cannot see it."""
    years = by_year(facts)
    counts = ", ".join(f"{len(group)} in {year}" for year, group in years)
    plural = "s" if len(facts) != 1 else ""
    first, last = years[0][0], years[-1][0]
    span = f"in {first}" if first == last else f"from {first} to {last}"
    return f"{len(facts)} dated fact{plural} {span}: {counts}."


def _tick_step(years: int) -> int:
    """Label every year on short spans, every 2, 5, 10, … years on long ones."""
    for step in (1, 2, 5, 10, 20, 50, 100):
        if years / step <= 12:
            return step
    return int(10 ** math.ceil(math.log10(years / 12)))
