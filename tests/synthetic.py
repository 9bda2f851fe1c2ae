"""A synthetic site of a few thousand records, its versions, and clean builds of each.

For the tests that run real `python -m generator build` processes against one output folder:
at once (tests/test_concurrent_builds.py), killed at random moments
(tests/test_killed_builds.py) or interrupted (tests/test_output_folders.py). Each version of
the site has a reference: a `--no-cache` build into a folder of its own, kept as the digest
of every file, so an output can be told to be exactly the old site, exactly the new one, or
neither.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import REPO

ENTITIES = 2000  # with one source per 50 entities: 2,040 records, 6,234 output files
SHM = Path("/dev/shm")
BUSY = "another build of this output is running"
# Version -> how it differs from "base": one fact's text (an incremental build), or the
# site's title (a new setting: a full build).
VERSIONS = ("base", "fact", "title")


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A new folder for a site and its outputs, on tmpfs where there is one: these tests
    make thousands of folders, and a disk's mkdir (about 1 ms here) would dominate."""
    home = SHM if SHM.is_dir() and os.access(SHM, os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="factsheet-test-", dir=home))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class SynthSite:
    """A generated site, the folders it is built into, and each version's clean output."""

    root: Path
    site: Path
    out: Path
    env: dict[str, str]
    originals: dict[str, str] = field(default_factory=dict)  # file -> its base text
    refs: dict[str, dict[str, bytes]] = field(default_factory=dict)  # version -> digests
    seconds: dict[str, float] = field(default_factory=dict)  # version -> a clean build's time

    def set_version(self, version: str) -> None:
        """Write the site's files as `version` has them."""
        for rel, text in self.originals.items():
            (self.site / rel).write_text(_edit(rel, text, version), encoding="utf-8")

    def command(self, *args: str, out: Path | None = None) -> list[str]:
        """The `factsheet build` command line for this site."""
        return [sys.executable, "-m", "generator", "build", "--site", str(self.site),
                "--out", str(out or self.out), "--jobs", "2", *args]

    def build(self, *args: str, out: Path | None = None) -> subprocess.CompletedProcess[str]:
        """Run one build to its end."""
        return subprocess.run(self.command(*args, out=out), capture_output=True, text=True,
                              env=self.env, cwd=REPO, timeout=600)

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start a build and return at once (its own process group, as from a terminal)."""
        return subprocess.Popen(self.command(*args), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=self.env, cwd=REPO,
                                start_new_session=True)

    def which(self) -> str | None:
        """The version whose clean build the output is, byte for byte; None if none."""
        now = tree_digests(self.out) if self.out.is_dir() else {}
        return next((v for v, ref in self.refs.items() if ref == now), None)

    def beside(self) -> list[str]:
        """What is beside the site and its output: leftovers of a build, if anything."""
        return sorted(n for n in os.listdir(self.root)
                      if n not in {"site", "out", "refs", "user-cache"})


def assert_trusted(made: SynthSite, version: str) -> None:
    """The cache the last build left is trusted: the next build has nothing to do, unless
    factsheet's own files changed meanwhile (then it builds everything, as it should)."""
    again = made.build()
    assert again.returncode == 0, again.stderr
    assert "0 made again, 0 files written" in again.stderr \
        or "the build cache is from another version of factsheet" in again.stderr, again.stderr
    assert made.which() == version


def make_site(root: Path, entities: int = ENTITIES) -> SynthSite:
    """benchmarks/synth.py's corpus of `entities`, written as a site by convert.py."""
    corpus = root / "corpus.json"
    site = root / "site"
    subprocess.run([sys.executable, str(REPO / "benchmarks/synth.py"), "--entities",
                    str(entities), "--out", str(corpus)], check=True)
    subprocess.run([sys.executable, str(REPO / "benchmarks/peer/convert.py"), str(corpus),
                    str(site)], check=True)
    corpus.unlink()
    env = dict(os.environ, XDG_CACHE_HOME=str(root / "user-cache"))
    made = SynthSite(root, site, root / "out", env)
    company = sorted((site / "content/companies").glob("*.yaml"))[0]
    for path in (site / "site.yaml", company):
        made.originals[path.relative_to(site).as_posix()] = path.read_text(encoding="utf-8")
    return made


def build_references(made: SynthSite, versions: tuple[str, ...] = VERSIONS) -> None:
    """A clean (`--no-cache`) build of each version, kept as digests."""
    import time

    for version in versions:
        made.set_version(version)
        folder = made.root / "refs" / version
        began = time.perf_counter()
        done = made.build("--no-cache", "--quiet", out=folder)
        made.seconds[version] = time.perf_counter() - began
        assert done.returncode == 0, done.stderr
        made.refs[version] = tree_digests(folder)
        shutil.rmtree(folder)
    made.set_version("base")


def tree_digests(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative POSIX path) -> a digest of its bytes."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as data:
                found[os.path.relpath(path, root).replace(os.sep, "/")] = \
                    hashlib.blake2b(data.read(), digest_size=16).digest()
    return found


def _edit(rel: str, text: str, version: str) -> str:
    if version == "fact" and rel.startswith("content/"):
        return re.sub(r"(?m)^(    text: .*)$", r"\1 (revised)", text, count=1)
    if version == "title" and rel == "site.yaml":
        return re.sub(r"(?m)^(title: .*)$", r"\1 (second edition)", text, count=1)
    return text
