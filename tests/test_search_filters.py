"""Search filters: each record page hands Pagefind its type and its facet values; Pagefind's
files are put in one order whatever order its run chose (write/bundle.py, over a CBOR codec
that gives Pagefind's bytes back); the search page offers the filters, with and without
words to search for."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cbor2
import pytest

from generator.render.shards import EXACT_BUCKETS, exact_file
from generator.write.bundle import ENTRY, BundleError, stable_bundle
from generator.write.pagefind import run_pagefind
from tests.conftest import REPO, copy_default_site, tree_bytes, write_files
from tests.gates import new_context, serve
from tests.hardening import run_cli

SIGNATURE = b"pagefind_dcd"

SITE_YAML = """\
title: Filters
description: A site with a facet field of each kind.
base_url: https://example.org/filters/
types:
  city:
    folder: cities
    plural: Cities
    fields:
      name: {type: text, required: true}
      country: {type: text, facet: true}
      founded: {type: year, facet: true}
  company:
    folder: companies
    plural: Companies
    subtitle: headquarters
    fields:
      name: {type: text, required: true}
      headquarters: {type: ref, to: city, facet: true}
      markets: {type: refs, to: city, facet: true, label: Sells in}
      tags: {type: list, facet: true}
      summary: {type: markdown}
"""
# type -> slug -> fields; ref values are slugs of cities
RECORDS: dict[str, dict[str, dict[str, Any]]] = {
    "city": {
        "oslo": {"name": "Oslo", "country": "Norway", "founded": 1048},
        "bergen": {"name": "Bergen", "country": "Norway"},
        "lyon": {"name": "Lyon", "country": "France", "founded": 43},
        "paris": {"name": "Paris <Île-de-France>", "country": "France & co"},
    },
    "company": {
        "acme": {"name": "Acme", "headquarters": "oslo", "markets": ["oslo", "bergen"],
                 "tags": ["alpha", "b: c", "d, e"], "summary": "Makes widgets in Oslo."},
        "acme-bergen": {"name": "Acme", "headquarters": "bergen",
                        "summary": "Another Acme, which makes widgets in Bergen."},
        "globex": {"name": "Globex", "headquarters": "lyon", "markets": ["paris"],
                   "tags": [f"t{n}" for n in range(1, 9)], "summary": "Widgets and more."},
        "initech": {"name": "Initech", "tags": ["<b>"], "summary": "No widgets at all."},
    },
}
FOLDERS = {"city": "cities", "company": "companies"}
LABELS = {"type": "Type", "city-country": "Country", "city-founded": "Founded",
          "company-headquarters": "Headquarters", "company-markets": "Sells in",
          "company-tags": "Tags"}


def _yaml(fields: dict[str, Any]) -> str:
    return "".join(f"{key}: {json.dumps(value)}\n" for key, value in fields.items())


def _title(type_name: str, slug: str) -> str:
    return str(RECORDS[type_name][slug]["name"])


def expected_filters(type_name: str, slug: str) -> dict[str, list[str]]:
    """The filters the record page should give Pagefind, worked out from its fields."""
    fields = RECORDS[type_name][slug]
    found = {"type": [type_name.capitalize()]}
    for name, value in fields.items():
        if name in ("name", "summary"):
            continue
        if name in ("headquarters", "markets"):
            values = [_title("city", s) for s in ([value] if isinstance(value, str) else value)]
        else:
            values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        found[f"{type_name}-{name}"] = values
    return found


def unpack(raw: bytes) -> bytes:
    data = gzip.decompress(raw)
    assert data.startswith(SIGNATURE)
    return data[len(SIGNATURE):]


def read(raw: bytes) -> Any:
    """The CBOR item of a gzipped Pagefind file, for a test to look into."""
    return cbor2.loads(unpack(raw))


def fragments(bundle: dict[str, bytes]) -> dict[str, dict[str, Any]]:
    """Each fragment of a bundle by the URL of its page."""
    found = {}
    for rel, raw in bundle.items():
        if rel.startswith("fragment/"):
            fragment = json.loads(unpack(raw))
            found[fragment["url"]] = fragment
    return found


@pytest.fixture(scope="module")
def filter_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("filters")
    os.environ.setdefault("XDG_CACHE_HOME", str(root / "user-cache"))
    files: dict[str, str | bytes] = {"site.yaml": SITE_YAML}
    for type_name, records in RECORDS.items():
        for slug, fields in records.items():
            files[f"content/{FOLDERS[type_name]}/{slug}.yaml"] = _yaml(fields)
    site = write_files(root / "site", files)
    out = root / "out"
    done = run_cli("build", "--site", site, "--out", out, "--quiet")
    assert done.code == 0, done.err
    return site, out


def record_pages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for folder in FOLDERS.values()
                  for p in (out / folder).glob("*/index.html"))


# --- cbor2 reads and writes Pagefind's files as they are ----------------------------------

def test_pagefinds_metadata_and_filter_files_come_back_byte_for_byte(
        filter_site: tuple[Path, Path]) -> None:
    _, out = filter_site
    raw = run_pagefind(out, record_pages(out))
    assert not isinstance(raw, str), raw
    checked = [rel for rel in raw if rel.endswith((".pf_meta", ".pf_filter"))]
    assert len(checked) == 1 + len(LABELS)  # one metadata file and each filter's
    for rel in checked:
        data = unpack(raw[rel])
        assert cbor2.dumps(cbor2.loads(data)) == data, rel


# --- one order whatever Pagefind's run chose -----------------------------------------------

def _named_by_contents(bundle: dict[str, bytes]) -> None:
    """Every metadata and filter file is named as Pagefind names it: its language, then the
    start of the SHA-1 of its contents, each byte in hex without a leading zero."""
    def sha1(data: bytes) -> str:
        return "".join(f"{b:x}" for b in hashlib.sha1(data).digest())

    entry = json.loads(bundle[ENTRY])
    for language, about in entry["languages"].items():
        meta = unpack(bundle[f"pagefind.{about['hash']}.pf_meta"])
        assert about["hash"] == f"{language}_{sha1(meta)[:len(language) + 8]}"
        listed = read(bundle[f"pagefind.{about['hash']}.pf_meta"])[3]
        assert listed == sorted(listed)
        for name, filter_hash in listed:
            data = unpack(bundle[f"filter/{filter_hash}.pf_filter"])
            assert sha1(data).startswith(filter_hash[len(language) + 1:])
            values = read(bundle[f"filter/{filter_hash}.pf_filter"])[1]
            assert values == sorted(values), name


def test_the_bundle_is_the_same_whatever_order_pagefind_chose(
        filter_site: tuple[Path, Path]) -> None:
    _, out = filter_site
    runs = [run_pagefind(out, record_pages(out)) for _ in range(3)]
    stable = [stable_bundle(raw) for raw in runs if not isinstance(raw, str)]
    assert len(stable) == 3
    assert stable[0] == stable[1] == stable[2]
    _named_by_contents(stable[0])
    assert stable_bundle(stable[0]) == stable[0]  # already in order: nothing moves
    raw = runs[0]
    assert not isinstance(raw, str)
    assert fragments(raw) == fragments(stable[0])  # the pages are Pagefind's, untouched


def test_a_bundle_of_another_shape_is_refused(filter_site: tuple[Path, Path]) -> None:
    _, out = filter_site
    raw = run_pagefind(out, record_pages(out))
    assert not isinstance(raw, str)
    a_filter = next(rel for rel in raw if rel.endswith(".pf_filter"))
    garbled = gzip.compress(SIGNATURE + b"abc")
    broken = [(a_filter, gzip.compress(SIGNATURE + b"\x20")),  # not what Pagefind writes
              (a_filter, garbled[:12] + b"\xff\xff\xff" + garbled[15:]),  # not gzip
              (a_filter, gzip.compress(b"\x82\x00\x80")),  # no signature
              (ENTRY, b"{}"), (ENTRY, b"[")]
    for rel, data in broken:
        with pytest.raises(BundleError, match="pagefind wrote an index this build cannot read"):
            stable_bundle({**raw, rel: data})


@pytest.fixture(scope="module")
def default_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Path]]:
    """The default site built three times, with --jobs 1 and 2, on disk and on tmpfs."""
    root = tmp_path_factory.mktemp("default-builds")
    site = copy_default_site(root)
    shm = Path("/dev/shm")
    fast = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() and os.access(shm, os.W_OK) else root
    outs = []
    for number, (where, jobs) in enumerate(((root, 1), (root, 2), (fast, 2))):
        out = where / f"out-{number}"
        subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site),
                        "--out", str(out), "--no-cache", "--quiet", "--jobs", str(jobs)],
                       check=True, cwd=REPO, timeout=300,
                       env=dict(os.environ, XDG_CACHE_HOME=str(root / f"cache-{number}")))
        outs.append(out)
    yield outs
    if fast != root:
        shutil.rmtree(fast, ignore_errors=True)


def test_three_builds_with_filters_give_the_same_index(default_builds: list[Path]) -> None:
    bundles = [tree_bytes(out / "pagefind") for out in default_builds]
    filters = [rel for rel in bundles[0] if rel.endswith(".pf_filter")]
    many = [rel for rel in filters if len(read(bundles[0][rel])[1]) > 1]
    assert len(filters) >= 3 and many, "the default site has too few filters to show anything"
    for other in bundles[1:]:
        assert sorted(other) == sorted(bundles[0])
        assert [rel for rel in other if other[rel] != bundles[0][rel]] == []
    pages = [(out / "search/index.html").read_bytes() for out in default_builds]
    assert pages[0] == pages[1] == pages[2]


# --- what the record pages hand Pagefind ---------------------------------------------------

CASES = [(t, s) for t in RECORDS for s in RECORDS[t]]


@pytest.mark.parametrize(("type_name", "slug"), CASES, ids=[f"{t}:{s}" for t, s in CASES])
def test_each_record_gives_its_type_and_facet_values_as_filters(
        filter_site: tuple[Path, Path], type_name: str, slug: str) -> None:
    _, out = filter_site
    fragment = fragments(tree_bytes(out / "pagefind"))[f"/{FOLDERS[type_name]}/{slug}/index.html"]
    assert fragment["filters"] == expected_filters(type_name, slug)
    assert fragment["meta"]["title"] == _title(type_name, slug)
    # the subtitle only where another record of the type has the same title
    twins = [s for s, f in RECORDS[type_name].items() if f["name"] == _title(type_name, slug)]
    subtitle = _title("city", RECORDS[type_name][slug]["headquarters"]) if len(twins) > 1 else None
    assert fragment["meta"].get("subtitle") == subtitle
    if type_name == "company":  # no backlinks: the type is said once, by the kicker
        assert fragment["content"].count("Company") == 1  # filters are not words of the page


def test_the_exact_title_lookup_names_every_record(filter_site: tuple[Path, Path]) -> None:
    _, out = filter_site
    bundle = tree_bytes(out / "pagefind")
    ids = {f["url"]: rel.removeprefix("fragment/").removesuffix(".pf_fragment")
           for rel in bundle if rel.startswith("fragment/")
           for f in [json.loads(unpack(bundle[rel]))]}
    lookup: dict[str, list[str]] = {}
    for number in range(EXACT_BUCKETS):
        for key, found in json.loads(bundle[exact_file(number)]).items():
            assert key not in lookup
            lookup[key] = found
    assert lookup["acme"] == sorted([ids["/companies/acme/index.html"],
                                     ids["/companies/acme-bergen/index.html"]])
    assert lookup["paris ile de france"] == [ids["/cities/paris/index.html"]]
    assert sum(len(found) for found in lookup.values()) == len(ids)


# --- the search page, in a browser ---------------------------------------------------------

def _open(browser: Any, out: Path, url: str, query: str = "") -> Any:
    context = new_context(browser, out)
    page = context.new_page()
    page.goto(url + "search/" + (f"?q={query}" if query else ""), wait_until="load")
    page.wait_for_selector("#search:not([hidden])", timeout=15_000)
    return page


def _titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#search .search-result-title").all_inner_texts()]


def _settle(page: Any, status: str) -> None:
    page.wait_for_function("s => document.getElementById('search-status').textContent"
                           ".startsWith(s)", arg=status, timeout=15_000)


def test_the_filters_are_labelled_by_the_fields_labels(browser: Any,
                                                       filter_site: tuple[Path, Path]) -> None:
    _, out = filter_site
    with serve(out) as url:
        page = _open(browser, out, url)
        try:
            legends = page.locator("#search-filters fieldset:visible legend").all_inner_texts()
            tags = page.locator("fieldset[data-filter=company-tags] select option")
            boxes = page.locator("fieldset[data-filter=type] input[type=checkbox]")
            assert legends == list(LABELS.values())
            every_tag = {t for f in RECORDS["company"].values() for t in f.get("tags", [])}
            assert tags.count() == 1 + len(every_tag)  # "Any", then each: a drop-down list
            assert boxes.count() == 2
            assert page.locator("fieldset[data-filter=type]").inner_text().split() == [
                "Type", "City", "(4)", "Company", "(4)"]
        finally:
            page.context.close()


def test_filters_alone_list_the_records_that_have_the_value(
        browser: Any, filter_site: tuple[Path, Path]) -> None:
    _, out = filter_site
    with serve(out) as url:
        page = _open(browser, out, url)
        try:
            page.locator("fieldset[data-filter=type] label", has_text="City").click()
            _settle(page, "4 records with the chosen filters")
            assert sorted(_titles(page)) == ["City: Bergen", "City: Lyon", "City: Oslo",
                                             "City: Paris <Île-de-France>"]
            # keyboard only: to the country filter's second box, and tick it
            page.focus("fieldset[data-filter=city-country] input >> nth=0")
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.value") == "Norway"
            page.keyboard.press("Space")
            _settle(page, "2 records with the chosen filters")
            assert sorted(_titles(page)) == ["City: Bergen", "City: Oslo"]
            page.click("#search-clear")
            page.wait_for_function("!document.getElementById('search-status').textContent")
            assert _titles(page) == []
        finally:
            page.context.close()


def test_filters_narrow_a_search_and_results_show_the_subtitle(
        browser: Any, filter_site: tuple[Path, Path]) -> None:
    _, out = filter_site
    with serve(out) as url:
        page = _open(browser, out, url, "widgets")
        try:
            _settle(page, "4 records found for “widgets”")
            page.select_option("fieldset[data-filter=company-tags] select", "t3")
            _settle(page, "1 record found for “widgets” with the chosen filters")
            assert _titles(page) == ["Company: Globex"]
            page.select_option("fieldset[data-filter=company-tags] select", "")
            page.locator("fieldset[data-filter=company-headquarters] label",
                         has_text="Bergen").click()
            _settle(page, "1 record found")
            # two companies are called Acme: each result says which one it is
            assert _titles(page) == ["Company: Acme (Bergen)"]
            counts = page.locator("fieldset[data-filter=company-headquarters]").inner_text()
            assert counts.split()[1:] == ["Bergen", "(1)", "Lyon", "(1)", "Oslo", "(1)"]
        finally:
            page.context.close()
