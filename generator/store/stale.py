"""Which pages an incremental build must make again, from what each page read last time.

A page is stale when it is new, when a template it used changed, or when a record it read
changed. A record "changed" when anything a page can show of it did: its fields and facts,
its backlinks, the quote marks on it and the anchors its facts link to. A page's dependencies
name records shown in full ("key"), records shown only by their title and facts ("~key"),
records only linked to ("^key": what a link shows, its title, subtitle and provenance),
every record ("*"), every record's title and facts ("~*": the timeline, home page and feed)
every record of one type ("<type>:*": its data files) and a listing's membership ("@…":
which records and facts a page of a table or a year of the timeline shows, in order);
added and removed records count as changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import jinja2

from generator.check.validate import Record
from generator.link.backlinks import BacklinkGroup
from generator.link.link import Site
from generator.link.quotes import QuoteMark
from generator.render.listing import listings
from generator.render.plan import Page
from generator.render.provenance import source_provenance
from generator.render.views import SUMMARY, TITLE
from generator.store.cache import BuildCache, digest
from generator.store.state import names_in


def record_hashes(site: Site, before: BuildCache | None = None,
                  made_from: dict[str, tuple[Any, ...]] | None = None
                  ) -> dict[str, tuple[bytes, bytes, bytes]]:
    """Three hashes of each record: of everything a page can show of it, of what a page
    that lists its facts shows (its title and facts), and of what a link to it shows (its
    title and subtitle; a source's provenance too, which each citation of it shows).

    What each is made from goes in `made_from`. A record made from what it was in `before`
    (a dev server's last build, which held the very same record: records compare by
    identity) keeps its hashes: working them out is most of the cost.
    """
    hashes = {}
    for key, record in site.records.items():
        anchors = tuple((site.fact_anchors.get((key, f.number)),
                         *(site.also_anchors.get((key, f.number, i))
                           for i in range(1, len(f.also) + 1))) for f in record.facts)
        shown = (record, site.subtitles.get(key), anchors,
                 source_provenance(site.config, record), site.backlinks.get(key),
                 site.quote_marks.get(key), site.resolved.get(key))
        if made_from is not None:
            made_from[key] = shown
        if before is not None and before.made_from.get(key) == shown:
            hashes[key] = before.records[key]
        else:
            hashes[key] = _hashes(*shown)
    return hashes


def _hashes(record: Record, subtitle: str | None, anchors: tuple[Any, ...],
            provenance: object, backlinks: tuple[BacklinkGroup, ...] | None,
            marks: tuple[QuoteMark, ...] | None, resolved: object
            ) -> tuple[bytes, bytes, bytes]:
    # A source's citations show its publisher, date and archived copy beside its title.
    # A multilingual site's translations are part of it: its pages in each language (its
    # titles there among them).
    title = repr((record.title, subtitle, provenance, record.translations))
    # Where its texts' links to former slugs lead: what its facts and fields link to.
    summary = repr((title, record.facts, anchors, resolved))
    # Its former slugs are the redirects file's lines.
    full = repr((summary, record.fields, record.aliases, record.updated, record.corrections,
                 plain_backlinks(backlinks), plain_marks(marks)))
    return digest(full.encode()), digest(summary.encode()), digest(title.encode())


# A dataclass's repr costs three times its fields' in a tuple: a source's quote marks and a
# record's backlinks were half of the hashing of a 10,000-record site.
def plain_marks(marks: tuple[QuoteMark, ...] | None) -> object:
    """Every field of each quote mark and its citations, as plain tuples."""
    if marks is None:
        return None
    return tuple((m.start, m.end, m.anchor, tuple((c.record, c.fact) for c in m.citations))
                 for m in marks)


def plain_backlinks(groups: tuple[BacklinkGroup, ...] | None) -> object:
    """Every field of each backlink group and its links, as plain tuples."""
    if groups is None:
        return None
    return tuple((g.label, tuple((b.record, b.fact) for b in g.links)) for g in groups)


def config_hash(site: Site) -> bytes:
    """A hash of the site's settings (site.yaml, with the base URL of the build)."""
    return digest(repr(site.config).encode())


def membership_hashes(sites: Iterable[Site]) -> dict[str, bytes]:
    """A hash of what each membership key (render/listing.py) of the sites (a site and its
    further languages) names: which records and facts a listing shows, in order."""
    return {key: digest(shown.encode()) for site in sites
            for key, shown in listings(site).memberships().items()}


def template_hashes(env: jinja2.Environment) -> dict[str, bytes]:
    """A hash of the source of every template the site can use (its own or the theme's)."""
    assert env.loader is not None
    return {name: digest(env.loader.get_source(env, name)[0].encode())
            for name in env.list_templates()}


def stale_pages(pages: Iterable[Page], previous: BuildCache, fresh: BuildCache
                ) -> list[Page]:
    """The pages that must be made again, in plan order."""
    changed = _changed(previous.records, fresh.records)
    # Keys, keys marked "~" whose title or facts changed and "^" whose title did; each "*"
    # when any did.
    touched = changed | {SUMMARY + key for key in changed
                         if _part(previous, key, 1) != _part(fresh, key, 1)}
    touched |= {TITLE + key for key in changed
                if _part(previous, key, 2) != _part(fresh, key, 2)}
    touched |= {f"{key.split(':', 1)[0]}:*" for key in changed}
    touched |= {"*"} if changed else set()
    touched |= {SUMMARY + "*"} if any(k.startswith(SUMMARY) for k in touched) else set()
    touched |= _changed(previous.memberships, fresh.memberships)
    changed_templates = _changed(previous.templates, fresh.templates)
    names_touched = _finder(touched)

    def is_stale(page: Page) -> bool:
        entry = previous.pages.get(page.path)
        if entry is None or entry.templates & changed_templates:
            return True
        return names_touched(entry.deps)
    return [page for page in pages if is_stale(page) or page.path in previous.pending]


def _finder(names: set[str]) -> Callable[[str], bool]:
    """Whether a page's dependencies (as PageEntry keeps them) name any of `names`."""
    if not names:
        return lambda deps: False
    if len(names) > _SEARCHED:
        return lambda deps: not names.isdisjoint(names_in(deps))
    # One pass of the regular expression engine over each page's names, none split out.
    pattern = re.compile("\0(?:" + "|".join(map(re.escape, sorted(names))) + ")(?=\0|\\Z)")
    return lambda deps: pattern.search(deps) is not None


_SEARCHED = 64  # at most this many names are looked for by one regular expression


def _part(cache: BuildCache, key: str, part: int) -> bytes | None:
    hashes = cache.records.get(key)
    return hashes[part] if hashes else None


def _changed(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    return {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}

