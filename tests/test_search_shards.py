"""The search index of a big site comes in shards: planned by page path alone, indexed side
by side, merged by the search page in the browser, and re-indexed one shard at a time."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from benchmarks.peer.convert import write_site
from benchmarks.synth import make_corpus
from generator.build import build_site
from generator.render.shards import SHARD_PAGES, plan_shards, shard_bundle, shard_number
from tests.gates import new_context, serve

RECORDS = 2 * SHARD_PAGES + 100  # three shards


def test_shards_hold_about_shard_pages_each_and_depend_on_the_path_alone() -> None:
    pages = [f"companies/c{i}/index.html" for i in range(RECORDS)]
    shards = plan_shards(pages)
    assert sorted(shards) == [0, 1, 2]
    assert sorted(p for paths in shards.values() for p in paths) == sorted(pages)
    assert all(400 < len(paths) < 1200 for paths in shards.values())
    more = plan_shards([*pages, "companies/new/index.html"])
    assert all(set(shards[n]) <= set(more[n]) for n in shards)  # nothing else moved
    assert plan_shards(pages[:10]) == {0: sorted(pages[:10])}


def test_each_shard_has_its_own_folder() -> None:
    assert shard_bundle(0) == "pagefind/" and shard_bundle(2) == "pagefind/shard-2/"
    assert shard_number("pagefind/pagefind.js") == 0
    assert shard_number("pagefind/shard-2/fragment/x.pf_fragment") == 2


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("shards")
    os.environ.setdefault("XDG_CACHE_HOME", str(root / "user-cache"))
    corpus = make_corpus(RECORDS, 1)
    site, out = root / "site", root / "site" / "output"
    write_site(corpus, site)
    build_site(site, out, jobs=2)
    return site, out, corpus


def test_a_big_site_is_indexed_in_shards_that_the_search_page_merges(
        big_site: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, _ = big_site
    assert (out / "pagefind/pagefind.js").is_file()
    assert (out / "pagefind/shard-1/pagefind-entry.json").is_file()
    assert (out / "pagefind/shard-2/pagefind-entry.json").is_file()
    html = (out / "search/index.html").read_text(encoding="utf-8")
    assert 'data-shards="../pagefind/shard-1/ ../pagefind/shard-2/"' in html


def test_an_edit_reindexes_only_its_shard(big_site: tuple[Path, Path, dict[str, Any]]) -> None:
    site, out, corpus = big_site
    slug = corpus["cities"][0]["slug"]
    shard = next(n for n, paths in plan_shards(
        [p.relative_to(out).as_posix() for p in out.glob("*/*/index.html")
         if p.parts[-3] in ("companies", "cities", "studies", "sources")]).items()
        if f"cities/{slug}/index.html" in paths)

    def bundle_stamps() -> dict[str, int]:
        return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns
                for p in (out / "pagefind").rglob("*") if p.is_file()}

    before = bundle_stamps()
    record = site / f"content/cities/{slug}.yaml"  # a field no other record page shows
    record.write_text(record.read_text(encoding="utf-8").replace("population: ",
                                                                 "population: 1", 1),
                      encoding="utf-8")
    build_site(site, out, jobs=2)
    after = bundle_stamps()
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert changed and {shard_number(rel) for rel in changed} == {shard}


def test_the_browser_finds_records_of_every_shard(browser: Any,
                                                  big_site: tuple[Path, Path, dict[str, Any]]
                                                  ) -> None:
    _, out, corpus = big_site
    pages = [p.relative_to(out).as_posix() for p in out.glob("companies/*/index.html")]
    shards = plan_shards(pages)
    names = {company["slug"]: company["name"] for company in corpus["companies"]}
    wanted = {n: names[paths[0].split("/")[1]] for n, paths in shards.items()}
    with serve(out) as url:
        context = new_context(browser, out)
        try:
            page = context.new_page()
            page.goto(url + "search/", wait_until="load")
            for name in wanted.values():
                page.fill("#search input", name)
                page.wait_for_selector(f"#search .search-result:has-text('{name}')",
                                       timeout=15_000)
        finally:
            context.close()
