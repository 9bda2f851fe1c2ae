"""Paths in an output folder: which a build may write, and every file that is there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from generator.write.place import INSIDE


def output_parts(rel_path: str) -> list[str]:
    """The parts of a site-relative POSIX path inside the output; ValueError for any other."""
    parts = [part for part in rel_path.split("/") if part not in ("", ".")]
    if not parts or rel_path.startswith("/") or ".." in parts or "\\" in rel_path \
            or "\0" in rel_path:
        raise ValueError(f"unsafe output path {rel_path!r}")
    return parts


def output_files(out_dir: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every file in the output folder (but the marker and a build's own work), with its
    status; links are listed, not followed."""
    # Plain strings, not Path objects: a big site's output holds hundreds of thousands.
    root = os.fspath(out_dir)
    skip = len(root) + 1
    stack = [root]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if folder != root or not entry.name.startswith(INSIDE):
                        stack.append(entry.path)
                elif folder != root or not entry.name.startswith(INSIDE):
                    yield entry.path[skip:].replace(os.sep, "/"), entry.stat(follow_symlinks=False)
