"""A build reads only the record files whose time stamps changed since the last build read
them; a stamp is trusted only once the file has been left alone for a while."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build import Options, build_site
from generator.read import load
from generator.store import inputs, memo
from generator.store.inputs import Stamp
from tests.conftest import copy_case

ACME = "content/companies/acme.yaml"
ACME_PAGE = "companies/acme/index.html"


@pytest.fixture()
def reads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The record files builds read, by their names."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    read: list[str] = []

    def counted(path: str, limit: int) -> object:
        read.append(Path(path).name)
        return real(path, limit)
    real = load.read_bounded
    monkeypatch.setattr(load, "read_bounded", counted)
    return read


def _settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust stamps at once: the files of these tests are seconds old, not minutes."""
    monkeypatch.setattr(memo, "SETTLED_NS", 0)


def _sites(tmp_path: Path) -> tuple[Path, Path]:
    return copy_case("basic", tmp_path / "site"), tmp_path / "out"


@pytest.mark.parametrize("saved", [True, False], ids=["command line", "dev server"])
def test_only_the_edited_file_is_read_again(tmp_path: Path, reads: list[str],
                                            monkeypatch: pytest.MonkeyPatch,
                                            saved: bool) -> None:
    _settled(monkeypatch)
    site, out = _sites(tmp_path)
    first = build_site(site, out)
    files = len(reads)
    assert files > 3 and "acme.yaml" in reads
    (site / ACME).write_text((site / ACME).read_text().replace("Acme", "Acme Mark II", 1))
    reads.clear()
    build_site(site, out, options=Options() if saved else Options(previous=first.cache,
                                                                       save=False))
    assert reads == ["acme.yaml"]
    assert "Acme Mark II" in (out / ACME_PAGE).read_text()


def test_a_file_changed_soon_after_a_build_is_read_again(tmp_path: Path, reads: list[str],
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """On a file system whose clock ticks once a second, an edit just after a build that
    keeps the file's size leaves its stamp as it was: only its age tells."""
    def coarse(path: str) -> Stamp:
        size, mtime, ctime = real(path)
        return Stamp(size, mtime // 10**9 * 10**9, ctime // 10**9 * 10**9)
    real = inputs._stamp
    monkeypatch.setattr(inputs, "_stamp", coarse)
    site, out = _sites(tmp_path)
    build_site(site, out)
    path = site / ACME
    path.write_text(path.read_text().replace("Acme", "Acmf", 1))
    reads.clear()
    build_site(site, out)
    assert "acme.yaml" in reads
    assert "Acmf" in (out / ACME_PAGE).read_text()


@pytest.mark.parametrize("change", ["same size, time stamp put back", "mode changed"])
def test_a_change_that_keeps_size_and_time_stamp_is_found(tmp_path: Path, reads: list[str],
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          change: str) -> None:
    """Its change time moves all the same (a mode may make a file unreadable)."""
    _settled(monkeypatch)
    site, out = _sites(tmp_path)
    build_site(site, out)
    path = site / ACME
    before = path.stat()
    if change == "mode changed":
        path.chmod(0o600 if before.st_mode & 0o777 != 0o600 else 0o644)
    else:
        path.write_text(path.read_text().replace("Acme", "Acmf", 1))
        assert path.stat().st_size == before.st_size
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads.clear()
    build_site(site, out)
    assert reads == ["acme.yaml"]
    shown = (out / ACME_PAGE).read_text()
    assert ("Acmf" in shown) == (change != "mode changed")
