"""Putting files and folders in place inside output/ without following a link out of it.

An output folder may be a plain folder, a link to one, or a mount point (a Docker volume):
a mount point cannot be renamed ("Device or resource busy"), so a new output is made inside
it and its entries are swapped for the old ones instead of the folder itself. Files moved
into an existing output go through folders opened one by one with O_NOFOLLOW, so a link put
inside output/ by someone else is replaced, never written through.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Self

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) \
    | getattr(os, "O_CLOEXEC", 0)
# Folders opened and named relative to each other (not on Windows, where paths are checked)
_AT = os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd
INSIDE = ".factsheet-"  # names of our own entries inside a mounted output folder


def is_mount(folder: Path) -> bool:
    """Whether `folder` is a mount point, bind mounts of the same file system included."""
    if os.path.ismount(folder):
        return True
    try:
        status = os.stat(folder)
    except OSError:
        return False
    return _listed(os.fspath(folder), status.st_dev, status.st_ino)


@functools.lru_cache(maxsize=64)
def _listed(folder: str, device: int, inode: int) -> bool:
    """Whether `folder` is in the mount table; asked again only when what is at that path
    changes (mounting there changes the folder's device or inode number)."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as table:
            points = {_unescape(line.split()[4]) for line in table if len(line.split()) > 4}
    except OSError:
        return False
    return folder in points


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash in paths as octal escapes.
    for code in ("\\040", "\\011", "\\012", "\\134"):
        field = field.replace(code, chr(int(code[1:], 8)))
    return field


def staging_home(out_dir: Path) -> tuple[Path, str]:
    """Where a build of `out_dir` (a real path) keeps its work, and the names it gives it."""
    if is_mount(out_dir):
        return out_dir, INSIDE  # the same file system as the output: renames stay renames
    return out_dir.parent, f".{out_dir.name}.factsheet-"


def exchange(a: Path | str, b: str, b_folder: int = _AT_FDCWD) -> bool:
    """Atomically swap `a` with `b` (in the folder open as `b_folder`); False where that is
    not possible (no renameat2, or a file system without it); other errors are raised."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), b_folder, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = _errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(a))


def _errno() -> int:
    import ctypes

    return ctypes.get_errno()


@functools.cache
def _renameat2() -> Any:
    """The C library's renameat2, from the running process's own symbols, if it has one."""
    try:
        import ctypes  # only when a build swaps something: the command line starts sooner

        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except (OSError, TypeError):  # no C library to ask, as on Windows
        return None


def swap_folder(new: Path, out: Path) -> bool:
    """Put folder `new` in place of `out`, in one step where the system can; True when the
    old output is then at `new`, to be removed."""
    if not out.exists():
        os.rename(new, out)
        return False
    if exchange(new, os.fspath(out)):
        return True
    # Without renameat2 there is a moment with no output folder at all.
    old = new.with_name(new.name + "-old")
    os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError:
        os.rename(old, out)
        raise
    os.rename(old, new)
    return True


def swap_contents(new: Path, out: Path) -> None:
    """Put the entries of `new` in place of those of `out` (a mount point, which cannot be
    renamed), each in one step; the old entries end up in `new`."""
    fresh = set(os.listdir(new))
    aside = new.with_name(new.name + "-old")
    os.mkdir(aside)
    for name in sorted(fresh):
        if not os.path.lexists(out / name):
            os.rename(new / name, out / name)
        elif not exchange(new / name, os.fspath(out / name)):
            os.rename(out / name, aside / name)
            os.rename(new / name, out / name)
    for name in sorted(os.listdir(out)):
        if name not in fresh and not name.startswith(INSIDE):
            os.rename(out / name, aside / name)
    for name in os.listdir(aside):
        os.rename(aside / name, new / name)
    os.rmdir(aside)


def remove_tree(folder: Path) -> OSError | None:
    """Delete `folder` and everything in it (read-only folders made writable first); the
    error that stopped it, if any."""
    failed: list[OSError] = []

    def retry(function: Any, path: str, info: Any) -> None:
        error = info[1] if isinstance(info, tuple) else info
        try:
            parent = os.path.dirname(path)
            os.chmod(parent, stat.S_IMODE(os.lstat(parent).st_mode) | stat.S_IRWXU)
            function(path)
        except FileNotFoundError:
            pass
        except OSError:
            failed.append(error)
    import shutil  # only when a build removes something: the command line starts sooner

    if not os.path.lexists(folder):
        return None
    if os.path.islink(folder) or not os.path.isdir(folder):
        os.unlink(folder)
        return None
    shutil.rmtree(folder, onerror=retry)
    return failed[0] if failed else None


class Tree:
    """The folders of an output, opened one at a time from its top without following links.

    Paths are best visited in sorted order: the open folders are those on the way to the last
    one asked for, and a path sharing their start reuses them.
    """

    def __init__(self, root: Path) -> None:
        self.names: list[str] = []
        self.fds = [os.open(root, _FOLDER)]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for fd in self.fds:
            os.close(fd)
        self.fds.clear()

    def folder(self, parts: Sequence[str], make: bool) -> int | None:
        """The folder at `parts` opened; None when it is not there (or not a folder) and
        `make` is false. With `make`, a link or file where a folder belongs is replaced."""
        same = 0
        while same < min(len(parts), len(self.names)) and parts[same] == self.names[same]:
            same += 1
        while len(self.names) > same:
            os.close(self.fds.pop())
            self.names.pop()
        for name in parts[same:]:
            fd = _open_folder(self.fds[-1], name, make)
            if fd is None:
                return None
            self.fds.append(fd)
            self.names.append(name)
        return self.fds[-1]

    def put(self, source: Path, rel: str) -> bool:
        """Move file `source` to `rel`; True when it was swapped with the file that was
        there (which is then at `source`)."""
        *parts, name = PurePosixPath(rel).parts
        folder = self.folder(parts, make=True)
        assert folder is not None
        try:
            if exchange(source, name, folder):
                return True
        except FileNotFoundError:
            pass  # nothing there yet
        os.rename(source, name, dst_dir_fd=folder)
        return False

    def take(self, rel: str, target: Path) -> bool:
        """Move the file (or link) at `rel` out to `target`; False when there was none."""
        *parts, name = PurePosixPath(rel).parts
        folder = self.folder(parts, make=False)
        if folder is None:
            return False
        try:
            if stat.S_ISDIR(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
                return False  # a folder now: new files went into it
            os.rename(name, target, src_dir_fd=folder)
        except FileNotFoundError:
            return False
        self.prune()
        return True

    def prune(self) -> None:
        """Remove the folders last opened, deepest first, while they are empty."""
        while self.names:
            try:
                os.rmdir(self.names[-1], dir_fd=self.fds[-2])
            except OSError:
                return
            os.close(self.fds.pop())
            self.names.pop()


class PathTree:
    """Tree's stand-in where folders cannot be opened (Windows): each folder on the way is
    looked at before it is used."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.last: list[str] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        pass

    def put(self, source: Path, rel: str) -> bool:
        """As Tree.put, never swapping."""
        *parts, name = PurePosixPath(rel).parts
        folder = self.root
        for part in parts:
            folder = folder / part
            if os.path.islink(folder) or os.path.isfile(folder):
                os.unlink(folder)
            folder.mkdir(exist_ok=True)
        os.replace(source, folder / name)
        return False

    def take(self, rel: str, target: Path) -> bool:
        """As Tree.take."""
        parts = PurePosixPath(rel).parts
        path = self.root.joinpath(*parts)
        if any(os.path.islink(self.root.joinpath(*parts[:n])) for n in range(1, len(parts))) \
                or not os.path.lexists(path) or (os.path.isdir(path) and not path.is_symlink()):
            return False
        os.replace(path, target)
        folder = path.parent
        while folder != self.root and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
        return True


def open_tree(root: Path) -> Tree | PathTree:
    """The folders of the output at `root`, to move files in and out of."""
    return Tree(root) if _AT else PathTree(root)


def _open_folder(parent: int, name: str, make: bool) -> int | None:
    try:
        return os.open(name, _FOLDER, dir_fd=parent)
    except FileNotFoundError:
        if not make:
            return None
    except OSError as exc:  # a link (ELOOP) or a file (ENOTDIR) where a folder belongs
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR) or not make:
            return None
        os.unlink(name, dir_fd=parent)  # the link only, never what it points at
    os.mkdir(name, dir_fd=parent)
    return os.open(name, _FOLDER, dir_fd=parent)
