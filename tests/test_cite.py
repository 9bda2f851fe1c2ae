"""'Cite this page': the citation on each record page, its citation_* meta tags, and the
record's cite.bib (read back with a BibTeX parser) and cite.json (checked against the
CSL-JSON schema), for titles of every kind of character, with and without an `updated`
date and a base URL; and incremental builds that keep them current."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import bibtexparser
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from generator.build import BuildResult, Options, build_site
from generator.render.cite import latex_text
from tests.conftest import REPO, tree_bytes, write_files
from tests.hardening import run_cli
from tests.htmltree import Element, meta_tags, parse_html

CSL_SCHEMA = json.loads((REPO / "tests/schemas/csl-data.json").read_text(encoding="utf-8"))
BASE = "https://facts.example/sub/"

TITLES = {
    "plain": "Acme",
    "quotes": "He said \"no\", ‘yes’ and “maybe” — isn't it?",
    "braces": "{a} }b{ {{c}} }{",
    "backslashes": "C:\\path\\to \\textbf{x} \\\\ \\",
    "latex specials": "100% & $5 #1 a_b c^d e~f @misc{x,",
    "ligatures": "A -- B --- C ''q'' ``r`` ,,s <<t>> !`u ?`v",
    "non-Latin scripts": "日本語の題名 Ελληνικά العربية Русский हिन्दी 😀 e\u0301",
    "line breaks": "First line\nsecond   line\tand a tab",
    "very long": "Word, " * 400 + "end",
}
SITE_TITLES = {"plain": "Fact sheets", "specials": "Facts & {figures} \\ 100% #1"}
UPDATED, UPDATED_LABEL = "2021-03-09", "9 March 2021"


def one_line(text: str) -> str:
    return " ".join(text.split())


def site_yaml(title: str, base: str | None) -> str:
    return "\n".join([f"title: {json.dumps(title, ensure_ascii=False)}",
                      *([f"base_url: {base}"] if base else []), "types:",
                      "  company:", "    folder: companies", "    fields:",
                      "      name: {type: text, required: true}", ""])


def write_site(root: Path, site_title: str, base: str | None) -> Path:
    files = {"site.yaml": site_yaml(site_title, base)}
    for n, title in enumerate(TITLES.values()):
        updated = f"updated: {UPDATED}\n" if n % 2 == 0 else ""
        files[f"content/companies/c{n}.yaml"] = \
            f"name: {json.dumps(title, ensure_ascii=False)}\n{updated}"
        files[f"content/companies/d{n}.yaml"] = \
            f"name: {json.dumps(title, ensure_ascii=False)}\n" + ("" if updated else
                                                                  f"updated: {UPDATED}\n")
    return write_files(root / "site", files)


VARIANTS = [(site, base) for site in SITE_TITLES for base in (BASE, None)]


@pytest.fixture(scope="module", params=VARIANTS, ids=[f"{s}-{'base' if b else 'nobase'}"
                                                      for s, b in VARIANTS])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[Path, str, str | None]:
    site_key, base = request.param
    site = write_site(tmp_path_factory.mktemp("cite"), SITE_TITLES[site_key], base)
    out = site.parent / "out"
    outcome = run_cli("build", "--site", site, "--out", out, "--quiet", "--no-cache")
    assert outcome.code == 0, outcome.err
    return out, SITE_TITLES[site_key], base


def records() -> list[tuple[str, str, bool]]:
    """(slug, title, has `updated`) of every record write_site makes."""
    rows = []
    for n, title in enumerate(TITLES.values()):
        rows += [(f"c{n}", title, n % 2 == 0), (f"d{n}", title, n % 2 != 0)]
    return rows


RECORDS = records()
IDS = [f"{slug}-{name}" for (slug, _, _), name in
       zip(RECORDS, [n for n in TITLES for _ in (0, 1)], strict=True)]


# --- cite.bib -------------------------------------------------------------------------------------

def _decoder() -> LatexNodes2Text:
    # LaTeX's kernel defines these; pylatexenc's table lacks them or reads ^ as ˆ.
    context = get_default_latex_context_db()
    context.add_context_category("latex-text-symbols", prepend=True, macros=[
        MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciicircum", "^")])
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", strict_latex_spaces=True)


DECODE = _decoder()
_ESCAPES = re.compile(r"\\text(?:backslash|braceleft|braceright|asciicircum|asciitilde)\{\}"
                      r"|\\[$&%#_]|\{\}")


def as_bibtex_reads(value: str) -> str:
    """A field's LaTeX as the text it typesets."""
    return DECODE.latex_to_text(value)


def braces_balance(text: str) -> bool:
    """BibTeX's rule: every brace counts, escaped or not, and depth never goes below 0."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def read_bib(out: Path, slug: str) -> tuple[str, dict[str, str]]:
    raw = (out / f"companies/{slug}/cite.bib").read_text(encoding="utf-8")
    assert braces_balance(raw)
    library = bibtexparser.parse_string(raw)
    assert library.failed_blocks == [] and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "misc"
    return entry.key, {field.key: field.value for field in entry.fields}


@pytest.mark.parametrize(("slug", "title", "updated"), RECORDS, ids=IDS)
def test_cite_bib_parses_and_reads_as_the_record(built: tuple[Path, str, str | None],
                                                 slug: str, title: str, updated: bool) -> None:
    out, site_title, base = built
    key, fields = read_bib(out, slug)
    assert key == f"company:{slug}"
    for name in ("title", "organization"):
        # Double braces keep a style from changing the title's capitals.
        assert fields[name].startswith("{") and fields[name].endswith("}")
        assert braces_balance(fields[name])
        # Nothing LaTeX would read as syntax is left outside an escape.
        assert not re.search(r"[\\{}$&%#_^~]", _ESCAPES.sub("", fields[name][1:-1]))
    assert as_bibtex_reads(fields["title"]) == one_line(title)
    assert as_bibtex_reads(fields["organization"]) == one_line(site_title)
    url = f"{base}companies/{slug}/" if base else None
    assert fields.get("url") == url
    assert fields.get("howpublished") == (f"\\url{{{url}}}" if url else None)
    expected = {"year": UPDATED[:4], "date": UPDATED, "note": f"Updated {UPDATED_LABEL}"}
    assert {k: fields[k] for k in expected if k in fields} == (expected if updated else {})


@pytest.mark.parametrize("url", ["https://x.example/a%20b/", "https://x.example/ü/",
                                 "https://x.example/{a}\\b/", "https://x.example/~user/"])
def test_addresses_with_characters_latex_reads_as_syntax_stay_whole(tmp_path: Path,
                                                                   url: str) -> None:
    site = write_files(tmp_path / "site", {"site.yaml": site_yaml("S", url),
                                           "content/companies/a.yaml": "name: A\n"})
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "--quiet").code == 0
    _, fields = read_bib(out, "a")
    # The url field is read verbatim; \url{} inside another field needs \% and \# escaped.
    assert not set(fields["url"]) & set("{}\\ ") and fields["url"].isascii()
    assert fields["howpublished"] == "\\url{" + fields["url"].replace("%", "\\%") + "}"
    csl = json.loads((out / "companies/a/cite.json").read_text(encoding="utf-8"))
    assert csl[0]["URL"] == url + "companies/a/"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1))
def test_any_text_escapes_to_balanced_latex_that_reads_back(text: str) -> None:
    escaped = latex_text(text)
    assert braces_balance(escaped) and "\n" not in escaped
    assert not re.search(r"[\\{}$&%#_^~]", _ESCAPES.sub("", escaped))


# --- cite.json ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("slug", "title", "updated"), RECORDS, ids=IDS)
def test_cite_json_is_valid_csl_json(built: tuple[Path, str, str | None], slug: str,
                                     title: str, updated: bool) -> None:
    out, site_title, base = built
    data = json.loads((out / f"companies/{slug}/cite.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(CSL_SCHEMA).validate(data)
    [item] = data
    expected: dict[str, Any] = {"id": f"company:{slug}", "citation-key": f"company:{slug}",
                                "type": "webpage", "title": one_line(title),
                                "container-title": one_line(site_title), "language": "en"}
    if base:
        expected["URL"] = f"{base}companies/{slug}/"
    if updated:
        expected["issued"] = {"date-parts": [[2021, 3, 9]]}
    # No "accessed": when a reader reads the page is theirs to say, not the build's.
    assert item == expected


def test_the_schema_check_catches_a_broken_item() -> None:
    validator = jsonschema.Draft7Validator(CSL_SCHEMA)
    for broken in ([{"id": "x", "type": "web page"}], [{"type": "webpage"}],
                   [{"id": "x", "type": "webpage", "issued": "2021"}],
                   [{"id": "x", "type": "webpage", "headline": "t"}], {"id": "x"}):
        assert not validator.is_valid(broken), broken


# --- the record page ------------------------------------------------------------------------------

def expected_text(title: str, site_title: str, updated: bool, url_text: str) -> str:
    date = f", updated {UPDATED_LABEL}" if updated else ""
    return f"“{one_line(title)}”, {one_line(site_title)}{date}. {url_text}"


@pytest.mark.parametrize(("slug", "title", "updated"), RECORDS, ids=IDS)
def test_record_page_has_cite_this_page_and_meta_tags(built: tuple[Path, str, str | None],
                                                      slug: str, title: str,
                                                      updated: bool) -> None:
    out, site_title, base = built
    page = parse_html((out / f"companies/{slug}/index.html").read_text(encoding="utf-8"))
    [block] = page.by_class("cite-this")
    assert block.by_tag("h2")[0].text == "Cite this page"
    assert "data-pagefind-ignore" in block.attrs
    url_text = f"{base}companies/{slug}/" if base else f"companies/{slug}/"
    [text] = block.by_class("cite-text")
    assert text.text == expected_text(title, site_title, updated, url_text)
    assert text.links() == [(f"../../companies/{slug}/index.html", url_text)]
    files = dict((label, href) for href, label in block.by_class("cite-files")[0].links())
    assert files == {"BibTeX": "cite.bib", "CSL-JSON": "cite.json"}
    assert all((out / f"companies/{slug}" / href).is_file() for href in files.values())
    meta = meta_tags(page)
    assert meta["citation_title"] == [one_line(title)]
    assert meta.get("citation_date") == (["2021/03/09"] if updated else None)
    assert meta.get("citation_public_url") == ([url_text] if base else None)


def _cite_block(page: Element) -> str:
    return page.by_class("cite-this")[0].text


def test_sources_and_the_default_site_have_it_too(tmp_path: Path) -> None:
    from tests.conftest import copy_default_site
    site = copy_default_site(tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "--quiet").code == 0
    for rel in ("companies/microsoft", "sources/news-2020-06-11", "studies/aclu-2018-congress"):
        page = parse_html((out / rel / "index.html").read_text(encoding="utf-8"))
        assert _cite_block(page).startswith("Cite this page “")
        assert (out / rel / "cite.bib").is_file() and (out / rel / "cite.json").is_file()
        # The default site says nothing of when its records were updated: no date at all.
        assert "updated" not in _cite_block(page) and "citation_date" not in meta_tags(page)


# --- never the build's date -----------------------------------------------------------------------

def test_the_build_date_is_never_a_citation_date(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    site = write_site(tmp_path, "S", BASE)
    trees = []
    for epoch in ("0", "1700000000"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        out = tmp_path / f"out-{epoch}"
        assert run_cli("build", "--site", site, "--out", out, "--quiet", "--no-cache").code == 0
        trees.append({k: v for k, v in tree_bytes(out).items()
                      if k.endswith(("cite.bib", "cite.json"))})
    assert trees[0] == trees[1] and len(trees[0]) == 2 * len(RECORDS)
    undated = [slug for slug, _, updated in RECORDS if not updated]
    for slug in undated:
        bib = trees[0][f"companies/{slug}/cite.bib"].decode()
        assert not re.search(r"\b(year|date|note|urldate)\s*=", bib)
        assert "issued" not in trees[0][f"companies/{slug}/cite.json"].decode()


# --- incremental builds ---------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def own_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def build(site: Path, out: Path, **options: bool) -> BuildResult:
    return build_site(site, out, options=Options(**options))


def test_an_updated_date_remakes_its_records_citation_files_alone(tmp_path: Path) -> None:
    site = write_site(tmp_path, "S", BASE)
    out = tmp_path / "out"
    build(site, out)
    before = tree_bytes(out)
    path = site / "content/companies/c0.yaml"
    path.write_text(path.read_text().replace(UPDATED, "2022-01-02"))
    build(site, out)
    after = tree_bytes(out)
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert {"companies/c0/cite.bib", "companies/c0/cite.json",
            "companies/c0/index.html"} <= changed
    assert not {rel for rel in changed if "cite." in rel} - {"companies/c0/cite.bib",
                                                              "companies/c0/cite.json"}
    assert "Updated 2 January 2022" in after["companies/c0/cite.bib"].decode()


EDITS = {
    "retitle c0": ("content/companies/c0.yaml", lambda t: t.replace("name:", "name: New", 1)),
    "undate c0": ("content/companies/c0.yaml",
                  lambda t: re.sub(r"updated: .*\n", "", t)),
    "date c1": ("content/companies/c1.yaml",
                lambda t: t if "updated:" in t else t + "updated: 2020-01-31\n"),
    "redate d0": ("content/companies/d0.yaml",
                  lambda t: re.sub(r"updated: .*\n", "", t) + "updated: 2019-12-01\n"),
    "retitle site": ("site.yaml", lambda t: t.replace('title: "S"', 'title: "S & T"')),
    "no base": ("site.yaml", lambda t: t.replace(f"base_url: {BASE}\n", "")),
    "base": ("site.yaml", lambda t: t if "base_url" in t
             else t.replace("types:", f"base_url: {BASE}\ntypes:")),
}


@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=4))
def test_incremental_builds_equal_clean_builds(tmp_path: Path, edits: list[str]) -> None:
    root = tmp_path / f"run-{os.urandom(4).hex()}"
    site = write_site(root, "S", BASE)
    out, clean = root / "out", root / "clean"
    build(site, out)
    for name in edits:
        rel, change = EDITS[name]
        (site / rel).write_text(change((site / rel).read_text()))
        build(site, out)
        build(site, clean, load=False, save=False)
        assert tree_bytes(out) == tree_bytes(clean), name
    shutil.rmtree(root)
