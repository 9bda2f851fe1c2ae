"""Writing an import: every file, or none.

Each file is first written whole beside its place under a hidden temporary name (the
loader skips hidden files), and each file it replaces is kept under another hidden name
(a hard link: the same bytes, nothing copied). Only then is each moved into place with
os.replace, which no reader sees half done. If anything fails, the files moved so far are
taken back out (a new one removed, a changed one restored) and the temporary ones removed,
so the content is as it was.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildFailed, Diagnostic
from generator.importing.plan import Planned


@dataclass(frozen=True, slots=True)
class _Move:
    path: Path
    temp: Path
    backup: Path | None  # the file replaced, for an update
    shown: str


def write_planned(site_dir: Path, planned: Sequence[Planned]) -> int:
    """Write each planned file that changes anything; all of them or, on failure, none
    (raising BuildFailed). Returns how many were written."""
    todo = [plan for plan in planned if plan.text != plan.old]
    made_folders: list[Path] = []
    moves: list[_Move] = []
    moved: list[_Move] = []
    current = ""
    try:
        for plan in todo:
            current = plan.path
            moves.append(_stage(site_dir, plan, made_folders))
        for move in moves:
            current = move.shown
            if move.backup is None and os.path.lexists(move.path):
                raise FileExistsError(0, "made by something else while the import ran",
                                      str(move.path))
            os.replace(move.temp, move.path)
            moved.append(move)
    except BaseException as exc:
        left = _undo(moves, moved, made_folders)
        if not isinstance(exc, OSError):
            raise
        reason = exc.strerror or str(exc)
        raise BuildFailed([Diagnostic(current, 1, 1, f"cannot write: {reason}; the import "
                                      f"wrote nothing{left}")]) from None
    for move in moves:
        if move.backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(move.backup)
    return len(todo)


def _stage(site_dir: Path, plan: Planned, made_folders: list[Path]) -> _Move:
    """Write `plan`'s text to its temporary file (and keep the file it replaces)."""
    path = site_dir / plan.path
    for folder in _missing_folders(path.parent):
        folder.mkdir()
        made_folders.append(folder)
    tag = f".{path.name}.import-{os.getpid()}"
    temp, backup = path.with_name(tag + ".new"), path.with_name(tag + ".old")
    try:
        with temp.open("xb") as out:
            out.write(plan.text.encode("utf-8"))
        if plan.old is None:
            return _Move(path, temp, None, plan.path)
        try:
            os.link(path, backup)
        except OSError:  # a file system without hard links: keep a copy of the text read
            with backup.open("xb") as out:
                out.write(plan.old.encode("utf-8"))
    except BaseException:
        for leftover in (temp, backup):
            with contextlib.suppress(OSError):
                if leftover.exists():
                    os.unlink(leftover)
        raise
    return _Move(path, temp, backup, plan.path)


def _missing_folders(folder: Path) -> Iterator[Path]:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    yield from reversed(missing)


def _undo(moves: list[_Move], moved: list[_Move], made_folders: list[Path]) -> str:
    """Put back what was moved, remove what was staged; '' or what could not be undone."""
    stuck = []
    for move in reversed(moved):
        try:
            if move.backup is None:
                os.unlink(move.path)
            else:
                os.replace(move.backup, move.path)
        except OSError:
            stuck.append(move.shown)
    for move in moves:
        for leftover in (move.temp, move.backup):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
    for folder in reversed(made_folders):
        with contextlib.suppress(OSError):
            folder.rmdir()
    if not stuck:
        return ""
    return f" (but could not undo the change to {', '.join(stuck)})"
