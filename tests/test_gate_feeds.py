"""Gate: the machine-readable outputs: sitemap, Atom feed, robots.txt, JSON-LD, page metadata."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from tests.conftest import GATE_BASE_URL, REPO, copy_default_site
from tests.gates import html_pages, page_url, require

SITEMAP_XSD = REPO / "tests" / "schemas" / "sitemap.xsd"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
# schema.org types a record page may declare, by the record's folder.
RECORD_TYPES = {"companies": {"Corporation", "Organization"}, "cities": {"City"},
                "studies": {"ScholarlyArticle", "Report"},
                "sources": {"NewsArticle", "CreativeWork"}}
SOCIAL = ("og:title", "og:description", "og:type", "og:url", "twitter:card")


class _Head(HTMLParser):
    """The metadata of a page: meta tags, link rels, JSON-LD blocks and fact count."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.jsonld: list[str] = []
        self.title = ""
        self.facts = 0
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link" and "rel" in a:
            self.links[a["rel"]] = a.get("href", "")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in = "jsonld"
            self.jsonld.append("")
        elif tag == "title":
            self._in = "title"
        elif tag == "li" and "fact" in a.get("class", "").split():
            self.facts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "jsonld":
            self.jsonld[-1] += data
        elif self._in == "title":
            self.title += data


def read_head(path: Path) -> _Head:
    head = _Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


def _file_for(url: str) -> str:
    """The output file a URL under the base URL names: .../companies/ -> companies/index.html."""
    rel = url[len(GATE_BASE_URL):]
    return rel + "index.html" if rel == "" or rel.endswith("/") else rel


@pytest.fixture(params=["built_site", "built_list_site"])
def gate_site(request: pytest.FixtureRequest) -> Path:
    """Each gate site in turn: the default site, then the generated site of long listings
    (list, browse, links and timeline-year pages 2…), whose every page must be listed too."""
    site: Path = request.getfixturevalue(request.param)
    return site


# --- sitemap.xml and robots.txt -------------------------------------------------------------

def test_sitemap_is_valid_and_lists_every_page(gate_site: Path) -> None:
    xmlschema = pytest.importorskip("xmlschema", reason="sitemap gate: xmlschema is missing")
    sitemap = require(gate_site, "sitemap.xml")
    errors = [str(e) for e in xmlschema.XMLSchema(SITEMAP_XSD).iter_errors(str(sitemap))]
    assert not errors, "sitemap.xml against the sitemaps.org 0.9 schema:\n" + "\n".join(errors)
    locs = [loc.text or "" for loc in ET.parse(sitemap).iter(f"{SITEMAP_NS}loc")]
    outside = [loc for loc in locs if not loc.startswith(GATE_BASE_URL)]
    assert not outside, f"<loc>s not under {GATE_BASE_URL}: {outside}"
    missing = [loc for loc in locs if not (gate_site / _file_for(loc)).is_file()]
    assert not missing, f"<loc>s with no page behind them: {missing}"
    assert len(locs) == len(set(locs)), "sitemap.xml lists a page twice"
    # Embedded cards and the redirects of former slugs say noindex: no sitemap lists them.
    expected = {p for p in html_pages(gate_site) if p != "404.html" and not _noindex(gate_site, p)}
    listed = {_file_for(loc) for loc in locs}
    assert listed == expected, (f"not in the sitemap: {sorted(expected - listed)}; "
                                f"should not be: {sorted(listed - expected)}")


def _noindex(root: Path, rel: str) -> bool:
    return "noindex" in read_head(root / rel).meta.get("robots", "")


def test_robots_txt_names_the_sitemap(built_site: Path) -> None:
    robots = require(built_site, "robots.txt").read_text(encoding="utf-8")
    assert re.search(rf"^Sitemap: {re.escape(GATE_BASE_URL)}sitemap\.xml\s*$", robots, re.M), \
        f"robots.txt has no 'Sitemap: {GATE_BASE_URL}sitemap.xml' line:\n{robots}"


# --- feed.xml ---------------------------------------------------------------------------------

def _entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def test_feed_is_atom_with_one_entry_per_dated_fact_newest_first(gate_site: Path) -> None:
    feed = ET.parse(require(gate_site, "feed.xml")).getroot()
    assert feed.tag == f"{ATOM}feed", f"feed.xml's root is {feed.tag}, not an Atom <feed>"
    for child in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{child}") or "").strip(), f"the feed has no <{child}>"
    selves = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [s.get("href") for s in selves] == [GATE_BASE_URL + "feed.xml"], \
        "the feed needs one <link rel=\"self\"> to its own absolute URL"
    entries = _entries(feed)
    site = json.loads(require(gate_site, "data/site.json").read_text(encoding="utf-8"))
    dated = sum(1 for r in site["records"] for f in r.get("facts", []) if f.get("date"))
    assert len(entries) == dated, f"{len(entries)} entries for {dated} dated facts"
    for n, entry in enumerate(entries, 1):
        for child in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{child}") or "").strip(), f"entry {n}: no <{child}>"
        hrefs = [link.get("href", "") for link in entry.findall(f"{ATOM}link")]
        assert hrefs and all(h.startswith(GATE_BASE_URL) for h in hrefs), \
            f"entry {n}: links must be absolute under the base URL: {hrefs}"
    updated = [entry.findtext(f"{ATOM}updated") or "" for entry in entries]
    assert updated == sorted(updated, reverse=True), f"entries are not newest first: {updated}"


def _build(site: Path, out: Path, *args: str) -> None:
    assert main(["build", "--site", str(site), "--out", str(out), "--quiet", *args]) == 0


def test_feed_entry_ids_are_unique_and_stable(built_site: Path, tmp_path: Path) -> None:
    ids = [e.findtext(f"{ATOM}id") for e in
           _entries(ET.parse(require(built_site, "feed.xml")).getroot())]
    assert len(ids) == len(set(ids)), f"entry ids repeat: {ids}"
    # Built again from another folder: an id must not hang on where or when it was built.
    _build(copy_default_site(tmp_path), tmp_path / "again", "--base-url", GATE_BASE_URL)
    again = [e.findtext(f"{ATOM}id") for e in
             _entries(ET.parse(tmp_path / "again" / "feed.xml").getroot())]
    assert again == ids


@pytest.fixture(scope="module")
def without_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The default site built with no --base-url and its base_url taken out; and its stderr."""
    site = copy_default_site(tmp_path_factory.mktemp("nobase"))
    config = site / "site.yaml"
    config.write_text(re.sub(r"(?m)^base_url:.*\n", "", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    out = site.parent / "output"
    with pytest.MonkeyPatch.context() as patch:
        err = io.StringIO()
        patch.setattr("sys.stderr", err)
        assert main(["build", "--site", str(site), "--out", str(out)]) == 0
    yield out, err.getvalue()


def test_without_a_base_url_there_is_no_feed_sitemap_or_canonical(
        without_base_url: tuple[Path, str]) -> None:
    out, stderr = without_base_url
    written = [name for name in ("feed.xml", "sitemap.xml", "robots.txt") if (out / name).exists()]
    assert not written, f"written without a base URL: {written}"
    warnings = [line for line in stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 1, f"expected exactly one warning about the base URL:\n{stderr}"
    canonical = [rel for rel in html_pages(out) if 'rel="canonical"' in
                 (out / rel).read_text(encoding="utf-8")]
    assert not canonical, f"canonical links without a base URL: {canonical}"


# --- JSON-LD and metadata on every page -------------------------------------------------------

def _types(node: Any) -> Iterator[str]:
    """Every @type anywhere in a JSON-LD value."""
    if isinstance(node, dict):
        kind = node.get("@type")
        yield from ([kind] if isinstance(kind, str) else kind or [])
        for value in node.values():
            yield from _types(value)
    elif isinstance(node, list):
        for value in node:
            yield from _types(value)


def _record_folder(rel: str) -> str | None:
    parts = rel.split("/")
    return parts[0] if len(parts) == 3 and parts[0] in RECORD_TYPES else None


def test_json_ld_parses_and_has_the_right_type(gate_site: Path) -> None:
    problems: list[str] = []
    for rel in html_pages(gate_site):
        head = read_head(gate_site / rel)
        try:
            blocks = [json.loads(block) for block in head.jsonld]
        except json.JSONDecodeError as error:
            problems.append(f"{rel}: JSON-LD does not parse: {error}")
            continue
        folder = _record_folder(rel)
        if folder is None:
            continue
        if not blocks:
            problems.append(f"{rel}: no <script type=\"application/ld+json\"> on a record page")
            continue
        tops = {t for b in blocks for t in ([b.get("@type")] if isinstance(b.get("@type"), str)
                                            else b.get("@type") or [])}
        if not tops & RECORD_TYPES[folder]:
            problems.append(f"{rel}: JSON-LD @type {sorted(tops) or 'missing'}, expected one "
                            f"of {sorted(RECORD_TYPES[folder])}")
        claims = sum(t == "Claim" for b in blocks for t in _types(b))
        if claims != head.facts:
            problems.append(f"{rel}: {claims} Claim item(s) in JSON-LD for {head.facts} facts")
    assert not problems, "\n".join(problems)


def test_every_page_has_title_description_social_tags_and_canonical(gate_site: Path) -> None:
    problems: list[str] = []
    for rel in html_pages(gate_site):
        head = read_head(gate_site / rel)
        if "noindex" in head.meta.get("robots", ""):
            # A card or a redirect: its canonical link names the record page it stands for.
            if not head.links.get("canonical", "").startswith(GATE_BASE_URL):
                problems.append(f"{rel}: noindex, but no canonical link to its record")
            continue
        wanted = ["description", *SOCIAL] if rel != "404.html" else ["description"]
        problems += [f"{rel}: no <meta> {name}" for name in wanted
                     if not head.meta.get(name, "").strip()]
        if not head.title.strip():
            problems.append(f"{rel}: no <title>")
        if rel == "404.html":
            continue  # served at every missing address: it has no one URL of its own
        url = GATE_BASE_URL + page_url(rel)
        if head.links.get("canonical") != url:
            problems.append(f"{rel}: canonical {head.links.get('canonical')!r}, expected {url!r}")
        if head.meta.get("og:url") not in (None, url):
            problems.append(f"{rel}: og:url {head.meta.get('og:url')!r}, expected {url!r}")
    assert not problems, "\n".join(problems)
