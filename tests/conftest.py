"""Shared helpers: small real sites written into temporary folders, and the CLI run in-process."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "cases"

# `make test` runs pytest on two pytest-xdist workers with --dist loadgroup: the tests of this
# group run one after another on one worker, while the other worker runs the rest. They are
# the tests that time something against a bound, kill, interrupt or race builds, or put a
# server under load (`@SERIAL`, or `pytestmark = SERIAL` for a whole file).
SERIAL = pytest.mark.xdist_group("serial")


@pytest.hookimpl(trylast=True)  # after pytest-xdist's own hook
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put each xdist_group's name on its tests' ids (`…@serial`), as pytest-xdist does to
    group them: pytest-xdist 3.8 writes it where pytest 9.2 no longer reads an id from, so
    its groups are silently ignored (pytest-xdist issue #1386). A no-op where it works."""
    if not getattr(config.option, "loadgroup", False):  # set on the workers of --dist loadgroup
        return
    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix):
            from _pytest.nodeid import NodeId  # pytest 9.2's ids, where the fix is needed

            item._id = NodeId.parse(item.nodeid + suffix)


@dataclass(frozen=True)
class Run:
    """What one `factsheet` command printed and returned."""

    code: int
    out: str
    err: str


@pytest.fixture
def factsheet(capsys: pytest.CaptureFixture[str]):
    """Run the factsheet command line in-process: factsheet("build", "--site", dir)."""

    def run(*args: str | Path) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> text or bytes) under `root`; return `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def copy_case(name: str, dest: Path) -> Path:
    """A fresh copy of the site tests/cases/<name> in `dest`."""
    target = dest / name
    shutil.copytree(CASES / name, target)
    return target


def copy_default_site(dest: Path) -> Path:
    """A fresh copy of the repository's default site (site.yaml, content/, templates/, static/)."""
    target = dest / "site"
    target.mkdir()
    shutil.copy(REPO / "site.yaml", target / "site.yaml")
    for folder in ("content", "templates", "static"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder)
    return target


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` as relative POSIX path -> bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; the test is skipped when either is missing."""
    if not CHROMIUM.exists():
        pytest.skip("browser test: Debian's chromium is not installed at /usr/bin/chromium "
                    "(apt-get install chromium; .ci/run does this)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="browser test: playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


GATE_BASE_URL = "https://example.org/facts/"


def in_two_languages(site: Path) -> Path:
    """`site` as a site in English and Spanish (DESIGN §3): its pages, and under es/ the same
    pages in Spanish, so the gates look at each page kind in both."""
    config = site / "site.yaml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("language:")]
    config.write_text("languages: [en, es]\n" + "".join(kept), encoding="utf-8")
    return site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default site built once per session with GATE_BASE_URL, for the quality gates."""
    site = in_two_languages(copy_default_site(tmp_path_factory.mktemp("gates")))
    out = site.parent / "output"
    code = main(["build", "--site", str(site), "--out", str(out), "--base-url", GATE_BASE_URL,
                 "--quiet"])
    assert code == 0, "the default site does not build; run `factsheet build` to see why"
    return out


# Towns and firms of the generated list site: with page_size 10 every long-listing kind has a
# page 2 (95 towns: 10 list pages, 7 timeline years of 13–14 facts; 60 firms seated in town-0:
# a backlink group over the 50 shown, so town-0 has links pages 1–6).
LIST_SITE_TOWNS, LIST_SITE_FIRMS = 95, 60


@pytest.fixture(scope="session")
def built_list_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/listsite.py's site of many records built once per session with GATE_BASE_URL:
    list, browse, links and timeline-year pages 1 and 2, for the quality gates."""
    from tests.listsite import write_list_site  # it imports this module: import it late

    site = in_two_languages(write_list_site(tmp_path_factory.mktemp("gates-list") / "site",
                                            LIST_SITE_TOWNS, LIST_SITE_FIRMS))
    out = site.parent / "output"
    code = main(["build", "--site", str(site), "--out", str(out), "--base-url", GATE_BASE_URL,
                 "--quiet", "--no-cache"])
    assert code == 0, "the generated list site does not build; see tests/listsite.py"
    return out


@pytest.fixture(scope="session")
def built_trust_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/cases/trust built once per session with GATE_BASE_URL: corrections, former
    slugs and their redirects, archived sources, several sources and verdicts."""
    site = in_two_languages(copy_case("trust", tmp_path_factory.mktemp("gates-trust")))
    out = site.parent / "output"
    code = main(["build", "--site", str(site), "--out", str(out), "--base-url", GATE_BASE_URL,
                 "--quiet", "--no-cache"])
    assert code == 0, "tests/cases/trust does not build; run `factsheet build` on it to see why"
    return out
