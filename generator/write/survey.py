"""The output folder against what the last build left in it: is there work, and where."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.store.cache import BuildCache, OutputFile, digest, inputs_key, load_cache
from generator.store.inputs import generator_hash, scan_inputs
from generator.write.forked import Forked
from generator.write.lock import OutputLock
from generator.write.paths import output_files
from generator.write.staging import MARKER, check_output_dir, remove_leftovers


@dataclass(frozen=True, slots=True)
class Survey:
    """How the output differs from what the last build left in it."""

    tampered: set[str] = field(default_factory=set)  # changed or removed since
    extra: set[str] = field(default_factory=set)  # not written by the last build
    # unchanged, but with a new status (copied back, say): what the next build compares
    restat: dict[str, os.stat_result] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """True when the output is exactly as the last build left it."""
        return not self.tampered and not self.extra


def as_left(content: bytes, status: os.stat_result) -> OutputFile:
    """What the cache keeps of an output file with digest `content`, as it is now."""
    return OutputFile(content, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def finished_build(site_dir: Path, out_dir: Path, base_url: str | None
                   ) -> tuple[BuildCache | None, bool]:
    """The last build's cache (None if there is none fit to use), and whether nothing
    changed since it, so that no build is needed. A build given the cache checks that no
    other build wrote one since (cache.cache_stamp)."""
    if check_output_dir(out_dir, site_dir):
        return None, False
    lock = OutputLock(out_dir, wait=0)
    if not lock.try_acquire():
        return None, False  # another build is writing it: the build proper waits for it
    try:
        previous, notes = load_cache(site_dir)
        if previous is None or notes:
            return None, False
        key = inputs_key(scan_inputs(site_dir), base_url, out_dir)
        return previous, up_to_date(previous, key, out_dir)
    finally:
        lock.release()


def up_to_date(previous: BuildCache, key: bytes, out_dir: Path) -> bool:
    """True when no input changed since `previous` and the output is as it was left."""
    if not (not previous.search_stale and not previous.pending
            and previous.inputs_key == key and previous.generator == generator_hash()
            and (out_dir / MARKER).is_file()):
        return False
    remove_leftovers(out_dir)
    return survey_output(out_dir, previous).clean


def begin_survey(out_dir: Path, previous: BuildCache) -> Forked[Survey]:
    """survey_output, begun in a child process: its result once the output is looked at."""
    return Forked(lambda: survey_output(out_dir, previous))


def survey_output(out_dir: Path, previous: BuildCache) -> Survey:
    """The files of the last build that were changed or removed since, and files that it
    did not write: the output folder is the build's alone.

    Size and time stamp tell most changes; a file whose change time moved as well is
    compared by its bytes, so an edit that kept both is found too.
    """
    found = Survey()
    seen: set[str] = set()
    for rel, status in output_files(out_dir):
        kept = previous.outputs.get(rel)
        seen.add(rel)
        if kept is None:
            found.extra.add(rel)
        elif (status.st_size, status.st_mtime_ns) != (kept.size, kept.mtime_ns):
            found.tampered.add(rel)
        elif status.st_ctime_ns != kept.ctime_ns:
            if _holds(out_dir / rel, status, kept.digest):
                found.restat[rel] = status
            else:
                found.tampered.add(rel)
    found.tampered.update(previous.outputs.keys() - seen)
    return found


def _holds(path: Path, status: os.stat_result, expected: bytes) -> bool:
    """Whether the plain file at `path` holds the bytes with digest `expected`."""
    if not stat.S_ISREG(status.st_mode):
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as file:
        return digest(file.read()) == expected
