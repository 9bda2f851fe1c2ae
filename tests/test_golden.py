"""The built default site, file by file, against tests/golden/default (rewrite: make golden)."""

from __future__ import annotations

from pathlib import Path

from generator.build import build_site
from tests.conftest import REPO, tree_bytes
from tests.golden import GOLDEN


def test_default_site_matches_golden_tree(tmp_path: Path) -> None:
    out = tmp_path / "output"
    build_site(REPO, out)
    built, golden = tree_bytes(out), tree_bytes(GOLDEN)
    assert sorted(built) == sorted(golden), "files added or missing; if intended: make golden"
    changed = [path for path in golden if built[path] != golden[path]]
    assert not changed, f"files differ from tests/golden (if intended: make golden): {changed}"
