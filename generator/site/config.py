"""site.yaml -> SiteConfig: site settings and the record types, checked as a whole."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from generator.errors import BuildFailed, Diagnostic, did_you_mean
from generator.read.rawfile import Refused, read_bounded
from generator.read.yamlsrc import MAX_BYTES, Document, parse_yaml, too_big
from generator.site.catalogs import DEFAULT_LANGUAGE, load_catalog
from generator.site.model import FieldSpec, SiteConfig, TypeSpec
from generator.site.schema import (
    BASE_URL_PATTERN,
    FIELD_TYPES,
    LANGUAGE_PATTERN,
    NAME_PATTERN,
    RECORD_KEYS,
    SLUG_PATTERN,
    TEXT_PATTERN,
)
from generator.site.schemacheck import check_document, is_http_url, make_validator
from generator.urls import WINDOWS_DEVICES

CONFIG_FILE = "site.yaml"
NO_BASE_URL = Diagnostic(
    CONFIG_FILE, 1, 1, "no base_url: feed.xml, sitemap.xml and robots.txt need absolute URLs, so "
    "they are left out, and pages get no canonical link; set base_url in site.yaml or pass "
    "--base-url", "warning")
# Folders the generator writes itself; a record type cannot take them.
RESERVED_FOLDERS = frozenset({"assets", "corrections", "data", "embed", "schema", "search",
                              "timeline", "pagefind"})
RESERVED_FIELDS = frozenset(RECORD_KEYS)
# A list page of more rows than this is no longer small (DESIGN: no page grows without bound).
MAX_PAGE_SIZE = 1000
FACET_TYPES = frozenset({"text", "list", "year", "ref", "refs"})

_TEXT = {"type": "string", "pattern": TEXT_PATTERN}
_NAME = {"type": "string", "pattern": NAME_PATTERN}
_FIELD_SCHEMA = {
    "type": "object",
    "required": ["type"],
    "additionalProperties": False,
    "properties": {
        "type": {"enum": sorted(FIELD_TYPES)},
        "required": {"type": "boolean"},
        "to": _NAME,
        "inverse": _TEXT,
        "label": _TEXT,
        "description": _TEXT,
        "facet": {"type": "boolean"},
    },
}
_TYPE_SCHEMA = {
    "type": "object",
    "required": ["folder", "fields"],
    "additionalProperties": False,
    "properties": {
        "folder": {"type": "string", "pattern": SLUG_PATTERN},
        "label": _TEXT,
        "plural": _TEXT,
        "title_field": _NAME,
        "subtitle": _NAME,
        # The schema.org type of its records' JSON-LD, e.g. Corporation, City, Report.
        "schema_org": {"type": "string", "pattern": "^[A-Z][A-Za-z]*$"},
        "fields": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": NAME_PATTERN},
                   "additionalProperties": _FIELD_SCHEMA},
    },
}
SITE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title", "types"],
    "additionalProperties": False,
    "properties": {
        "title": _TEXT,
        "description": _TEXT,
        "language": {"type": "string", "pattern": LANGUAGE_PATTERN},
        # A multilingual site (DESIGN §3): its languages, the default first.
        "languages": {"type": "array", "minItems": 1, "uniqueItems": True,
                      "items": {"type": "string", "pattern": LANGUAGE_PATTERN}},
        "base_url": {"type": "string", "pattern": BASE_URL_PATTERN, "format": "uri"},
        "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        # The verdicts a fact-check may give, worst first (DESIGN §3).
        "ratings": {"type": "array", "minItems": 2, "uniqueItems": True,
                    "items": {"type": ["string", "boolean"], "pattern": TEXT_PATTERN}},
        "types": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": NAME_PATTERN},
                  "additionalProperties": _TYPE_SCHEMA},
    },
}
_SITE_VALIDATOR = make_validator(SITE_SCHEMA)


def load_config(site_dir: Path) -> SiteConfig:
    """Read and check `site_dir/site.yaml`; raise BuildFailed with every problem."""
    path = site_dir / CONFIG_FILE
    # Bounded and type-checked like a record file: a FIFO or a huge site.yaml must not hang.
    raw = read_bounded(str(path), MAX_BYTES)
    if isinstance(raw, Refused):
        raise BuildFailed([too_big(CONFIG_FILE, raw.size) if raw.size >= 0
                           else Diagnostic(CONFIG_FILE, 1, 1, raw.message)])
    doc = parse_yaml(CONFIG_FILE, raw)
    if isinstance(doc, Diagnostic):
        raise BuildFailed([doc])
    config, diagnostics = parse_config(doc)
    if config is None:
        raise BuildFailed(diagnostics)
    catalogs, notes = [], []
    for n, language in enumerate(config.languages or (config.language,)):
        at = (CONFIG_FILE, *doc.locate(("languages", n) if config.languages else ("language",)))
        catalog, problems = load_catalog(site_dir, language, at)
        catalogs.append(catalog)
        notes += problems
    if any(d.is_error for d in notes):
        raise BuildFailed(notes)
    return dataclasses.replace(config, catalog=catalogs[0], notes=tuple(notes),
                               catalogs=tuple(catalogs) if config.languages else ())


def parse_config(doc: Document) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """A SiteConfig from a parsed site.yaml, or None and the reasons it is wrong."""
    diagnostics = check_document(doc, _SITE_VALIDATOR)
    if diagnostics:
        return None, diagnostics
    data: dict[str, Any] = doc.data
    types = tuple(_type_spec(name, spec) for name, spec in data["types"].items())
    diagnostics = _check_types(doc, types)
    if diagnostics:
        return None, diagnostics
    diagnostics = _check_languages(doc)
    if diagnostics:
        return None, diagnostics
    base_url = data.get("base_url")
    languages = tuple(data.get("languages", ()))
    config = SiteConfig(
        title=data["title"],
        description=data.get("description", ""),
        language=languages[0] if languages else data.get("language", DEFAULT_LANGUAGE),
        languages=languages if len(languages) > 1 else (),
        base_url=with_trailing_slash(base_url) if base_url else None,
        types=types,
        page_size=data.get("page_size", 100),
        ratings=tuple(rating_label(r) for r in data.get("ratings", ())),
    )
    return config, []


def _check_languages(doc: Document) -> list[Diagnostic]:
    """`language` and `languages` agree: the first of `languages` is the site's language."""
    data = doc.data
    languages, language = data.get("languages"), data.get("language")
    if languages and language is not None and language != languages[0]:
        return [doc.error(("language",), f"language is '{language}' but the first of "
                          f"languages is '{languages[0]}'; the first of languages is the "
                          "site's default language: drop language, or make them agree")]
    return []


def with_base_url(config: SiteConfig, base_url: str | None) -> SiteConfig:
    """`config` with the --base-url of the command line, when one is given."""
    if base_url is None:
        return config
    if not is_http_url(base_url) or not re.fullmatch(BASE_URL_PATTERN, base_url):
        raise BuildFailed([Diagnostic("--base-url", 1, 1, f"'{base_url}' is not an http:// or "
                                      "https:// URL without a ?query or #fragment")])
    return dataclasses.replace(config, base_url=with_trailing_slash(base_url))


def with_trailing_slash(url: str) -> str:
    """`url` ending in exactly one '/', so page paths can be appended to it."""
    return url.rstrip("/") + "/"


def _type_spec(name: str, spec: dict[str, Any]) -> TypeSpec:
    fields = tuple(
        FieldSpec(
            name=field_name,
            type=f["type"],
            label=f.get("label", field_name.replace("_", " ").capitalize()),
            required=f.get("required", False),
            to=f.get("to"),
            inverse=f.get("inverse"),
            description=f.get("description", ""),
            facet=f.get("facet", False),
        )
        for field_name, f in spec["fields"].items()
    )
    names = [f.name for f in fields]
    texts = [f.name for f in fields if f.type == "text"]
    default_title = next((n for n in ("name", "title") if n in names), (texts or names)[0])
    return TypeSpec(
        name=name,
        folder=spec["folder"],
        label=spec.get("label", name.replace("_", " ").capitalize()),
        plural=spec.get("plural", spec["folder"].replace("-", " ").capitalize()),
        title_field=spec.get("title_field", default_title),
        fields=fields,
        schema_org=spec.get("schema_org", ""),
        subtitle=spec.get("subtitle", ""),
    )


def _check_types(doc: Document, types: tuple[TypeSpec, ...]) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    folders: dict[str, str] = {}
    for t in types:
        at = ("types", t.name)
        if t.folder in RESERVED_FOLDERS:
            diagnostics.append(doc.error((*at, "folder"), f"folder '{t.folder}' is reserved "
                                         "for pages the generator writes; choose another"))
        elif t.folder in WINDOWS_DEVICES:
            diagnostics.append(doc.error((*at, "folder"), f"folder '{t.folder}' is a device "
                                         "name on Windows; choose another"))
        elif t.folder in folders:
            diagnostics.append(doc.error((*at, "folder"), f"folder '{t.folder}' is already used "
                                         f"by type '{folders[t.folder]}'"))
        folders.setdefault(t.folder, t.name)
        diagnostics.extend(_check_fields(doc, t, {x.name for x in types}))
    return diagnostics


def _check_fields(doc: Document, t: TypeSpec, type_names: set[str]) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    at = ("types", t.name)
    title = t.field(t.title_field)
    if title is None or title.type != "text":
        diagnostics.append(doc.error((*at, "title_field") if "title_field" in doc.data["types"]
                                     [t.name] else (*at, "fields"),
                                     f"type '{t.name}' needs a text field to title its records: "
                                     "declare 'name' or 'title', or set title_field"))
    diagnostics.extend(_check_subtitle(doc, t))
    for f in t.fields:
        where = (*at, "fields", f.name)
        if f.facet and f.type not in FACET_TYPES:
            diagnostics.append(doc.error((*where, "facet"), f"field '{f.name}' of type {f.type} "
                                         "cannot have browse pages; 'facet' is for "
                                         f"{', '.join(sorted(FACET_TYPES))} fields"))
        if f.name in RESERVED_FIELDS:
            diagnostics.append(doc.error(where, f"'{f.name}' is built in; choose another "
                                         "field name", key=True))
        if FIELD_TYPES[f.type].is_ref:
            if f.to is None:
                diagnostics.append(doc.error(where, f"field '{f.name}' of type {f.type} needs "
                                             "'to: TYPE'"))
            elif f.to not in type_names:
                diagnostics.append(doc.error((*where, "to"), f"unknown type '{f.to}'"
                                             f"{did_you_mean(f.to, type_names)}"))
        else:
            for key in ("to", "inverse"):
                if getattr(f, key) is not None:
                    diagnostics.append(doc.error((*where, key), f"'{key}' is only for ref and "
                                                 f"refs fields, not {f.type}", key=True))
    return diagnostics


def _check_subtitle(doc: Document, t: TypeSpec) -> list[Diagnostic]:
    if not t.subtitle:
        return []
    where = ("types", t.name, "subtitle")
    if t.field(t.subtitle) is None:
        names = {f.name for f in t.fields}
        return [doc.error(where, f"unknown field '{t.subtitle}' of type '{t.name}'"
                          f"{did_you_mean(t.subtitle, names)}")]
    if t.subtitle == t.title_field:
        return [doc.error(where, f"'{t.subtitle}' is the title; a subtitle must be another field")]
    return []


def rating_label(value: str | bool) -> str:
    """A rating as written: YAML's `True` and `False` are booleans, here their labels."""
    return str(value).strip()
