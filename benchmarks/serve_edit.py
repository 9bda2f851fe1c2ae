"""The serve-edit measure of benchmarks/run.py: from saving a record to the reloaded page.

A `factsheet serve` is started on a free port and waited for (its first build is reported as
serve-start). A WebSocket client then does what livereload.js does in a browser tab: the
`hello` handshake and an `info` message with the page's URL, after which the server counts
it among the tabs to reload. Each run saves one record and times until the `reload` message
has arrived and a GET of the record's page returns the new text. The server is stopped with
SIGINT (as Ctrl-C), and its peak RSS read with os.wait4.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import time
from typing import Any

from builds import BenchError, Result, Sample, Site
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

PROTOCOL = "http://livereload.com/protocols/official-7"  # what livereload.js announces
SETTLE_SECONDS = 0.3  # between runs: let the server take our messages and go quiet
STOP_SECONDS = 30.0


def measure_serve(factsheet: str, site: Site, runs: int, timeout: float) -> list[Result]:
    """serve-start (one sample) and serve-edit (`runs` samples) for a running dev server."""
    port = free_port()
    command = [factsheet, "serve", "--site", str(site.dir), "--port", str(port)]
    site.log.write(f"\n$ {' '.join(command)}\n")
    site.log.flush()
    started = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=site.log,
                            stderr=site.log)
    try:
        start_seconds, edits = asyncio.run(_drive(proc, site, port, runs, timeout, started))
    finally:
        rss = stop(proc, site)
    # One server process lives through every run, so each shares its whole-life peak RSS.
    return [Result(site.entities, "serve-start", [Sample(start_seconds, rss)]),
            Result(site.entities, "serve-edit",
                   [Sample(total, rss, {"reload_message_s": reload}) for total, reload in edits])]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stop(proc: subprocess.Popen[bytes], site: Site) -> float | None:
    """Stop the server as Ctrl-C would (then harder if it hangs); its peak RSS in MB."""
    if proc.returncode is not None:
        return None
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        proc.send_signal(signum)
        deadline = time.monotonic() + STOP_SECONDS
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                site.log.write(f"[serve stopped by {signum.name}: exit {proc.returncode}]\n")
                return usage.ru_maxrss / 1024
            time.sleep(0.05)
    return None


async def _drive(proc: subprocess.Popen[bytes], site: Site, port: int, runs: int,
                 timeout: float, started: float) -> tuple[float, list[tuple[float, float]]]:
    base = f"http://127.0.0.1:{port}/"
    page = base + site.page_url()
    client = AsyncHTTPClient()
    try:
        await _wait_ready(client, proc, base, started + timeout, site)
        start_seconds = time.monotonic() - started
        messages: asyncio.Queue[str | None] = asyncio.Queue()
        request = HTTPRequest(f"ws://127.0.0.1:{port}/livereload",
                              headers={"Origin": base.rstrip("/")}, connect_timeout=timeout)
        ws = await websocket_connect(request, on_message_callback=_to_queue(messages))
        try:
            await _handshake(ws, messages, page, timeout)
            edits = [await _one_edit(client, messages, site, page, timeout)
                     for _ in range(runs)]
        finally:
            ws.close()
    finally:
        client.close()
    return start_seconds, edits


def _to_queue(messages: asyncio.Queue[str | None]) -> Any:
    def put(message: str | bytes | None) -> None:
        messages.put_nowait(message.decode() if isinstance(message, bytes) else message)
    return put


async def _wait_ready(client: AsyncHTTPClient, proc: subprocess.Popen[bytes], base: str,
                      deadline: float, site: Site) -> None:
    """Until the server answers its home page, that is once its first build is done."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"factsheet serve exited {proc.returncode}; see {site.log.name}")
        try:
            # The socket is bound before the first build: this waits in its backlog meanwhile.
            response = await client.fetch(base, request_timeout=deadline - time.monotonic(),
                                          raise_error=False)
        except (OSError, HTTPClientError):
            await asyncio.sleep(0.1)
            continue
        if response.code == 200:
            return
        if response.code == 500:
            raise BenchError(f"factsheet serve: the first build failed; see {site.log.name}")
        await asyncio.sleep(0.1)
    raise BenchError(f"factsheet serve did not answer in time; see {site.log.name}")


async def _handshake(ws: Any, messages: asyncio.Queue[str | None], page: str,
                     timeout: float) -> None:
    """livereload.js's handshake: hello both ways, then info, which registers the 'tab'."""
    await ws.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL]}))
    reply = await _next_command(messages, time.monotonic() + timeout)
    if reply.get("command") != "hello":
        raise BenchError(f"livereload answered hello with {reply}")
    await ws.write_message(json.dumps({"command": "info", "url": page, "plugins": {}}))


async def _one_edit(client: AsyncHTTPClient, messages: asyncio.Queue[str | None], site: Site,
                    page: str, timeout: float) -> tuple[float, float]:
    """Save one record; seconds until reload + new page, and until the reload message."""
    await asyncio.sleep(SETTLE_SECONDS)
    while not messages.empty():  # nothing stale may pass for this edit's reload
        messages.get_nowait()
    marker = site.edit()
    saved = time.monotonic()
    deadline = saved + timeout
    while (await _next_command(messages, deadline)).get("command") != "reload":
        pass
    reloaded = time.monotonic()
    while True:
        response = await client.fetch(page, request_timeout=max(1.0, deadline - reloaded),
                                      raise_error=False)
        if response.code == 200 and marker.encode() in response.body:
            return time.monotonic() - saved, reloaded - saved
        if response.code == 500:
            raise BenchError(f"the rebuild after an edit failed; see {site.log.name}")
        if time.monotonic() > deadline:
            raise BenchError(f"{page} never showed {marker!r}")
        await asyncio.sleep(0.02)


async def _next_command(messages: asyncio.Queue[str | None], deadline: float) -> dict[str, Any]:
    try:
        message = await asyncio.wait_for(messages.get(), max(0.0, deadline - time.monotonic()))
    except TimeoutError:
        raise BenchError("no message from the livereload socket in time") from None
    if message is None:
        raise BenchError("the livereload socket closed")
    reply: dict[str, Any] = json.loads(message)
    return reply
