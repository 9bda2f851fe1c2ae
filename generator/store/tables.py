"""The store's tables: how each part of a build cache is kept as rows, and written as changes.

Each dictionary of a BuildCache is one table, a row per entry, in plain SQL values (text,
numbers, bytes, and JSON for lists of names), so that reading them runs no code. Only the
parsed and checked records are pickles, one row each and signed (see db.py). A save
writes only the rows that differ from what the store holds, which an incremental build
knows from the cache it started from.
"""

from __future__ import annotations

import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generator.store.state import (
    BuildCache,
    OutputFile,
    PageEntry,
    digest,
    joined_names,
    names_in,
)

Row = tuple[Any, ...]
Decode = Callable[[Row], tuple[Any, Any]]


@dataclass(frozen=True, slots=True)
class Table:
    """One dictionary of a BuildCache as a table: its key columns, then its value columns."""

    name: str  # of the table, and of the BuildCache attribute it holds
    keys: tuple[str, ...]
    values: tuple[str, ...]
    encode: Callable[[Any, Any], Row]  # (key, value) -> the row
    decode: Callable[[], Decode]  # a decoder for one load (it may share equal values)

    @property
    def create(self) -> str:
        """The table's CREATE statement, as sqlite_master keeps it."""
        columns = ", ".join((*self.keys, *self.values))
        return (f"CREATE TABLE {self.name} ({columns}, PRIMARY KEY ({', '.join(self.keys)}))"
                " WITHOUT ROWID")

    def rows(self, db: sqlite3.Connection) -> Iterator[tuple[Any, Any]]:
        """Every entry the table holds."""
        decode = self.decode()
        columns = ", ".join((*self.keys, *self.values))
        for row in db.execute(f"SELECT {columns} FROM {self.name}"):
            yield decode(row)

    def write(self, db: sqlite3.Connection, old: dict[Any, Any] | None, new: dict[Any, Any]
              ) -> None:
        """Make the table hold `new`; `old` is what it holds now (None: unknown)."""
        if old is None:
            db.execute(f"DELETE FROM {self.name}")
            changed: Iterable[tuple[Any, Any]] = new.items()
        else:
            where = " AND ".join(f"{k} = ?" for k in self.keys)
            gone = [self.encode(k, old[k])[:len(self.keys)] for k in old.keys() - new.keys()]
            db.executemany(f"DELETE FROM {self.name} WHERE {where}", gone)
            changed = ((k, v) for k, v in new.items() if not _same(old.get(k, _NONE), v))
        marks = ", ".join("?" * (len(self.keys) + len(self.values)))
        db.executemany(f"INSERT OR REPLACE INTO {self.name} VALUES ({marks})",
                       (self.encode(k, v) for k, v in changed))


_NONE = object()


def _same(old: object, new: object) -> bool:
    return old is new or old == new


# Names and texts are kept as UTF-8 bytes that keep lone surrogates: a file name that is
# not UTF-8 reaches Python as one, and SQLite's own text would refuse it.
def _b(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def text_of(data: object) -> str:
    """A name or text kept as bytes (see _b)."""
    return _bytes(data).decode("utf-8", "surrogatepass")


# A key is text when it is ASCII, as nearly every path is (asking costs nothing), else
# bytes as above: loading a hundred thousand rows then decodes next to none.
def _k(text: str) -> str | bytes:
    return text if text.isascii() else _b(text)


def _ks(data: object) -> str:
    return data if isinstance(data, str) else text_of(data)  # text_of refuses what is not bytes


def _plain(key: str, value: Any) -> Row:
    return (_k(key), value)


def _plain_decoder() -> Decode:
    return lambda row: (_ks(row[0]), _bytes(row[1]))


def _bytes(value: object) -> bytes:
    if not isinstance(value, bytes):
        raise ValueError("not bytes")
    return value


def _hashes(name: str) -> Table:
    return Table(name, ("key",), ("hash",), _plain, _plain_decoder)


def _link(key: tuple[str, bool], targets: tuple[str, ...]) -> Row:
    return (_k(key[0]), int(key[1]), _joined(targets))


def _link_decoder() -> Decode:
    return lambda row: ((_ks(row[0]), bool(row[1])), tuple(_split(row[2])))


def _quote(key: tuple[bytes, str], found: tuple[int, int] | str) -> Row:
    if isinstance(found, str):  # why the quote is not in the text
        return (key[0], _k(key[1]), None, None, _k(found))
    return (key[0], _k(key[1]), *found, None)


def _quote_decoder() -> Decode:
    def decode(row: Row) -> tuple[tuple[bytes, str], tuple[int, int] | str]:
        source, quote, start, end, missing = row
        key = (_bytes(source), _ks(quote))
        if missing is not None:
            return key, _ks(missing)
        return key, (_int(start), _int(end))
    return decode


def _collation(key: tuple[str, str], found: bytes) -> Row:
    return (key[0], _k(key[1]), found)


def _collation_decoder() -> Decode:
    return lambda row: ((_ks(row[0]), _ks(row[1])), _bytes(row[2]))


def _int(value: object) -> int:
    if not isinstance(value, int):
        raise ValueError("not a number")
    return value


def _record(key: str, hashes: tuple[bytes, bytes, bytes]) -> Row:
    return (_k(key), *hashes)


def _record_decoder() -> Decode:
    return lambda row: (_ks(row[0]), (_bytes(row[1]), _bytes(row[2]), _bytes(row[3])))


def _page(path: str, entry: PageEntry) -> Row:
    return (_k(path), _k(entry.deps), _joined(entry.templates))


# Names each after a NUL, which no record key, template name or link target holds: a
# hundred thousand pages' sets are split far faster than parsed as JSON.
def _joined(names: Iterable[str]) -> str | bytes:
    return _k(joined_names(names))


def _split(data: object) -> list[str]:
    return names_in(_ks(data))


def _page_decoder() -> Decode:
    # Pages share their templates: one set object for each set.
    sets: dict[str | bytes, frozenset[str]] = {}

    def names(data: str | bytes) -> frozenset[str]:
        found = sets.get(data)
        if found is None:
            found = sets[data] = frozenset(map(sys.intern, _split(data)))
        return found
    return lambda row: (_ks(row[0]), PageEntry(_ks(row[1]), names(row[2])))


def _output(path: str, kept: OutputFile) -> Row:
    return (_k(path), *kept)


def _output_decoder() -> Decode:
    return lambda row: (_ks(row[0]), OutputFile(_bytes(row[1]), int(row[2]), int(row[3]),
                                           int(row[4])))


# What a build reads to know whether it has work: what it left in the output.
OUTPUT_TABLES = (
    Table("outputs", ("path",), ("digest", "size", "mtime", "ctime"), _output,
          _output_decoder),
)
# What only a build with work reads: what each page and record was made from, and the
# link targets and quote places of texts.
WORK_TABLES = (
    Table("records", ("key",), ("full", "summary", "title"), _record, _record_decoder),
    _hashes("memberships"), _hashes("templates"), _hashes("search"),
    Table("pages", ("path",), ("deps", "templates"), _page, _page_decoder),
    Table("links", ("text", "inline"), ("targets",), _link, _link_decoder),
    Table("quotes", ("source", "quote"), ("start", "end", "missing"), _quote, _quote_decoder),
    Table("collation", ("language", "title"), ("key",), _collation, _collation_decoder),
)


def write_documents(db: sqlite3.Connection, sign: Callable[..., bytes],
                    base: BuildCache | None, cache: BuildCache) -> None:
    """One signed pickle per record file: its parsed document, what checking it found and
    how it was linked."""
    if base is None:
        db.execute("DELETE FROM documents")
    old = {} if base is None else base.parsed
    gone = [(_b(path),) for path in old.keys() - cache.parsed.keys()]
    db.executemany("DELETE FROM documents WHERE path = ?", gone)
    rows, types = [], digest(cache.types)  # what the records were checked against
    for path, (key, doc) in cache.parsed.items():
        checked = cache.validated.get(path)
        if checked is not None and checked[0] is not doc:
            checked = None
        linked = cache.linked.get(path) if checked is not None else None
        if base is not None and _unchanged(base, path, key, doc, checked) \
                and base.types == cache.types and base.linked.get(path) is linked:
            continue
        value = pickle.dumps((doc, None if checked is None else checked[1:], linked),
                             protocol=pickle.HIGHEST_PROTOCOL)
        name = _b(path)
        rows.append((name, key, types, value, sign(b"documents", name, key, types, value)))
    db.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?)", rows)


def _unchanged(base: BuildCache, path: str, key: bytes, doc: object, checked: object) -> bool:
    old = base.parsed.get(path)
    if old is None or old[0] != key or old[1] is not doc:
        return False
    was = base.validated.get(path)
    if was is None or checked is None:
        return was is None and checked is None
    return all(a is b or a == b for a, b in zip(was, checked, strict=True))  # type: ignore
