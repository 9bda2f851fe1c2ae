"""Which files a site has: every output path, the kind of page it is, and its templates."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

from generator import urls
from generator.check.validate import Record
from generator.errors import Diagnostic
from generator.link.link import Site
from generator.read.load import STATIC_DIR, StaticFile
from generator.render import feeds, pageset
from generator.render.cite import CITE_KINDS, cite_paths
from generator.render.pageset import CONFIG
from generator.render.persite import per_site
from generator.urls import SEARCH_BUNDLE


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: `kind` says how it is made, `key` which type or record it shows."""

    path: str
    kind: str
    key: str = ""
    origin: str = ""
    part: str = ""  # a browse page's field, a backlink group's slug, a timeline year
    value: str = ""  # a browse page's value (a slug)
    number: int = 1  # which page of a paginated listing; which fact a fact's card shows
    # A multilingual site's further language the page is in ('' for the default): its
    # `path` is in that language's tree, and it is made as that language's site makes the
    # page at the path without the tree.
    language: str = ""


# Cards of a record's facts for other sites' <iframe>s: pages, but not for search engines.
# A file's dependencies: "*" is every record, "<type>:*" every record of a type (store/stale.py).
EVERYTHING = frozenset({"*"})
EMBED_KINDS = ("embed-record", "embed-fact")
HTML_KINDS = ("home", "list", "record", "not-found", "timeline", "search", "facet-index",
              "facet", "links", "timeline-year", "corrections", "redirect", *EMBED_KINDS)
PAGE_KINDS = (*HTML_KINDS, "site-data", "graph", "type-csv", "type-data", "type-schema",
              "record-data", *CITE_KINDS,
              "feed", "corrections-feed", "redirects", "robots", "sitemap")


# Files of the whole site, not of one language: its schema, and what hosts and crawlers read
# (a host serves one 404.html, the default language's).
SHARED_KINDS = frozenset({"type-schema", "redirects", "robots", "sitemap", "not-found"})


def plan_language_pages(site: Site) -> tuple[Page, ...]:
    """The pages of a further language of a multilingual site (`site` is that language's),
    in its tree."""
    tree, language = site.config.tree, site.config.language
    return tuple(dataclasses.replace(page, path=tree + page.path, language=language)
                 for page in plan_pages(site) if page.kind not in SHARED_KINDS)


def in_tree(page: Page, site: Site) -> Page:
    """`page` at its path within its language's tree (itself in the default language)."""
    return dataclasses.replace(page, path=page.path.removeprefix(site.config.tree)) \
        if page.language else page


@per_site  # the sitemap asks again
def plan_pages(site: Site) -> tuple[Page, ...]:
    """Every page and data file the site has, each with the input that asks for it."""
    last = _last_plans.get(site.config.tree, {})
    planned: dict[str, _Planned] = {}
    pages = [Page(urls.HOME, "home", origin=CONFIG),
             Page(urls.NOT_FOUND, "not-found", origin=CONFIG),
             Page(urls.TIMELINE, "timeline", origin=CONFIG),
             Page(urls.SEARCH, "search", origin=CONFIG),
             Page(urls.SITE_DATA, "site-data", origin=CONFIG),
             Page(urls.GRAPH_DATA, "graph", origin=CONFIG),
             Page(urls.REDIRECTS, "redirects", origin=CONFIG)]
    pages += [Page(path, "timeline-year", "", CONFIG, year, number=number)
              for path, year, number in pageset.timeline_pages(site)]
    pages += [Page(path, "corrections", "", CONFIG, number=number)
              for path, number in pageset.corrections_pages(site)]
    for t in site.config.types:
        pages += [Page(path, "list", t.name, CONFIG, number=number)
                  for path, number in pageset.list_pages(site, t.name)]
        pages += [Page(path, "facet" if value else "facet-index", t.name, CONFIG, field, value,
                       number) for path, field, value, number in pageset.facet_pages(site, t.name)]
        pages += [Page(urls.type_csv(t.name), "type-csv", t.name, CONFIG),
                  Page(urls.type_json(t.name), "type-data", t.name, CONFIG),
                  Page(urls.type_schema(t.name), "type-schema", t.name, CONFIG)]
        for record in site.by_type[t.name]:
            pages += _record_pages(site, t.folder, record, last, planned)
    _last_plans[site.config.tree] = planned
    if site.config.base_url:
        sitemaps = feeds.sitemap_names(len(sitemap_paths(pages, site.config.trees)))
        pages += [Page(urls.FEED, "feed", origin=CONFIG),
                  Page(urls.CORRECTIONS_FEED, "corrections-feed", origin=CONFIG),
                  Page(urls.ROBOTS, "robots", origin=CONFIG),
                  *(Page(name, "sitemap", origin=CONFIG) for name in sitemaps)]
    return tuple(pages)


# A record's pages, and what they were planned from: the record, its type's folder, the
# page size and its backlink groups' labels and sizes.
_Planned = tuple[Record, tuple[object, ...], list[Page]]
# A dev server plans its site again at each save: the pages of a record that is the very
# object its last plan saw, with backlink groups of the same labels and sizes, are those
# (for 10,000 records, 0.6 s a save). One plan for each language's tree.
_last_plans: dict[str, dict[str, _Planned]] = {}


def _record_pages(site: Site, folder: str, record: Record, last: dict[str, _Planned],
                  planned: dict[str, _Planned]) -> list[Page]:
    groups = site.backlinks.get(record.key, ())
    shape = (folder, site.config.page_size,
             tuple((group.label, pageset.record_count(group)) for group in groups))
    before = last.get(record.key)
    if before is not None and before[0] is record and before[1] == shape:
        planned[record.key] = before
        return before[2]
    pages = [Page(urls.record_page(folder, record.slug), "record", record.key, record.path),
             Page(urls.record_data(folder, record.slug), "record-data", record.key,
                  record.path)]
    pages += [Page(path, kind, record.key, record.path)
              for kind, path in zip(CITE_KINDS, cite_paths(folder, record.slug), strict=True)]
    pages += [Page(path, "links", record.key, record.path, group, number=number)
              for path, group, number in pageset.links_pages(site, record.key)]
    pages += [Page(urls.record_page(folder, alias), "redirect", record.key, record.path,
                   alias) for alias in record.aliases]
    pages += embed_pages(folder, record)
    planned[record.key] = (record, shape, pages)
    return pages


def embed_pages(folder: str, record: Record) -> list[Page]:
    """The cards of a record with facts: all its facts, and each fact alone (none without)."""
    if not record.facts:
        return []
    return [Page(urls.embed_record(folder, record.slug), "embed-record", record.key, record.path),
            *(Page(urls.embed_fact(folder, record.slug, fact.number), "embed-fact", record.key,
                   record.path, number=fact.number) for fact in record.facts)]


def sitemap_paths(pages: list[Page] | tuple[Page, ...], trees: tuple[str, ...] = ("",)
                  ) -> list[str]:
    """The pages a sitemap lists: every HTML page but the 404 page, the embedded cards and
    the redirects of former slugs, in each language's tree."""
    return [tree + p.path for tree in trees for p in pages if p.kind in HTML_KINDS
            and p.kind not in ("not-found", "redirect", *EMBED_KINDS)]


def template_names(site: Site, page: Page) -> list[str]:
    """The templates that may render `page`, most specific first."""
    if page.kind == "record":
        return [f"{site.records[page.key].type}.html", "record.html"]
    if page.kind == "list":
        return [f"{page.key}-list.html", "list.html"]
    if page.kind in ("facet", "facet-index"):
        return [f"{page.key}-{page.kind}.html", f"{page.kind}.html"]
    if page.kind in EMBED_KINDS:
        name = "embed.html" if page.kind == "embed-record" else "embed-fact.html"
        return [f"{site.records[page.key].type}-{name}", name]
    return {"home": ["home.html"], "not-found": ["404.html"], "timeline": ["timeline.html"],
            "search": ["search.html"], "links": ["links.html"],
            "corrections": ["corrections.html"], "redirect": ["redirect.html"],
            "timeline-year": ["timeline-year.html"]}[page.kind]


def plan_collisions(pages: tuple[Page, ...], static: list[StaticFile]) -> list[Diagnostic]:
    """An error naming every input when two of them would write one output path."""
    # Nearly every path is claimed once: only those claimed again get a list, and are sorted.
    first: dict[str, str] = {}
    claims: dict[str, list[str]] = {}
    for path, origin in itertools.chain(((p.path, p.origin) for p in pages),
                                        ((f.dest, f"{STATIC_DIR}/{f.dest}") for f in static)):
        if path in first:
            claims.setdefault(path, [first[path]]).append(origin)
        else:
            first[path] = origin
    # The search index is written after everything else, over whatever is in its folder.
    diagnostics = [Diagnostic(f"{STATIC_DIR}/{f.dest}", 1, 1, f"'{SEARCH_BUNDLE}' holds the "
                              "search index, which the build writes; move this file elsewhere")
                   for f in static if f.dest.startswith(SEARCH_BUNDLE)]
    for path, origins in sorted(claims.items()):
        if len(origins) > 1:
            names = " and ".join(sorted(origins))
            diagnostics += [Diagnostic(o, 1, 1, f"output path '{path}' is written by both {names}")
                            for o in sorted(set(origins))]
    return diagnostics
