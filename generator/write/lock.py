"""One build at a time per output folder: a lock file beside it, held for the whole build.

The lock is flock(2), which the kernel lets go of when its holder dies, so a build killed
with `kill -9` never leaves a stale lock; the file itself is removed when the build ends (a
killed build's file is reused by the next). Folders a build works in beside the output are
its own while it holds the lock: only a build holding it removes those left by others.

From the moment a build starts changing output/ until it lets go of the lock, Ctrl-C and
SIGTERM wait: the build finishes, then stops (Ctrl-C as LateInterrupt), so output/ is never
left half-changed by them. Only the few milliseconds of moving an incremental build's files
in are not proof against `kill -9`; see docs/publishing.md.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Self

from generator.errors import BuildFailed, Diagnostic
from generator.write.place import staging_home

try:
    import fcntl
except ImportError:  # Windows: builds are not kept apart there
    fcntl = None  # type: ignore[assignment]

WAIT_SECONDS = 10.0  # a dev server's rebuild at 10,000 records takes 3-4 s: outlast it
_POLL_SECONDS = 0.05
# lock file -> the lock and the thread holding it, for the locks this process holds
_held: dict[str, tuple[OutputLock, int]] = {}
_DEFERRED = (signal.SIGINT, signal.SIGTERM)
_UNLOCKABLE = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS)


class LateInterrupt(KeyboardInterrupt):
    """Ctrl-C pressed while the build was putting its output in place: it finished first."""


def lock_file(out_dir: Path) -> Path:
    """The lock file of an output folder (beside it, or inside it when it is a mount)."""
    home, prefix = staging_home(Path(os.path.realpath(out_dir)))
    return home / f"{prefix}lock"


def is_held_here(out_dir: Path) -> bool:
    """Whether this thread holds the lock of `out_dir`."""
    held = _held.get(os.fspath(lock_file(out_dir)))
    return held is not None and held[1] == threading.get_ident()


def inherited() -> tuple[int, ...]:
    """The locks this process holds, for a helper process (the search indexer) to hold too:
    should this build be killed, the next one waits until its helpers are gone as well."""
    return tuple(lock.fd for lock, _ in _held.values() if lock.fd is not None)


def hold_interrupts(out_dir: Path) -> None:
    """Keep Ctrl-C back until this thread's build of `out_dir` lets go of its lock: the
    output is being changed from now on."""
    held = _held.get(os.fspath(lock_file(out_dir)))
    if held is not None and held[1] == threading.get_ident():
        held[0].defer_interrupts()


class OutputLock:
    """The build lock of one output folder, held inside `with`."""

    def __init__(self, out_dir: Path, wait: float = WAIT_SECONDS,
                 waiting: Callable[[int], None] | None = None, make: bool = True) -> None:
        self.out_dir = out_dir
        self.make = make  # the folders the lock file goes in, if they are missing
        self.path = lock_file(out_dir)
        self.wait = wait
        self.waiting = waiting  # told the holder's pid once, if the lock is not free
        self.fd: int | None = None
        self.mine = False  # False when this process held it already, or locks do not work
        self.previous: dict[int, Any] = {}  # signal -> its handler, while they wait
        self.caught: set[int] = set()

    def __enter__(self) -> Self:
        if is_held_here(self.out_dir):
            return self  # taken already by this thread, for a build it runs
        deadline = time.monotonic() + self.wait
        told = False
        while (holder := self._attempt()) != 0:
            if time.monotonic() >= deadline:
                raise BuildFailed([busy(self.out_dir, holder)])
            if self.waiting and not told:
                self.waiting(holder)
                told = True
            time.sleep(_POLL_SECONDS)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._allow_interrupts()
        if self.mine:
            self.release()
        if kind is None and signal.SIGINT in self.caught:
            raise LateInterrupt()
        if kind is None and signal.SIGTERM in self.caught:
            signal.raise_signal(signal.SIGTERM)  # now that the output is whole

    def try_acquire(self) -> bool:
        """Take the lock if it is free now; False if not (or if it cannot be made)."""
        if is_held_here(self.out_dir):
            return True
        try:
            return self._attempt() == 0
        except BuildFailed:
            return False

    def release(self) -> None:
        """Let go of the lock and remove its file."""
        if self.fd is None:
            return
        with contextlib.suppress(OSError):  # else the next build reuses it
            os.unlink(self.path)
        _held.pop(os.fspath(self.path), None)
        os.close(self.fd)
        self.fd, self.mine = None, False

    def defer_interrupts(self) -> None:
        """Keep Ctrl-C (and SIGTERM) back from now until the lock is let go: output/ is
        being changed."""
        if threading.current_thread() is not threading.main_thread() or self.previous:
            return  # only the main thread is told of signals

        def later(signum: int, frame: FrameType | None) -> None:
            self.caught.add(signum)
        self.previous = {signum: signal.signal(signum, later) for signum in _DEFERRED}

    def _allow_interrupts(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        self.previous = {}

    def _attempt(self) -> int:
        """0 when the lock is now ours, else the pid of its holder (-1 when unknown)."""
        while True:
            if fcntl is None or (not self.make and not self.path.parent.is_dir()):
                return 0  # a build that writes nothing: there is nothing to keep apart
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
                             | getattr(os, "O_NOFOLLOW", 0), 0o644)
            except OSError as exc:
                raise self._cannot(exc) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_pid(fd)
                os.close(fd)
                return holder
            except OSError as exc:
                os.close(fd)
                if exc.errno in _UNLOCKABLE:
                    return 0  # no locks on this file system: build as before
                raise self._cannot(exc) from None
            if _same_file(fd, self.path):
                break
            os.close(fd)  # let go and removed while we waited: lock the new file
        os.ftruncate(fd, 0)
        with contextlib.suppress(OSError):  # a full disk: the pid only says who holds it
            os.write(fd, f"{os.getpid()}\n".encode())
        self.fd, self.mine = fd, True
        _held[os.fspath(self.path)] = (self, threading.get_ident())
        return 0


    def _cannot(self, exc: OSError) -> BuildFailed:
        return BuildFailed([Diagnostic(str(self.out_dir), 1, 1, "cannot write the output: "
                                       f"{exc.strerror or exc}")])


def say_waiting(out_dir: Path, holder: int) -> None:
    """Say that this build waits for another one (for `Options.waiting`)."""
    print(f"Waiting for another build of {out_dir} (pid {holder}) to finish…",
          file=sys.stderr, flush=True)


def ignore_interrupts(for_good: bool) -> None:
    """When `for_good` (the process ends with this command), let Ctrl-C do nothing from now
    on: the build is over and its output whole, so being stopped while the summary prints
    or Python exits must not end the process unannounced."""
    if for_good and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def interrupted(stop: KeyboardInterrupt, out_dir: Path | None) -> int:
    """Print the one line Ctrl-C leaves (for a build of `out_dir`, what became of it);
    the exit code, 128 + SIGINT as shells give a command stopped by Ctrl-C."""
    if out_dir is None:
        said = "factsheet: interrupted"
    elif isinstance(stop, LateInterrupt):
        said = (f"factsheet: interrupted once the build had finished: {out_dir} is complete "
                "and up to date")
    else:
        said = f"factsheet: interrupted; {out_dir} is as it was before this build"
    print(said, file=sys.stderr)
    return 130


def busy(out_dir: Path, holder: int) -> Diagnostic:
    """The error of a build that found another one writing the same output."""
    pid = holder if holder > 0 else "?"  # it has the lock, but has not written its pid yet
    return Diagnostic(str(out_dir), 1, 1, f"another build of this output is running (pid "
                      f"{pid}); wait for it to finish or stop it")


def _read_pid(fd: int) -> int:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return -1
    return int(text) if text.isdigit() else -1


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino)
