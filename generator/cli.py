"""Command line: argument parsing, and user mistakes turned into exit code 1, not tracebacks."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

from generator import __version__
from generator.commands import (
    EXIT_OK,
    Commands,
    add_import,
    add_init,
    add_new,
    add_schema,
    site_option,
)
from generator.errors import BuildFailed, Diagnostic, UsageError, format_all
from generator.write.lock import ignore_interrupts, interrupted, say_waiting  # light

# The stages (Jinja2, jsonschema, markdown-it, ...) are imported by the commands that use them,
# so a build with nothing to do is over before they would have loaded.

OUTPUT_DIR = "output"
EXIT_ERRORS, EXIT_USAGE = 1, 2
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    """Run the `factsheet` command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    args.exits = argv is None  # the process's own command line: it ends when main returns
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = args.run(args)
    except UsageError as mistake:
        args.command.print_usage(sys.stderr)
        print(f"{args.command.prog}: error: {mistake}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as failed:
        print(format_all(failed.diagnostics), file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt as stop:
        return interrupted(stop, _out_dir(args) if args.run is _build else None)
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factsheet", description="Build a static site of sourced fact sheets.",
        epilog="Run 'factsheet COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"factsheet {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_build(commands)
    _add_check(commands)
    _add_serve(commands)
    add_new(commands)
    add_init(commands)
    add_schema(commands)
    add_import(commands)
    return parser


def _add_build(commands: Commands) -> None:
    build = commands.add_parser("build", help="build the site into a folder",
        description="Check the site and build it into --out; the old output stays as it "
                    "was if anything is wrong.",
        epilog="example: factsheet build --site . --out output --base-url https://example.org/ "
               "--jobs 2")
    site_option(build)
    build.add_argument("--out", type=Path, help="output folder (default: SITE/output)")
    build.add_argument("--base-url", help="public URL of the site, for canonical links "
                       "(overrides base_url in site.yaml)")
    build.add_argument("--jobs", type=_positive, default=CORES, metavar="N",
                       help="render pages in N processes; the output is the same "
                            "(default: every core of this computer)")
    build.add_argument("--no-cache", action="store_true",
                       help="build everything, neither reading nor writing the build cache "
                            "in SITE/.cache/")
    _verbosity(build)
    build.set_defaults(run=_build, command=build)


def _add_check(commands: Commands) -> None:
    check = commands.add_parser(
        "check", help="check records, links, quotes and templates; write nothing",
        description="Every page is rendered in memory, so template errors show. After a "
        "build, only the pages that the edits since then made stale are: the build's cache "
        "is read, never written.",
        epilog="example: factsheet check --site . --strict")
    site_option(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    _verbosity(check)
    check.set_defaults(run=_check, command=check)


def _add_serve(commands: Commands) -> None:
    serve = commands.add_parser(
        "serve", help="build, serve on localhost, rebuild and reload on change",
        description="Build the site, serve it on http://127.0.0.1:8000/ and rebuild it and "
                    "reload the browser whenever site.yaml, content/, templates/ or static/ "
                    "change. While the build is broken every page shows its errors. It is "
                    "a server for writing the site, not for publishing it: see "
                    "docs/errors.md for the limits it sets on each connection.",
        epilog="example: factsheet serve --site . --port 8000")
    site_option(serve)
    serve.add_argument("--out", type=Path, help="output folder (default: SITE/output)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this computer only)")
    serve.add_argument("--port", type=_port, default=8000, help="port to listen on "
                       "(default: 8000)")
    serve.set_defaults(run=_serve, command=serve)


def _positive(text: str) -> int:
    number = int(text) if text.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return number


def _port(text: str) -> int:
    number = int(text) if text.isdigit() else -1
    if not 0 < number < 65536:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, not {text!r}")
    return number


def _verbosity(command: argparse.ArgumentParser) -> None:
    group = command.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    group.add_argument("-v", "--verbose", action="store_true", help="print more detail")


def _report(warnings: tuple[Diagnostic, ...], quiet: bool) -> None:
    if warnings and not quiet:
        print(format_all(warnings), file=sys.stderr)


def _out_dir(args: argparse.Namespace) -> Path:
    out: Path = args.out if args.out is not None else args.site / OUTPUT_DIR
    return out


class _ProgressLine:
    """'Rendering 1,234/10,000 pages' on one terminal line, redrawn a few times a second."""

    INTERVAL = 0.2

    def __init__(self) -> None:
        self.shown_at = time.monotonic()  # short builds finish before the first line
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown_at >= self.INTERVAL or (self.drawn and done == total):
            self.shown_at = now
            self.drawn = True
            print(f"\rRendering {done:,}/{total:,} pages", end="", file=sys.stderr, flush=True)

    def clear(self) -> None:
        if self.drawn:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    out = _out_dir(args)
    last = None  # the last build's cache, read once for both questions
    if not args.no_cache:
        from generator.write.survey import finished_build

        last, done = finished_build(args.site, out, args.base_url)
        if last is not None and done:
            _report(last.warnings, args.quiet)
            _say_built(args, out, last.page_count, len(last.outputs),
                       time.perf_counter() - started, 0, 0)
            return EXIT_OK
    from generator.build import Options, build_site

    progress = _ProgressLine() if sys.stderr.isatty() and not args.quiet else None
    try:
        cache = not args.no_cache
        result = build_site(args.site, out, args.base_url, args.jobs, progress,
                            Options(last, load=cache, save=cache, waiting=None if args.quiet
                                    else lambda pid: say_waiting(out, pid)))
        ignore_interrupts(args.exits)  # the output is whole: a Ctrl-C now changes nothing
    finally:
        if progress:
            progress.clear()
    _report(result.warnings, args.quiet)
    if args.verbose:
        for stage, seconds in result.timings:
            print(f"  {stage}: {seconds:.3f} s", file=sys.stderr)
    _say_built(args, out, result.pages, result.files, result.seconds, result.rendered,
               result.written)
    return EXIT_OK


def _say_built(args: argparse.Namespace, out: Path, pages: int, files: int, seconds: float,
               rendered: int, written: int) -> None:
    if args.quiet:
        return
    print(f"Built {pages} pages and data files ({files} files) into {out} in {seconds:.2f} s.",
          file=sys.stderr)
    if rendered < pages:
        print(f"Only what changed was redone: {rendered} made again, {written} files written "
              "or removed.", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from generator.build import verify_site
    from generator.check.translations import untranslated

    checked = verify_site(args.site, CORES)
    warnings = checked.warnings
    if args.strict:  # and what a multilingual site has left untranslated
        site = checked.site
        warnings += tuple(untranslated(site.config, site.records_in_order()))
    if args.strict and warnings:
        raise BuildFailed([dataclasses.replace(d, severity="error") for d in warnings])
    _report(warnings, args.quiet)
    if not args.quiet:
        print(f"No errors: {len(checked.site.records)} records, {len(checked.pages)} pages.",
              file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from generator.serve.server import PortUnavailable, serve  # the web server only when needed

    try:
        serve(args.site, _out_dir(args), args.host, args.port)
    except PortUnavailable as taken:
        print(taken, file=sys.stderr)
        return EXIT_ERRORS
    return EXIT_OK
