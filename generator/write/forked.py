"""A result worked out in a forked process while the build goes on with other work.

A build spends seconds on work that needs the other processor only: looking at every file
of a big output, say, while it loads and links the site. A child forked for it shares the
build's memory as it was, so nothing is handed to it; only its result comes back, pickled
through a pipe.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

from generator.store.files import write_all

T = TypeVar("T")
_LENGTH = 8  # bytes of the length that comes before the result


class Forked(Generic[T]):
    """`work()`, begun now in a forked child. `result()` waits for it, or calls `work()`
    here where there is no fork or the child did not finish (an error is raised here, as
    if no child had tried). Leaving the `with` block stops a child whose result was not
    asked for."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._pid = 0
        self._pipe = -1
        if hasattr(os, "fork"):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                _run_child(work, read, write)
            os.close(write)
            self._pid, self._pipe = pid, read

    def result(self) -> T:
        """What `work()` returns."""
        if self._pid:
            with os.fdopen(self._pipe, "rb") as pipe:
                self._pipe = -1
                data = pipe.read()
            self._reap()
            if len(data) > _LENGTH and int.from_bytes(data[:_LENGTH], "big") == \
                    len(data) - _LENGTH:
                found: T = pickle.loads(data[_LENGTH:])
                return found
        return self._work()

    def close(self) -> None:
        """Stop the child, if it still runs, and forget it."""
        if self._pipe >= 0:
            os.close(self._pipe)
            self._pipe = -1
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)
        self._pid = 0

    def __enter__(self) -> Forked[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _run_child(work: Callable[[], T], read: int, write: int) -> None:
    """The child's whole life: its result down the pipe, then out, whatever happens (no
    traceback, no exit handlers: those are the build's)."""
    try:
        # Ctrl-C reaches the whole terminal group; the build says it, once.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.close(read)
        data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
        write_all(write, len(data).to_bytes(_LENGTH, "big") + data)
    except BaseException:  # the build works it out itself
        pass
    finally:
        os._exit(0)
