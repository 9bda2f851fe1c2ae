"""What every page of a long listing needs and no page should work out again: per build.

A site of 100,000 records has a thousand pages of one list; each works out the same letter
starts, columns and facet lookups. They are worked out once per Site (per worker process).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from generator.check.validate import Record
from generator.link.facets import FacetValue
from generator.link.link import Site
from generator.render import timeline
from generator.render.pageset import FACET_VALUES_PER_PAGE, group_slugs, record_starts
from generator.render.paging import letter_starts, page_count, page_items
from generator.render.persite import per_site
from generator.render.timeline import DatedFact
from generator.render.views import type_fields
from generator.site.model import FieldSpec

T = TypeVar("T")


class Listings:
    """Facts about a Site's listings, each worked out when first asked for."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self._columns: dict[str, tuple[FieldSpec, ...]] = {}
        self._starts: dict[tuple[str, str, str], dict[str, int]] = {}
        self._values: dict[tuple[str, str], dict[str, FacetValue]] = {}
        self._record_starts: dict[tuple[str, str], list[int]] = {}
        self._years: dict[str, list[DatedFact]] | None = None

    def columns(self, type_name: str) -> tuple[FieldSpec, ...]:
        """The columns of a type's tables: the short fields that some record fills in."""
        if type_name not in self._columns:
            records = self.site.by_type[type_name]
            self._columns[type_name] = tuple(
                f for f in type_fields(self.site.config.type(type_name))
                if any(f.name in r.fields for r in records))
        return self._columns[type_name]

    def letter_starts(self, listing: tuple[str, str, str], records: Sequence[Record]
                      ) -> dict[str, int]:
        """The A–Z starts of the listing named `listing`, whose rows are `records`."""
        if listing not in self._starts:
            self._starts[listing] = letter_starts([r.title for r in records],
                                                  self.site.config.language)
        return self._starts[listing]

    def facet_value(self, type_name: str, field: str, slug: str) -> FacetValue:
        """The value of a facet field whose slug is `slug`."""
        key = (type_name, field)
        if key not in self._values:
            self._values[key] = {v.slug: v for v in self.site.facets[key]}
        return self._values[key][slug]

    def record_starts(self, key: str, group_slug: str) -> list[int]:
        """Where each record's links begin in one backlink group of record `key`."""
        if (key, group_slug) not in self._record_starts:
            groups = self.site.backlinks[key]
            links = groups[group_slugs(groups).index(group_slug)].links
            self._record_starts[(key, group_slug)] = record_starts(links)
        return self._record_starts[(key, group_slug)]

    def memberships(self) -> dict[str, str]:
        """Each membership key -> which records and facts the listing shows, in order: a
        year page of the timeline shows the year's facts, numbered by the years there are;
        a page of a table, its rows and what the table's pager, A–Z jump and columns show."""
        years = self.years()
        order = sorted(years)
        shown = {timeline_key(self.site, year):
                 repr((order, [(d.record.key, d.fact.number) for d in facts]))
                 for year, facts in years.items()}
        for t in self.site.config.types:
            shown |= self._table_pages(list_key(self.site, t.name), (t.name, "", ""),
                                       self.site.by_type[t.name])
            for spec in self.site.config.facets(t.name):
                shown |= self._facet_pages(t.name, spec.name)
        return shown

    def _facet_pages(self, type_name: str, field: str) -> dict[str, str]:
        values = self.site.facets[(type_name, field)]
        total = len(self.site.by_type[type_name])
        shown = {facet_index_key(self.site, type_name, field, number): repr(
            (total, len(values), [(v.slug, v.label, len(v.keys)) for v in chunk]))
            for number, chunk in _chunks(values, FACET_VALUES_PER_PAGE)}
        for value in values:
            shown |= self._table_pages(facet_key(self.site, type_name, field, value.slug),
                                       (type_name, field, value.slug),
                                       [self.site.records[k] for k in value.keys], value.label)
        return shown

    def _table_pages(self, prefix: str, listing: tuple[str, str, str],
                     records: Sequence[Record], *more: str) -> dict[str, str]:
        size = self.site.config.page_size
        type_name = listing[0]
        # Only a table of several pages has an A–Z jump, which links to the others.
        letters = self.letter_starts(listing, records) if len(records) > size else {}
        columns = [f.name for f in self.columns(type_name)]
        head = (len(self.site.by_type[type_name]), len(records), columns, letters, more)
        return {f"{prefix}:{number}": repr((head, [r.key for r in chunk]))
                for number, chunk in _chunks(records, size)}

    def years(self) -> dict[str, list[DatedFact]]:
        """Each year of the timeline -> its dated facts, oldest first."""
        if self._years is None:
            dated = timeline.site_facts(self.site)
            self._years = dict(timeline.by_year(dated))
        return self._years


def _chunks(items: Sequence[T], size: int) -> Iterator[tuple[int, Sequence[T]]]:
    """Each page's number and items (one empty page when there are no items)."""
    for number in range(1, page_count(len(items), size) + 1):
        yield number, page_items(items, number, size)


def list_key(site: Site, type_name: str) -> str:
    """The membership key of the pages of a type's list (in the language of `site`), less
    the page number."""
    return f"@{site.config.tree}list:{type_name}"


def facet_key(site: Site, type_name: str, field: str, slug: str) -> str:
    """The membership key of the browse pages of one value of a facet field, less the
    page number."""
    return f"@{site.config.tree}facet:{type_name}:{field}:{slug}"


def facet_index_key(site: Site, type_name: str, field: str, number: int) -> str:
    """The membership key of one page of a facet field's values."""
    return f"@{site.config.tree}by:{type_name}:{field}:{number}"


def timeline_key(site: Site, year: str) -> str:
    """The membership key of one year of the timeline (the pages of that year)."""
    return f"@{site.config.tree}timeline:{year}"


@per_site
def listings(site: Site) -> Listings:
    """The Listings of `site`, made once."""
    return Listings(site)
