"""The search index: Pagefind run over the built pages, on this machine, with no network.

A big site's index is made in shards of about SHARD_PAGES record pages each, which the
search page merges in the browser (Pagefind's mergeIndex). Shards are indexed side by side
on every core, and an edit re-indexes only the shard of the pages it changed. Which shard a
page is in depends on its path alone, so a new record moves no other page.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.errors import Diagnostic
from generator.urls import SEARCH_BUNDLE

TIMEOUT_SECONDS = 600
SHARD_PAGES = 1000
MAX_SHARDS = 64
SHARD_DIR = "shard-"  # shard 1 and up go in pagefind/shard-N/, shard 0 in pagefind/ itself

Shards = dict[int, list[str]]  # shard number -> the record pages in it
Started = Callable[["subprocess.Popen[str]"], None]  # told of each running indexer


def plan_shards(pages: Sequence[str]) -> Shards:
    """The record pages (output paths) of each shard of the search index."""
    count = max(1, min(MAX_SHARDS, -(-len(pages) // SHARD_PAGES)))
    shards: Shards = {i: [] for i in range(count)}
    for path in sorted(pages):
        number = int.from_bytes(hashlib.blake2b(path.encode(), digest_size=8).digest(), "big")
        shards[number % count].append(path)
    if any(not paths for paths in shards.values()):  # so unlikely that one shard will do
        return {0: sorted(pages)}
    return shards


def shard_bundle(number: int) -> str:
    """Where shard `number` of the index goes, relative to the output root."""
    return SEARCH_BUNDLE if number == 0 else f"{SEARCH_BUNDLE}{SHARD_DIR}{number}/"


def shard_number(rel: str) -> int:
    """The shard whose bundle holds the output file `rel` (which is under pagefind/)."""
    inside = rel[len(SEARCH_BUNDLE):]
    if inside.startswith(SHARD_DIR) and "/" in inside:
        number = inside[len(SHARD_DIR):inside.index("/")]
        if number.isdigit():
            return int(number)
    return 0


def index_shards(source: Path, work: Path, shards: Shards, jobs: int,
                 started: Started | None = None) -> list[Diagnostic]:
    """Index each shard's pages (files under `source`) into `work`/bundle-N, side by side."""
    def index_one(number: int) -> list[Diagnostic]:
        site = work / f"site-{number}"
        for rel in shards[number]:
            _link(source / rel, site / rel)
        return index_pages(site, work / f"bundle-{number}", started)

    with ThreadPoolExecutor(max(1, jobs)) as pool:
        results = list(pool.map(index_one, sorted(shards)))
    return sorted({d for problems in results for d in problems})


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # no hard links on this file system
        shutil.copyfile(source, target)


def index_pages(site_root: Path, bundle: Path, started: Started | None = None
                ) -> list[Diagnostic]:
    """Write the Pagefind index of the HTML under `site_root` into the folder `bundle`.

    `started` is given the indexer's process, so a dev server can stop it when it is
    no longer wanted.
    """
    executable = _pagefind()
    if executable is None:
        return [Diagnostic("search", 1, 1, "cannot build the search index: the pagefind "
                           "binary is missing; install the 'pagefind[bin]' package")]
    command = [str(executable), "--site", str(site_root), "--output-path",
               str(bundle.absolute()), "--keep-index-url", "--silent"]
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as process:
            if started:
                started(process)
            try:
                stdout, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                raise
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Diagnostic("search", 1, 1, f"cannot build the search index: {exc}")]
    if process.returncode != 0:
        said = (stderr or stdout).strip().splitlines()
        reason = said[-1] if said else f"pagefind exited with code {process.returncode}"
        return [Diagnostic("search", 1, 1, f"cannot build the search index: {reason}")]
    return []


def _pagefind() -> Path | None:
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        found: Path = get_executable()
    except (ImportError, FileNotFoundError):
        return None
    return found
