"""write/forked.py: a result worked out in a forked child, or here when the child cannot."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.write.forked import Forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


def test_the_result_comes_from_a_child_process() -> None:
    with Forked(os.getpid) as child:
        assert child.result() != os.getpid()


def test_a_result_larger_than_a_pipe_holds_comes_back_whole() -> None:
    data = {str(n): os.urandom(64) for n in range(50_000)}  # about 4 MB pickled
    with Forked(lambda: data) as child:
        assert child.result() == data


def test_a_child_that_fails_leaves_the_work_to_this_process() -> None:
    parent = os.getpid()

    def work() -> str:
        if os.getpid() != parent:
            os._exit(3)  # killed, say, half-way
        return "worked out here"
    with Forked(work) as child:
        assert child.result() == "worked out here"


def test_an_error_is_raised_here_as_if_no_child_had_tried() -> None:
    def work() -> None:
        raise OSError(5, "Input/output error")
    with Forked(work) as child, pytest.raises(OSError, match="Input/output"):
        child.result()


def test_a_result_not_asked_for_stops_the_child(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"

    def work() -> None:
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)
    with Forked(work):
        for _ in range(500):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.01)
    with pytest.raises(ProcessLookupError):  # stopped and reaped, not left a zombie
        os.kill(int(pid_file.read_text()), 0)


def test_without_fork_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    with Forked(os.getpid) as here:
        assert here.result() == os.getpid()


def test_a_child_forked_from_another_thread_works_the_same() -> None:
    """A dev server rebuilds in a thread of its own."""
    import threading

    found: list[int] = []

    def rebuild() -> None:
        with Forked(os.getpid) as child:
            found.append(child.result())
    thread = threading.Thread(target=rebuild)
    thread.start()
    thread.join()
    assert found and found[0] != os.getpid()
