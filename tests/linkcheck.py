"""A small link checker for a built site: every internal href/src and #fragment must resolve."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(root: Path) -> tuple[list[str], int]:
    """Every internal link under `root` that does not resolve, and how many links were checked."""
    pages = {p.relative_to(root).as_posix(): parse_page(p) for p in sorted(root.rglob("*.html"))}
    problems: list[str] = []
    checked = 0
    for rel, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue  # external: http(s), mailto
            checked += 1
            target = rel if not parts.path else posixpath.normpath(
                posixpath.join(posixpath.dirname(rel), unquote(parts.path)))
            if target.startswith("../") or not (root / target).is_file():
                problems.append(f"{rel}: {link} -> missing {target}")
            elif parts.fragment and target.endswith(".html") \
                    and parts.fragment not in pages[target].ids:
                problems.append(f"{rel}: {link} -> no id '{parts.fragment}' in {target}")
    return problems, checked
