"""No quadratic steps: checking and rendering four times the records costs about four times
as much, not sixteen (backlinks to crowded cities, quotes in long sources, lists, timeline)."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.peer.convert import write_site
from benchmarks.synth import make_corpus
from generator.build import check_site
from generator.render.batch import render_site
from tests.conftest import SERIAL

pytestmark = SERIAL  # times a small site's check and render against a large one's


def cpu_seconds(site: Path) -> float:
    """CPU time (this process only, so other work on the machine counts less) of checking
    the site and rendering every page, the better of two tries."""
    best = float("inf")
    for _ in range(2):
        began = time.process_time()
        checked = check_site(site)
        for _ in render_site(checked, site):
            pass
        best = min(best, time.process_time() - began)
    return best


def test_four_times_the_records_cost_well_under_sixteen_times_as_much(tmp_path: Path) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    write_site(make_corpus(300, 1), small)
    write_site(make_corpus(1200, 1), large)
    ratio = cpu_seconds(large) / cpu_seconds(small)
    # Linear is 4; one quadratic step in a big stage would push this towards 16.
    assert ratio < 8, f"1200 records cost {ratio:.1f} times what 300 do"
