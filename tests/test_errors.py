"""Every kind of user mistake: the exact diagnostics, exit code 1, and no output written.

Each folder in tests/errors/ holds the files that differ from the site tests/cases/basic
(a broken record, a bad template, ...) and `expected.txt`, the exact error output.
Regenerate the expected files after an intended message change with:
    python -m tests.errors_expected
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_case

ERRORS = REPO / "tests" / "errors"
CASE_NAMES = sorted(p.name for p in ERRORS.iterdir() if p.is_dir())


def broken_site(name: str, tmp_path: Path) -> Path:
    """The basic site with the files of tests/errors/<name> laid over it."""
    site = copy_case("basic", tmp_path)
    for path in sorted((ERRORS / name).rglob("*")):
        rel = path.relative_to(ERRORS / name)
        if path.is_file() and rel.as_posix() != "expected.txt":
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, site / rel)
    return site


@pytest.mark.parametrize("name", CASE_NAMES)
def test_error_case_reports_exact_diagnostics(name: str, tmp_path: Path, factsheet) -> None:
    site = broken_site(name, tmp_path)
    out = tmp_path / "out"
    run = factsheet("build", "--site", site, "--out", out)
    expected = (ERRORS / name / "expected.txt").read_text(encoding="utf-8")
    assert run.err == expected
    assert run.code == 1
    assert "Traceback" not in run.err
    assert not out.exists(), "a failed build must not write its output folder"


@pytest.mark.parametrize("name", CASE_NAMES)
def test_check_reports_the_same_diagnostics(name: str, tmp_path: Path, factsheet) -> None:
    site = broken_site(name, tmp_path)
    run = factsheet("check", "--site", site)
    assert run.code == 1
    assert run.err == (ERRORS / name / "expected.txt").read_text(encoding="utf-8")
