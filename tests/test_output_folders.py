"""Output folders as they are in real deployments: a mount point, links put inside output/,
a read-only output, a file edited behind the build's back, and Ctrl-C.

Mounts and `chattr +i` need root; those cases are skipped, with the reason, without it.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.write.staging import MARKER
from tests.conftest import SERIAL, copy_case, tree_bytes
from tests.hardening import run_cli
from tests.synthetic import SynthSite, build_references, make_site, scratch_folder

ACME = "content/companies/acme.yaml"


@pytest.fixture(autouse=True)
def own_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def edit_acme(site: Path, words: str = "Makes almost everything.") -> None:
    record = site / ACME
    record.write_text(record.read_text().replace("Makes everything.", words))


def clean_build(site: Path, tmp_path: Path) -> dict[str, bytes]:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    assert run_cli("build", "--site", site, "--out", clean, "--no-cache", "-q").code == 0
    return tree_bytes(clean)


def build(site: Path, out: Path, *extra: str) -> tuple[int, str]:
    done = run_cli("build", "--site", site, "--out", out, *extra)
    assert "Traceback" not in done.err
    return done.code, done.err


def as_root(reason: str) -> None:
    if os.geteuid() != 0:
        pytest.skip(f"{reason} needs root (mount, chattr); run the suite as root to test it")


def run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True).returncode == 0


# --- a mount point: its contents are swapped, never the folder itself ---------------------

@pytest.fixture(params=["tmpfs", "bind mount"])
def mounted(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    as_root("building into a mount point")
    out = tmp_path / "out"
    out.mkdir()
    if request.param == "tmpfs":
        made = run("mount", "-t", "tmpfs", "tmpfs", str(out))
    else:  # the same file system as its parent: only /proc/self/mountinfo tells
        (tmp_path / "volume").mkdir()
        made = run("mount", "--bind", str(tmp_path / "volume"), str(out))
    if not made:
        pytest.skip(f"cannot {request.param} here (no CAP_SYS_ADMIN in this container?)")
    try:
        yield out
    finally:
        run("umount", "-l", str(out))


def test_a_mount_point_is_built_into_and_patched(mounted: Path, tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    for step in ("full", "incremental", "no cache"):
        if step == "incremental":
            edit_acme(site)
        code, err = build(site, mounted, *(["--no-cache"] if step == "no cache" else []))
        assert code == 0, (step, err)
        assert os.path.ismount(mounted) or run("mountpoint", "-q", str(mounted))
        assert tree_bytes(mounted) == clean_build(site, tmp_path), step
        assert sorted(os.listdir(tmp_path)) == ["basic", "clean", "out", "user-cache"] + (
            ["volume"] if (tmp_path / "volume").exists() else [])
        ours = [n for n in os.listdir(mounted) if n.startswith(".factsheet-")]
        assert ours == [MARKER], step


# --- links inside output/: replaced, never written through --------------------------------

def link_folder(out: Path, outside: Path) -> None:
    shutil.copytree(out / "companies", outside / "companies")
    shutil.rmtree(out / "companies")
    (out / "companies").symlink_to(outside / "companies")


def link_file(out: Path, outside: Path) -> None:
    (outside / "page.html").write_text("outside")
    (out / "companies/acme/index.html").unlink()
    (out / "companies/acme/index.html").symlink_to(outside / "page.html")


def link_index(out: Path, outside: Path) -> None:
    shutil.copytree(out / "pagefind", outside / "pagefind")
    shutil.rmtree(out / "pagefind")
    (out / "pagefind").symlink_to(outside / "pagefind")


def link_new_folder(out: Path, outside: Path) -> None:
    # Where a new record's pages will go: the build must not follow it.
    (outside / "newco").mkdir()
    (out / "companies/newco").symlink_to(outside / "newco")


def link_stray(out: Path, outside: Path) -> None:
    (outside / "stray").mkdir()
    (out / "stray").symlink_to(outside / "stray")


LINKS: dict[str, Callable[[Path, Path], None]] = {
    "a folder of pages": link_folder, "a page": link_file, "the search index": link_index,
    "a folder of new pages": link_new_folder, "a stray link": link_stray}


@pytest.mark.parametrize("where", sorted(LINKS))
def test_a_link_inside_the_output_is_replaced_not_followed(tmp_path: Path, where: str) -> None:
    site = copy_case("basic", tmp_path)
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    assert build(site, out)[0] == 0
    LINKS[where](out, outside)
    before = tree_bytes(outside)
    edit_acme(site)
    (site / "content/companies/newco.yaml").write_text(
        (site / ACME).read_text().replace("name: Acme Corporation", "name: Newco"))
    code, err = build(site, out)
    assert code == 0, err
    assert tree_bytes(outside) == before  # nothing written, moved or removed out there
    assert not [p for p in out.rglob("*") if p.is_symlink()]
    assert tree_bytes(out) == clean_build(site, tmp_path)


# --- a read-only output: refused before anything goes live, or live and said so ----------

def immutable(path: Path, on: bool = True) -> None:
    if not run("chattr", "+i" if on else "-i", str(path)):
        pytest.skip("chattr +i does not work on this file system")


@pytest.mark.parametrize("how", ["chmod", "chattr +i", "read-only mount"])
def test_a_read_only_output_is_refused_and_left_as_it_was(tmp_path: Path, how: str) -> None:
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    assert build(site, out)[0] == 0
    before = tree_bytes(out)
    edit_acme(site)
    if how == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root writes to a folder whatever its mode; see the chattr case")
        out.chmod(0o555)
    elif how == "chattr +i":
        as_root(how)
        immutable(out)
    else:
        as_root(how)
        if not run("mount", "--bind", "-o", "ro", str(out), str(out)):
            pytest.skip("cannot make a read-only bind mount here")
    try:
        code, err = build(site, out)
    finally:
        out.chmod(0o755) if how == "chmod" else None
        if how == "chattr +i":
            immutable(out, on=False)
        elif how == "read-only mount":
            run("umount", "-l", str(out))
    assert code == 1
    # Said by the check, or by the file system when the lock is made in a read-only mount.
    assert "cannot write the output: the folder is read-only" in err \
        or "cannot write the output: Read-only file system" in err
    assert tree_bytes(out) == before
    assert sorted(os.listdir(tmp_path)) == ["basic", "out", "user-cache"]


def test_a_file_that_cannot_be_replaced_fails_the_patch_and_undoes_it(tmp_path: Path) -> None:
    as_root("chattr +i")
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    assert build(site, out)[0] == 0
    before = tree_bytes(out)
    edit_acme(site)
    # Of the files that change, the last to be replaced: by then the old index's removed
    # files are out and the new pages in, all to be put back.
    stuck = out / "pagefind/pagefind-entry.json"
    immutable(stuck)
    try:
        code, err = build(site, out)
        assert code == 1 and "cannot write the output: Operation not permitted" in err
        assert tree_bytes(out) == before
    finally:
        immutable(stuck, on=False)
    assert sorted(os.listdir(tmp_path)) == ["basic", "out", "user-cache"]
    assert build(site, out)[0] == 0
    assert tree_bytes(out) == clean_build(site, tmp_path)


def test_an_old_output_that_cannot_be_removed_is_said_not_failed(tmp_path: Path) -> None:
    as_root("chattr +i")
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    assert build(site, out)[0] == 0
    stuck = out / "index.html"
    immutable(stuck)
    edit_acme(site)
    try:
        code, err = build(site, out, "--no-cache")  # a whole new output, swapped in
        assert code == 0, err
        assert "the new output is in place, but the previous one" in err
        assert tree_bytes(out) == clean_build(site, tmp_path)
        [kept] = [n for n in os.listdir(tmp_path) if n.startswith(".out.factsheet-")]
    finally:
        for path in tmp_path.glob(".out.factsheet-*/index.html"):
            immutable(path, on=False)
    assert build(site, out)[0] == 0  # which clears what the last one could not
    assert sorted(os.listdir(tmp_path)) == ["basic", "clean", "out", "user-cache"], kept


# --- a file changed behind the build's back, even to the same size and time stamp ---------

EDITED = ["companies/acme/index.html", "companies/acme/index.json", "data/site.json",
          "assets/factsheet.css", "pagefind/pagefind-entry.json", "404.html"]


@pytest.mark.parametrize("rel", EDITED)
@pytest.mark.parametrize("change", ["same size, time stamp put back", "mode only"])
def test_a_file_changed_behind_the_builds_back_is_repaired(tmp_path: Path, rel: str,
                                                           change: str) -> None:
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    assert build(site, out)[0] == 0
    path = out / rel
    was = path.stat()
    data = bytearray(path.read_bytes())
    if change == "mode only":
        path.chmod(0o600)
        path.chmod(0o644)
    else:
        middle = len(data) // 2
        data[middle] = ord("x") if data[middle] != ord("x") else ord("y")
        path.write_bytes(bytes(data))
    os.utime(path, ns=(was.st_atime_ns, was.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (was.st_size, was.st_mtime_ns)
    code, err = build(site, out)
    assert code == 0, err
    assert tree_bytes(out) == clean_build(site, tmp_path)
    if change == "mode only":  # the same bytes: compared, found the same, nothing made
        assert "0 made again, 0 files written" in err


# --- Ctrl-C: one line, exit 130, the output old or new and never half of each -------------

@pytest.fixture(scope="module")
def small() -> Iterator[SynthSite]:
    with scratch_folder() as root:
        made = make_site(root, 400)
        build_references(made, ("base", "fact"))
        yield made


@SERIAL  # interrupts builds at timed moments
def test_ctrl_c_leaves_one_line_and_a_whole_output(small: SynthSite) -> None:
    rng = random.Random("ctrl-c")
    assert small.build("--quiet").returncode == 0
    state = "base"
    outcomes: Counter[str] = Counter()
    for number in range(8):
        target = ("fact", "base")[number % 2]
        small.set_version(target)
        build = small.start()
        # Not in Python's own start-up (its `site` module), which is Python's to handle.
        time.sleep(rng.uniform(0.3, 1.2 * small.seconds[target]))
        os.killpg(build.pid, signal.SIGINT)  # as a terminal does: the build and its helpers
        _, err = build.communicate(timeout=120)
        where = f"round {number}: {err[-500:]}"
        assert "Traceback" not in err, where
        lines = err.strip().splitlines()
        if build.returncode == 0:
            outcomes["finished first"] += 1
            assert small.which() == target, where
        else:
            # Python ends a program that Ctrl-C stopped by that signal (a shell says 130 for
            # both), but only after factsheet's own line.
            assert build.returncode in (130, -signal.SIGINT), where
            assert lines[-1].startswith("factsheet: interrupted"), where
            late = "interrupted once the build had finished" in lines[-1]
            outcomes["after the build" if late else "before any change"] += 1
            assert small.which() == (target if late else state), where
        assert small.beside() == [], where
        after = small.build("--quiet")
        assert after.returncode == 0, after.stderr
        assert small.which() == target
        state = target
    print(f"\nCtrl-C, 8 times: {dict(outcomes)}")
