"""Reading content files and folders: regular files only, never more than a limit.

A record file is read at most `limit + 1` bytes, so a 20 GB (sparse) file costs nothing;
its type is checked before and after it is opened, and it is opened non-blocking, so a
FIFO cannot hang the build and a device is never read. Each problem is one sentence for a
diagnostic, not an exception.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass

# What each kind of file that is not a regular one or a folder is called in messages.
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
_OPEN_FLAGS = (os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_NOCTTY", 0))


@dataclass(frozen=True, slots=True)
class Refused:
    """Why a file or folder was not read: `message` for a diagnostic, or `size` over a limit."""

    message: str = ""
    size: int = -1


def kind_of(mode: int) -> str:
    """What a file of this `st_mode` is, in a message's words: 'a folder', 'a socket', …"""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bounded(path: str, limit: int) -> bytes | Refused:
    """The bytes of the regular file at `path` (links followed), or why they were not read."""
    try:
        mode = os.stat(path).st_mode  # first, so that a device or FIFO is not even opened
        if not stat.S_ISREG(mode):
            return _not_regular(mode)
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        return Refused(open_problem(path, exc))
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(descriptor)  # the file opened, which may not be the one stat saw
        if not stat.S_ISREG(status.st_mode):
            return _not_regular(status.st_mode)
        if status.st_size > limit:
            return Refused(size=status.st_size)
        try:
            raw = file.read(limit + 1)  # never more, though the file may grow meanwhile
        except OSError as exc:
            return Refused(f"cannot read: {exc.strerror}")
    if len(raw) > limit:
        return Refused(size=max(status.st_size, len(raw)))
    return raw


def list_folder(path: str) -> list[os.DirEntry[str]] | Refused:
    """The entries of the folder at `path` (links followed), or why it cannot be listed."""
    try:
        with os.scandir(path) as entries:
            return list(entries)
    except NotADirectoryError:
        try:
            return Refused(f"{kind_of(os.stat(path).st_mode)}, not a folder")
        except OSError as exc:
            return Refused(open_problem(path, exc))
    except OSError as exc:
        return Refused(open_problem(path, exc))


def is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether `entry` is a folder or a link to one; False, not an error, if it cannot be told."""
    try:
        return entry.is_dir()
    except OSError:  # a link round in a loop
        return False


def open_problem(path: str, exc: OSError) -> str:
    """Why `path` could not be opened, said of links as links."""
    if exc.errno == errno.ELOOP:
        return "a symbolic link that leads round in a loop"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"a symbolic link to '{os.readlink(path)}', which does not exist"
    return f"cannot read: {exc.strerror}"


def _not_regular(mode: int) -> Refused:
    return Refused(f"{kind_of(mode)}, not a regular file")
