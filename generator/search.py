"""The search index: Pagefind run over the built pages, on this machine, with no network."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from generator.errors import Diagnostic

TIMEOUT_SECONDS = 600


Started = Callable[["subprocess.Popen[str]"], None]  # told of the running indexer


def index_pages(site_root: Path, bundle: Path, folders: Sequence[str],
                started: Started | None = None) -> list[Diagnostic]:
    """Write the Pagefind index of the HTML under `site_root` into the folder `bundle`.

    `started` is given the indexer's process, so a dev server can stop it when it is
    no longer wanted.
    """
    executable = _pagefind()
    if executable is None:
        return [Diagnostic("search", 1, 1, "cannot build the search index: the pagefind "
                           "binary is missing; install the 'pagefind[bin]' package")]
    # Only record pages are indexed: Pagefind need not read the others (the timeline alone is
    # megabytes on a big site).
    pages = "{" + ",".join(sorted(folders)) + "}/*/index.html"
    command = [str(executable), "--site", str(site_root), "--output-path",
               str(bundle.absolute()), "--glob", pages, "--keep-index-url", "--silent"]
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
