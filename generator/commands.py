"""The commands that make files for a user: new, init, schema and import; their options
and what each prints. cli.py parses the command line and runs them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TypeAlias

EXIT_OK = 0
# What add_subparsers gives; argparse has no public name for it.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
FACTS = "facts"  # `factsheet import facts FILE`: facts, not records of a type
_LISTED = 20  # files named by a dry run before the rest are counted


def site_option(command: argparse.ArgumentParser) -> None:
    """--site DIR, which every command that reads a site takes."""
    command.add_argument("--site", type=Path, default=Path("."),
                         help="the site folder, holding site.yaml (default: .)")


def add_new(commands: Commands) -> None:
    """`factsheet new TYPE SLUG`."""
    new = commands.add_parser(
        "new", help="write a new record to fill in, from its type in site.yaml",
        description="Write content/<folder>/SLUG.yaml with every field of TYPE, each with a "
                    "comment saying what goes there. Required fields are left empty, so "
                    "'factsheet check' names them until they are filled in.",
        epilog="example: factsheet new company acme --site .")
    new.add_argument("type", metavar="TYPE", help="a record type declared in site.yaml")
    new.add_argument("slug", metavar="SLUG", help="the record's file name and URL: lowercase "
                     "letters, digits and '-'")
    site_option(new)
    new.set_defaults(run=_new, command=new)


def add_init(commands: Commands) -> None:
    """`factsheet init DIR`."""
    init = commands.add_parser("init", help="create a new site that builds at once",
        description="Create DIR (missing or empty) with a site.yaml, one record of each type, "
                    "templates/ and static/.",
        epilog="example: factsheet init my-site && factsheet serve --site my-site")
    init.add_argument("dir", metavar="DIR", type=Path, help="the new site's folder")
    init.set_defaults(run=_init, command=init)


def add_schema(commands: Commands) -> None:
    """`factsheet schema [--out DIR]`."""
    schema = commands.add_parser(
        "schema", help="write the JSON Schema of each record type, for editors",
        description="Write OUT/<type>.json for every type in site.yaml: the schema records "
                    "are validated with, for editors that check YAML as you type.",
        epilog="example: factsheet schema --site . --out schema")
    site_option(schema)
    schema.add_argument("--out", type=Path, help="folder for the schemas (default: SITE/schema)")
    schema.set_defaults(run=_schema, command=schema)


def add_import(commands: Commands) -> None:
    """`factsheet import TYPE FILE …` and `factsheet import facts FILE …`."""
    command = commands.add_parser(
        "import", help="make records, or add facts, from a spreadsheet (CSV or XLSX)",
        description="Make a record of TYPE from each row of FILE, or with 'facts' for TYPE "
                    "add the facts of each row to their records. The header row names the "
                    "columns: each fills the field of that name or label. Every problem is "
                    "reported at its row and column, and then nothing is written.",
        epilog="example: printf 'name,Region\\nSeattle,Washington\\n' > cities.csv && "
               "factsheet import city cities.csv --site . --map Region=state --dry-run")
    command.add_argument("type", metavar="TYPE", help="a record type declared in site.yaml, "
                         "or 'facts' for a sheet of facts (columns record, text, source, "
                         "quote, and date and about if you like)")
    command.add_argument("file", metavar="FILE", type=Path, help="a CSV file (',', ';' or "
                         "tab between cells; UTF-8) or an XLSX workbook")
    site_option(command)
    command.add_argument("--slug", metavar="COLUMN", help="the column holding each record's "
                         "slug (default: a column named 'slug', else the slug is made from "
                         "the title)")
    command.add_argument("--map", metavar="COLUMN=FIELD", action="append", default=[],
                         type=_mapping, help="fill FIELD from COLUMN, whatever its name; "
                         "'COLUMN=' skips the column. May be given more than once")
    command.add_argument("--update", action="store_true", help="change records that exist: "
                         "the imported fields only, keeping the rest of each file")
    command.add_argument("--dry-run", action="store_true", help="check everything and say "
                         "what would be written, but write nothing")
    command.add_argument("--sheet", metavar="NAME", help="the sheet of an XLSX workbook to "
                         "read (default: the first)")
    command.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    command.set_defaults(run=_import, command=command)


def _mapping(text: str) -> tuple[str, str]:
    column, equals, field = text.rpartition("=")
    if not equals or not column.strip():
        raise argparse.ArgumentTypeError(f"expected COLUMN=FIELD (or COLUMN= to skip the "
                                         f"column), not {text!r}")
    return column.strip(), field.strip()


def _import(args: argparse.Namespace) -> int:
    from generator.errors import UsageError
    from generator.importing.columns import Request
    from generator.importing.run import Options, import_facts, import_records

    options = Options(Request(tuple(args.map), args.slug), args.update, args.dry_run,
                      args.sheet)
    if args.type == FACTS:
        refused = [o for o, given in (("--slug", args.slug), ("--update", args.update))
                   if given]
        if refused:
            raise UsageError(f"{refused[0]} is for records; 'import facts' adds facts, and "
                             "never changes those a record has")
        outcome = import_facts(args.site, args.file, options)
    else:
        outcome = import_records(args.site, args.type, args.file, options)
    if not args.quiet:
        _say_imported(args, outcome)
    return EXIT_OK


def _say_imported(args: argparse.Namespace, outcome: object) -> None:
    from generator.importing.run import Outcome

    assert isinstance(outcome, Outcome)
    changed = outcome.changed
    made = sum(p.old is None for p in changed)
    lines = [f"  {'new' if p.old is None else 'changed'}: {p.path}"
             + (f" ({', '.join(p.changed)})" if p.old is not None else "")
             for p in changed[:_LISTED]]
    if len(changed) > _LISTED:
        lines.append(f"  … and {len(changed) - _LISTED:,} more")
    rows = f"{_counted(outcome.rows, 'row')} of {args.file}"
    if args.type == FACTS:  # every row is a fact, or the import stopped
        added = f"{_counted(outcome.rows - outcome.already, 'fact')} " \
                f"to {_counted(len(changed), 'record')}, {outcome.already:,} already there"
        summary = f"Dry run: {rows} would add {added}. Nothing was written." if args.dry_run \
            else f"Imported {rows}: added {added}."
    else:
        counts = f"{made:,} new {'record' if made == 1 else 'records'}, " \
                 f"{len(changed) - made:,} changed, " \
                 f"{len(outcome.planned) - len(changed):,} unchanged"
        summary = f"Dry run: {rows} would give {counts}. Nothing was written." \
            if args.dry_run else f"Imported {rows}: {counts}."
    if args.dry_run and lines:
        print(*lines, sep="\n", flush=True)  # before the summary, wherever each goes
    print(summary, file=sys.stderr)


def _counted(number: int, word: str) -> str:
    return f"{number:,} {word}{'' if number == 1 else 's'}"


def _new(args: argparse.Namespace) -> int:
    from generator.scaffold import new_record

    made = new_record(args.site, args.type, args.slug)
    print(f"Wrote {made.path}.", file=sys.stderr)
    if made.to_fill:
        print("Fill in:", *(f"  {f.name} ({f.type})" for f in made.to_fill), sep="\n",
              file=sys.stderr)
    print(f"Then run: factsheet check --site {args.site}", file=sys.stderr)
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from generator.scaffold import init_site

    files = init_site(args.dir)
    print(f"Created a new site in {args.dir} ({len(files)} files). Next:\n"
          f"  factsheet serve --site {args.dir}\n"
          f"  factsheet new TYPE SLUG --site {args.dir}", file=sys.stderr)
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from generator.scaffold import write_schemas

    written = write_schemas(args.site, args.out)
    folder = written[0].parent if written else args.out
    print(f"Wrote {len(written)} schemas into {folder}: "
          f"{', '.join(p.name for p in written)}", file=sys.stderr)
    return EXIT_OK
