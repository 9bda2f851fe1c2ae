"""Gate: every internal link and #fragment on every page of the built gate sites resolves."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import GATE_BASE_URL, write_files
from tests.gates import LIST_SITE_PAGES, html_pages
from tests.linkcheck import broken_links, parse_page

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


# The generated list site adds the long-listing pages: pagers, rel=prev/next, the A–Z jump's
# #letter-… anchors, browse and links pages, timeline years.
@pytest.mark.parametrize("site", ["built_site", "built_list_site", "built_trust_site"])
def test_every_internal_link_and_fragment_resolves(site: str,
                                                   request: pytest.FixtureRequest) -> None:
    root: Path = request.getfixturevalue(site)
    problems, checked = broken_links(root, GATE_BASE_URL)
    pages = len(html_pages(root))
    print(f"link gate: {checked} internal links checked on {pages} pages of {site}")
    assert not problems, f"{len(problems)} broken link(s) of {checked}:\n" + "\n".join(problems)
    assert checked > 10 * pages, f"only {checked} links on {pages} pages: is the parser blind?"
    if site == "built_list_site":
        jumps = [link for link in parse_page(root / LIST_SITE_PAGES["list"]).links
                 if "#letter-" in link]
        assert len(jumps) >= 20, f"the A–Z jump's anchors are not among the links: {jumps}"


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
