"""The only place that puts the stages in order: load, validate, link, render, write."""

from __future__ import annotations

import dataclasses
import multiprocessing
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.config import CONFIG_FILE, SiteConfig, load_config, with_trailing_slash
from generator.errors import BuildFailed, Diagnostic
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
from generator.search import index_pages
from generator.urls import SEARCH_BUNDLE
from generator.validate import validate_records
from generator.write import Staging, check_output_dir

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


def check_site(site_dir: Path, base_url: str | None = None) -> CheckedSite:
    """Load, validate and link the site and compile its templates; write nothing.

    Raises BuildFailed with every error found (and the warnings) when anything is wrong.
    """
    config = _with_base_url(load_config(site_dir), base_url)
    content, diagnostics = load_records(site_dir, config)
    records, problems = validate_records(config, list(content.records))
    diagnostics += problems
    unreadable = content.keys - {r.key for r in records}
    site, problems = link_site(config, records, unreadable)
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


def render_site(checked: CheckedSite, site_dir: Path, jobs: int = 1
                ) -> Iterator[RenderedPage | Diagnostic]:
    """Every page of a checked site, in plan order; a Diagnostic where a page failed.

    With jobs > 1 the pages are shared among that many forked processes. Each page is
    made from the read-only site alone, so the output is the same as with one job.
    """
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for page in checked.pages:
            yield render_page(checked.env, checked.site, page, site_dir)
        return
    # Forked workers get the site through memory, not pickling: only page numbers travel.
    with multiprocessing.get_context("fork").Pool(
            jobs, initializer=_worker_start, initargs=(checked, site_dir)) as pool:
        yield from pool.imap(_render_nth, range(len(checked.pages)), chunksize=32)


_worker_site: list[tuple[CheckedSite, Path]] = []  # set once in each worker process


def _worker_start(checked: CheckedSite, site_dir: Path) -> None:
    _worker_site.append((checked, site_dir))


def _render_nth(index: int) -> RenderedPage | Diagnostic:
    checked, site_dir = _worker_site[0]
    return render_page(checked.env, checked.site, checked.pages[index], site_dir)


def verify_site(site_dir: Path) -> CheckedSite:
    """check_site, then render every page in memory, so template errors show; write nothing."""
    checked = check_site(site_dir)
    errors = [r for r in render_site(checked, site_dir) if isinstance(r, Diagnostic)]
    if errors:
        raise BuildFailed([*errors, *checked.warnings])
    return checked


Progress = Callable[[int, int], None]  # called with (pages done, pages in all)


def build_site(site_dir: Path, out_dir: Path, base_url: str | None = None, jobs: int = 1,
               progress: Progress | None = None) -> BuildResult:
    """Build the site into `out_dir`, replacing it only when every page rendered."""
    started = time.perf_counter()
    refused = check_output_dir(out_dir, site_dir)
    try:
        checked = check_site(site_dir, base_url)
    except BuildFailed as failed:
        raise BuildFailed([*failed.diagnostics, *refused]) from None
    if refused:
        raise BuildFailed(refused)
    checked_at = time.perf_counter()
    errors: list[Diagnostic] = []
    try:
        with Staging(out_dir) as staging:
            for count, rendered in enumerate(render_site(checked, site_dir, jobs), 1):
                if isinstance(rendered, Diagnostic):
                    errors.append(rendered)
                else:
                    staging.write(rendered.path, rendered.content)
                if progress:
                    progress(count, len(checked.pages))
            if errors:
                raise BuildFailed([*errors, *checked.warnings])
            for static in checked.static:
                staging.copy(static.dest, static.source)
            search_problems = index_pages(staging.dir)
            if search_problems:
                raise BuildFailed([*search_problems, *checked.warnings])
            search_files = sum(1 for p in (staging.dir / SEARCH_BUNDLE).rglob("*") if p.is_file())
            staging.commit()
    except OSError as exc:
        where = exc.filename or out_dir
        raise BuildFailed([Diagnostic(str(where), 1, 1, f"cannot write the output: "
                                      f"{exc.strerror or exc}")]) from None
    done = time.perf_counter()
    timings = (("load, validate, link, compile templates", checked_at - started),
               ("render and write", done - checked_at))
    # Said only when the build worked: it would distract from the errors of a failed one.
    warnings = checked.warnings if checked.site.config.base_url else (*checked.warnings,
                                                                      NO_BASE_URL)
    files = len(checked.pages) + len(checked.static) + search_files
    return BuildResult(len(checked.pages), files, done - started, warnings, timings)


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
