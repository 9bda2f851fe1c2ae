"""Records -> what templates see. Kept apart from the model so templates stay simple.

Every view is built for one output page, so its URLs are relative to that page, and the
builder notes each record the page shows: that set is the page's dependencies.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from generator import urls
from generator.check.validate import Fact, Record
from generator.link.facets import value_slug
from generator.link.link import Backlink, Site
from generator.render.formats import format_value, split_paragraphs
from generator.render.linkview import LinkView
from generator.render.messages import Messages, words
from generator.render.numbers import NUMBER_TYPES, number_text
from generator.render.pageset import BACKLINKS_SHOWN, group_slugs, one_type, record_count
from generator.render.passages import source_passages
from generator.render.provenance import archive_in_details, text_sha256
from generator.render.targets import link_target
from generator.render.trustviews import correction_views, corrections_of, verdict_view
from generator.render.viewmodels import BacklinkItem as BacklinkItem
from generator.render.viewmodels import BacklinkView as BacklinkView
from generator.render.viewmodels import CitationView as CitationView
from generator.render.viewmodels import FactView as FactView
from generator.render.viewmodels import FieldView as FieldView
from generator.render.viewmodels import RecordView as RecordView
from generator.site.model import FieldSpec, TypeSpec
from generator.site.schema import FIELD_TYPES, SOURCE_TEXT_FIELD, SOURCE_TYPE

SUMMARY = "~"  # marks a dependency on a record's title and facts, not all of it
TITLE = "^"  # marks a dependency on what a link to a record shows: its title and the like


@dataclass
class PageBuilder:
    """Builds the views of one page: relative URLs from `path`, and the records it uses."""

    site: Site
    path: str
    used: set[str] = field(default_factory=set)  # records shown in full
    listed: set[str] = field(default_factory=set)  # records whose facts are shown
    linked: set[str] = field(default_factory=set)  # records linked to, by title
    root: str = field(init=False, default="")  # the relative prefix back to the site root
    # The prefix to what every language of a site shares (assets/, pagefind/): the root of
    # the whole site, above the language's tree.
    shared: str = field(init=False, default="")
    say: Messages = field(init=False)  # the theme's words, dates and numbers

    def depends_on(self) -> frozenset[str]:
        """The records this page shows: "key" in full, "~key" by its title and facts,
        "^key" by a link alone."""
        listed = self.listed - self.used
        return frozenset(self.used | {SUMMARY + key for key in listed}
                         | {TITLE + key for key in self.linked - self.used - listed})

    def __post_init__(self) -> None:
        self.root = urls.root_of(self.path)  # asked for by every link the page makes
        self.say = words(self.site.config)
        self.shared = self.root + "../" * self.site.config.tree.count("/")

    def url(self, target: str) -> str:
        """A relative link from this page to the site path `target`."""
        return self.root + target

    def record_url(self, key: str, anchor: str = "") -> str:
        self.linked.add(key)
        path = link_target(self.site, key).path
        return self.root + path + (f"#{anchor}" if anchor else "")

    def link(self, key: str, fact: int = 0) -> LinkView:
        """A link to record `key`, or to its fact number `fact`."""
        target = link_target(self.site, key)
        self.linked.add(key)
        url = self.root + target.path + (f"#fact-{fact}" if fact else "")
        return LinkView(target.title, url, target.type_label, fact, target.subtitle,
                        target.provenance)

    def record_view(self, record: Record) -> RecordView:
        type_spec = self.site.config.type(record.type)
        self.used.add(record.key)
        shown = [f for f in type_spec.fields if f.name in record.fields
                 and f.name != type_spec.title_field and not is_source_text(record.type, f.name)]
        fields = [self.field_view(f, record.fields[f.name], type_spec.folder) for f in shown]
        views = archive_in_details(record, fields, self.say)
        facts = self.numbered_facts(record)
        return RecordView(
            type=record.type,
            type_label=type_spec.label,
            type_plural=type_spec.plural,
            list_url=self.url(urls.list_page(type_spec.folder)),
            slug=record.slug,
            title=record.title,
            subtitle=self.site.subtitles.get(record.key, ""),
            updated=record.updated or "",
            updated_label=self.say.date(record.updated) if record.updated else "",
            corrections=correction_views(record, self.say),
            details=tuple(v for v in views if not _is_prose(v)),
            prose=tuple(v for v in views if _is_prose(v)),
            facts=facts,
            dated=tuple(sorted((f for f in facts if f.date), key=lambda f: (f.date, f.number))),
            backlinks=self.backlink_views(record.key),
            passages=source_passages(self.site, self.link, record),
            data_url="index.json",
            text_sha256=text_sha256(record),
        )

    def field_view(self, spec: FieldSpec, value: Any, folder: str = "") -> FieldView:
        """A field's value; a facet's values link to their browse pages when `folder` (the
        record type's) is given."""
        base = {"name": spec.name, "label": spec.label, "type": spec.type, "value": value,
                "facet": spec.facet}
        if FIELD_TYPES[spec.type].is_ref:
            assert spec.to is not None
            slugs = [value] if isinstance(value, str) else value
            return FieldView(**base, links=tuple(self.link(f"{spec.to}:{s}") for s in slugs))
        if spec.facet and folder:
            values = value if isinstance(value, list) else [value]
            base["browse"] = tuple(self.url(urls.facet_page(folder, spec.name,
                                                            value_slug(str(v).strip())))
                                   for v in values)
        if spec.type == "list":
            return FieldView(**base, items=tuple(value))
        if spec.type == "text" and "\n" in value.strip():
            return FieldView(**base, paragraphs=split_paragraphs(value))
        data = number_text(value) if spec.type in NUMBER_TYPES else ""
        return FieldView(**base, text=format_value(spec.type, value, self.say), data=data)

    def numbered_facts(self, record: Record) -> tuple[FactView, ...]:
        """The record's facts, their citations numbered one after another."""
        facts, first = [], 1
        for fact in record.facts:
            facts.append(self.fact_view(record, fact, first))
            first += 1 + len(fact.also)
        return tuple(facts)

    def fact_view(self, record: Record, fact: Fact, first_citation: int = 0) -> FactView:
        self.listed.add(record.key)
        source_key = f"{SOURCE_TYPE}:{fact.source}"
        anchor = self.site.fact_anchors.get((record.key, fact.number), "")
        return FactView(
            number=fact.number,
            anchor=f"fact-{fact.number}",
            text=fact.text,
            quote=fact.quote,
            date=fact.date,
            date_label=self.say.date(fact.date) if fact.date else "",
            record=self.link(record.key, fact.number),
            source=self.link(source_key),
            quote_url=self.record_url(source_key, anchor),
            about=tuple(self.link(key) for key in fact.about),
            citations=self.citations(record, fact, first_citation) if first_citation else (),
            corrected=corrections_of(record, fact) if first_citation else (),
            verdict=verdict_view(fact, self.site.config.ratings, self.link),
        )

    def citations(self, record: Record, fact: Fact, first: int) -> tuple[CitationView, ...]:
        """The fact's citations, numbered from `first`: its source, then its `also`."""
        pairs = [(fact.source, fact.quote), *((c.source, c.quote) for c in fact.also)]
        views = []
        for index, (slug, quote) in enumerate(pairs):
            key = f"{SOURCE_TYPE}:{slug}"
            anchor = self.site.fact_anchors.get((record.key, fact.number), "") if index == 0 \
                else self.site.also_anchors.get((record.key, fact.number, index), "")
            views.append(CitationView(first + index, quote, self.link(key),
                                      self.record_url(key, anchor)))
        return tuple(views)

    def backlink_views(self, key: str) -> tuple[BacklinkView, ...]:
        """The record's backlink groups, each cut at BACKLINKS_SHOWN records."""
        record = self.site.records[key]
        folder = self.site.config.type(record.type).folder
        groups = self.site.backlinks.get(key, ())
        views = []
        for group, slug in zip(groups, group_slugs(groups), strict=True):
            total = record_count(group)
            items = self.backlink_items(group.links, BACKLINKS_SHOWN)
            more = total - len(items)
            url = self.url(urls.links_page(folder, record.slug, slug)) if more else ""
            label = self.say.heading(group.label)
            views.append(BacklinkView(label, items, one_type(group), more, url))
        return tuple(views)

    def backlink_items(self, links: Sequence[Backlink], limit: int | None = None
                       ) -> tuple[BacklinkItem, ...]:
        """The records of `links` (at most `limit`), each with its facts that link."""
        # Links arrive sorted by record, so each record's facts are side by side.
        items: list[BacklinkItem] = []
        groups = itertools.groupby(links, key=lambda b: b.record)
        for record_key, group in itertools.islice(groups, limit):
            record = self.link(record_key)
            facts = tuple(self.link(record_key, b.fact) for b in group if b.fact)
            items.append(BacklinkItem(record.title, record.url, record.type_label, facts,
                                      record.subtitle))
        return tuple(items)


def is_source_text(type_name: str, field_name: str) -> bool:
    """Whether this is a source's full text, which is shown with its quotes marked."""
    return type_name == SOURCE_TYPE and field_name == SOURCE_TEXT_FIELD


def _is_prose(view: FieldView) -> bool:
    return view.type == "markdown" or bool(view.paragraphs)


def type_fields(type_spec: TypeSpec) -> tuple[FieldSpec, ...]:
    """The fields a list page shows as columns: short ones, not the title."""
    return tuple(f for f in type_spec.fields if f.name != type_spec.title_field
                 and f.type not in ("markdown", "list")
                 and not is_source_text(type_spec.name, f.name))
