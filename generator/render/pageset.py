"""The paginated pages of a site: list pages, browse pages, backlink groups, timeline years."""

from __future__ import annotations

from collections.abc import Iterator

from generator import urls
from generator.link.link import Backlink, BacklinkGroup, Site
from generator.render import timeline
from generator.render.paging import page_count

CONFIG = "site.yaml"
BACKLINKS_SHOWN = 50  # items of a backlink group on the record page; the rest have their own
FACET_VALUES_PER_PAGE = 1000  # values on a page of a facet field's values


def list_pages(site: Site, type_name: str) -> Iterator[tuple[str, int]]:
    """(path, number) of each page of a type's list."""
    folder = site.config.type(type_name).folder
    for number in range(1, page_count(len(site.by_type[type_name]), site.config.page_size) + 1):
        yield urls.list_page(folder, number), number


def facet_pages(site: Site, type_name: str) -> Iterator[tuple[str, str, str, int]]:
    """(path, field, value slug, number) of each browse page of a type; value '' for the
    pages of a field's values."""
    folder = site.config.type(type_name).folder
    size = site.config.page_size
    for spec in site.config.facets(type_name):
        values = site.facets[(type_name, spec.name)]
        for number in range(1, page_count(len(values), FACET_VALUES_PER_PAGE) + 1):
            yield urls.facet_index(folder, spec.name, number), spec.name, "", number
        for value in values:
            for number in range(1, page_count(len(value.keys), size) + 1):
                yield urls.facet_page(folder, spec.name, value.slug, number), spec.name, \
                    value.slug, number


def links_pages(site: Site, key: str) -> Iterator[tuple[str, str, int]]:
    """(path, group slug, number) of each page of a record's backlink groups too long to
    show in full on its page."""
    record = site.records[key]
    folder = site.config.type(record.type).folder
    groups = site.backlinks.get(key, ())
    for group, slug in zip(groups, group_slugs(groups), strict=True):
        shown = record_count(group)
        if shown > BACKLINKS_SHOWN:
            for number in range(1, page_count(shown, site.config.page_size) + 1):
                yield urls.links_page(folder, record.slug, slug, number), slug, number


def timeline_pages(site: Site) -> Iterator[tuple[str, str, int]]:
    """(path, year, number) of each page of each year of the timeline."""
    for year, facts in timeline.by_year(timeline.site_facts(site)):
        for number in range(1, page_count(len(facts), site.config.page_size) + 1):
            yield urls.timeline_year(year, number), year, number


def corrections_pages(site: Site) -> Iterator[tuple[str, int]]:
    """(path, number) of each page of the list of every correction of the site."""
    total = sum(len(record.corrections) for record in site.records.values())
    for number in range(1, page_count(total, site.config.page_size) + 1):
        yield urls.corrections_page(number), number


def group_slugs(groups: tuple[BacklinkGroup, ...]) -> list[str]:
    """The URL segment of each backlink group of one record, from its label."""
    taken: set[str] = set()
    slugs = []
    for group in groups:
        slugs.append(urls.suggest_slug(group.label, taken))
        taken.add(slugs[-1])
    return slugs


def record_starts(links: tuple[Backlink, ...]) -> list[int]:
    """Where each record's links begin in a backlink group (a record's links are side by
    side)."""
    return [i for i, link in enumerate(links) if i == 0 or links[i - 1].record != link.record]


def record_count(group: BacklinkGroup) -> int:
    """How many records a backlink group lists."""
    return len(record_starts(group.links))


def one_type(group: BacklinkGroup) -> bool:
    """Whether every record of a backlink group is of one type."""
    first = group.links[0].record.split(":", 1)[0] if group.links else ""
    return all(link.record.startswith(first + ":") for link in group.links)
