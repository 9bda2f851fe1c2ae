"""Files for feed readers and crawlers: Atom feed, sitemap, robots.txt. All need base_url."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from generator import __version__, urls
from generator.render.timeline import DatedFact

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, by the sitemaps.org protocol
TITLE_LENGTH = 90
# A feed reader wants what is new, not the archive: the newest entries, as blogs give posts.
FEED_ENTRIES = 100


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """A dated fact or a correction as a feed shows it; `html` is its content as HTML."""

    id: str
    date: str  # a full or partial ISO date
    title: str
    url: str
    html: str
    category: str


def atom_feed(title: str, subtitle: str, language: str, base_url: str,
              entries: Sequence[FeedEntry], path: str = urls.FEED) -> bytes:
    """An Atom 1.0 feed at `path` of `entries`, which come newest first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": language})
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    _text(feed, "id", base_url)
    _link(feed, "self", urls.absolute(base_url, path), "application/atom+xml")
    _link(feed, "alternate", base_url, "text/html")
    _text(feed, "updated", timestamp(entries[0].date) if entries else "1970-01-01T00:00:00Z")
    _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", title)
    generator = _text(feed, "generator", "factsheet")
    generator.set("version", __version__)
    for entry in entries:
        feed.append(_entry(entry))
    return _xml(feed)


def _entry(entry: FeedEntry) -> ET.Element:
    element = ET.Element(f"{{{ATOM}}}entry")
    _text(element, "id", entry.id)
    _text(element, "title", entry.title)
    _link(element, "alternate", entry.url, "text/html")
    _text(element, "updated", timestamp(entry.date))
    ET.SubElement(element, f"{{{ATOM}}}category", {"term": entry.category})
    _text(element, "content", entry.html).set("type", "html")
    return element


def entry_id(base_url: str, dated: DatedFact) -> str:
    """A fact's id: the same while its record, source and quote stay, wherever it moves."""
    fact = dated.fact
    name = "\n".join((base_url, dated.record.key, fact.source, fact.quote))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def timestamp(date: str) -> str:
    """An Atom date-time for a full or partial ISO date (its first day)."""
    parts = [*date.split("-"), "01", "01"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def sitemap_names(pages: int) -> list[str]:
    """The sitemap files for `pages` URLs: sitemap.xml, then its parts past the limit."""
    parts = 0 if pages <= SITEMAP_LIMIT else -(-pages // SITEMAP_LIMIT)
    return [urls.SITEMAP, *(f"sitemap-{n}.xml" for n in range(1, parts + 1))]


def sitemap_file(base_url: str, page_paths: Sequence[str], name: str) -> bytes:
    """The sitemap file `name`: all of `page_paths`, an index of the parts, or one part."""
    names = sitemap_names(len(page_paths))
    if len(names) == 1:
        return _urlset(base_url, page_paths)
    if name != urls.SITEMAP:
        start = (names.index(name) - 1) * SITEMAP_LIMIT
        return _urlset(base_url, page_paths[start:start + SITEMAP_LIMIT])
    ET.register_namespace("", SITEMAP)
    index = ET.Element(f"{{{SITEMAP}}}sitemapindex")
    for part in names[1:]:
        _text(ET.SubElement(index, f"{{{SITEMAP}}}sitemap"), "loc", base_url + part, SITEMAP)
    return _xml(index)


def _urlset(base_url: str, page_paths: Sequence[str]) -> bytes:
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for path in page_paths:
        _text(ET.SubElement(urlset, f"{{{SITEMAP}}}url"), "loc", urls.absolute(base_url, path),
              SITEMAP)
    return _xml(urlset)


def robots_txt(base_url: str) -> bytes:
    """Crawlers may read everything; the sitemap says where it all is."""
    sitemap = urls.absolute(base_url, urls.SITEMAP)
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()


def feed_title(record_title: str, text: str) -> str:
    """'Microsoft: said it …' cut to a headline's length."""
    title = f"{record_title}: {text}"
    if len(title) <= TITLE_LENGTH:
        return title
    return title[: TITLE_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _text(parent: ET.Element, tag: str, text: str, namespace: str = ATOM) -> ET.Element:
    child = ET.SubElement(parent, f"{{{namespace}}}{tag}")
    child.text = text
    return child


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "type": media_type, "href": href})


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"

