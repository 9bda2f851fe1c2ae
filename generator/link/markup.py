"""Markdown: markdown-it-py set up safely, record links found and rewritten.

Raw HTML is escaped, never passed through. A link may go to http(s), mailto, a #fragment
of the same page, or a record written `type:slug`; anything else (javascript:, data:,
relative paths that would break when the page moves) is refused.

markdown-it's time and memory grow with the markup in a text, not with its words: a
text is refused, before it is parsed, when it is too long or its record's texts cost too
much to parse (MarkupBudget), so no content can make checking or building slow.
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
# One Markdown text at most this long: parsing costs up to ~2.2 KB of memory per markup
# character (100,000 characters of '- a' lines: 55 MB), and the longest text of the
# default site is 220 characters.
MAX_MARKDOWN_CHARS = 100_000
# All the Markdown texts of one record together cost at most this much (markdown_cost).
# markdown-it spends up to 21 µs per markup character on 35 patterns written by hand
# ('![', '1. a' lines, emphasis, tables, …), 33 µs on the worst of 7,000 random ones, and
# 0.03 µs per other character; a fact's text is parsed three times, so a record at the
# limit is built in 2-3 s, where a 7.8 MB list took 72 s and 2.9 GB to check. Plain prose
# is about 1% markup (the seed article), prose with a link or emphasis in each sentence
# about 6%: the limit is near 1 MB of prose per record.
MAX_MARKUP = 50_000
# What makes markdown-it do work: its inline terminators (which break runs of text), line
# breaks (block structure) and '|' (tables).
MARKUP_CHARS = "\n!#$%&*+-:<=>@[\\]^_`{}~|"
# The one cost that is not in markup characters: from each '](' markdown-it reads a link
# target character by character, up to a space or line break, and again from the next
# '](' ('[a](' and 500 letters, repeated: 7 µs a character, 1.2 ms a markup character).
# A read stops past 32 unclosed '(', and each '](' opens one, so at most 33 reads pass
# over any character. At 0.09 µs a character read, 100 cost as much as one markup character.
_TARGET_READS_PER_MARK = 100
_TARGET_START = re.compile(r"\]\(")
# A space ends a read, and so does a control character unless a backslash escapes it.
_TARGET_END = re.compile(r" |(?<!\\)[\x00-\x1f\x7f]")
# A target in <…> is read up to a line break, '<' or '>', so those reads never overlap.
_ANGLE_TARGET_END = re.compile(r"(?<!\\)[\n<>]")
_READS_PER_CHARACTER = 33
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
    # maxNesting (commonmark's 20, said here so that it stays) bounds nested blocks and
    # the depth of inline nesting; MarkupBudget bounds the rest.
    return _Parser("commonmark", {"html": False, "maxNesting": 20}
                   ).enable(["table", "strikethrough"])


def markup_count(text: str) -> int:
    """How many of `text`'s characters are Markdown markup (MARKUP_CHARS)."""
    return sum(map(text.count, MARKUP_CHARS))


def markdown_cost(text: str) -> int:
    """What parsing `text` costs, in markup characters (link targets read count too)."""
    return markup_count(text) + _target_reads(text) // _TARGET_READS_PER_MARK


def _target_reads(text: str) -> int:
    """How many characters markdown-it reads, at most, for the link targets of `text`."""
    if "](" not in text:
        return 0
    reads = run_reads = 0
    first = end = -1
    for start in (m.end() for m in _TARGET_START.finditer(text)):
        if text.startswith("<", start):
            found = _ANGLE_TARGET_END.search(text, start + 1)
            reads += (found.start() if found else len(text)) - start
        if start > end:  # a new run without spaces, whose end ends every read begun in it
            reads += min(run_reads, _READS_PER_CHARACTER * (end - first))
            found = _TARGET_END.search(text, start)
            first, end, run_reads = start, found.start() if found else len(text), 0
        run_reads += end - start
    return reads + min(run_reads, _READS_PER_CHARACTER * (end - first))


def markdown_problem(text: str, markup: int = 0) -> str:
    """Why `text` (in a record that already holds `markup`) is not parsed, or ''."""
    if len(text) > MAX_MARKDOWN_CHARS:
        return (f"this Markdown is {len(text):,} characters long; the limit is "
                f"{MAX_MARKDOWN_CHARS:,}: shorten it or split it across records")
    if markup + markdown_cost(text) > MAX_MARKUP:
        return (f"this record's Markdown holds more than {MAX_MARKUP:,} markup characters "
                "(line breaks and [ ] * _ > # - | …) in all: split the record")
    return ""


class MarkupBudget:
    """Markdown checked record by record: each text's length, and the markup of them all."""

    def __init__(self) -> None:
        self.spent: dict[str, int] = {}

    def charge(self, record_key: str, text: str) -> str | None:
        """None if `text` may be parsed; else why not ('' once its record was refused)."""
        spent = self.spent.get(record_key, 0)
        if spent > MAX_MARKUP:
            return ""  # one error per record: its other texts are left unparsed
        problem = markdown_problem(text, spent)
        self.spent[record_key] = MAX_MARKUP + 1 if problem else spent + markdown_cost(text)
        return problem or None


def _parse(text: str, inline: bool) -> list[Token]:
    problem = markdown_problem(text)
    if problem:  # only a template can get here: a record's texts were checked when linked
        raise ValueError(problem)
    md = _parser()
    return md.parseInline(text) if inline else md.parse(text)


def find_links(text: str, *, inline: bool = False) -> list[str]:
    """The target of every link and image in a Markdown text, in order.

    `inline` must match how the text is rendered: parsed as one run of words, an indented
    line is not a code block, so a link in it is a real link and must be checked.
    """
    if "[" not in text and "<" not in text:  # every link form starts with one of them
        return []
    tokens = _parse(text, inline)
    return [href for token in _inline_tokens(tokens) if (href := _target(token)) is not None]


def render_markdown(text: str, resolve_record: Callable[[str], str],
                    type_names: frozenset[str], *, inline: bool = False) -> str:
    """HTML for a Markdown text; record links become URLs from `resolve_record(key)`.

    With `inline`, the text is one run of words (no paragraphs or lists), as for a fact.
    """
    md = _parser()
    tokens = _parse(text, inline)
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
