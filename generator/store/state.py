"""What one build hands to the next, in memory: the plain data the store keeps (see cache.py)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator.errors import Diagnostic
from generator.store.inputs import Stamp

if TYPE_CHECKING:  # the stages are imported only when a build has work to do
    from generator.check.validate import Record
    from generator.link.reuse import Linked
    from generator.read.yamlsrc import Document

StoreStamp = tuple[bytes, int]  # which store, and how many saves it has seen


def digest(data: bytes) -> bytes:
    """The content hash used throughout the cache."""
    return hashlib.blake2b(data, digest_size=16).digest()


def inputs_key(inputs: dict[str, Stamp | str], base_url: str | None, out_dir: Path) -> bytes:
    """One hash of every input's stamps and the build's options."""
    return digest(repr((sorted(inputs.items()), base_url, os.path.realpath(out_dir))).encode())


class OutputFile(NamedTuple):
    """A file the last build left in the output folder, as it was left."""

    digest: bytes
    size: int
    mtime_ns: int
    # Changed by any write or time stamp change, and settable by no one: a file edited to
    # the same size and given back its time stamp still differs here.
    ctime_ns: int = 0


class PageEntry(NamedTuple):
    """How one output file was made: the records and templates it read."""

    # Record keys, "*" (every record), "<type>:*" and the like (see stale.py), each after a
    # NUL, in order: as the store keeps them. A build that loads a hundred thousand pages
    # asks each whether it names one of a few changed records, and splits none of them.
    deps: str
    templates: frozenset[str]


def page_entry(deps: Iterable[str], templates: frozenset[str]) -> PageEntry:
    """The PageEntry of a page made from `deps` (names without NUL) and `templates`."""
    return PageEntry(joined_names(deps), templates)


def joined_names(names: Iterable[str]) -> str:
    """Names, each after a NUL, in order (of a set: sorted)."""
    ordered = sorted(names) if isinstance(names, (set, frozenset)) else names
    return "".join("\0" + name for name in ordered)


def names_in(joined: str) -> list[str]:
    """The names that `joined_names` joined."""
    return joined.split("\0")[1:]


@dataclass
class BuildCache:
    """Everything one build hands to the next."""

    generator: bytes = b""  # hash of the generator's own files
    settings: bytes = b""  # hash of site.yaml, the base URL and the output folder
    config: bytes = b""  # hash of site.yaml and the base URL: what `check` compares
    # every file the build reads, and where each folder really is (it may be a link)
    inputs: dict[str, Stamp | str] = field(default_factory=dict)
    scanned_ns: int = 0  # when they were looked at (time.time_ns())
    inputs_key: bytes = b""  # hash of all of them, with the options of the build
    page_count: int = 0
    warnings: tuple[Diagnostic, ...] = ()  # said again when nothing changed
    links: dict[tuple[str, bool], tuple[str, ...]] = field(default_factory=dict)
    quotes: dict[tuple[bytes, str], tuple[int, int] | str] = field(default_factory=dict)
    collation: dict[tuple[str, str], bytes] = field(default_factory=dict)  # title sort keys
    types: bytes = b""  # hash of the record types: what validation depends on
    parsed: dict[str, tuple[bytes, Document | Diagnostic]] = field(default_factory=dict)
    validated: dict[str, tuple[Document, Record | None, tuple[Diagnostic, ...]]] = field(
        default_factory=dict)
    linked: dict[str, Linked] = field(default_factory=dict)  # path -> how it was linked
    # key -> hashes of the linked record: in full, its title and facts, and its title
    records: dict[str, tuple[bytes, bytes, bytes]] = field(default_factory=dict)
    # key -> what its hashes were made from, for a dev server's next build (not saved)
    made_from: dict[str, tuple[Any, ...]] = field(default_factory=dict, compare=False,
                                                  repr=False)
    # a listing's membership key -> hash of which records (and facts) it shows, in order
    memberships: dict[str, bytes] = field(default_factory=dict)
    pending: frozenset[str] = frozenset()  # stale pages a dev server left for later
    templates: dict[str, bytes] = field(default_factory=dict)  # name -> hash of its source
    # Jinja's bytecode cache: templates compiled, kept in the signed state row as pickles are
    compiled: dict[str, bytes] = field(default_factory=dict, repr=False)
    pages: dict[str, PageEntry] = field(default_factory=dict)  # output path -> how it was made
    outputs: dict[str, OutputFile] = field(default_factory=dict)  # every file in the output
    search: dict[str, bytes] = field(default_factory=dict)  # shard bundle -> hash of its pages
    search_stale: bool = False  # the pages changed since (a dev server indexes them later)
    # Set when the store holds exactly this cache (it was loaded or saved as it is).
    stamp: StoreStamp | None = field(default=None, compare=False)
    # The cache the store held when this one's build began: a save writes what differs.
    base: BuildCache | None = field(default=None, compare=False, repr=False)
    has_records: bool = field(default=True, compare=False)  # parsed, validated, links, quotes
