"""Source provenance: publisher, date, address, accessed and archived copy on the source page,
in every citation and in JSON-LD; the SHA-256 fingerprint of a source's text; the error for
an archive date without its snapshot; and incremental builds that keep citations current."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import BuildResult, Options, build_site
from generator.render import provenance
from tests.conftest import tree_bytes, write_files
from tests.hardening import error_lines, run_cli
from tests.htmltree import Element, parse_html

BASE = "https://facts.example/"
FIELDS = ("publisher", "date", "url", "accessed", "archive_url", "archived")
VALUES = {"publisher": "Gazette & <Sons> Ltd", "date": "2020-06-11",
          "url": "https://news.example/story?id=1&page=2", "accessed": "2020-06-12",
          "archive_url": "https://archive.example/web/20200613/https://news.example/story",
          "archived": "2020-06-13"}
LABELS = {"publisher": "Publisher", "date": "Published", "url": "Address",
          "accessed": "Accessed", "archive_url": "Archived copy", "archived": "Archived"}
READ = {"date": "11 June 2020", "accessed": "12 June 2020", "archived": "13 June 2020"}
TYPES = {"publisher": "text", "date": "date", "url": "url", "accessed": "date",
         "archive_url": "url", "archived": "date"}

# Every set of provenance fields a source may have: `archived` needs `archive_url`.
SUBSETS = [frozenset(c) for n in range(len(FIELDS) + 1) for c in itertools.combinations(FIELDS, n)
           if "archived" not in c or "archive_url" in c]


def slug_of(fields: frozenset[str]) -> str:
    return "s-" + ("-".join(f.replace("_", "") for f in FIELDS if f in fields) or "none")


def site_yaml(types: dict[str, str] = TYPES, base: str | None = BASE) -> str:
    lines = ["title: Provenance site", *([f"base_url: {base}"] if base else []), "types:",
             "  company:", "    folder: companies", "    fields:",
             "      name: {type: text, required: true}",
             "  source:", "    folder: sources", "    schema_org: NewsArticle", "    fields:",
             "      title: {type: text, required: true}"]
    lines += [f"      {name}: {{type: {kind}, label: {LABELS[name]}}}"
              for name, kind in types.items()]
    return "\n".join([*lines, "      text: {type: text}", ""])


def source_yaml(fields: frozenset[str], slug: str) -> str:
    lines = [f"title: Report {slug}"]
    lines += [f"{name}: {json.dumps(VALUES[name])}" for name in FIELDS if name in fields]
    return "\n".join([*lines, f"text: Report {slug} says the sky is blue over {slug}.", ""])


def citer_yaml(slugs: list[str]) -> str:
    facts = "".join(f"  - text: Fact about {slug}.\n    source: {slug}\n"
                    f"    quote: the sky is blue over {slug}\n" for slug in slugs)
    return f"name: Citer\nfacts:\n{facts}"


def write_site(root: Path, subsets: list[frozenset[str]] = SUBSETS,
               types: dict[str, str] = TYPES) -> Path:
    files = {"site.yaml": site_yaml(types),
             "content/companies/citer.yaml": citer_yaml([slug_of(s) for s in subsets]),
             "content/companies/bystander.yaml": "name: Bystander\n"}
    files |= {f"content/sources/{slug_of(s)}.yaml": source_yaml(s, slug_of(s)) for s in subsets}
    return write_files(root / "site", files)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = write_site(tmp_path_factory.mktemp("provenance"))
    out = site.parent / "out"
    outcome = run_cli("build", "--site", site, "--out", out, "--quiet", "--no-cache")
    assert outcome.code == 0, outcome.err
    return out


def page(out: Path, rel: str) -> Element:
    return parse_html((out / rel).read_text(encoding="utf-8"))


def jsonld(tree: Element) -> dict[str, Any]:
    scripts = [s for s in tree.by_tag("script") if s.attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads("".join(c for c in scripts[0].children
                                              if isinstance(c, str)))
    return data


def details(tree: Element) -> list[tuple[str, str, list[str]]]:
    """(label, text, link targets) of each line of a record's details."""
    lists = tree.by_class("details")
    if not lists:
        return []
    return [(div.by_tag("dt")[0].text, div.by_tag("dd")[0].text,
             [href for href, _ in div.by_tag("dd")[0].links()])
            for div in lists[0].by_tag("div")]


def expected_details(fields: frozenset[str]) -> list[tuple[str, str, list[str]]]:
    rows = []
    for name in FIELDS:
        if name not in fields or (name == "archived" and "archive_url" in fields):
            continue
        text = READ.get(name, VALUES[name])
        if name == "archive_url" and "archived" in fields:
            text = f"Archived {READ['archived']}"
        rows.append((LABELS[name], text, [VALUES[name]] if TYPES[name] == "url" else []))
    return rows


def expected_citation(fields: frozenset[str]) -> str:
    """What a citation shows of a source after its title (publisher, date, archived copy)."""
    text = "".join(f", {VALUES['publisher'] if name == 'publisher' else READ['date']}"
                   for name in ("publisher", "date") if name in fields)
    if "archive_url" in fields:
        text += f" (Archived {READ['archived']})" if "archived" in fields else " (Archived copy)"
    return text


def expected_jsonld(fields: frozenset[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if "url" in fields:
        data["url"] = VALUES["url"]
    if "date" in fields:
        data["datePublished"] = VALUES["date"]
    if "publisher" in fields:
        data["publisher"] = {"@type": "Organization", "name": VALUES["publisher"]}
    if "archive_url" in fields:
        data["archivedAt"] = {"@type": "WebPage", "url": VALUES["archive_url"],
                              **({"dateCreated": VALUES["archived"]}
                                 if "archived" in fields else {})}
    return data


PROVENANCE_KEYS = ("url", "datePublished", "publisher", "archivedAt", "sameAs")


def citations(out: Path) -> dict[str, Element]:
    """The citer's notes, by the slug of the source each cites."""
    notes = page(out, "companies/citer/index.html").by_class("note-list")[0].by_tag("li")
    by_source = {}
    for note in notes:
        href = note.by_tag("cite")[0].links()[0][0]
        by_source[re.search(r"sources/([^/]+)/", href).group(1)] = note  # type: ignore[union-attr]
    return by_source


# --- the source page ----------------------------------------------------------------------------

@pytest.mark.parametrize("fields", SUBSETS, ids=slug_of)
def test_source_page_lists_what_the_source_says_of_itself(built: Path,
                                                          fields: frozenset[str]) -> None:
    tree = page(built, f"sources/{slug_of(fields)}/index.html")
    assert details(tree) == expected_details(fields)
    archived = [a for a in tree.by_tag("a") if a.text.startswith("Archived ")]
    assert [a.attrs["href"] for a in archived] == \
        ([VALUES["archive_url"]] if {"archive_url", "archived"} <= fields else [])


@pytest.mark.parametrize("fields", SUBSETS, ids=slug_of)
def test_source_json_ld_carries_its_provenance(built: Path, fields: frozenset[str]) -> None:
    slug = slug_of(fields)
    data = jsonld(page(built, f"sources/{slug}/index.html"))
    assert data["@type"] == "NewsArticle"
    assert data["@id"] == f"{BASE}sources/{slug}/"
    shown = {k: v for k, v in data.items() if k in PROVENANCE_KEYS}
    # Without an original address, its `url` is this page's, as every record's is.
    assert shown == expected_jsonld(fields) | ({} if "url" in fields
                                               else {"url": f"{BASE}sources/{slug}/"})


# --- each citation ------------------------------------------------------------------------------

def test_each_citation_shows_its_sources_publisher_date_and_archived_copy(built: Path) -> None:
    notes = citations(built)
    assert len(notes) == len(SUBSETS)
    for fields in SUBSETS:
        note = notes[slug_of(fields)]
        shown = note.by_class("provenance")
        assert (shown[0].text if shown else "") == expected_citation(fields).strip(), fields
        source = note.by_class("note-source")[0]
        assert source.text == (f"From Report {slug_of(fields)}{expected_citation(fields)}; "
                               "see the passage."), fields
        archive = [href for href, _ in source.links() if href == VALUES["archive_url"]]
        assert archive == ([VALUES["archive_url"]] if "archive_url" in fields else []), fields


def test_citations_in_json_ld_carry_their_sources_provenance(built: Path) -> None:
    data = jsonld(page(built, "companies/citer/index.html"))
    cited = {claim["citation"]["@id"]: claim["citation"] for claim in data["subjectOf"]}
    assert len(cited) == len(SUBSETS)
    for fields in SUBSETS:
        slug = slug_of(fields)
        ref = cited[f"{BASE}sources/{slug}/"]
        assert ref["@type"] == "NewsArticle" and ref["name"] == f"Report {slug}"
        assert {k: v for k, v in ref.items() if k in PROVENANCE_KEYS} == expected_jsonld(fields)


def test_fields_declared_with_another_type_are_ordinary_fields(tmp_path: Path) -> None:
    every = frozenset(FIELDS)
    site = write_site(tmp_path, [every], {name: "text" for name in FIELDS})
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "--quiet").code == 0
    slug = slug_of(every)
    tree = page(out, f"sources/{slug}/index.html")
    assert details(tree) == [(LABELS[n], VALUES[n], []) for n in FIELDS]
    # `publisher` is text as declared; the dates and addresses, as text, mean nothing more.
    assert citations(out)[slug].by_class("provenance")[0].text == f", {VALUES['publisher']}"
    cited = jsonld(page(out, "companies/citer/index.html"))["subjectOf"][0]["citation"]
    for data in (jsonld(tree), cited):
        assert not {"datePublished", "archivedAt", "sameAs"} & set(data)
        assert data["publisher"] == {"@type": "Organization", "name": VALUES["publisher"]}
    assert jsonld(tree)["url"] == f"{BASE}sources/{slug}/" and "url" not in cited


# --- the fingerprint ----------------------------------------------------------------------------

CURLY = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
         "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'"}


def independent_sha256(text: str) -> str:
    """The fingerprint as docs/content.md tells a reader to compute it."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.translate(str.maketrans(CURLY))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Pieces folding changes (white space of every kind, decomposed and composed letters,
# typographic quotes) among ones it keeps.
_TEXTS = st.lists(st.sampled_from([*"ab Z.,-", "\n", "\t", "\u00a0", "  ", "\r\n",
                                   "e\u0301", "\u00e9", "\u212b", "\u1100\u1161", *CURLY, '"',
                                   "'", "日本", "😀", "\u2028", "\x1c"]),
                  min_size=1, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_fingerprint_is_sha256_of_the_folded_text(text: str) -> None:
    assert provenance.fingerprint(text) == independent_sha256(text)


@settings(max_examples=200, deadline=None)
@given(_TEXTS, st.sampled_from([("\u201c", '"'), ("\u2019", "'"), (" ", " \n\t "),
                                ("\u00e9", "e\u0301"), ("", "\n\n")]))
def test_a_copy_that_differs_only_in_folding_has_the_same_fingerprint(
        text: str, change: tuple[str, str]) -> None:
    before, after = change
    copy = text.replace(before, after) if before else after + text + after
    assert provenance.fingerprint(copy) == provenance.fingerprint(text)


@settings(max_examples=200, deadline=None)
@given(_TEXTS.filter(lambda t: "a" in t))
def test_a_changed_letter_changes_the_fingerprint(text: str) -> None:
    assert provenance.fingerprint(text.replace("a", "o", 1)) != provenance.fingerprint(text)


STORED = ("  “Quoted,” she said —\n\n  the café  (e\u0301)\tclosed.\n", "plain", "Ω" * 5000)


@pytest.mark.parametrize("text", STORED, ids=["typographic", "plain", "long"])
def test_source_page_and_index_json_show_the_fingerprint(tmp_path: Path, text: str) -> None:
    site = write_files(tmp_path / "site", {
        "site.yaml": site_yaml(),
        "content/sources/copy.yaml": f"title: Copy\ntext: {json.dumps(text)}\n"})
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "--quiet").code == 0
    expected = independent_sha256(text)
    data = json.loads((out / "sources/copy/index.json").read_text(encoding="utf-8"))
    assert data["text_sha256"] == expected
    site_data = json.loads((out / "data/site.json").read_text(encoding="utf-8"))
    assert [r.get("text_sha256") for r in site_data["records"] if r["type"] == "source"] == \
        [expected]
    shown = page(out, "sources/copy/index.html").by_class("fingerprint")
    assert [code.text for p in shown for code in p.by_tag("code")] == [expected]


def test_a_source_without_text_and_other_records_have_no_fingerprint(built: Path,
                                                                     tmp_path: Path) -> None:
    site = write_files(tmp_path / "site", {"site.yaml": site_yaml(),
                                           "content/sources/empty.yaml": "title: Empty\n"})
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "--quiet").code == 0
    for rel in ("sources/empty/index.json", "companies/citer/index.json"):
        where = out if rel.startswith("sources/") else built
        assert "text_sha256" not in json.loads((where / rel).read_text(encoding="utf-8"))
    assert page(out, "sources/empty/index.html").by_class("fingerprint") == []


def test_each_text_is_hashed_once_per_build(tmp_path: Path) -> None:
    subsets = SUBSETS[:6]
    site = write_site(tmp_path, subsets)
    provenance.fingerprint.cache_clear()
    build_site(site, tmp_path / "out", options=Options(load=False, save=False))
    # Each source's page, index.json, data/site.json and data/source.json show it.
    info = provenance.fingerprint.cache_info()
    assert info.misses == len(subsets)
    assert info.hits >= 3 * len(subsets)


# --- 'archived' needs 'archive_url' --------------------------------------------------------------

MESSAGE = "error: 'archived' needs 'archive_url': the address of the snapshot archived on that date"
LAYOUTS = {
    "last": "title: T\ntext: the sky\narchived: 2020-06-13\n",
    "first": "archived: 2020-06-13\ntitle: T\ntext: the sky\n",
    "after a comment": "# saved by hand\ntitle: T\n\n# when\narchived: 2020-06-13  # a date\n"
                       "text: the sky\n",
    "flow mapping": "{title: T, text: the sky, archived: 2020-06-13}\n",
    "with other fields": "title: T\npublisher: P\ndate: 2020-06-11\nurl: https://x.example/\n"
                         "accessed: 2020-06-12\narchived: 2020-06-13\ntext: the sky\n",
    "block text before": "title: T\ntext: |\n  the sky\n  is blue\n    archived: no\n"
                         "archived: 2020-06-13\n",
}


def key_position(text: str) -> tuple[int, int]:
    """Line and column (1-based) of the top-level key `archived` in a record file."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.search(r"(?:^|[{,] ?)(archived):", line)
        if match and not line.startswith(" "):
            return number, match.start(1) + 1
    raise AssertionError("no archived key")


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_archived_without_archive_url_is_an_error_at_the_key(tmp_path: Path, layout: str) -> None:
    text = LAYOUTS[layout]
    site = write_files(tmp_path / "site", {"site.yaml": site_yaml(),
                                           "content/sources/s.yaml": text})
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert outcome.code == 1 and "Traceback" not in outcome.err
    line, col = key_position(text)
    assert error_lines(outcome.err) == [f"content/sources/s.yaml:{line}:{col}: {MESSAGE}"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fields", [{"archived", "archive_url"}, {"archive_url"}, set()],
                         ids=["both", "snapshot alone", "neither"])
def test_an_archive_url_with_or_without_its_date_is_fine(tmp_path: Path,
                                                         fields: set[str]) -> None:
    site = write_site(tmp_path, [frozenset(fields)])
    assert run_cli("build", "--site", site, "--out", tmp_path / "out", "--quiet").code == 0


def test_other_types_may_have_fields_called_archived(tmp_path: Path) -> None:
    yaml = site_yaml().replace("      name: {type: text, required: true}",
                               "      name: {type: text, required: true}\n"
                               "      archived: {type: date}")
    site = write_files(tmp_path / "site", {"site.yaml": yaml, "content/companies/c.yaml":
                                           "name: C\narchived: 2020-01-01\n"})
    assert run_cli("build", "--site", site, "--out", tmp_path / "out", "--quiet").code == 0


# --- incremental builds -------------------------------------------------------------------------

SOURCE = "content/sources/{}.yaml"


def build(site: Path, out: Path, **options: bool) -> BuildResult:
    return build_site(site, out, options=Options(**options))


@pytest.fixture(autouse=True)
def own_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def test_a_new_publisher_remakes_the_pages_that_cite_the_source(tmp_path: Path) -> None:
    fields = frozenset({"publisher", "date"})
    site, out = write_site(tmp_path, [fields, frozenset()]), tmp_path / "out"
    build(site, out)
    before = tree_bytes(out)
    path = site / SOURCE.format(slug_of(fields))
    path.write_text(path.read_text().replace("Gazette &", "Courier &"))
    build(site, out)
    after = tree_bytes(out)
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert {"companies/citer/index.html", f"sources/{slug_of(fields)}/index.html"} <= changed
    assert "companies/bystander/index.html" not in changed
    assert "sources/s-none/index.html" not in changed
    note = citations(out)[slug_of(fields)]
    assert note.by_class("provenance")[0].text == f", Courier & <Sons> Ltd, {READ['date']}"


EDITS = {
    "publisher": ("publisher", '"Courier"'), "date": ("date", "2019-01-02"),
    "archive_url": ("archive_url", "https://archive.example/other"),
    "archived": ("archived", "2021-02-03"), "accessed": ("accessed", "2021-01-01"),
    "url": ("url", "https://news.example/moved"),
}


def edit_source(site: Path, slug: str, field: str, value: str | None) -> None:
    path = site / SOURCE.format(slug)
    lines = [line for line in path.read_text().splitlines() if not line.startswith(f"{field}:")]
    if value is not None:
        lines.insert(1, f"{field}: {value}")
    path.write_text("\n".join(lines) + "\n")


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.booleans(),
                          st.sampled_from(["s-none", "s-publisher-date-archiveurl-archived"])),
                min_size=1, max_size=4))
def test_incremental_builds_equal_clean_builds(tmp_path: Path,
                                               edits: list[tuple[str, bool, str]]) -> None:
    root = tmp_path / f"run-{os.urandom(4).hex()}"
    site = write_site(root, [frozenset(), frozenset({"publisher", "date", "archive_url",
                                                     "archived"})])
    out, clean = root / "out", root / "clean"
    build(site, out)
    for name, remove, slug in edits:
        field, value = EDITS[name]
        changes = [(field, None if remove else value)]
        # An archive date needs its snapshot: they come and go together.
        if name == "archive_url" and remove:
            changes.append(("archived", None))
        if name == "archived" and not remove:
            changes.append(("archive_url", EDITS["archive_url"][1]))
        for each, new in changes:
            edit_source(site, slug, each, new)
        build(site, out)
        build(site, clean, load=False, save=False)
        assert tree_bytes(out) == tree_bytes(clean), (name, remove, slug)
    shutil.rmtree(root)
