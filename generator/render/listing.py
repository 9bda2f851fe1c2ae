"""What every page of a long listing needs and no page should work out again: per build.

A site of 100,000 records has a thousand pages of one list; each works out the same letter
starts, columns and facet lookups. They are worked out once per Site (per worker process).
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.check.validate import Record
from generator.link.facets import FacetValue
from generator.link.link import Site
from generator.render import timeline
from generator.render.pageset import group_slugs, record_starts
from generator.render.paging import letter_starts
from generator.render.persite import per_site
from generator.render.timeline import DatedFact
from generator.render.views import type_fields
from generator.site.model import FieldSpec


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
        year page of the timeline shows the year's facts, numbered by the years there are."""
        years = self.years()
        order = sorted(years)
        return {timeline_key(year): repr((order, [(d.record.key, d.fact.number) for d in facts]))
                for year, facts in years.items()}

    def years(self) -> dict[str, list[DatedFact]]:
        """Each year of the timeline -> its dated facts, oldest first."""
        if self._years is None:
            dated = timeline.site_facts(self.site)
            self._years = dict(timeline.by_year(dated))
        return self._years


def timeline_key(year: str) -> str:
    """The membership key of one year of the timeline (the pages of that year)."""
    return f"@timeline:{year}"


@per_site
def listings(site: Site) -> Listings:
    """The Listings of `site`, made once."""
    return Listings(site)
