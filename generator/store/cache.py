"""The build cache: what the last build read and wrote, so the next one redoes only what changed.

It lives in `.cache/factsheet/` under the site. Everything in it is keyed by content hashes
(of record files, templates, static files and settings) and by a hash of the generator's own
files, so a new version or a local edit of factsheet starts afresh. The cache is a pickle,
signed with a key kept in the user's own cache folder (see key.py): a cache made elsewhere,
damaged or written by another version is ignored with a note, never loaded. The folder
comes with the site and is read as input (see files.py): only regular files, never through
a link. A cache that cannot be written costs the next build time and earns a warning.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import os
import pickle
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import Diagnostic
from generator.store.files import Unfit, open_folder, read_regular, write_replacing
from generator.store.inputs import Stamp, generator_hash
from generator.store.key import cache_key

if TYPE_CHECKING:  # the stages are imported only when a build has work to do
    from generator.check.validate import Record
    from generator.read.yamlsrc import Document

CACHE_DIR = ".cache/factsheet"
CACHE_FILE = f"{CACHE_DIR}/build.pickle"  # what the last build wrote, and from what
RECORDS_FILE = f"{CACHE_DIR}/records.pickle"  # the records it parsed, checked and linked
_FOLDERS = (".cache", "factsheet")
_BUILD, _RECORDS = "build.pickle", "records.pickle"
_DIGEST_SIZE = 32
# At 5,000 records (benchmarks/synth.py) the records file is 19 MB and the build file 3 MB,
# about 4 KB a record: 400 MB at 100,000. Five times that; anything larger is not ours.
MAX_CACHE_BYTES = 2 * 2**30
FileStamp = tuple[int, int, int, int]  # inode, size, modified and changed (ns)


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

    deps: frozenset[str]  # record keys, "*" (every record) and "<type>:*"
    templates: frozenset[str]


@dataclass
class BuildCache:
    """Everything one build hands to the next."""

    generator: bytes = b""  # hash of the generator's own files
    settings: bytes = b""  # hash of site.yaml, the base URL and the output folder
    config: bytes = b""  # hash of site.yaml and the base URL: what `check` compares
    # every file the build reads, and where each folder really is (it may be a link)
    inputs: dict[str, Stamp | str] = field(default_factory=dict)
    inputs_key: bytes = b""  # hash of all of them, with the options of the build
    page_count: int = 0
    warnings: tuple[Diagnostic, ...] = ()  # said again when nothing changed
    links: dict[tuple[str, bool], tuple[str, ...]] = field(default_factory=dict)
    quotes: dict[tuple[bytes, str], tuple[int, int] | str] = field(default_factory=dict)
    types: bytes = b""  # hash of the record types: what validation depends on
    parsed: dict[str, tuple[bytes, Document | Diagnostic]] = field(default_factory=dict)
    validated: dict[str, tuple[Document, Record | None, tuple[Diagnostic, ...]]] = field(
        default_factory=dict)
    # key -> hashes of the linked record: in full, and its title and facts
    records: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    # a listing's membership key -> hash of which records (and facts) it shows, in order
    memberships: dict[str, bytes] = field(default_factory=dict)
    pending: frozenset[str] = frozenset()  # stale pages a dev server left for later
    templates: dict[str, bytes] = field(default_factory=dict)  # name -> hash of its source
    pages: dict[str, PageEntry] = field(default_factory=dict)  # output path -> how it was made
    outputs: dict[str, OutputFile] = field(default_factory=dict)  # every file in the output
    search: dict[str, bytes] = field(default_factory=dict)  # shard bundle -> hash of its pages
    search_stale: bool = False  # the pages changed since (a dev server indexes them later)
    stamp: FileStamp | None = None  # the build file's before it was read (load_cache)


def load_cache(site_dir: Path) -> tuple[BuildCache | None, list[Diagnostic]]:
    """The last build's cache, without its records (see `load_records`), or None and a note
    saying why it is not used."""
    stamp = cache_stamp(site_dir)  # before reading: a file replaced meanwhile is read again
    loaded, notes = _load(site_dir, _BUILD)
    if loaded is None:
        return None, notes
    if not isinstance(loaded, BuildCache) or loaded.generator != generator_hash():
        return None, [_note(CACHE_FILE, "the build cache is from another version of "
                            "factsheet; building everything")]
    loaded.stamp = stamp
    return loaded, []


def cache_stamp(site_dir: Path) -> FileStamp | None:
    """The build file's identity and time stamps: another build's save changes them."""
    try:
        status = os.stat(site_dir / CACHE_FILE, follow_symlinks=False)
    except OSError:
        return None
    return status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def load_cached_records(site_dir: Path, build_cache: BuildCache) -> list[Diagnostic]:
    """Fill in the parsed and checked records of `build_cache` from the cache folder."""
    loaded, notes = _load(site_dir, _RECORDS)
    if isinstance(loaded, tuple) and len(loaded) == 6 and loaded[0] == generator_hash() \
            and loaded[1] == build_cache.inputs_key:
        _, _, build_cache.parsed, build_cache.validated, build_cache.links, \
            build_cache.quotes = loaded
    return notes


def save_cache(site_dir: Path, build_cache: BuildCache) -> list[Diagnostic]:
    """Write the cache for the next build; what went wrong, if it could not be written
    (which costs the next build time, nothing else)."""
    state = dataclasses.replace(build_cache, parsed={}, validated={}, links={}, quotes={},
                                pages=_shared(build_cache.pages))
    records = (generator_hash(), build_cache.inputs_key, build_cache.parsed,
               build_cache.validated, build_cache.links, build_cache.quotes)
    key = cache_key(make=True)
    if key.value is None:
        return list(key.notes)
    try:
        folder = open_folder(os.fspath(site_dir), _FOLDERS, make=True)
    except Unfit as unfit:
        return [*key.notes, _unusable_folder(unfit)]
    except OSError as exc:
        return [*key.notes, _cannot_write(CACHE_DIR, exc)]
    try:
        # The records first: the build file is the one a build looks at, and names them.
        for name, value in ((_RECORDS, records), (_BUILD, state)):
            body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            try:
                write_replacing(name, (_sign(key.value, name, body), body), folder)
            except IsADirectoryError:
                return [*key.notes, _unusable_file(f"{CACHE_DIR}/{name}")]
            except OSError as exc:
                return [*key.notes, _cannot_write(f"{CACHE_DIR}/{name}", exc)]
    finally:
        os.close(folder)
    return list(key.notes)


def _shared(pages: dict[str, PageEntry]) -> dict[str, PageEntry]:
    """The same entries, with equal names and sets as one object each: pickle writes an
    object once however often it appears, so the cache loads in a fraction of the time."""
    sets: dict[frozenset[str], frozenset[str]] = {}

    def share(names: frozenset[str]) -> frozenset[str]:
        one = frozenset(sys.intern(name) for name in names)
        return sets.setdefault(one, one)
    return {path: PageEntry(share(e.deps), share(e.templates)) for path, e in pages.items()}


def _load(site_dir: Path, name: str) -> tuple[object, list[Diagnostic]]:
    """What the cache file `name` holds, if it is this user's; else None and why not."""
    where = f"{CACHE_DIR}/{name}"
    try:
        folder = open_folder(os.fspath(site_dir), _FOLDERS)
        try:
            blob = read_regular(name, MAX_CACHE_BYTES, folder)
        finally:
            os.close(folder)
    except FileNotFoundError:
        return None, []
    except Unfit as unfit:
        if unfit.folder or unfit.what == "a folder":  # what a build cannot replace
            return None, [_unusable_folder(unfit) if unfit.folder else _unusable_file(where)]
        return None, [_note(where, f"the build cache is {unfit.what}; ignoring it and "
                            "building everything")]
    except OSError as exc:
        return None, [_note(where, f"cannot read the build cache ({exc.strerror}); "
                            "building everything")]
    except MemoryError:  # a file under the limit, but more than this machine can hold
        return None, [_note(where, "cannot read the build cache (not enough memory); "
                            "building everything")]
    key = cache_key()
    signature, body = blob[:_DIGEST_SIZE], memoryview(blob)[_DIGEST_SIZE:]
    if key.value is None and key.notes:
        return None, list(key.notes)
    if key.value is None or not hmac.compare_digest(signature, _sign(key.value, name, body)):
        return None, [_note(where, "the build cache was not written by this user's "
                            "factsheet, or is damaged; ignoring it and building everything")]
    try:
        return pickle.loads(body), []
    except Exception:  # signed but unreadable: written by another Python or factsheet
        return None, [_note(where, "the build cache is from another version of factsheet; "
                            "building everything")]


def forget_cache(site_dir: Path) -> None:
    """Remove the cache, as before the output is changed in place: a build cut off
    half-way must not leave a cache that describes an output it did not finish."""
    # Where it cannot be removed it cannot be written either, which saving says; and a
    # survey of the output finds what a cut-off build changed.
    with contextlib.suppress(OSError, Unfit):
        folder = open_folder(os.fspath(site_dir), _FOLDERS)
        try:
            os.unlink(_BUILD, dir_fd=folder)
        finally:
            os.close(folder)


def _sign(key: bytes, name: str, body: bytes | memoryview) -> bytes:
    # The file's name is signed too: the records file put in place of the build file
    # is not taken for it.
    signer = hmac.new(key, name.encode() + b"\0", hashlib.sha256)
    signer.update(body)
    return signer.digest()


# Said the same by loading and saving, so a build says each once.
def _unusable_folder(unfit: Unfit) -> Diagnostic:
    return Diagnostic(unfit.folder, 1, 1, f"the build cache folder is {unfit.what}, not a "
                      "folder; the cache is neither read nor written until it is removed",
                      "warning")


def _unusable_file(where: str) -> Diagnostic:
    return Diagnostic(where, 1, 1, "the build cache is a folder, not a file; the cache is "
                      "neither read nor written until it is removed", "warning")


def _cannot_write(where: str, exc: OSError) -> Diagnostic:
    return Diagnostic(where, 1, 1, f"cannot write the build cache ({exc.strerror or exc}); "
                      "the next build cannot reuse this one's work", "warning")


def _note(where: str, message: str) -> Diagnostic:
    return Diagnostic(where, 1, 1, message, "note")
