"""Terminal escape codes and bidi controls never reach the terminal raw: not from a URL, a
header or a WebSocket message sent to `factsheet serve`, nor from a file name or a record's
value quoted in the diagnostics of build, check and serve. They are shown as escapes."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tornado.websocket import websocket_connect

from generator.errors import Diagnostic, format_all
from generator.serve.guard import printable
from tests.conftest import copy_case
from tests.hardening import run_cli
from tests.test_serve import Served, in_own_loop, request, serve_site, wait_until

__all__ = ["serve_site"]  # the fixture, used here by name

pytestmark = pytest.mark.timeout(60)

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# Everything a terminal acts on or that reorders or breaks a line, but the line break
# between lines and the tab, which a terminal only moves across.
RAW = {chr(c) for c in (*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))} | set(BIDI) \
    | {"\u2028", "\u2029"}
FORGED = "[E 200101 00:00:00 web:1] FORGED"
HOSTILE = {
    "clear screen": "\x1b[2J\x1b[H",
    "window title": "\x1b]0;owned\x07",
    "colour": "\x1b[31mred\x1b[0m",
    "8-bit CSI": "\x9b2J",
    "carriage return": "safe\roverwritten",
    "backspace": "abc\x08\x08\x08xyz",
    "forged line": "\n" + FORGED,
    "line separator": "a\u2028" + FORGED,
    **{f"U+{ord(c):04X}": f"txt.{c}exe" for c in BIDI},
}


def assert_printable(text: str) -> None:
    """No character of RAW in `text`, and no line of it that a client wrote."""
    found = sorted({f"U+{ord(c):04X}" for c in text if c in RAW})
    assert found == [], (found, text[-2000:])
    assert not any(line.startswith(FORGED) for line in text.splitlines()), text[-2000:]


# Any text around one of the hostile strings: st.text() alone seldom holds a bidi control.
TEXT = st.builds(lambda before, hostile, after: before + hostile + after,
                 st.text(), st.sampled_from(sorted(HOSTILE.values())), st.text())


@given(TEXT)
def test_printable_text_is_one_line_without_controls(text: str) -> None:
    shown = printable(text)
    assert_printable(shown)
    assert "\n" not in shown and "\t" not in shown
    assert shown == text or any(c in RAW or c in "\n\t" for c in text)


@given(path=TEXT, message=TEXT, source=TEXT,
       col=st.integers(min_value=1, max_value=50))
def test_a_diagnostic_shows_controls_and_bidi_as_escapes(path: str, message: str, source: str,
                                                       col: int) -> None:
    shown = format_all([Diagnostic(path, 1, col, message, "error", source)])
    assert_printable(shown)
    assert shown.split("\n")[-1] == "1 error."


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_check_escapes_file_names_and_values(tmp_path: Path, text: str) -> None:
    site = copy_case("basic", tmp_path)
    companies = site / "content" / "companies"
    name = text.replace("/", "-")
    if "\n" not in name and "\r" not in name:  # a name the file system takes on any system
        (companies / f"{name}.yaml").write_text("name: X\n", encoding="utf-8")
    escaped = json.dumps(text)  # a YAML double-quoted string: \u escapes for every control
    (companies / "bad.yaml").write_text(
        f"name: {escaped}\nheadquarters: {escaped}\nfounded: {escaped}\n", encoding="utf-8")
    (companies / "raw.yaml").write_text(f"name: Raw\nsummary: x\nheadquarters: a{text}b\n",
                                        encoding="utf-8")
    for command in ("check", "build"):
        outcome = run_cli(command, "--site", site)
        assert outcome.code == 1 and ": error: " in outcome.err, outcome.err
        assert "Traceback" not in outcome.err
        assert_printable(outcome.err)


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(data)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def test_urls_and_headers_are_logged_with_escapes(serve_site: Callable[..., Served]) -> None:
    served = serve_site()
    port = served.port
    for text in HOSTILE.values():
        raw = text.encode("utf-8")
        for target in (b"/" + raw, b"/no-page/" + raw.replace(b"\n", b"").replace(b"\r", b""),
                       b"/%1b%5b2J" + raw.replace(b" ", b"%20")):
            raw_request(port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                        b"Connection: close\r\n\r\n" % port)
        host = raw.replace(b"\n", b"").replace(b"\r", b"")
        raw_request(port, b"GET / HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        raw_request(port, b"GET /livereload.js HTTP/1.1\r\nHost: evil" + host +
                    b"\r\nUser-Agent: " + host + b"\r\nConnection: close\r\n\r\n")
    assert request(port, "/")[0] == 200
    time.sleep(0.3)
    code, log = served.stop()
    assert code in (0, 130)
    # tornado refuses a Host with control or non-ASCII characters (400, unlogged); a raw
    # path is taken as Latin-1, so UTF-8 bidi controls arrive as 8-bit (C1) controls.
    assert log.count(" 404 GET /no-page/") >= len(BIDI), log[-3000:]
    assert_printable(log)
    assert "Traceback" not in log


async def _say(port: int, messages: list[str | bytes]) -> None:
    """Connect as a tab does and send `messages`."""
    socket_ = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    for message in messages:
        await socket_.write_message(message, binary=isinstance(message, bytes))
    await asyncio.sleep(0.2)
    socket_.close()


def test_websocket_messages_are_logged_with_escapes(serve_site: Callable[..., Served]) -> None:
    served = serve_site()
    hello = json.dumps({"command": "hello", "protocols": [
        "http://livereload.com/protocols/official-7"]})
    for text in HOSTILE.values():
        in_own_loop(_say, served.port, [hello, json.dumps({"command": "info", "url": text}),
                                        json.dumps({"command": text, "url": text})])
    malformed: list[str | bytes] = [
        "not json", "[1, 2]", "null", '"info"', '{"command": 1}', '{"url": "x"}',
        '{"command": "info"}', '{"command": "info", "url": ["\\u001b[2J"]}',
        '{"command": "info", "url": {"a": 1}}', b"\xff\xfe\x1b[2J", "\x1b[2J",
        '{"command": "hello"' + "]" * 100_000,
    ]
    in_own_loop(_say, served.port, [hello, *malformed])
    many = [json.dumps({"command": "info", "url": f"http://x/{n}\x1b[2J"}) for n in range(200)]
    in_own_loop(_say, served.port, [hello, *many])  # one tab says where it is again and again
    wait_until(lambda: served.count("[I ") >= len(HOSTILE) + 1, 10, "the tabs", served)
    time.sleep(0.3)
    code, log = served.stop()
    assert code in (0, 130)
    assert_printable(log)
    assert "Traceback" not in log and "Uncaught exception" not in log, log[-3000:]
    assert "\\x1b[2J" in log  # shown, as an escape
    assert log.count("http://x/") == 1, log[-3000:]  # a tab is logged once


@pytest.mark.parametrize("text", [HOSTILE["clear screen"], HOSTILE["U+202E"],
                                  HOSTILE["8-bit CSI"], HOSTILE["U+2066"]])
def test_a_changed_file_is_named_with_escapes(serve_site: Callable[..., Served],
                                              text: str) -> None:
    served = serve_site()
    changes, done = served.count("Changed: "), built(served)
    (served.site / "content" / "companies" / f"evil{text}.yaml").write_text("name: X\n", "utf-8")
    served.wait_for_line("Changed: ", after=changes)
    wait_until(lambda: built(served) > done, 10, "the rebuild", served)
    _, log = served.stop()
    assert_printable(log)
    assert printable(f"evil{text}.yaml") in log


def built(served: Served) -> int:
    """How many builds have ended, well or not."""
    return served.count("Built ") + served.count("The build failed")
