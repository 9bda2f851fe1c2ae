"""The only place that puts the stages in order: read, check, link, render, write."""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.check.validate import validate_records
from generator.errors import BuildFailed, Diagnostic
from generator.link.languages import link_translations
from generator.link.link import link_site
from generator.read.load import (
    STATIC_DIR,
    TEMPLATES_DIR,
    StaticFile,
    list_links_out,
    list_static_files,
    load_records,
)
from generator.read.yamlsrc import parse_yaml
from generator.render.batch import CheckedSite, Progress, render_site
from generator.render.compiled import compiled_templates, know_compiled
from generator.render.engine import THEME_DIR, check_templates, make_environment
from generator.render.plan import Page, plan_collisions, plan_language_pages, plan_pages
from generator.site.config import NO_BASE_URL, load_config, with_base_url
from generator.store.cache import (
    BuildCache,
    cache_generation,
    digest,
    inputs_key,
    load_cache,
    load_cached_records,
    save_cache,
)
from generator.store.inputs import generator_hash, scan_inputs
from generator.store.memo import RecordMemo
from generator.store.stale import (
    config_hash,
    membership_hashes,
    record_hashes,
    stale_pages,
    template_hashes,
)
from generator.store.state import StoreStamp
from generator.write.forked import Forked
from generator.write.full import write_output
from generator.write.indexing import IndexOptions, index_seconds
from generator.write.lock import WAIT_SECONDS, OutputLock
from generator.write.pagefind import Started
from generator.write.patch import can_patch, patch_output
from generator.write.staging import check_output_dir, check_writable
from generator.write.survey import Survey, begin_survey, up_to_date


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build wrote."""

    pages: int
    files: int
    seconds: float
    warnings: tuple[Diagnostic, ...]
    timings: tuple[tuple[str, float], ...] = ()
    rendered: int = 0  # pages made (all of them, unless the build was incremental)
    written: int = 0  # files written or removed
    cache: BuildCache | None = None  # what the next build may start from


def check_site(site_dir: Path, base_url: str | None = None, memo: RecordMemo | None = None
               ) -> CheckedSite:
    """Load, validate and link the site and compile its templates; write nothing.

    Raises BuildFailed with every error found (and the warnings) when anything is wrong.
    With a `memo`, files whose bytes are unchanged since the last build are not parsed or
    validated again.
    """
    config = with_base_url(load_config(site_dir), base_url)
    parse = memo.parse if memo else parse_yaml
    content, diagnostics = load_records(site_dir, config.folders, parse,
                                        memo.unchanged if memo else None)
    diagnostics += config.notes
    records, problems = validate_records(config, list(content.records), memo)
    diagnostics += problems
    unreadable = content.keys - {r.key for r in records}
    site, problems = link_site(config, records, unreadable, memo)
    diagnostics += problems
    sites, problems = link_translations(config, records, unreadable, memo)
    diagnostics += [d for d in problems if d not in diagnostics]  # one error, all languages
    static, problems = _static_files(site_dir)
    diagnostics += problems
    links_out = list_links_out(site_dir / TEMPLATES_DIR, site_dir)
    diagnostics += links_out
    # Jinja2 follows links; a template leading out of the site is not even compiled.
    env = make_environment(site, site_dir) if site and not links_out else None
    if env is not None:
        diagnostics += check_templates(env, site_dir)
    translations = tuple((s, make_environment(s, site_dir)) for s in sites) if env else ()
    pages = (*plan_pages(site), *(p for s in sites for p in plan_language_pages(s))) \
        if site else ()
    diagnostics += plan_collisions(pages, static)
    if site is None or env is None or any(d.is_error for d in diagnostics):
        raise BuildFailed(diagnostics)
    return CheckedSite(site, env, pages, tuple(static), tuple(sorted(diagnostics)),
                       translations)


def verify_site(site_dir: Path, jobs: int = 1) -> CheckedSite:
    """check_site, then render in memory the pages that could fail, so template errors
    show; write nothing, not even the cache.

    A page the last build made from the records, templates and settings it would be made
    from now rendered then and renders the same now: with the last build's cache only the
    stale pages are rendered, and its records are not parsed or validated again. Without
    one, every page is rendered, shared among `jobs` processes.
    """
    gc.unfreeze()
    previous, _ = load_cache(site_dir)  # a cache not fit to use is the next build's to say
    if previous is not None and not previous.parsed:
        load_cached_records(site_dir, previous)
    fresh = BuildCache(generator=generator_hash())
    with _few_collections():
        checked = check_site(site_dir, memo=RecordMemo(previous, fresh))
    gc.freeze()  # as a build does, for the forked workers
    try:
        todo = checked.pages if previous is None else _unchecked(checked, previous, fresh)
        errors = [r for r in render_site(checked, site_dir, jobs, todo)
                  if isinstance(r, Diagnostic)]
    finally:
        gc.unfreeze()
    if errors:
        raise BuildFailed([*errors, *checked.warnings])
    return checked


def _unchecked(checked: CheckedSite, previous: BuildCache, fresh: BuildCache) -> list[Page]:
    """The pages the last build did not make as they would be made now."""
    if previous.config != config_hash(checked.site):
        return list(checked.pages)
    _note_hashes(checked, previous, fresh)
    return stale_pages(checked.pages, previous, fresh)


def _note_hashes(checked: CheckedSite, previous: BuildCache | None, fresh: BuildCache
                 ) -> None:
    """What stale_pages compares: the hashes of the records, listings and templates."""
    fresh.records = record_hashes(checked.site, previous, fresh.made_from)
    fresh.memberships = membership_hashes(
        (checked.site, *(site for site, _ in checked.translations)))
    fresh.templates = template_hashes(checked.env)


@dataclass(frozen=True, slots=True)
class Options:
    """How a build uses its cache and the search index (the defaults suit the command line)."""

    previous: BuildCache | None = None  # the last build's cache, when it is in memory
    load: bool = True  # else read the last build's cache from .cache/
    save: bool = True  # write this build's cache to .cache/
    search: bool = True  # bring the search index up to date (else a later build will)
    search_started: Started | None = None  # told of the running search indexer
    later: frozenset[str] = frozenset()  # kinds of page to leave stale for a later build
    wait: float = WAIT_SECONDS  # for another build of the same output to finish
    waiting: Callable[[int], None] | None = None  # told the other build's pid, if it waits


def build_site(site_dir: Path, out_dir: Path, base_url: str | None = None, jobs: int = 1,
               progress: Progress | None = None, options: Options = Options()) -> BuildResult:
    """Build the site into `out_dir`, replacing it only when every page rendered.

    From the last build's cache only the pages whose records or templates changed are
    made again, and only files whose bytes changed are written. One build at a time
    writes an output folder: another one is waited for, up to `options.wait` seconds.
    """
    # A folder that may not be written is not made, not even for the lock.
    with OutputLock(out_dir, options.wait, options.waiting,
                    make=not check_output_dir(out_dir, site_dir)):
        return _build_locked(site_dir, out_dir, base_url, jobs, progress, options)


def _build_locked(site_dir: Path, out_dir: Path, base_url: str | None, jobs: int,
                  progress: Progress | None, options: Options) -> BuildResult:
    started = time.perf_counter()
    gc.unfreeze()  # what the last build of a dev server froze may be collected now
    index_seconds()  # forget any earlier build's
    refused = check_output_dir(out_dir, site_dir)
    notes: list[Diagnostic] = []
    previous = options.previous
    if previous is not None and _held(previous) is not None \
            and _held(previous) != cache_generation(site_dir):
        previous = None  # read before the lock, and another build has saved it since
    if previous is None and options.load:
        previous, notes = load_cache(site_dir)
    fresh = BuildCache(generator=generator_hash())
    # What the store holds, which a save changes only where this build's cache differs.
    fresh.base = previous if previous is None or previous.stamp else previous.base
    fresh.scanned_ns = time.time_ns()
    fresh.inputs = scan_inputs(site_dir)
    fresh.inputs_key = inputs_key(fresh.inputs, base_url, out_dir)
    if previous is not None and not refused and up_to_date(previous, fresh.inputs_key, out_dir):
        return BuildResult(previous.page_count, len(previous.outputs),
                           time.perf_counter() - started, previous.warnings, cache=previous)
    survey = begin_survey(out_dir, previous) if previous is not None and not refused else None
    with survey or contextlib.nullcontext():
        if previous is not None and not previous.parsed:
            notes += load_cached_records(site_dir, previous)
        checked = _checked(site_dir, out_dir, base_url, previous, fresh,
                           refused or check_writable(out_dir))
        checked_at = time.perf_counter()
        rendered, written, left = _write(checked, site_dir, out_dir, previous, fresh, jobs,
                                         progress, options, survey)
    # Said only when the build worked: it would distract from the errors of a failed one.
    warnings = checked.warnings if checked.site.config.base_url else (*checked.warnings,
                                                                      NO_BASE_URL)
    fresh.page_count, fresh.warnings = len(checked.pages), warnings
    if options.save:
        notes += save_cache(site_dir, fresh)  # a cache not written costs time only
    done = time.perf_counter()
    searching = index_seconds()
    timings = (("load, validate, link, compile templates", checked_at - started),
               ("render and write", done - checked_at - searching),
               ("search index (Pagefind)", searching))
    return BuildResult(len(checked.pages), len(fresh.outputs), done - started,
                       (*notes, *warnings, *left), timings, rendered, written, fresh)


def _held(cache: BuildCache) -> StoreStamp | None:
    """The stamp of the store that `cache` (or the saved cache it was made from) came from."""
    return cache.stamp or (cache.base.stamp if cache.base is not None else None)


def _checked(site_dir: Path, out_dir: Path, base_url: str | None, previous: BuildCache | None,
             fresh: BuildCache, refused: list[Diagnostic]) -> CheckedSite:
    """check_site for a build, noting in `fresh` what it found; the output folder's refusal
    is said with the site's errors."""
    if previous is not None:
        know_compiled(previous.compiled)
    try:
        with _few_collections():
            checked = check_site(site_dir, base_url, RecordMemo(previous, fresh))
    except BuildFailed as failed:
        raise BuildFailed([*failed.diagnostics, *refused]) from None
    # The records and the site live until the build ends: the collector need not look at
    # them again (which also keeps forked workers from copying every page of memory).
    gc.freeze()
    if refused:
        raise BuildFailed(refused)
    fresh.settings = digest(repr((checked.site.config, os.path.realpath(out_dir))).encode())
    fresh.config = config_hash(checked.site)
    fresh.compiled = compiled_templates(checked.env)
    _note_hashes(checked, previous, fresh)
    return checked


def _write(checked: CheckedSite, site_dir: Path, out_dir: Path, previous: BuildCache | None,
           fresh: BuildCache, jobs: int, progress: Progress | None, options: Options,
           survey: Forked[Survey] | None) -> tuple[int, int, list[Diagnostic]]:
    """Patch the last build's output where that is possible, else write a whole new one;
    the pages made, the files written, and warnings about what could not be cleared."""
    try:
        if can_patch(previous, fresh, out_dir):
            # begun for every build with a previous one whose output may be changed
            assert previous is not None and survey is not None
            index = IndexOptions(options.search, jobs, checked.warnings, options.search_started)
            return patch_output(checked, site_dir, out_dir, previous, fresh, survey.result(),
                                progress, options.later, index)
        return write_output(checked, site_dir, out_dir, fresh, jobs, progress)
    except OSError as exc:
        # A full disk is the output's, not the file's that was being copied from (shutil
        # names the source of a copy whose writes failed).
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        where = out_dir if full or not exc.filename else exc.filename
        raise BuildFailed([Diagnostic(str(where), 1, 1, f"cannot write the output: "
                                      f"{exc.strerror or exc}")]) from None


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Collect cycles rarely while loading: a big site makes millions of objects and few
    cycles, and each full collection would walk all of them again."""
    before = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _static_files(site_dir: Path) -> tuple[list[StaticFile], list[Diagnostic]]:
    """The theme's static files overlaid by the site's own (the site wins)."""
    theme, _ = list_static_files(THEME_DIR / STATIC_DIR, THEME_DIR)
    own, diagnostics = list_static_files(site_dir / STATIC_DIR, site_dir)
    merged = {f.dest: f for f in theme} | {f.dest: f for f in own}
    return [merged[dest] for dest in sorted(merged)], diagnostics
