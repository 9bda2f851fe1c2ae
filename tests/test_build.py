"""Whole builds of small sites: templates and their fallbacks, static files, URLs, warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.build import build_site, check_site
from generator.render.engine import RenderedPage, render_page
from generator.render.pages import page_context
from generator.render.plan import plan_pages
from tests.conftest import copy_case, copy_default_site, tree_bytes, write_files


def test_basic_site_builds_every_page(tmp_path: Path, factsheet) -> None:
    site = copy_case("basic", tmp_path)
    run = factsheet("build", "--site", site)
    assert run.code == 0
    files = set(tree_bytes(site / "output"))
    # The search index's files count too; the marker file does not.
    assert f"Built 45 pages and data files ({len(files) - 1} files)" in run.err
    assert run.err.count("warning: no base_url") == 1
    assert {"feed.xml", "sitemap.xml", "robots.txt"}.isdisjoint(files)
    assert {"index.html", "404.html", "data/site.json", "assets/factsheet.css",
            "timeline/index.html", "search/index.html", "pagefind/pagefind-ui.js",
            "data/company.csv", "data/graph.json", "schema/company.json",
            "companies/index.html", "companies/acme/index.html", "companies/acme/index.json",
            "cities/springfield/index.html", "sources/gazette/index.html"} <= files


def test_a_site_template_replaces_the_theme_one_for_its_type_only(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    write_files(site, {"templates/company.html":
                       "<title>{{ record.title }}</title>{{ record.facts | length }} facts\n"})
    build_site(site, tmp_path / "out")
    assert (tmp_path / "out/companies/acme/index.html").read_text() == \
        "<title>Acme Corporation</title>1 facts\n"
    assert "<!DOCTYPE html>" in (tmp_path / "out/cities/springfield/index.html").read_text()


def test_site_static_files_are_copied_over_the_theme(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    write_files(site, {"static/assets/factsheet.css": "body{}", "static/CNAME": "facts.example",
                       "static/.hidden": "no"})
    build_site(site, tmp_path / "out")
    out = tree_bytes(tmp_path / "out")
    assert out["assets/factsheet.css"] == b"body{}"
    assert out["CNAME"] == b"facts.example"
    assert ".hidden" not in out


def test_base_url_gives_canonical_links(tmp_path: Path, factsheet) -> None:
    site = copy_case("basic", tmp_path)
    run = factsheet("build", "--site", site, "--base-url", "https://facts.example/sub")
    assert run.code == 0
    html = (site / "output/companies/acme/index.html").read_text()
    assert '<link rel="canonical" href="https://facts.example/sub/companies/acme/">' in html
    not_found = (site / "output/404.html").read_text()
    assert 'href="https://facts.example/sub/assets/factsheet.css"' in not_found


def test_a_bad_base_url_is_an_error(tmp_path: Path, factsheet) -> None:
    site = copy_case("basic", tmp_path)
    run = factsheet("build", "--site", site, "--base-url", "ftp://x")
    assert run.code == 1
    assert run.err == ("--base-url:1:1: error: 'ftp://x' is not an http:// or https:// URL "
                       "without a ?query or #fragment\n1 error.\n")


def test_warnings_are_printed_but_do_not_fail_the_build(tmp_path: Path, factsheet) -> None:
    site = copy_case("basic", tmp_path)
    write_files(site, {"content/companies/notes.txt": "scratch"})
    run = factsheet("build", "--site", site)
    assert run.code == 0
    assert "content/companies/notes.txt:1:1: warning: ignored: not a .yaml file" in run.err
    assert factsheet("check", "--site", site, "--strict").code == 1


def test_record_json_has_refs_as_relative_urls(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    build_site(site, tmp_path / "out")
    data = json.loads((tmp_path / "out/companies/acme/index.json").read_text())
    assert data["fields"]["headquarters"] == {
        "type": "city", "slug": "springfield", "title": "Springfield",
        "url": "../../cities/springfield/index.html", "data": "../../cities/springfield/index.json"}
    assert data["facts"][0]["quote_url"] == \
        "../../sources/gazette/index.html#quote-company-acme-1"
    everything = json.loads((tmp_path / "out/data/site.json").read_text())
    assert [r["slug"] for r in everything["records"]] == \
        ["acme", "globex", "shelbyville", "springfield", "gazette"]
    assert everything["records"][0]["url"] == "../companies/acme/index.html"


def test_each_page_knows_the_records_it_depends_on(tmp_path: Path) -> None:
    site = check_site(copy_case("basic", tmp_path)).site
    pages = {p.path: p for p in plan_pages(site)}
    _, used = page_context(site, pages["cities/springfield/index.html"])
    # itself in full; by a link alone ("^"), the city it is twinned with and the company
    # based there (a backlink)
    assert used == {"city:springfield", "^city:shelbyville", "^company:acme"}
    _, used = page_context(site, pages["index.html"])
    assert "~*" in used  # every record's title and facts


def test_rendering_twice_from_one_site_gives_the_same_bytes(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    build_site(site, tmp_path / "a")
    build_site(site, tmp_path / "b")
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")


def test_each_page_knows_the_templates_it_was_made_from(tmp_path: Path) -> None:
    site_dir = copy_case("basic", tmp_path)
    write_files(site_dir, {"templates/company.html": '{% extends "record.html" %}\n'})
    checked = check_site(site_dir)
    pages = {p.path: p for p in checked.pages}
    rendered = render_page(checked.env, checked.site, pages["companies/acme/index.html"], site_dir)
    assert isinstance(rendered, RenderedPage)
    assert rendered.templates == {"company.html", "record.html", "base.html", "_macros.html",
                                  "_search_meta.html", "_cite.html", "_embed.html"}
    rendered = render_page(checked.env, checked.site, pages["cities/springfield/index.html"],
                           site_dir)
    assert isinstance(rendered, RenderedPage)
    # city.html does not exist, but one added later would take the page over.
    assert rendered.templates == {"city.html", "record.html", "base.html", "_macros.html",
                                  "_search_meta.html", "_cite.html", "_embed.html"}


def test_several_jobs_give_the_same_output_as_one(tmp_path: Path) -> None:
    site = copy_default_site(tmp_path)
    build_site(site, tmp_path / "one", jobs=1)
    build_site(site, tmp_path / "three", jobs=3)
    assert tree_bytes(tmp_path / "one") == tree_bytes(tmp_path / "three")


def test_template_errors_are_reported_from_worker_processes_too(tmp_path: Path,
                                                                factsheet) -> None:
    site = copy_case("basic", tmp_path)
    write_files(site, {"templates/city.html": "{{ 1 / 0 }}\n"})
    run = factsheet("build", "--site", site, "--jobs", "2")
    assert run.code == 1
    assert run.err == ("templates/city.html:1:1: error: template error: ZeroDivisionError: "
                       "division by zero\n    {{ 1 / 0 }}\n    ^\n1 error.\n")
    assert not (site / "output").exists()


@pytest.mark.parametrize("bad", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(bad: str, factsheet) -> None:
    with pytest.raises(SystemExit) as exit_:
        factsheet("build", "--jobs", bad)
    assert exit_.value.code == 2


def test_verbose_shows_where_the_time_went(tmp_path: Path, factsheet) -> None:
    site = copy_case("basic", tmp_path)
    run = factsheet("build", "--site", site, "--verbose")
    assert "  load, validate, link, compile templates: " in run.err
    assert "  render and write: " in run.err


def test_progress_is_reported_for_every_page_in_order(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    calls: list[tuple[int, int]] = []
    result = build_site(site, tmp_path / "out", progress=lambda done, total: calls.append(
        (done, total)))
    assert calls == [(n, result.pages) for n in range(1, result.pages + 1)]


def test_a_terminal_gets_a_progress_line_that_is_cleared(tmp_path: Path, factsheet,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from generator import cli

    site = copy_case("basic", tmp_path)
    monkeypatch.setattr(cli._ProgressLine, "INTERVAL", 0.0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    run = factsheet("build", "--site", site)
    assert run.code == 0
    assert "\rRendering 1/45 pages" in run.err and "\rRendering 45/45 pages" in run.err
    assert "\r\033[K" in run.err and run.err.rstrip().endswith("s.")
    quiet = factsheet("build", "--site", site, "--quiet")
    assert quiet.err == ""


def test_static_files_may_not_go_where_the_search_index_is_written(tmp_path: Path,
                                                                    factsheet) -> None:
    site = copy_case("basic", tmp_path)
    write_files(site, {"static/pagefind/pagefind-ui.js": "mine"})
    run = factsheet("build", "--site", site)
    assert run.code == 1
    assert run.err.startswith("static/pagefind/pagefind-ui.js:1:1: error: 'pagefind/' holds the "
                              "search index, which the build writes; move this file elsewhere")
