"""The only writer: builds the site in a folder beside output/, then swaps it in.

The previous output stays whole until the new one is complete. A folder is replaced only
if it carries the marker file a build leaves in it (or is empty), so a mistyped `--out`
can never wipe a folder the generator did not make. The folders a build works in are named
after its process and belong to the build holding the output's lock (see lock.py).
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Self

from generator.errors import BuildFailed, Diagnostic
from generator.store.files import write_all
from generator.write.lock import OutputLock, hold_interrupts, is_held_here
from generator.write.paths import output_files, output_parts
from generator.write.place import (
    INSIDE,
    open_tree,
    remove_tree,
    staging_home,
    swap_contents,
    swap_folder,
)

MARKER = ".factsheet-output"
MARKER_TEXT = "This folder was written by factsheet; the next build replaces all of it.\n"


def check_output_dir(out_dir: Path, site_dir: Path) -> list[Diagnostic]:
    """Why the build may not replace `out_dir` (empty when it may)."""
    out, site = out_dir.resolve(), site_dir.resolve()
    shown = str(out_dir)

    def refuse(reason: str) -> list[Diagnostic]:
        return [Diagnostic(shown, 1, 1, f"refusing to write the site here: {reason}")]

    if out_dir.parts and out_dir.parts[0].startswith("~"):
        # Only a shell expands '~'; here it would make a folder called '~' in this one.
        return refuse("'~' is not expanded here; write the full path")
    if out == Path(out.anchor) or out == _home():
        return refuse("it is the root or home folder")
    if out == site or out in site.parents:
        return refuse("it holds the site's own files")
    if any(out == site / name or site / name in out.parents
           for name in ("content", "templates", "static")):
        return refuse("it is inside the site's content, templates or static folder")
    if out.exists() and not out.is_dir():
        return refuse("it is a file, not a folder")
    if out.is_dir() and not (out / MARKER).is_file() \
            and any(not entry.name.startswith(INSIDE) for entry in out.iterdir()):
        return refuse(f"it is not empty and has no {MARKER} marker, so factsheet did not "
                      "make it; choose another --out or empty it yourself")
    return []


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except RuntimeError:  # no HOME and no account for this user: no home folder to guard
        return None


def check_writable(out_dir: Path) -> list[Diagnostic]:
    """Why the build cannot change `out_dir` (empty when it can)."""
    out = Path(os.path.realpath(out_dir))
    if out.is_dir() and not os.access(out, os.W_OK):
        return [Diagnostic(str(out_dir), 1, 1, "cannot write the output: the folder is "
                           "read-only; make it writable or choose another --out")]
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
        self.home, self.prefix = staging_home(out_dir)
        self.notes: list[Diagnostic] = []  # warnings for the build to pass on
        remove_leftovers(out_dir)
        self.dir = self.scratch(label)
        self.committed = False

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.committed:
            remove_tree(self.dir)

    def scratch(self, label: str) -> Path:
        """A new folder for this build's work, named after its process, where leftovers
        are looked for."""
        folder = self.home / f"{self.prefix}{label}-{os.getpid()}-{secrets.token_hex(4)}"
        folder.mkdir()  # with the usual permissions: it may become the output folder
        return folder

    def locate(self, rel_path: str) -> Path:
        """Where the new output's file at `rel_path` is now."""
        return self._target(rel_path)

    def write(self, rel_path: str, content: bytes) -> None:
        """Write one file at `rel_path` (a site-relative POSIX path) in the new output."""
        # Plain strings and descriptors: a big site writes a hundred thousand files.
        target = os.path.join(self.dir, *output_parts(rel_path))
        try:
            write_new_file(target, content)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            write_new_file(target, content)

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
        hold_interrupts(self.out_dir)
        if self.out_dir.is_dir():
            _keep_unchanged(self.dir, self.out_dir)
        if self.home == self.out_dir:  # a mount point: its entries are swapped instead
            swap_contents(self.dir, self.out_dir)
            old = True
        else:
            old = swap_folder(self.dir, self.out_dir)
        self.committed = True
        problem = remove_tree(self.dir) if old else None
        if problem is not None:
            self.notes.append(Diagnostic(
                str(self.dir), 1, 1, "the new output is in place, but the previous one, "
                f"moved here, cannot be removed: {problem.strerror or problem}; remove it "
                "yourself", "warning"))

    def _target(self, rel_path: str) -> Path:
        return self.dir.joinpath(*output_parts(rel_path))


class Patch(Staging):
    """Changed files for an output folder, gathered beside it, then moved in together."""

    def __init__(self, out_dir: Path) -> None:
        super().__init__(out_dir, "patch")
        self.staged: set[str] = set()
        self.removed: set[str] = set()

    def write(self, rel_path: str, content: bytes) -> None:
        super().write(rel_path, content)
        self.staged.add(rel_path)

    def copy(self, rel_path: str, source: Path) -> None:
        super().copy(rel_path, source)
        self.staged.add(rel_path)

    def remove(self, rel_paths: Iterable[str]) -> None:
        """Delete these files from the output when the patch is applied."""
        self.removed.update(rel_paths)

    def locate(self, rel_path: str) -> Path:
        if rel_path in self.staged:
            return super().locate(rel_path)
        return self.out_dir / rel_path

    def apply(self) -> None:
        """Move every staged file into the output and take out the removed ones; on an
        error, put back what was moved, so the output is as it was."""
        hold_interrupts(self.out_dir)
        removed = self.scratch("removed")
        done: list[tuple[str, str, Path]] = []  # what was done, to undo it on an error
        rel = ""
        try:
            with open_tree(self.out_dir) as tree:
                try:
                    # Strays first: a link where a folder of new files belongs goes before
                    # they are moved in.
                    for number, rel in enumerate(sorted(self.removed)):
                        if tree.take(rel, removed / str(number)):
                            done.append(("removed", rel, removed / str(number)))
                    for rel in sorted(self.staged):
                        swapped = tree.put(self.dir / rel, rel)
                        done.append(("swapped" if swapped else "added", rel, self.dir / rel))
                except OSError as exc:
                    _undo(self.out_dir, done)
                    raise OSError(exc.errno, exc.strerror, str(self.out_dir / rel)) from None
            self.committed = True
        finally:
            remove_tree(removed)
        remove_tree(self.dir)


def _undo(out_dir: Path, done: list[tuple[str, str, Path]]) -> None:
    """Put back what `Patch.apply` did, last first, as far as it can be."""
    with open_tree(out_dir) as tree:
        for kind, rel, kept in reversed(done):
            try:
                if kind == "added":
                    tree.take(rel, kept)
                else:
                    tree.put(kept, rel)
            except OSError:
                continue


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def write_new_file(target: str, content: bytes) -> None:
    """Write `content` to the file at `target`, made or emptied first."""
    fd = os.open(target, _NEW_FILE, 0o666)
    try:
        write_all(fd, content)
    finally:
        os.close(fd)


def _keep_unchanged(new: Path, old: Path) -> None:
    # Only plain files reached through plain folders: a link in the old output is not
    # followed, so nothing outside it becomes part of the new one.
    before = {rel: status.st_size for rel, status in output_files(old)
              if stat.S_ISREG(status.st_mode)}
    for rel, status in list(output_files(new)):
        if before.get(rel) != status.st_size:
            continue
        try:
            if (old / rel).read_bytes() != (new / rel).read_bytes():
                continue
            temporary = new / f"{rel}.factsheet-link"
            os.link(old / rel, temporary, follow_symlinks=False)
            os.replace(temporary, new / rel)
        except OSError:
            continue  # not there, or no hard links here: the new copy stands


def remove_leftovers(out_dir: Path) -> None:
    """Delete the folders that builds no longer running left beside the output (or inside
    it, for a mount point); while another build holds the lock, its folders stay."""
    out = Path(os.path.realpath(out_dir))
    home, prefix = staging_home(out)
    if not home.is_dir():
        return
    if is_held_here(out):
        _remove_leftovers(home, prefix)
        return
    lock = OutputLock(out, wait=0)
    if lock.try_acquire():
        try:
            _remove_leftovers(home, prefix)
        finally:
            lock.release()


def _remove_leftovers(home: Path, prefix: str) -> None:
    for path in home.glob(prefix + "*"):
        if path.is_symlink():
            path.unlink()  # the link only, never what it points at
        elif path.is_dir():
            remove_tree(path)
