"""The contexts of paginated pages: type lists, browse pages, backlink groups, timeline years."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from generator import urls
from generator.check.validate import Record
from generator.render.listing import listings
from generator.render.messages import Messages, words
from generator.render.pageset import FACET_VALUES_PER_PAGE, group_slugs, one_type
from generator.render.paging import Pager, letter_anchor, letter_jump, page_items, pager
from generator.render.plan import Page
from generator.render.views import BacklinkView, FieldView, PageBuilder, type_fields
from generator.site.schema import FIELD_TYPES, SOURCE_TYPE

Context = tuple[str, str, dict[str, Any]]  # title, description, template variables


@dataclass(frozen=True, slots=True)
class TypeSummary:
    name: str
    label: str
    plural: str
    url: str
    count: int


@dataclass(frozen=True, slots=True)
class ListItem:
    """One row of a table of records."""

    title: str
    subtitle: str
    url: str
    anchor: str  # the id of the row where a letter of the A–Z jump starts, else ''
    fields: dict[str, FieldView]
    count: int  # facts, or for a source the facts that cite it


@dataclass(frozen=True, slots=True)
class ValueLink:
    """A link to a browse page, or to the values of a facet field."""

    label: str
    url: str
    count: int = 0


NO_LINK = ValueLink("", "")  # no page to link to: no previous year, no page above


def type_summary(builder: PageBuilder, type_name: str) -> TypeSummary:
    """A type's names, the link to its list and how many records it has."""
    t = builder.site.config.type(type_name)
    return TypeSummary(t.name, t.label, t.plural, builder.url(urls.list_page(t.folder)),
                       len(builder.site.by_type[t.name]))


def list_context(builder: PageBuilder, page: Page) -> Context:
    """Page `page.number` of the table of every record of a type."""
    t = builder.site.config.type(page.key)
    say = words(builder.site.config)
    browse = tuple(ValueLink(say.gettext("By %(field)s") % {"field": f.label.lower()},
                             builder.url(urls.facet_index(t.folder, f.name)))
                   for f in builder.site.config.facets(t.name))
    title = _numbered(t.plural, page, say)
    which = say.gettext("in %(site)s") % {"site": builder.site.config.title}
    return title, say.gettext("%(plural)s in %(site)s") % {
        "plural": t.plural, "site": builder.site.config.title}, {
        **_table(builder, page, builder.site.by_type[t.name],
                 lambda n: builder.url(urls.list_page(t.folder, n))),
        "heading": t.plural, "which": which, "browse": browse,
        "up": NO_LINK}


def facet_index_context(builder: PageBuilder, page: Page) -> Context:
    """The values of one facet field, with how many records have each."""
    site = builder.site
    t = site.config.type(page.key)
    spec = t.field(page.part)
    assert spec is not None
    values = site.facets[(t.name, spec.name)]
    shown = page_items(values, page.number, FACET_VALUES_PER_PAGE)
    if FIELD_TYPES[spec.type].is_ref:  # the labels are those records' titles
        for value in shown:
            builder.record_url(f"{spec.to}:{value.slug}")
    links = tuple(ValueLink(v.label, builder.url(urls.facet_page(t.folder, spec.name, v.slug)),
                            len(v.keys)) for v in shown)
    say = words(site.config)
    names = {"plural": t.plural, "field": spec.label.lower(), "site": site.config.title}
    heading = say.gettext("%(plural)s by %(field)s") % names
    return _numbered(heading, page, say), say.gettext("%(plural)s by %(field)s in %(site)s") % \
        names, {
        "type": type_summary(builder, t.name), "heading": heading, "field": spec.label,
        "values": links, "pager": pager(page.number, len(values), FACET_VALUES_PER_PAGE,
                                        lambda n: builder.url(urls.facet_index(t.folder,
                                                                               spec.name, n)))}


def facet_context(builder: PageBuilder, page: Page) -> Context:
    """Page `page.number` of the records whose facet field has one value."""
    site = builder.site
    t = site.config.type(page.key)
    spec = t.field(page.part)
    assert spec is not None
    value = listings(site).facet_value(t.name, spec.name, page.value)
    if FIELD_TYPES[spec.type].is_ref:
        builder.record_url(f"{spec.to}:{value.slug}")
    records = [site.records[key] for key in value.keys]
    say = words(site.config)
    names = {"plural": t.plural, "field": spec.label.lower(), "value": value.label,
             "site": site.config.title}
    heading = say.gettext("%(plural)s with %(field)s %(value)s") % names
    up = ValueLink(say.gettext("%(plural)s by %(field)s") % names,
                   builder.url(urls.facet_index(t.folder, spec.name)))
    return _numbered(heading, page, say), say.gettext(
        "%(plural)s with %(field)s %(value)s, in %(site)s") % names, {
        **_table(builder, page, records,
                 lambda n: builder.url(urls.facet_page(t.folder, spec.name, value.slug, n))),
        "heading": heading, "which": "", "browse": (), "up": up}


def links_context(builder: PageBuilder, page: Page) -> Context:
    """Page `page.number` of one backlink group of a record, in full."""
    site = builder.site
    record = site.records[page.key]
    groups = site.backlinks[page.key]
    group = groups[group_slugs(groups).index(page.part)]
    starts = listings(site).record_starts(page.key, page.part)
    size = site.config.page_size
    lo = starts[(page.number - 1) * size]
    hi = starts[page.number * size] if page.number * size < len(starts) else len(group.links)
    folder = site.config.type(record.type).folder
    say = words(site.config)
    label = say.heading(group.label)
    heading = say.gettext("%(label)s: %(title)s") % {"label": label, "title": record.title}
    return _numbered(heading, page, say), say.gettext("%(label)s (%(title)s)") % {
        "label": label, "title": record.title}, {
        "record": builder.link(record.key), "heading": heading, "label": label,
        "group": BacklinkView(label, builder.backlink_items(group.links[lo:hi]),
                              one_type(group)),
        "pager": pager(page.number, len(starts), size,
                       lambda n: builder.url(urls.links_page(folder, record.slug, page.part, n)))}


def timeline_year_context(builder: PageBuilder, page: Page) -> Context:
    """Page `page.number` of the dated facts of one year, oldest first."""
    site = builder.site
    years = listings(site).years()
    facts = years[page.part]
    size = site.config.page_size
    order = sorted(years)
    at = order.index(page.part)
    neighbours = {"prev_year": _year_link(builder, order[at - 1]) if at > 0 else NO_LINK,
                  "next_year": _year_link(builder, order[at + 1]) if at + 1 < len(order)
                  else NO_LINK}
    say = words(site.config)
    heading = say.gettext("Timeline: %(year)s") % {"year": page.part}
    count = len(facts)
    return _numbered(heading, page, say), say.ngettext(
        "%(n)s dated fact of %(year)s.", "%(n)s dated facts of %(year)s.", count) % {
        "n": say.number(count), "year": page.part}, {
        "heading": heading, "year": page.part, "timeline_url": builder.url(urls.TIMELINE),
        "facts": tuple(builder.fact_view(d.record, d.fact)
                       for d in page_items(facts, page.number, size)),
        "pager": pager(page.number, count, size,
                       lambda n: builder.url(urls.timeline_year(page.part, n))),
        **neighbours}


def _year_link(builder: PageBuilder, year: str) -> ValueLink:
    return ValueLink(year, builder.url(urls.timeline_year(year)))


def _table(builder: PageBuilder, page: Page, records: Sequence[Record],
           url_of: Callable[[int], str]) -> dict[str, Any]:
    site = builder.site
    size = site.config.page_size
    the_pager: Pager = pager(page.number, len(records), size, url_of)
    starts = listings(site).letter_starts((page.key, page.part, page.value), records)
    letters = letter_jump(starts, size, url_of, site.config.language) if the_pager.count > 1 else ()
    first_rows = {i: letter_anchor(letter) for letter, i in starts.items()} if letters else {}
    offset = (page.number - 1) * size
    return {
        "type": type_summary(builder, page.key),
        "columns": listings(site).columns(page.key),
        "count_label": words(site.config).gettext("Cited by facts")
        if page.key == SOURCE_TYPE else words(site.config).gettext("Facts"),
        "items": tuple(_list_item(builder, r, first_rows.get(offset + i, ""))
                       for i, r in enumerate(page_items(records, page.number, size))),
        "pager": the_pager, "letters": letters,
    }


def _list_item(builder: PageBuilder, record: Record, anchor: str) -> ListItem:
    type_spec = builder.site.config.type(record.type)
    fields = {f.name: builder.field_view(f, record.fields[f.name], type_spec.folder)
              for f in type_fields(type_spec) if f.name in record.fields}
    link = builder.link(record.key)
    builder.used.add(record.key)  # its fields and its count of facts
    cited = sum(len(mark.citations) for mark in builder.site.quote_marks.get(record.key, ()))
    return ListItem(record.title, link.subtitle, link.url, anchor, fields,
                    cited if record.type == SOURCE_TYPE else len(record.facts))


def _numbered(title: str, page: Page, say: Messages) -> str:
    return title if page.number == 1 else say.gettext("%(title)s (page %(n)s)") % {
        "title": title, "n": say.number(page.number)}
