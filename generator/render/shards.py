"""The shards of the search index: which record pages each is made from, and where it goes.

A big site's index is made in shards of about SHARD_PAGES record pages each, which the
search page merges in the browser (Pagefind's mergeIndex). Which shard a page is in depends
on its path alone, so a new record moves no other page, and an edit re-indexes only the
shard of the pages it changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from generator.urls import SEARCH_BUNDLE

SHARD_PAGES = 1000
MAX_SHARDS = 64
SHARD_DIR = "shard-"  # shard 1 and up go in pagefind/shard-N/, shard 0 in pagefind/ itself

Shards = dict[int, list[str]]  # shard number -> the record pages in it


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
