"""Bad requests to `factsheet serve`: each gets a 4xx (or the connection closed) at once, never
a 500 or a traceback, and none of them holds the server or its file descriptors for long."""

from __future__ import annotations

import contextlib
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.serve.guard import HEADER_SECONDS, MAX_HEADER_BYTES
from tests.conftest import REPO, SERIAL, copy_default_site
from tests.test_serve import STARTUP_SECONDS, Served, free_port, request, start, wait_until

pytestmark = [pytest.mark.timeout(90), SERIAL]  # answers and time-outs within time bounds

REFUSED = (400, 403, 404)  # what a bad request may get; None below: closed without an answer


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the module; at the end it must still serve and have logged no traceback."""
    server = start(copy_default_site(tmp_path_factory.mktemp("requests")))
    yield server
    try:
        assert request(server.port, "/")[0] == 200
        code, log = server.stop()
        assert code in (0, 130)
        assert "Traceback" not in log and "Uncaught exception" not in log, log
        # Tornado logs every 500 at error level, as a line starting "[E "; a fuzzed path
        # in a 404 line may hold those characters too.
        assert not any(line.startswith("[E ") for line in log.splitlines()), log
    finally:
        if server.process.poll() is None:
            server.process.kill()


def exchange(port: int, data: bytes, timeout: float = 5) -> tuple[int | None, float]:
    """Send raw bytes, read until the server closes: its final status (None if it answered
    nothing) and how many seconds that took."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        with contextlib.suppress(OSError):  # closed before a long request was all sent
            conn.sendall(data)
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    seconds = time.monotonic() - started
    while answer.startswith(b"HTTP/1.1 1"):  # a 100 Continue before the real answer
        answer = answer.partition(b"\r\n\r\n")[2]
    if not answer.startswith(b"HTTP/1."):
        return None, seconds
    return int(answer.split(b" ", 2)[1]), seconds


def get(port: int, target: bytes, *headers: bytes, host: bytes | None = None) -> bytes:
    """A GET request with `target` sent exactly as given, closing after the answer."""
    host = host if host is not None else f"127.0.0.1:{port}".encode()
    lines = [b"GET " + target + b" HTTP/1.1", b"Host: " + host, b"Connection: close", *headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


CONTROLS = [bytes([c]) for c in [*range(0x20), 0x7F]]


@pytest.mark.parametrize("byte", CONTROLS, ids=[f"{b[0]:02x}" for b in CONTROLS])
@pytest.mark.parametrize("how", ["raw", "percent"])
def test_control_characters_in_the_path_are_400(served: Served, byte: bytes, how: str) -> None:
    encoded = byte if how == "raw" else quote_from_bytes(byte, safe="").encode()
    status, seconds = exchange(served.port, get(served.port, b"/companies/a" + encoded + b"b/"))
    assert status == 400, (byte, how)
    assert seconds < 2


BAD_ENCODINGS = [b"/%", b"/%2", b"/%zz", b"/%%", b"/%ff", b"/%c0%af", b"/%e2%80", b"/%ed%a0%80",
                 b"/%f4%90%80%80", b"/%u202e", b"/%C0%AE%C0%AE/site.yaml", b"/\xff\xfe",
                 b"/%e2%80%ae", b"/\xe2\x80\xae.html", b"/%2e%2e%00/site.yaml"]


@pytest.mark.parametrize("target", BAD_ENCODINGS, ids=[repr(t) for t in BAD_ENCODINGS])
def test_bad_percent_encoding_is_refused(served: Served, target: bytes) -> None:
    status, seconds = exchange(served.port, get(served.port, target))
    assert status in REFUSED, target
    assert seconds < 2


@pytest.mark.parametrize("length", [255, 256, 1024, 4096, 5000, 32_000, MAX_HEADER_BYTES - 200])
def test_overlong_paths_are_404(served: Served, length: int) -> None:
    status, seconds = exchange(served.port, get(served.port, b"/" + b"a" * length))
    assert status == 404 and seconds < 2
    deep = b"/a" * (length // 2)
    assert exchange(served.port, get(served.port, deep))[0] == 404


@pytest.mark.parametrize("length", [MAX_HEADER_BYTES, 200_000, 2_000_000])
def test_a_request_line_over_the_header_limit_is_cut_off(served: Served, length: int) -> None:
    status, seconds = exchange(served.port, get(served.port, b"/" + b"a" * length))
    assert status in (None, 400) and seconds < 3


HUGE_HEADERS = {
    "one long header": [b"X-Long: " + b"a" * (MAX_HEADER_BYTES + 10)],
    "many headers": [f"X-{n}: {'b' * 90}".encode() for n in range(MAX_HEADER_BYTES // 90)],
    "long cookie": [b"Cookie: " + b"c=" * MAX_HEADER_BYTES],
    "one megabyte": [b"X-Long: " + b"a" * 1_000_000],
}


@pytest.mark.parametrize("headers", HUGE_HEADERS.values(), ids=HUGE_HEADERS.keys())
def test_huge_headers_are_cut_off(served: Served, headers: list[bytes]) -> None:
    status, seconds = exchange(served.port, get(served.port, b"/", *headers))
    assert status in (None, 400) and seconds < 3


BODIES = {  # (method, host, headers): only the head and a little of the body are ever sent
    "100 MB to a foreign host": (b"POST", b"evil.example", [b"Content-Length: 100000000"]),
    "100 MB to this host": (b"POST", None, [b"Content-Length: 100000000"]),
    "a GET with a body": (b"GET", None, [b"Content-Length: 1000"]),
    "one byte": (b"PUT", None, [b"Content-Length: 1"]),
    "chunked": (b"POST", b"evil.example", [b"Transfer-Encoding: chunked"]),
    "100-continue": (b"POST", None, [b"Content-Length: 100000000", b"Expect: 100-continue"]),
    "to the WebSocket": (b"POST", None, [b"Content-Length: 100000000"]),
}


@pytest.mark.parametrize("case", BODIES.values(), ids=BODIES.keys())
def test_a_request_body_is_refused_before_it_is_read(
        served: Served, case: tuple[bytes, bytes | None, list[bytes]]) -> None:
    method, host, headers = case
    target = b"/livereload" if case is BODIES["to the WebSocket"] else b"/"
    head = get(served.port, target, *headers, host=host).replace(b"GET", method, 1)
    body = b"1000\r\n" + b"x" * 4096 if b"chunked" in headers[0] else b"x" * 1000
    status, seconds = exchange(served.port, head + body)
    # Refused at the Content-Length (or the first chunk), not after 100 MB that never come.
    assert status == 400 and seconds < 2


def test_slow_and_idle_clients_are_closed_after_the_header_timeout(served: Served) -> None:
    """A client dribbling its headers, one sending nothing, one idle after an answer."""
    closed: dict[str, float] = {}
    host = f"Host: 127.0.0.1:{served.port}\r\n".encode()

    def client(name: str, first: bytes, dribble: bool) -> None:
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", served.port), timeout=0.5) as conn:
            conn.sendall(first)
            while time.monotonic() - started < HEADER_SECONDS + 5:
                try:
                    if dribble:
                        conn.sendall(b"X-Slow: a\r\n")
                    answer = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not answer:
                    break
        closed[name] = time.monotonic() - started

    clients = [threading.Thread(target=client, args=args) for args in (
        ("dribbling", b"GET / HTTP/1.1\r\n" + host, True),
        ("silent", b"", False),
        ("kept alive", b"GET /robots.txt HTTP/1.1\r\n" + host + b"\r\n", False))]
    for thread in clients:
        thread.start()
    time.sleep(1)
    assert request(served.port, "/")[0] == 200  # meanwhile others are served at once
    for thread in clients:
        thread.join(timeout=HEADER_SECONDS + 10)
    assert sorted(closed) == ["dribbling", "kept alive", "silent"]
    for name, seconds in closed.items():
        assert HEADER_SECONDS - 1 < seconds < HEADER_SECONDS + 4, (name, seconds)


PATH_BYTES = st.binary(min_size=0, max_size=300)


@pytest.fixture(scope="module")
def port(served: Served) -> int:
    """The module server's port (hypothesis shows its arguments: a port, not the whole log)."""
    return served.port


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=PATH_BYTES)
def test_any_percent_encoded_path_gets_a_page_or_a_4xx(port: int, path: bytes) -> None:
    target = b"/" + quote_from_bytes(path, safe="/").encode()
    status, _ = exchange(port, get(port, target))
    assert status in (200, 301, *REFUSED), target


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=PATH_BYTES.map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")))
def test_any_raw_path_gets_a_page_or_a_4xx(port: int, path: bytes) -> None:
    status, _ = exchange(port, get(port, b"/" + path))
    assert status in (200, 301, *REFUSED), path


# --- few file descriptors ------------------------------------------------------------------

OPEN_FILES = 256  # macOS's default limit


def start_with_open_files(site: Path, limit: int, servers: list[Served]) -> Served:
    """`factsheet serve` with its open-file limit lowered to `limit` (put in `servers`)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit)))
    served = Served(process, site, port)
    servers.append(served)

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
def servers() -> Iterator[list[Served]]:
    """Servers a test starts by itself; each is killed afterwards if it is still running."""
    running: list[Served] = []
    yield running
    for served in running:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait(timeout=10)


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_NOFILE")
def test_300_slow_clients_under_a_256_file_limit(tmp_path: Path, servers: list[Served]) -> None:
    served = start_with_open_files(copy_default_site(tmp_path), OPEN_FILES, servers)
    slow: list[socket.socket] = []
    try:
        for _ in range(300):
            conn = socket.create_connection(("127.0.0.1", served.port), timeout=5)
            conn.sendall(b"GET / HTTP/1.1\r\nX-Slow: ")  # and never more
            slow.append(conn)
        for n in range(20):  # others are still answered, at once
            started = time.monotonic()
            status, body = request(served.port, "/companies/microsoft/")
            assert status == 200 and body.rstrip().endswith("</html>"), n
            assert time.monotonic() - started < 2
            slow.append(socket.create_connection(("127.0.0.1", served.port), timeout=5))
        # ... and a rebuild still runs and is served.
        page = served.site / "content/companies/microsoft.yaml"
        page.write_text(page.read_text("utf-8").replace("name: Microsoft", "name: Micro 256"),
                        "utf-8")
        wait_until(lambda: "Micro 256" in request(served.port, "/companies/microsoft/")[1], 10,
                   "the rebuild", served)
    finally:
        for conn in slow:
            conn.close()
    code, log = served.stop()
    assert code in (0, 130)
    assert "Traceback" not in log and "Too many open files" not in log, log[-3000:]
    assert log.count("warning: more than ") == 1  # said once, not once per connection
    assert len(log.splitlines()) < 20, log[-3000:]


@pytest.mark.skipif(not hasattr(resource, "prlimit"), reason="needs prlimit (Linux)")
@pytest.mark.parametrize("limit", [64, 128, 256])
def test_a_limit_lowered_while_serving_makes_it_hold_fewer(tmp_path: Path, limit: int,
                                                          servers: list[Served]) -> None:
    """The cap is set from the limit at start; lowered later, the server runs out of file
    descriptors and must make room rather than print a traceback at every turn."""
    served = start(copy_default_site(tmp_path))
    servers.append(served)
    resource.prlimit(served.process.pid, resource.RLIMIT_NOFILE, (limit, limit))
    slow: list[socket.socket] = []
    try:
        for _ in range(limit + 100):
            conn = socket.create_connection(("127.0.0.1", served.port), timeout=5)
            conn.sendall(b"GET / HTTP/1.1\r\nX-Slow: ")
            slow.append(conn)
        for n in range(20):
            status, body = request(served.port, "/companies/microsoft/")
            assert status == 200 and body.rstrip().endswith("</html>"), (n, status)
            slow.append(socket.create_connection(("127.0.0.1", served.port), timeout=5))
    finally:
        for conn in slow:
            conn.close()
    code, log = served.stop()
    assert code in (0, 130)
    assert "Traceback" not in log and "Too many open files" not in log, log[-3000:]
    assert log.count("warning: out of file descriptors") == 1, log[-3000:]
    assert len(log.splitlines()) < 20, log[-3000:]
