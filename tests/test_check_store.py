"""`factsheet check` after a build: only the pages the edits made stale are rendered again,
and every error a full check finds is still found; nothing is written, not even the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.build import verify_site
from generator.errors import BuildFailed
from generator.render import batch
from generator.render.engine import render_page
from generator.render.plan import Page
from tests.conftest import copy_default_site, tree_bytes
from tests.test_incremental import build

MICROSOFT = "content/companies/microsoft.yaml"


@pytest.fixture()
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages rendered from now on (in this process: one job)."""
    made: list[str] = []

    def noted(env: Any, site: Any, page: Page, site_dir: Path) -> Any:
        made.append(page.path)
        return render_page(env, site, page, site_dir)
    monkeypatch.setattr(batch, "render_page", noted)
    return made


@pytest.fixture()
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default site, built once (its cache is in the site's .cache/)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    site = copy_default_site(tmp_path)
    build(site, tmp_path / "out")
    return site


def test_without_a_cache_check_renders_every_page(tmp_path: Path, rendered: list[str]) -> None:
    site = copy_default_site(tmp_path)
    checked = verify_site(site)
    assert sorted(rendered) == sorted(page.path for page in checked.pages)


def test_after_a_build_check_renders_nothing_until_something_changes(
        built: Path, rendered: list[str]) -> None:
    verify_site(built)
    assert rendered == []


def test_after_an_edit_check_renders_only_the_pages_it_made_stale(
        built: Path, rendered: list[str]) -> None:
    path = built / MICROSOFT
    path.write_text(path.read_text().replace("US multinational", "A US multinational", 1))
    checked = verify_site(built)
    assert "companies/microsoft/index.html" in rendered
    assert 0 < len(rendered) < len(checked.pages) / 2


def test_check_writes_nothing_after_a_build(built: Path, tmp_path: Path) -> None:
    (built / MICROSOFT).write_text((built / MICROSOFT).read_text() + "\n")
    before = tree_bytes(tmp_path)
    verify_site(built)
    assert tree_bytes(tmp_path) == before


def test_an_error_only_the_edited_record_shows_is_still_found(built: Path) -> None:
    # The theme's record page, overridden so that only a record of this name fails.
    theme = Path(__file__).parent.parent / "generator/theme/templates/record.html"
    (built / "templates/record.html").write_text(
        "{% if record.title == 'Boom' %}{{ record.nope.deeper }}{% endif %}"
        + theme.read_text())
    build(built, built.parent / "out")  # the new template on every record page: it builds
    path = built / MICROSOFT
    path.write_text(path.read_text().replace("name: Microsoft", "name: Boom", 1))
    with pytest.raises(BuildFailed) as failed:
        verify_site(built)
    assert [d.path for d in failed.value.diagnostics if d.is_error] == ["templates/record.html"]


def test_a_template_edit_after_a_build_is_checked(built: Path) -> None:
    (built / "templates/about.html").write_text("<p>{{ site.nope.deeper }}</p>\n")
    with pytest.raises(BuildFailed) as failed:
        verify_site(built)
    assert failed.value.diagnostics[0].path == "templates/about.html"


def test_a_damaged_cache_is_not_trusted(built: Path, rendered: list[str]) -> None:
    for cached in (built / ".cache/factsheet").iterdir():
        cached.write_bytes(b"not a cache" + cached.read_bytes()[:100])
    checked = verify_site(built)
    assert len(rendered) == len(checked.pages)


def test_new_settings_render_every_page(built: Path, rendered: list[str]) -> None:
    config = built / "site.yaml"
    config.write_text(config.read_text().replace("title: ", "title: New ", 1))
    checked = verify_site(built)
    assert len(rendered) == len(checked.pages)
