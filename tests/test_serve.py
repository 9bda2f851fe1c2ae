"""`factsheet serve` for real: a subprocess on a free port, fetched over HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from tornado.websocket import websocket_connect

from generator.serve.watch import QUIET_MS
from tests.conftest import REPO, SERIAL, copy_default_site

pytestmark = [pytest.mark.timeout(60), SERIAL]  # stops servers by signal, times rebuilds

MICROSOFT = "content/companies/microsoft.yaml"
T = TypeVar("T")
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    """A running `factsheet serve` and everything it has printed so far."""

    process: subprocess.Popen[str]
    site: Path
    port: int
    lines: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self, prefix: str) -> int:
        return sum(line.startswith(prefix) for line in list(self.lines))

    def wait_for_line(self, prefix: str, after: int = 0, timeout: float = 10) -> None:
        wait_until(lambda: self.count(prefix) > after, timeout, f"a line {prefix!r}", self)

    def stop(self, signum: int = signal.SIGINT) -> tuple[int, str]:
        """Send `signum`; the exit code and all it printed."""
        self.process.send_signal(signum)
        code = self.process.wait(timeout=15)
        time.sleep(0.1)  # let the reader thread take the last lines
        return code, "\n".join(self.lines)


def start(site: Path, *options: str, port: int | None = None) -> Served:
    """Start the server and wait until it says it is serving."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port),
         *options], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    served = Served(process, site, port)

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            served.lines.append(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    wait_until(lambda: served.count("Serving ") > 0 or process.poll() is not None,
               STARTUP_SECONDS, "the server to start", served)
    assert process.poll() is None, "\n".join(served.lines)
    return served


@pytest.fixture
def serve_site(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start servers on copies of the default site; every one is stopped afterwards."""
    running: list[Served] = []

    def run(*options: str, site: Path | None = None) -> Served:
        served = start(site or copy_default_site(tmp_path), *options)
        running.append(served)
        return served

    yield run
    for served in running:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait(timeout=10)


def wait_until(ready: Callable[[], bool], timeout: float, what: str,
               served: Served | None = None) -> float:
    """Seconds it took until `ready()`; fails after `timeout` seconds."""
    started = time.monotonic()
    while not ready():
        if time.monotonic() - started > timeout:
            log = "\n".join(served.lines) if served else ""
            pytest.fail(f"timed out after {timeout} s waiting for {what}\n{log}")
        time.sleep(0.05)
    return time.monotonic() - started


def request(port: int, target: str, host: str | None = None, **headers: str
            ) -> tuple[int, str]:
    """A raw GET: the target is sent exactly as given, the Host header as given."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
        for name, value in headers.items():
            conn.putheader(name.replace("_", "-"), value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def edit(site: Path, rel: str, old: str, new: str) -> None:
    """Replace `old` by `new` in a site file, written at once as an editor saves."""
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def in_own_loop(function: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
    """Run a coroutine in a thread of its own: Playwright's sync API, once a browser test
    has started it, makes the main thread look as if an asyncio loop were running there."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = asyncio.run(function(*args))
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=30)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def page_has(served: Served, target: str, needle: str) -> Callable[[], bool]:
    return lambda: needle in request(served.port, target)[1]


# --- serving ------------------------------------------------------------------------------

def test_serves_the_built_site_with_the_reload_script(serve_site: Callable[..., Served]
                                                      ) -> None:
    served = serve_site()
    status, body = request(served.port, "/companies/microsoft/")
    assert status == 200
    assert "Microsoft" in body and "/livereload.js?port=" in body
    assert request(served.port, "/livereload.js")[0] == 200
    assert request(served.port, "/companies")[0] == 301  # a folder gets its slash
    assert request(served.port, "/no/such/page/")[0] == 404
    code, log = served.stop()
    assert code in (0, 130)
    assert "Traceback" not in log and log.endswith("Stopped.")


def test_an_edit_is_served_within_seconds(serve_site: Callable[..., Served]) -> None:
    served = serve_site()
    edit(served.site, MICROSOFT, "name: Microsoft", "name: Microsoft Corporation")
    seconds = wait_until(page_has(served, "/companies/microsoft/", "Microsoft Corporation"),
                         5, "the edit to show", served)
    print(f"edit to served page: {seconds:.2f} s")
    # A tab that revalidates what it had must get the new page, never a 304.
    status, body = request(served.port, "/companies/microsoft/",
                           If_Modified_Since="Fri, 01 Jan 2100 00:00:00 GMT", If_None_Match="*")
    assert status == 200 and "Microsoft Corporation" in body


def test_a_burst_of_saves_is_one_rebuild(serve_site: Callable[..., Served]) -> None:
    served = serve_site()
    path = served.site / MICROSOFT
    text = path.read_text(encoding="utf-8")
    # A burst is saves less than QUIET_MS apart; on a loaded machine this process may be
    # paused between two of them for longer, which makes two bursts: then it is tried again.
    for attempt in range(3):
        builds, changes = served.count("Built "), served.count("Changed: ")
        gaps = []
        for n in range(5):  # an editor that writes several times, then deletes and renames
            before = time.monotonic()
            path.write_text(text.replace("name: Microsoft", f"name: Microsoft {n}"), "utf-8")
            time.sleep(0.02)
            gaps.append(time.monotonic() - before)
        before = time.monotonic()
        spare = path.with_name("microsoft.yaml.new")
        spare.write_text(text.replace("name: Microsoft", f"name: Microsoft final {attempt}"),
                         "utf-8")
        path.unlink()
        spare.rename(path)
        gaps.append(time.monotonic() - before)
        wait_until(page_has(served, "/companies/microsoft/", f"Microsoft final {attempt}"), 5,
                   "the burst", served)
        time.sleep(1)  # room for any extra build to show up
        if max(gaps) < QUIET_MS / 1000:
            break
    assert served.count("Built ") == builds + 1
    assert served.count("Changed: ") == changes + 1


def test_a_save_right_after_a_reload_reloads_again(serve_site: Callable[..., Served]) -> None:
    """python-livereload ignores changes within 3 s of a reload; this server must not."""
    served = serve_site()
    messages = in_own_loop(_reloads_while, served, [("name: Microsoft", "name: Microsoft A"),
                                                    ("name: Microsoft A", "name: Microsoft B")])
    assert [m["command"] for m in messages] == ["reload", "reload"]
    assert "Microsoft B" in request(served.port, "/companies/microsoft/")[1]


async def _reloads_while(served: Served, edits: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Connect as livereload.js does, make each edit as soon as the last one reloaded."""
    socket = await websocket_connect(f"ws://127.0.0.1:{served.port}/livereload")
    await socket.write_message(json.dumps({"command": "hello", "protocols": [
        "http://livereload.com/protocols/official-7"]}))
    assert json.loads(await socket.read_message() or "{}")["command"] == "hello"
    await socket.write_message(json.dumps({"command": "info", "url": served.url}))
    await asyncio.sleep(0.3)  # the server registers the tab when it reads 'info'
    received = []
    for old, new in edits:
        edit(served.site, MICROSOFT, old, new)
        message = await asyncio.wait_for(socket.read_message(), timeout=10)
        received.append(json.loads(message or "{}"))
    socket.close()
    return received


def test_pages_stay_whole_while_the_site_is_rebuilt(serve_site: Callable[..., Served]) -> None:
    served = serve_site()
    stop = threading.Event()
    bad: list[tuple[int, str]] = []
    fetched = [0]

    def fetch() -> None:
        while not stop.is_set():
            status, body = request(served.port, "/companies/microsoft/")
            fetched[0] += 1
            if status != 200 or not body.rstrip().endswith("</html>"):
                bad.append((status, body[-200:]))

    workers = [threading.Thread(target=fetch, daemon=True) for _ in range(3)]
    for worker in workers:
        worker.start()
    builds = served.count("Built ")
    for n in range(3):
        edit(served.site, MICROSOFT, "name: Microsoft", f"name: Microsoft {n}")
        served.wait_for_line("Built ", after=builds + n)
    stop.set()
    for worker in workers:
        worker.join(timeout=10)
    assert fetched[0] > 10 and bad == []


# --- a broken build -----------------------------------------------------------------------

def test_a_broken_build_shows_its_errors_then_recovers(serve_site: Callable[..., Served]
                                                       ) -> None:
    served = serve_site()
    edit(served.site, MICROSOFT, "name: Microsoft", "name: [<b>Microsoft")
    wait_until(lambda: request(served.port, "/")[0] == 500, 5, "the error page", served)
    for page in ("/", "/companies/microsoft/", "/cities/index.html", "/no-such-page/"):
        status, body = request(served.port, page)
        assert status == 500
        assert re.search(r"content/companies/microsoft\.yaml:\d+:\d+: error: ", body)
        assert "&lt;b&gt;Microsoft" in body and "<b>Microsoft" not in body
        assert "/livereload.js?port=" in body  # the error page reloads by itself too
    assert request(served.port, "/assets/factsheet.css")[0] == 200  # old output stays
    assert served.process.poll() is None
    edit(served.site, MICROSOFT, "name: [<b>Microsoft", "name: Microsoft again")
    wait_until(page_has(served, "/companies/microsoft/", "Microsoft again"), 5, "recovery",
               served)
    assert request(served.port, "/")[0] == 200


# --- what it refuses ----------------------------------------------------------------------

def test_only_files_inside_the_output_folder_are_served(serve_site: Callable[..., Served]
                                                        ) -> None:
    served = serve_site()
    out = served.site / "output"
    (out / "link-out").symlink_to(served.site / "site.yaml")
    (out / "folder-out").symlink_to(served.site / "content")
    (out / "companies" / "linked").mkdir()
    (out / "companies" / "linked" / "index.html").symlink_to(served.site / "site.yaml")
    secret = served.site / "site.yaml"
    for target in ("/../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E/site.yaml",
                   "/..%2fsite.yaml", "/companies/../../site.yaml", "//etc/passwd",
                   "/" + str(secret), "//" + str(secret).lstrip("/"),
                   f"http://127.0.0.1:{served.port}/../site.yaml",
                   "/link-out", "/folder-out/companies/microsoft.yaml", "/companies/linked/"):
        status, body = request(served.port, target)
        assert status in (400, 403, 404), (target, status)
        assert "types:" not in body and "root:" not in body, target
    assert request(served.port, "/index.html")[0] == 200


def test_requests_for_other_host_names_are_refused(serve_site: Callable[..., Served]) -> None:
    served = serve_site()
    port = served.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}",
                 f"LOCALHOST:{port}"):
        assert request(port, "/", host)[0] == 200, host
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}",
                 "127.0.0.1:1", f"192.168.1.1:{port}", ""):
        assert request(port, "/", host)[0] == 403, host
        assert request(port, "/livereload.js", host)[0] == 403, host
        assert request(port, "/livereload", host)[0] == 403, host
    with pytest.raises(Exception, match="403"):
        in_own_loop(_websocket_from, served, "http://evil.example")


async def _websocket_from(served: Served, origin: str) -> None:
    from tornado.httpclient import HTTPRequest
    await websocket_connect(HTTPRequest(f"ws://127.0.0.1:{served.port}/livereload",
                                        headers={"Origin": origin}))


def test_another_host_is_served_with_a_warning(serve_site: Callable[..., Served]) -> None:
    served = serve_site("--host", "0.0.0.0")
    assert any(line.startswith("warning: listening on 0.0.0.0") for line in served.lines)
    assert request(served.port, "/", f"127.0.0.1:{served.port}")[0] == 200
    assert request(served.port, "/", f"evil.example:{served.port}")[0] == 403


def test_a_folder_without_a_site_is_refused_at_once(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "serve", "--site", str(tmp_path),
                             "--port", str(free_port())], cwd=REPO, capture_output=True,
                            text=True, timeout=30)
    assert (result.returncode, result.stderr) == (
        1, "site.yaml:1:1: error: cannot read: No such file or directory\n1 error.\n")


def test_a_taken_port_is_one_line_and_exit_1(tmp_path: Path) -> None:
    site = copy_default_site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "generator", "serve", "--site", str(site),
                                 "--port", str(port)], cwd=REPO, capture_output=True, text=True,
                                timeout=30)
    assert result.returncode == 1
    assert result.stderr == (f"factsheet serve: error: 127.0.0.1:{port} is already in use; stop "
                             "the other server or choose another --port\n")
    assert not (site / "output").exists()  # it failed before building anything


# --- stopping -----------------------------------------------------------------------------

def test_ctrl_c_mid_rebuild_stops_cleanly(serve_site: Callable[..., Served], tmp_path: Path
                                          ) -> None:
    site = copy_default_site(tmp_path)
    served = serve_site(site=site)
    before = (site / "output" / "index.html").read_bytes()
    # A template that would take minutes (each range() is within the build's cap):
    # Ctrl-C surely lands while pages are rendered.
    (site / "templates" / "about.html").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
        encoding="utf-8")
    served.wait_for_line("Changed: ")
    time.sleep(0.3)
    code, log = served.stop()
    after_change = log.split("Changed: ", 1)[1]
    assert "Built " not in after_change and "build failed" not in after_change, log
    assert code in (0, 130)
    assert "Traceback" not in log and log.endswith("Stopped."), log
    assert (site / "output" / "index.html").read_bytes() == before  # the old site, whole
    assert [p.name for p in site.iterdir() if p.name.startswith(".output")] == []


def test_sigterm_stops_it_too(serve_site: Callable[..., Served]) -> None:
    code, log = serve_site().stop(signal.SIGTERM)
    assert code == 0 and "Traceback" not in log


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX signals")
def test_ctrl_c_while_pages_are_fetched(serve_site: Callable[..., Served]) -> None:
    served = serve_site()
    stop = threading.Event()

    def fetch() -> None:
        while not stop.is_set():
            try:
                request(served.port, "/companies/microsoft/")
            except OSError:
                return

    workers = [threading.Thread(target=fetch, daemon=True) for _ in range(3)]
    for worker in workers:
        worker.start()
    time.sleep(0.5)
    code, log = served.stop()
    stop.set()
    assert code in (0, 130)
    assert "Traceback" not in log and "exception" not in log.lower(), log
