"""Former slugs keep working: a page at each old address that sends readers on, and the
`_redirects` file with which Netlify and Cloudflare Pages answer them with a 301 instead."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from generator import urls
from generator.link.link import Site
from generator.render.plan import EVERYTHING, Page
from generator.render.views import PageBuilder


def redirect_context(builder: PageBuilder, page: Page) -> tuple[str, str, dict[str, Any]]:
    """The page at a record's former address: where the record is now."""
    site = builder.site
    target = builder.link(page.key)
    base = site.config.base_url
    return target.title, f"{target.title} has moved to a new address.", {
        "target": target,
        "target_canonical": urls.absolute(base, site.page_path(page.key)) if base else ""}


def redirects_file(site: Site, page: Page) -> tuple[bytes, frozenset[str]]:
    """Every former address of a record and where it moved, one 301 a line."""
    root = urlsplit(site.config.base_url).path if site.config.base_url else "/"
    lines = ["# Former addresses of records and where they moved (factsheet writes this file)."]
    for former, key in sorted(site.aliases.items()):
        type_name, alias = former.split(":", 1)
        folder = site.config.type(type_name).folder
        now = site.page_path(key)[: -len(urls.PAGE_FILE)]
        lines.append(f"{root}{urls.record_dir(folder, alias)} {root}{now} 301")
    return ("\n".join(lines) + "\n").encode(), EVERYTHING
