"""The one place that decides slugs, output paths and the links between them.

Every page is a folder with an index.html. Links between pages are relative and name the
index.html file itself, so the site works at a domain root, under any sub-path and when
opened straight from disk (where a link to a folder would show a file listing).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection

from anyascii import anyascii

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # a record's file name, and its URL segment
SLUG_MAX = 80  # a suggested slug is cut at a word to stay a sensible file name
# Names Windows keeps for devices: a folder or file so named breaks the site on a Windows host.
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
                             *(f"lpt{n}" for n in range(1, 10))})

# Record slugs that would take the folders of a type's list pages and browse pages.
RESERVED_SLUGS = frozenset({"page", "by"})

PAGE_FILE = "index.html"
HOME = PAGE_FILE
NOT_FOUND = "404.html"
SITE_DATA = "data/site.json"
GRAPH_DATA = "data/graph.json"
STYLESHEET = "assets/factsheet.css"
SEARCH_SCRIPT = "assets/search.js"
EMBED_SCRIPT = "assets/embed.js"
TIMELINE = "timeline/" + PAGE_FILE
SEARCH = "search/" + PAGE_FILE
SEARCH_BUNDLE = "pagefind/"
FEED = "feed.xml"
CORRECTIONS_FEED = "corrections.xml"
REDIRECTS = "_redirects"  # Netlify's and Cloudflare Pages' list of redirects
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


def suggest_slug(title: str, taken: Collection[str] = ()) -> str:
    """The slug a title or file name becomes (`São Paulo` -> `sao-paulo`), never one in `taken`.

    Letters of any script are transliterated to ASCII; whatever is left that is not a-z or
    0-9 becomes '-'. A slug in `taken` (or a Windows device name) gets -2, -3, … added.
    """
    base = slugify(title) or "my-record"
    if base not in taken and base not in WINDOWS_DEVICES and base not in RESERVED_SLUGS:
        return base
    return next(f"{base}-{n}" for n in itertools.count(2) if f"{base}-{n}" not in taken)


def slugify(text: str) -> str:
    """`text` transliterated to a-z, 0-9 and '-', cut at a word past SLUG_MAX; may be ''."""
    base = re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")
    if len(base) > SLUG_MAX:
        cut = base[:SLUG_MAX + 1]
        base = cut.rsplit("-", 1)[0] if "-" in cut else cut[:SLUG_MAX]
    return base


def record_dir(folder: str, slug: str) -> str:
    """`companies/microsoft/`: the folder of a record's page and data."""
    return f"{folder}/{slug}/"


def record_page(folder: str, slug: str) -> str:
    """The output path of a record's HTML page."""
    return record_dir(folder, slug) + PAGE_FILE


def record_data(folder: str, slug: str) -> str:
    """The output path of a record's JSON."""
    return record_dir(folder, slug) + "index.json"


def type_csv(type_name: str) -> str:
    """The output path of one type's records as CSV."""
    return f"data/{type_name}.csv"


def type_json(type_name: str) -> str:
    """The output path of one type's records as JSON."""
    return f"data/{type_name}.json"


def type_schema(type_name: str) -> str:
    """The output path of one type's JSON Schema."""
    return f"schema/{type_name}.json"


def paged(first: str, number: int) -> str:
    """Page `number` of a listing whose first page is in the folder `first` (ending in '/')."""
    return first + (PAGE_FILE if number == 1 else f"page/{number}/{PAGE_FILE}")


def list_page(folder: str, number: int = 1) -> str:
    """The output path of page `number` of the list of a type's records."""
    return paged(f"{folder}/", number)


def facet_index(folder: str, field: str, number: int = 1) -> str:
    """The output path of page `number` of the values of a facet field."""
    return paged(f"{folder}/by/{field}/", number)


def facet_page(folder: str, field: str, value: str, number: int = 1) -> str:
    """The output path of page `number` of the records whose `field` has `value` (a slug)."""
    return paged(f"{folder}/by/{field}/{value}/", number)


def links_page(folder: str, slug: str, group: str, number: int = 1) -> str:
    """The output path of page `number` of one backlink group of a record (`group` a slug)."""
    return paged(f"{record_dir(folder, slug)}links/{group}/", number)


def corrections_page(number: int = 1) -> str:
    """The output path of page `number` of every correction of the site."""
    return paged("corrections/", number)


def timeline_year(year: str, number: int = 1) -> str:
    """The output path of page `number` of one year of the timeline."""
    return paged(f"timeline/{year}/", number)


def embed_record(folder: str, slug: str) -> str:
    """The output path of the card of a record's facts, for other sites' <iframe>s."""
    return f"embed/{record_page(folder, slug)}"


def embed_fact(folder: str, slug: str, number: int) -> str:
    """The output path of the card of fact `number` of a record."""
    return f"embed/{record_dir(folder, slug)}{number}/{PAGE_FILE}"


def root_of(path: str) -> str:
    """The relative prefix from the file at `path` back to the site root: '', '../', ..."""
    return "../" * path.count("/")


def relative(from_path: str, to_path: str) -> str:
    """A link from the file at `from_path` to the file at `to_path` (both site-relative)."""
    return root_of(from_path) + to_path


def absolute(base_url: str, path: str) -> str:
    """The public URL of `path` under `base_url` (which ends in '/'); folders, not index.html."""
    if path == PAGE_FILE or path.endswith("/" + PAGE_FILE):
        path = path[: -len(PAGE_FILE)]
    return base_url + path
