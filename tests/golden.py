"""Rewrite tests/golden/default/ from the default site: python -m tests.golden (or make golden).

Review the diff before committing: it is what every user of the default site will get.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import build_site
from generator.urls import SEARCH_BUNDLE

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "default"


def regenerate() -> None:
    result = build_site(REPO, GOLDEN)
    # Pagefind's bundle is its own code and binary index; the golden test checks it apart.
    shutil.rmtree(GOLDEN / SEARCH_BUNDLE)
    print(f"wrote {result.files} files into {GOLDEN.relative_to(REPO)} (without {SEARCH_BUNDLE})")


if __name__ == "__main__":
    regenerate()
