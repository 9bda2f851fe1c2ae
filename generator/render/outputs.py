"""The site's files that are not HTML pages: data, schemas, the feed and crawl files."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from generator import urls
from generator.link.link import Site
from generator.render import data, feeds, timeline
from generator.render.cite import CITE_MAKERS
from generator.render.correctionpages import corrections_feed
from generator.render.plan import EVERYTHING, Page, plan_pages, sitemap_paths
from generator.render.redirects import redirects_file
from generator.render.text import markdown_filter, markdown_text
from generator.site.schema import SOURCE_TYPE, schema_json


def render_file(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    """A non-HTML output file's bytes, and the records it depends on."""
    return _MAKERS[page.kind](site, page)


def _record_data(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    content, used = data.record_json(site, page.key, page.path)
    return content, used | {page.key}  # its own record, even where no link to it is made


def _site_data(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    return data.site_json(site, page.path), EVERYTHING


def _graph(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    return data.graph_json(site, page.path), EVERYTHING


def _type_csv(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    return data.type_csv(site, page.key), frozenset({f"{page.key}:*"})


def _type_data(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    content, linked = data.type_json(site, page.key, page.path)
    # Its own records in full (as the CSV), and the records they link to by title.
    return content, linked | {f"{page.key}:*"}


def _type_schema(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    return schema_json(site.config.type(page.key)), frozenset()


def _robots(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    assert site.config.base_url
    return feeds.robots_txt(site.config.base_url), frozenset()


def _sitemap(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    assert site.config.base_url
    paths = sitemap_paths(plan_pages(site), site.config.trees)
    return feeds.sitemap_file(site.config.base_url, paths, page.path), EVERYTHING


def _feed(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    config = site.config
    assert config.base_url
    # Newest first; facts of one date stay in page order.
    newest_first = sorted(timeline.site_facts(site), key=lambda d: d.date,
                          reverse=True)[:feeds.FEED_ENTRIES]
    entry = _feed_entry_maker(site, page.path)
    entries = [entry(dated) for dated in newest_first]
    return feeds.atom_feed(config.title, config.description, config.language, config.base_url,
                           entries), frozenset({"~*"})  # titles and facts only


def _feed_entry_maker(site: Site, path: str) -> Callable[[timeline.DatedFact], feeds.FeedEntry]:
    base = site.config.base_url or ""
    to_html = markdown_filter(site)
    to_text = markdown_text(site)

    def entry(dated: timeline.DatedFact) -> feeds.FeedEntry:
        record, fact = dated.record, dated.fact
        type_spec = site.config.type(record.type)
        url = urls.absolute(base, site.page_path(record.key))
        source = site.records[f"{SOURCE_TYPE}:{fact.source}"]
        source_url = urls.absolute(base, site.page_path(source.key))
        html = (f"<p>{to_html(fact.text, base, True)}</p>"
                + f"<blockquote><p>{escape(fact.quote)}</p></blockquote>"
                + f'<p>Source: <a href="{escape(source_url)}">{escape(source.title)}</a></p>')
        title = feeds.feed_title(record.title, to_text(fact.text, True))
        return feeds.FeedEntry(feeds.entry_id(base, dated), dated.date, title,
                               f"{url}#fact-{fact.number}", html, type_spec.label)
    return entry


_MAKERS: dict[str, Callable[[Site, Page], tuple[bytes, frozenset[str]]]] = {
    "record-data": _record_data, "site-data": _site_data, "graph": _graph,
    "type-csv": _type_csv, "type-data": _type_data, "type-schema": _type_schema,
    "robots": _robots, "sitemap": _sitemap, "feed": _feed, "corrections-feed": corrections_feed,
    "redirects": redirects_file,
    **CITE_MAKERS,
}
