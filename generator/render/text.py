"""Markdown for pages and plain text: record links made relative to each page, converted once."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

from markdown_it.common.utils import escapeHtml

from generator import urls
from generator.link.link import Site
from generator.link.markup import render_markdown

DESCRIPTION_LENGTH = 160
_TAG = re.compile(r"<[^>]*>")


def markdown_filter(site: Site) -> Callable[..., str]:
    """The `markdown` template filter: Markdown -> HTML, record links relative to the page."""
    folders = _folders(site)

    def render(text: str, root: str, inline: bool = False) -> str:
        return _markdown_html(text, root, folders, inline)
    return render


def markdown_text(site: Site) -> Callable[..., str]:
    """Markdown -> one line of plain text (record links become their labels).

    A fact's text is read `inline`, as its page shows it, so it is parsed once for both.
    """
    folders = _folders(site)

    def text(markdown: str, inline: bool = False) -> str:
        return _markdown_plain(markdown, folders, inline)
    return text


# (type name, folder) of every type, then ("type:former-slug", key) of every alias
_Folders = tuple[tuple[str, str], ...]


def _folders(site: Site) -> _Folders:
    return (*((t.name, t.folder) for t in site.config.types), *sorted(site.aliases.items()))


# A text is shown on its record's page, in JSON-LD, the feed, the timeline and lists: it is
# converted once, with a marker where the page's root goes, and the marker replaced per page.
# markdown-it turns NUL in a text into U+FFFD, so the marker cannot come from the text.
_ROOT_MARKER = "\x00root\x00"


@functools.lru_cache(maxsize=1 << 17)
def _markdown_html_rooted(text: str, folders: _Folders, inline: bool) -> str:
    folder_of = {name: folder for name, folder in folders if ":" not in name}
    now = {former: key for former, key in folders if ":" in former}

    def resolve(key: str) -> str:
        type_name, slug = now.get(key, key).split(":", 1)
        return _ROOT_MARKER + urls.record_page(folder_of[type_name], slug)
    return render_markdown(text, resolve, frozenset(folder_of), inline=inline)


def _markdown_html(text: str, root: str, folders: _Folders, inline: bool) -> str:
    # The marker sits in an attribute: the root goes there escaped, as markdown-it would.
    return _markdown_html_rooted(text, folders, inline).replace(_ROOT_MARKER, escapeHtml(root))


@functools.lru_cache(maxsize=1 << 17)
def _markdown_plain(text: str, folders: _Folders, inline: bool) -> str:
    return plain_text(_markdown_html_rooted(text, folders, inline))


def plain_text(markdown_html: str) -> str:
    """Rendered HTML as one line of plain text (for meta descriptions)."""
    return " ".join(html.unescape(_TAG.sub(" ", markdown_html)).split())


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """`text` cut at a word boundary to at most `limit` characters."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
