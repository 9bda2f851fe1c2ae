"""Pagefind's files for one shard, put in a stable order, and the lookup of exact titles
that the search page ranks first.

Pagefind 1.5.2 keeps each filter's values in a Rust HashMap, whose order is seeded anew in
every process, and writes the values, and the list of filters in the shard's metadata, in
that order: the same pages gave other filter files, another metadata file and another
pagefind-entry.json on each run. (Pagefind's main branch sorts both since PR #1124 of
2026-08-15, after the last release.) Here each filter's values and each shard's filters
are sorted as that change sorts them, and the files renamed by Pagefind's own rule (the
language, then the start of the SHA-1 of the contents), so the bundle no longer depends on
the run. Pagefind reads the filters into ordered maps, so the order means nothing to it.
The files are CBOR in its shortest form, which cbor2 reads and writes back byte for byte.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import unicodedata
import zlib
from typing import Any

import cbor2

from generator.render.shards import EXACT_BUCKETS, exact_file

ENTRY = "pagefind-entry.json"
_SIGNATURE = b"pagefind_dcd"  # what Pagefind puts before the contents of each gzipped file
_FILTERS, _SORTS = 3, 4  # where the lists of filters and sorts are in a metadata file
Files = dict[str, bytes]  # path inside the bundle -> contents


class BundleError(ValueError):
    """Pagefind's files are not as Pagefind 1.5 writes them."""


def stable_bundle(files: Files) -> Files:
    """The same bundle with its filters and sorts in sorted order, and the exact-title
    lookup added; the same pages give the same bytes on every run."""
    if ENTRY not in files:
        return dict(files)
    try:
        entry = json.loads(files[ENTRY])
        out = dict(files)
        for language, about in entry["languages"].items():
            about["hash"] = _sort_language(out, language, about["hash"])
        entry["languages"] = dict(sorted(entry["languages"].items()))
        out[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
        out.update(exact_titles(out))
    except (cbor2.CBORDecodeError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise BundleError(f"pagefind wrote an index this build cannot read ({exc})") from exc
    return out


def _sort_language(files: Files, language: str, meta_hash: str) -> str:
    """Sort one language's filters in `files`; the new name of its metadata."""
    meta = cbor2.loads(_unpack(files.pop(_meta_path(meta_hash))))
    if not isinstance(meta, list) or len(meta) <= _SORTS:
        raise BundleError("a metadata file of another shape")
    taken: set[str] = set()
    filters: list[Any] = []
    for name, old in sorted(_pairs(meta[_FILTERS])):
        values = cbor2.loads(_unpack(files.pop(f"filter/{old}.pf_filter")))
        if not isinstance(values, list) or len(values) != 2 or values[0] != name:
            raise BundleError(f"the filter file of {name!r} is of another shape")
        data = cbor2.dumps([name, sorted(_pairs(values[1]))])
        new = _short_hash(language, data, taken)
        files[f"filter/{new}.pf_filter"] = _pack(data)
        filters.append([name, new])
    meta[_FILTERS] = filters
    meta[_SORTS] = sorted(_pairs(meta[_SORTS]))
    data = cbor2.dumps(meta)
    new_hash = f"{language}_{_sha1(data)[:len(language) + 8]}"
    files[_meta_path(new_hash)] = _pack(data)
    return new_hash


def _pairs(item: Any) -> list[Any]:
    """A list of two-item lists whose first items are texts, as filters and sorts are."""
    if not isinstance(item, list) or not all(
            isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in item):
        raise BundleError("a list of pairs of another shape")
    return item


def exact_titles(files: Files) -> Files:
    """The lookup files: the normalised title of each page -> the Pagefind ids (its
    fragments' names) of the pages with that title, in EXACT_BUCKETS files by hash."""
    buckets: list[dict[str, list[str]]] = [{} for _ in range(EXACT_BUCKETS)]
    for path in sorted(files):
        if path.startswith("fragment/") and path.endswith(".pf_fragment"):
            fragment = json.loads(_unpack(files[path]))
            key = title_key(str(fragment.get("meta", {}).get("title", "")))
            if key:
                page_id = path[len("fragment/"):-len(".pf_fragment")]
                buckets[title_bucket(key)].setdefault(key, []).append(page_id)
    return {exact_file(n): json.dumps(bucket, ensure_ascii=False, sort_keys=True,
                                      separators=(",", ":")).encode()
            for n, bucket in enumerate(buckets)}


def title_key(text: str) -> str:
    """`text` as search.js's titleKey() makes it of a query: without accents, in lower
    case, only its letters and digits, one space between words. (A character newer than
    Python's Unicode database may be keyed otherwise by a browser: its title then merely
    misses being put first.)"""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if unicodedata.category(c) != "Mn").lower()
    return " ".join("".join(c if unicodedata.category(c)[0] in "LN" else " "
                            for c in bare).split())


def title_bucket(key: str) -> int:
    """Which lookup file holds `key`: FNV-1a (32 bits) of its UTF-8, as search.js has it."""
    value = 0x811C9DC5
    for byte in key.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % EXACT_BUCKETS


def _unpack(raw: bytes) -> bytes:
    try:
        data = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise BundleError("a file that is not gzipped") from exc
    if not data.startswith(_SIGNATURE):
        raise BundleError("a file without Pagefind's signature")
    return data[len(_SIGNATURE):]


def _pack(data: bytes) -> bytes:
    # mtime 0: the gzip header is then the same on every run
    return gzip.compress(_SIGNATURE + data, compresslevel=9, mtime=0)


def _short_hash(language: str, data: bytes, taken: set[str]) -> str:
    """Pagefind's name for `data`: language, '_', the start of the SHA-1, longer if taken."""
    full = f"{language}_{_sha1(data)}"
    length = len(language) + 8
    while full[:length] in taken and length < len(full):
        length += 1
    taken.add(full[:length])
    return full[:length]


def _sha1(data: bytes) -> str:
    # As Pagefind writes it: each byte in hex without a leading zero ({:x?} in Rust).
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


def _meta_path(meta_hash: str) -> str:
    return f"pagefind.{meta_hash}.pf_meta"
