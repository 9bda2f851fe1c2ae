"""The build cache: what the last build read and wrote, so the next one redoes only what changed.

It lives in `.cache/factsheet/` under the site. Everything in it is keyed by content hashes
(of record files, templates, static files and settings) and by a hash of the generator's own
files, so a new version or a local edit of factsheet starts afresh. The cache is a pickle,
signed with a key kept in the user's own cache folder: a cache made elsewhere, damaged or
written by another version is ignored with a note, never loaded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import os
import pickle
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.errors import Diagnostic
from generator.store.inputs import Stamp, generator_hash

if TYPE_CHECKING:  # the stages are imported only when a build has work to do
    from generator.check.validate import Record
    from generator.read.yamlsrc import Document

CACHE_DIR = ".cache/factsheet"
CACHE_FILE = f"{CACHE_DIR}/build.pickle"  # what the last build wrote, and from what
RECORDS_FILE = f"{CACHE_DIR}/records.pickle"  # the records it parsed, checked and linked
_KEY_FILE = "factsheet/cache-key"
_DIGEST_SIZE = 32


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


class PageEntry(NamedTuple):
    """How one output file was made: the records and templates it read."""

    deps: frozenset[str]  # record keys, "*" (every record) and "<type>:*"
    templates: frozenset[str]


@dataclass
class BuildCache:
    """Everything one build hands to the next."""

    generator: bytes = b""  # hash of the generator's own files
    settings: bytes = b""  # hash of site.yaml, the base URL and the output folder
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
    pending: frozenset[str] = frozenset()  # stale pages a dev server left for later
    templates: dict[str, bytes] = field(default_factory=dict)  # name -> hash of its source
    pages: dict[str, PageEntry] = field(default_factory=dict)  # output path -> how it was made
    outputs: dict[str, OutputFile] = field(default_factory=dict)  # every file in the output
    search: dict[str, bytes] = field(default_factory=dict)  # shard bundle -> hash of its pages
    search_stale: bool = False  # the pages changed since (a dev server indexes them later)


def load_cache(site_dir: Path) -> tuple[BuildCache | None, list[Diagnostic]]:
    """The last build's cache, without its records (see `load_records`), or None and a note
    saying why it is not used."""
    loaded, notes = _load(site_dir / CACHE_FILE)
    if loaded is None:
        return None, notes
    if not isinstance(loaded, BuildCache) or loaded.generator != generator_hash():
        return None, [_note("the build cache is from another version of factsheet; "
                            "building everything")]
    return loaded, []


def load_cached_records(site_dir: Path, build_cache: BuildCache) -> list[Diagnostic]:
    """Fill in the parsed and checked records of `build_cache` from the cache folder."""
    loaded, notes = _load(site_dir / RECORDS_FILE)
    if isinstance(loaded, tuple) and len(loaded) == 5 and loaded[0] == build_cache.inputs_key:
        _, build_cache.parsed, build_cache.validated, build_cache.links, build_cache.quotes = \
            loaded
    return notes


def save_cache(site_dir: Path, build_cache: BuildCache) -> None:
    """Write the cache for the next build; a cache that cannot be written is skipped."""
    state = dataclasses.replace(build_cache, parsed={}, validated={}, links={}, quotes={},
                                pages=_shared(build_cache.pages))
    records = (build_cache.inputs_key, build_cache.parsed, build_cache.validated,
               build_cache.links, build_cache.quotes)
    _save(site_dir / RECORDS_FILE, records)
    _save(site_dir / CACHE_FILE, state)


def _shared(pages: dict[str, PageEntry]) -> dict[str, PageEntry]:
    """The same entries, with equal names and sets as one object each: pickle writes an
    object once however often it appears, so the cache loads in a fraction of the time."""
    sets: dict[frozenset[str], frozenset[str]] = {}

    def share(names: frozenset[str]) -> frozenset[str]:
        one = frozenset(sys.intern(name) for name in names)
        return sets.setdefault(one, one)
    return {path: PageEntry(share(e.deps), share(e.templates)) for path, e in pages.items()}


def _load(path: Path) -> tuple[object, list[Diagnostic]]:
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None, []
    except OSError as exc:
        return None, [_note(f"cannot read the build cache ({exc.strerror}); building everything")]
    key = _key()
    signature, body = blob[:_DIGEST_SIZE], blob[_DIGEST_SIZE:]
    if key is None or not hmac.compare_digest(signature, _sign(key, body)):
        return None, [_note("the build cache was not written by this user's factsheet, or is "
                            "damaged; ignoring it and building everything")]
    try:
        return pickle.loads(body), []
    except Exception:  # signed but unreadable: written by another Python or factsheet
        return None, [_note("the build cache is from another version of factsheet; "
                            "building everything")]


def _save(path: Path, value: object) -> None:
    key = _key(make=True)
    if key is None:
        return
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(_sign(key, body) + body)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def forget_cache(site_dir: Path) -> None:
    """Remove the cache, as before the output is changed in place: a build cut off
    half-way must not leave a cache that describes an output it did not finish."""
    (site_dir / CACHE_FILE).unlink(missing_ok=True)


def _sign(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()


def _key_path() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / _KEY_FILE


def _key(make: bool = False) -> bytes | None:
    """This user's secret for signing caches (made on first save); None if there is none."""
    path = _key_path()
    key = _read_key(path)
    if key is not None or not make:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another build made it first
        return _read_key(path)
    except OSError:
        return None
    key = secrets.token_bytes(_DIGEST_SIZE)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key)
    return key


def _read_key(path: Path) -> bytes | None:
    try:
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == _DIGEST_SIZE else None


def _note(message: str) -> Diagnostic:
    return Diagnostic(CACHE_FILE, 1, 1, message, "note")
