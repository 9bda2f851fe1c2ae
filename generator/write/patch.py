"""An incremental build's output: only the stale pages made again, only changed files moved in."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import BuildFailed, Diagnostic
from generator.read.load import STATIC_DIR, StaticFile
from generator.render.batch import CheckedSite, Progress, render_site
from generator.render.plan import Page
from generator.store.cache import BuildCache, digest, forget_cache, page_entry
from generator.store.stale import stale_pages
from generator.urls import SEARCH_BUNDLE
from generator.write.indexing import IndexOptions, index_changes
from generator.write.lock import hold_interrupts
from generator.write.staging import MARKER, Patch, vanished
from generator.write.survey import Survey, as_left


def can_patch(previous: BuildCache | None, fresh: BuildCache, out_dir: Path) -> bool:
    """Whether the output the last build left can be patched (else it is made whole)."""
    return previous is not None and previous.settings == fresh.settings \
        and (out_dir / MARKER).is_file()


def patch_output(checked: CheckedSite, site_dir: Path, out_dir: Path, previous: BuildCache,
                 fresh: BuildCache, found: Survey, progress: Progress | None,
                 later: frozenset[str], index: IndexOptions) -> tuple[int, int, list[Diagnostic]]:
    """Make again only the stale pages, and change only the files whose bytes differ.

    `found` is how the output differs from what `previous` left in it: a file changed or
    removed behind the build's back is made again; one added, removed. Pages of the kinds
    in `later` are left stale for a later build. The changed pages and the search index
    made from them are moved in together, at the end.
    """
    tampered = found.tampered
    stale = stale_pages(checked.pages, previous, fresh)
    stale_paths = {page.path for page in stale}
    redo = [*stale, *(p for p in checked.pages if p.path in tampered - stale_paths)]
    # A dev server shows the pages first and leaves data files and the like for later.
    fresh.pending = frozenset(p.path for p in redo if p.kind in later)
    redo = [p for p in redo if p.path not in fresh.pending]
    planned = {page.path for page in checked.pages} | {s.dest for s in checked.static}
    fresh.pages = {path: entry for path, entry in previous.pages.items() if path in planned}
    digests = {rel: kept.digest for rel, kept in previous.outputs.items() if rel in planned}
    with Patch(out_dir) as patch:
        made = _Made(checked, site_dir, index.jobs, patch, fresh, digests, tampered, progress,
                     len(redo))
        # The search index is made of the record pages: they are made first, and indexed
        # while the other pages are made.
        in_index = set(indexed := checked.record_pages())
        made.render([page for page in redo if page.path in in_index])

        def the_rest() -> None:
            made.render([page for page in redo if page.path not in in_index])
            if made.errors:
                raise BuildFailed([*made.errors, *checked.warnings])
            _stage_statics(patch, checked.static, previous, fresh, digests, tampered)
            patch.remove(rel for rel in previous.outputs.keys() | found.extra
                         if rel not in planned and not rel.startswith(SEARCH_BUNDLE))
        if made.errors:
            the_rest()  # raises, with the errors of every page
        index_changes(patch, indexed, previous, fresh, tampered, digests, index,
                      meanwhile=the_rest)
        hold_interrupts(out_dir)
        forget_cache(site_dir)  # until the cache again describes what the output holds
        patch.apply()
    fresh.outputs = {rel: kept for rel, kept in previous.outputs.items()
                     if rel in digests and rel not in patch.staged}
    for rel, status in found.restat.items():
        if rel in fresh.outputs:
            fresh.outputs[rel] = as_left(digests[rel], status)
    for rel in patch.staged:
        fresh.outputs[rel] = as_left(digests[rel], os.stat(out_dir / rel))
    return len(redo), len(patch.staged) + len(patch.removed), patch.notes


@dataclass
class _Made:
    """Pages made again and staged in a patch, and the errors of those that failed."""

    checked: CheckedSite
    site_dir: Path
    jobs: int
    patch: Patch
    fresh: BuildCache
    digests: dict[str, bytes]
    tampered: set[str]
    progress: Progress | None
    total: int
    count: int = 0
    errors: list[Diagnostic] = field(default_factory=list)

    def render(self, pages: list[Page]) -> None:
        for rendered in render_site(self.checked, self.site_dir, self.jobs, pages):
            if isinstance(rendered, Diagnostic):
                self.errors.append(rendered)
            else:
                self.fresh.pages[rendered.path] = page_entry(rendered.depends_on,
                                                            rendered.templates)
                _stage(self.patch, rendered.path, rendered.content, self.digests,
                       self.tampered)
            self.count += 1
            if self.progress:
                self.progress(self.count, self.total)


def _stage(patch: Patch, rel: str, content: bytes, digests: dict[str, bytes],
           tampered: set[str]) -> None:
    """Stage `content` for `rel` unless the output already holds exactly these bytes."""
    new = digest(content)
    if digests.get(rel) != new or rel in tampered:
        patch.write(rel, content)
    digests[rel] = new


def _stage_statics(patch: Patch, statics: tuple[StaticFile, ...], previous: BuildCache,
                   fresh: BuildCache, digests: dict[str, bytes], tampered: set[str]) -> None:
    for static in statics:
        source = f"{STATIC_DIR}/{static.dest}"
        # A site's big static files (images, PDFs) are read only when they changed.
        if source in fresh.inputs and previous.inputs.get(source) == fresh.inputs[source] \
                and static.dest in digests and static.dest not in tampered:
            continue
        try:
            new = digest(static.source.read_bytes())
        except FileNotFoundError:
            raise BuildFailed([vanished(static.dest)]) from None
        if digests.get(static.dest) != new or static.dest in tampered:
            patch.copy(static.dest, static.source)
        digests[static.dest] = new
