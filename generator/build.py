"""The only place that puts the stages in order: load, validate, link, render, write."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.cache import (
    BuildCache,
    OutputFile,
    PageEntry,
    RecordMemo,
    digest,
    forget_cache,
    generator_hash,
    inputs_key,
    load_cache,
    load_cached_records,
    save_cache,
    scan_inputs,
    survey_output,
    up_to_date,
)
from generator.config import CONFIG_FILE, SiteConfig, load_config, with_trailing_slash
from generator.errors import BuildFailed, Diagnostic
from generator.indexing import IndexOptions, index_changes, index_seconds, index_whole
from generator.link import Site, link_site
from generator.load import StaticFile, list_links_out, list_static_files, load_records
from generator.plan import Page, plan_pages
from generator.render import (
    STATIC_DIR,
    TEMPLATES_DIR,
    THEME_DIR,
    RenderedPage,
    check_templates,
    make_environment,
    render_page,
)
from generator.schema import BASE_URL_PATTERN
from generator.schemacheck import is_http_url
from generator.search import Started
from generator.stale import record_hashes, stale_pages, template_hashes
from generator.urls import SEARCH_BUNDLE
from generator.validate import validate_records
from generator.write import (
    MARKER,
    Patch,
    Staging,
    check_output_dir,
    output_files,
    vanished,
)
from generator.yamlsrc import parse_yaml

NO_BASE_URL = Diagnostic(
    CONFIG_FILE, 1, 1, "no base_url: feed.xml, sitemap.xml and robots.txt need absolute URLs, so "
    "they are left out, and pages get no canonical link; set base_url in site.yaml or pass "
    "--base-url", "warning")


@dataclass(frozen=True, slots=True)
class CheckedSite:
    """A site that loaded, validated and linked, with what it needs to be rendered."""

    site: Site
    env: jinja2.Environment
    pages: tuple[Page, ...]
    static: tuple[StaticFile, ...]
    warnings: tuple[Diagnostic, ...]


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
    config = _with_base_url(load_config(site_dir), base_url)
    content, diagnostics = load_records(site_dir, config, memo.parse if memo else parse_yaml)
    records, problems = validate_records(config, list(content.records), memo)
    diagnostics += problems
    unreadable = content.keys - {r.key for r in records}
    site, problems = link_site(config, records, unreadable, memo)
    diagnostics += problems
    static, problems = _static_files(site_dir)
    diagnostics += problems
    links_out = list_links_out(site_dir / TEMPLATES_DIR, site_dir)
    diagnostics += links_out
    # Jinja2 follows links; a template leading out of the site is not even compiled.
    env = make_environment(site, site_dir) if site and not links_out else None
    if env is not None:
        diagnostics += check_templates(env, site_dir)
    pages = plan_pages(site) if site else ()
    diagnostics += _collisions(pages, static)
    if site is None or env is None or any(d.is_error for d in diagnostics):
        raise BuildFailed(diagnostics)
    return CheckedSite(site, env, pages, tuple(static), tuple(sorted(diagnostics)))


def render_site(checked: CheckedSite, site_dir: Path, jobs: int = 1,
                pages: Sequence[Page] | None = None) -> Iterator[RenderedPage | Diagnostic]:
    """Every page of a checked site (or just `pages`), in order; a Diagnostic where one failed.

    With jobs > 1 the pages are shared among that many forked processes. Each page is
    made from the read-only site alone, so the output is the same as with one job.
    """
    todo = checked.pages if pages is None else pages
    if jobs <= 1 or len(todo) < _PARALLEL_FROM or \
            "fork" not in multiprocessing.get_all_start_methods():
        for page in todo:
            yield render_page(checked.env, checked.site, page, site_dir)
        return
    # Forked workers get the site through memory, not pickling: only page numbers travel.
    # Pages are handed out a batch at a time, the next one while this one is written, so
    # rendered pages never pile up in memory faster than they are written.
    batches = [range(start, min(start + _BATCH, len(todo)))
               for start in range(0, len(todo), _BATCH)]
    with multiprocessing.get_context("fork").Pool(
            jobs, initializer=_worker_start, initargs=(checked, site_dir, todo)) as pool:
        current = pool.imap(_render_nth, batches[0], chunksize=32)
        for batch in batches[1:]:
            following = pool.imap(_render_nth, batch, chunksize=32)
            yield from current
            current = following
        yield from current


_PARALLEL_FROM = 64  # fewer pages render faster than worker processes start
_BATCH = 1024
_worker_site: list[tuple[CheckedSite, Path, Sequence[Page]]] = []  # set once in each worker


def _worker_start(checked: CheckedSite, site_dir: Path, pages: Sequence[Page]) -> None:
    _worker_site.append((checked, site_dir, pages))


def _render_nth(index: int) -> RenderedPage | Diagnostic:
    checked, site_dir, pages = _worker_site[0]
    return render_page(checked.env, checked.site, pages[index], site_dir)


def verify_site(site_dir: Path) -> CheckedSite:
    """check_site, then render every page in memory, so template errors show; write nothing."""
    checked = check_site(site_dir)
    errors = [r for r in render_site(checked, site_dir) if isinstance(r, Diagnostic)]
    if errors:
        raise BuildFailed([*errors, *checked.warnings])
    return checked


Progress = Callable[[int, int], None]  # called with (pages done, pages in all)


@dataclass(frozen=True, slots=True)
class Options:
    """How a build uses its cache and the search index (the defaults suit the command line)."""

    previous: BuildCache | None = None  # the last build's cache, when it is in memory
    load: bool = True  # else read the last build's cache from .cache/
    save: bool = True  # write this build's cache to .cache/
    search: bool = True  # bring the search index up to date (else a later build will)
    search_started: Started | None = None  # told of the running search indexer
    later: frozenset[str] = frozenset()  # kinds of page to leave stale for a later build


def build_site(site_dir: Path, out_dir: Path, base_url: str | None = None, jobs: int = 1,
               progress: Progress | None = None, options: Options = Options()) -> BuildResult:
    """Build the site into `out_dir`, replacing it only when every page rendered.

    From the last build's cache only the pages whose records or templates changed are
    made again, and only files whose bytes changed are written.
    """
    started = time.perf_counter()
    gc.unfreeze()  # what the last build of a dev server froze may be collected now
    index_seconds()  # forget any earlier build's
    refused = check_output_dir(out_dir, site_dir)
    notes: list[Diagnostic] = []
    previous = options.previous
    if previous is None and options.load:
        previous, notes = load_cache(site_dir)
    fresh = BuildCache(generator=generator_hash())
    fresh.inputs = scan_inputs(site_dir)
    fresh.inputs_key = inputs_key(fresh.inputs, base_url, out_dir)
    if previous is not None and not refused and up_to_date(previous, fresh.inputs_key, out_dir):
        return BuildResult(previous.page_count, len(previous.outputs),
                           time.perf_counter() - started, previous.warnings, cache=previous)
    if previous is not None and not previous.parsed:
        notes += load_cached_records(site_dir, previous)
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
    fresh.records = record_hashes(checked.site)
    fresh.templates = template_hashes(checked.env)
    checked_at = time.perf_counter()
    try:
        if _can_patch(previous, fresh, out_dir):
            assert previous is not None
            rendered, written = _patch_output(checked, site_dir, out_dir, previous, fresh, jobs,
                                              progress, options)
        else:
            rendered, written = _write_output(checked, site_dir, out_dir, fresh, jobs, progress)
    except OSError as exc:
        where = exc.filename or out_dir
        raise BuildFailed([Diagnostic(str(where), 1, 1, f"cannot write the output: "
                                      f"{exc.strerror or exc}")]) from None
    # Said only when the build worked: it would distract from the errors of a failed one.
    warnings = checked.warnings if checked.site.config.base_url else (*checked.warnings,
                                                                      NO_BASE_URL)
    fresh.page_count, fresh.warnings = len(checked.pages), warnings
    if options.save:
        save_cache(site_dir, fresh)
    done = time.perf_counter()
    searching = index_seconds()
    timings = (("load, validate, link, compile templates", checked_at - started),
               ("render and write", done - checked_at - searching),
               ("search index (Pagefind)", searching))
    return BuildResult(len(checked.pages), len(fresh.outputs), done - started,
                       (*notes, *warnings), timings, rendered, written, fresh)


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


def _can_patch(previous: BuildCache | None, fresh: BuildCache, out_dir: Path) -> bool:
    return previous is not None and previous.settings == fresh.settings \
        and (out_dir / MARKER).is_file()


def _write_output(checked: CheckedSite, site_dir: Path, out_dir: Path, fresh: BuildCache,
                  jobs: int, progress: Progress | None) -> tuple[int, int]:
    """A whole new output folder, swapped in for the old one."""
    errors: list[Diagnostic] = []
    digests: dict[str, bytes] = {}
    with Staging(out_dir) as staging:
        for count, rendered in enumerate(render_site(checked, site_dir, jobs), 1):
            if isinstance(rendered, Diagnostic):
                errors.append(rendered)
            else:
                staging.write(rendered.path, rendered.content)
                digests[rendered.path] = digest(rendered.content)
                fresh.pages[rendered.path] = PageEntry(rendered.depends_on, rendered.templates)
            if progress:
                progress(count, len(checked.pages))
        if errors:
            raise BuildFailed([*errors, *checked.warnings])
        for static in checked.static:
            staging.copy(static.dest, static.source)
            digests[static.dest] = digest((staging.dir / static.dest).read_bytes())
        fresh.search = index_whole(staging, _record_pages(checked), digests, jobs,
                                   checked.warnings)
        staging.commit()
    fresh.outputs = {rel: OutputFile(digests[rel], status.st_size, status.st_mtime_ns)
                     for rel, status in output_files(out_dir) if rel in digests}
    return len(checked.pages), len(digests)


def _patch_output(checked: CheckedSite, site_dir: Path, out_dir: Path, previous: BuildCache,
                  fresh: BuildCache, jobs: int, progress: Progress | None, options: Options
                  ) -> tuple[int, int]:
    """Make again only the stale pages, and change only the files whose bytes differ."""
    # A file changed or removed behind the build's back is made again; one added, removed.
    tampered, extra = survey_output(out_dir, previous)
    stale = stale_pages(checked.pages, previous, fresh)
    stale_paths = {page.path for page in stale}
    redo = [*stale, *(p for p in checked.pages if p.path in tampered - stale_paths)]
    # A dev server shows the pages first and leaves data files and the like for later.
    fresh.pending = frozenset(p.path for p in redo if p.kind in options.later)
    redo = [p for p in redo if p.path not in fresh.pending]
    planned = {page.path for page in checked.pages} | {s.dest for s in checked.static}
    fresh.pages = {path: entry for path, entry in previous.pages.items() if path in planned}
    digests = {rel: kept.digest for rel, kept in previous.outputs.items() if rel in planned}
    errors: list[Diagnostic] = []
    with Patch(out_dir) as patch:
        for count, rendered in enumerate(render_site(checked, site_dir, jobs, redo), 1):
            if isinstance(rendered, Diagnostic):
                errors.append(rendered)
            else:
                fresh.pages[rendered.path] = PageEntry(rendered.depends_on, rendered.templates)
                _stage(patch, rendered.path, rendered.content, digests, tampered)
            if progress:
                progress(count, len(redo))
        if errors:
            raise BuildFailed([*errors, *checked.warnings])
        for static in checked.static:
            source = f"{STATIC_DIR}/{static.dest}"
            # A site's big static files (images, PDFs) are read only when they changed.
            if source in fresh.inputs and previous.inputs.get(source) == fresh.inputs[source] \
                    and static.dest in digests and static.dest not in tampered:
                continue
            _stage_static(patch, static, digests, tampered)
        removed = [rel for rel in previous.outputs.keys() | extra
                   if rel not in planned and not rel.startswith(SEARCH_BUNDLE)]
        forget_cache(site_dir)  # until the cache again describes what the output holds
        patch.apply(removed)
    changed = set(patch.staged)
    changed |= index_changes(out_dir, _record_pages(checked), previous, fresh, tampered,
                             digests, IndexOptions(options.search, jobs, checked.warnings,
                                                   options.search_started))
    fresh.outputs = {rel: kept for rel, kept in previous.outputs.items()
                     if rel in digests and rel not in changed}
    for rel in changed:
        status = os.stat(out_dir / rel)
        fresh.outputs[rel] = OutputFile(digests[rel], status.st_size, status.st_mtime_ns)
    return len(redo), len(changed) + len(removed)


def _stage(patch: Patch, rel: str, content: bytes, digests: dict[str, bytes],
           tampered: set[str]) -> None:
    """Stage `content` for `rel` unless the output already holds exactly these bytes."""
    new = digest(content)
    if digests.get(rel) != new or rel in tampered:
        patch.write(rel, content)
    digests[rel] = new


def _stage_static(patch: Patch, static: StaticFile, digests: dict[str, bytes],
                  tampered: set[str]) -> None:
    try:
        new = digest(static.source.read_bytes())
    except FileNotFoundError:
        raise BuildFailed([vanished(static.dest)]) from None
    if digests.get(static.dest) != new or static.dest in tampered:
        patch.copy(static.dest, static.source)
    digests[static.dest] = new


def _record_pages(checked: CheckedSite) -> list[str]:
    return [page.path for page in checked.pages if page.kind == "record"]


def _with_base_url(config: SiteConfig, base_url: str | None) -> SiteConfig:
    if base_url is None:
        return config
    if not is_http_url(base_url) or not re.fullmatch(BASE_URL_PATTERN, base_url):
        raise BuildFailed([Diagnostic("--base-url", 1, 1, f"'{base_url}' is not an http:// or "
                                      "https:// URL without a ?query or #fragment")])
    return dataclasses.replace(config, base_url=with_trailing_slash(base_url))


def _static_files(site_dir: Path) -> tuple[list[StaticFile], list[Diagnostic]]:
    """The theme's static files overlaid by the site's own (the site wins)."""
    theme, _ = list_static_files(THEME_DIR / STATIC_DIR, THEME_DIR)
    own, diagnostics = list_static_files(site_dir / STATIC_DIR, site_dir)
    merged = {f.dest: f for f in theme} | {f.dest: f for f in own}
    return [merged[dest] for dest in sorted(merged)], diagnostics


def _collisions(pages: tuple[Page, ...], static: list[StaticFile]) -> list[Diagnostic]:
    """An error naming every input when two of them would write one output path."""
    claims: dict[str, list[str]] = {}
    for page in pages:
        claims.setdefault(page.path, []).append(page.origin)
    for f in static:
        claims.setdefault(f.dest, []).append(f"{STATIC_DIR}/{f.dest}")
    # The search index is written after everything else, over whatever is in its folder.
    diagnostics = [Diagnostic(f"{STATIC_DIR}/{f.dest}", 1, 1, f"'{SEARCH_BUNDLE}' holds the "
                              "search index, which the build writes; move this file elsewhere")
                   for f in static if f.dest.startswith(SEARCH_BUNDLE)]
    for path, origins in sorted(claims.items()):
        if len(origins) > 1:
            names = " and ".join(sorted(origins))
            diagnostics += [Diagnostic(o, 1, 1, f"output path '{path}' is written by both {names}")
                            for o in sorted(set(origins))]
    return diagnostics
