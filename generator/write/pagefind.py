"""The search index: Pagefind run over the built pages, on this machine, with no network.

Each shard of the index (see render/shards.py) is indexed by a Pagefind process of its own,
side by side on every core. The pages are handed to Pagefind in sorted order, through its
service protocol: told to index a folder, Pagefind numbers the pages in the order
the file system lists them, which differs between file systems (a tmpfs lists files by
when they were made, ext4 in the order of a hash seeded per disk), and the index's bytes
with it. The index comes back over the same pipe and is written here: Pagefind's own writes
are not finished when it says they are (nor when it exits at the end of its input), and a
file it cannot create it tries again for ever (one it cannot write, it panics on). Before
they are written, write/bundle.py puts the files in an order that does not change from run
to run, and adds the lookup of exact titles.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import IO, Any

from generator.errors import Diagnostic
from generator.render.shards import Shards
from generator.store.files import write_all
from generator.write.bundle import BundleError, Files, stable_bundle
from generator.write.lock import inherited

TIMEOUT_SECONDS = 600
Started = Callable[["subprocess.Popen[str]"], None]  # told of each running indexer
# The folder of the pages, or where each page is (an incremental build's are in two places)
Source = Path | Callable[[str], Path]
_INDEX = 0  # the number Pagefind gives the one index each service process makes


def index_shards(source: Source, work: Path, shards: Shards, jobs: int,
                 started: Started | None = None) -> list[Diagnostic]:
    """Index each shard's pages (files under `source`) into `work`/bundle-N, side by side."""
    def index_one(number: int) -> list[Diagnostic]:
        return index_pages(source, work / f"bundle-{number}", shards[number], started)

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        results = list(pool.map(index_one, sorted(shards)))
    return sorted({d for problems in results for d in problems})


def index_pages(source: Source, bundle: Path, pages: Sequence[str],
                started: Started | None = None) -> list[Diagnostic]:
    """Write the Pagefind index of `pages` (output paths of HTML files under `source`) into
    the folder `bundle`; the same pages give the same bytes on any file system.

    `started` is given the indexer's process, so a dev server can stop it when it is
    no longer wanted.
    """
    files = run_pagefind(source, pages, started)
    try:
        if not isinstance(files, str):
            _write_bundle(bundle, stable_bundle(files))
            return []
        problem = files
    except BundleError as exc:
        problem = str(exc)
    except OSError as exc:
        problem = exc.strerror or str(exc)
    return [_cannot(problem)]


def run_pagefind(source: Source, pages: Sequence[str], started: Started | None = None
                 ) -> Files | str:
    """Pagefind's files for `pages`, as it sends them, or what went wrong."""
    executable = _pagefind()
    if executable is None:
        return "the pagefind binary is missing; install the 'pagefind[bin]' package"
    try:
        problem, said = _serve(executable, _requests(source, sorted(pages)), started)
    except OSError as exc:
        return exc.strerror or str(exc)
    return problem if problem is not None else _bundle_files(said)


def _requests(source: Source, pages: list[str]) -> Iterator[dict[str, Any]]:
    """What Pagefind is asked, in order: a new index, each page, then the index's files."""
    yield {"type": "NewIndex", "config": {"keep_index_url": True}}
    for rel in pages:
        page = source / rel if isinstance(source, Path) else source(rel)
        yield {"type": "AddFile", "index_id": _INDEX, "url": f"/{rel}",
               "file_contents": page.read_bytes().decode("utf-8", "replace")}
    yield {"type": "GetFiles", "index_id": _INDEX}


def _bundle_files(said: object) -> Files | str:
    """The files of Pagefind's last answer by their paths, or what is wrong with them."""
    if not isinstance(said, list):
        return "pagefind sent no files"
    files: Files = {}
    for entry in said:
        rel = str(entry.get("path", "")) if isinstance(entry, dict) else ""
        parts = PurePosixPath(rel).parts
        if not parts or rel.startswith("/") or any(p in ("..", ".") for p in parts) \
                or "\\" in rel or "\0" in rel:
            return f"pagefind sent a file with the unsafe name {rel!r}"
        files[PurePosixPath(rel).as_posix()] = base64.b64decode(entry.get("content", ""))
    return files


def _write_bundle(bundle: Path, files: Files) -> None:
    """Write `files` into the folder `bundle`."""
    for rel in sorted(files):
        target = bundle.joinpath(*PurePosixPath(rel).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[rel])


def _serve(executable: Path, requests: Iterator[dict[str, Any]], started: Started | None
           ) -> tuple[str | None, object]:
    """Send the requests to `pagefind --service` and read its answers; the first problem
    (None if there was none) and the files of the last answer."""
    with tempfile.TemporaryFile() as said, subprocess.Popen(
            [str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=said, text=True, pass_fds=inherited()) as process:
        assert process.stdin is not None and process.stdout is not None
        if started:
            started(process)
        late = threading.Event()

        def stop() -> None:
            late.set()
            process.kill()
        timer = threading.Timer(TIMEOUT_SECONDS, stop)
        timer.start()
        sender = _Sender(process.stdin.fileno(), requests, process.kill)
        try:
            problem, last = _read_answers(_Answers(process.stdout))
        finally:
            timer.cancel()
            process.kill()  # done with it: it has written nothing
            sender.join()
        if late.is_set():
            return f"pagefind took more than {TIMEOUT_SECONDS} seconds", None
        if problem is not _STOPPED:
            return problem, last.get("files")
        process.wait()
        said.seek(0)
        lines = said.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"pagefind exited with code {process.returncode}", None


_STOPPED = "pagefind stopped before it finished"


class _Sender(threading.Thread):
    """Writes every request to Pagefind while its answers are read, so that neither side
    waits for the other. Pagefind handles its requests one at a time, in the order they
    come, so it numbers the pages in the order they are sent.

    A page that cannot be read stops Pagefind, and join() raises the OSError.
    """

    def __init__(self, ask: int, requests: Iterator[dict[str, Any]],
                 stop: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self.ask, self.requests, self.stop = ask, requests, stop
        self.failed: OSError | None = None
        self.start()

    def run(self) -> None:
        try:
            for number, payload in enumerate(self.requests):
                message = json.dumps({"message_id": number, "payload": payload}).encode()
                # Straight to the pipe: nothing is left in a buffer to fail again on close.
                write_all(self.ask, base64.b64encode(message) + b",")
        except BrokenPipeError:
            pass  # it stopped, or was stopped: the answers say so
        except OSError as exc:
            self.failed = exc
            self.stop()

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self.failed is not None:
            raise self.failed


def _read_answers(answers: _Answers) -> tuple[str | None, dict[str, Any]]:
    """The answers up to the one with the index's files (the last request asks for them):
    the first problem, and that answer."""
    said: dict[str, Any] = {}
    while said.get("type") != "GetFiles":
        answer = answers.next()
        if answer is None:
            return _STOPPED, said
        said = answer.get("payload") or {}
        if not isinstance(said, dict):
            return "pagefind's answer is garbled", {}
        if said.get("type") == "Error":
            return str(said.get("message") or "pagefind reported an error"), said
    return None, said


class _Answers:
    """Pagefind's answers: base64 JSON, each ended by a comma."""

    def __init__(self, stream: IO[str]) -> None:
        self.fd = stream.fileno()  # read below the text layer: the answers are plain ASCII
        self.pending = bytearray()
        self.searched = 0  # how much of `pending` is known to hold no comma

    def next(self) -> dict[str, Any] | None:
        """The next answer, or None once Pagefind has stopped."""
        while (end := self.pending.find(b",", self.searched)) < 0:
            self.searched = len(self.pending)
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return None
            self.pending += chunk
        head = bytes(self.pending[:end])
        del self.pending[:end + 1]
        self.searched = 0
        try:
            answer = json.loads(base64.b64decode(head))
        except ValueError:
            return {"payload": {"type": "Error", "message": "pagefind's answer is garbled"}}
        return answer if isinstance(answer, dict) else {}


def _cannot(reason: str) -> Diagnostic:
    return Diagnostic("search", 1, 1, f"cannot build the search index: {reason}")


def _pagefind() -> Path | None:
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        found: Path = get_executable()
    except (ImportError, FileNotFoundError):
        return None
    return found
