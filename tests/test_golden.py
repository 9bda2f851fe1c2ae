"""The built default site, file by file, against tests/golden/default (rewrite: make golden)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.build import build_site
from generator.urls import SEARCH_BUNDLE
from tests.conftest import REPO, copy_case, tree_bytes
from tests.golden import GOLDEN, GOLDEN_CASES


def test_default_site_matches_golden_tree(tmp_path: Path) -> None:
    out = tmp_path / "output"
    build_site(REPO, out)
    built = {path: data for path, data in tree_bytes(out).items()
             if not path.startswith(SEARCH_BUNDLE)}
    golden = tree_bytes(GOLDEN)
    assert sorted(built) == sorted(golden), "files added or missing; if intended: make golden"
    changed = [path for path in golden if built[path] != golden[path]]
    assert not changed, f"files differ from tests/golden (if intended: make golden): {changed}"


def test_the_search_index_covers_every_record_page(tmp_path: Path) -> None:
    out = tmp_path / "output"
    build_site(REPO, out)
    entry = json.loads((out / SEARCH_BUNDLE / "pagefind-entry.json").read_text())
    records = len([p for p in out.glob("*/*/index.html") if p.parent.parent.name != "timeline"])
    assert entry["languages"]["en"]["page_count"] == records == 8
    assert (out / SEARCH_BUNDLE / "pagefind-ui.js").is_file()


@pytest.mark.parametrize("name", GOLDEN_CASES)
def test_case_site_matches_its_golden_tree(tmp_path: Path, name: str) -> None:
    site = copy_case(name, tmp_path)
    out = tmp_path / "output"
    build_site(site, out)
    built = {path: data for path, data in tree_bytes(out).items()
             if not path.startswith(SEARCH_BUNDLE)}
    golden = tree_bytes(REPO / "tests" / "golden" / name)
    assert sorted(built) == sorted(golden), "files added or missing; if intended: make golden"
    changed = [path for path in golden if built[path] != golden[path]]
    assert not changed, f"files differ from tests/golden/{name}: {changed}"
