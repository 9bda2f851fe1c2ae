"""The build measures of benchmarks/run.py, and the data every measure shares."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from peer.convert import record_path, record_yaml, write_site
from synth import make_corpus


class BenchError(Exception):
    """A build or the server failed; the message says where its log is."""


@dataclass
class Sample:
    """One timed run."""

    seconds: float
    rss_mb: float | None = None
    extra: dict[str, float] = field(default_factory=dict)


@dataclass
class Result:
    """Every run of one measure at one size."""

    entities: int
    measure: str
    samples: list[Sample]

    def summary(self) -> dict[str, Any]:
        """Median, min and max seconds and the largest peak RSS."""
        secs = [s.seconds for s in self.samples]
        rss = [s.rss_mb for s in self.samples if s.rss_mb is not None]
        return {"runs": len(secs), "median_s": statistics.median(secs), "min_s": min(secs),
                "max_s": max(secs), "peak_rss_mb": max(rss) if rss else None}


@dataclass
class Site:
    """A generated benchmark site and the record that the change measures edit."""

    entities: int
    dir: Path
    corpus: dict[str, Any]
    log: TextIO
    edits: int = 0

    @property
    def edited(self) -> dict[str, Any]:
        company: dict[str, Any] = self.corpus["companies"][0]
        return company

    def page_url(self) -> str:
        """The edited record's page, relative to the site root."""
        return f"companies/{self.edited['slug']}/"

    def edit(self) -> str:
        """Save the edited record with new fact text (atomically, as editors do); return it."""
        self.edits += 1
        marker = f"Benchmark edit {self.edits}."
        company = json.loads(json.dumps(self.edited))
        company["facts"][0]["text"] = f"{company['facts'][0]['text']} {marker}"
        path = record_path(self.dir, "companies", company["slug"])
        temp = path.with_name(f".{path.name}.tmp")  # dot files are not content: not watched
        temp.write_text(record_yaml("companies", company), encoding="utf-8")
        os.replace(temp, path)
        return marker


def run_build(factsheet: str, site: Site, jobs: int) -> Sample:
    """One `factsheet build` of the site, timed, with its peak RSS."""
    command = [factsheet, "build", "--site", str(site.dir)]
    if jobs > 0:  # else factsheet's own default: every core
        command += ["--jobs", str(jobs)]
    return _run(command, site)


def run_check(factsheet: str, site: Site) -> Sample:
    """One `factsheet check` of the site, timed, with its peak RSS."""
    return _run([factsheet, "check", "--site", str(site.dir)], site)


def _run(command: list[str], site: Site) -> Sample:
    site.log.write(f"\n$ {' '.join(command)}\n")
    site.log.flush()
    started = time.monotonic()
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=site.log,
                            stderr=site.log)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise BenchError(f"factsheet {command[1]} exited {proc.returncode}; see "
                         f"{site.log.name}")
    return Sample(seconds, usage.ru_maxrss / 1024)


def clean(site: Site) -> None:
    """Delete the output and the build cache, for a full build."""
    for name in ("output", ".cache"):
        shutil.rmtree(site.dir / name, ignore_errors=True)


def measure_builds(factsheet: str, site: Site, measures: list[str], runs: int,
                   jobs: int) -> list[Result]:
    """The build measures asked for, in the order full, no-change, one-change, check-edit
    (`factsheet check` after a build and an edit, as the README says to run it)."""
    results = []
    if "full" in measures:
        samples = []
        for _ in range(runs):
            clean(site)
            samples.append(run_build(factsheet, site, jobs))
        results.append(Result(site.entities, "full", samples))
    if {"no-change", "one-change", "check-edit"} & set(measures) \
            and not (site.dir / "output").is_dir():
        run_build(factsheet, site, jobs)  # untimed: the later measures start from a build
    if "no-change" in measures:
        samples = [run_build(factsheet, site, jobs) for _ in range(runs)]
        results.append(Result(site.entities, "no-change", samples))
    if "one-change" in measures:
        samples = []
        for _ in range(runs):
            site.edit()
            samples.append(run_build(factsheet, site, jobs))
        results.append(Result(site.entities, "one-change", samples))
    if "check-edit" in measures:
        run_build(factsheet, site, jobs)  # untimed: check reads the cache of a build
        samples = []
        for _ in range(runs):
            site.edit()
            samples.append(run_check(factsheet, site))
        results.append(Result(site.entities, "check-edit", samples))
    return results


def prepare_site(root: Path, entities: int, seed: int) -> Site:
    """Generate the corpus of `entities` records and write its site under `root`."""
    corpus = make_corpus(entities, seed)
    site_dir = root / f"n{entities}"
    write_site(corpus, site_dir)
    log = (root / f"n{entities}.log").open("w", encoding="utf-8")
    return Site(entities, site_dir, corpus, log)
