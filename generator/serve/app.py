"""The dev server's HTTP side: output/ as files, the error page while broken, live reload.

Built on python-livereload: its Server runs the loop, its WebSocket handler and
livereload.js reload the open tabs. Its watcher and `poll_tasks` are replaced (see
serve/watch.py for why): after a settled burst of changes the site is rebuilt once and
every tab is told to reload, however soon after the last reload that is.
"""

from __future__ import annotations

import asyncio
import datetime
import errno
import html
import json
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httputil, web

from generator.errors import Diagnostic, format_all
from generator.render.messages import messages_for
from generator.serve import guard
from generator.serve.guard import (
    Address,
    CappedHTTPServer,
    PrintableLog,
    inside,
    refuse_foreign_host,
    refuse_unservable_path,
)
from generator.serve.rebuild import BuildState
from generator.serve.watch import SiteWatcher
from generator.site.model import ENGLISH, Catalog

HEAD_END = b"</head>"
# livereload's own snippet: load livereload.js from whichever address the page came from.
LIVE_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b'var port=window.location.port||(window.location.protocol=="https:"?443:80);'
    b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
    b"document.head.appendChild(s);})();</script>"
)
CHUNK_BYTES = 64 * 1024
# write/ swaps the output folder as a whole; where the system cannot swap two folders in one
# step (not Linux), there is a moment with no output folder. A page asked for then waits.
SWAP_STEP_SECONDS = 0.01
SWAP_WAIT_SECONDS = 2.0


def error_page(diagnostics: Iterable[Diagnostic], catalog: Catalog = ENGLISH) -> bytes:
    """The page every HTML request gets while the build is broken: in the site's language
    around the errors, which stay in English as the docs quote them."""
    text = html.escape(format_all(diagnostics))
    say = messages_for(catalog)
    title, heading, advice = (html.escape(words) for words in (
        say.gettext("Build failed"), say.gettext("The site did not build"),
        say.gettext("Fix the problems below and save: this page reloads by itself.")))
    # white-space: pre (scrolling, not wrapping) keeps each caret under its column.
    return (
        f'<!doctype html>\n<html lang="{html.escape(catalog.language)}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width, '
        f'initial-scale=1"><title>{title} · factsheet</title><style>'
        "body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}"
        "pre{background:#fff4f4;border-left:4px solid #b00020;padding:1rem;overflow-x:auto;"
        f"white-space:pre}}</style></head><body><h1>{heading}</h1><p>{advice}</p>"
        f'<pre class="build-errors" lang="en">{text}</pre></body></html>\n'
    ).encode()


class PageHandler(web.StaticFileHandler):
    """Files from the output folder only; the error page instead of any page while broken."""

    def initialize(self, path: str, default_filename: str | None = None,  # type: ignore[override]
                   state: BuildState | None = None, address: Address | None = None) -> None:
        super().initialize(path, default_filename)
        assert state is not None and address is not None
        self.state, self.address = state, address

    file: BinaryIO | None = None  # opened once per request: every byte sent comes from it
    opened: os.stat_result

    def prepare(self) -> None:
        refuse_foreign_host(self, self.address)
        refuse_unservable_path("".join(self.path_args))

    async def get(self, path: str, include_body: bool = True) -> None:
        if self.state.errors and PurePosixPath(path).suffix in ("", ".html", ".htm"):
            self.set_status(500, "Build failed")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(error_page(self.state.errors, self.state.catalog) if include_body
                        else b"")
            return
        waited = 0.0
        while True:
            before = _identity(self.root)
            try:
                await super().get(path, include_body)
                return
            except web.HTTPError as error:
                # A page missing from an output folder that stayed put is missing indeed.
                if error.status_code != 404 or waited >= SWAP_WAIT_SECONDS or (
                        before is not None and _identity(self.root) == before):
                    raise
            await asyncio.sleep(SWAP_STEP_SECONDS)
            waited += SWAP_STEP_SECONDS

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        # Tornado refuses '..' and links out of root; the index.html it appends to a
        # folder is checked here too, so no path at all leaves the output folder.
        path = super().validate_absolute_path(root, absolute_path)
        if path is None:
            return None
        if not inside(root, path):
            raise web.HTTPError(403, "%s is outside the output folder", self.path)
        # Opened now and read to the size it has now: a rebuild replaces files (it never
        # rewrites one), so the response is one build's file, whole, whatever comes after.
        self.close_file()
        try:
            self.file = open(path, "rb")  # noqa: SIM115  # closed when the request ends
        except OSError as exc:
            code = {errno.ENOENT: 404, errno.ENOTDIR: 404, errno.EMFILE: 503,
                    errno.ENFILE: 503}.get(exc.errno or 0, 403)
            raise web.HTTPError(code) from None
        self.opened = os.fstat(self.file.fileno())
        return path

    def get_content_size(self) -> int:
        return self.opened.st_size

    def get_modified_time(self) -> datetime.datetime | None:
        return datetime.datetime.fromtimestamp(int(self.opened.st_mtime), datetime.UTC)

    def get_content(self, abspath: str, start: int | None = None,  # type: ignore[override]
                    end: int | None = None) -> Iterator[bytes]:
        """The bytes start…end of the file opened for this request."""
        file = self.file
        assert file is not None
        file.seek(start or 0)
        remaining = (self.opened.st_size if end is None else end) - (start or 0)
        while remaining > 0 and not file.closed:  # closed: the client went away
            chunk = file.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk

    def close_file(self) -> None:
        """Let go of the file this request was answered from."""
        if self.file is not None:
            self.file.close()
            self.file = None

    def on_finish(self) -> None:
        self.close_file()

    def on_connection_close(self) -> None:
        self.close_file()
        super().on_connection_close()

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


def _identity(folder: str) -> tuple[int, int] | None:
    try:
        status = os.stat(folder)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]  # livereload has no type hints
    """livereload's WebSocket, refusing other hosts and other sites' pages."""

    address: Address

    def prepare(self) -> None:
        refuse_foreign_host(self, self.address)

    def check_origin(self, origin: str) -> bool:
        return self.address.allows(urlsplit(origin).netloc)

    def on_message(self, message: str | bytes) -> None:
        """livereload's handshake; a message livereload.js would not send is ignored, and
        a tab is logged once however often it says where it is."""
        try:
            data = json.loads(message)
        except ValueError:  # livereload would print a traceback
            return
        if not isinstance(data, dict) or not isinstance(data.get("command"), str):
            return
        if data["command"] == "info" and (not isinstance(data.get("url"), str)
                                          or self in LiveReloadHandler.waiters):
            return
        super().on_message(message)


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
        ], transforms=[InjectReload], websocket_max_message_size=guard.MAX_MESSAGE_BYTES)
        CappedHTTPServer(
            app, cap=guard.connection_cap(), idle_connection_timeout=guard.HEADER_SECONDS,
            body_timeout=guard.BODY_SECONDS, max_header_size=guard.MAX_HEADER_BYTES,
            max_body_size=guard.MAX_BODY_BYTES, max_buffer_size=guard.MAX_BUFFER_BYTES,
        ).add_sockets(self.sockets)

    def _setup_logging(self) -> None:
        """livereload's logging (its notes and tornado's), through PrintableLog."""
        channel = logging.StreamHandler()
        channel.setFormatter(PrintableLog())
        logging.getLogger("livereload").setLevel(logging.INFO)
        for name in ("livereload", "tornado"):
            logging.getLogger(name).addHandler(channel)
