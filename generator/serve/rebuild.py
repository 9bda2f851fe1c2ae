"""The dev server's rebuild loop: a build after each settled burst of saves, then the rest later."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from livereload.handlers import LiveReloadHandler
from tornado.ioloop import IOLoop

from generator.build import Options, build_site
from generator.errors import BuildFailed, Diagnostic, format_all
from generator.render.plan import HTML_KINDS, PAGE_KINDS
from generator.serve.guard import printable
from generator.site.config import CONFIG_FILE, load_config
from generator.site.model import ENGLISH, Catalog
from generator.store.cache import BuildCache, save_cache
from generator.write.lock import OutputLock


def _catalog(site_dir: Path) -> Catalog:
    """The site's words, or English when site.yaml itself is what does not build."""
    try:
        return load_config(site_dir).catalog
    except BuildFailed:
        return ENGLISH


@dataclass(slots=True)
class BuildState:
    """What the last build left: no errors means output/ is current."""

    errors: tuple[Diagnostic, ...] = ()
    catalog: Catalog = ENGLISH  # the site's language, for the page that shows the errors
    building: bool = False
    stopping: bool = False


BACKGROUND_AFTER_SECONDS = 2.0
# What a rebuild after an edit leaves to the background build: files no open tab shows.
LATER = frozenset(kind for kind in PAGE_KINDS if kind not in HTML_KINDS)


@dataclass
class Rebuilder:
    """Rebuilds the site into the output folder and reloads the open tabs.

    Builds run on the server loop's own thread, so no request is answered while output/
    is swapped and each response comes whole from one build; requests made meanwhile
    wait for it (the default site builds in a fraction of a second).
    """

    site_dir: Path
    out_dir: Path
    state: BuildState = field(default_factory=BuildState)
    # The last build's cache stays in memory, so a rebuild reads only the files that changed.
    cache: BuildCache | None = None
    # The search index and the cache file are brought up to date by a second build in the
    # background after the tabs reloaded; an edit meanwhile stops it and goes first.
    lock: threading.Lock = field(default_factory=threading.Lock)
    background: threading.Thread | None = None
    indexers: list[subprocess.Popen[str]] = field(default_factory=list)  # one per shard
    cancelled: bool = False
    unsaved: bool = False  # a rebuild changed the output since the cache file was written
    pending: object | None = None  # the loop's timeout that will start the background build

    def build(self, search: bool = True) -> None:
        """Build once, printing the result; a failed build keeps the old output and says why."""
        self.stop_background()
        try:
            self.state.building = True
            try:
                with self.lock:
                    result = build_site(self.site_dir, self.out_dir, options=Options(
                        previous=self.cache, save=search, search=search,
                        later=frozenset() if search else LATER))
                    self.cache, self.unsaved = result.cache, not search
            finally:
                self.state.building = False
        except BuildFailed as failed:
            self.state.errors = failed.diagnostics or (
                Diagnostic(CONFIG_FILE, 1, 1, "the build failed without saying why"),)
            self.state.catalog = _catalog(self.site_dir)
            print(format_all(failed.diagnostics), file=sys.stderr, flush=True)
            print("The build failed; the browser shows why. Watching for changes…",
                  file=sys.stderr, flush=True)
            return
        self.state.errors = ()
        if result.warnings:
            print(format_all(result.warnings), file=sys.stderr, flush=True)
        print(f"Built {result.pages} pages in {result.seconds:.2f} s.", file=sys.stderr,
              flush=True)

    def on_change(self, changed: list[str]) -> None:
        """The watcher's task: rebuild after a settled burst of changes, then reload tabs."""
        shown = ", ".join(printable(os.path.relpath(p, self.site_dir)) for p in changed[:3])
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        print(f"Changed: {shown}{more}", file=sys.stderr, flush=True)
        try:
            self.build(search=False)
        except KeyboardInterrupt:  # Ctrl-C mid-build: the staging folder is already gone
            stop_loop(self.state)
            return
        LiveReloadHandler.reload_waiters("*")  # '*': reload whole pages, never CSS alone
        if not self.state.errors:
            # Someone editing saves again soon: start only once they have paused.
            self.pending = IOLoop.current().call_later(BACKGROUND_AFTER_SECONDS,
                                                      self._start_background)

    def _start_background(self) -> None:
        self.pending = None
        self.cancelled = False
        self.background = threading.Thread(target=self._finish, daemon=True)
        self.background.start()

    def _finish(self) -> None:
        """Bring the search index and the cache file up to date (in the background)."""
        with self.lock:
            if self.cancelled:
                return
            try:
                # Not worth waiting for a `factsheet build` of the same output: that one
                # brings the index up to date, and the next edit builds again.
                result = build_site(self.site_dir, self.out_dir, options=Options(
                    previous=self.cache, search_started=self._indexing, wait=0))
            except BuildFailed:
                return  # stopped by a newer edit, which builds again
            self.cache, self.unsaved = result.cache, False

    def _indexing(self, process: subprocess.Popen[str]) -> None:
        self.indexers.append(process)
        if self.cancelled:
            process.kill()

    def keep_cache(self) -> None:
        """Save the cache of the last build, if the background build did not: the next
        `factsheet build` then finishes only what the dev server left for later."""
        if self.cache is None or not self.unsaved:
            return
        lock = OutputLock(self.out_dir, wait=0)
        if lock.try_acquire():  # else a build running now writes a newer cache
            try:
                save_cache(self.site_dir, self.cache)
            finally:
                lock.release()

    def stop_background(self) -> None:
        """Stop the background build, if one runs, and wait until it has let go."""
        if self.pending is not None:
            IOLoop.current().remove_timeout(self.pending)
            self.pending = None
        self.cancelled = True
        for process in self.indexers:
            if process.poll() is None:
                process.kill()
        if self.background is not None:
            self.background.join()
            self.background = None
        self.indexers.clear()


def stop_loop(state: BuildState) -> None:
    """Stop the server loop between requests, as Ctrl-C does."""
    state.stopping = True
    IOLoop.current().add_callback(IOLoop.current().stop)
