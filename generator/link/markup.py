"""Markdown: markdown-it-py set up safely, record links found and rewritten.

Raw HTML is escaped, never passed through. A link may go to http(s), mailto, a #fragment
of the same page, or a record written `type:slug`; anything else (javascript:, data:,
relative paths that would break when the page moves) is refused.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.site.schema import NAME
from generator.urls import SLUG

WEB_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_RECORD_LINK = re.compile(f"({NAME}):({SLUG})")


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """What a link in Markdown points at: kind is 'web', 'fragment', 'record' or 'refused'."""

    href: str
    kind: str
    record_key: str = ""


def classify_link(href: str, type_names: frozenset[str]) -> LinkTarget:
    """Sort one link target into web, fragment, record (`type:slug`) or refused."""
    if href.startswith("#"):
        return LinkTarget(href, "fragment")
    record = _RECORD_LINK.fullmatch(href)
    if record and record.group(1) in type_names:
        return LinkTarget(href, "record", href)
    scheme = _SCHEME.match(href)
    if scheme and scheme.group(1).lower() in WEB_SCHEMES:
        return LinkTarget(href, "web")
    return LinkTarget(href, "refused")


class _Parser(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        # Every link is kept at parse time and judged by classify_link instead, so that a
        # refused link is reported to the writer rather than silently shown as text.
        return True


@functools.cache
def _parser() -> MarkdownIt:
    return _Parser("commonmark", {"html": False}).enable(["table", "strikethrough"])


def find_links(text: str, *, inline: bool = False) -> list[str]:
    """The target of every link and image in a Markdown text, in order.

    `inline` must match how the text is rendered: parsed as one run of words, an indented
    line is not a code block, so a link in it is a real link and must be checked.
    """
    if "[" not in text and "<" not in text:  # every link form starts with one of them
        return []
    md = _parser()
    tokens = md.parseInline(text) if inline else md.parse(text)
    return [href for token in _inline_tokens(tokens) if (href := _target(token)) is not None]


def render_markdown(text: str, resolve_record: Callable[[str], str],
                    type_names: frozenset[str], *, inline: bool = False) -> str:
    """HTML for a Markdown text; record links become URLs from `resolve_record(key)`.

    With `inline`, the text is one run of words (no paragraphs or lists), as for a fact.
    """
    md = _parser()
    tokens = md.parseInline(text) if inline else md.parse(text)
    for block in tokens:
        if block.children:
            block.children = _rewrite_links(block.children, resolve_record, type_names)
    return str(md.renderer.render(tokens, md.options, {}))


def _inline_tokens(tokens: list[Token]) -> Iterator[Token]:
    for block in tokens:
        yield from block.children or ()


def _target(token: Token) -> str | None:
    if token.type == "link_open":
        return str(token.attrGet("href") or "")
    if token.type == "image":
        return str(token.attrGet("src") or "")
    return None


def _rewrite_links(children: list[Token], resolve_record: Callable[[str], str],
                   type_names: frozenset[str]) -> list[Token]:
    kept: list[Token] = []
    dropping = False
    for token in children:
        href = _target(token)
        if href is not None:
            target = classify_link(href, type_names)
            if target.kind == "refused":
                dropping = token.type == "link_open"
                if token.type == "image":  # keep the words, lose the picture
                    kept.append(Token("text", "", 0, content=token.content))
                continue
            if target.kind == "record":
                token.attrSet("href" if token.type == "link_open" else "src",
                              resolve_record(target.record_key))
        elif token.type == "link_close" and dropping:
            dropping = False
            continue
        kept.append(token)
    return kept
