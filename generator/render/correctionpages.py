"""Every correction of the site, newest first: its pages and its Atom feed."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from generator import urls
from generator.check.validate import Correction, Record
from generator.link.link import Site
from generator.render import feeds
from generator.render.linkview import LinkView
from generator.render.messages import words
from generator.render.paging import page_items, pager
from generator.render.plan import EVERYTHING, Page
from generator.render.trustviews import correction_anchor
from generator.render.views import PageBuilder


@dataclass(frozen=True, slots=True)
class SiteCorrection:
    """A correction as the site's list shows it: the record it corrects, and when."""

    record: LinkView
    url: str  # the correction on its record's page
    date: str
    date_label: str
    text: str


def site_corrections(site: Site) -> list[tuple[Record, Correction]]:
    """Every correction of the site, newest first; one day's by record, then as written."""
    found = [(record, c) for record in site.records.values() for c in record.corrections]
    found.sort(key=lambda rc: (rc[1].date, rc[0].key, -rc[1].number), reverse=True)
    return found


def corrections_context(builder: PageBuilder, page: Page) -> tuple[str, str, dict[str, Any]]:
    """Page `page.number` of every correction of the site."""
    site = builder.site
    say = words(site.config)
    every = site_corrections(site)
    shown = page_items(every, page.number, site.config.page_size)
    items = tuple(SiteCorrection(builder.link(r.key), builder.record_url(
        r.key, correction_anchor(c.number)), c.date, say.date(c.date), c.text)
        for r, c in shown)
    title = say.gettext("Corrections") if page.number == 1 else say.gettext(
        "Corrections (page %(n)s)") % {"n": say.number(page.number)}
    return title, say.gettext("Every correction made to the fact sheets of %(site)s.") % {
        "site": site.config.title}, {
        "corrections": items, "feed_url": builder.url(urls.CORRECTIONS_FEED)
        if site.config.base_url else "",
        "pager": pager(page.number, len(every), site.config.page_size,
                       lambda n: builder.url(urls.corrections_page(n)))}


def corrections_feed(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    """The Atom feed of the newest corrections."""
    config = site.config
    assert config.base_url
    say = words(config)
    entries = []
    for record, c in site_corrections(site)[:feeds.FEED_ENTRIES]:
        page_url = urls.absolute(config.base_url, site.page_path(record.key))
        title = feeds.feed_title(say.gettext("Correction: %(title)s") % {
            "title": record.title}, c.text)
        entries.append(feeds.FeedEntry(
            f"{page_url}#correction-{c.date}-{c.number}", c.date, title,
            f"{page_url}#{correction_anchor(c.number)}", f"<p>{escape(c.text)}</p>",
            config.type(record.type).label))
    return feeds.atom_feed(say.gettext("%(site)s: corrections") % {"site": config.title},
                           config.description,
                           config.language, config.base_url, entries,
                           urls.CORRECTIONS_FEED), EVERYTHING  # any record may add one
