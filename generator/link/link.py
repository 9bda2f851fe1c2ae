"""Typed records -> the linked Site: refs resolved, backlinks grouped, quotes found."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from generator import urls
from generator.check.validate import Fact, Record
from generator.errors import Diagnostic, did_you_mean
from generator.link.markup import classify_link, find_links
from generator.link.quotes import FoldedSource, QuoteMark, find_quote, fold_source, mark_quotes
from generator.read.marks import KeyPath
from generator.site.model import SiteConfig
from generator.site.schema import FIELD_TYPES, SOURCE_TEXT_FIELD, SOURCE_TYPE

ABOUT_LABEL = "Facts about it"
MENTION_LABEL = "Mentioned in"
CITED_LABEL = "Cited in"


@dataclass(frozen=True, slots=True, order=True)
class Backlink:
    """A record (and, when `fact` > 0, one of its facts) that points at another record."""

    record: str
    fact: int = 0


@dataclass(frozen=True, slots=True)
class BacklinkGroup:
    """Backlinks that share one label, e.g. 'Companies headquartered here'."""

    label: str
    links: tuple[Backlink, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the render stage needs, read-only: records and how they connect."""

    config: SiteConfig
    records: dict[str, Record]
    by_type: dict[str, tuple[Record, ...]]
    backlinks: dict[str, tuple[BacklinkGroup, ...]]
    quote_marks: dict[str, tuple[QuoteMark, ...]]
    fact_anchors: dict[tuple[str, int], str]

    @property
    def type_names(self) -> frozenset[str]:
        """The declared type names."""
        return frozenset(t.name for t in self.config.types)

    def page_path(self, key: str) -> str:
        """The output path of record `key`'s page."""
        record = self.records[key]
        return urls.record_page(self.config.type(record.type).folder, record.slug)

    def records_in_order(self) -> list[Record]:
        """Every record, type by type as declared, each type's by title."""
        return [r for t in self.config.types for r in self.by_type[t.name]]


@dataclass
class _Edges:
    """Backlinks as they are found: target key -> label -> links."""

    by_target: dict[str, dict[str, set[Backlink]]] = dataclasses.field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))

    def add(self, target: str, label: str, link: Backlink) -> None:
        if target != link.record:
            self.by_target[target][label].add(link)


class LinkMemo(Protocol):
    """Link and quote searches of the last build, reused for unchanged texts (cache.RecordMemo)."""

    def links(self, text: str, inline: bool, find: Callable[[str, bool], list[str]]
              ) -> tuple[str, ...]: ...

    def quote(self, source_hash: bytes, quote: str,
              find: Callable[[], tuple[int, int] | str]) -> tuple[int, int] | str: ...


def link_site(config: SiteConfig, records: list[Record], broken: frozenset[str] = frozenset(),
              memo: LinkMemo | None = None) -> tuple[Site | None, list[Diagnostic]]:
    """Resolve every reference between records; the Site, or None and every problem.

    `broken` names records whose files exist but could not be read: links to them are
    not reported again as unknown.
    """
    index = {r.key: r for r in records}
    linker = _Linker(config, index, broken, memo)
    linked = [linker.link_record(r) for r in sorted(records, key=lambda r: r.key)]
    quote_marks, fact_anchors = mark_quotes(linker.quotes)
    if linker.diagnostics:
        return None, linker.diagnostics
    records_by_key = {r.key: r for r in linked}
    grouped: dict[str, list[Record]] = {t.name: [] for t in config.types}
    for record in linked:
        grouped[record.type].append(record)
    by_type = {name: tuple(sorted(group, key=title_order)) for name, group in grouped.items()}
    rank = _label_rank(config)
    backlinks = {target: _groups(labels, rank, records_by_key)
                 for target, labels in linker.edges.by_target.items()}
    return Site(config, records_by_key, by_type, backlinks, quote_marks, fact_anchors), []


def title_order(record: Record) -> tuple[str, str]:
    """Sort key: by title as a reader would alphabetise it, then by slug."""
    return record.title.casefold(), record.slug


class _Linker:
    """Collects the edges, quotes and problems of one site while records are linked."""

    def __init__(self, config: SiteConfig, index: dict[str, Record], broken: frozenset[str],
                 memo: LinkMemo | None) -> None:
        self.config = config
        self.memo = memo
        self.source_hashes: dict[str, bytes] = {}
        self.index = index
        self.broken = broken
        self.type_names = frozenset(t.name for t in config.types)
        self.slug_types: dict[str, list[str]] = defaultdict(list)
        for key in sorted({*index, *broken}):
            type_name, slug = key.split(":", 1)
            self.slug_types[slug].append(type_name)
        self.edges = _Edges()
        self.quotes: dict[str, list[tuple[int, int, str, int]]] = defaultdict(list)
        self.folded: dict[str, FoldedSource] = {}
        self.diagnostics: list[Diagnostic] = []

    def error(self, record: Record, keypath: KeyPath, message: str) -> None:
        self.diagnostics.append(record.doc.error(keypath, message))

    def link_record(self, record: Record) -> Record:
        type_spec = self.config.type(record.type)
        for field in type_spec.fields:
            value = record.fields.get(field.name)
            if value is None:
                continue
            if FIELD_TYPES[field.type].is_ref:
                assert field.to is not None
                label = field.inverse or type_spec.plural
                slugs = [value] if isinstance(value, str) else value
                for i, slug in enumerate(slugs):
                    where = (field.name,) if isinstance(value, str) else (field.name, i)
                    self.ref(record, where, field.to, slug, label)
            elif field.type == "markdown":
                self.markdown(record, (field.name,), value, 0)
        facts = tuple(self.link_fact(record, fact) for fact in record.facts)
        return dataclasses.replace(record, facts=facts)

    def ref(self, record: Record, where: KeyPath, to: str, slug: str, label: str) -> None:
        key = f"{to}:{slug}"
        if key == record.key:
            self.error(record, where, f"'{slug}' refers to this record itself")
        elif key in self.index:
            self.edges.add(key, label, Backlink(record.key))
        elif key not in self.broken:
            self.error(record, where, self.unknown(to, slug))

    def unknown(self, to: str, slug: str) -> str:
        others = [t for t in self.slug_types.get(slug, ()) if t != to]
        if others:
            return f"unknown {to} '{slug}': '{slug}' is a {others[0]}, not a {to}"
        slugs = [k.split(":", 1)[1] for k in {*self.index, *self.broken} if k.startswith(to + ":")]
        return f"unknown {to} '{slug}'{did_you_mean(slug, slugs)}"

    def link_fact(self, record: Record, fact: Fact) -> Fact:
        at: KeyPath = ("facts", fact.number - 1)
        self.markdown(record, (*at, "text"), fact.text, fact.number, inline=True)
        self.cite(record, fact, at)
        about: list[str] = []
        for i, name in enumerate(fact.about):
            key = self.about_key(record, (*at, "about", i), name)
            if key:
                about.append(key)
                self.edges.add(key, ABOUT_LABEL, Backlink(record.key, fact.number))
        return dataclasses.replace(fact, about=tuple(about))

    def about_key(self, record: Record, where: KeyPath, name: str) -> str | None:
        if ":" in name:
            to, slug = name.split(":", 1)
            if to not in self.type_names:
                self.error(record, where, f"unknown type '{to}' in '{name}'"
                                          f"{did_you_mean(to, self.type_names)}")
                return None
            if name not in self.index:
                if name not in self.broken:
                    self.error(record, where, self.unknown(to, slug))
                return None
            return name
        types = self.slug_types.get(name, [])
        if len(types) > 1:
            choices = " or ".join(f"'{t}:{name}'" for t in types)
            self.error(record, where, f"'{name}' is ambiguous: write {choices}")
            return None
        if not types:
            every = [k.split(":", 1)[1] for k in self.index]
            self.error(record, where, f"unknown record '{name}'{did_you_mean(name, every)}")
            return None
        key = f"{types[0]}:{name}"
        return key if key in self.index else None  # a broken record is reported where it is

    def cite(self, record: Record, fact: Fact, at: KeyPath) -> None:
        if not self.config.has_type(SOURCE_TYPE):
            self.error(record, (*at, "source"), f"facts cite records of type '{SOURCE_TYPE}', "
                                                "which site.yaml does not declare")
            return
        key = f"{SOURCE_TYPE}:{fact.source}"
        source = self.index.get(key)
        if source is None:
            if key not in self.broken:
                self.error(record, (*at, "source"), self.unknown(SOURCE_TYPE, fact.source))
            return
        self.edges.add(key, CITED_LABEL, Backlink(record.key, fact.number))
        text = source.fields.get(SOURCE_TEXT_FIELD)
        if not isinstance(text, str):
            self.error(record, (*at, "quote"), f"source '{fact.source}' has no "
                       f"'{SOURCE_TEXT_FIELD}' to check the quote against; add the source's text")
            return
        found = self.find_quote(key, text, fact.quote)
        if isinstance(found, str):
            self.error(record, (*at, "quote"), found)
        else:
            self.quotes[key].append((*found, record.key, fact.number))

    def find_quote(self, key: str, text: str, quote: str) -> tuple[int, int] | str:
        def find() -> tuple[int, int] | str:
            if key not in self.folded:
                self.folded[key] = fold_source(text)
            return find_quote(key, self.folded[key], quote)
        if self.memo is None:
            return find()
        if key not in self.source_hashes:
            self.source_hashes[key] = hashlib.blake2b(text.encode(), digest_size=16).digest()
        return self.memo.quote(self.source_hashes[key], quote, find)

    def find_links(self, text: str, inline: bool) -> Iterable[str]:
        if self.memo is None:
            return find_links(text, inline=inline)
        return self.memo.links(text, inline, _find_links)

    def markdown(self, record: Record, where: KeyPath, text: str, fact_number: int,
                 *, inline: bool = False) -> None:
        # A fact's text is shown inline by the theme, but a site's template may render it
        # as blocks: check the links that either reading finds.
        hrefs = [*self.find_links(text, True), *self.find_links(text, False)] if inline \
            else list(self.find_links(text, False))
        for href in dict.fromkeys(hrefs):
            target = classify_link(href, self.type_names)
            if target.kind == "refused":
                self.diagnostics.append(record.doc.error_within(
                    where, href, f"link to '{href}' is not allowed: link to http(s), mailto, "
                                 "#fragment or a record as type:slug"))
            elif target.kind == "record":
                to, slug = href.split(":", 1)
                if href in self.index:
                    self.edges.add(href, MENTION_LABEL, Backlink(record.key, fact_number))
                elif href not in self.broken:
                    self.diagnostics.append(record.doc.error_within(
                        where, href, self.unknown(to, slug) + f" in link '{href}'"))


def _find_links(text: str, inline: bool) -> list[str]:
    return find_links(text, inline=inline)


def _label_rank(config: SiteConfig) -> dict[str, int]:
    """Declared inverse labels first, in declaration order, then the built-in ones."""
    order = [f.inverse or t.plural for t in config.types for f in t.fields
             if FIELD_TYPES[f.type].is_ref]
    order += [CITED_LABEL, ABOUT_LABEL, MENTION_LABEL]
    return {label: i for i, label in reversed(list(enumerate(order)))}


def _groups(labels: dict[str, set[Backlink]], rank: dict[str, int],
            records: dict[str, Record]) -> tuple[BacklinkGroup, ...]:
    def link_order(link: Backlink) -> tuple[tuple[str, str], int]:
        return title_order(records[link.record]), link.fact

    return tuple(BacklinkGroup(label, tuple(sorted(labels[label], key=link_order)))
                 for label in sorted(labels, key=lambda lbl: (rank.get(lbl, len(rank)), lbl)))
