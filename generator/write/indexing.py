"""The search index in a build: all of it into a new output, or only its stale shards.

Each shard's bundle is made in a folder beside the output (so a build cut short leaves it to
be cleared as a leftover), then moved into the output like every other file of the build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildFailed, Diagnostic
from generator.render.shards import Shards, plan_shards, shard_bundle, shard_number
from generator.store.cache import BuildCache, digest
from generator.urls import SEARCH_BUNDLE
from generator.write.pagefind import Started, index_shards
from generator.write.staging import Patch, Staging

_seconds: list[float] = []  # time spent indexing since last asked, for --verbose


def index_seconds() -> float:
    """The seconds spent indexing since the last call."""
    spent = sum(_seconds)
    _seconds.clear()
    return spent


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """How an incremental build treats the index."""

    now: bool  # bring it up to date in this build (else a later build will)
    jobs: int
    warnings: tuple[Diagnostic, ...]  # said with an indexing error, as with any other
    started: Started | None = None


def index_whole(staging: Staging, pages: list[str], digests: dict[str, bytes], jobs: int,
                warnings: tuple[Diagnostic, ...]) -> dict[str, bytes]:
    """Index every record page of a new output; each shard's key for the next build."""
    shards = plan_shards(pages)
    work = _index(staging.dir, staging.out_dir, shards, jobs, warnings)
    try:
        for number in sorted(shards):  # shard 0 first: the others go inside its folder
            os.rename(work / f"bundle-{number}", staging.dir / shard_bundle(number))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for path in (staging.dir / SEARCH_BUNDLE).rglob("*"):
        if path.is_file():
            digests[path.relative_to(staging.dir).as_posix()] = digest(path.read_bytes())
    return shard_keys(shards, digests)


def index_changes(out_dir: Path, pages: list[str], previous: BuildCache, fresh: BuildCache,
                  tampered: set[str], digests: dict[str, bytes], options: IndexOptions
                  ) -> set[str]:
    """Index again the shards whose pages changed; the files written.

    Without `options.now` the index is left as it was and marked stale in `fresh`.
    """
    shards = plan_shards(pages)
    keys = shard_keys(shards, digests)
    damaged = {shard_number(rel) for rel in tampered if rel.startswith(SEARCH_BUNDLE)}
    stale = [n for n in shards
             if keys[shard_bundle(n)] != previous.search.get(shard_bundle(n)) or n in damaged]
    if options.now and (stale or keys.keys() != previous.search.keys()):
        fresh.search = keys
        return _reindex(out_dir, previous, tampered, digests, shards, stale, options)
    digests.update({rel: kept.digest for rel, kept in previous.outputs.items()
                    if rel.startswith(SEARCH_BUNDLE)})
    fresh.search, fresh.search_stale = previous.search, keys != previous.search
    return set()


def shard_keys(shards: Shards, digests: dict[str, bytes]) -> dict[str, bytes]:
    """For each shard's bundle, a hash of the pages it is made from."""
    return {shard_bundle(number): digest(repr((len(shards), [(path, digests[path])
                                                            for path in paths])).encode())
            for number, paths in shards.items()}


def _index(source: Path, out_dir: Path, shards: Shards, jobs: int,
           warnings: tuple[Diagnostic, ...], started: Started | None = None) -> Path:
    """Index the shards' pages under `source`: the folder beside the output that holds
    each shard's bundle-N."""
    out = Path(os.path.realpath(out_dir))
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.factsheet-search-", dir=out.parent))
    began = time.perf_counter()
    problems = index_shards(source, work, shards, jobs, started)
    _seconds.append(time.perf_counter() - began)
    if problems:
        shutil.rmtree(work, ignore_errors=True)
        raise BuildFailed([*problems, *warnings])
    return work


def _reindex(out_dir: Path, previous: BuildCache, tampered: set[str],
             digests: dict[str, bytes], shards: Shards, stale: list[int],
             options: IndexOptions) -> set[str]:
    """Index the stale shards again beside the output; move in the files that changed."""
    old = {rel: kept.digest for rel, kept in previous.outputs.items()
           if rel.startswith(SEARCH_BUNDLE)}
    # The bundles of shards that are neither stale nor gone stay as they are.
    digests.update({rel: value for rel, value in old.items()
                    if shard_number(rel) in shards and shard_number(rel) not in stale})
    # The patch first: making it clears leftovers beside the output, the index folder too.
    with Patch(out_dir) as patch:
        work = _index(out_dir, out_dir, {n: shards[n] for n in stale}, options.jobs,
                      options.warnings, options.started)
        try:
            for number in stale:
                bundle = work / f"bundle-{number}"
                for path in sorted(bundle.rglob("*")):
                    if not path.is_file():
                        continue
                    rel = shard_bundle(number) + path.relative_to(bundle).as_posix()
                    digests[rel] = digest(path.read_bytes())
                    if old.get(rel) != digests[rel] or rel in tampered:
                        patch.copy(rel, path)
            patch.apply([rel for rel in old if rel not in digests])
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return set(patch.staged)
