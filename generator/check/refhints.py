"""Hints for a ref written as its record's title: `country: Germany` -> did you mean 'germany'?

A newcomer names a record the way a reader sees it, by its title. Where a ref, a fact's
`source` or an `about` item is the title of a record (give or take case, spaces, accents
and punctuation), or would become that record's slug, the message says which slug to write.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from anyascii import anyascii

from generator.errors import Diagnostic
from generator.read.load import RawRecord
from generator.read.marks import KeyPath
from generator.site.model import SiteConfig
from generator.site.schema import FIELD_TYPES, RECORD_REF_PATTERN, SLUG_PATTERN, SOURCE_TYPE
from generator.site.schemacheck import describe_keypath, describe_value
from generator.urls import suggest_slug

_SLUG = re.compile(SLUG_PATTERN)
_RECORD_REF = re.compile(RECORD_REF_PATTERN)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_SHOWN = 3  # candidates named in one hint; more are summed up as "…"


def title_key(text: str) -> str:
    """`text` as titles are compared for hints: transliterated, casefolded, letters and digits."""
    return _NOT_ALNUM.sub("", anyascii(unicodedata.normalize("NFC", text)).casefold())


class Titled(Protocol):
    """A record as a hint names it: its type, slug and title (a check.validate.Record)."""

    @property
    def type(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def title(self) -> str: ...


@dataclass(frozen=True, slots=True)
class RawTitle:
    """A title as written in a record file not yet checked."""

    type: str
    slug: str
    title: str


class TitleIndex:
    """Records by their title as a writer may type it, and by slug, for hints."""

    def __init__(self, records: Iterable[Titled]) -> None:
        self.by_title: dict[str, list[Titled]] = defaultdict(list)
        self.by_slug: dict[str, list[Titled]] = defaultdict(list)
        for record in records:
            key = title_key(record.title)
            if key:
                self.by_title[key].append(record)
            self.by_slug[record.slug].append(record)

    def matches(self, value: str, to: str | None, besides: str = "") -> list[Titled]:
        """Records of type `to` (of any type when None) that `value` names by title or slug,
        other than the record keyed `besides` (a record does not refer to itself).

        The same title exactly beats one that differs in case, spaces or accents; failing
        both, the record whose slug `value` would become.
        """
        def of_type(found: Iterable[Titled]) -> list[Titled]:
            return sorted((r for r in found if (to is None or r.type == to)
                           and f"{r.type}:{r.slug}" != besides), key=lambda r: (r.type, r.slug))

        found = of_type(self.by_title.get(title_key(value), ()))
        exact = [r for r in found if r.title == value.strip()]
        return exact or found or of_type(self.by_slug.get(suggest_slug(value), ()))

    def ref(self, record: Titled, style: str) -> str:
        """How a ref to `record` is written: its slug, or type:slug where the style is
        "typed", or "about" (any type) and a bare slug would name several records."""
        typed = style == "typed" or (style == "about" and len(self.by_slug[record.slug]) > 1)
        return f"{record.type}:{record.slug}" if typed else record.slug

    def hint(self, value: str, to: str | None, *, style: str = "", as_list: bool = False,
             besides: str = "") -> str:
        """' (did you mean …?)' naming the records `value` stands for, or ''."""
        found = self.matches(value, to, besides)
        refs = [self.ref(r, style or ("slug" if to else "about")) for r in found]
        shown = [f"[{ref}]" if as_list else f"'{ref}'" for ref in refs[:_SHOWN]]
        if not shown:
            return ""
        if len(found) == 1:
            record = found[0]
            return f" (did you mean {shown[0]}, the slug of {record.type} " \
                   f"{describe_value(record.title)}?)"
        more = ", …" if len(found) > _SHOWN else ""
        return f" (did you mean {', '.join(shown[:-1])} or {shown[-1]}{more}? " \
               "each is the slug of a record with that title)"


def add_title_hints(config: SiteConfig, raw_records: list[RawRecord],
                    diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`diagnostics`, each schema error about a ref written as a record's title with a hint.

    Titles are read from every record each time (not remembered with one record's
    checks), so a hint follows renames elsewhere; the work is done only when there are
    errors, and only the refs of records with errors are looked at.
    """
    at: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for i, diagnostic in enumerate(diagnostics):
        at[(diagnostic.path, diagnostic.line, diagnostic.col)].append(i)
    paths = {d.path for d in diagnostics}
    index: TitleIndex | None = None
    hinted = list(diagnostics)
    for raw in raw_records:
        if raw.doc.path not in paths or not isinstance(raw.doc.data, dict):
            continue
        for keypath, value, to, as_list in _written_refs(config, raw):
            head = f"'{describe_keypath(keypath)}' must be "
            places = at.get((raw.doc.path, *raw.doc.locate(keypath)), [])
            style = "slug" if to else "about"
            prefix, colon, rest = value.partition(":")
            if to is None and colon and config.has_type(prefix):  # about: [city:Berlin]
                value, to, style = rest, prefix, "typed"
            for i in (i for i in places if hinted[i].message.startswith(head)):
                index = index or TitleIndex(titled_records(config, raw_records))
                hint = index.hint(value, to, style=style, as_list=as_list,
                                  besides=f"{raw.type}:{raw.slug}")
                hinted[i] = dataclasses.replace(hinted[i], message=hinted[i].message + hint)
    return hinted


def titled_records(config: SiteConfig, raw_records: Iterable[RawRecord]
                   ) -> Iterator[RawTitle]:
    """Each record with its title as written (every language's, in a mapping per language)."""
    for raw in raw_records:
        data = raw.doc.data
        title = data.get(config.type(raw.type).title_field) if isinstance(data, dict) else None
        titles = title.values() if isinstance(title, dict) else [title]
        for text in titles:
            if isinstance(text, str) and text.strip():
                yield RawTitle(raw.type, raw.slug, text.strip())


def _written_refs(config: SiteConfig, raw: RawRecord
                  ) -> Iterator[tuple[KeyPath, str, str | None, bool]]:
    """(where, value, type it must name or None for any, whether a list was due) of each
    ref value the schema refuses because it is not written as a slug."""
    data: dict[str, Any] = raw.doc.data
    for field in config.type(raw.type).fields:
        if FIELD_TYPES[field.type].is_ref:
            yield from _refused(data.get(field.name), (field.name,), field.to, _SLUG,
                                list_due=field.type == "refs")
    facts = data.get("facts")
    for n, fact in enumerate(facts if isinstance(facts, list) else ()):
        if isinstance(fact, dict):
            yield from _refused(fact.get("source"), ("facts", n, "source"), SOURCE_TYPE, _SLUG)
            yield from _refused(fact.get("about"), ("facts", n, "about"), None, _RECORD_REF,
                                list_due=True)


def _refused(value: object, where: KeyPath, to: str | None, form: re.Pattern[str], *,
             list_due: bool = False) -> Iterator[tuple[KeyPath, str, str | None, bool]]:
    if isinstance(value, str) and (list_due or not form.fullmatch(value)):
        yield where, value, to, list_due
    elif isinstance(value, list) and list_due:
        for i, item in enumerate(value):
            yield from _refused(item, (*where, i), to, form)
