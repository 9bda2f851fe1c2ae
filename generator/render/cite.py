"""'Cite this page': a record page as a citation in plain text, BibTeX and CSL-JSON.

A citation names the site, the record, the day the record last changed in substance (its
`updated` date; never the day of the build, which would change every citation each time the
site is built) and the page's public URL when the site's base URL is known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

import orjson

from generator import urls
from generator.check.validate import Record
from generator.link.link import Site
from generator.render.formats import format_date

CITE_BIB = "cite.bib"  # in the record's folder, beside its index.html and index.json
CITE_JSON = "cite.json"
CITE_KINDS = ("cite-bib", "cite-json")  # the kinds of page (plan.py) of the two files

# LaTeX's special characters as text. Braces become commands, not \{ and \}: BibTeX counts
# every brace, escaped or not, to find where a field ends.
_LATEX = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
          "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
          "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}
_LATEX_SPECIAL = re.compile("[" + re.escape("".join(_LATEX)) + "]")
# Pairs TeX's fonts join into another character (-- is a dash, '' a closing quote, !` is ¡):
# an empty group between the two keeps them as written.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=')(?=')|(?<=`)(?=`)|(?<=,)(?=,)|(?<=<)(?=<)"
                       r"|(?<=>)(?=>)|(?<=[!?])(?=`)")
# What may stay as it is in a URL; anything else (braces, backslash, non-ASCII) is
# percent-encoded, which names the same resource.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%-._~"


@dataclass(frozen=True, slots=True)
class CiteView:
    """A record page as a citation: its parts, and the links to its citation files."""

    title: str
    site_title: str
    updated: str  # YYYY-MM-DD, or "" when the record has no `updated` date
    updated_label: str  # '12 June 2020'
    meta_date: str  # `updated` as the citation_date meta tag wants it: 2020/06/12
    public_url: str  # the page's canonical URL, or "" without a base URL
    url: str  # a link to the page, relative (as every link between the site's pages is)
    url_text: str  # the public URL, else the page's place in the site (companies/ibm/)
    text: str  # the whole citation as one line of plain text
    bib_url: str = CITE_BIB
    json_url: str = CITE_JSON


def cite_paths(folder: str, slug: str) -> tuple[str, str]:
    """The output paths of a record's cite.bib and cite.json (as CITE_KINDS)."""
    where = urls.record_dir(folder, slug)
    return where + CITE_BIB, where + CITE_JSON


class _Planned(Protocol):
    @property
    def key(self) -> str: ...


def _bib_file(site: Site, page: _Planned) -> tuple[bytes, frozenset[str]]:
    # Its record's title, `updated` and address; the rest comes from site.yaml.
    return bibtex(site, site.records[page.key]), frozenset({page.key})


def _json_file(site: Site, page: _Planned) -> tuple[bytes, frozenset[str]]:
    return csl_json(site, site.records[page.key]), frozenset({page.key})


# How outputs.py makes each kind, and what each file depends on.
CITE_MAKERS: dict[str, Callable[[Site, Any], tuple[bytes, frozenset[str]]]] = {
    "cite-bib": _bib_file, "cite-json": _json_file}


def cite_view(site: Site, key: str, path: str) -> CiteView:
    """The citation of record `key`'s page, its links relative to `path`."""
    record = site.records[key]
    title, site_title = _one_line(record.title), _one_line(site.config.title)
    updated = record.updated or ""
    label = format_date(updated, site.config.catalog) if updated else ""
    public = public_url(site, key)
    page = site.page_path(key)
    url_text = public or page.removesuffix(urls.PAGE_FILE)
    text = f"“{title}”, {site_title}" + (f", updated {label}" if label else "") \
        + f". {url_text}"
    return CiteView(title, site_title, updated, label, updated.replace("-", "/"), public,
                    urls.relative(path, page), url_text, text)


def public_url(site: Site, key: str) -> str:
    """The canonical URL of record `key`'s page, or "" when the base URL is not known."""
    base = site.config.base_url
    return urls.absolute(base, site.page_path(key)) if base else ""


def bibtex(site: Site, record: Record) -> bytes:
    """The record's page as a BibTeX @misc entry, keyed by its type and slug."""
    fields = [("title", "{" + latex_text(record.title) + "}"),
              ("organization", "{" + latex_text(site.config.title) + "}")]
    public = public_url(site, record.key)
    if public:
        safe = bib_url(public)
        fields += [("howpublished", r"\url{" + safe.replace("%", r"\%").replace("#", r"\#")
                    + "}"), ("url", safe)]
    if record.updated:
        fields += [("year", record.updated[:4]), ("date", record.updated),
                   ("note", f"Updated {format_date(record.updated)}")]
    lines = [f"@misc{{{record.key},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields]
    return ("\n".join(lines) + "\n}\n").encode("utf-8")


def latex_text(text: str) -> str:
    """`text` on one line as LaTeX typesets it: special characters and ligatures written
    as text, so that a title reads the same in a bibliography."""
    escaped = _LATEX_SPECIAL.sub(lambda m: _LATEX[m.group()], _one_line(text))
    return _LIGATURE.sub("{}", escaped)


def bib_url(url: str) -> str:
    """`url` with what BibTeX or LaTeX would read as syntax (braces, backslash, spaces,
    non-ASCII) percent-encoded."""
    return quote(url, safe=_URL_SAFE)


def csl_json(site: Site, record: Record) -> bytes:
    """The record's page as CSL-JSON (a list of one item of type "webpage")."""
    item: dict[str, Any] = {"id": record.key, "citation-key": record.key, "type": "webpage",
                            "title": _one_line(record.title),
                            "container-title": _one_line(site.config.title),
                            "language": site.config.language}
    public = public_url(site, record.key)
    if public:
        item["URL"] = public
    if record.updated:
        item["issued"] = {"date-parts": [[int(part) for part in record.updated.split("-")]]}
    return orjson.dumps([item], option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _one_line(text: str) -> str:
    # A title may hold line breaks; a citation is one line, and in BibTeX a blank line
    # would end the paragraph.
    return " ".join(text.split())
