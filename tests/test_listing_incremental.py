"""Incremental builds of long listings equal clean builds: a record that moves to another
list page, a new facet value, a backlink group that crosses 50, titles that start or stop
repeating, a year that empties, a new page size."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.render import batch
from generator.render.engine import render_page
from generator.render.pageset import BACKLINKS_SHOWN
from generator.render.plan import Page
from tests.conftest import tree_bytes
from tests.listsite import write_list_site
from tests.test_incremental import build, outcome

TOWNS = 23
FIRMS = BACKLINKS_SHOWN - 1  # one short of a capped group
Edit = tuple[str, Callable[[str], str] | None]


def _firm(i: int) -> Edit:
    return f"content/firms/firm-{i}.yaml", lambda t: f"name: Firm {i:05d}\nseat: town-0\n"


EDITS: dict[str, Edit] = {
    "town 5 to the end": ("content/towns/town-5.yaml",
                          lambda t: t.replace("name: Jville 5", "name: Zulu 5")),
    "town 5 to the start": ("content/towns/town-5.yaml",
                            lambda t: t.replace("name: Jville 5", "name: Aaa 5")),
    "new region": ("content/towns/town-1.yaml", lambda t: t.replace("region: South",
                                                                    "region: Central")),
    "new tag": ("content/towns/town-2.yaml", lambda t: t.replace("tags: [", "tags: [fresh, ")),
    "a 50th firm": _firm(FIRMS),
    "a 51st firm": _firm(FIRMS + 1),
    "no 50th firm": (f"content/firms/firm-{FIRMS}.yaml", None),
    "firm 0 renamed": ("content/firms/firm-0.yaml",
                       lambda t: t.replace("Firm 00000", "Firm zz")),
    "another Adampur": ("content/towns/town-4.yaml",
                        lambda t: t.replace("name: Cburg 4", "name: Adampur")),
    "Adampur moves region": ("content/towns/town-13.yaml",
                             lambda t: t.replace("region: West", "region: North")),
    "1906 undated": ("content/towns/town-6.yaml",
                     lambda t: "\n".join(line for line in t.splitlines()
                                         if "date:" not in line) + "\n"),
    "new town": ("content/towns/town-99.yaml",
                 lambda t: "name: Mville 99\nregion: Nowhere\nfacts:\n  - text: Met.\n"
                           "    source: council\n    quote: The council met\n"
                           "    date: 1950-01-01\n"),
    "no new town": ("content/towns/town-99.yaml", None),
    "town 3 to 1901": ("content/towns/town-3.yaml",
                       lambda t: t.replace("date: 1903-04-13", "date: 1901-04-13")),
    "town 3 to 1899": ("content/towns/town-3.yaml",
                       lambda t: t.replace("date: 1903-04-13", "date: 1899-04-13")),
    "page size 4": ("site.yaml", lambda t: t.replace("page_size: 5", "page_size: 4")),
    "page size 5": ("site.yaml", lambda t: t.replace("page_size: 4", "page_size: 5")),
}


@pytest.fixture(autouse=True)
def own_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def apply_edit(site: Path, name: str) -> None:
    rel, change = EDITS[name]
    path = site / rel
    if change is None:
        path.unlink(missing_ok=True)
        return
    path.write_text(change(path.read_text() if path.exists() else ""))


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=5))
def test_incremental_builds_of_listings_equal_clean_builds(tmp_path: Path,
                                                           edits: list[str]) -> None:
    root = tmp_path / f"run-{os.urandom(4).hex()}"
    site = write_list_site(root / "site", TOWNS, FIRMS, page_size=5)
    out, clean = root / "out", root / "clean"
    assert outcome(site, out) == "built"
    for name in edits:
        apply_edit(site, name)
        incremental = outcome(site, out)
        assert incremental == outcome(site, clean, load=False, save=False), name
        if incremental == "built":
            assert tree_bytes(out) == tree_bytes(clean), name
    shutil.rmtree(root)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_each_edit_alone_builds_as_a_clean_build_does(tmp_path: Path, name: str) -> None:
    site = write_list_site(tmp_path / "site", TOWNS, FIRMS, page_size=5)
    out, clean = tmp_path / "out", tmp_path / "clean"
    assert outcome(site, out) == "built"
    apply_edit(site, name)
    assert outcome(site, out) == outcome(site, clean, load=False, save=False) == "built"
    assert tree_bytes(out) == tree_bytes(clean)


def test_a_renamed_town_remakes_only_the_year_pages_that_show_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A year of the timeline shows its facts' records by title: a new title remakes that
    # year's pages, and no other year's (they used to be remade for any record's change).
    site = write_list_site(tmp_path / "site", TOWNS, FIRMS, page_size=5)
    out = tmp_path / "out"
    build(site, out)
    made: list[str] = []

    def noted(env: Any, shown: Any, page: Page, site_dir: Path) -> Any:
        made.append(page.path)
        return render_page(env, shown, page, site_dir)
    monkeypatch.setattr(batch, "render_page", noted)
    apply_edit(site, "town 5 to the end")  # its one fact is of 1905 (town_file)
    build(site, out)
    years = {path.split("/")[1] for path in made if path.startswith("timeline/1")}
    assert years == {"1905"}
