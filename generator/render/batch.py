"""Every page of a checked site rendered in order, on one core or shared among forked workers."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.errors import Diagnostic
from generator.link.link import Site
from generator.read.load import StaticFile
from generator.render.engine import RenderedPage, render_page
from generator.render.plan import Page

Progress = Callable[[int, int], None]  # called with (pages done, pages in all)
# Writes one output file (site-relative path, bytes) and gives back its content hash.
Writer = Callable[[str, bytes], bytes]


@dataclass(frozen=True, slots=True)
class WrittenPage:
    """A page that was rendered and written where it renders: its hash, not its bytes."""

    path: str
    digest: bytes
    depends_on: frozenset[str]
    templates: frozenset[str]


@dataclass(frozen=True, slots=True)
class CheckedSite:
    """A site that loaded, validated and linked, with what it needs to be rendered."""

    site: Site
    env: jinja2.Environment
    pages: tuple[Page, ...]
    static: tuple[StaticFile, ...]
    warnings: tuple[Diagnostic, ...]
    # A multilingual site's further languages: each one's site, and its templates' set-up.
    translations: tuple[tuple[Site, jinja2.Environment], ...] = ()

    def made_by(self, page: Page) -> tuple[Site, jinja2.Environment]:
        """The site and the template set-up that make `page`: those of its language."""
        if page.language:
            return next(t for t in self.translations if t[0].config.language == page.language)
        return self.site, self.env

    def record_pages(self) -> list[str]:
        """The output paths of the record pages: what the search index is made from."""
        return [page.path for page in self.pages if page.kind == "record"]


def render_site(checked: CheckedSite, site_dir: Path, jobs: int = 1,
                pages: Sequence[Page] | None = None) -> Iterator[RenderedPage | Diagnostic]:
    """Every page of a checked site (or just `pages`), in order; a Diagnostic where one failed.

    With jobs > 1 the pages are shared among that many forked processes. Each page is
    made from the read-only site alone, so the output is the same as with one job.
    """
    for made in _made(_Work(checked, site_dir, checked.pages if pages is None else pages,
                            None), jobs):
        assert not isinstance(made, WrittenPage)
        yield made


def write_site(checked: CheckedSite, site_dir: Path, write: Writer, jobs: int = 1
               ) -> Iterator[WrittenPage | Diagnostic]:
    """Every page of a checked site, in order, each written by `write` in the process that
    rendered it; a Diagnostic where one failed.

    The workers write what they render: handing every page's bytes back to one process
    to write cost a clean build of 10,000 records a third of its rendering time.
    """
    yield from (made for made in _made(_Work(checked, site_dir, checked.pages, write), jobs)
                if not isinstance(made, RenderedPage))


@dataclass(frozen=True, slots=True)
class _Work:
    checked: CheckedSite
    site_dir: Path
    pages: Sequence[Page]
    write: Writer | None  # None: the pages' bytes come back to be written


def _made(work: _Work, jobs: int) -> Iterator[RenderedPage | WrittenPage | Diagnostic]:
    todo = work.pages
    if jobs <= 1 or len(todo) < _PARALLEL_FROM or \
            "fork" not in multiprocessing.get_all_start_methods():
        for page in todo:
            yield _make(work, page)
        return
    # Forked workers get the site through memory, not pickling: only page numbers travel.
    # Pages are handed out a batch at a time, the next one while this one is written, so
    # rendered pages never pile up in memory faster than they are written.
    batches = [range(start, min(start + _BATCH, len(todo)))
               for start in range(0, len(todo), _BATCH)]
    with _start_pool(jobs, work) as pool:
        current = pool.imap(_render_nth, batches[0], chunksize=32)
        for batch in batches[1:]:
            following = pool.imap(_render_nth, batch, chunksize=32)
            yield from current
            current = following
        yield from current


def _make(work: _Work, page: Page) -> RenderedPage | WrittenPage | Diagnostic:
    site, env = work.checked.made_by(page)
    rendered = render_page(env, site, page, work.site_dir)
    if work.write is None or isinstance(rendered, Diagnostic):
        return rendered
    return WrittenPage(rendered.path, work.write(rendered.path, rendered.content),
                       rendered.depends_on, rendered.templates)


def _start_pool(jobs: int, work: _Work) -> multiprocessing.pool.Pool:
    """The forked workers. While they are forked, Ctrl-C is noted, not raised: a worker it
    reached before it ignores Ctrl-C would stop with a copy of this process's stack."""
    context = multiprocessing.get_context("fork")
    if threading.current_thread() is not threading.main_thread():
        return context.Pool(jobs, initializer=_worker_start, initargs=(work,))
    noted: list[int] = []
    before = signal.signal(signal.SIGINT, lambda signum, frame: noted.append(signum))
    try:
        pool = context.Pool(jobs, initializer=_worker_start, initargs=(work,))
    finally:
        signal.signal(signal.SIGINT, before)
    if noted:
        pool.terminate()
        raise KeyboardInterrupt
    return pool


_PR_SET_PDEATHSIG = 1
_PARALLEL_FROM = 64  # fewer pages render faster than worker processes start
_BATCH = 1024
_worker_work: list[_Work] = []  # set once in each worker


def _worker_start(work: _Work) -> None:
    # Ctrl-C reaches every process of the terminal's group: the build stops the workers,
    # which would each print a traceback of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _worker_work.append(work)


def _die_with_parent() -> None:
    """Be stopped when the build is (Linux): a worker of a killed build would otherwise
    render on and print a traceback when it can no longer hand its pages back."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the worker stops at its next page
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)  # the build died before this worker could ask to die with it


def _render_nth(index: int) -> RenderedPage | WrittenPage | Diagnostic:
    work = _worker_work[0]
    return _make(work, work.pages[index])
