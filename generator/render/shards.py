"""The shards of the search index: which record pages each is made from, and where it goes;
and the filters the search page offers.

A big site's index is made in shards of about SHARD_PAGES record pages each, which the
search page merges in the browser (Pagefind's mergeIndex). Which shard a page is in depends
on its path alone, so a new record moves no other page, and an edit re-indexes only the
shard of the pages it changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from generator.site.model import SiteConfig
from generator.urls import SEARCH_BUNDLE

SHARD_PAGES = 1000
MAX_SHARDS = 64
SHARD_DIR = "shard-"  # shard 1 and up go in pagefind/shard-N/, shard 0 in pagefind/ itself
# Each shard's lookup of exact titles (write/bundle.py) is split by hash into this many
# files, so a query fetches a small one from each shard: about 30 titles a file in a shard
# of SHARD_PAGES pages.
EXACT_BUCKETS = 32
EXACT_DIR = "exact/"

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


def exact_file(bucket: int) -> str:
    """The lookup file of exact titles numbered `bucket`, inside a shard's bundle."""
    return f"{EXACT_DIR}{bucket}.json"


def search_filters(config: SiteConfig) -> tuple[tuple[str, str], ...]:
    """(name, label) of the filter of each facet field, as _search_meta.html names them, in
    the order site.yaml gives them; labelled by the field's label, and by its type's plural
    too where two such labels are the same. (The filter of record types is "type".)"""
    facets = [(t, f) for t in config.types for f in t.fields if f.facet]
    labels = [f.label for _, f in facets]
    return tuple((f"{t.name}-{f.name}", f.label if labels.count(f.label) == 1 else
                  f"{f.label} ({t.plural})") for t, f in facets)
