"""The search index: Pagefind run over the built pages, on this machine, with no network.

Each shard of the index (see render/shards.py) is indexed by a Pagefind process of its own,
side by side on every core.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.errors import Diagnostic
from generator.render.shards import Shards

TIMEOUT_SECONDS = 600
Started = Callable[["subprocess.Popen[str]"], None]  # told of each running indexer


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
