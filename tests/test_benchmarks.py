"""benchmarks/: the synthetic corpus, its factsheet site, the peer harness's build, and run.py."""

from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.peer.convert import write_site
from benchmarks.synth import dump_corpus, make_corpus, split_counts
from benchmarks.synth import main as synth_main

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
FACTSHEET = Path(sys.executable).with_name("factsheet")
HARNESS_VERIFY = REPO.parent / "shared" / "bench-peers" / "verify.py"
SECTIONS = ("companies", "cities", "studies", "sources")
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

needs_factsheet = pytest.mark.skipif(not FACTSHEET.exists(),
                                     reason=f"no factsheet command next to {sys.executable}")


def test_synth_is_deterministic_per_size_and_seed() -> None:
    assert dump_corpus(make_corpus(300, 7)) == dump_corpus(make_corpus(300, 7))
    assert dump_corpus(make_corpus(300, 7)) != dump_corpus(make_corpus(300, 8))
    assert make_corpus(301, 7)["companies"] != make_corpus(300, 7)["companies"]


def test_synth_command_writes_the_same_json(tmp_path: Path) -> None:
    assert synth_main(["--entities", "50", "--seed", "2", "--out", str(tmp_path / "c.json")]) == 0
    assert (tmp_path / "c.json").read_text(encoding="utf-8") == dump_corpus(make_corpus(50, 2))


def test_synth_has_the_harness_proportions() -> None:
    corpus = make_corpus(1000, 1)
    assert {k: len(corpus[k]) for k in SECTIONS} == {
        "companies": 600, "cities": 300, "studies": 100, "sources": 20}
    assert split_counts(1000) == {"companies": 600, "cities": 300, "studies": 100, "sources": 20}
    for kind, low, high in (("companies", 3, 5), ("cities", 2, 3), ("studies", 1, 2)):
        assert {len(e["facts"]) for e in corpus[kind]} == set(range(low, high + 1))
    slugs = [e["slug"] for k in SECTIONS for e in corpus[k]]
    assert len(set(slugs)) == len(slugs) and all(SLUG.fullmatch(s) for s in slugs)
    for company in corpus["companies"]:
        text = company["description"]
        assert 80 <= len(text.split()) <= 120 and text.count("\n\n") == 1
        assert "**" in text and f"(https://example.com/companies/{company['slug']})" in text
    assert all("**" in s["findings"] and "](https://" in s["findings"]
               for s in corpus["studies"])
    hubs = {c["slug"] for c in corpus["cities"][:15]}  # the first 5 %
    in_hubs = sum(c["headquarters"] in hubs for c in corpus["companies"])
    assert 0.45 < in_hubs / 600 < 0.6  # half by design, plus the hubs' share of the rest


def test_synth_references_resolve() -> None:
    corpus = make_corpus(400, 3)
    slugs = {k: {e["slug"] for e in corpus[k]} for k in SECTIONS}
    assert all(c["headquarters"] in slugs["cities"] for c in corpus["companies"])
    assert all(set(s["subjects"]) <= slugs["companies"] for s in corpus["studies"])
    facts = [f for k in ("companies", "cities", "studies") for e in corpus[k] for f in e["facts"]]
    assert all(f["source"] in slugs["sources"] for f in facts)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", f["date"]) for f in facts)
    assert any("*" in f["text"] for f in facts)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_write_site_is_byte_identical_and_refuses_other_folders(tmp_path: Path) -> None:
    corpus = make_corpus(60, 1)
    write_site(corpus, tmp_path / "a")
    write_site(corpus, tmp_path / "b")
    write_site(corpus, tmp_path / "b")  # replaces its own earlier site
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert len(list((tmp_path / "a" / "content").rglob("*.yaml"))) == 61
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SystemExit):
        write_site(corpus, mine)
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.fixture(scope="module")
def built_peer_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """A 60-record corpus written by convert.py and built by the harness's build.sh."""
    if not FACTSHEET.exists():
        pytest.skip(f"no factsheet command next to {sys.executable}")
    root = tmp_path_factory.mktemp("peer")
    corpus = make_corpus(60, 1)
    (root / "corpus.json").write_text(dump_corpus(corpus), encoding="utf-8")
    site = root / "site"
    subprocess.run([sys.executable, BENCH / "peer" / "convert.py", root / "corpus.json", site],
                   check=True)
    done = subprocess.run(["bash", BENCH / "peer" / "build.sh"], cwd=site, capture_output=True,
                          text=True, env={**os.environ, "FACTSHEET": str(FACTSHEET)})
    assert done.returncode == 0, done.stderr
    return corpus, site / "output"


def test_peer_build_has_exactly_the_harness_pages(built_peer_site: tuple[dict, Path]) -> None:
    corpus, out = built_peer_site
    html = sorted(str(p.relative_to(out)) for p in out.rglob("*.html"))
    expected = {f"{k}/{e['slug']}/index.html" for k in SECTIONS for e in corpus[k]}
    expected |= {f"{k}/index.html" for k in SECTIONS} | {"index.html"}
    assert len(html) == 60 + 1 + 5 and set(html) == expected
    assert (out / "feed.xml").is_file() and (out / "sitemap.xml").is_file()
    assert (out / "pagefind").is_dir()  # the search index is still built, and timed


def test_peer_build_links_what_verify_checks(built_peer_site: tuple[dict, Path]) -> None:
    corpus, out = built_peer_site
    based = collections.defaultdict(set)
    for company in corpus["companies"]:
        based[company["headquarters"]].add(company["slug"])
    city = max(corpus["cities"], key=lambda c: len(based[c["slug"]]))
    page = (out / "cities" / city["slug"] / "index.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="(?:\.\./)+companies/([a-z0-9-]+)/index\.html"', page))
    assert linked == based[city["slug"]]
    company = corpus["companies"][0]
    page = (out / "companies" / company["slug"] / "index.html").read_text(encoding="utf-8")
    assert f'href="https://example.com/companies/{company["slug"]}"' in page
    assert "<strong>" in page and f'cities/{company["headquarters"]}/index.html"' in page


@pytest.mark.skipif(not HARNESS_VERIFY.exists(), reason="the peer harness is not next to "
                    "this repository (../shared/bench-peers)")
def test_peer_build_passes_the_harness_verify(built_peer_site: tuple[dict, Path]) -> None:
    _, out = built_peer_site
    corpus_file = out.parent.parent / "corpus.json"
    done = subprocess.run([sys.executable, HARNESS_VERIFY, "--corpus", corpus_file, "--out", out,
                           "--peer", "factsheet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["ok"]


@needs_factsheet
def test_run_py_reports_every_measure(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, BENCH / "run.py", "--sizes", "60", "--runs", "1", "--dir",
         tmp_path / "work", "--json", results, "--factsheet", FACTSHEET, "--timeout", "60"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    measures = ("full", "no-change", "one-change", "check-edit", "serve-start", "serve-edit")
    for measure in measures:
        assert re.search(rf"^\| 60 \| 61 \| {measure} \| 1 \|", done.stdout, re.M), done.stdout
    data = json.loads(results.read_text(encoding="utf-8"))
    assert [r["measure"] for r in data["results"]] == list(measures)
    assert all(r["median_s"] > 0 and r["peak_rss_mb"] > 0 for r in data["results"])
    serve = data["results"][-1]["samples"][0]
    assert 0 < serve["extra"]["reload_message_s"] <= serve["seconds"]
    assert {"cores", "ram_gib", "kernel", "filesystem", "git_commit"} <= data["machine"].keys()
    assert not (tmp_path / "work" / "n60").exists()  # deleted once measured (no --keep)
