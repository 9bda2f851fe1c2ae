"""Rewrite tests/errors/*/expected.txt from what the build prints now.

Run: python -m tests.errors_expected

Read the diff before committing: each file is the exact output users will see.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

from generator.cli import main
from tests.test_errors import CASE_NAMES, ERRORS, broken_site


def regenerate() -> None:
    for name in CASE_NAMES:
        with tempfile.TemporaryDirectory() as tmp:
            site = broken_site(name, Path(tmp))
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                code = main(["build", "--site", str(site), "--out", str(Path(tmp) / "out")])
            if code != 1:
                sys.exit(f"{name}: exit code {code}, expected 1")
            (ERRORS / name / "expected.txt").write_text(err.getvalue(), encoding="utf-8")
            print(f"{name}: {err.getvalue().count(': error: ')} error(s)")


if __name__ == "__main__":
    regenerate()
