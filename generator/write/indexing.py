"""The search index in a build: all of it into a new output, or only its stale shards.

Each shard's bundle is made in a folder beside the output (so a build cut short leaves it to
be cleared as a leftover), then moved into the output with the pages it indexes, in the same
step: a reader never finds new pages with the old index, or the other way round.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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
    work = _index(staging, shards, jobs, warnings)
    try:
        for number in sorted(shards):  # shard 0 first: the others go inside its folder
            os.rename(work / f"bundle-{number}", staging.dir / shard_bundle(number))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for path in (staging.dir / SEARCH_BUNDLE).rglob("*"):
        if path.is_file():
            digests[path.relative_to(staging.dir).as_posix()] = digest(path.read_bytes())
    return shard_keys(shards, digests)


def index_changes(patch: Patch, pages: list[str], previous: BuildCache, fresh: BuildCache,
                  tampered: set[str], digests: dict[str, bytes], options: IndexOptions,
                  meanwhile: Callable[[], None]) -> None:
    """Index again the shards whose pages (staged in `patch`, or in the output) changed,
    into `patch` beside its pages; `meanwhile()` is called while Pagefind works.

    Without `options.now` the index is left as it was and marked stale in `fresh`.
    """
    shards = plan_shards(pages)
    keys = shard_keys(shards, digests)
    damaged = {shard_number(rel) for rel in tampered if rel.startswith(SEARCH_BUNDLE)}
    stale = [n for n in shards
             if keys[shard_bundle(n)] != previous.search.get(shard_bundle(n)) or n in damaged]
    if options.now and (stale or keys.keys() != previous.search.keys()):
        fresh.search = keys
        _reindex(patch, previous, tampered, digests, shards, stale, options, meanwhile)
        return
    meanwhile()
    digests.update({rel: kept.digest for rel, kept in previous.outputs.items()
                    if rel.startswith(SEARCH_BUNDLE)})
    fresh.search, fresh.search_stale = previous.search, keys != previous.search


def shard_keys(shards: Shards, digests: dict[str, bytes]) -> dict[str, bytes]:
    """For each shard's bundle, a hash of the pages it is made from."""
    return {shard_bundle(number): digest(repr((len(shards), [(path, digests[path])
                                                            for path in paths])).encode())
            for number, paths in shards.items()}


def _index(staging: Staging, shards: Shards, jobs: int, warnings: tuple[Diagnostic, ...],
           started: Started | None = None) -> Path:
    """Index the shards' pages as they will be once `staging` is in place: the folder
    beside the output that holds each shard's bundle-N."""
    work = staging.scratch("search")
    began = time.perf_counter()
    try:
        problems = index_shards(staging.locate, work, shards, jobs, started)
        if problems:
            raise BuildFailed([*problems, *warnings])
    except BaseException:  # Ctrl-C too: the work is of no use to the next build
        _remove(work)
        raise
    finally:
        _seconds.append(time.perf_counter() - began)
    return work


class _Indexers:
    """The indexers of a build, to stop when their work is no longer wanted."""

    def __init__(self, told: Started | None) -> None:
        self.told = told
        self.running: list[subprocess.Popen[str]] = []
        self.stopped = False
        self.lock = threading.Lock()

    def started(self, process: subprocess.Popen[str]) -> None:
        with self.lock:
            self.running.append(process)
            if self.stopped:
                process.kill()
        if self.told:
            self.told(process)

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
            for process in self.running:
                process.kill()  # of one that has exited: nothing


def _discard(indexed: Future[Path]) -> None:
    """Wait for an index that is no longer wanted, and remove it."""
    try:
        _remove(indexed.result())
    except BaseException:  # its own errors are of no use now: the build failed before
        return


def _remove(folder: Path) -> None:
    """Remove `folder`, again while an indexer that is being stopped still writes into it."""
    for _ in range(50):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.02)


def _reindex(patch: Patch, previous: BuildCache, tampered: set[str],
             digests: dict[str, bytes], shards: Shards, stale: list[int],
             options: IndexOptions, meanwhile: Callable[[], None]) -> None:
    """Index the stale shards again beside the output, calling `meanwhile()` as Pagefind
    works; stage the files that changed."""
    old = {rel: kept.digest for rel, kept in previous.outputs.items()
           if rel.startswith(SEARCH_BUNDLE)}
    # The bundles of shards that are neither stale nor gone stay as they are.
    digests.update({rel: value for rel, value in old.items()
                    if shard_number(rel) in shards and shard_number(rel) not in stale})
    indexers = _Indexers(options.started)
    with ThreadPoolExecutor(1) as pool:
        indexed = pool.submit(_index, patch, {n: shards[n] for n in stale}, options.jobs,
                              options.warnings, indexers.started)
        try:
            meanwhile()
        except BaseException:
            indexers.stop()
            _discard(indexed)
            raise
        work = indexed.result()
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
        patch.remove(rel for rel in old if rel not in digests)
    finally:
        shutil.rmtree(work, ignore_errors=True)
