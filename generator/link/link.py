"""Typed records -> the linked Site: refs resolved, backlinks grouped, quotes found."""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Iterable

from generator.check.refhints import TitleIndex
from generator.check.validate import Citation, Fact, Record
from generator.errors import Diagnostic, did_you_mean
from generator.link.aliases import Aliases, alias_warning, find_aliases
from generator.link.backlinks import ABOUT_LABEL as ABOUT_LABEL
from generator.link.backlinks import CITED_LABEL as CITED_LABEL
from generator.link.backlinks import CLAIMS_LABEL as CLAIMS_LABEL
from generator.link.backlinks import MENTION_LABEL as MENTION_LABEL
from generator.link.backlinks import Backlink as Backlink
from generator.link.backlinks import BacklinkGroup as BacklinkGroup
from generator.link.backlinks import group_backlinks, label_rank
from generator.link.collation import ranks, remembered_sort_key
from generator.link.facets import find_facets
from generator.link.folding import FoldedSource, fold_source
from generator.link.markup import MarkupBudget, classify_link, find_links
from generator.link.quotes import Span, find_quote, mark_quotes
from generator.link.reuse import Asked, Linked, Lookups, NotedEdges, settings_hash
from generator.link.site import LinkMemo as LinkMemo
from generator.link.site import Site as Site
from generator.link.titles import find_subtitles
from generator.read.marks import KeyPath
from generator.site.model import SiteConfig
from generator.site.schema import FIELD_TYPES, SOURCE_TEXT_FIELD, SOURCE_TYPE


def link_site(config: SiteConfig, records: list[Record], broken: frozenset[str] = frozenset(),
              memo: LinkMemo | None = None) -> tuple[Site | None, list[Diagnostic]]:
    """Resolve every reference between records; the Site, or None and every problem.

    `broken` names records whose files exist but could not be read: links to them are
    not reported again as unknown.
    """
    index = {r.key: r for r in records}
    aliases, problems = find_aliases(index)
    linker = _Linker(config, index, broken, memo, aliases)
    linker.diagnostics += problems
    linked = [linker.link_record(r) for r in sorted(records, key=lambda r: r.key)]
    quote_marks, anchors = mark_quotes(linker.quotes)
    fact_anchors = {(r, f): a for (r, f, i), a in anchors.items() if i == 0}
    also_anchors = {key: a for key, a in anchors.items() if key[2] > 0}
    if any(d.is_error for d in linker.diagnostics):
        return None, linker.diagnostics
    records_by_key = {r.key: r for r in linked}
    grouped: dict[str, list[Record]] = {t.name: [] for t in config.types}
    for record in linked:
        grouped[record.type].append(record)
    order = ranks(((r.key, r.title) for r in linked), config.language,
                  remembered_sort_key(config.language, memo.sort_key if memo else None))
    by_type = {name: tuple(sorted(group, key=lambda r: order[r.key]))
               for name, group in grouped.items()}
    rank = label_rank(config)
    backlinks = {target: group_backlinks(labels, rank, order)
                 for target, labels in linker.edges.by_target.items()}
    facets, problems = find_facets(config, by_type, records_by_key)
    if problems:
        return None, problems
    subtitles = find_subtitles(config, by_type, records_by_key)
    return Site(config, records_by_key, by_type, backlinks, quote_marks, fact_anchors, facets,
                subtitles, also_anchors, aliases, linker.resolved), linker.diagnostics


class _Linker:
    """Collects the edges, quotes and problems of one site while records are linked."""

    def __init__(self, config: SiteConfig, index: dict[str, Record], broken: frozenset[str],
                 memo: LinkMemo | None, aliases: Aliases) -> None:
        self.config = config
        self.memo = memo
        # A further language's linking differs in its labels; only the default's is kept.
        self.settings = settings_hash(config) if memo is not None and not config.tree else b""
        self.lookups = Lookups(index, broken, aliases)
        self.type_names = frozenset(t.name for t in config.types)
        self.edges = NotedEdges()
        self.spans: list[tuple[str, Span]] = []  # the quotes of the record being linked
        self.quotes: dict[str, list[Span]] = defaultdict(list)
        self.folded: dict[str, FoldedSource] = {}
        self.diagnostics: list[Diagnostic] = []
        self.markup = MarkupBudget()
        self.resolved: dict[str, tuple[tuple[str, str], ...]] = {}

    def error(self, record: Record, keypath: KeyPath, message: str) -> None:
        self.diagnostics.append(record.doc.error(keypath, message))

    def link_record(self, record: Record) -> Record:
        """`record` with its refs resolved; its backlinks and quotes noted."""
        memo = self.memo if self.settings else None
        linked = memo.linked(record) if memo else None
        if memo and linked and linked.settings == self.settings \
                and self.lookups.answers_still(linked.asked):
            linked.replay(self.edges, self.quotes, self.diagnostics)
            memo.keep_linked(record, linked)
            self.note_resolved(record.key, linked.asked)
            return linked.record
        before = len(self.diagnostics)
        done = self.resolve(record)
        asked, edges, spans = self.lookups.taken(), self.edges.taken(), tuple(self.spans)
        self.note_resolved(record.key, asked)
        self.spans.clear()
        found = tuple(self.diagnostics[before:])
        if memo and not any(d.is_error for d in found):
            memo.keep_linked(record, Linked(done, self.settings, asked, edges, spans, found))
        return done

    def note_resolved(self, key: str, asked: Asked) -> None:
        """Note the former slugs that record `key` named, as its linking resolved them."""
        found = tuple((name, now) for question, name, now in asked
                      if question == "alias" and isinstance(now, str))
        if found:
            self.resolved[key] = found

    def resolve(self, record: Record) -> Record:
        type_spec = self.config.type(record.type)
        fields = dict(record.fields)
        for field in type_spec.fields:
            value = record.fields.get(field.name)
            if value is None:
                continue
            if FIELD_TYPES[field.type].is_ref:
                assert field.to is not None
                label = field.inverse or type_spec.plural
                slugs = [value] if isinstance(value, str) else value
                now = [self.ref(record, (field.name,) if isinstance(value, str)
                                else (field.name, i), field.to, slug, label)
                       for i, slug in enumerate(slugs)]
                fields[field.name] = now[0] if isinstance(value, str) else now
            elif field.type == "markdown":
                self.markdown(record, (field.name,), value, 0)
        facts = tuple(self.link_fact(record, fact) for fact in record.facts)
        return dataclasses.replace(record, fields=fields, facts=facts)

    def ref(self, record: Record, where: KeyPath, to: str, slug: str, label: str) -> str:
        """Check a ref to `to:slug`; the slug the record has now (an alias gives its own)."""
        key = self.current(record, where, f"{to}:{slug}")
        if key == record.key:
            self.error(record, where, f"'{slug}' refers to this record itself")
        elif self.lookups.known(key):
            self.edges.add(key, label, Backlink(record.key))
        elif not self.lookups.is_broken(key):
            self.error(record, where, self.unknown(to, slug))
        return key.split(":", 1)[1]

    def current(self, record: Record, where: KeyPath, key: str, within: str = "") -> str:
        """`key`, or for a former slug the key of the record it names now, with a warning."""
        now = None if self.lookups.known(key) else self.lookups.alias(key)
        if now is None:
            return key
        self.diagnostics.append(alias_warning(record, where, key.split(":", 1)[1],
                                              now.split(":", 1)[1], within))
        return now

    def unknown(self, to: str, slug: str) -> str:
        others = [t for t in self.lookups.slug_types.get(slug, ()) if t != to]
        if others:
            return f"unknown {to} '{slug}': '{slug}' is a {others[0]}, not a {to}"
        slugs = [k.split(":", 1)[1] for k in {*self.lookups.index, *self.lookups.broken}
                 if k.startswith(to + ":")]
        return f"unknown {to} '{slug}'" + (self.titles.hint(slug, to) or did_you_mean(slug, slugs))

    @functools.cached_property
    def titles(self) -> TitleIndex:
        """The records by title, for hints; made only when a ref is unknown."""
        return TitleIndex(self.lookups.index.values())

    def link_fact(self, record: Record, fact: Fact) -> Fact:
        at: KeyPath = ("facts", fact.number - 1)
        self.markdown(record, (*at, "text"), fact.text, fact.number, inline=True)
        fact = self.cite(record, fact, at)
        about: dict[str, str] = {}  # key -> how it was first written
        for i, name in enumerate(fact.about):
            key = self.about_key(record, (*at, "about", i), name)
            if key in about:  # `[city:berlin, berlin]`: one record in two spellings
                self.error(record, (*at, "about", i),
                           f"'{name}' is the same record as '{about[key]}' before it; list it once")
            elif key:
                about[key] = name
                self.edges.add(key, ABOUT_LABEL, Backlink(record.key, fact.number))
        claimant = self.about_key(record, (*at, "claimed_by"), fact.claimed_by) \
            if fact.claimed_by else None
        if claimant:
            self.edges.add(claimant, CLAIMS_LABEL, Backlink(record.key, fact.number))
        return dataclasses.replace(fact, about=tuple(about), claimed_by=claimant)

    def about_key(self, record: Record, where: KeyPath, name: str) -> str | None:
        if ":" in name:
            to, slug = name.split(":", 1)
            if to not in self.type_names:
                self.error(record, where, f"unknown type '{to}' in '{name}'"
                                          f"{did_you_mean(to, self.type_names)}")
                return None
            key = self.current(record, where, name)
            if not self.lookups.known(key):
                if not self.lookups.is_broken(key):
                    self.error(record, where, self.unknown(to, slug))
                return None
            return key
        types = self.lookups.types_of(name) or tuple(
            t for t in sorted(self.type_names) if self.lookups.alias(f"{t}:{name}"))
        if len(types) > 1:
            choices = " or ".join(f"'{t}:{name}'" for t in types)
            self.error(record, where, f"'{name}' is ambiguous: write {choices}")
            return None
        if not types:
            every = [k.split(":", 1)[1] for k in self.lookups.index]
            hint = self.titles.hint(name, None) or did_you_mean(name, every)
            self.error(record, where, f"unknown record '{name}'{hint}")
            return None
        key = self.current(record, where, f"{types[0]}:{name}")
        return key if self.lookups.known(key) else None  # a broken one is reported where it is

    def cite(self, record: Record, fact: Fact, at: KeyPath) -> Fact:
        """Check the fact's citations; the fact with its sources' current slugs."""
        if not self.config.has_type(SOURCE_TYPE):
            self.error(record, (*at, "source"), f"facts cite records of type '{SOURCE_TYPE}', "
                                                "which site.yaml does not declare")
            return fact
        source = self.cite_one(record, fact.number, 0, at, fact.source, fact.quote)
        also = tuple(Citation(self.cite_one(record, fact.number, i, (*at, "also", i - 1),
                                            c.source, c.quote), c.quote)
                     for i, c in enumerate(fact.also, start=1))
        return dataclasses.replace(fact, source=source, also=also)

    def cite_one(self, record: Record, number: int, index: int, at: KeyPath, slug: str,
                 quote: str) -> str:
        """Check one citation of fact `number` (`index` 0 its source, then its `also`);
        the source's current slug."""
        key = self.current(record, (*at, "source"), f"{SOURCE_TYPE}:{slug}")
        source = self.lookups.source(key)
        if source is None:
            if not self.lookups.is_broken(key):
                self.error(record, (*at, "source"), self.unknown(SOURCE_TYPE, slug))
            return slug
        self.edges.add(key, CITED_LABEL, Backlink(record.key, number))
        text = source.fields.get(SOURCE_TEXT_FIELD)
        if not isinstance(text, str):
            self.error(record, (*at, "quote"), f"source '{slug}' has no "
                       f"'{SOURCE_TEXT_FIELD}' to check the quote against; add the source's text")
        else:
            found = self.find_quote(key, text, quote)
            if isinstance(found, str):
                self.error(record, (*at, "quote"), found)
            else:
                span = (*found, record.key, number, index)
                self.quotes[key].append(span)
                self.spans.append((key, span))
        return source.slug

    def find_quote(self, key: str, text: str, quote: str) -> tuple[int, int] | str:
        def find() -> tuple[int, int] | str:
            if key not in self.folded:
                self.folded[key] = fold_source(text)
            return find_quote(key, self.folded[key], quote)
        if self.memo is None:
            return find()
        return self.memo.quote(self.lookups.text_hash(key), quote, find)

    def find_links(self, text: str, inline: bool) -> Iterable[str]:
        if self.memo is None:
            return find_links(text, inline=inline)
        return self.memo.links(text, inline, _find_links)

    def markdown(self, record: Record, where: KeyPath, text: str, fact_number: int,
                 *, inline: bool = False) -> None:
        refused = self.markup.charge(record.key, text)
        if refused is not None:  # too long or too much markup to parse quickly
            if refused:
                self.error(record, where, refused)
            return
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
                key = self.current(record, where, href, within=href)
                if self.lookups.known(key):
                    self.edges.add(key, MENTION_LABEL, Backlink(record.key, fact_number))
                elif not self.lookups.is_broken(href):
                    self.diagnostics.append(record.doc.error_within(
                        where, href, self.unknown(to, slug) + f" in link '{href}'"))


def _find_links(text: str, inline: bool) -> list[str]:
    return find_links(text, inline=inline)
