"""Builds killed with `kill -9` at random moments, full and incremental, on a site of 2,040
records: the output is the old complete site or the new one, nothing beside it trips the
next build, and the next build equals a clean `--no-cache` build byte for byte.

The in-suite loop is short (about a minute); for a long one:

    FACTSHEET_KILL_ROUNDS=40 .venv/bin/pytest -s tests/test_killed_builds.py
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.conftest import SERIAL
from tests.synthetic import SynthSite, assert_trusted, build_references, make_site, scratch_folder

pytestmark = SERIAL  # kills builds at timed moments
ROUNDS = int(os.environ.get("FACTSHEET_KILL_ROUNDS", "4"))
SEED = os.environ.get("FACTSHEET_KILL_SEED", "kill")
# The versions the output goes through, over and over: "base" to "fact" and back changes
# one fact's text (incremental builds), to and from "title" a setting (full builds).
CYCLE = ("base", "fact", "base", "title")


@pytest.fixture(scope="module")
def synth() -> Iterator[SynthSite]:
    with scratch_folder() as root:
        made = make_site(root)
        build_references(made)
        yield made


def kind(old: str | None, new: str) -> str:
    return "incremental" if {old, new} == {"base", "fact"} else "full"


@pytest.mark.timeout(120 + 60 * ROUNDS)  # the clean builds, then up to two builds a round
def test_a_killed_build_leaves_the_old_or_the_new_site(synth: SynthSite) -> None:
    rng = random.Random(SEED)
    seconds = {"full": max(synth.seconds.values()), "incremental": min(synth.seconds.values())}
    outcomes: Counter[str] = Counter()
    state: str | None = None  # no output and no cache yet
    for number in range(ROUNDS):
        target = CYCLE[number % len(CYCLE)]
        how = kind(state, target)
        synth.set_version(target)
        # Any moment, or half the time near the end, where the new output goes in.
        delay = seconds[how] * (rng.uniform(0, 1.1) if rng.random() < 0.5
                                else rng.uniform(0.8, 1.05))
        build = synth.start("--quiet")
        time.sleep(delay)
        # Half the time the build alone, as `kill -9 PID` does; else its helpers too.
        if number % 4 < 2:
            os.kill(build.pid, signal.SIGKILL)
        else:
            os.killpg(build.pid, signal.SIGKILL)
        build.communicate()
        now = synth.which()
        where = f"round {number}: {how} build {state} -> {target}, killed after {delay:.2f} s"
        if build.returncode == 0:
            outcome = "finished"
            assert now == target, where
        elif now == state or (state is None and not synth.out.exists()):
            outcome = "old"
        elif now == target:
            outcome = "new"
        else:
            # Only while an incremental build moves its files in (a few milliseconds);
            # its folder of files still to move is left beside the output.
            outcome = "mixed"
            assert how == "incremental", where
            assert any(".factsheet-patch-" in name for name in synth.beside()), where
        outcomes[f"{how} {outcome}"] += 1
        began = time.perf_counter()
        after = synth.build("--quiet")
        if outcome == "old":  # the same build, done whole: how long the next may take
            seconds[how] = time.perf_counter() - began
        assert after.returncode == 0 and "Traceback" not in after.stderr, (where, after.stderr)
        assert synth.which() == target, where
        assert synth.beside() == [], where
        # And the cache it left is trusted: the next build has nothing to do.
        assert_trusted(synth, target)
        state = target
    print(f"\n{ROUNDS} kills: {dict(sorted(outcomes.items()))}")
