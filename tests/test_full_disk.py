"""Full disks and read-only places, for real: small tmpfs mounts that the kernel fills up or
refuses to write, and a user with no home folder.

- The output's disk full: one error line, exit 1, the old output byte for byte.
- The cache's disk full or read-only, the key's folder full, read-only or missing (HOME
  unset, a file, relative): the output is written (exit 0) and one warning says the cache
  could not be; nothing half-written is left (no empty key that would turn caching off).

Mounting needs root (CAP_SYS_ADMIN); where it is refused those tests are skipped, and the
same refusals are made by the kernel another way: RLIMIT_FSIZE (EFBIG) in a process of its
own, and chmod for a user that is not root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.store.cache import CACHE_DIR, CACHE_FILE
from generator.store.key import KEY_NAME
from tests.conftest import REPO, copy_case, tree_bytes
from tests.hardening import run_cli

ACME = "content/companies/acme.yaml"
NOT_WRITTEN = "the next build cannot reuse this one's work"


def _can_mount() -> str:
    """Why a tmpfs cannot be mounted here, or '' when it can."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return "mounting a tmpfs needs root and mount(8)"
    with tempfile.TemporaryDirectory() as trial:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", trial],
                              capture_output=True, text=True)
        if done.returncode != 0:
            return f"mount -t tmpfs was refused: {done.stderr.strip()}"
        subprocess.run(["umount", trial], check=True)
    return ""


CANNOT_MOUNT = _can_mount()
needs_mount = pytest.mark.skipif(bool(CANNOT_MOUNT), reason=CANNOT_MOUNT)


@contextlib.contextmanager
def tmpfs(where: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `where` (made if missing) for the `with` block."""
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                   check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(disk: Path, leave_kb: int) -> None:
    """Fill the file system of `disk` but `leave_kb` KB, with a file named filler."""
    status = os.statvfs(disk)
    free = status.f_bavail * status.f_frsize - leave_kb * 1024
    with (disk / "filler").open("ab") as filler:
        while free > 0:
            chunk = min(free, 1 << 20)
            try:
                filler.write(b"\0" * chunk)
                filler.flush()
            except OSError:
                break
            free -= chunk


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def _edit(site: Path, name: str = "Acme Holdings") -> None:
    acme = site / ACME
    text = acme.read_text()
    start = text.index("name: ")
    acme.write_text(text[:start] + f"name: {name}" + text[text.index("\n", start):])


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The edited site's output, built on a roomy disk without a cache."""
    root = tmp_path_factory.mktemp("reference")
    site = copy_case("basic", root)
    _edit(site)
    assert run_cli("build", "--site", site, "--out", root / "out", "--no-cache", "-q").code == 0
    return tree_bytes(root / "out")


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own key folder ($XDG_CACHE_HOME)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    return tmp_path / "user-cache"


def _said(err: str) -> list[str]:
    """The error, warning and note lines, but the one every site without base_url gets."""
    return [line for line in err.splitlines()
            if any(f": {s}: " in line for s in ("error", "warning", "note"))
            and "no base_url" not in line]


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# The output's disk fills up ----------------------------------------------------------------

@needs_mount
@pytest.mark.parametrize("leave_kb", [0, 8, 48, 160, 400, 2000])
@pytest.mark.parametrize("cached", [True, False], ids=["incremental", "whole"])
def test_a_full_output_disk_fails_cleanly_and_keeps_the_old_output(
        tmp_path: Path, keys: Path, reference: dict[str, bytes], leave_kb: int,
        cached: bool) -> None:
    """Whatever moment the disk fills at (pages, static files, the search index, the swap),
    the build fails with one line and the old output stays; or it fits, and is right."""
    site = copy_case("basic", tmp_path)
    with tmpfs(tmp_path / "disk") as disk:
        out = disk / "out"
        assert run_cli("build", "--site", site, "--out", out, "-q").code == 0
        before = tree_bytes(out)
        fill(disk, leave_kb)
        _edit(site)
        outcome = run_cli("build", "--site", site, "--out", out,
                          *(() if cached else ("--no-cache",)))
        assert "Traceback" not in outcome.err
        if leave_kb >= 2000:  # room for a whole new output beside the old one
            assert outcome.code == 0, outcome.err
        if outcome.code == 0:  # it fitted
            assert tree_bytes(out) == reference
            return
        assert outcome.code == 1
        assert _said(outcome.err) == [f"{out}:1:1: error: cannot write the output: No space "
                                      "left on device"] \
            or _said(outcome.err) == ["search:1:1: error: cannot build the search index: No "
                                      "space left on device"], outcome.err
        assert tree_bytes(out) == before
        assert sorted(os.listdir(disk)) == ["filler", "out"], "the build left work beside it"


# The cache's disk is full or read-only -----------------------------------------------------

@needs_mount
@pytest.mark.parametrize("leave_kb", [0, 4, 12, 256])
def test_a_full_cache_disk_costs_speed_only(tmp_path: Path, keys: Path,
                                            reference: dict[str, bytes], leave_kb: int) -> None:
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    with tmpfs(site / ".cache", "1m") as disk:
        assert run_cli("build", "--site", site, "--out", out, "-q").code == 0
        fill(disk, leave_kb)
        _edit(site)
        outcome = run_cli("build", "--site", site, "--out", out)
        assert outcome.code == 0, outcome.err
        assert tree_bytes(out) == reference
        said = _said(outcome.err)
        if said:
            assert len(said) == 1 and said[0].endswith(
                f"warning: cannot write the build cache (database or disk is full); "
                f"{NOT_WRITTEN}"), said
            assert said[0].split(":")[0] == CACHE_FILE
        # No half-written file is left, and what is there is trusted or ignored, never a
        # traceback: the next build is right too.
        assert set(_files(disk / "factsheet")) <= {"store.sqlite", "store.sqlite-journal"}
        again = run_cli("build", "--site", site, "--out", out)
        assert again.code == 0 and "Traceback" not in again.err
        assert tree_bytes(out) == reference
    if leave_kb >= 256:
        assert not said, "with room to spare the cache is written"


@needs_mount
def test_a_read_only_cache_costs_speed_only(tmp_path: Path, keys: Path,
                                            reference: dict[str, bytes]) -> None:
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "-q").code == 0
    kept = tree_bytes(site / ".cache")
    shutil.rmtree(site / ".cache")
    with tmpfs(site / ".cache", "1m") as disk:
        for rel, data in kept.items():
            (disk / rel).parent.mkdir(parents=True, exist_ok=True)
            (disk / rel).write_bytes(data)
        remount_read_only(disk)
        _edit(site)
        for _ in range(2):  # the stale cache stays, and each build still makes it right
            outcome = run_cli("build", "--site", site, "--out", out)
            assert outcome.code == 0, outcome.err
            assert _said(outcome.err) == [
                f"{CACHE_FILE}:1:1: warning: cannot write the build cache (attempt to write a "
                f"readonly database); {NOT_WRITTEN}"]
            assert tree_bytes(out) == reference
        assert tree_bytes(disk) == kept


@needs_mount
def test_a_read_only_site_folder_without_a_cache(tmp_path: Path, keys: Path,
                                                 reference: dict[str, bytes]) -> None:
    """A site on a read-only disk (a CI checkout, say) builds into a writable --out."""
    site = copy_case("basic", tmp_path)
    _edit(site)
    kept = tree_bytes(site)
    shutil.rmtree(site)
    with tmpfs(site, "1m"):
        for rel, data in kept.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_bytes(data)
        remount_read_only(site)
        outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
        assert outcome.code == 0, outcome.err
        assert _said(outcome.err) == [
            f"{CACHE_DIR}:1:1: warning: cannot write the build cache (Read-only file system); "
            f"{NOT_WRITTEN}"]
        assert tree_bytes(tmp_path / "out") == reference


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes where chmod forbids; the mounts "
                    "above test a read-only cache for root")
def test_a_cache_folder_without_write_permission(tmp_path: Path, keys: Path,
                                                 reference: dict[str, bytes]) -> None:
    site = copy_case("basic", tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "-q").code == 0
    (site / CACHE_DIR).chmod(0o555)
    try:
        _edit(site)
        outcome = run_cli("build", "--site", site, "--out", out)
    finally:
        (site / CACHE_DIR).chmod(0o755)
    assert outcome.code == 0, outcome.err
    assert _said(outcome.err) == [f"{CACHE_FILE}:1:1: warning: cannot write the build cache "
                                  f"(Permission denied); {NOT_WRITTEN}"]
    assert tree_bytes(out) == reference


# The key's folder: full, read-only, missing ------------------------------------------------

def _key_warning(folder: Path, reason: str, doing: str = "make") -> str:
    return (f"{folder / 'factsheet' / KEY_NAME}:1:1: warning: cannot {doing} the cache key "
            f"({reason}); the build cache is neither read nor written")


@needs_mount
@pytest.mark.parametrize("state", ["full", "read-only"])
def test_a_key_folder_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             reference: dict[str, bytes], state: str) -> None:
    site = copy_case("basic", tmp_path)
    _edit(site)
    with tmpfs(tmp_path / "home-cache", "64k") as disk:
        (disk / "factsheet").mkdir()
        if state == "full":
            fill(disk, 0)
        else:
            remount_read_only(disk)
        monkeypatch.setenv("XDG_CACHE_HOME", str(disk))
        for _ in range(2):
            outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
            assert outcome.code == 0, outcome.err
            reason = "No space left on device" if state == "full" else "Read-only file system"
            assert _said(outcome.err) == [_key_warning(disk, reason)]
            assert tree_bytes(tmp_path / "out") == reference
            # No key, and above all no empty key that would turn caching off for good.
            assert os.listdir(disk / "factsheet") == []
            assert not (site / CACHE_FILE).exists()
    # Once the disk is roomy again, the next build makes its key and its cache.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "roomy"))
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert _said(outcome.err) == [] and (site / CACHE_FILE).is_file()


NO_PLACE = ("~/.cache/factsheet/cache-key:1:1: warning: no place for the cache key: neither "
            "XDG_CACHE_HOME nor HOME is set to a full path, and this user has no home folder; "
            "the build cache is neither read nor written")


def _no_account_build(site: Path, out: Path, env: dict[str, str]
                      ) -> subprocess.CompletedProcess[str]:
    """Build as a user id with no account (so no home folder in the user database), in a
    user namespace of its own: `unshare --user --map-user`."""
    command = ["unshare", "--user", "--map-user=54321", "--map-group=54321", sys.executable,
               "-m", "generator", "build", "--site", str(site), "--out", str(out)]
    return subprocess.run(command, cwd=site.parent, env=env, capture_output=True, text=True,
                          timeout=60)


def _unshare_works() -> str:
    if shutil.which("unshare") is None:
        return "unshare(1) is not installed"
    done = subprocess.run(["unshare", "--user", "--map-user=54321", "--map-group=54321",
                           sys.executable, "-c", "import os; print(os.getuid())"],
                          capture_output=True, text=True)
    if done.stdout.strip() != "54321":
        return f"user namespaces are not allowed here: {done.stderr.strip()}"
    return ""


CANNOT_UNSHARE = _unshare_works()


@pytest.mark.skipif(bool(CANNOT_UNSHARE), reason=CANNOT_UNSHARE)
@pytest.mark.parametrize("home", ["unset", "empty", "relative"])
def test_no_home_folder_at_all(tmp_path: Path, reference: dict[str, bytes], home: str) -> None:
    """HOME unset, empty or relative, XDG_CACHE_HOME likewise, and no account to ask: the
    build works, says there is no place for the key, and makes no folder called '~' (or
    'relative') where it runs."""
    site = copy_case("basic", tmp_path)
    _edit(site)
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME")}
    env["PYTHONPATH"] = str(REPO)
    if home != "unset":
        env["HOME"] = env["XDG_CACHE_HOME"] = "" if home == "empty" else "relative"
    result = _no_account_build(site, tmp_path / "out", env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert _said(result.stderr) == [NO_PLACE]
    assert tree_bytes(tmp_path / "out") == reference
    assert sorted(os.listdir(tmp_path)) == ["basic", "out"]
    assert not (site / ".cache").exists()


def test_home_is_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        reference: dict[str, bytes]) -> None:
    site = copy_case("basic", tmp_path)
    _edit(site)
    (tmp_path / "home").write_text("a file, not a folder")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert outcome.code == 0, outcome.err
    assert _said(outcome.err) == [_key_warning(tmp_path / "home" / ".cache",
                                               "Not a directory", "read")]
    assert tree_bytes(tmp_path / "out") == reference


@needs_mount
def test_home_is_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           reference: dict[str, bytes]) -> None:
    site = copy_case("basic", tmp_path)
    _edit(site)
    with tmpfs(tmp_path / "home", "64k") as home:
        remount_read_only(home)
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        monkeypatch.setenv("HOME", str(home))
        outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert outcome.code == 0, outcome.err
    assert _said(outcome.err) == [_key_warning(home / ".cache", "Read-only file system")]
    assert tree_bytes(tmp_path / "out") == reference


def test_home_that_does_not_exist_yet_is_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    """As `mkdir -p ~/.cache` would: a HOME not made yet gets its cache folder."""
    site = copy_case("basic", tmp_path)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "new-home"))
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert outcome.code == 0 and _said(outcome.err) == []
    key = tmp_path / "new-home" / ".cache" / "factsheet" / KEY_NAME
    assert key.stat().st_size == 32 and (key.stat().st_mode & 0o777) == 0o600


# The same refusals without a mount: a file size limit (EFBIG), in a process of its own ----

_STORE_UNDER_LIMIT = """
import resource, signal, sys
from pathlib import Path
from generator.build import Options, build_site
from generator.store.cache import save_cache
from generator.store.key import cache_key
site, out, limit, what = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
result = build_site(site, out, options=Options(save=False))  # the output, under no limit
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
notes = save_cache(site, result.cache) if what == "cache" else cache_key(make=True).notes
for note in notes:
    print(note.format())
"""


@pytest.mark.parametrize(("what", "limit", "expected"), [
    ("key", 0, "cannot make the cache key (File too large)"),
    ("key", 31, "cannot make the cache key (File too large)"),
    ("cache", 0, "cannot write the build cache (disk I/O error)"),
    ("cache", 3_000, "cannot write the build cache (disk I/O error)"),
    ("cache", 10**7, ""),
])
def test_a_file_size_limit_in_a_real_process(tmp_path: Path, what: str, limit: int,
                                             expected: str) -> None:
    site = copy_case("basic", tmp_path)
    keys = tmp_path / "user-cache"
    if what == "cache":  # the key made beforehand, so that the cache's own write is refused
        assert run_cli("build", "--site", site, "--out", tmp_path / "first", "--no-cache",
                       "-q").code == 0
        (keys / "factsheet").mkdir(parents=True)
        (keys / "factsheet" / KEY_NAME).write_bytes(os.urandom(32))
    env = {**os.environ, "XDG_CACHE_HOME": str(keys), "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", _STORE_UNDER_LIMIT, str(site),
                             str(tmp_path / "out"), str(limit), what], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (expected in result.stdout) if expected else result.stdout == "", result.stdout
    if what == "key":
        assert os.listdir(keys / "factsheet") == [], "a key half made was left"
    else:
        # A store that could not be written holds no build, and the next build says nothing.
        assert set(_files(site / ".cache")) <= {"factsheet/store.sqlite"}
        again = subprocess.run([sys.executable, "-m", "generator", "build", "--site", str(site),
                                "--out", str(tmp_path / "out")], cwd=REPO, env=env,
                               capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and _said(again.stderr) == [], again.stderr

