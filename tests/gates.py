"""Helpers shared by the quality gates (tests/test_gate_*.py): pages, a local server, a browser."""

from __future__ import annotations

import contextlib
import functools
import mimetypes
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from tests.conftest import GATE_BASE_URL

# What each gate needs from the lead's feature work; a missing file names the feature.
FEATURES = {
    "timeline/index.html": "the timeline page",
    "search/index.html": "the search page (Pagefind)",
    "feed.xml": "the Atom feed",
    "sitemap.xml": "the sitemap",
    "robots.txt": "robots.txt",
}

# One page of each kind: the pages that the browser gates look at.
KEY_PAGES = {
    "home": "index.html",
    "list": "companies/index.html",
    "company": "companies/microsoft/index.html",
    "city": "cities/redmond/index.html",
    "study": "studies/aclu-2018-congress/index.html",
    "source": "sources/news-2020-06-11/index.html",
    "timeline": "timeline/index.html",
    "timeline-year": "timeline/2020/index.html",
    "facet-index": "cities/by/country/index.html",
    "facet": "cities/by/country/united-states/index.html",
    "search": "search/index.html",
    "404": "404.html",
    "embed-record": "embed/companies/microsoft/index.html",
    "embed-fact": "embed/companies/microsoft/1/index.html",
}

# One page of each long-listing kind, page 1 and page 2, in the generated site of many records
# (the `built_list_site` fixture): the default site is too small to have them.
# One page of each of the trust features (the `built_trust_site` fixture, tests/cases/trust).
TRUST_SITE_PAGES = {
    "corrected record": "companies/acme/index.html",
    "claimant": "companies/globex/index.html",
    "archived source": "sources/courier/index.html",
    "corrections": "corrections/index.html",
    "redirect": "companies/acme-corp/index.html",
}

LIST_SITE_PAGES = {
    "list": "towns/index.html",
    "list-page-2": "towns/page/2/index.html",
    "facet-index": "towns/by/region/index.html",
    "facet": "towns/by/region/ile-de-france/index.html",
    "facet-page-2": "towns/by/region/north/page/2/index.html",
    "links": "towns/town-0/links/firms-based-here/index.html",
    "links-page-2": "towns/town-0/links/firms-based-here/page/2/index.html",
    "capped-group": "towns/town-0/index.html",
    "timeline": "timeline/index.html",
    "timeline-year": "timeline/1900/index.html",
    "timeline-year-page-2": "timeline/1900/page/2/index.html",
}


# The gate sites are built in two languages (conftest.in_two_languages): every gate also
# looks at each page kind in Spanish, in the es/ tree.
SPANISH = "es/"
for _pages in (KEY_PAGES, TRUST_SITE_PAGES, LIST_SITE_PAGES):
    # A host serves one 404 page, the default language's: there is no es/404.html.
    _pages |= {f"{kind} (es)": SPANISH + rel for kind, rel in list(_pages.items())
               if kind != "404"}


def require(root: Path, rel: str) -> Path:
    """The output file `rel`, failing (not skipping) with the feature it waits for if missing."""
    path = root / rel
    assert path.is_file(), (f"{rel} is not in the output: waiting for "
                            f"{FEATURES.get(rel, 'the page')} to land in the generator")
    return path


def html_pages(root: Path) -> list[str]:
    """Every HTML page of the output, as sorted POSIX paths relative to `root`."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))


def noindex(page: Path) -> bool:
    """Whether the page asks not to be indexed (an embedded card, a former slug's redirect):
    such a page is not linked for readers to crawl to, nor listed in the sitemap."""
    with page.open("rb") as f:
        return b'<meta name="robots" content="noindex">' in f.read(4096)


def page_url(rel: str) -> str:
    """The folder-style URL of an output page: companies/index.html -> companies/."""
    return rel.removesuffix("index.html")


def _handler(root: Path, prefix: str) -> type[SimpleHTTPRequestHandler]:
    """A static file handler serving `root` at `prefix` and 404 everywhere else."""

    class Handler(SimpleHTTPRequestHandler):
        # Pagefind fetches WebAssembly, which browsers only compile with the right type.
        extensions_map: ClassVar[dict[str, str]] = {
            **mimetypes.types_map, ".wasm": "application/wasm", ".js": "text/javascript"}

        def translate_path(self, path: str) -> str:
            if not path.startswith(prefix):
                return str(root / ".missing" / "nothing-here")  # outside the prefix: a 404
            return super().translate_path("/" + path[len(prefix):])

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: failures show up in the tests' own messages

    return functools.partial(Handler, directory=str(root))  # type: ignore[return-value]


@contextlib.contextmanager
def serve(root: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `root` under `prefix` on 127.0.0.1 in a thread; yields the site's URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(root, prefix))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


def route_base_url(context: Any, root: Path) -> None:
    """Answer requests for GATE_BASE_URL from `root`: the 404 page links there absolutely."""
    def fulfil(route: Any) -> None:
        rel = urlsplit(route.request.url[len(GATE_BASE_URL):]).path
        path = root / (rel + "index.html" if rel.endswith("/") or not rel else rel)
        if path.is_file():
            route.fulfill(path=str(path))
        else:
            route.fulfill(status=404, body="not found")

    context.route(GATE_BASE_URL + "**", fulfil)


def new_context(browser: Any, root: Path, **options: Any) -> Any:
    """A browser context that never leaves 127.0.0.1: the base URL is answered from `root`."""
    context = browser.new_context(**options)
    route_base_url(context, root)
    return context
