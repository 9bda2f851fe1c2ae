"""Former slugs: each record's aliases, checked not to collide, and the refs written with one."""

from __future__ import annotations

from generator.check.validate import Record
from generator.errors import Diagnostic
from generator.read.marks import KeyPath
from generator.urls import RESERVED_SLUGS, WINDOWS_DEVICES

Aliases = dict[str, str]  # "type:former-slug" -> the key of the record it names now


def find_aliases(records: dict[str, Record]) -> tuple[Aliases, list[Diagnostic]]:
    """Every alias of the site; an error naming both files for one that is taken."""
    aliases: Aliases = {}
    diagnostics: list[Diagnostic] = []
    for key in sorted(records):
        record = records[key]
        for i, alias in enumerate(record.aliases):
            former = f"{record.type}:{alias}"
            taken = _taken(records, aliases, record, former, alias)
            if taken:
                diagnostics.append(record.doc.error(("aliases", i), taken))
            else:
                aliases[former] = key
    return aliases, diagnostics


def _taken(records: dict[str, Record], aliases: Aliases, record: Record, former: str,
           alias: str) -> str:
    if alias in RESERVED_SLUGS or alias in WINDOWS_DEVICES:
        return f"'{alias}' cannot be a slug (it is reserved), so no page can have had it"
    if former == record.key:
        return f"'{alias}' is this record's own slug; an alias is a slug it had before"
    if former in records:
        return (f"'{alias}' is the slug of another {record.type} ({records[former].path}); "
                "an alias must be a slug that no record has")
    if former in aliases:
        return (f"'{alias}' is already an alias of {records[aliases[former]].path}; "
                "two records cannot have one former slug")
    return ""


def alias_warning(record: Record, where: KeyPath, written: str, current: str,
                  within: str = "") -> Diagnostic:
    """The warning of a ref written with a former slug: it works, but says the current one.
    `within`: the text of a link inside the value at `where`, where the warning points."""
    message = f"'{written}' is a former slug of '{current}', which it redirects to; write " \
              f"'{current}'"
    error = record.doc.error_within(where, within, message) if within \
        else record.doc.error(where, message)
    return Diagnostic(error.path, error.line, error.col, error.message, "warning",
                      error.source_line, error.source_start)
