"""The output folder against what the last build left in it: is there work, and where."""

from __future__ import annotations

from pathlib import Path

from generator.store.cache import BuildCache, inputs_key, load_cache
from generator.store.inputs import generator_hash, scan_inputs
from generator.write.staging import MARKER, check_output_dir, output_files, remove_leftovers


def finished_build(site_dir: Path, out_dir: Path, base_url: str | None) -> BuildCache | None:
    """The last build's cache when nothing changed since it: no build is needed."""
    if check_output_dir(out_dir, site_dir):
        return None
    previous, notes = load_cache(site_dir)
    if previous is None or notes:
        return None
    key = inputs_key(scan_inputs(site_dir), base_url, out_dir)
    return previous if up_to_date(previous, key, out_dir) else None


def up_to_date(previous: BuildCache, key: bytes, out_dir: Path) -> bool:
    """True when no input changed since `previous` and the output is as it was left."""
    if not (not previous.search_stale and not previous.pending
            and previous.inputs_key == key and previous.generator == generator_hash()
            and (out_dir / MARKER).is_file()):
        return False
    remove_leftovers(out_dir)
    return survey_output(out_dir, previous) == (set(), set())


def survey_output(out_dir: Path, previous: BuildCache) -> tuple[set[str], set[str]]:
    """The files of the last build that were changed or removed since, and files that it
    did not write: the output folder is the build's alone."""
    seen: set[str] = set()
    extra: set[str] = set()
    tampered: set[str] = set()
    for rel, status in output_files(out_dir):
        kept = previous.outputs.get(rel)
        if kept is None:
            extra.add(rel)
        elif (status.st_size, status.st_mtime_ns) != (kept.size, kept.mtime_ns):
            tampered.add(rel)
        seen.add(rel)
    return tampered | (previous.outputs.keys() - seen), extra
