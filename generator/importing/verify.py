"""The site as the import would leave it, checked as a build checks it, before anything is
written; each error in an imported value is told at the cell it came from.

Each file made is parsed back with the reader and must hold exactly the values imported.
The would-be site is then validated against the types' JSON Schema and linked (refs,
`about`, the quote check), the stages a build runs. Errors in what the import did not write
are left out when the site as it is has them too: an import is not refused for a mistake
it did not make, and a build will still name that mistake.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.check.validate import validate_records
from generator.errors import Diagnostic, line_offset
from generator.importing.plan import Planned
from generator.importing.records import same_data
from generator.link.link import link_site
from generator.read.load import Content, RawRecord
from generator.read.yamlsrc import Document, parse_yaml
from generator.site.model import SiteConfig


def check_planned(config: SiteConfig, content: Content, planned: list[Planned], sheet: str
                  ) -> list[Diagnostic]:
    """Every error of the site with `planned` written that the import causes."""
    planned = [plan for plan in planned if plan.text != plan.old]  # the rest are as they are
    if not planned:
        return []
    docs: dict[str, Document] = {}
    diagnostics = []
    for plan in planned:
        doc = parse_yaml(plan.path, plan.text.encode("utf-8"))
        if isinstance(doc, Diagnostic) or not isinstance(doc.data, dict) or \
                not same_data(doc.data, plan.expected):
            diagnostics.append(Diagnostic(sheet, plan.place.row, plan.place.col, f"the YAML "
                                          f"made for {plan.path} does not read back as the "
                                          "imported values; please report this as a bug"))
        else:
            docs[plan.path] = doc
    if diagnostics:
        return diagnostics
    by_path = {plan.path: plan for plan in planned}
    raws = [r for r in content.records if r.doc.path not in by_path]
    raws += [RawRecord(plan.type, plan.slug, docs[plan.path]) for plan in planned]
    found = _site_errors(config, raws, content.keys | {plan.key for plan in planned})
    unmapped = []
    for problem in found:
        made = by_path.get(problem.path)
        place = made.cell_at(line_offset(made.text, problem.line) + problem.col - 1) \
            if made is not None else None
        if place is not None:
            diagnostics.append(Diagnostic(sheet, place.row, place.col, problem.message))
        else:
            unmapped.append(problem)
    if unmapped:
        diagnostics += _caused(config, content, by_path, unmapped, sheet)
    return diagnostics


def _caused(config: SiteConfig, content: Content, by_path: dict[str, Planned],
            unmapped: list[Diagnostic], sheet: str) -> list[Diagnostic]:
    """The errors outside imported values that the site as it is does not have."""
    before = {(d.path, d.message) for d in _site_errors(config, content.records, content.keys)}
    caused = []
    for problem in unmapped:
        if (problem.path, problem.message) in before:
            continue
        plan = by_path.get(problem.path)
        if plan is not None and plan.partial:
            continue  # e.g. a required field missing: its cell's error is told already
        if plan is not None and plan.old is None:  # a new file: its row is at fault
            caused.append(Diagnostic(sheet, plan.place.row, plan.place.col, problem.message))
        else:
            caused.append(problem)
    return caused


def _site_errors(config: SiteConfig, raws: Iterable[RawRecord], keys: frozenset[str]
                 ) -> list[Diagnostic]:
    """The errors validating and linking `raws` finds (`keys` names every record file)."""
    records, diagnostics = validate_records(config, list(raws))
    unreadable = keys - {r.key for r in records}
    _, problems = link_site(config, records, frozenset(unreadable))
    return [d for d in (*diagnostics, *problems) if d.is_error]
