"""Cards of a record's facts for other sites' articles: their contexts, and the <iframe> code.

A card is a page of its own (embed/<folder>/<slug>/, and …/<n>/ for fact n) that an article
shows in an <iframe>. It has no navigation; its links open in the top window, since a site
opened inside a small frame in someone else's article helps no one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from generator import urls
from generator.check.validate import Fact, Record
from generator.link.link import Site
from generator.render.listpages import Context
from generator.render.messages import words
from generator.render.plan import Page
from generator.render.text import markdown_filter, markdown_text, shorten
from generator.render.views import FactView, PageBuilder
from generator.site.schema import SOURCE_TYPE

EMBED_FACTS = 20  # facts on a record's card; the rest are a link away, so a card stays small
# A frame's height in CSS pixels, fitted to the default theme's cards in Chromium at 360 px
# wide, a phone's article column: there every card of the default site fits its frame with
# at most a quarter to spare (at 640 px up to two fifths of the frame is left blank). The
# theme uses the system's sans-serif, so a line holds what DejaVu Sans, one of the widest,
# fits in it (with narrower faces a little more is left blank).
# tests/test_embeds_browser.py measures it again.
CARD_TOP = 60  # the card's padding, borders and kicker
TITLE_LINE, TITLE_CHARACTERS = 26, 24  # a line of the record's title, and what fits in it
FACT_SPACE = 55  # each fact's date, padding and rule
# A line of a fact's text, its quote, its source's title or the footer, and what fits in it.
LINE, LINE_CHARACTERS = 23, 34
CARD_MAX = 1500  # past this the card scrolls inside its frame, not push the article down
# The code a reader pastes: no scripts in the card, so the frame allows none; links may take
# the reader's tab (on a click) or open a new one.
SANDBOX = "allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation"
_LINK = re.compile(r"<a (?=href=)")


@dataclass(frozen=True, slots=True)
class CardFact:
    """A fact as a card shows it: its view, and its text as HTML whose links leave the frame."""

    fact: FactView
    text_html: Markup


@dataclass(frozen=True, slots=True)
class CardView:
    """A card: the record's title and the facts it shows, with a link to the record's page."""

    title: str
    subtitle: str
    type_label: str
    record_url: str
    facts: tuple[CardFact, ...]
    total: int  # the record's facts, of which `facts` are the first ones or the one shown
    more: int  # facts past the ones shown, on the record's page


@dataclass(frozen=True, slots=True)
class EmbedCode:
    """The iframe code of a record's cards, as its page offers it to copy (none without facts)."""

    url: str  # the card of all facts, relative to the page (to look at it)
    absolute: bool  # false: no base URL, so the code's addresses are relative to the page
    script_url: str  # embed.js, which adds the copy buttons and the choice of a fact
    code: str  # the <iframe> of the card of all facts
    height: int
    fact_code: str  # the <iframe> of the first fact's card
    fact_parts: tuple[str, str, str, str]  # fact_code cut where the number goes (twice) and
    # the height: code = parts[0] + n + parts[1] + n + parts[2] + height + parts[3]
    fact_heights: tuple[tuple[int, int], ...]  # (number, height) of each fact's card


def embed_record_context(builder: PageBuilder, page: Page) -> Context:
    """The card of a record's facts (the first EMBED_FACTS of them)."""
    record = builder.site.records[page.key]
    card = _card(builder, record, record.facts[:EMBED_FACTS])
    facts = len(record.facts)
    say = words(builder.site.config)
    return record.title, say.ngettext(
        "%(n)s sourced fact on %(title)s.", "%(n)s sourced facts on %(title)s.", facts) % {
        "n": say.number(facts), "title": record.title}, {"card": card}


def embed_fact_context(builder: PageBuilder, page: Page) -> Context:
    """The card of one fact of a record."""
    record = builder.site.records[page.key]
    fact = record.facts[page.number - 1]
    card = _card(builder, record, (fact,))
    text = markdown_text(builder.site)(fact.text, True)
    title = words(builder.site.config).gettext("%(title)s: fact %(n)s") % {
        "title": record.title, "n": fact.number}
    return title, shorten(text), {"card": card, "fact": card.facts[0]}


def _card(builder: PageBuilder, record: Record, facts: tuple[Fact, ...]) -> CardView:
    # A card shows its record's title and facts, and its sources' titles: the builder notes
    # them as "~key", so an edit to the record's other fields or its backlinks leaves it be.
    to_html = markdown_filter(builder.site)
    views = tuple(CardFact(view, Markup(_LINK.sub('<a target="_top" ',
                                                  to_html(view.text, builder.root, True))))
                  for view in (builder.fact_view(record, fact) for fact in facts))
    more = len(record.facts) - len(facts) if len(facts) > 1 else 0
    return CardView(record.title, builder.site.subtitles.get(record.key, ""),
                    builder.site.config.type(record.type).label,
                    builder.record_url(record.key), views, len(record.facts), more)


def embed_code(builder: PageBuilder, record: Record) -> EmbedCode | None:
    """The code to embed the cards of `record` from its page; None when it has no facts."""
    if not record.facts:
        return None
    site = builder.site
    folder = site.config.type(record.type).folder
    base = site.config.base_url

    def address(path: str) -> str:
        return urls.absolute(base, path) if base else builder.url(path)

    card = urls.embed_record(folder, record.slug)
    subtitle = site.subtitles.get(record.key, "")  # where titles repeat, which one this is
    named = f"{record.title}{f', {subtitle}' if subtitle else ''} ({site.config.title})"
    height = card_height(site, record, record.facts[:EMBED_FACTS])
    first = address(urls.embed_fact(folder, record.slug, 1))
    # Fact 1's address, cut around its number: "…/microsoft/" "1" "/".
    head, tail = first.rsplit("/1/", 1)
    say = words(site.config)
    # The frame's title cut where the number goes, as the address is.
    before, after = (say.gettext("Fact %(n)s on %(name)s") % {"n": "\x00", "name": named}
                     ).split("\x00", 1)
    parts = (f'<iframe src="{escape(head)}/', f'/{escape(tail)}" title="{escape(before)}',
             f'{escape(after)}" width="100%" height="', f'" {_FRAME_REST}')
    heights = tuple((fact.number, card_height(site, record, (fact,))) for fact in record.facts)
    return EmbedCode(builder.url(card), bool(base), builder.shared + urls.EMBED_SCRIPT,
                     iframe(address(card), say.gettext("Facts on %(name)s") % {"name": named},
                            height), height,
                     fact_code(parts, 1, heights[0][1]), parts, heights)


_FRAME_REST = f'style="border:0;max-width:40rem" loading="lazy" sandbox="{SANDBOX}"></iframe>'


def iframe(src: str, title: str, height: int) -> str:
    """The <iframe> element that shows the card at `src`, as a reader pastes it."""
    return (f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" '
            f'height="{height}" {_FRAME_REST}')


def fact_code(parts: tuple[str, str, str, str], number: int, height: int) -> str:
    """The <iframe> of fact `number`'s card, from EmbedCode.fact_parts (embed.js does the
    same in the browser)."""
    return f"{parts[0]}{number}{parts[1]}{number}{parts[2]}{height}{parts[3]}"


def card_height(site: Site, record: Record, facts: tuple[Fact, ...]) -> int:
    """The height of a frame for a card of `facts` of `record`, from the lines its words take."""
    words = [fact_words for fact in facts for fact_words in (
        fact.text, fact.quote, "Source: " + site.records[f"{SOURCE_TYPE}:{fact.source}"].title)]
    words.append(f"All facts on {record.title} · {site.config.title}")  # the footer
    lines = sum(_lines(text, LINE_CHARACTERS) for text in words)
    height = CARD_TOP + TITLE_LINE * _lines(record.title, TITLE_CHARACTERS) \
        + FACT_SPACE * len(facts) + LINE * lines
    return min(height, CARD_MAX)


def _lines(text: str, characters: int) -> int:
    return -(-len(text) // characters)
