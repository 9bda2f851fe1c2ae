"""Which pages an incremental build must make again, from what each page read last time.

A page is stale when it is new, when a template it used changed, or when a record it read
changed. A record "changed" when anything a page can show of it did: its fields and facts,
its backlinks, the quote marks on it and the anchors its facts link to. "*" in a page's
dependencies means every record (lists, the timeline, the feed), "<type>:*" every record of
one type; added and removed records count as changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jinja2

from generator.cache import BuildCache, digest
from generator.link import Site
from generator.plan import Page


def record_hashes(site: Site) -> dict[str, bytes]:
    """A hash of everything a page can show of each record."""
    hashes = {}
    for key, record in site.records.items():
        anchors = tuple(site.fact_anchors.get((key, f.number)) for f in record.facts)
        shown = (record.title, record.fields, record.facts, site.backlinks.get(key),
                 site.quote_marks.get(key), anchors)
        hashes[key] = digest(repr(shown).encode())
    return hashes


def template_hashes(env: jinja2.Environment) -> dict[str, bytes]:
    """A hash of the source of every template the site can use (its own or the theme's)."""
    assert env.loader is not None
    return {name: digest(env.loader.get_source(env, name)[0].encode())
            for name in env.list_templates()}


def stale_pages(pages: Iterable[Page], previous: BuildCache, fresh: BuildCache
                ) -> list[Page]:
    """The pages that must be made again, in plan order."""
    changed = _changed(previous.records, fresh.records)
    changed_types = {key.split(":", 1)[0] for key in changed}
    changed_templates = _changed(previous.templates, fresh.templates)

    def is_stale(page: Page) -> bool:
        entry = previous.pages.get(page.path)
        if entry is None or entry.templates & changed_templates:
            return True
        return any(_touches(dep, changed, changed_types) for dep in entry.deps)
    return [page for page in pages if is_stale(page)]


def _touches(dep: str, changed: set[str], changed_types: set[str]) -> bool:
    if dep == "*":
        return bool(changed)
    if dep.endswith(":*"):
        return dep[:-2] in changed_types
    return dep in changed


def _changed(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}

