"""Ref cells -> slugs: a cell names a record by its slug or by its exact title."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from generator.errors import closest, suggest
from generator.importing.cells import Bad
from generator.read.load import RawRecord
from generator.site.model import SiteConfig

_SHOWN = 5  # slugs named when a title is ambiguous
# Unknown refs that get a did-you-mean: each compares the cell with every slug and title
# of the type (34,000 of them take 30 ms), and no more than 100 errors of a file are shown.
_HINTED = 100


class RefIndex:
    """The records a ref cell may name: those of the site, and the rows of the import."""

    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.slugs: dict[str, set[str]] = defaultdict(set)
        self.titles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.hints_left = _HINTED
        # The slugs a row would have had but could not (a Windows device name, `page`,
        # `by`) -> the slug it has: what its other cells may call it.
        self.renamed: dict[str, dict[str, str]] = defaultdict(dict)

    def add(self, type_name: str, slug: str, title: str | None) -> None:
        """Make the record `type_name:slug`, titled `title`, one a cell may name."""
        self.slugs[type_name].add(slug)
        if title:
            self.titles[type_name][title.strip()].add(slug)

    def add_records(self, records: Iterable[RawRecord], keys: Iterable[str],
                    leave_out: frozenset[str] = frozenset()) -> None:
        """Every record of the site but those in `leave_out`; `keys` also names records
        whose files cannot be read, so they are known by slug."""
        for key in keys:
            type_name, _, slug = key.partition(":")
            if key not in leave_out:
                self.slugs[type_name].add(slug)
        for raw in records:
            if f"{raw.type}:{raw.slug}" in leave_out or not isinstance(raw.doc.data, dict):
                continue
            title = raw.doc.data.get(self.config.type(raw.type).title_field)
            if isinstance(title, str):
                self.add(raw.type, raw.slug, title)

    def resolve(self, to: str, text: str) -> str | Bad:
        """The slug of the one record of type `to` that `text` names (slug, else title)."""
        if text in self.slugs[to]:
            return text
        if text in self.renamed[to]:
            return self.renamed[to][text]
        named = self.titles[to].get(text, set())
        if len(named) == 1:
            return next(iter(named))
        if named:
            slugs = sorted(named)
            shown = ", ".join(slugs[:_SHOWN]) + (", …" if len(slugs) > _SHOWN else "")
            plural = self.config.type(to).plural.lower()
            return Bad(f"'{text}' is the title of {len(slugs)} {plural} ({shown}); "
                       "write the slug of the one you mean")
        return Bad(self.unknown(to, text))

    def unknown(self, to: str, text: str) -> str:
        """The message for a cell that names no record of type `to`."""
        others = sorted(t for t, slugs in self.slugs.items() if t != to and text in slugs)
        if others:
            return f"unknown {to} '{text}': '{text}' is a {others[0]}, not a {to}"
        if self.hints_left <= 0:
            return f"unknown {to} '{text}'"
        self.hints_left -= 1
        choices = {*self.slugs[to], *self.titles[to]}
        return f"unknown {to} '{text}'{suggest(closest(text, choices))}"
