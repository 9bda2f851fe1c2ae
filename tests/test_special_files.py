"""Things in content/ that are not plain files and folders: each is one clear error, at once.

A FIFO must not hang the build, a 20 GB (sparse) file must not be read, a device or
socket must not be opened, and a broken, looping or unreadable record file, type folder
or content/ itself must give `path:1:1: error: …`, never a traceback. The sizes and types
are looked at before anything is read.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.read.yamlsrc import MAX_BYTES
from tests.conftest import REPO, SERIAL, copy_case
from tests.hardening import error_lines, run_cli

pytestmark = SERIAL  # checks within a time bound
ROME = "content/cities/rome.yaml"
CITIES = "content/cities"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_case("basic", tmp_path)


def _check(site: Path, seconds: float = 5) -> list[str]:
    started = time.perf_counter()
    outcome = run_cli("check", "--site", site)
    assert time.perf_counter() - started < seconds
    assert outcome.code == 1, outcome.err
    assert "Traceback" not in outcome.err
    return error_lines(outcome.err)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    # A bound Unix socket leaves its file behind when closed.
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))


def _device(path: Path) -> None:
    try:
        os.mknod(path, 0o600 | 0o020000, os.makedev(1, 3))  # a character device, as /dev/null
    except PermissionError:
        pytest.skip("making a device file needs root (CAP_MKNOD)")


def _sparse(path: Path) -> None:
    with open(path, "wb") as file:
        file.truncate(20 * 1024**3)  # 20 GB that take no disk


def _dangling(path: Path) -> None:
    path.symlink_to("nowhere" + path.suffix)


def _loop(path: Path) -> None:
    path.symlink_to(path.name)


def _to_dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _regular(path: Path) -> None:
    path.write_text("name: x\n")


# What a record file is -> the error it gets. FIFOs are tried apart, in a child process.
RECORD_KINDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "socket": (_socket, "a socket, not a regular file"),
    "device": (_device, "a device, not a regular file"),
    "sparse-20-GB": (_sparse, f"file is {20 * 1024**3:,} bytes; the limit is {MAX_BYTES:,}"),
    "dangling-link": (_dangling, "a symbolic link to 'nowhere.yaml', which does not exist"),
    "link-loop": (_loop, "a symbolic link that leads round in a loop"),
    "link-to-dev-zero": (_to_dev_zero, "a symbolic link that leads outside the site; copy the "
                                       "file in instead"),
}


@pytest.mark.parametrize("kind", sorted(RECORD_KINDS))
def test_a_record_file_that_is_not_a_regular_file(site: Path, kind: str) -> None:
    make, message = RECORD_KINDS[kind]
    make(site / ROME)
    tracemalloc.start()
    try:
        lines = _check(site)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lines == [f"{ROME}:1:1: error: {message}"]
    assert peak < 100 * 1024**2  # nothing of a 20 GB file, or of /dev/zero, was read


@pytest.mark.parametrize("kind", ["socket", "device", "sparse-20-GB"])
def test_a_link_inside_the_site_to_such_a_file_is_refused_the_same(site: Path,
                                                                   kind: str) -> None:
    make, message = RECORD_KINDS[kind]
    make(site / "odd")
    (site / ROME).symlink_to("../../odd")
    assert _check(site) == [f"{ROME}:1:1: error: {message}"]


def _check_in_child(site: Path, seconds: float = 20) -> subprocess.CompletedProcess[str]:
    # In a process of its own, so that a build that waits on a FIFO fails the test instead
    # of hanging it.
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--site", str(site)],
                            cwd=REPO, capture_output=True, text=True, timeout=seconds)
    assert "Traceback" not in result.stderr
    return result


@pytest.mark.parametrize("linked", [False, True], ids=["fifo", "link-to-fifo"])
def test_a_fifo_does_not_hang_the_build(site: Path, linked: bool) -> None:
    if linked:
        _fifo(site / "pipe")
        (site / ROME).symlink_to("../../pipe")
    else:
        _fifo(site / ROME)
    result = _check_in_child(site)
    assert result.returncode == 1
    assert error_lines(result.stderr) == [f"{ROME}:1:1: error: a FIFO (named pipe), not a "
                                          "regular file"]


# What a type's folder, or content/ itself, is -> the error it gets.
FOLDER_KINDS: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (_fifo, "a FIFO (named pipe), not a folder"),
    "socket": (_socket, "a socket, not a folder"),
    "device": (_device, "a device, not a folder"),
    "file": (_regular, "a file, not a folder"),
    "dangling-link": (_dangling, "a symbolic link to 'nowhere', which does not exist"),
    "link-loop": (_loop, "a symbolic link that leads round in a loop"),
}


@pytest.mark.parametrize("kind", sorted(FOLDER_KINDS))
def test_a_type_folder_that_is_not_a_folder(site: Path, kind: str) -> None:
    make, message = FOLDER_KINDS[kind]
    shutil.rmtree(site / CITIES)
    make(site / CITIES)
    lines = _check(site)
    assert lines[0] == f"{CITIES}:1:1: error: {message}"
    # The records that refer to its cities are still checked, and say so.
    assert any("unknown city 'springfield'" in line for line in lines[1:])


@pytest.mark.parametrize("kind", sorted(set(FOLDER_KINDS) - {"device"}))
def test_a_content_folder_that_is_not_a_folder(site: Path, kind: str) -> None:
    make, message = FOLDER_KINDS[kind]
    shutil.rmtree(site / "content")
    make(site / "content")
    assert _check(site) == [f"content:1:1: error: {message}"]


@contextlib.contextmanager
def _readable_by_all() -> Iterator[Path]:
    # pytest's tmp_path is the test runner's alone; another user must reach this folder.
    folder = Path(tempfile.mkdtemp(prefix="factsheet-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def _check_as_another_user(site: Path) -> tuple[int, str]:
    """`factsheet check` as an unprivileged user, the way it runs for most people."""
    if os.geteuid() != 0:
        outcome = run_cli("check", "--site", site)
        return outcome.code, outcome.err
    # Root reads whatever the permissions say; a forked child that becomes 'nobody' does
    # not. Everything the check needs is imported first, since nobody cannot read the
    # Python installation under /root.
    run_cli("check", "--site", REPO / "tests" / "cases" / "basic")
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's report comes back through the pipe
        os.close(reader)
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            outcome = run_cli("check", "--site", site)
            os.write(writer, f"{outcome.code}\n{outcome.err}".encode())
        except BaseException as exc:
            os.write(writer, f"-1\n{exc!r}".encode())
        os._exit(0)
    os.close(writer)
    report = b""
    while chunk := os.read(reader, 1 << 16):
        report += chunk
    os.close(reader)
    os.waitpid(pid, 0)
    code, _, err = report.decode().partition("\n")
    if code == "-1" and "Operation not permitted" in err:
        pytest.skip(f"root cannot become another user here: {err}")
    return int(code), err


@pytest.mark.parametrize("where", [CITIES, "content"])
def test_a_folder_that_cannot_be_read(where: str) -> None:
    with _readable_by_all() as folder:
        site = copy_case("basic", folder)
        for path in [site, *site.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (site / where).chmod(0)
        code, err = _check_as_another_user(site)
    assert code == 1, err
    assert "Traceback" not in err
    assert error_lines(err)[0] == f"{where}:1:1: error: cannot read: Permission denied"


def test_an_unreadable_record_file() -> None:
    with _readable_by_all() as folder:
        site = copy_case("basic", folder)
        for path in [site, *site.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (site / "content/cities/springfield.yaml").chmod(0)
        code, err = _check_as_another_user(site)
    assert code == 1, err
    assert error_lines(err) == ["content/cities/springfield.yaml:1:1: error: cannot read: "
                                "Permission denied"]


@pytest.mark.parametrize("make", [_fifo, _socket], ids=["fifo", "socket"])
def test_site_yaml_that_is_not_a_regular_file_is_one_error(site: Path,
                                                           make: Callable[[Path], None]) -> None:
    (site / "site.yaml").unlink()
    make(site / "site.yaml")
    assert _check(site) == ["site.yaml:1:1: error: " + ("a FIFO (named pipe)" if make is _fifo
                                                          else "a socket") + ", not a regular file"]


def test_site_yaml_past_the_size_limit_is_not_read(site: Path) -> None:
    with (site / "site.yaml").open("r+b") as file:
        file.truncate(20 * 1024**3)  # sparse: costs no disk, and must cost no memory
    assert _check(site) == [f"site.yaml:1:1: error: file is {20 * 1024**3:,} bytes; "
                            f"the limit is {MAX_BYTES:,}"]
