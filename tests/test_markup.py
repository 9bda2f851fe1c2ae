"""Markdown: raw HTML escaped, unsafe links refused, record links rewritten."""

from __future__ import annotations

import pytest

from generator.link.markup import classify_link, find_links, render_markdown

TYPES = frozenset({"company", "city"})


def render(text: str, inline: bool = False) -> str:
    return render_markdown(text, lambda key: f"../{key.replace(':', '/')}/index.html", TYPES,
                           inline=inline)


def test_raw_html_is_escaped_not_passed_through() -> None:
    html = render('<script>alert(1)</script> <img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(("href", "kind"), [
    ("https://example.org/a", "web"), ("http://x.y", "web"), ("mailto:a@b.c", "web"),
    ("#facts", "fragment"), ("company:acme", "record"), ("city:new-york", "record"),
    ("javascript:alert(1)", "refused"), ("JavaScript:alert(1)", "refused"),
    ("data:text/html,x", "refused"), ("vbscript:x", "refused"), ("file:///etc/passwd", "refused"),
    ("../other/page.html", "refused"), ("study:x", "refused"), ("company:Acme", "refused"),
])
def test_links_are_classified(href: str, kind: str) -> None:
    assert classify_link(href, TYPES).kind == kind


def test_refused_links_render_as_their_text_only() -> None:
    html = render("[click](javascript:alert(1)) and ![pic](data:image/png;base64,xx)")
    assert "javascript" not in html and "<img" not in html and "data:" not in html
    assert "click" in html and "pic" in html


def test_record_links_become_relative_urls() -> None:
    assert render("See [Acme](company:acme).") == \
        '<p>See <a href="../company/acme/index.html">Acme</a>.</p>\n'


def test_inline_rendering_has_no_paragraph() -> None:
    assert render("A *new* factory", inline=True) == "A <em>new</em> factory"


def test_find_links_lists_links_and_images() -> None:
    assert find_links("[a](company:acme) ![b](https://x.y/i.png) [c](#top) <b>") == \
        ["company:acme", "https://x.y/i.png", "#top"]


def test_entity_tricks_do_not_make_a_javascript_link() -> None:
    html = render("[x](jav&#x09;ascript:alert(1)) [y](&#106;avascript:alert(1))")
    assert "href" not in html
