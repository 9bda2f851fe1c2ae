"""The only writer: builds the site in a folder beside output/, then swaps it in.

The previous output stays whole until the new one is complete. A folder is replaced only
if it carries the marker file a build leaves in it (or is empty), so a mistyped `--out`
can never wipe a folder the generator did not make.
"""

from __future__ import annotations

import ctypes
import functools
import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any, Self

from generator.errors import BuildFailed, Diagnostic

MARKER = ".factsheet-output"
MARKER_TEXT = "This folder was written by factsheet; the next build replaces all of it.\n"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_output_dir(out_dir: Path, site_dir: Path) -> list[Diagnostic]:
    """Why the build may not replace `out_dir` (empty when it may)."""
    out, site = out_dir.resolve(), site_dir.resolve()
    shown = str(out_dir)

    def refuse(reason: str) -> list[Diagnostic]:
        return [Diagnostic(shown, 1, 1, f"refusing to write the site here: {reason}")]

    if out_dir.parts and out_dir.parts[0].startswith("~"):
        # Only a shell expands '~'; here it would make a folder called '~' in this one.
        return refuse("'~' is not expanded here; write the full path")
    if out == Path(out.anchor) or out == Path.home().resolve():
        return refuse("it is the root or home folder")
    if out == site or out in site.parents:
        return refuse("it holds the site's own files")
    if any(out == site / name or site / name in out.parents
           for name in ("content", "templates", "static")):
        return refuse("it is inside the site's content, templates or static folder")
    if out.exists() and not out.is_dir():
        return refuse("it is a file, not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        return refuse(f"it is not empty and has no {MARKER} marker, so factsheet did not "
                      "make it; choose another --out or empty it yourself")
    return []


def vanished(dest: str) -> Diagnostic:
    """A static file listed when the build began and gone when it was copied: the writer's
    mistake, not the build's."""
    return Diagnostic(f"static/{dest}", 1, 1, "cannot read: the file was removed during the "
                      "build")


class Staging:
    """A new output folder being filled; `commit` swaps it in, leaving it discards it."""

    def __init__(self, out_dir: Path, label: str = "new") -> None:
        # When the output folder is a symbolic link, the folder it names is replaced and
        # the link kept: swapping the link itself would leave it behind as a leftover.
        out_dir = Path(os.path.realpath(out_dir))
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out_dir)
        self.dir = out_dir.parent / f"{_prefix(out_dir)}{label}-{secrets.token_hex(4)}"
        self.dir.mkdir()
        self.committed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.committed:
            shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel_path: str, content: bytes) -> None:
        """Write one file at `rel_path` (a site-relative POSIX path) in the new output."""
        target = self._target(rel_path)
        try:
            target.write_bytes(content)
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

    def copy(self, rel_path: str, source: Path) -> None:
        """Copy the file `source` to `rel_path` in the new output."""
        target = self._target(rel_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(source, target)
        except FileNotFoundError:
            if source.exists():
                raise
            raise BuildFailed([vanished(rel_path)]) from None

    def commit(self) -> None:
        """Mark the new output as ours and swap it in place of the old one.

        A file whose bytes are those of the old output's file at the same path is the old
        file itself (a hard link), so its time stamp stays and rsync-style uploads skip it.
        """
        (self.dir / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        if self.out_dir.is_dir():
            _keep_unchanged(self.dir, self.out_dir)
        _swap_in(self.dir, self.out_dir)
        self.committed = True

    def _target(self, rel_path: str) -> Path:
        parts = PurePosixPath(rel_path).parts
        if not parts or rel_path.startswith("/") or any(p in ("..", ".", "") for p in parts) \
                or "\\" in rel_path or "\0" in rel_path:
            raise ValueError(f"unsafe output path {rel_path!r}")
        return self.dir.joinpath(*parts)


class Patch(Staging):
    """Changed files for an output folder, gathered beside it, then moved in one by one."""

    def __init__(self, out_dir: Path) -> None:
        super().__init__(out_dir, "patch")
        self.staged: list[str] = []

    def write(self, rel_path: str, content: bytes) -> None:
        super().write(rel_path, content)
        self.staged.append(rel_path)

    def copy(self, rel_path: str, source: Path) -> None:
        super().copy(rel_path, source)
        self.staged.append(rel_path)

    def apply(self, removed: Iterable[str]) -> None:
        """Move every staged file into the output, then delete the `removed` ones."""
        for rel_path in self.staged:
            target = self.out_dir / rel_path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.dir / rel_path, target)
        for rel_path in removed:
            target = self.out_dir / rel_path
            target.unlink(missing_ok=True)
            _prune_empty(target.parent, self.out_dir)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.committed = True


def output_files(out_dir: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every file in the output folder (but the marker), with its status."""
    # Plain strings, not Path objects: a big site's output holds hundreds of thousands.
    root = os.fspath(out_dir)
    skip = len(root) + 1
    stack = [root]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.name != MARKER or folder != root:
                    yield entry.path[skip:].replace(os.sep, "/"), entry.stat(follow_symlinks=False)


def _keep_unchanged(new: Path, old: Path) -> None:
    for rel, status in list(output_files(new)):
        try:
            if os.stat(old / rel).st_size != status.st_size:
                continue
            if (old / rel).read_bytes() != (new / rel).read_bytes():
                continue
            temporary = new / f"{rel}.factsheet-link"
            os.link(old / rel, temporary)
            os.replace(temporary, new / rel)
        except OSError:
            continue  # not there, or no hard links here: the new copy stands


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _prefix(out_dir: Path) -> str:
    return f".{out_dir.name}.factsheet-"


def remove_leftovers(out_dir: Path) -> None:
    """Delete folders that an interrupted build left beside the output."""
    for path in out_dir.parent.glob(_prefix(out_dir) + "*"):
        if path.is_symlink():
            path.unlink()  # the link only, never what it points at
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _swap_in(new: Path, out: Path) -> None:
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new)  # now holds the old output
        return
    old = out.parent / f"{_prefix(out)}old-{secrets.token_hex(4)}"
    os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2); False where that is not possible."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


@functools.cache
def _renameat2() -> Any:
    """The C library's renameat2, from the running process's own symbols, if it has one."""
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except (OSError, TypeError):  # no C library to ask, as on Windows
        return None
