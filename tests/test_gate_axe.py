"""Gate: axe-core finds no serious or critical accessibility problem, in light and dark mode."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from tests.gates import (
    KEY_PAGES,
    LIST_SITE_PAGES,
    TRUST_SITE_PAGES,
    new_context,
    page_url,
    require,
    serve,
)

SCHEMES = ("light", "dark")
BLOCKING = ("serious", "critical")

# Run in the page: axe over the whole document, reduced to what a failure message needs.
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  const rules = results.passes.length + results.violations.length
              + results.incomplete.length + results.inapplicable.length;
  const violations = results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' | ' + n.failureSummary)}));
  return {rules, violations};
}"""


def _axe_script() -> Path:
    """axe.min.js as shipped by the pinned axe-playwright-python."""
    spec = find_spec("axe_playwright_python")
    script = Path(spec.origin).parent / "axe.min.js" if spec and spec.origin else None
    if script is None or not script.is_file():
        pytest.skip("axe gate: axe-playwright-python (which ships axe.min.js) is not installed")
    return script


@dataclass
class Served:
    """A built site on a local server, and one browser context per colour scheme, so each
    page is seen as both kinds of user (each site's base URL is its own)."""

    url: str
    contexts: dict[str, Any]


@contextlib.contextmanager
def _served(browser: Any, root: Path) -> Iterator[Served]:
    with serve(root) as url:
        made = {scheme: new_context(browser, root, color_scheme=scheme) for scheme in SCHEMES}
        try:
            yield Served(url, made)
        finally:
            for context in made.values():
                context.close()


@pytest.fixture(scope="module")
def default_served(browser: Any, built_site: Path) -> Iterator[Served]:
    with _served(browser, built_site) as served:
        yield served


@pytest.fixture(scope="module")
def list_served(browser: Any, built_list_site: Path) -> Iterator[Served]:
    with _served(browser, built_list_site) as served:
        yield served


@pytest.fixture(scope="module")
def trust_served(browser: Any, built_trust_site: Path) -> Iterator[Served]:
    with _served(browser, built_trust_site) as served:
        yield served


def _show_search_results(page: Any) -> None:
    """Search, so that axe also sees Pagefind's results (their contrast, their links)."""
    page.fill("#search input", "Microsoft")
    page.wait_for_selector("#search .search-result", timeout=10_000)


def _format(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"  [{v['impact']}] {v['id']}: {v['help']}\n" +
                     "\n".join(f"      {node}" for node in v["nodes"]) for v in violations)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", list(KEY_PAGES))
def test_no_serious_accessibility_problems(kind: str, scheme: str, built_site: Path,
                                           default_served: Served) -> None:
    rel = KEY_PAGES[kind]
    require(built_site, rel)
    _assert_no_blocking(default_served.contexts[scheme], default_served.url, rel, scheme,
                        search=kind == "search")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", list(LIST_SITE_PAGES))
def test_no_serious_accessibility_problems_on_long_listings(
        kind: str, scheme: str, built_list_site: Path, list_served: Served) -> None:
    rel = LIST_SITE_PAGES[kind]
    require(built_list_site, rel)
    _assert_no_blocking(list_served.contexts[scheme], list_served.url, rel, scheme)


# A redirect page is left at once for its record's page, which is checked on its own.
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", [k for k in TRUST_SITE_PAGES if not k.startswith("redirect")])
def test_no_serious_accessibility_problems_on_trust_pages(
        kind: str, scheme: str, built_trust_site: Path, trust_served: Served) -> None:
    rel = TRUST_SITE_PAGES[kind]
    require(built_trust_site, rel)
    _assert_no_blocking(trust_served.contexts[scheme], trust_served.url, rel, scheme)


def _assert_no_blocking(context: Any, site_url: str, rel: str, scheme: str,
                        search: bool = False) -> None:
    """Run axe on page `rel` of the site at `site_url`; fail on a serious or critical problem."""
    page = context.new_page()
    try:
        page.goto(site_url + page_url(rel), wait_until="load")
        if search:
            _show_search_results(page)
        page.add_script_tag(path=str(_axe_script()))
        result = page.evaluate(RUN_AXE)
    finally:
        page.close()
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
    print(f"axe gate: {rel} ({scheme}): {result['rules']} rules, "
          f"{len(result['violations'])} violation(s), {len(blocking)} serious or critical")
    assert not blocking, f"axe on {rel} in {scheme} mode:\n{_format(blocking)}"


def test_axe_catches_planted_problems(default_served: Served) -> None:
    page = default_served.contexts["light"].new_page()
    try:
        page.set_content('<html><body><p style="color:#bbb;background:#fff">faint</p>'
                         '<img src="data:,"></body></html>')
        page.add_script_tag(path=str(_axe_script()))
        found = {v["id"] for v in page.evaluate(RUN_AXE)["violations"]}
    finally:
        page.close()
    assert {"color-contrast", "image-alt", "html-has-lang"} <= found, found
