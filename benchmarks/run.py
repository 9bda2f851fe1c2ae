#!/usr/bin/env python3
"""factsheet's own timings: builds and dev-server rebuilds of invented sites of N records.

    .venv/bin/python benchmarks/run.py [--sizes 1000 10000 100000] [--runs 5] [--dir DIR]
        [--json PATH] [--factsheet PATH]
        [--measures full,no-change,one-change,check-edit,serve-edit]

For each N, benchmarks/synth.py makes a corpus and benchmarks/peer/convert.py writes it as a
site into DIR/n<N>/, then each measure runs --runs times:

  full        clean build: output/ and .cache/ deleted first
  no-change   `factsheet build` again, nothing changed
  one-change  one company's fact text changed to a new value, then `factsheet build`
  serve-edit  `factsheet serve` running (its first build done, a livereload WebSocket
              connected): from saving one record to the moment the `reload` message has
              arrived and the record's page, fetched over HTTP, shows the new text.
              The server's start (first build until it answers) is reported as serve-start.

Wall seconds are median/min/max over the runs; peak RSS is the largest single process
(`os.wait4`'s ru_maxrss for the command, covering its waited-for children such as Pagefind;
for serve, the server's whole life). Prints a Markdown table, writes every number and the
machine's facts as JSON (--json, default DIR/results.json). Run it with the repo's venv
python: serve-edit needs tornado, which comes with livereload.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from builds import BenchError, Result, measure_builds, prepare_site  # noqa: E402
from synth import split_counts  # noqa: E402

REPO = HERE.parent
MEASURES = ("full", "no-change", "one-change", "check-edit", "serve-edit")
DEFAULT_SIZES = (1000, 10000, 100000)
SHM = Path("/dev/shm")


def default_dir() -> Path:
    """/dev/shm/factsheet-bench on tmpfs (see bench-peers' README: ext4 mkdir noise), else temp."""
    if fs_type(SHM) == "tmpfs" and os.access(SHM, os.W_OK):
        return SHM / "factsheet-bench"
    return Path(tempfile.mkdtemp(prefix="factsheet-bench-"))


def fs_type(path: Path) -> str:
    """The file system type of the mount holding `path` (from /proc/mounts)."""
    real, best, kind = os.path.realpath(path), "", "unknown"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    for line in mounts:
        parts = line.split()
        point = parts[1].replace("\\040", " ")
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def machine_facts(work_dir: Path, factsheet: str) -> dict[str, Any]:
    """Cores, memory, kernel, Pythons, file system and git commit: what the numbers depend on."""
    def run(*command: str) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
        return (done.stdout or done.stderr).strip()

    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    return {
        "cores": os.cpu_count(), "cores_usable": len(os.sched_getaffinity(0)),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "ram_gib": round(int(mem.group(1)) / 1048576, 1) if mem else None,
        "kernel": f"{platform.system()} {platform.release()}",
        "python_runner": platform.python_version(),
        "factsheet": run(factsheet, "--version"),
        "factsheet_python": run(str(Path(factsheet).with_name("python")), "--version"),
        "work_dir": str(work_dir), "filesystem": fs_type(work_dir),
        "git_commit": run("git", "-C", str(REPO), "rev-parse", "HEAD"),
        "git_generator_dirty": bool(run("git", "-C", str(REPO), "status", "--porcelain",
                                        "--", "generator")),
        "load_average": os.getloadavg(),
    }


def table(results: list[Result]) -> str:
    """The results as a Markdown table."""
    lines = ["| N | records | measure | runs | median s | min s | max s | peak RSS MB |",
             "|---:|---:|---|---:|---:|---:|---:|---:|"]
    for r in results:
        s = r.summary()
        records = r.entities + split_counts(r.entities)["sources"]
        rss = f"{s['peak_rss_mb']:.0f}" if s["peak_rss_mb"] is not None else "-"
        lines.append(f"| {r.entities} | {records} | {r.measure} | {s['runs']} | "
                     f"{s['median_s']:.2f} | {s['min_s']:.2f} | {s['max_s']:.2f} | {rss} |")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        metavar="N", help="entities per site (default: 1000 10000 100000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measure (5)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (1)")
    parser.add_argument("--dir", type=Path, help="work folder (default: /dev/shm/"
                        "factsheet-bench on tmpfs, else a new temporary folder)")
    parser.add_argument("--json", type=Path, help="raw numbers (default: DIR/results.json)")
    parser.add_argument("--factsheet", default=str(REPO / ".venv" / "bin" / "factsheet"),
                        help="the factsheet command (default: the repo's .venv)")
    parser.add_argument("--measures", default=",".join(MEASURES),
                        help=f"comma-separated subset of {','.join(MEASURES)}")
    parser.add_argument("--jobs", type=int, default=0,
                        help="factsheet build --jobs (default: factsheet's own, every core)")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds to wait for the dev server, per step (900)")
    parser.add_argument("--keep", action="store_true",
                        help="keep each generated site (default: delete it once measured)")
    args = parser.parse_args(argv)
    args.measures = [m.strip() for m in args.measures.split(",") if m.strip()]
    unknown = sorted(set(args.measures) - set(MEASURES))
    if unknown or not args.measures:
        parser.error(f"unknown measure(s) {unknown}; choose from {', '.join(MEASURES)}")
    if args.runs < 1 or any(n < 1 for n in args.sizes):
        parser.error("--runs and --sizes must be 1 or more")
    if not (os.access(args.factsheet, os.X_OK) or shutil.which(args.factsheet)):
        parser.error(f"{args.factsheet} is not a program; run 'make site' or pass --factsheet")
    return args


def main(argv: list[str] | None = None) -> int:
    """Measure every size and measure asked for; print the table, write the JSON."""
    args = parse_args(argv)
    work_dir: Path = args.dir or default_dir()
    work_dir.mkdir(parents=True, exist_ok=True)
    json_path: Path = args.json or work_dir / "results.json"
    facts = machine_facts(work_dir, args.factsheet)
    print(f"machine: {facts['cores']} cores, {facts['ram_gib']} GiB, {facts['kernel']}, "
          f"{facts['factsheet']} on {facts['factsheet_python']}, work dir {work_dir} "
          f"({facts['filesystem']}), commit {facts['git_commit'][:12]}"
          f"{' (generator/ modified)' if facts['git_generator_dirty'] else ''}", file=sys.stderr)
    results: list[Result] = []
    for n in args.sizes:
        results += measure_size(args, work_dir, n)
    report = table(results)
    print(report)
    settings = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps({
        "machine": facts, "settings": settings,
        "results": [{"entities": r.entities, "measure": r.measure, **r.summary(),
                     "samples": [asdict(s) for s in r.samples]} for r in results],
    }, indent=1) + "\n", encoding="utf-8")
    print(f"raw numbers: {json_path}", file=sys.stderr)
    return 0


def measure_size(args: argparse.Namespace, work_dir: Path, n: int) -> list[Result]:
    """Every measure asked for, at one size; the site is deleted afterwards unless --keep."""
    started = time.monotonic()
    site = prepare_site(work_dir, n, args.seed)
    print(f"N={n}: site written in {time.monotonic() - started:.1f} s ({site.dir})",
          file=sys.stderr)
    try:
        results = measure_builds(args.factsheet, site, args.measures, args.runs, args.jobs)
        if "serve-edit" in args.measures:
            from serve_edit import measure_serve  # tornado: only when serve is measured

            results += measure_serve(args.factsheet, site, args.runs, args.timeout)
    finally:
        site.log.close()
        if not args.keep:
            shutil.rmtree(site.dir, ignore_errors=True)
    for r in results:
        s = r.summary()
        print(f"N={n} {r.measure}: median {s['median_s']:.2f} s", file=sys.stderr)
    return results


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as failed:
        print(f"run.py: error: {failed}", file=sys.stderr)
        sys.exit(1)
