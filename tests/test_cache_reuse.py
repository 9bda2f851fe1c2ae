"""The command line reads the last build's cache once: to see whether anything changed, and
then for the build itself, unless another build wrote a new one in between."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import build as build_module
from generator.build import Options, build_site
from generator.store import cache
from generator.write.survey import finished_build
from tests.conftest import copy_default_site

MICROSOFT = "content/companies/microsoft.yaml"


@pytest.fixture()
def loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """The sites whose cache a build read from disk itself."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    read: list[Path] = []

    def load(site_dir: Path) -> tuple[object, list[object]]:
        read.append(site_dir)
        return cache.load_cache(site_dir)
    monkeypatch.setattr(build_module, "load_cache", load)
    return read


def _edit(site: Path) -> None:
    """A new word in a record's summary, which its page shows."""
    path = site / MICROSOFT
    path.write_text(path.read_text().replace("US multinational", "US multinational, big,", 1))


def test_a_cache_read_before_the_build_is_used_by_it(tmp_path: Path, loads: list[Path]) -> None:
    site, out = copy_default_site(tmp_path), tmp_path / "out"
    build_site(site, out)
    _edit(site)
    last, done = finished_build(site, out, None)
    assert last is not None and not done
    loads.clear()
    result = build_site(site, out, options=Options(last))
    assert loads == [] and 0 < result.rendered < result.pages


def test_one_another_build_wrote_since_is_read_again(tmp_path: Path, loads: list[Path]) -> None:
    site, out = copy_default_site(tmp_path), tmp_path / "out"
    build_site(site, out)
    _edit(site)
    last, _ = finished_build(site, out, None)
    build_site(site, out)  # another build, between the look and the build
    _edit(site)
    loads.clear()
    result = build_site(site, out, options=Options(last))
    assert loads == [site] and 0 < result.rendered < result.pages


def test_nothing_changed_is_said_from_the_one_read(tmp_path: Path) -> None:
    site, out = copy_default_site(tmp_path), tmp_path / "out"
    build_site(site, out)
    last, done = finished_build(site, out, None)
    assert last is not None and done
    assert last.stamp == cache.cache_stamp(site)
