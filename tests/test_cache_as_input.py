"""The build cache is input too: whatever sits in `.cache/` (a repository may commit it) or at
the user's cache key, the build is the one `--no-cache` makes, with one clear line on what
was wrong, never a traceback, a hang or a blow-up of memory.

Each hostile shape is laid over a site built once with its cache (and then edited, so the
build has work to do), and the build runs in a process of its own, with a time limit and
a memory limit: a cache read from /dev/zero or a named pipe would hit them, not the machine.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import resource
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.store import cache as cache_module
from generator.store import inputs
from generator.store.cache import CACHE_DIR, CACHE_FILE, MAX_CACHE_BYTES
from generator.store.db import Store
from generator.store.key import KEY_NAME, KEY_SIZE
from tests.conftest import REPO, copy_case, tree_bytes
from tests.hardening import run_cli

ACME = "content/companies/acme.yaml"
MEMORY_LIMIT = 2 << 30  # bytes of address space for the build (it needs about 600 MB)
SECONDS = 10  # a build of the basic site takes under a second; a hang is stopped at 30


@dataclass(frozen=True)
class Place:
    """A site built once with its cache, edited since; and the user's key folder."""

    root: Path
    site: Path
    out: Path
    keys: Path  # $XDG_CACHE_HOME/factsheet

    @property
    def cache(self) -> Path:
        return self.site / CACHE_FILE

    @property
    def key(self) -> Path:
        return self.keys / KEY_NAME

    def env(self) -> dict[str, str]:
        return {**os.environ, "XDG_CACHE_HOME": str(self.keys.parent)}


def _edit(site: Path) -> None:
    acme = site / ACME
    acme.write_text(acme.read_text().replace("name: Acme Corporation", "name: Acme Holdings"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The edited site's output as a build that never touches a cache makes it."""
    root = tmp_path_factory.mktemp("reference")
    site = copy_case("basic", root)
    _edit(site)
    outcome = run_cli("build", "--site", site, "--out", root / "out", "--no-cache", "-q")
    assert outcome.code == 0, outcome.err
    assert not (site / ".cache").exists()
    return tree_bytes(root / "out")


def _build_template(root: Path) -> Place:
    """The site built with its cache and key, then edited."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    place = Place(root, copy_case("basic", root), root / "out", root / "user-cache/factsheet")
    assert _said(_build(place)) == []
    assert place.cache.is_file() and place.key.is_file()
    _edit(place.site)
    return place


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[bytes, Place]:
    """The site built once with its cache and key, then edited, for the version of
    factsheet's files it was built by: each case starts from a copy of it."""
    return {}


@pytest.fixture
def place(built: dict[bytes, Place], tmp_path_factory: pytest.TempPathFactory,
          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Place:
    # Every build runs in a process of its own, which hashes factsheet's files as they are
    # then: a cache from a build before they changed is rightly another version's. So the
    # template is made again whenever they changed (as they may while someone works).
    version = inputs._generator_hash.__wrapped__()
    if version not in built:
        built.clear()
        built[version] = _build_template(tmp_path_factory.getbasetemp() / "cache-built")
    template = built[version]
    for name in ("basic", "out", "user-cache"):
        shutil.copytree(template.root / name, tmp_path / name, symlinks=True)
    place = Place(tmp_path, tmp_path / "basic", tmp_path / "out",
                  tmp_path / "user-cache/factsheet")
    monkeypatch.setenv("XDG_CACHE_HOME", str(place.keys.parent))
    return place


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _build(place: Place) -> str:
    """Build in a process of its own; what it said (it must succeed, and soon)."""
    began = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--site",
                             str(place.site), "--out", str(place.out)], cwd=REPO,
                            env=place.env(), capture_output=True, text=True, timeout=30,
                            preexec_fn=_limits)
    took = time.monotonic() - began
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert took < SECONDS, f"the build took {took:.1f} s"
    return result.stderr


def _said(err: str) -> list[str]:
    """The note and warning lines, but the one every site without base_url gets."""
    return [line for line in err.splitlines()
            if (": note: " in line or ": warning: " in line) and "no base_url" not in line]


def _store(place: Place) -> Store:
    """The store as a build signs its rows, open to change (the test's hands)."""
    return Store(sqlite3.connect(place.cache, isolation_level=None), -1,
                 place.key.read_bytes())


def _alter(place: Place, *statements: str | tuple[str, tuple[object, ...]]) -> None:
    store = _store(place)
    try:
        for statement in statements:
            if isinstance(statement, str):
                store.db.execute(statement)
            else:
                store.db.execute(*statement)
    finally:
        store.db.close()


def _signed_state(place: Place, body: bytes) -> None:
    """`body` as the store's state, signed with this user's key (as a build signs it)."""
    store = _store(place)
    try:
        store.set_meta("state", body)
        store.set_meta("state-mac", store.sign(body))
    finally:
        store.db.close()


def _damage_pages(path: Path) -> None:
    """Every page of the database but its first (the header and table list) made garbage."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = os.urandom(len(data) - page)
    path.write_bytes(data)


# What a hostile shape at a cache file makes the build say: a note the next build is rid of,
# or a warning that stays until someone removes what the build will not.
IGNORED = "note: the build cache is {}; ignoring it and building everything"
FOREIGN = ("note: the build cache was not written by this user's factsheet, or is damaged; "
           "ignoring it and building everything")
OTHER_VERSION = "note: the build cache is from another version of factsheet; building everything"
STAYS_FILE = ("warning: the build cache is a folder, not a file; the cache is neither read "
              "nor written until it is removed")
STAYS_FOLDER = ("warning: the build cache folder is {}, not a folder; the cache is neither "
                "read nor written until it is removed")
KEY_UNFIT = ("note: the cache key is {}, not a file of 32 bytes; caches signed with it are "
             "ignored, and a new key is made")


class Boom:
    """A pickle that runs code when loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _link(path: Path, target: Path | str) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def _folder(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir()
    (path / "inside").write_text("someone's")


def _device(path: Path) -> None:
    path.unlink(missing_ok=True)
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
    except PermissionError:
        pytest.skip("a device file needs CAP_MKNOD (run as root)")


def _socket(path: Path) -> None:
    path.unlink(missing_ok=True)
    here = os.getcwd()
    os.chdir(path.parent)  # a socket's path may be at most 107 bytes
    try:
        with socket.socket(socket.AF_UNIX) as listening:
            listening.bind(path.name)
    finally:
        os.chdir(here)


def _sparse(path: Path, size: int) -> None:
    path.unlink(missing_ok=True)
    with path.open("wb") as out:
        out.truncate(size)


Shape = Callable[[Place], None]

JOURNAL = f"{CACHE_FILE}-journal"

# name -> (what to lay over the built site, the line the build must say)
CACHE_FILE_SHAPES: dict[str, tuple[Shape, str]] = {
    "link to /dev/zero": (lambda p: _link(p.cache, "/dev/zero"),
                          f"{CACHE_FILE}:1:1: " + IGNORED.format("a symbolic link")),
    "link to a good store": (lambda p: (os.replace(p.cache, p.root / "good.sqlite"),
                                        _link(p.cache, p.root / "good.sqlite")),
                             f"{CACHE_FILE}:1:1: " + IGNORED.format("a symbolic link")),
    "dangling link": (lambda p: _link(p.cache, p.root / "nothing"),
                      f"{CACHE_FILE}:1:1: " + IGNORED.format("a symbolic link")),
    "named pipe": (lambda p: _fifo(p.cache),
                   f"{CACHE_FILE}:1:1: " + IGNORED.format("a named pipe")),
    "device": (lambda p: _device(p.cache), f"{CACHE_FILE}:1:1: " + IGNORED.format("a device")),
    "socket": (lambda p: _socket(p.cache), f"{CACHE_FILE}:1:1: " + IGNORED.format("a socket")),
    "huge sparse file": (lambda p: _sparse(p.cache, MAX_CACHE_BYTES + 1),
                         f"{CACHE_FILE}:1:1: " + IGNORED.format("larger than 2,048 MB")),
    # Zeros just under the limit: not a database, found so without reading it all.
    "sparse file under the limit": (lambda p: _sparse(p.cache, MAX_CACHE_BYTES - 1),
                                    f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "empty": (lambda p: p.cache.write_bytes(b""), f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "truncated to its header": (lambda p: p.cache.write_bytes(p.cache.read_bytes()[:100]),
                                f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "its pages garbage": (lambda p: _damage_pages(p.cache), f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "garbage": (lambda p: p.cache.write_bytes(os.urandom(5000)), f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "another program's database": (
        lambda p: (p.cache.unlink(), sqlite3.connect(p.cache).execute(
            "CREATE TABLE notes (text)").connection.commit()),
        f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "write-ahead log asked for": (
        lambda p: sqlite3.connect(p.cache).execute("PRAGMA journal_mode = WAL").connection.close(),
        f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "another user's store": (
        lambda p: _alter(p, ("UPDATE meta SET value = ? WHERE name = 'owner'",
                             (os.urandom(32),))),
        f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "a table of its own": (lambda p: _alter(p, "CREATE TABLE extra (x)"),
                           f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "a trigger of its own": (lambda p: _alter(
        p, "CREATE TRIGGER t AFTER INSERT ON pages BEGIN DELETE FROM outputs; END"),
        f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "a state signed by someone else": (
        lambda p: _alter(p, ("UPDATE meta SET value = ? WHERE name = 'state-mac'",
                             (os.urandom(32),))),
        f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "a table of the wrong shape": (
        lambda p: _alter(p, "UPDATE pages SET deps = 1"),
        f"{CACHE_FILE}:1:1: {FOREIGN}"),
    "of another format": (lambda p: _alter(p, "PRAGMA user_version = 99"),
                          f"{CACHE_FILE}:1:1: {OTHER_VERSION}"),
    "of another version": (
        lambda p: _alter(p, "UPDATE meta SET value = x'00' WHERE name = 'generator'"),
        f"{CACHE_FILE}:1:1: {OTHER_VERSION}"),
    "signed, but not a cache": (lambda p: _signed_state(p, pickle.dumps({"a": 1})),
                                f"{CACHE_FILE}:1:1: {OTHER_VERSION}"),
    "signed, naming code that is gone": (
        lambda p: _signed_state(p, pickle.dumps(cache_module.BuildCache()).replace(
            b"BuildCache", b"BuildCachf")),
        f"{CACHE_FILE}:1:1: {OTHER_VERSION}"),
    "journal: link to a file": (lambda p: _link(p.site / JOURNAL, p.root / "victim"),
                                f"{JOURNAL}:1:1: " + IGNORED.format("a symbolic link")),
    "journal: named pipe": (lambda p: _fifo(p.site / JOURNAL),
                            f"{JOURNAL}:1:1: " + IGNORED.format("a named pipe")),
}


@pytest.mark.parametrize("shape", CACHE_FILE_SHAPES)
def test_a_hostile_cache_file_is_ignored_with_a_note_and_replaced(
        place: Place, reference: dict[str, bytes], shape: str) -> None:
    make, line = CACHE_FILE_SHAPES[shape]
    make(place)
    assert _said(_build(place)) == [line]
    assert tree_bytes(place.out) == reference
    # The build put a cache of its own there, which the next build trusts.
    assert stat.S_ISREG(os.lstat(place.cache).st_mode)
    assert _said(_build(place)) == []
    if shape == "link to a good store":
        assert (place.root / "good.sqlite").is_file()  # the link was replaced, not followed
    if shape.startswith("journal"):
        assert not (place.root / "victim").exists()


def test_a_forged_pickle_is_never_loaded(place: Place, reference: dict[str, bytes]) -> None:
    """A pickle that would run code, with a signature that is not this user's (random, all
    zeros, made with another key, or with this key over the body alone): never unpickled,
    whether it is put in the state or in a record's row of a store that is otherwise good."""
    marker = place.root / "pwned"
    body = pickle.dumps(Boom(marker))
    good = place.cache.read_bytes()
    store = _store(place)
    other = Store(store.db, -1, os.urandom(KEY_SIZE))
    store.db.close()
    path, key, types = sqlite3.connect(place.cache).execute(
        "SELECT path, hash, types FROM documents").fetchone()
    for where in ("state", "documents"):
        parts = (body,) if where == "state" else (b"documents", path, key, types, body)
        signatures = (os.urandom(32), bytes(32), other.sign(*parts),
                      hmac.new(place.key.read_bytes(), body, hashlib.sha256).digest())
        for signature in signatures:
            place.cache.write_bytes(good)
            _forge(place, where, body, signature, path)
            assert _said(_build(place)) == [f"{CACHE_FILE}:1:1: {FOREIGN}"]
            assert not marker.exists(), "the forged cache was unpickled"
            assert tree_bytes(place.out) == reference
    # The same pickle signed with this user's key is loaded: the test's payload is live.
    place.cache.write_bytes(good)
    _forge(place, "state", body, _store(place).sign(body), path)
    assert _said(_build(place)) == [f"{CACHE_FILE}:1:1: {OTHER_VERSION}"]
    assert marker.exists()


def _forge(place: Place, where: str, body: bytes, signature: bytes, path: bytes) -> None:
    if where == "state":
        _alter(place, ("UPDATE meta SET value = ? WHERE name = 'state'", (body,)),
               ("UPDATE meta SET value = ? WHERE name = 'state-mac'", (signature,)))
    else:
        _alter(place, ("UPDATE documents SET value = ?, mac = ? WHERE path = ?",
                       (body, signature, path)))


# name -> (what to lay over the site's cache folders, the line, the folder it names)
CACHE_FOLDER_SHAPES: dict[str, tuple[Shape, str]] = {
    ".cache is a file": (lambda p: _replace_tree(p.site / ".cache", "file"),
                         ".cache:1:1: " + STAYS_FOLDER.format("a file")),
    ".cache is a link to a folder": (lambda p: _replace_tree(p.site / ".cache", "link"),
                                     ".cache:1:1: " + STAYS_FOLDER.format("a symbolic link")),
    ".cache/factsheet is a file": (lambda p: _replace_tree(p.site / CACHE_DIR, "file"),
                                   f"{CACHE_DIR}:1:1: " + STAYS_FOLDER.format("a file")),
    ".cache/factsheet is a link": (lambda p: _replace_tree(p.site / CACHE_DIR, "link"),
                                   f"{CACHE_DIR}:1:1: "
                                   + STAYS_FOLDER.format("a symbolic link")),
    ".cache/factsheet is a named pipe": (lambda p: _replace_tree(p.site / CACHE_DIR, "fifo"),
                                         f"{CACHE_DIR}:1:1: "
                                         + STAYS_FOLDER.format("a named pipe")),
    "store.sqlite is a folder": (lambda p: _folder(p.cache), f"{CACHE_FILE}:1:1: {STAYS_FILE}"),
    "its journal is a folder": (lambda p: _folder(p.site / JOURNAL),
                                f"{JOURNAL}:1:1: {STAYS_FILE}"),
}


def _replace_tree(path: Path, shape: str) -> None:
    """Put `shape` where the folder `path` is; a link leads to the folder, cache and all,
    moved out of the site (whose files must never be touched)."""
    root = path.parent
    while not (root / "out").exists():
        root = root.parent
    elsewhere = root / f"elsewhere-{path.name}"
    os.replace(path, elsewhere)
    if shape == "file":
        path.write_text("not a folder")
    elif shape == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(elsewhere)


@pytest.mark.parametrize("shape", CACHE_FOLDER_SHAPES)
def test_a_cache_folder_the_build_cannot_use_is_a_warning_that_stays(
        place: Place, reference: dict[str, bytes], shape: str) -> None:
    make, line = CACHE_FOLDER_SHAPES[shape]
    make(place)
    outside = {p: p.read_bytes() for p in place.root.glob("elsewhere-*/**/*") if p.is_file()}
    for _ in range(2):  # the build does not remove what it did not make: said every time
        assert _said(_build(place)) == [line]
        assert tree_bytes(place.out) == reference
    assert {p: p.read_bytes() for p in place.root.glob("elsewhere-*/**/*")
            if p.is_file()} == outside, "the build wrote through a link out of the site"


# name -> (what to put at the user's key, the line)
KEY_SHAPES: dict[str, tuple[Shape, str]] = {
    "link to another key": (lambda p: (os.replace(p.key, p.root / "a-key"),
                                       _link(p.key, p.root / "a-key")),
                            KEY_UNFIT.format("a symbolic link")),
    "link to /dev/zero": (lambda p: _link(p.key, "/dev/zero"),
                          KEY_UNFIT.format("a symbolic link")),
    "named pipe": (lambda p: _fifo(p.key), KEY_UNFIT.format("a named pipe")),
    "device": (lambda p: _device(p.key), KEY_UNFIT.format("a device")),
    "empty (a full disk, once)": (lambda p: p.key.write_bytes(b""),
                                  KEY_UNFIT.format("0 bytes long")),
    "one byte short": (lambda p: p.key.write_bytes(p.key.read_bytes()[:-1]),
                       KEY_UNFIT.format("31 bytes long")),
    "one byte long": (lambda p: p.key.write_bytes(p.key.read_bytes() + b"!"),
                      KEY_UNFIT.format("larger than 32 bytes")),
    "huge": (lambda p: _sparse(p.key, 1 << 40), KEY_UNFIT.format("larger than 32 bytes")),
}


@pytest.mark.parametrize("shape", KEY_SHAPES)
def test_an_unfit_key_is_distrusted_with_a_note_and_replaced(
        place: Place, reference: dict[str, bytes], shape: str) -> None:
    make, line = KEY_SHAPES[shape]
    make(place)
    assert _said(_build(place)) == [f"{place.key}:1:1: {line}"]
    assert tree_bytes(place.out) == reference
    new = place.key.read_bytes()
    assert stat.S_ISREG(os.lstat(place.key).st_mode) and len(new) == KEY_SIZE
    assert stat.S_IMODE(os.lstat(place.key).st_mode) == 0o600
    assert _said(_build(place)) == []
    if shape == "link to another key":
        assert len((place.root / "a-key").read_bytes()) == KEY_SIZE
        assert (place.root / "a-key").read_bytes() != new  # replaced the link, not its target


def test_a_key_that_is_a_folder_is_a_warning_that_stays(place: Place,
                                                        reference: dict[str, bytes]) -> None:
    _folder(place.key)
    for _ in range(2):
        assert _said(_build(place)) == [
            f"{place.key}:1:1: warning: the cache key is a folder, not a file; the build cache "
            "is neither read nor written until it is removed"]
        assert tree_bytes(place.out) == reference
    assert (place.key / "inside").read_text() == "someone's"
