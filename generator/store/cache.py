"""The build cache: what the last build read and wrote, so the next one redoes only what changed.

It lives in the store, `.cache/factsheet/store.sqlite` under the site (see db.py), a table
per part (see tables.py), and a save writes only the rows that changed since the cache the
build started from. Everything in it is keyed by content hashes (of record files,
templates, static files and settings) and by a hash of the generator's own files, so a new
version or a local edit of factsheet starts afresh. A store made elsewhere, damaged or
written by another version is ignored with a note, never trusted. A cache that cannot be
written costs the next build time and earns a warning.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from generator.errors import Diagnostic
from generator.store import notes
from generator.store.db import (
    FOLDERS,
    NotOurs,
    OtherVersion,
    Store,
    damaged,
    opened,
    remove_store,
    status,
)
from generator.store.files import Unfit, open_folder
from generator.store.inputs import generator_hash
from generator.store.key import cache_key
from generator.store.notes import CACHE_DIR, CACHE_FILE
from generator.store.state import (
    BuildCache,
    OutputFile,
    PageEntry,
    StoreStamp,
    digest,
    inputs_key,
    page_entry,
)
from generator.store.tables import OUTPUT_TABLES, WORK_TABLES, text_of, write_documents

__all__ = [
    "CACHE_DIR",
    "CACHE_FILE",
    "BuildCache",
    "OutputFile",
    "PageEntry",
    "cache_generation",
    "cache_stamp",
    "digest",
    "forget_cache",
    "inputs_key",
    "load_cache",
    "load_cached_records",
    "page_entry",
    "save_cache",
]

T = TypeVar("T")
_HELD = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


MAX_CACHE_BYTES = 2 * 2**30  # a 10,000-record store is 131 MB; anything this large is not ours
# Kept in tables, not in the state row.
_WHOLE = ("parsed", "validated", "linked", "made_from",
          *(t.name for t in (*OUTPUT_TABLES, *WORK_TABLES)), "stamp", "base", "has_records")


def load_cache(site_dir: Path) -> tuple[BuildCache | None, list[Diagnostic]]:
    """The last build's cache with what it left in the output, but not what it was made
    from (see `load_cached_records`); or None and a note saying why it is not used."""
    def load(store: Store) -> BuildCache | None:
        stamp = store.stamp()
        if stamp is None:
            return None  # none saved, or forgotten by a build that changed the output since
        if store.meta("generator") != generator_hash():
            raise OtherVersion
        state = store.meta("state")
        if not isinstance(state, bytes) or not store.signed(store.meta("state-mac"), state):
            raise NotOurs
        loaded = _state(state)
        loaded.has_records, loaded.stamp = False, stamp
        for table in OUTPUT_TABLES:
            setattr(loaded, table.name, dict(table.rows(store.db)))
        return loaded
    return _reading(site_dir, load, None)


def cache_stamp(site_dir: Path) -> StoreStamp | None:
    """Which store the site has and how often it was saved: another build's save changes it."""
    return _reading(site_dir, Store.stamp, None, quiet=True)[0]


def cache_generation(site_dir: Path) -> StoreStamp | None:
    """`cache_stamp`, its state forgotten or not: a build that patches the output in place
    forgets it, and a dev server's quick rebuild does not save it again."""
    return _reading(site_dir, Store.generation, None, quiet=True)[0]


def load_cached_records(site_dir: Path, build_cache: BuildCache) -> list[Diagnostic]:
    """Fill in what the pages of `build_cache` were made from (records parsed and checked,
    hashes, dependencies) from the store, if it still holds what `build_cache` was loaded
    from."""
    def load(store: Store) -> bool:
        if store.stamp() != build_cache.stamp or build_cache.stamp is None:
            return False
        parsed, validated, linked, checked_against = {}, {}, {}, digest(build_cache.types)
        for path, key, types, value, mac in store.db.execute(
                "SELECT path, hash, types, value, mac FROM documents"):
            if not store.signed(mac, b"documents", path, key, types, value):
                raise NotOurs
            doc, checked, how = _triple(_unpickled(value))
            name = text_of(path)
            parsed[name] = (key, doc)
            if checked is not None and types == checked_against:
                validated[name] = (doc, *checked)
                if how is not None:
                    linked[name] = how
        for table in WORK_TABLES:
            setattr(build_cache, table.name, dict(table.rows(store.db)))
        build_cache.parsed, build_cache.validated, build_cache.linked = parsed, validated, linked
        build_cache.has_records = True
        return True
    return _reading(site_dir, load, False)[1]


def save_cache(site_dir: Path, build_cache: BuildCache) -> list[Diagnostic]:
    """Write the cache for the next build; what went wrong, if it could not be written
    (which costs the next build time, nothing else)."""
    key = cache_key(make=True)
    if key.value is None:
        return list(key.notes)
    try:
        with opened(os.fspath(site_dir), key.value, MAX_CACHE_BYTES, write=True) as store:
            _save(store, build_cache)
    except Unfit as unfit:  # in a save, only what a build cannot replace
        return [*key.notes, notes.unfit(unfit)]
    except (OSError, sqlite3.Error) as exc:
        # A store a failed save began and could not put a table in: the next build would
        # take it for someone else's.
        _remove_store(site_dir, only_empty=True)
        return [*key.notes, notes.cannot_write(CACHE_DIR if isinstance(exc, OSError)
                                          else CACHE_FILE, exc)]
    return list(key.notes)


def _remove_store(site_dir: Path, only_empty: bool = False) -> None:
    """Remove the site's store (only an empty one, if `only_empty`), where it can be."""
    with contextlib.suppress(OSError, Unfit):
        folder = open_folder(os.fspath(site_dir), FOLDERS)
        try:
            found = status(folder)
            if found is not None and (found.st_size == 0 or not only_empty):
                remove_store(folder)
        finally:
            os.close(folder)


def _save(store: Store, cache: BuildCache) -> None:
    stamp = store.generation() if store.meta("generator") == generator_hash() else None
    base = cache.base if cache.base is not None and cache.base.stamp == stamp \
        and stamp is not None else None
    for table in OUTPUT_TABLES:
        table.write(store.db, None if base is None else getattr(base, table.name),
                    getattr(cache, table.name))
    if base is None or not base.has_records:
        base = None
    write_documents(store.db, store.sign, base, cache)
    for table in WORK_TABLES:
        table.write(store.db, None if base is None else getattr(base, table.name),
                    getattr(cache, table.name))
    state = pickle.dumps({f.name: getattr(cache, f.name) for f in dataclasses.fields(cache)
                          if f.name not in _WHOLE}, protocol=pickle.HIGHEST_PROTOCOL)
    generation = int(store.meta("generation") or 0) + 1  # type: ignore[call-overload]
    for name, value in (("generator", generator_hash()), ("state", state),
                        ("state-mac", store.sign(state)), ("generation", generation)):
        store.set_meta(name, value)
    store.db.execute("COMMIT")
    ident = store.meta("id")
    assert isinstance(ident, bytes)
    cache.stamp, cache.base = (ident, generation), None


def _state(data: bytes) -> BuildCache:
    """The state row: the fields of a BuildCache not kept in tables."""
    fields = _unpickled(data)
    try:
        return BuildCache(**fields)
    except TypeError:  # not a mapping, or of other fields: another factsheet's
        raise OtherVersion from None


def _triple(value: object) -> tuple[Any, Any, Any]:
    if not isinstance(value, tuple) or len(value) != 3:
        raise OtherVersion
    return value[0], value[1], value[2]


def _unpickled(data: bytes) -> Any:
    """What a signed pickle holds; OtherVersion if this factsheet cannot read it."""
    try:
        return pickle.loads(data)
    except Exception:  # signed but unreadable: written by another Python or factsheet
        raise OtherVersion from None


def _reading(site_dir: Path, load: Callable[[Store], T], none: T, quiet: bool = False
             ) -> tuple[T, list[Diagnostic]]:
    """`load(store)` of the site's store, or `none` and a note saying why it is not used."""
    key = cache_key()
    if key.value is None and key.notes:
        return none, [] if quiet else list(key.notes)
    try:
        # With no key yet, no store is this user's: one that is there is someone else's.
        with opened(os.fspath(site_dir), key.value or b"", MAX_CACHE_BYTES) as store:
            return load(store), []
    except FileNotFoundError:
        return none, []
    except Unfit as unfit:
        said = notes.unfit(unfit)
    except OtherVersion:
        said = notes.other_version()
    except (NotOurs, ValueError, TypeError):
        said = notes.foreign()
    except sqlite3.Error as exc:
        said = notes.foreign() if damaged(exc) else notes.cannot_read(exc)
    except OSError as exc:
        said = notes.cannot_read(exc)
    return none, [] if quiet else [said]


def forget_cache(site_dir: Path) -> None:
    """Forget the last build's state, as before the output is changed in place: a build cut
    off half-way must not leave a cache that describes an output it did not finish."""
    # Where it cannot be forgotten it cannot be written either, which saving says; and a
    # survey of the output finds what a cut-off build changed. The records stay: they
    # describe the site's files, not the output.
    key = cache_key()
    if key.value is None:
        return
    with contextlib.suppress(OSError, Unfit, NotOurs, OtherVersion, sqlite3.Error):
        folder = open_folder(os.fspath(site_dir), FOLDERS)
        try:
            if status(folder) is None:
                return
        finally:
            os.close(folder)
        try:
            with opened(os.fspath(site_dir), key.value, MAX_CACHE_BYTES, write=True) as store:
                store.db.execute("DELETE FROM meta WHERE name = 'state'")
                store.db.execute("COMMIT")
        except sqlite3.Error as exc:  # a full disk has no room for the journal, but for this
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF not in _HELD:
                _remove_store(site_dir)  # (held, another build writes a state of its own)


