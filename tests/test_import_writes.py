"""An import writes all of its files or none: a failure planted at any point of the writing
leaves content/ byte for byte as it was, with no temporary file beside it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hardening import run_cli
from tests.importsite import content_bytes, csv_text, write_import_site

ROWS = [["slug", "name", "kind", "population"],
        ["a", "Ayr", "town", "1"], ["oldtown", "Oldtown", "city", "2"], ["b", "Bute", "isle", ""],
        ["c", "Crail", "town", "3"], ["d", "Dunbar", "town", "4"]]
FILES = len(ROWS) - 1  # four new, one changed


def _site(tmp_path: Path) -> tuple[Path, Path]:
    site = write_import_site(tmp_path / "site")
    (site / "content/places/oldtown.yaml").write_text("# keep me\nname: Oldtown\nkind: town\n")
    sheet = tmp_path / "in.csv"
    sheet.write_text(csv_text(ROWS), encoding="utf-8")
    return site, sheet


def _failing_on(call: int, error: BaseException, monkeypatch: pytest.MonkeyPatch,
                before: Callable[[], None] | None = None) -> list[int]:
    """os.replace raising `error` on its `call`-th use; the count of uses so far."""
    real = os.replace
    count = [0]

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        count[0] += 1
        if count[0] == call:
            if before is not None:
                before()
            raise error
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    return count


@pytest.mark.parametrize("call", range(1, FILES + 1))
def test_a_failed_rename_at_any_file_undoes_the_others(call: int, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    site, sheet = _site(tmp_path)
    before = content_bytes(site)
    _failing_on(call, OSError(28, "No space left on device"), monkeypatch)
    outcome = run_cli("import", "place", sheet, "--site", site, "--update")
    assert outcome.code == 1, outcome.err
    assert ": error: cannot write: No space left on device; the import wrote nothing" \
        in outcome.err
    assert "Traceback" not in outcome.err
    assert content_bytes(site) == before  # hidden temporary files would show here too


def test_the_same_import_then_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, sheet = _site(tmp_path)
    count = _failing_on(0, OSError(), monkeypatch)  # never fails; counts
    outcome = run_cli("import", "place", sheet, "--site", site, "--update")
    assert outcome.code == 0, outcome.err
    assert count[0] == FILES
    assert sorted(p.name for p in (site / "content/places").iterdir()) == [
        "a.yaml", "b.yaml", "c.yaml", "d.yaml", "oldtown.yaml", "south.yaml"]
    assert (site / "content/places/oldtown.yaml").read_text() == \
        "# keep me\nname: Oldtown\nkind: city\npopulation: 2\n"


def test_a_file_made_meanwhile_is_neither_overwritten_nor_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, sheet = _site(tmp_path)
    before = content_bytes(site)
    intruder = site / "content/places/d.yaml"
    real = os.replace
    calls = [0]

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls[0] += 1
        if calls[0] == 2:  # someone else writes d.yaml while the import renames
            intruder.write_text("name: Theirs\nkind: town\n")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    outcome = run_cli("import", "place", sheet, "--site", site, "--update")
    assert outcome.code == 1
    assert "content/places/d.yaml:1:1: error: cannot write: made by something else while " \
           "the import ran; the import wrote nothing" in outcome.err
    assert content_bytes(site) == {**before, "content/places/d.yaml": b"name: Theirs\nkind: "
                                                                      b"town\n"}


def test_an_interrupt_while_renaming_undoes_the_files_moved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, sheet = _site(tmp_path)
    before = content_bytes(site)
    _failing_on(3, KeyboardInterrupt(), monkeypatch)
    outcome = run_cli("import", "place", sheet, "--site", site, "--update")
    assert outcome.code == 130
    assert content_bytes(site) == before


def test_a_new_folder_is_removed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, _ = _site(tmp_path)
    sheet = tmp_path / "regions.csv"
    sheet.write_text(csv_text([["name"], ["East"], ["West"]]))
    for path in sorted((site / "content/regions").iterdir()):
        path.unlink()
    (site / "content/regions").rmdir()
    _failing_on(2, OSError(5, "Input/output error"), monkeypatch)
    outcome = run_cli("import", "region", sheet, "--site", site)
    assert outcome.code == 1
    assert not (site / "content/regions").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_writes_nothing(tmp_path: Path) -> None:
    site, sheet = _site(tmp_path)
    before = content_bytes(site)
    folder = site / "content/places"
    folder.chmod(0o555)
    try:
        outcome = run_cli("import", "place", sheet, "--site", site, "--update")
    finally:
        folder.chmod(0o755)
    assert outcome.code == 1
    assert "cannot write: Permission denied; the import wrote nothing" in outcome.err
    assert content_bytes(site) == before


def test_a_dry_run_writes_nothing_and_says_what_it_would(tmp_path: Path) -> None:
    site, sheet = _site(tmp_path)
    before = content_bytes(site)
    outcome = run_cli("import", "place", sheet, "--site", site, "--update", "--dry-run")
    assert outcome.code == 0, outcome.err
    assert content_bytes(site) == before
    assert "  new: content/places/a.yaml\n" in outcome.err
    assert "  changed: content/places/oldtown.yaml (kind, population)\n" in outcome.err
    assert "Dry run: 5 rows of " in outcome.err
    assert "would give 4 new records, 1 changed, 0 unchanged. Nothing was written." \
        in outcome.err
