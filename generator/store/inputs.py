"""The site's input files as last seen, and factsheet's own: what tells a build it has no work."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import NamedTuple

from generator import __version__

_FORMAT = 1  # of the store's files; a new one starts every site afresh


class Stamp(NamedTuple):
    """An input file as last seen: its size and time stamps."""

    size: int
    mtime_ns: int
    ctime_ns: int  # changes with permissions and owner too, which can make a file unreadable


def scan_inputs(site_dir: Path) -> dict[str, Stamp | str]:
    """Every file a build reads from the site, with its size and time stamps.

    Only a build that finds all of them as the last one left them skips its work; any other
    reads the files, and what their bytes hash to decides what is made again.
    """
    stamps: dict[str, Stamp | str] = {}
    visited: set[str] = set()
    site = os.fspath(site_dir)
    skip = len(site) + 1
    for top in ("site.yaml", "content", "templates", "static"):
        root = os.path.join(site, top)
        if os.path.isfile(root):
            stamps[top] = _stamp(root)
        # Plain strings and scandir: a big site has a hundred thousand records.
        stack = [root] if os.path.isdir(root) else []
        while stack:
            folder = stack.pop()
            real = os.path.realpath(folder)
            if real in visited:  # a linked folder seen already: links may loop
                continue
            visited.add(real)
            # Where each folder really is: a folder swapped for a link elsewhere is a change.
            stamps[folder[skip:] + "/"] = real
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.is_dir():
                            stack.append(entry.path)
                        else:
                            stamps[entry.path[skip:].replace(os.sep, "/")] = _stamp(entry.path)
            except OSError:
                stamps[folder[skip:] + "/"] = Stamp(-1, -1, -1)
    return stamps


def _stamp(path: str) -> Stamp:
    try:
        status = os.stat(path)
    except OSError:
        return Stamp(-1, -1, -1)  # the build proper says what is wrong with it
    return Stamp(status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def generator_hash() -> bytes:
    """A hash of factsheet's own code, theme and version (cached for the process)."""
    return _generator_hash()


@cache
def _generator_hash() -> bytes:
    package = Path(__file__).parent.parent  # all of generator/, not this stage alone
    h = hashlib.blake2b(f"{__version__}/{_FORMAT}".encode(), digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.digest()
