"""What each page's template is given: the views of the site, the page and its records."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator import urls
from generator.link.link import Site
from generator.render import listpages, timeline
from generator.render.cite import cite_view
from generator.render.correctionpages import corrections_context
from generator.render.embeds import embed_code, embed_fact_context, embed_record_context
from generator.render.jsonld import LinkedData, script_json
from generator.render.listing import facet_index_key, facet_key, list_key, timeline_key
from generator.render.listpages import type_summary
from generator.render.messages import language_name, words
from generator.render.plan import EMBED_KINDS, Page
from generator.render.redirects import redirect_context
from generator.render.shards import EXACT_BUCKETS, plan_shards, search_filters, shard_bundle
from generator.render.text import markdown_text, shorten
from generator.render.views import SUMMARY, FactView, PageBuilder, RecordView

LATEST_FACTS = 8


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    url: str
    current: bool


@dataclass(frozen=True, slots=True)
class LanguageLink:
    """This page in one language of the site: its code, its name in itself, its URL."""

    language: str
    name: str
    url: str  # absolute with a base URL (for hreflang), else relative
    href: str  # relative, for the language switch: it works from disk and under any path
    current: bool


@dataclass(frozen=True, slots=True)
class SiteView:
    """The site as every template sees it."""

    title: str
    description: str
    language: str
    base_url: str
    home_url: str
    stylesheet_url: str
    data_url: str
    timeline_url: str
    search_url: str
    feed_url: str  # empty when there is no feed (no base URL)
    corrections_url: str
    nav: tuple[NavItem, ...]
    # A multilingual site's languages, each with this page in it ('hreflang'); () for one.
    languages: tuple[LanguageLink, ...] = ()
    default_url: str = ""  # this page in the default language (x-default)


@dataclass(frozen=True, slots=True)
class PageView:
    """The page being rendered: its title, description and public URL (if known)."""

    kind: str
    path: str
    title: str
    description: str
    canonical: str
    jsonld: Markup  # schema.org JSON-LD, safe inside <script>; empty when the page has none


def page_context(site: Site, page: Page) -> tuple[dict[str, Any], frozenset[str]]:
    """What the template of `page` is given, and the records it depends on."""
    builder = PageBuilder(site, page.path)
    title, description, extra = _CONTEXTS[page.kind](builder, page)
    linked = _linked_data(builder, page, title, description, extra)
    jsonld = Markup(script_json(linked)) if linked else Markup("")
    context = {
        "site": _site_view(builder, page),
        "page": PageView(page.kind, page.path, title, description, _canonical(site, page),
                         jsonld),
        "root": builder.root,
        "shared_root": builder.shared,
        **extra,
    }
    return context, builder.depends_on() | _membership(site, page)


def _membership(site: Site, page: Page) -> frozenset[str]:
    """What a page depends on besides the records it shows.

    A page of a table or a year of the timeline shows what its membership key stands for
    (its rows, or facts, in order; see render/listing.py), and each row's record in full;
    a backlink group is its record's; the home page and the timeline show every record's
    dated facts ("~*": a change to any record's title or facts); a card shows its record's
    title and facts.
    """
    kind = page.kind
    if kind == "list":
        return frozenset({f"{list_key(site, page.key)}:{page.number}"})
    if kind == "facet":
        return frozenset({f"{facet_key(site, page.key, page.part, page.value)}:{page.number}"})
    if kind == "facet-index":
        return frozenset({facet_index_key(site, page.key, page.part, page.number)})
    if kind == "timeline-year":
        return frozenset({timeline_key(site, page.part)})
    if kind == "links":
        return frozenset({page.key})
    if kind in EMBED_KINDS:
        return frozenset({SUMMARY + page.key})
    return _EVERY_RECORD.get(kind, frozenset())


# Kinds of page that show something of every record.
_EVERY_RECORD = {"home": frozenset({"~*"}), "timeline": frozenset({"~*"}),
                 "search": frozenset({"~*"}), "corrections": frozenset({"*"})}

_Context = listpages.Context


def _record_context(builder: PageBuilder, page: Page) -> _Context:
    view = builder.record_view(builder.site.records[page.key])
    return view.title, _record_description(builder.site, view), {
        "record": view, "embed": embed_code(builder, builder.site.records[page.key]),
        "cite": cite_view(builder.site, page.key, page.path)}


def _home_context(builder: PageBuilder, page: Page) -> _Context:
    config = builder.site.config
    return config.title, config.description, {
        "types": tuple(type_summary(builder, t.name) for t in config.types),
        "latest_facts": _latest_facts(builder),
        "fact_count": sum(len(r.facts) for r in builder.site.records.values()),
    }


def _not_found_context(builder: PageBuilder, page: Page) -> _Context:
    say = words(builder.site.config)
    return say.gettext("Page not found"), say.gettext("There is no page at this address."), {}


@dataclass(frozen=True, slots=True)
class TimelineYear:
    """One year on the timeline page: how many dated facts it has, and its page."""

    year: str
    count: int
    url: str


def _timeline_context(builder: PageBuilder, page: Page) -> _Context:
    dated = timeline.site_facts(builder.site)
    # The year pages sit in this page's folder: "1891/index.html", not "../timeline/1891/…",
    # which keeps the page small when it links 2,000 years.
    here = builder.url(urls.TIMELINE).removesuffix(urls.PAGE_FILE)

    def year_url(year: str) -> str:
        return builder.url(urls.timeline_year(year)).removeprefix(here)

    years = tuple(TimelineYear(year, len(group), year_url(year))
                  for year, group in timeline.by_year(dated))
    say = words(builder.site.config)
    description = timeline.describe(dated, say) if dated else say.gettext("No dated facts yet.")
    return say.gettext("Timeline"), description, {
        "years": years, "chart": timeline.chart(dated, year_url, say)}


def _search_context(builder: PageBuilder, page: Page) -> _Context:
    config = builder.site.config
    say = words(config)
    return say.gettext("Search"), say.gettext("Search the fact sheets of %(site)s.") % {
        "site": config.title}, {
        "types": tuple(type_summary(builder, t.name) for t in config.types),
        "search_script_url": builder.shared + urls.SEARCH_SCRIPT,
        "bundle_url": builder.shared + urls.SEARCH_BUNDLE,
        # A big site's index comes in shards; the page merges the others into the first.
        "shard_urls": tuple(builder.shared + shard_bundle(number) for number in sorted(
            plan_shards([tree + builder.site.page_path(key) for tree in config.trees
                         for key in builder.site.records])) if number > 0),
        "filters": search_filters(config),
        "exact_buckets": EXACT_BUCKETS,
    }


_CONTEXTS = {"record": _record_context, "list": listpages.list_context,
             "home": _home_context, "not-found": _not_found_context,
             "timeline": _timeline_context, "search": _search_context,
             "facet-index": listpages.facet_index_context, "facet": listpages.facet_context,
             "links": listpages.links_context, "timeline-year": listpages.timeline_year_context,
             "corrections": corrections_context, "redirect": redirect_context,
             "embed-record": embed_record_context, "embed-fact": embed_fact_context}


def _linked_data(builder: PageBuilder, page: Page, title: str, description: str,
                 extra: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON-LD of a page, or None for pages that describe nothing (404, search)."""
    linked = LinkedData(builder.site, markdown_text(builder.site))
    if page.kind == "record":
        return linked.record(builder.site.records[page.key], description)
    if page.kind == "home":
        return linked.website()
    if page.kind in ("list", "facet", "links", "timeline-year", "corrections"):
        return linked.collection(title, page.path, extra["pager"].total)
    if page.kind == "timeline":
        return linked.collection(title, page.path, sum(y.count for y in extra["years"]))
    return None


def _record_description(site: Site, view: RecordView) -> str:
    for prose in view.prose:
        if prose.type == "markdown":
            return shorten(markdown_text(site)(prose.value))
        return shorten(" ".join(prose.paragraphs))
    facts = len(view.facts)
    say = words(site.config)
    return say.ngettext("%(type)s: %(title)s, with %(n)s sourced fact.",
                        "%(type)s: %(title)s, with %(n)s sourced facts.", facts) % {
        "type": view.type_label, "title": view.title, "n": say.number(facts)}


def _site_view(builder: PageBuilder, page: Page) -> SiteView:
    config = builder.site.config
    nav = tuple(NavItem(t.plural, builder.url(urls.list_page(t.folder)),
                        page.key == t.name or (page.kind in ("record", "links")
                                               and page.key.startswith(t.name + ":")))
                for t in config.types)
    return SiteView(config.title, config.description, config.language, config.base_url or "",
                    builder.url(urls.HOME), builder.shared + urls.STYLESHEET,
                    builder.url(urls.SITE_DATA), builder.url(urls.TIMELINE),
                    builder.url(urls.SEARCH), builder.url(urls.FEED) if config.base_url else "",
                    builder.url(urls.corrections_page()), nav, *_languages(builder, page))


def _languages(builder: PageBuilder, page: Page) -> tuple[tuple[LanguageLink, ...], str]:
    config = builder.site.config
    if not config.languages or page.kind == "not-found":  # one 404 page serves every language
        return (), ""
    base = config.base_url.removesuffix(config.tree) if config.base_url else ""

    links = tuple(LanguageLink(language, language_name(language),
                               urls.absolute(base, tree + page.path) if base
                               else builder.shared + tree + page.path,
                               builder.shared + tree + page.path, language == config.language)
                  for language, tree in zip(config.languages, config.trees, strict=True))
    return links, links[0].url


def _canonical(site: Site, page: Page) -> str:
    base = site.config.base_url
    # A card's canonical page is its record's: the card only repeats what that page says.
    path = site.page_path(page.key) if page.kind in EMBED_KINDS else page.path
    return urls.absolute(base, path) if base and page.kind != "not-found" else ""


def _latest_facts(builder: PageBuilder) -> tuple[FactView, ...]:
    dated = ((fact.date, record.key, -fact.number, fact)
             for record in builder.site.records.values() for fact in record.facts if fact.date)
    latest = heapq.nlargest(LATEST_FACTS, dated, key=lambda item: item[:3])
    return tuple(builder.fact_view(builder.site.records[key], fact)
                 for _, key, _, fact in latest)
