"""The search index: Pagefind run over the built pages, on this machine, with no network."""

from __future__ import annotations

import subprocess
from pathlib import Path

from generator.errors import Diagnostic
from generator.urls import SEARCH_BUNDLE

TIMEOUT_SECONDS = 600


def index_pages(site_root: Path) -> list[Diagnostic]:
    """Write the Pagefind index of the HTML under `site_root` into its pagefind/ folder."""
    executable = _pagefind()
    if executable is None:
        return [Diagnostic("search", 1, 1, "cannot build the search index: the pagefind "
                           "binary is missing; install the 'pagefind[bin]' package")]
    command = [str(executable), "--site", str(site_root), "--output-subdir",
               SEARCH_BUNDLE.rstrip("/"), "--keep-index-url", "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Diagnostic("search", 1, 1, f"cannot build the search index: {exc}")]
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        reason = said[-1] if said else f"pagefind exited with code {done.returncode}"
        return [Diagnostic("search", 1, 1, f"cannot build the search index: {reason}")]
    return []


def _pagefind() -> Path | None:
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        found: Path = get_executable()
    except (ImportError, FileNotFoundError):
        return None
    return found
