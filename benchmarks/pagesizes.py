#!/usr/bin/env python3
"""How many HTML pages of each kind a built site has, and its largest ones.

    python benchmarks/pagesizes.py OUTPUT_DIR [--top N]

The kinds are told from the paths of DESIGN.md §5 alone, so the survey reads any output.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from pathlib import Path

# (kind, path pattern), first match wins; paths relative to the output root.
KINDS = (
    ("home", r"index\.html"),
    ("not-found", r"404\.html"),
    ("search", r"search/index\.html"),
    ("timeline", r"timeline/index\.html"),
    ("timeline-year", r"timeline/[^/]+/(page/\d+/)?index\.html"),
    ("list", r"[^/]+/(page/\d+/)?index\.html"),
    ("facet-index", r"[^/]+/by/[^/]+/(page/\d+/)?index\.html"),
    ("facet", r"[^/]+/by/[^/]+/[^/]+/(page/\d+/)?index\.html"),
    ("links", r"[^/]+/[^/]+/links/[^/]+/(page/\d+/)?index\.html"),
    ("record", r"[^/]+/[^/]+/index\.html"),
)
_PATTERNS = [(kind, re.compile(pattern)) for kind, pattern in KINDS]


def kind_of(rel: str) -> str:
    """The kind of the page at `rel`, or 'other'."""
    return next((kind for kind, pattern in _PATTERNS if pattern.fullmatch(rel)), "other")


def survey(out: Path) -> tuple[Counter[str], list[tuple[int, str]]]:
    """Pages per kind, and every page's (size, path), largest first."""
    counts: Counter[str] = Counter()
    sizes: list[tuple[int, str]] = []
    for folder, _, files in os.walk(out):
        for name in files:
            if name.endswith(".html"):
                rel = Path(folder, name).relative_to(out).as_posix()
                counts[kind_of(rel)] += 1
                sizes.append((os.path.getsize(os.path.join(folder, name)), rel))
    return counts, sorted(sizes, reverse=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--top", type=int, default=5)
    args = parser.parse_args(argv)
    counts, sizes = survey(args.out)
    for kind, count in sorted(counts.items()):
        print(f"{kind:14} {count:8,}")
    print(f"{'all':14} {sum(counts.values()):8,}")
    for size, rel in sizes[:args.top]:
        print(f"{size:12,} B  {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
