"""The same site gives the same bytes on any file system, search index included.

A folder lists its files in an order of its file system's: a tmpfs newest first (or in the
order they were made), ext4 in the order of a hash seeded per disk. Pagefind, told to index a
folder, numbered the pages in that order, so its index differed between a build into a tmpfs
and one into /tmp on ext4; now it is handed the pages one by one in sorted order. Here each
site is built into a real tmpfs and into an ext4 folder (or whatever two file systems this
machine has) and every byte of the two outputs is compared.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.write.pagefind import index_shards
from tests.conftest import copy_case, copy_default_site, tree_bytes, write_files
from tests.hardening import run_cli


def fs_type(path: Path) -> str:
    """The type of the file system `path` is on ("tmpfs", "ext2/ext3" for ext4, ...)."""
    done = subprocess.run(["stat", "-f", "-c", "%T", str(path)], capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


@contextlib.contextmanager
def tmpfs_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on a tmpfs: one mounted for the test (as root), else one in /dev/shm."""
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(mount)],
        capture_output=True).returncode == 0
    if mounted:
        try:
            yield mount
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=True)
        return
    shm = Path("/dev/shm")
    if not shm.is_dir() or fs_type(shm) != "tmpfs":
        pytest.skip("no tmpfs: mounting one needs root, and /dev/shm is not a tmpfs here")
    folder = Path(tempfile.mkdtemp(prefix="factsheet-test-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def other_folder(tmp_path: Path) -> Path:
    """A folder on a file system that is not a tmpfs (here /tmp, or the repository's)."""
    for candidate in (tmp_path, Path(__file__).resolve().parent.parent):
        if fs_type(candidate) != "tmpfs":
            folder = Path(tempfile.mkdtemp(prefix="fs-determinism-", dir=candidate))
            return folder
    pytest.skip("every folder the test may use is on a tmpfs; no second file system")


def listing_orders(root: Path) -> dict[str, list[str]]:
    """Each folder under `root` with its entries in the order the file system lists them."""
    return {os.path.relpath(folder, root): names for folder, names, _ in os.walk(root)
            for names in [os.listdir(folder)]}


def _many_records(site: Path, count: int, order_seed: int) -> Path:
    """`count` more companies, their files made in an order of their own."""
    files: dict[str, str | bytes] = {
        f"content/companies/firm-{i:03d}.yaml":
            f"name: Firm {i}\nheadquarters: springfield\nsummary: Firm *{i}* of many.\n"
        for i in range(count)}
    names = sorted(files)
    random.Random(order_seed).shuffle(names)
    return write_files(site, {name: files[name] for name in names})


SITES = {
    "basic": lambda root, seed: copy_case("basic", root),
    "basic with 150 more records, made in another order": lambda root, seed: _many_records(
        copy_case("basic", root), 150, seed),
    "the default site": lambda root, seed: copy_default_site(root),
}


@pytest.mark.parametrize("name", SITES)
def test_a_site_builds_to_the_same_bytes_on_a_tmpfs_and_on_ext4(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                name: str) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    disk = other_folder(tmp_path)
    try:
        with tmpfs_folder(tmp_path) as memory:
            assert fs_type(memory) == "tmpfs" and fs_type(disk) != "tmpfs"
            outputs = []
            for seed, where in enumerate((memory, disk)):
                # The site on the same file system as its output, its files made in an order
                # of their own too.
                site = SITES[name](where, seed)
                outcome = run_cli("build", "--site", site, "--out", where / "out", "-q")
                assert outcome.code == 0, outcome.err
                outputs.append(where / "out")
            # The two file systems list the outputs' folders in different orders ...
            one, two = listing_orders(outputs[0]), listing_orders(outputs[1])
            assert one.keys() == two.keys()
            assert any(one[folder] != two[folder] for folder in one)
            # ... and their bytes are the same, every one, the search index's too.
            first, second = tree_bytes(outputs[0]), tree_bytes(outputs[1])
            assert sorted(first) == sorted(second)
            assert [rel for rel in first if first[rel] != second[rel]] == []
            assert any(rel.startswith("pagefind/index/") for rel in first)
    finally:
        shutil.rmtree(disk, ignore_errors=True)


def _page(number: int) -> bytes:
    # No data-pagefind-filter: Pagefind writes its filter indexes from a hash map with a
    # random seed, so they differ from run to run on any one disk (its own "TODO: Change
    # filter indexes to BTree"); the theme uses none.
    words = " ".join(f"word{(number * 7 + k) % 97}" for k in range(40))
    return (f'<!DOCTYPE html><html lang="en"><head><title>Page {number}</title></head>'
            f'<body><h1 data-pagefind-meta="title">Page {number}</h1><p>{words}</p>'
            f'<p data-pagefind-meta="kind">kind{number % 3}</p></body></html>').encode()


@pytest.mark.parametrize("shard_count", [1, 3])
def test_the_search_index_does_not_depend_on_the_order_files_were_listed(
        tmp_path: Path, shard_count: int) -> None:
    """Pages written in opposite orders, on a tmpfs and on ext4: the same index, byte for
    byte, for one shard or several indexed side by side."""
    pages = [f"things/t{i:02d}/index.html" for i in range(60)]
    shards = {n: pages[n::shard_count] for n in range(shard_count)}
    disk = other_folder(tmp_path)
    try:
        with tmpfs_folder(tmp_path) as memory:
            bundles = []
            for where, order in ((memory, pages), (memory / "again", pages[::-1]),
                                 (disk, pages[::-1]), (disk / "again", pages)):
                for rel in order:
                    (where / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
                    (where / "site" / rel).write_bytes(_page(pages.index(rel)))
                (where / "work").mkdir()
                assert index_shards(where / "site", where / "work", shards, jobs=2) == []
                bundles.append(tree_bytes(where / "work"))
            assert os.listdir(memory / "site/things") != os.listdir(memory / "again/site/things")
            assert all(bundle == bundles[0] for bundle in bundles[1:])
            assert sorted({rel.split("/")[0] for rel in bundles[0]}) == [
                f"bundle-{n}" for n in range(shard_count)]
    finally:
        shutil.rmtree(disk, ignore_errors=True)
