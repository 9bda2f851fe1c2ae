"""`factsheet serve`: build, serve output/ on localhost, rebuild and reload on every change."""

from __future__ import annotations

import errno
import logging
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from tornado import netutil

from generator.read.load import CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR
from generator.serve.app import DevServer
from generator.serve.guard import Address, is_loopback, printable, url_host
from generator.serve.rebuild import BuildState, Rebuilder, stop_loop
from generator.site.config import CONFIG_FILE, load_config

WATCHED = (CONFIG_FILE, CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR)


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
        print(f"warning: listening on {printable(host)}: other machines on the network can "
              "read this site; leave out --host to serve this computer only", file=sys.stderr)
    rebuilder = Rebuilder(site_dir, out_dir)
    server = DevServer(sockets, Address(host, port), rebuilder.state)
    for name in WATCHED:
        server.watch(str(site_dir / name), rebuilder.on_change)
    server.watcher.start(None)  # before the first build: a save made meanwhile is built next
    try:
        rebuilder.build()
    except BaseException:
        server.watcher.stop()
        raise
    _quiet_livereload()
    url = f"http://{url_host(host)}:{port}/"
    print(f"Serving {printable(str(out_dir))} on {url} (Ctrl-C stops).", file=sys.stderr,
          flush=True)
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
            stop_loop(state)

    return {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}


class _DropInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or str(record.msg).startswith("Browser Connected")


def _quiet_livereload() -> None:
    # livereload logs each step at INFO; this module prints what a user needs instead,
    # keeping only its note that a tab is listening for reloads.
    logging.getLogger("livereload").addFilter(_DropInfo())
