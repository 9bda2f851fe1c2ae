"""Rewrite tests/golden/ from the default site and the case sites that have a golden tree:
python -m tests.golden (or make golden).

Review the diff before committing: it is what every user of the default site will get.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.build import build_site
from generator.urls import SEARCH_BUNDLE

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden" / "default"
# Case sites with a golden tree of their own: tests/cases/<name> -> tests/golden/<name>.
GOLDEN_CASES = ("trust", "multilingual")


def regenerate() -> None:
    for site, golden in ((REPO, GOLDEN), *((REPO / "tests" / "cases" / name,
                                            REPO / "tests" / "golden" / name)
                                           for name in GOLDEN_CASES)):
        result = build_site(site, golden)
        # Pagefind's bundle is its own code and binary index; the golden test checks it apart.
        shutil.rmtree(golden / SEARCH_BUNDLE)
        print(f"wrote {result.files} files into {golden.relative_to(REPO)} "
              f"(without {SEARCH_BUNDLE})")


if __name__ == "__main__":
    regenerate()
