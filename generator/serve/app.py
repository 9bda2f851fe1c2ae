"""The dev server's HTTP side: output/ as files, the error page while broken, live reload.

Built on python-livereload: its Server runs the loop, its WebSocket handler and
livereload.js reload the open tabs. Its watcher and `poll_tasks` are replaced (see
serve/watch.py for why): after a settled burst of changes the site is rebuilt once and
every tab is told to reload, however soon after the last reload that is.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httputil, web
from tornado.httpserver import HTTPServer

from generator.errors import Diagnostic, format_all
from generator.serve.guard import Address, inside, refuse_foreign_host
from generator.serve.rebuild import BuildState
from generator.serve.watch import SiteWatcher

HEAD_END = b"</head>"
# livereload's own snippet: load livereload.js from whichever address the page came from.
LIVE_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b'var port=window.location.port||(window.location.protocol=="https:"?443:80);'
    b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
    b"document.head.appendChild(s);})();</script>"
)


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


class PageHandler(web.StaticFileHandler):
    """Files from the output folder only; the error page instead of any page while broken."""

    def initialize(self, path: str, default_filename: str | None = None,  # type: ignore[override]
                   state: BuildState | None = None, address: Address | None = None) -> None:
        super().initialize(path, default_filename)
        assert state is not None and address is not None
        self.state, self.address = state, address

    def prepare(self) -> None:
        refuse_foreign_host(self, self.address)

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
        if path is not None and not inside(root, path):
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


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]  # livereload has no type hints
    """livereload's WebSocket, refusing other hosts and other sites' pages."""

    address: Address

    def prepare(self) -> None:
        refuse_foreign_host(self, self.address)

    def check_origin(self, origin: str) -> bool:
        return self.address.allows(urlsplit(origin).netloc)


class ReloadScript(LiveReloadJSHandler):  # type: ignore[misc]  # livereload has no type hints
    """livereload.js, for this server's own pages only."""

    address: Address

    def prepare(self) -> None:
        refuse_foreign_host(self, self.address)


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
