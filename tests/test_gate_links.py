"""Gate: every internal link and #fragment on every page of the built site resolves."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import GATE_BASE_URL, write_files
from tests.gates import html_pages
from tests.linkcheck import broken_links

# A hand-written output folder with one mistake of each kind the checker must catch.
PLANTED = {
    "index.html": ('<a href="companies/">ok</a> <a href="companies/acme/">bad path</a> '
                   '<a href="#top" id="top">ok</a> <a href="https://elsewhere.example/">out</a>'),
    "companies/index.html": ('<link rel="stylesheet" href="../style.css">'
                             '<a href="../index.html#nowhere">bad fragment</a>'
                             '<a href="https://example.org/facts/index.html#top">ok</a>'
                             '<a href="https://example.org/facts/gone/">bad absolute</a>'
                             '<a href="/index.html">root-relative</a>'),
    "style.css": "body { margin: 0 }",
}


def test_every_internal_link_and_fragment_resolves(built_site: Path) -> None:
    problems, checked = broken_links(built_site, GATE_BASE_URL)
    pages = len(html_pages(built_site))
    print(f"link gate: {checked} internal links checked on {pages} pages")
    assert not problems, f"{len(problems)} broken link(s) of {checked}:\n" + "\n".join(problems)
    assert checked > 10 * pages, f"only {checked} links on {pages} pages: is the parser blind?"


def test_the_checker_catches_a_bad_path_a_bad_fragment_and_a_root_relative_link(
        tmp_path: Path) -> None:
    problems, checked = broken_links(write_files(tmp_path, PLANTED), GATE_BASE_URL)
    assert problems == [
        "companies/index.html: ../index.html#nowhere -> no id 'nowhere' in index.html",
        "companies/index.html: https://example.org/facts/gone/ -> missing gone/index.html",
        "companies/index.html: /index.html -> root-relative; it breaks under a sub-path",
        "index.html: companies/acme/ -> missing companies/acme/index.html",
    ]
    assert checked == 8  # the external link is not counted
