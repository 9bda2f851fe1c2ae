"""The build store (generator/store/db.py, tables.py, cache.py): rows that round-trip,
saves that write only what changed yet leave what a whole save leaves, a store held by
another process, and builds of one site that save at once."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import Options, build_site
from generator.errors import Diagnostic
from generator.store import db as store_db
from generator.store.cache import (
    CACHE_FILE,
    BuildCache,
    OutputFile,
    load_cache,
    load_cached_records,
    page_entry,
    save_cache,
)
from tests.conftest import REPO, copy_case, tree_bytes

ACME = "content/companies/acme.yaml"

# Names as a file system hands them over: any text, lone surrogates (a name that is not
# UTF-8) included, but no NUL.
NAMES = st.text(st.characters(exclude_characters="\0", exclude_categories=()), max_size=12)
HASHES = st.binary(min_size=16, max_size=16)
SETS = st.frozensets(NAMES, max_size=4)
CACHES = st.fixed_dictionaries({
    "records": st.dictionaries(NAMES, st.tuples(HASHES, HASHES, HASHES), max_size=5),
    "memberships": st.dictionaries(NAMES, HASHES, max_size=3),
    "templates": st.dictionaries(NAMES, HASHES, max_size=3),
    "search": st.dictionaries(NAMES, HASHES, max_size=3),
    "pages": st.dictionaries(NAMES, st.builds(page_entry, SETS, SETS), max_size=5),
    "outputs": st.dictionaries(NAMES, st.builds(OutputFile, HASHES, st.integers(0, 2**40),
                                                st.integers(0, 2**62), st.integers(0, 2**62)),
                               max_size=5),
    "links": st.dictionaries(st.tuples(NAMES, st.booleans()),
                             st.lists(NAMES, max_size=3).map(tuple), max_size=3),
    "collation": st.dictionaries(st.tuples(NAMES, NAMES), HASHES, max_size=3),
    "quotes": st.dictionaries(st.tuples(HASHES, NAMES), st.one_of(
        NAMES, st.tuples(st.integers(0, 10**6), st.integers(0, 10**6))), max_size=3),
})
TABLES = ("collation", "records", "memberships", "templates", "search", "pages", "outputs",
          "links", "quotes")


def _cache(parts: dict[str, dict[object, object]]) -> BuildCache:
    return BuildCache(generator=b"g", inputs_key=b"k", page_count=len(parts["pages"]),
                      **parts)  # type: ignore[arg-type]


def _loaded(site: Path) -> BuildCache:
    loaded, notes = load_cache(site)
    assert notes == [] and loaded is not None
    assert load_cached_records(site, loaded) == []
    return loaded


def _rows(site: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(site / CACHE_FILE)
    try:
        return {name: sorted(db.execute(f"SELECT * FROM {name}"), key=repr) for name in
                (*TABLES, "documents")}
    finally:
        db.close()


@pytest.fixture
def keyed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return tmp_path


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=CACHES, second=CACHES)
def test_a_save_of_what_changed_leaves_what_a_whole_save_leaves(
        keyed: Path, first: dict[str, dict[object, object]],
        second: dict[str, dict[object, object]]) -> None:
    one, whole = keyed / "one", keyed / "whole"
    for site in (one, whole):  # each example starts without a store
        (site / CACHE_FILE).unlink(missing_ok=True)
        site.mkdir(exist_ok=True)
    assert save_cache(one, _cache(first)) == []
    base = _loaded(one)
    for table in TABLES:  # what was saved is what is loaded, name for name
        assert getattr(base, table) == first[table], table
    changed = _cache({**first, **second})
    changed.base = base
    assert save_cache(one, changed) == [] and save_cache(whole, _cache({**first, **second})) == []
    assert _rows(one) == _rows(whole)
    again = _loaded(one)
    for table in TABLES:
        assert getattr(again, table) == second[table], table


def _clean(site: Path, out: Path) -> dict[str, bytes]:
    """The output of a build that neither reads nor writes the store."""
    build_site(site, out, options=Options(load=False, save=False))
    return tree_bytes(out)


def _said(warnings: tuple[Diagnostic, ...]) -> list[str]:
    return [d.format() for d in warnings if "base_url" not in d.message]


def test_a_store_held_by_another_process_is_waited_for_then_left_alone(
        keyed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, out = copy_case("basic", keyed), keyed / "out"
    build_site(site, out)
    held = sqlite3.connect(site / CACHE_FILE, isolation_level=None)
    held.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(store_db, "BUSY_SECONDS", 0.2)
    try:
        (site / ACME).write_text((site / ACME).read_text().replace("Acme Corporation", "Acme"))
        assert _said(build_site(site, out).warnings) == [
            f"{CACHE_FILE}:1:1: note: cannot read the build cache (database is locked); "
            "building everything",
            f"{CACHE_FILE}:1:1: warning: cannot write the build cache (database is locked); "
            "the next build cannot reuse this one's work"]
    finally:
        held.execute("ROLLBACK")
        held.close()
    assert tree_bytes(out) == _clean(site, keyed / "clean")
    # Waited for, not replaced: the build after uses the store (and brings it up to date).
    assert _said(build_site(site, out).warnings) == []
    assert build_site(site, out).rendered == 0


_RACE = """
import sys
from pathlib import Path
from generator.build import build_site
site, out, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
for n in range(rounds):
    build_site(site, out)
"""


def test_builds_of_one_site_that_save_at_once_leave_a_whole_store(keyed: Path) -> None:
    """Two processes build one site into two outputs, over and over, while the site is
    edited: the store stays whole, and the build after it is trusted."""
    site = copy_case("basic", keyed)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    racers = [subprocess.Popen([sys.executable, "-c", _RACE, str(site), str(keyed / f"out{n}"),
                                "6"], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True)
              for n in range(2)]
    acme = site / ACME
    original = acme.read_text()
    for n in range(12):
        edit = acme.with_name(".acme.yaml.tmp")  # saved whole, as editors do
        edit.write_text(original.replace("Acme Corporation", f"Acme {n}"))
        os.replace(edit, acme)
        with contextlib.suppress(subprocess.TimeoutExpired):
            racers[0].wait(0.15)
    for racer in racers:
        assert racer.wait(120) == 0, racer.stderr.read() if racer.stderr else ""
        assert "Traceback" not in (racer.stderr.read() if racer.stderr else "")
    db = sqlite3.connect(site / CACHE_FILE)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    for n in range(2):
        assert _said(build_site(site, keyed / f"out{n}").warnings) == []
        assert tree_bytes(keyed / f"out{n}") == _clean(site, keyed / f"clean{n}")
