"""Development server: build, serve output/ on localhost, rebuild and reload on change.

Built on python-livereload: its Server runs the loop, its WebSocket handler and
livereload.js reload the open tabs. Its watcher and `poll_tasks` are replaced (see
generator/watch.py for why): after a settled burst of changes the site is rebuilt once and
every tab is told to reload, however soon after the last reload that is.
"""

from __future__ import annotations

import errno
import html
import ipaddress
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httputil, netutil, web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

from generator.build import Options, build_site
from generator.cache import BuildCache, save_cache
from generator.config import CONFIG_FILE, load_config
from generator.errors import BuildFailed, Diagnostic, format_all
from generator.load import CONTENT_DIR
from generator.plan import HTML_KINDS, PAGE_KINDS
from generator.render import STATIC_DIR, TEMPLATES_DIR
from generator.watch import SiteWatcher

WATCHED = (CONFIG_FILE, CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR)
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")
HEAD_END = b"</head>"
# livereload's own snippet: load livereload.js from whichever address the page came from.
LIVE_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b'var port=window.location.port||(window.location.protocol=="https:"?443:80);'
    b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
    b"document.head.appendChild(s);})();</script>"
)


@dataclass(slots=True)
class BuildState:
    """What the last build left: no errors means output/ is current."""

    errors: tuple[Diagnostic, ...] = ()
    building: bool = False
    stopping: bool = False


@dataclass(frozen=True, slots=True)
class Address:
    """Where the server listens, and so which Host headers it answers."""

    host: str
    port: int

    def allows(self, header: str | None) -> bool:
        """Whether a request's Host (or an Origin's host:port) names this server.

        Refusing other names stops DNS rebinding: a page on evil.example whose name
        is re-pointed at 127.0.0.1 still sends 'Host: evil.example'.
        """
        name, port = _split_host(header or "")
        if port != self.port:
            return False
        wanted = name.lower()
        if wanted in LOOPBACK_NAMES or wanted == _url_host(self.host).lower():
            return True
        # Listening on every interface: any IP address is this machine; names are not.
        return self.host in WILDCARD_HOSTS and _is_ip(wanted.strip("[]"))


def _split_host(header: str) -> tuple[str, int | None]:
    """('name', port) from 'name:port' or '[v6]:port'; port 80 when none is given."""
    if header.startswith("["):
        name, _, rest = header.partition("]")
        name, port_text = name + "]", rest.removeprefix(":")
    else:
        name, _, port_text = header.partition(":")
    if not port_text:
        return name, 80
    return name, int(port_text) if port_text.isdigit() else None


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    return host == "localhost" or (_is_ip(host) and ipaddress.ip_address(host).is_loopback)


def error_page(diagnostics: Iterable[Diagnostic]) -> bytes:
    """The page every HTML request gets while the build is broken."""
    text = html.escape(format_all(diagnostics))
    # white-space: pre (scrolling, not wrapping) keeps each caret under its column.
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Build failed · factsheet</title><style>"
        "body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}"
        "pre{background:#fff4f4;border-left:4px solid #b00020;padding:1rem;overflow-x:auto;"
        "white-space:pre}</style></head><body><h1>The site did not build</h1>"
        "<p>Fix the problems below and save: this page reloads by itself.</p>"
        f'<pre class="build-errors">{text}</pre></body></html>\n'
    ).encode()


def _refuse_foreign_host(handler: web.RequestHandler, address: Address) -> None:
    if not address.allows(handler.request.headers.get("Host")):
        raise web.HTTPError(403, "Host header %r is not this server",
                            handler.request.headers.get("Host"))


class PageHandler(web.StaticFileHandler):
    """Files from the output folder only; the error page instead of any page while broken."""

    def initialize(self, path: str, default_filename: str | None = None,  # type: ignore[override]
                   state: BuildState | None = None, address: Address | None = None) -> None:
        super().initialize(path, default_filename)
        assert state is not None and address is not None
        self.state, self.address = state, address

    def prepare(self) -> None:
        _refuse_foreign_host(self, self.address)

    async def get(self, path: str, include_body: bool = True) -> None:
        if self.state.errors and PurePosixPath(path).suffix in ("", ".html", ".htm"):
            self.set_status(500, "Build failed")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(error_page(self.state.errors) if include_body else b"")
            return
        await super().get(path, include_body)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        # Tornado refuses '..' and links out of root; the index.html it appends to a
        # folder is checked here too, so no path at all leaves the output folder.
        path = super().validate_absolute_path(root, absolute_path)
        if path is not None and not _inside(root, path):
            raise web.HTTPError(403, "%s is outside the output folder", self.path)
        return path

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def compute_etag(self) -> str | None:
        return None  # tornado caches a file's hash for good; a rebuild must not get a 304

    def should_return_304(self) -> bool:
        return False

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        not_found = os.path.join(self.root, "404.html")
        if status_code == 404 and os.path.isfile(not_found):
            self.set_header("Content-Type", "text/html; charset=utf-8")
            with open(not_found, "rb") as page:
                self.finish(page.read())
            return
        super().write_error(status_code, **kwargs)


def _inside(root: str, path: str) -> bool:
    real_root, real = os.path.realpath(root), os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]  # livereload has no type hints
    """livereload's WebSocket, refusing other hosts and other sites' pages."""

    address: Address

    def prepare(self) -> None:
        _refuse_foreign_host(self, self.address)

    def check_origin(self, origin: str) -> bool:
        return self.address.allows(urlsplit(origin).netloc)


class ReloadScript(LiveReloadJSHandler):  # type: ignore[misc]  # livereload has no type hints
    """livereload.js, for this server's own pages only."""

    address: Address

    def prepare(self) -> None:
        _refuse_foreign_host(self, self.address)


class InjectReload(web.OutputTransform):
    """Adds livereload's script to every HTML page served, the error page included."""

    def transform_first_chunk(self, status_code: int, headers: httputil.HTTPHeaders,
                              chunk: bytes, finishing: bool
                              ) -> tuple[int, httputil.HTTPHeaders, bytes]:
        if "html" in headers.get("Content-Type", "") and HEAD_END in chunk:
            chunk = chunk.replace(HEAD_END, LIVE_SCRIPT + HEAD_END, 1)
            if "Content-Length" in headers:
                headers["Content-Length"] = str(int(headers["Content-Length"]) + len(LIVE_SCRIPT))
        return status_code, headers, chunk


class DevServer(Server):  # type: ignore[misc]  # livereload has no type hints
    """livereload's Server with guarded handlers on sockets bound before the first build."""

    def __init__(self, sockets: list[Any], address: Address, state: BuildState) -> None:
        super().__init__(watcher=SiteWatcher())
        self.sockets, self.address, self.state = sockets, address, state

    def application(self, port: int, host: str, liveport: int | None = None,
                    debug: bool | None = None, live_css: bool = True) -> None:
        """Replaces livereload's: same routes, minus /forcereload, each checking Host."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        ReloadSocket.address = ReloadScript.address = self.address
        app = web.Application([
            (r"/livereload", ReloadSocket),
            (r"/livereload\.js", ReloadScript),
            (r"/(.*)", PageHandler, {"path": self.root, "default_filename": "index.html",
                                     "state": self.state, "address": self.address}),
        ], transforms=[InjectReload])
        HTTPServer(app).add_sockets(self.sockets)


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
        shown = ", ".join(os.path.relpath(p, self.site_dir) for p in changed[:3])
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        print(f"Changed: {shown}{more}", file=sys.stderr, flush=True)
        try:
            self.build(search=False)
        except KeyboardInterrupt:  # Ctrl-C mid-build: the staging folder is already gone
            _stop_loop(self.state)
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
                result = build_site(self.site_dir, self.out_dir, options=Options(
                    previous=self.cache, search_started=self._indexing))
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
        if self.cache is not None and self.unsaved:
            save_cache(self.site_dir, self.cache)

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


def _stop_loop(state: BuildState) -> None:
    state.stopping = True
    IOLoop.current().add_callback(IOLoop.current().stop)


def bind(host: str, port: int) -> list[Any]:
    """Listening sockets for host:port, bound before the first build so a taken port fails
    at once; PortUnavailable, with one line to print, when that is not possible."""
    try:
        return netutil.bind_sockets(port, host)
    except OSError as exc:
        reason = ("is already in use; stop the other server or choose another --port"
                  if exc.errno == errno.EADDRINUSE else f"cannot be used: {exc.strerror}")
        raise PortUnavailable(f"factsheet serve: error: {host}:{port} {reason}") from None


class PortUnavailable(Exception):
    """The address to listen on is taken or not ours to use."""


def serve(site_dir: Path, out_dir: Path, host: str, port: int) -> None:
    """Serve `out_dir` on http://host:port until interrupted, rebuilding on every change."""
    if not (site_dir / CONFIG_FILE).is_file():
        load_config(site_dir)  # not a site at all, so nothing to watch: fail as build would
    sockets = bind(host, port)
    if not is_loopback(host):
        print(f"warning: listening on {host}: other machines on the network can read this "
              "site; leave out --host to serve this computer only", file=sys.stderr)
    rebuilder = Rebuilder(site_dir, out_dir)
    rebuilder.build()
    server = DevServer(sockets, Address(host, port), rebuilder.state)
    for name in WATCHED:
        server.watch(str(site_dir / name), rebuilder.on_change)
    _quiet_livereload()
    url = f"http://{_url_host(host)}:{port}/"
    print(f"Serving {out_dir} on {url} (Ctrl-C stops).", file=sys.stderr, flush=True)
    previous = _handle_interrupts(rebuilder.state)
    try:
        server.serve(root=str(out_dir), host=host, port=port, open_url_delay=None)
    finally:
        rebuilder.stop_background()
        rebuilder.keep_cache()
        server.watcher.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("Stopped.", file=sys.stderr)


def _handle_interrupts(state: BuildState) -> dict[int, Any]:
    """Ctrl-C (or SIGTERM) stops the loop between requests, or abandons a running build.

    Letting KeyboardInterrupt fly at any moment could land inside a request's coroutine,
    which asyncio then reports with a traceback; stopping the loop ends cleanly.
    """
    def on_signal(signum: int, frame: FrameType | None) -> None:
        if state.building:
            raise KeyboardInterrupt  # the build's staging folder is removed on the way out
        if not state.stopping:
            _stop_loop(state)

    return {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}


class _DropInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or str(record.msg).startswith("Browser Connected")


def _quiet_livereload() -> None:
    # livereload logs each step at INFO; this module prints what a user needs instead,
    # keeping only its note that a tab is listening for reloads.
    logging.getLogger("livereload").addFilter(_DropInfo())
