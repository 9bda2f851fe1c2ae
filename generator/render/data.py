"""Records as data files: JSON (refs resolved to URLs relative to the file), CSV, the graph."""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

import orjson

from generator import urls
from generator.check.validate import Record
from generator.link.link import Site
from generator.render.numbers import number_text
from generator.render.provenance import text_sha256
from generator.render.views import PageBuilder
from generator.site.schema import FIELD_TYPES, SOURCE_TYPE

FORMAT_VERSION = 1

# Past `page_size` x 50 records data/site.json stops holding them: at about 5 KB a record (the
# 2,040-record benchmark site: 10.2 MB) 100,000 records would make one 500 MB file, which no
# browser and few scripts can parse in one go; data/<type>.json hold them instead.
INLINE_PAGES = 50


def record_json(site: Site, key: str, path: str) -> tuple[bytes, frozenset[str]]:
    """A record's index.json, and the records it depends on."""
    builder = PageBuilder(site, path)
    return _dump(record_data(builder, site.records[key])), builder.depends_on()


def site_json(site: Site, path: str) -> bytes:
    """data/site.json: the site's settings, its types and every record, or past
    `inlines_records` the types alone, each with the URL of its data/<type>.json."""
    builder = PageBuilder(site, path)
    config = site.config
    inline = inlines_records(site)
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "title": config.title,
        "description": config.description,
        "language": config.language,
        "base_url": config.base_url,
        "types": [_type_entry(builder, t.name, files=not inline) for t in config.types],
    }
    if inline:
        data["records"] = [record_data(builder, r) for r in site.records_in_order()]
    else:
        # No empty "records": a reader that expects every record must fail, not see none.
        data["records_by_type"] = True
    return _dump(data)


def inlines_records(site: Site) -> bool:
    """Whether data/site.json holds every record (else each type's data/<type>.json does)."""
    return len(site.records) <= site.config.page_size * INLINE_PAGES


def type_json(site: Site, type_name: str, path: str) -> tuple[bytes, frozenset[str]]:
    """data/<type>.json: the type and its records as data/site.json shows them, in the same
    order; and the records it depends on (those its records link to)."""
    builder = PageBuilder(site, path)
    data = {"format": FORMAT_VERSION, **_type_entry(builder, type_name),
            "records": [record_data(builder, r) for r in site.by_type[type_name]]}
    return _dump(data), builder.depends_on()


def _type_entry(builder: PageBuilder, type_name: str, files: bool = False) -> dict[str, Any]:
    t = builder.site.config.type(type_name)
    entry: dict[str, Any] = {"name": t.name, "label": t.label, "plural": t.plural,
                             "folder": t.folder, "url": builder.url(urls.list_page(t.folder)),
                             "count": len(builder.site.by_type[t.name])}
    if files:
        entry |= {"data": builder.url(urls.type_json(t.name)),
                  "csv": builder.url(urls.type_csv(t.name))}
    return entry


def record_data(builder: PageBuilder, record: Record) -> dict[str, Any]:
    """One record as plain data, links relative to the builder's page."""
    type_spec = builder.site.config.type(record.type)
    fields: dict[str, Any] = {}
    for spec in type_spec.fields:
        value = record.fields.get(spec.name)
        if value is not None and FIELD_TYPES[spec.type].is_ref:
            slugs = [value] if isinstance(value, str) else value
            refs = [ref_data(builder, f"{spec.to}:{slug}") for slug in slugs]
            fields[spec.name] = refs[0] if isinstance(value, str) else refs
        elif value is not None:
            fields[spec.name] = json_value(value)
    folder = type_spec.folder
    return {
        "type": record.type,
        "slug": record.slug,
        "title": record.title,
        "url": builder.url(urls.record_page(folder, record.slug)),
        "data": builder.url(urls.record_data(folder, record.slug)),
        "fields": fields,
        # A source's: so a copy of its text can be checked against the one the site quotes.
        **({"text_sha256": sha} if (sha := text_sha256(record)) else {}),
        "facts": [{
            "number": fact.number,
            "date": fact.date,
            "text": fact.text,
            "quote": fact.quote,
            "source": ref_data(builder, f"{SOURCE_TYPE}:{fact.source}"),
            "quote_url": builder.record_url(f"{SOURCE_TYPE}:{fact.source}",
                                            builder.site.fact_anchors[(record.key, fact.number)]),
            "about": [ref_data(builder, key) for key in fact.about],
        } for fact in record.facts],
        "backlinks": [{"label": group.label,
                       "links": [ref_data(builder, b.record, b.fact) for b in group.links]}
                      for group in builder.site.backlinks.get(record.key, ())],
    }


def ref_data(builder: PageBuilder, key: str, fact: int = 0) -> dict[str, Any]:
    """A reference to another record: its type, slug, title and URLs."""
    record = builder.site.records[key]
    link = builder.link(key, fact)
    folder = builder.site.config.type(record.type).folder
    ref: dict[str, Any] = {
        "type": record.type,
        "slug": record.slug,
        "title": link.title,
        "url": link.url,
        "data": builder.url(urls.record_data(folder, record.slug)),
    }
    if fact:
        ref["fact"] = fact
    return ref


def graph_json(site: Site, path: str) -> bytes:
    """data/graph.json: every record as a node, every link between two records as an edge.

    Edges are the backlinks seen from their origin: `relation` is the label the target
    shows them under ("Companies based here", "Cited in", ...), `fact` the citing fact.
    """
    builder = PageBuilder(site, path)
    nodes = [{"id": r.key, "type": r.type, "slug": r.slug, "title": r.title,
              "url": builder.url(site.page_path(r.key))}
             for r in site.records_in_order()]
    edges = sorted(({"from": link.record, "to": target, "relation": group.label,
                     **({"fact": link.fact} if link.fact else {})}
                    for target, groups in site.backlinks.items()
                    for group in groups for link in group.links),
                   key=lambda e: (e["from"], e.get("fact", 0), e["to"], e["relation"]))
    return _dump({"format": FORMAT_VERSION, "nodes": nodes, "edges": edges})


def json_value(value: Any) -> Any:
    """A field's value for orjson: a number as number_text spells it, the rest as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return orjson.Fragment(number_text(value))
    return value


# A spreadsheet runs a cell that starts with = + - @ as a formula (CSV injection); OWASP lists
# tab and carriage return too. Spreadsheets skip blanks before the formula character, and
# some read its full-width (＝ ＋ － ＠) or small forms as the same, so a cell is dangerous when
# its first character that is not white space, a control or a format character (zero-width
# space, BOM) folds (NFKC) to one of these, or is U+2212 MINUS SIGN.
_FORMULA_START = frozenset("=+-@\u2212")
_BLANKS = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


def type_csv(site: Site, type_name: str) -> bytes:
    """data/<type>.csv: one row per record, one column per field; refs as slugs."""
    type_spec = site.config.type(type_name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["slug", *(f.name for f in type_spec.fields), "facts"])
    for record in site.by_type[type_name]:
        cells = [_csv_cell(record.fields.get(f.name)) for f in type_spec.fields]
        writer.writerow([record.slug, *cells, len(record.facts)])
    return out.getvalue().encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, str):
        return "'" + value if needs_text_mark(value) else value  # as OWASP advises
    return number_text(value)


def needs_text_mark(value: str) -> bool:
    """Whether data/<type>.csv puts a ' before this text: when a spreadsheet would run it as
    a formula, and, so that the import can take exactly one ' off again, when it is such
    text behind ' marks of its own ("'=x" is written "''=x")."""
    return is_formula(value.lstrip("'"))


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet might run this CSV cell as a formula."""
    if cell.startswith(("\t", "\r")):
        return True
    for char in cell:
        if unicodedata.category(char) not in _BLANKS:
            return unicodedata.normalize("NFKC", char)[:1] in _FORMULA_START
    return False


def _dump(data: Any) -> bytes:
    # orjson: the layout of json.dumps(indent=2), about ten times faster on 100k records.
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
