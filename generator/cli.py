"""Command line: argument parsing, and user mistakes turned into exit code 1, not tracebacks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import __version__
from generator.build import build_site, verify_site
from generator.errors import BuildFailed, Diagnostic, format_all

OUTPUT_DIR = "output"
EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    """Run the `factsheet` command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        code: int = args.run(args)
    except BuildFailed as failed:
        print(format_all(failed.diagnostics), file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        return 130
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factsheet", description="Build a static site of sourced fact sheets.",
        epilog="Run 'factsheet COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"factsheet {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = commands.add_parser(
        "build", help="build the site into a folder",
        description="Check the site and build it into --out; the old output stays as it "
                    "was if anything is wrong.",
        epilog="example: factsheet build --site . --out output --base-url https://example.org/ "
               "--jobs 2")
    _site_option(build)
    build.add_argument("--out", type=Path, help="output folder (default: SITE/output)")
    build.add_argument("--base-url", help="public URL of the site, for canonical links "
                       "(overrides base_url in site.yaml)")
    build.add_argument("--jobs", type=_positive, default=1, metavar="N",
                       help="render pages in N processes; the output is the same (default: 1)")
    _verbosity(build)
    build.set_defaults(run=_build)

    check = commands.add_parser(
        "check", help="check records, links, quotes and templates; write nothing",
        epilog="example: factsheet check --site . --strict")
    _site_option(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    _verbosity(check)
    check.set_defaults(run=_check)

    serve = commands.add_parser(
        "serve", help="build, serve on localhost, rebuild and reload on change",
        epilog="example: factsheet serve --port 8000")
    _site_option(serve)
    serve.add_argument("--out", type=Path, help="output folder (default: SITE/output)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.set_defaults(run=_serve)
    return parser


def _positive(text: str) -> int:
    number = int(text) if text.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return number


def _site_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--site", type=Path, default=Path("."),
                         help="the site folder, holding site.yaml (default: .)")


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


def _build(args: argparse.Namespace) -> int:
    out = _out_dir(args)
    result = build_site(args.site, out, args.base_url, args.jobs)
    _report(result.warnings, args.quiet)
    if args.verbose:
        for stage, seconds in result.timings:
            print(f"  {stage}: {seconds:.3f} s", file=sys.stderr)
    if not args.quiet:
        print(f"Built {result.pages} pages and data files ({result.files} files) into {out} "
              f"in {result.seconds:.2f} s.", file=sys.stderr)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    checked = verify_site(args.site)
    if args.strict and checked.warnings:
        raise BuildFailed([Diagnostic(d.path, d.line, d.col, d.message, "error", d.source_line)
                           for d in checked.warnings])
    _report(checked.warnings, args.quiet)
    if not args.quiet:
        print(f"No errors: {len(checked.site.records)} records, {len(checked.pages)} pages.",
              file=sys.stderr)
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from generator.serve import serve  # imports the web server only when it is needed

    serve(args.site, _out_dir(args), args.host, args.port)
    return EXIT_OK
