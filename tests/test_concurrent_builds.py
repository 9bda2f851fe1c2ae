"""Builds of one site into one output at the same time, and a build while `serve` runs.

One build at a time holds the output's lock; another waits for it (up to 10 s), then either
finds nothing left to do or gives up with "another build of this output is running". Either
way the output ends equal to a clean build, the cache is one the next build trusts, and
every exit code tells the truth: 0 only when the output is that build's whole site.

    FACTSHEET_CONCURRENT_ROUNDS=20 .venv/bin/pytest -s tests/test_concurrent_builds.py
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.build import Options, build_site
from generator.errors import BuildFailed
from generator.write.staging import remove_leftovers
from tests.conftest import REPO, SERIAL, copy_case, tree_bytes
from tests.hardening import run_cli
from tests.synthetic import (
    BUSY,
    SynthSite,
    assert_trusted,
    build_references,
    make_site,
    scratch_folder,
)

pytestmark = SERIAL  # races builds, and times the output lock's waits
ROUNDS = int(os.environ.get("FACTSHEET_CONCURRENT_ROUNDS", "2"))


@pytest.fixture(scope="module")
def synth() -> Iterator[SynthSite]:
    with scratch_folder() as root:
        made = make_site(root)
        build_references(made, ("base", "fact"))
        yield made


def finish(build: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = build.communicate(timeout=600)
    return build.returncode, err


@pytest.mark.timeout(120 + 60 * ROUNDS)  # the clean builds, then each round's builds
@pytest.mark.parametrize("at_once", [2, 3])
def test_builds_at_once_end_with_a_clean_output(synth: SynthSite, at_once: int) -> None:
    rng = random.Random(f"concurrent-{at_once}")
    codes: Counter[int] = Counter()
    for number in range(ROUNDS):
        # A first build from nothing, then incremental ones, in turn to each version.
        if number == 0:
            synth.build("--quiet", "--no-cache")  # an output, but no cache to trust
        version = ("fact", "base")[number % 2]
        synth.set_version(version)
        builds = []
        for _ in range(at_once):
            builds.append(synth.start())
            time.sleep(rng.uniform(0, 0.5))
        for build in builds:
            code, err = finish(build)
            codes[code] += 1
            assert "Traceback" not in err, err
            assert code == 0 or (code == 1 and BUSY in err), err
        assert synth.which() == version, f"round {number}"
        assert synth.beside() == []
        assert_trusted(synth, version)
    print(f"\n{at_once} builds at once, {ROUNDS} rounds: exit codes {dict(codes)}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_build_while_serve_rebuilds_ends_with_a_clean_output(synth: SynthSite) -> None:
    synth.set_version("base")
    assert synth.build("--quiet").returncode == 0
    serve = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--site", str(synth.site), "--out",
         str(synth.out), "--port", str(free_port())], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=synth.env, cwd=REPO)
    try:
        assert serve.stderr is not None
        said = []
        while not any(line.startswith("Serving") for line in said):
            said.append(serve.stderr.readline())
            assert said[-1], "".join(said)
        synth.set_version("fact")  # serve sees the edit and rebuilds; so does this build
        time.sleep(0.6)
        code, err = finish(synth.start())
        assert code == 0 or (code == 1 and BUSY in err), err
        time.sleep(4)  # serve's rebuild, then its background build of the index
    finally:
        serve.send_signal(signal.SIGINT)
        _, rest = serve.communicate(timeout=120)
    assert serve.returncode in (0, 130) and "Traceback" not in rest, rest
    last = synth.build()
    assert last.returncode == 0, last.stderr
    assert synth.which() == "fact"
    assert synth.beside() == []


HOLD = ("import sys, time; from pathlib import Path; from generator.write.lock import OutputLock\n"
        "with OutputLock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)\n")


def hold_lock(out: Path) -> subprocess.Popen[str]:
    """Another process holding the output's lock, as a build does."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE,
                              text=True, cwd=REPO)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


@pytest.mark.parametrize("wait", [0.0, 0.5])
def test_a_build_that_finds_the_lock_taken_says_who_has_it(tmp_path: Path, wait: float,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "-q").code == 0
    before = tree_bytes(out)
    (site / "content/companies/acme.yaml").write_text(
        (site / "content/companies/acme.yaml").read_text().replace("1947", "1948"))
    holder = hold_lock(out)
    try:
        began = time.monotonic()
        with pytest.raises(BuildFailed) as refused:
            build_site(site, out, options=Options(wait=wait))
        assert time.monotonic() - began >= wait
    finally:
        holder.kill()
        holder.wait()
    [said] = refused.value.diagnostics
    assert said.message == (f"another build of this output is running (pid {holder.pid}); "
                            "wait for it to finish or stop it")
    assert tree_bytes(out) == before


def test_a_killed_builds_lock_is_free_at_once(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    holder = hold_lock(out)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (tmp_path / ".out.factsheet-lock").exists()  # its file stays, but not its lock
    began = time.monotonic()
    assert run_cli("build", "--site", site, "--out", out, "-q").code == 0
    assert time.monotonic() - began < 5
    assert sorted(os.listdir(tmp_path)) == ["basic", "out", "user-cache"]


@pytest.mark.parametrize("label", ["new", "patch", "search", "removed"])
def test_another_builds_folders_stay_until_it_is_gone(tmp_path: Path, label: str) -> None:
    out = tmp_path / "out"
    holder = hold_lock(out)
    theirs = tmp_path / f".out.factsheet-{label}-{holder.pid}-0123abcd"
    (theirs / "companies").mkdir(parents=True)
    (theirs / "index.html").write_text("being written")
    try:
        remove_leftovers(out)  # as a build with nothing to do used to, while this one ran
        assert (theirs / "index.html").read_text() == "being written"
    finally:
        holder.kill()
        holder.wait()
    remove_leftovers(out)
    assert os.listdir(tmp_path) == []  # its folders, and the file of its lock
