"""The store's own files, opened without trusting what is at their names.

A site's `.cache/` comes with the site, from wherever the site came from (a repository may
commit it), and so is input like the rest: a link to /dev/zero, a named pipe, a folder or a
huge file can sit where the cache should be. Only regular files are read, never through a
link, never more than a set size; the store's folders are entered one by one without
following links, so nothing is written or removed outside them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Sequence

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# O_NONBLOCK: opening a named pipe to read would otherwise wait for a writer, for ever.
_READ = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_NOCTTY", 0)
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC
_CHUNK = 1 << 30  # Linux reads at most 2 GiB - 4 KiB at once


class Unfit(Exception):
    """What is at a store file's name is not a regular file of a size worth reading."""

    def __init__(self, what: str, folder: str = "", name: str = "") -> None:
        super().__init__(what)
        self.what = what  # "a symbolic link", "a folder", "larger than 2,048 MB", ...
        self.folder = folder  # the folder's path, when a folder was wanted at a name
        self.name = name  # the file's name, when it is not the one the caller opened


def kind(mode: int) -> str:
    """What a file of this mode is, in words."""
    for test, words in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
                        (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
                        (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return words
    return "a file"


def read_regular(name: str, limit: int, folder: int | None = None) -> bytearray:
    """The bytes of the regular file `name` (in the open folder `folder`, if given).

    Raises FileNotFoundError when there is nothing there, Unfit when there is something
    other than a regular file of at most `limit` bytes, OSError when it cannot be read.
    """
    try:
        descriptor = os.open(name, _READ, dir_fd=folder)
    except FileNotFoundError:
        raise
    except OSError:
        # ELOOP for a link (O_NOFOLLOW), ENXIO for a socket, ...: say what it is.
        mode = os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
        if not stat.S_ISREG(mode):
            raise Unfit(kind(mode)) from None
        raise
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise Unfit(kind(status.st_mode))
        if status.st_size > limit:
            shown = f"{limit // 2**20:,} MB" if limit >= 2**20 else f"{limit:,} bytes"
            raise Unfit(f"larger than {shown}")
        return _read_all(descriptor, status.st_size)
    finally:
        os.close(descriptor)


def _read_all(descriptor: int, size: int) -> bytearray:
    """Up to `size` bytes: a file that shrank meanwhile gives fewer, one that grew no more."""
    data = bytearray(size)
    view = memoryview(data)
    done = 0
    while done < size:
        count = os.readv(descriptor, [view[done:done + _CHUNK]])
        if count == 0:
            break
        done += count
    view.release()
    del data[done:]
    return data  # not copied into bytes: a big site's cache is hundreds of megabytes


def open_folder(parent: str | int, names: tuple[str, ...], make: bool = False) -> int:
    """The folder `names` inside `parent` (a path, or an open folder), entered one name at a
    time without following links (made if `make`); the caller closes it.

    Raises Unfit for a name that is a link or not a folder, OSError otherwise.
    """
    if isinstance(parent, str):
        current = os.open(parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
    else:
        current = os.dup(parent)
    try:
        for depth, name in enumerate(names, 1):
            if make:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, dir_fd=current)
            inner = _enter(name, current, "/".join(names[:depth]))
            os.close(current)
            current = inner
    except BaseException:
        os.close(current)
        raise
    return current


def _enter(name: str, folder: int, shown: str) -> int:
    try:
        return os.open(name, _FOLDER, dir_fd=folder)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        mode = os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
        raise Unfit(kind(mode), shown) from None


def write_replacing(name: str, data: Sequence[bytes], folder: int, mode: int = 0o666) -> None:
    """Put `data` at `name` in `folder` in one step: written beside it, then renamed over
    it, so a reader finds the old file or the new one, and a full disk leaves the old."""
    temporary = f".{name}.{secrets.token_hex(4)}"
    write_new(temporary, data, folder, mode)
    try:
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError:
        os.unlink(temporary, dir_fd=folder)
        raise


def write_all(descriptor: int, data: bytes) -> None:
    """Write all of `data` to the open file `descriptor` (a write may take only part)."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def write_new(name: str, data: Sequence[bytes], folder: int, mode: int = 0o666) -> None:
    """Write a new file `name` in `folder`, the parts of `data` one after the other
    (FileExistsError if there is one); on any error nothing is left at `name`."""
    descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                         mode, dir_fd=folder)
    try:
        for part in data:
            write_all(descriptor, part)
    except BaseException:
        os.close(descriptor)
        os.unlink(name, dir_fd=folder)
        raise
    os.close(descriptor)
