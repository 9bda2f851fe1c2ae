"""The import commands from end to end: read the sheet and the site, plan every file,
check the site as it would be, and only then write (or, for a dry run, say what would be)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import BuildFailed, Diagnostic, UsageError, did_you_mean
from generator.importing.cells import csv_unescaped
from generator.importing.columns import Request
from generator.importing.commit import write_planned
from generator.importing.facts import plan_facts
from generator.importing.plan import Planned
from generator.importing.records import plan_records
from generator.importing.verify import check_planned
from generator.read.load import Content, load_records
from generator.read.sheet import read_sheet
from generator.read.table import Sheet
from generator.site.config import CONFIG_FILE, load_config
from generator.site.model import SiteConfig


@dataclass(frozen=True, slots=True)
class Options:
    """How to import: the columns' mapping, whether records may change, the sheet to read."""

    request: Request = field(default_factory=Request)
    update: bool = False
    dry_run: bool = False
    sheet: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an import wrote, or would write in a dry run."""

    rows: int
    planned: tuple[Planned, ...]
    written: int
    already: int = 0  # facts the records had already

    @property
    def changed(self) -> tuple[Planned, ...]:
        """The files the import makes or changes."""
        return tuple(p for p in self.planned if p.text != p.old)


def import_records(site_dir: Path, type_name: str, file: Path, options: Options) -> Outcome:
    """Import the rows of `file` as records of `type_name`; raises BuildFailed with every
    problem, having written nothing."""
    config = load_config(site_dir)
    if not config.has_type(type_name):
        names = [t.name for t in config.types]
        raise UsageError(f"unknown type '{type_name}'{did_you_mean(type_name, names)}; "
                         f"{CONFIG_FILE} declares {', '.join(sorted(names))}")
    content, sheet = _inputs(site_dir, config, file, options.sheet)
    planned, problems = plan_records(config, content, sheet, type_name, options.request,
                                     options.update)
    return _finish(site_dir, config, content, sheet, planned, problems, options)


def import_facts(site_dir: Path, file: Path, options: Options) -> Outcome:
    """Add the facts of `file` to their records; raises BuildFailed with every problem,
    having written nothing."""
    config = load_config(site_dir)
    content, sheet = _inputs(site_dir, config, file, options.sheet)
    planned, already, problems = plan_facts(config, content, sheet, options.request)
    outcome = _finish(site_dir, config, content, sheet, planned, problems, options)
    return Outcome(outcome.rows, outcome.planned, outcome.written, already)


def _inputs(site_dir: Path, config: SiteConfig, file: Path, sheet_name: str | None
            ) -> tuple[Content, Sheet]:
    sheet, problems = read_sheet(file, str(file), sheet_name)
    if problems or sheet is None:
        raise BuildFailed(problems)
    if not sheet.typed:
        sheet = Sheet(sheet.path, sheet.header, tuple(tuple(csv_unescaped(c) for c in row)
                                                      for row in sheet.rows), typed=False)
    if not sheet.rows:
        raise BuildFailed([Diagnostic(sheet.path, 1, 1, "the sheet has a header row but no "
                                      "rows below it")])
    content, _ = load_records(site_dir, config.folders)  # its errors are the build's to tell
    return content, sheet


def _finish(site_dir: Path, config: SiteConfig, content: Content, sheet: Sheet,
            planned: list[Planned], problems: list[Diagnostic], options: Options) -> Outcome:
    # Checked even when some cells could not be read: every problem is told in one run.
    problems = [*problems, *check_planned(config, content, planned, sheet.path)]
    if problems:
        raise BuildFailed(problems)
    written = 0 if options.dry_run else write_planned(site_dir, planned)
    return Outcome(len(sheet.rows), tuple(planned), written)
