"""The dev server's safety checks: which Host and Origin it answers, which paths it serves,
how many clients it holds and for how long, and what it lets reach the terminal."""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import re
import socket
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.iostream import IOStream
from tornado.log import LogFormatter

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")

# A request's line and headers must arrive within HEADER_SECONDS of the connection opening
# (or of the last answer on a kept-alive one): tornado's default is an hour, so clients that
# send a byte now and then kept their connections, and their file descriptors, for good.
HEADER_SECONDS = 10.0
BODY_SECONDS = 10.0
MAX_HEADER_BYTES = 64 * 1024  # tornado's default: browsers' cookies for localhost add up
MAX_BODY_BYTES = 0  # nothing here takes uploads: a body is refused (400) before it is read
MAX_BUFFER_BYTES = 256 * 1024  # tornado's default is 100 MB per connection
MAX_MESSAGE_BYTES = 64 * 1024  # a livereload.js message is a short line of JSON
# Each connection holds its socket and, while answering, the file it sends; the build needs
# some too (6 at its peak for the default site, measured). The cap keeps both in the limit.
FILES_PER_CONNECTION = 2
SPARE_FILES = 64
MOST_CONNECTIONS = 512
FEWEST_CONNECTIONS = 8
SHRINK_BY = 16  # connections fewer than were open when the descriptors ran out
ACCEPTS_PER_TURN = 128
ACCEPT_PAUSE_SECONDS = 0.1
MAX_LOGGED_CHARS = 300  # a line of the log, not a 64 KB path
OUT_OF_FILES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)

_CONTROL = re.compile("[\x00-\x1f\x7f]")
# What a log line shows as an escape: line breaks and control characters (ESC starts the
# sequences a terminal acts on) and the marks that reorder the text around them (bidi
# controls): the characters Diagnostic.format escapes in errors.py.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


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
        if wanted in LOOPBACK_NAMES or wanted == url_host(self.host).lower():
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


def url_host(host: str) -> str:
    """`host` as it is written in a URL: an IPv6 address in brackets."""
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


def refuse_foreign_host(handler: web.RequestHandler, address: Address) -> None:
    """A 403 for a request whose Host header names another server."""
    if not address.allows(handler.request.headers.get("Host")):
        raise web.HTTPError(403, "Host header %r is not this server",
                            handler.request.headers.get("Host"))


def inside(root: str, path: str) -> bool:
    """Whether `path` is `root` or in it, once every link on the way is followed."""
    real_root, real = os.path.realpath(root), os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def refuse_unservable_path(path: str) -> None:
    """A 400 for a path with a control character in it, which no output file has.

    The operating system would cut a path at a NUL byte (Python refuses it with a
    ValueError, which tornado answers with a 500 and a traceback).
    """
    if _CONTROL.search(path):
        raise web.HTTPError(400, "the path has a control character")


def printable(text: str) -> str:
    """`text` on one line, its control and bidi characters written as escapes (\\x1b, \\u202e)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class PrintableLog(LogFormatter):
    """tornado's log lines, each message kept to one short line with its control and bidi
    characters escaped: a client's URL, headers or WebSocket messages cannot drive the
    terminal, reorder what it shows, or forge a line of the log."""

    def format(self, record: logging.LogRecord) -> str:
        record = logging.makeLogRecord(vars(record))  # other handlers keep the original
        message = printable(record.getMessage())
        if len(message) > MAX_LOGGED_CHARS:
            message = message[:MAX_LOGGED_CHARS] + f"… ({len(message)} characters)"
        record.msg, record.args = message, None
        return super().format(record)

    def formatException(self, ei: tuple[type[BaseException], BaseException, TracebackType | None]
                        | tuple[None, None, None]) -> str:
        return "\n".join(printable(line) for line in super().formatException(ei).split("\n"))


def connection_cap() -> int:
    """How many clients may be connected at once: as many as the open-file limit has room for."""
    if sys.platform == "win32":
        return MOST_CONNECTIONS
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MOST_CONNECTIONS
    room = (soft - SPARE_FILES) // FILES_PER_CONNECTION
    return max(FEWEST_CONNECTIONS, min(MOST_CONNECTIONS, room))


class CappedHTTPServer(HTTPServer):
    """tornado's HTTPServer holding at most `cap` connections: each one more closes the oldest.

    Closing the oldest rather than refusing the newest means that clients which open
    connections and never finish a request cannot lock a browser out; and a full table of
    open files makes room the same way instead of raising on every turn of the loop.
    """

    def initialize(self, request_callback: Any, cap: int = MOST_CONNECTIONS,  # type: ignore[override]
                   **settings: Any) -> None:
        super().initialize(request_callback, **settings)
        self.cap = cap
        self.streams: dict[IOStream, None] = {}  # by age, oldest first
        self.warned: set[str] = set()

    def handle_stream(self, stream: IOStream, address: tuple[Any, ...]) -> None:
        if len(self.streams) >= self.cap:
            self.streams = {s: None for s in self.streams if not s.closed()}
            while len(self.streams) >= self.cap and self.close_oldest():
                self.warn_once(f"more than {self.cap} connections at once; the "
                               "oldest are closed to make room")
        self.streams[stream] = None
        super().handle_stream(stream, address)

    def close_oldest(self) -> bool:
        """Close the oldest HTTP connection (a reloading tab's WebSocket only if there is none)."""
        http = {connection.stream for connection in self._connections}
        oldest = next((s for s in self.streams if s in http and not s.closed()), None)
        oldest = oldest or next((s for s in self.streams if not s.closed()), None)
        if oldest is None:
            return False
        self.streams.pop(oldest, None)
        oldest.close()
        return True

    def shrink(self) -> bool:
        """Out of file descriptors all the same (the limit was lowered, or other code holds
        many): hold fewer connections from now on, leaving some descriptors free; whether
        any connection was closed."""
        self.streams = {s: None for s in self.streams if not s.closed()}
        self.cap = max(FEWEST_CONNECTIONS, len(self.streams) - SHRINK_BY)
        self.warn_once("out of file descriptors (see ulimit -n): fewer connections "
                       "are held at once from now on, the oldest closed to make room")
        closed = False
        while len(self.streams) >= self.cap and self.close_oldest():
            closed = True
        return closed

    def warn_once(self, problem: str) -> None:
        """Print a warning the first time only: it would come with every connection."""
        if problem not in self.warned:
            self.warned.add(problem)
            print(f"warning: {problem}", file=sys.stderr, flush=True)

    def add_sockets(self, sockets: Iterable[socket.socket]) -> None:
        for sock in sockets:
            self._sockets[sock.fileno()] = sock
            self._handlers[sock.fileno()] = self._accept_from(sock)

    def _accept_from(self, sock: socket.socket) -> Callable[[], None]:
        """tornado's accept handler, but out of file descriptors it makes room or waits."""
        loop, stopped = IOLoop.current(), [False]

        def accept(fd: Any, events: int) -> None:
            for _ in range(ACCEPTS_PER_TURN):  # as tornado's: let requests in between
                try:
                    connection, address = sock.accept()
                except BlockingIOError:
                    return
                except ConnectionAbortedError:
                    continue
                except OSError as exc:
                    if exc.errno not in OUT_OF_FILES:
                        raise
                    if not self.shrink():  # the build holds them: try again soon
                        loop.remove_handler(sock)
                        loop.call_later(ACCEPT_PAUSE_SECONDS, resume)
                    return
                self._handle_connection(connection, address)

        def resume() -> None:
            if not stopped[0]:
                loop.add_handler(sock, accept, IOLoop.READ)

        def stop() -> None:
            stopped[0] = True
            loop.remove_handler(sock)

        loop.add_handler(sock, accept, IOLoop.READ)
        return stop
