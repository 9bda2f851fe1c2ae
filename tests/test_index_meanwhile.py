"""An incremental build indexes its record pages while it makes its other pages."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_site
from generator.errors import BuildFailed
from generator.render import batch
from generator.write import indexing
from tests.conftest import copy_case, tree_bytes, write_files

ACME = "content/companies/acme.yaml"
WAIT = 5.0  # seconds: far more than either side needs, when they overlap


@pytest.fixture(autouse=True)
def own_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def reworded(site: Path) -> None:
    path = site / ACME
    path.write_text(path.read_text().replace("Makes everything.", "Makes nearly everything."))


def test_pagefind_runs_while_the_other_pages_are_made(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site, out = copy_case("basic", tmp_path), tmp_path / "out"
    build_site(site, out)
    indexing_began, other_page_made = threading.Event(), threading.Event()
    waited: list[bool] = []

    def index_shards(*args: Any) -> Any:
        indexing_began.set()
        waited.append(other_page_made.wait(WAIT))  # not made before: the index waited
        return real_index(*args)

    def render_page(env: Any, built: Any, page: Any, site_dir: Path) -> Any:
        if page.kind != "record":
            waited.append(indexing_began.wait(WAIT))  # made only after the index was
            other_page_made.set()
        return real_render(env, built, page, site_dir)
    real_index, real_render = indexing.index_shards, batch.render_page
    monkeypatch.setattr(indexing, "index_shards", index_shards)
    monkeypatch.setattr(batch, "render_page", render_page)
    reworded(site)
    build_site(site, out)
    assert waited and all(waited)
    clean = tmp_path / "clean"
    monkeypatch.undo()
    build_site(site, clean)
    assert tree_bytes(out) == tree_bytes(clean)


def test_a_page_that_fails_stops_the_indexer_and_leaves_the_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, out = copy_case("basic", tmp_path), tmp_path / "out"
    build_site(site, out)
    before = tree_bytes(out)
    stopped: list[Any] = []

    def index_shards(source: Any, work: Path, shards: Any, jobs: int, started: Any) -> Any:
        def noted(process: Any) -> None:
            stopped.append(process)
            started(process)
        return real_index(source, work, shards, jobs, noted)
    real_index = indexing.index_shards
    monkeypatch.setattr(indexing, "index_shards", index_shards)
    reworded(site)
    # A mistake only rendering finds: the home page names what it is not given.
    write_files(site, {"templates/home.html": '{% extends "base.html" %}\n'
                                              "{% block content %}{{ no_such_thing }}"
                                              "{% endblock %}\n"})
    with pytest.raises(BuildFailed) as failed:
        build_site(site, out)
    assert any("no_such_thing" in d.message for d in failed.value.diagnostics)
    assert tree_bytes(out) == before
    assert stopped and all(p.poll() is not None for p in stopped)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["basic", "out", "user-cache"]
