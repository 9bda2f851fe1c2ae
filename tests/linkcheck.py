"""A small link checker for a built site: every internal href/src and #fragment must resolve.

Internal means relative (the contract: every internal link is relative), or absolute under the
site's base URL (canonical links, the 404 page), which is checked against the same folder.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

# Attributes that make the browser fetch or navigate; `xlink:href` for SVG <use> in old markup.
LINK_ATTRIBUTES = frozenset({"href", "src", "xlink:href"})


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in LINK_ATTRIBUTES and value is not None:
                self.links.append(value)

    # <use href="#x"/> and other void SVG elements arrive here, not in handle_starttag.
    handle_startendtag = handle_starttag


def parse_html(text: str) -> _Page:
    """The links and element ids of one HTML document."""
    page = _Page()
    page.feed(text)
    page.close()
    return page


def parse_page(path: Path) -> _Page:
    """The links and element ids of one HTML file."""
    return parse_html(path.read_text(encoding="utf-8"))


def _internal(link: str, base_url: str | None) -> SplitResult | None:
    """The link as a site-relative URL, or None when it leaves the site (http, mailto, data)."""
    if base_url and link.startswith(base_url):
        # Make it relative to the root: the caller resolves it from the root, not the page.
        return urlsplit("/" + link[len(base_url):])
    parts = urlsplit(link)
    return None if parts.scheme or parts.netloc else parts


def _target(root: Path, page: str, path: str) -> str:
    """The output file that a link's path names, seen from `page` (folders mean index.html)."""
    if not path:
        return page
    joined = path[1:] if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
    target = posixpath.normpath(unquote(joined)) if joined else "."
    if (root / target).is_dir() or path.endswith("/"):
        target = posixpath.normpath(posixpath.join(target, "index.html"))
    return target


def _check(root: Path, pages: dict[str, _Page], rel: str, link: str,
           base_url: str | None) -> str | None:
    """What is wrong with one link on page `rel`, or None."""
    from_base = bool(base_url and link.startswith(base_url))
    parts = _internal(link, base_url)
    if parts is None:
        return None
    if parts.path.startswith("/") and not from_base:
        return f"{rel}: {link} -> root-relative; it breaks under a sub-path"
    target = _target(root, rel, parts.path)
    if target.startswith("../") or target == ".." or not (root / target).is_file():
        return f"{rel}: {link} -> missing {target}"
    if parts.fragment and target.endswith(".html") \
            and unquote(parts.fragment) not in pages[target].ids:
        return f"{rel}: {link} -> no id '{parts.fragment}' in {target}"
    return None


def broken_links(root: Path, base_url: str | None = None) -> tuple[list[str], int]:
    """Every internal link under `root` that does not resolve, and how many links were checked."""
    pages = {p.relative_to(root).as_posix(): parse_page(p) for p in sorted(root.rglob("*.html"))}
    problems: list[str] = []
    checked = 0
    for rel, page in pages.items():
        for link in page.links:
            if _internal(link, base_url) is None:
                continue
            checked += 1
            problem = _check(root, pages, rel, link, base_url)
            if problem:
                problems.append(problem)
    return problems, checked
