"""Embeddable cards: embed/<folder>/<slug>/ (a record's facts) and …/<n>/ (fact n), and the
<iframe> code each record page offers to copy. The browser tests are in test_embeds_browser.py.
"""

from __future__ import annotations

import html
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import Options, build_site, check_site
from generator.render import embeds
from generator.render.plan import EMBED_KINDS, sitemap_paths
from generator.urls import SEARCH_BUNDLE
from tests.conftest import GATE_BASE_URL, REPO, copy_case, tree_bytes, write_files
from tests.hardening import audit_html, built_basic_site, error_lines

SOURCE = "content/sources/gazette.yaml"


def facts_yaml(count: int, words: int = 30) -> str:
    """`count` facts that each quote their own sentence of the gazette (see gazette_yaml)."""
    return "facts:\n" + "".join(
        f"  - date: 2021-03-{1 + i % 28:02d}\n    text: {_sentence(i, words)}\n"
        f"    source: gazette\n    quote: {_sentence(i, words)}\n" for i in range(count))


def gazette_yaml(count: int, words: int = 30) -> str:
    sentences = " ".join(f"{_sentence(i, words)}." for i in range(count))
    return f"title: The Springfield Gazette\ndate: 2021-03-05\ntext: {sentences}\n"


def _sentence(i: int, words: int) -> str:
    return f"Fact number {i} says " + " ".join(f"word{i}x{j}" for j in range(words))


def site_with_facts(tmp_path: Path, counts: dict[str, int], words: int = 30) -> Path:
    """The basic site with companies of the given slugs, each with that many facts."""
    site = copy_case("basic", tmp_path)
    for path in (site / "content/companies").glob("*.yaml"):
        path.unlink()
    files = {f"content/companies/{slug}.yaml": f"name: Company {slug}\n"
             + (facts_yaml(n, words) if n else "") for slug, n in counts.items()}
    files[SOURCE] = gazette_yaml(max(counts.values(), default=0) or 1, words)
    return write_files(site, files)


def build(site: Path, out: Path, base_url: str | None = None) -> dict[str, bytes]:
    build_site(site, out, base_url, options=Options(load=False, save=False, search=False))
    return tree_bytes(out)


# --- planned pages ---------------------------------------------------------------------------

@pytest.mark.parametrize("counts", [{"a": 0}, {"a": 1}, {"a": 2, "b": 0}, {"a": 5, "b": 3},
                                    {"a": 21}, {"a": 0, "b": 0, "c": 7}])
def test_a_record_with_facts_has_a_card_and_one_per_fact_and_one_without_none(
        tmp_path: Path, counts: dict[str, int]) -> None:
    checked = check_site(site_with_facts(tmp_path, counts))
    planned = {(p.kind, p.path) for p in checked.pages if p.kind in EMBED_KINDS}
    expected = {("embed-record", f"embed/companies/{slug}/index.html")
                for slug, n in counts.items() if n}
    expected |= {("embed-fact", f"embed/companies/{slug}/{i}/index.html")
                 for slug, n in counts.items() for i in range(1, n + 1)}
    assert planned == expected  # the basic site's cities and source have no facts


def test_every_record_of_the_default_site_with_facts_has_its_cards(built_site: Path) -> None:
    cards = sorted(p.relative_to(built_site).as_posix() for p in
                   (built_site / "embed").rglob("index.html"))
    site = check_site(REPO).site
    expected = []
    for record in (r for r in site.records.values() if r.facts):
        folder = site.config.type(record.type).folder
        expected.append(f"embed/{folder}/{record.slug}/index.html")
        expected += [f"embed/{folder}/{record.slug}/{f.number}/index.html"
                     for f in record.facts]
    assert cards == sorted(expected) and len(cards) >= 20


def test_two_builds_make_the_same_cards_byte_for_byte(tmp_path: Path) -> None:
    site = site_with_facts(tmp_path, {"a": 3, "b": 1})
    one = build(site, tmp_path / "one", GATE_BASE_URL)
    two = build(site, tmp_path / "two", GATE_BASE_URL)
    cards = sorted(p for p in one if p.startswith("embed/"))
    assert len(cards) == 2 + 4
    assert {p: one[p] for p in cards} == {p: two[p] for p in cards}


# --- robots, canonical, sitemap --------------------------------------------------------------

def _embed_pages(root: Path) -> list[Path]:
    return sorted((root / "embed").rglob("index.html"))


def test_cards_are_noindex_with_the_record_page_as_canonical(built_site: Path) -> None:
    pages = _embed_pages(built_site)
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        folder, slug = page.relative_to(built_site / "embed").parts[:2]
        assert '<meta name="robots" content="noindex">' in text, page
        assert re.findall(r'<link rel="canonical" href="([^"]+)">', text) == \
            [f"{GATE_BASE_URL}{folder}/{slug}/"], page


def test_without_a_base_url_cards_have_no_canonical_link_but_stay_noindex(
        tmp_path: Path) -> None:
    output = build(site_with_facts(tmp_path, {"a": 2}), tmp_path / "out")
    cards = [p for p in output if p.startswith("embed/")]
    assert len(cards) == 3
    for path in cards:
        assert b'rel="canonical"' not in output[path]
        assert b'<meta name="robots" content="noindex">' in output[path]


def test_the_sitemap_lists_every_page_but_the_cards(built_site: Path) -> None:
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/embed/" not in sitemap
    checked = check_site(REPO, GATE_BASE_URL)
    listed = sitemap_paths(checked.pages)
    assert not [p for p in listed if p.startswith("embed/")]
    assert "companies/microsoft/index.html" in listed
    assert sitemap.count("<loc>") == 2 * len(listed)  # the gate site is in two languages


# --- a reserved folder -----------------------------------------------------------------------

def test_a_type_in_the_embed_folder_is_refused(tmp_path: Path) -> None:
    built = built_basic_site(tmp_path)
    text = (built.site / "site.yaml").read_text().replace("folder: cities", "folder: embed")
    err = built.refused({"site.yaml": text})
    assert error_lines(err) == ["site.yaml:13:13: error: folder 'embed' is reserved for pages "
                                "the generator writes; choose another"]


# --- size -----------------------------------------------------------------------------------

CARD_LIMIT = 30_000  # bytes of a record's card of EMBED_FACTS (20) facts of ~250 characters


@pytest.mark.parametrize("facts", [1, 20, 21, 60])
def test_a_card_stays_small_however_many_facts_its_record_has(tmp_path: Path,
                                                               facts: int) -> None:
    output = build(site_with_facts(tmp_path, {"big": facts}), tmp_path / "out", GATE_BASE_URL)
    card = output["embed/companies/big/index.html"]
    text = card.decode("utf-8")
    shown = min(facts, embeds.EMBED_FACTS)
    assert text.count('class="embed-quote"') == shown
    assert len(card) < CARD_LIMIT, len(card)
    assert (f"All {facts} facts on Company big" in text) == (facts > embeds.EMBED_FACTS)
    for n in range(1, facts + 1):
        fact_card = output[f"embed/companies/big/{n}/index.html"]
        assert len(fact_card) < 4_000 and fact_card.count(b'class="embed-quote"') == 1


# --- the code to copy ------------------------------------------------------------------------

class Tags(HTMLParser):
    """Every start and end tag of a piece of HTML, and any text outside them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("/" + tag, {}))

    def handle_data(self, data: str) -> None:
        self.text += data


def codes_on(page: str) -> dict[str, str]:
    """The text of each embed <textarea> of a record page, by id, as a reader copies it."""
    return {id_: html.unescape(body) for id_, body in
            re.findall(r'<textarea id="(embed-code-[a-z]+)"[^>]*>(.*?)</textarea>', page, re.S)}


def iframe_of(code: str) -> dict[str, str | None]:
    """The attributes of the one <iframe> that `code` must be, and nothing else."""
    parser = Tags()
    parser.feed(code)
    parser.close()
    assert [tag for tag, _ in parser.tags] == ["iframe", "/iframe"], code
    assert parser.text == "", code
    return parser.tags[0][1]


def resolve(src: str, page: str, base_url: str | None) -> str:
    """The output path an <iframe> src names, from the record page at `page`."""
    if base_url:
        assert src.startswith(base_url), src
        rel = src[len(base_url):]
        return rel + "index.html" if rel.endswith("/") else rel
    assert "://" not in src and not src.startswith("/"), src
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), src))


TITLES = ["Acme", 'The "Best" & <Co>', "Café d'Été", "x" * 120, "A </textarea> B", "<script>"]


@pytest.mark.parametrize("base_url", [GATE_BASE_URL, None])
@pytest.mark.parametrize("title", TITLES)
def test_the_iframe_code_is_one_iframe_whose_src_is_the_card(tmp_path: Path, title: str,
                                                             base_url: str | None) -> None:
    site = site_with_facts(tmp_path, {"acme": 3})
    quoted = title.replace("'", "''")
    text = (site / "content/companies/acme.yaml").read_text()
    (site / "content/companies/acme.yaml").write_text(
        text.replace("name: Company acme", f"name: '{quoted}'"))
    output = build(site, tmp_path / "out", base_url)
    page_path = "companies/acme/index.html"
    page = output[page_path].decode("utf-8")
    assert audit_html(page_path, page) == []
    codes = codes_on(page)
    assert set(codes) == {"embed-code-record", "embed-code-fact"}
    for which, target in (("record", "embed/companies/acme/index.html"),
                          ("fact", "embed/companies/acme/1/index.html")):
        frame = iframe_of(codes[f"embed-code-{which}"])
        assert resolve(str(frame["src"]), page_path, base_url) == target
        assert title in str(frame["title"])
        assert 100 <= int(str(frame["height"])) <= embeds.CARD_MAX
        assert frame["sandbox"] and "allow-top-navigation-by-user-activation" in frame["sandbox"]
        assert audit_html(target, output[target].decode("utf-8")) == []
    assert ("has no <code>base_url</code>" in page) == (base_url is None)


@pytest.mark.parametrize("base_url", [GATE_BASE_URL, None])
def test_the_code_of_every_fact_is_made_from_the_parts_the_page_gives_embed_js(
        tmp_path: Path, base_url: str | None) -> None:
    output = build(site_with_facts(tmp_path, {"acme": 4}), tmp_path / "out", base_url)
    page = output["companies/acme/index.html"].decode("utf-8")
    select = re.search(r'<select id="embed-fact-number"([^>]*)>(.*?)</select>', page, re.S)
    assert select
    parts = tuple(html.unescape(p) for p in re.findall(
        r'data-code-(?:src|title|height|end)="([^"]*)"', select.group(1)))
    options = re.findall(r'<option value="(\d+)" data-height="(\d+)">', select.group(2))
    assert [int(n) for n, _ in options] == [1, 2, 3, 4] and len(parts) == 4
    assert embeds.fact_code(parts, 1, int(options[0][1])) == codes_on(page)["embed-code-fact"]
    for number, height in options:
        frame = iframe_of(embeds.fact_code(parts, int(number), int(height)))
        assert resolve(str(frame["src"]), "companies/acme/index.html", base_url) == \
            f"embed/companies/acme/{number}/index.html"
        assert frame["title"] == f"Fact {number} on Company acme (Basic test site)"
        assert frame["height"] == height


def test_a_record_without_facts_offers_no_code_and_loads_no_script(tmp_path: Path) -> None:
    output = build(site_with_facts(tmp_path, {"none": 0, "some": 1}), tmp_path / "out")
    bare = output["companies/none/index.html"].decode("utf-8")
    assert "embed-code" not in bare and "<script src" not in bare
    some = output["companies/some/index.html"].decode("utf-8")
    assert '<script src="../../assets/embed.js"></script>' in some
    assert "embed-pick" in some and "embed-fact-hint" not in some  # one fact: nothing to pick


def test_card_links_open_in_the_top_window_and_resolve(tmp_path: Path) -> None:
    site = site_with_facts(tmp_path, {"acme": 2})
    facts = (site / "content/companies/acme.yaml").read_text().replace(
        "text: Fact number 1", "text: See [Globex](company:globex). Fact number 1")
    write_files(site, {"content/companies/acme.yaml": facts,
                       "content/companies/globex.yaml": "name: Globex\n"})
    output = build(site, tmp_path / "out")
    for path in ("embed/companies/acme/index.html", "embed/companies/acme/2/index.html"):
        parser = Tags()
        parser.feed(output[path].decode("utf-8"))
        links = [attrs for tag, attrs in parser.tags if tag == "a"]
        assert len(links) >= 4 if path.endswith("acme/index.html") else len(links) >= 3
        for attrs in links:
            assert attrs.get("target") == "_top", (path, attrs)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path),
                                                       str(attrs["href"]).split("#")[0]))
            assert target in output, (path, attrs["href"])
        assert not [tag for tag, _ in parser.tags if tag in ("nav", "script", "form")]


# --- incremental builds ----------------------------------------------------------------------

CARD_EDITS = ["globex second fact", "gazette retitled", "company card template",
              "globex second fact", "globex without facts", "no company card template"]


def test_incremental_builds_make_the_cards_a_clean_build_makes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_incremental import apply_edit

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    site, out = copy_case("basic", tmp_path), tmp_path / "out"
    last = build_site(site, out, options=Options(search=False, save=False))
    seen = set()
    for number, name in enumerate(CARD_EDITS):
        apply_edit(site, name)
        incremental = build_site(site, out, options=Options(previous=last.cache, search=False,
                                                            save=False))
        last = incremental
        clean = build(site, tmp_path / f"clean-{number}")
        # The search index is left for a later build (search=False), so it is not compared.
        assert _without_index(tree_bytes(out)) == _without_index(clean), name
        if name == "globex second fact":  # Acme's page and cards are not made again
            assert incremental.rendered < incremental.pages - 3, name
        seen |= {p for p in clean if p.startswith("embed/companies/globex/")}
    # Globex's second fact came and went with its card; its first card stayed.
    assert "embed/companies/globex/2/index.html" in seen
    assert not [p for p in tree_bytes(out) if p.startswith("embed/companies/globex/")]


def _without_index(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if not path.startswith(SEARCH_BUNDLE)}


def test_a_card_depends_on_its_records_title_and_facts_and_its_sources_titles(
        tmp_path: Path) -> None:
    from generator.render.pages import page_context

    checked = check_site(copy_case("basic", tmp_path))
    cards = [p for p in checked.pages if p.kind in EMBED_KINDS]
    assert {p.key for p in cards} == {"company:acme", "company:globex"}
    for page in cards:
        _, depends_on = page_context(checked.site, page)
        # Globex's fact is about Acme (a link the card builds, though it does not show it).
        about = {"^company:acme"} if page.key == "company:globex" else set()
        assert depends_on == {f"~{page.key}", "^source:gazette"} | about, page.path
