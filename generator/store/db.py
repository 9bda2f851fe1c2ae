"""The build store's file: one SQLite database, `.cache/factsheet/store.sqlite`, not trusted.

The file comes with the site (a repository may commit it), so it is opened only when it is
a regular file of a sane size in folders entered without following links, and used only
when its tables are exactly ours and it names this user's key (an owner mark signed with
it, see key.py). Its pickles, the parsed and checked records, are each signed as well:
unpickling runs code, so a row that is not this user's is never unpickled. SQLite's own
locks and journal keep it whole when two builds of one site save at once, or one is cut off.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass

from generator.store.files import Unfit, kind, open_folder
from generator.store.tables import OUTPUT_TABLES, WORK_TABLES

STORE_NAME = "store.sqlite"
FOLDERS = (".cache", "factsheet")
APPLICATION_ID = 0x46616374  # "Fact": the header field that says whose file this is
FORMAT = 1  # of the tables: another one is another version's store
BUSY_SECONDS = 30.0  # waited for another build's save before giving up on the store
_MAC_SIZE = 32
_DOCUMENTS = ("CREATE TABLE documents (path PRIMARY KEY, hash NOT NULL, types NOT NULL, "
              "value NOT NULL, mac NOT NULL)")
_META = "CREATE TABLE meta (name PRIMARY KEY, value) WITHOUT ROWID"
SCHEMA = (_META, _DOCUMENTS, *(t.create for t in (*OUTPUT_TABLES, *WORK_TABLES)))


def damaged(exc: sqlite3.Error) -> bool:
    """True when SQLite found the file damaged or no database (not busy, locked, full...)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.DatabaseError) and code is not None \
        and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class NotOurs(Exception):
    """The file is not a store this user's factsheet wrote (or it is damaged)."""


class OtherVersion(Exception):
    """The file is this user's store, written by another version of factsheet."""


@dataclass
class Store:
    """An open store: its connection, and its folder, which the connection reaches it by."""

    db: sqlite3.Connection
    folder: int
    key: bytes

    def sign(self, *parts: bytes) -> bytes:
        """This user's signature over `parts`, which say what is signed and where it goes."""
        signer = hmac.new(self.key, b"factsheet store", hashlib.sha256)
        for part in parts:
            signer.update(len(part).to_bytes(8, "big") + part)
        return signer.digest()

    def signed(self, mac: object, *parts: bytes) -> bool:
        """True when `mac` is this user's signature over `parts`."""
        return isinstance(mac, bytes) and hmac.compare_digest(mac, self.sign(*parts))

    def meta(self, name: str) -> object:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, name: str, value: object) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, value))

    def stamp(self) -> tuple[bytes, int] | None:
        """Which store this is and how often it was saved; None once its state is forgotten."""
        return None if self.meta("state") is None else self.generation()

    def generation(self) -> tuple[bytes, int] | None:
        """Which store this is and how often it was saved, forgotten or not: the tables of a
        forgotten state stay as they were until the build that forgot it saves."""
        ident, generation = self.meta("id"), self.meta("generation")
        if not isinstance(ident, bytes) or not isinstance(generation, int):
            return None
        return ident, generation


def status(folder: int) -> os.stat_result | None:
    """What is at the store's name: None when nothing is, Unfit when no store can be."""
    try:
        found = os.stat(STORE_NAME, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(found.st_mode):
        raise Unfit(kind(found.st_mode))
    return found


@contextlib.contextmanager
def opened(site_dir: str, key: bytes, limit: int, write: bool = False) -> Iterator[Store]:
    """The store of the site, checked to be ours; FileNotFoundError when there is none.

    Raises Unfit (what is there is no regular file of at most `limit` bytes), NotOurs,
    OtherVersion, sqlite3.Error. To write, a store that is not ours is replaced by a new
    one; a file of another kind than a folder is removed first (it is in our folder).
    """
    folder = open_folder(site_dir, FOLDERS, make=write)
    try:
        store = _open(folder, os.path.join(site_dir, *FOLDERS), key, limit, write)
        try:
            yield store
        finally:
            store.db.close()
    finally:
        os.close(folder)


def _open(folder: int, path: str, key: bytes, limit: int, write: bool) -> Store:
    found = _fit(folder, limit, write)
    if found is None and not write:
        raise FileNotFoundError(STORE_NAME)
    # The folder by its descriptor where the system can: a link put in its place since
    # is not followed.
    if os.path.isdir(f"/proc/self/fd/{folder}"):
        path = f"/proc/self/fd/{folder}"
    store = _connect(folder, path, key, write)
    try:
        if not write:
            store.db.execute("BEGIN")  # one snapshot for everything a load reads
            verify(store)
            return store
        try:
            store.db.execute("BEGIN IMMEDIATE")
            _verify_or_create(store)
            return store
        except sqlite3.Error as exc:
            if not damaged(exc):
                raise
            store.db.close()
        except (NotOurs, OtherVersion):
            store.db.close()
        remove_store(folder)
        store = _connect(folder, path, key, write)
        store.db.execute("BEGIN IMMEDIATE")
        _verify_or_create(store)
        return store
    except BaseException:
        store.db.close()
        raise


def _fit(folder: int, limit: int, write: bool) -> os.stat_result | None:
    """The store file's status, once what is at its names is fit to open (see `opened`)."""
    try:
        found = status(folder)
        if found is not None and found.st_size > limit:
            raise Unfit(f"larger than {limit // 2**20:,} MB")
        if found is not None and not _rollback_header(folder):
            raise NotOurs  # a file SQLite would read in another journal mode, or no store
        _journal_fit(folder, write)
    except (Unfit, NotOurs) as unfit:
        if not write or (isinstance(unfit, Unfit) and unfit.what == "a folder"):
            raise
        remove_store(folder)
        return None
    return found


def _rollback_header(folder: int) -> bool:
    """True for an empty file, or an SQLite database in rollback-journal mode: a header
    asking for write-ahead logging would have SQLite make files beside it, through links."""
    descriptor = os.open(STORE_NAME, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_NONBLOCK", 0), dir_fd=folder)
    try:
        header = os.read(descriptor, 100)
    finally:
        os.close(descriptor)
    return not header or (header.startswith(b"SQLite format 3\0") and len(header) == 100
                          and header[18:20] == b"\x01\x01")


def _journal_fit(folder: int, write: bool) -> None:
    """A journal is a regular file SQLite made; anything else there it would write through,
    so a build that writes removes it, and one that reads does not use the store."""
    journal = f"{STORE_NAME}-journal"
    try:
        mode = os.stat(journal, dir_fd=folder, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode) or not write:
        raise Unfit(kind(mode), name=journal)
    os.unlink(journal, dir_fd=folder)


def remove_store(folder: int) -> None:
    """Remove the store and its journal from the open folder."""
    for name in (STORE_NAME, f"{STORE_NAME}-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=folder)


def _connect(folder: int, path: str, key: bytes, write: bool) -> Store:
    # Read-write for reading too: SQLite puts right what a build cut off in a save left,
    # which a read-only connection cannot (it is still opened only to read where it must).
    mode = "rwc" if write else "rw"
    db = sqlite3.connect(f"file:{_quoted(path)}/{STORE_NAME}?mode={mode}", uri=True,
                         timeout=BUSY_SECONDS, isolation_level=None,
                         check_same_thread=False)
    db.execute("PRAGMA trusted_schema = OFF")  # no SQL of the file's runs as ours
    db.execute("PRAGMA temp_store = MEMORY")
    return Store(db, folder, key)


def _quoted(path: str) -> str:
    return path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")


def verify(store: Store) -> None:
    """Raise NotOurs or OtherVersion unless the store is one this user's factsheet made."""
    db = store.db
    if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise NotOurs
    if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
        raise OtherVersion
    tables = sorted(row[0] for row in db.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
    ident = store.meta("id")
    if tables != sorted(SCHEMA) or not isinstance(ident, bytes) \
            or not store.signed(store.meta("owner"), b"owner", ident):
        raise NotOurs


def _verify_or_create(store: Store) -> None:
    if store.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        verify(store)
        return
    for statement in SCHEMA:
        store.db.execute(statement)
    store.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    store.db.execute(f"PRAGMA user_version = {FORMAT}")
    ident = secrets.token_bytes(16)
    store.set_meta("id", ident)
    store.set_meta("owner", store.sign(b"owner", ident))
    store.set_meta("generation", 0)
