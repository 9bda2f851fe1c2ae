"""Hardening, class 5: hostile text in every field renders harmlessly.

The proof is by parsing, not by looking for substrings: every HTML file the build writes
is parsed with html.parser and must hold no script except JSON-LD that parses as JSON
(and holds no '</') or a script of the site's own under assets/ or pagefind/, no on*
attribute, and no URL with a scheme other than http, https or mailto. JSON files must
parse and give the hostile text back exactly; XML must be well formed (with any HTML it
carries just as clean); CSV cells must not start a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.link.markup import find_links, markdown_problem, render_markdown
from tests.conftest import SERIAL, copy_case, tree_bytes, write_files
from tests.hardening import (
    BuiltSite,
    audit_html,
    built_basic_site,
    error_lines,
    run_cli,
    url_is_safe,
)

# Breakouts from every context a value can land in: element text, a quoted or unquoted
# attribute, <title>, <textarea>, a <script> (JSON-LD), a comment, CDATA, a template.
PAYLOADS = [
    "<script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg onload=alert(1)>",
    "x onmouseover=alert(1) y",
    "</textarea></style></noscript><iframe src=javascript:alert(1)>",
    "<!--<script>alert(1)//-->",
    "]]><script>alert(1)</script><![CDATA[",
    "{{ 7*7 }}{% raw %}<b>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
]
EVIL = " | ".join(PAYLOADS)
# The same payloads with nothing YAML would choke on: one line, in single quotes.
QUOTED = "'" + EVIL.replace("'", "''") + "'"
FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2", "=cmd|' /C calc'!A0"]

SITE_YAML = f"""\
title: {QUOTED}
description: {QUOTED}
types:
  company:
    folder: companies
    label: {QUOTED}
    plural: {QUOTED}
    fields:
      name: {{type: text, required: true, label: {QUOTED}}}
      headquarters: {{type: ref, to: city, inverse: {QUOTED}}}
      website: {{type: url}}
      summary: {{type: markdown, label: {QUOTED}}}
      notes: {{type: text}}
      tags: {{type: list}}
      founded: {{type: year}}
  city:
    folder: cities
    fields:
      name: {{type: text, required: true}}
      twinned_with: {{type: refs, to: city}}
  source:
    folder: sources
    fields:
      title: {{type: text, required: true}}
      date: {{type: date}}
      url: {{type: url}}
      text: {{type: text}}
"""
MARKDOWN = (EVIL + "\n\n<div onclick=alert(1)>raw html</div>\n\n"
            "<img src=x onerror=alert(1)>\n\n[ok](https://example.org/\"onclick=\"alert(1))\n\n"
            "- " + EVIL + "\n- [x](company:globex) **bold** `" + EVIL + "`\n\n"
            "    indented " + EVIL + "\n\n> " + EVIL + "\n\n| a | b |\n|---|---|\n| "
            + EVIL.replace("|", "\\|") + " | x |\n")
SOURCE_TEXT = "Intro.\n\n" + EVIL + "\n\nThe end: " + EVIL + "\n"


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    return "|\n" + "".join(pad + line + "\n" for line in text.split("\n"))


def hostile_files() -> dict[str, str | bytes]:
    """A whole site whose every free-text value is hostile."""
    return {
        "site.yaml": SITE_YAML,
        "content/companies/acme.yaml": (
            f"name: {QUOTED}\nheadquarters: springfield\n"
            "website: 'https://acme.example/\"onmouseover=\"alert(1)\"/</script><script>x'\n"
            f"summary: {_block(MARKDOWN, 2)}notes: {_block(SOURCE_TEXT, 2)}"
            f"tags: [{QUOTED}, {', '.join(repr(f) for f in FORMULAS)}]\n"
            "founded: 1947\n"
            "facts:\n"
            f"  - text: {QUOTED}\n    source: gazette\n    quote: {QUOTED}\n    date: 2021-03-04\n"
            f"    about: [springfield, globex]\n"
            f"  - text: {_block(MARKDOWN.split(chr(10))[0] + ' [g](company:globex)', 6)}"
            f"    source: gazette\n    quote: 'The end: {EVIL[:40]}'\n    date: 2021\n"),
        "content/companies/globex.yaml": "name: '=SUM(1+1)'\nheadquarters: springfield\n",
        "content/companies/formula.yaml": "name: '+cmd'\nnotes: '-2+3'\ntags: ['@x']\n",
        "content/cities/springfield.yaml": f"name: {QUOTED}\ntwinned_with: [shelbyville]\n",
        "content/cities/shelbyville.yaml": "name: '@Shelbyville'\n",
        "content/sources/gazette.yaml": (
            f"title: {QUOTED}\ndate: 2021-03-05\n"
            "url: 'https://gazette.example/?q=\"><script>alert(1)</script>'\n"
            f"text: {_block(SOURCE_TEXT, 2)}"),
    }


@pytest.fixture(scope="module")
def hostile_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The hostile site, built with a base URL that tries to break out too."""
    root = tmp_path_factory.mktemp("hostile")
    site = copy_case("basic", root)
    for path in (site / "content").rglob("*.yaml"):
        path.unlink()
    write_files(site, hostile_files())
    outcome = run_cli("build", "--site", site, "--out", root / "out", "--base-url",
                      "https://facts.example/x\"><script>alert(1)</script>/")
    assert outcome.code == 0, outcome.err
    return tree_bytes(root / "out")


def _files(output: dict[str, bytes], suffix: str) -> list[str]:
    return sorted(p for p in output if p.endswith(suffix))


def test_the_hostile_site_builds_every_kind_of_file(hostile_output: dict[str, bytes]) -> None:
    assert {"index.html", "companies/acme/index.html", "sources/gazette/index.html",
            "companies/index.html", "data/site.json"} <= set(hostile_output)
    assert len(_files(hostile_output, ".html")) >= 10


def test_no_html_file_can_run_script(hostile_output: dict[str, bytes]) -> None:
    problems = [p for path in _files(hostile_output, ".html")
                for p in audit_html(path, hostile_output[path].decode("utf-8"))]
    assert problems == []


def test_the_hostile_text_is_shown_as_text(hostile_output: dict[str, bytes]) -> None:
    # Escaped, not dropped: the reader sees exactly what the writer typed.
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.chunks: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.skip += tag in ("script", "style")

        def handle_endtag(self, tag: str) -> None:
            self.skip -= tag in ("script", "style")

        def handle_data(self, data: str) -> None:
            if not self.skip:
                self.chunks.append(data)

    parser = Text()
    parser.feed(hostile_output["companies/acme/index.html"].decode())
    text = " ".join("".join(parser.chunks).split())
    assert " ".join(EVIL.split()) in text


def test_jsonld_blocks_are_json_without_closing_tags(hostile_output: dict[str, bytes]) -> None:
    # audit_html already refuses bad JSON-LD; this says how many blocks were looked at.
    blocks = sum(hostile_output[p].count(b'type="application/ld+json"')
                 for p in _files(hostile_output, ".html"))
    pages = [p for p in _files(hostile_output, ".html")
             if audit_html(p, hostile_output[p].decode())]
    assert pages == []
    if blocks == 0:
        pytest.fail("no JSON-LD found: record pages should carry schema.org JSON-LD")


def test_json_files_parse_and_keep_the_text_exactly(hostile_output: dict[str, bytes]) -> None:
    for path in _files(hostile_output, ".json"):
        json.loads(hostile_output[path])
    acme = json.loads(hostile_output["companies/acme/index.json"])
    assert acme["title"] == EVIL
    assert acme["facts"][0]["quote"] == EVIL
    site = json.loads(hostile_output["data/site.json"])
    assert site["title"] == EVIL


def test_json_urls_are_safe(hostile_output: dict[str, bytes]) -> None:
    def urls(value: object) -> list[str]:
        if isinstance(value, dict):
            return [u for k, v in value.items() for u in
                    ([v] if k in ("url", "data", "quote_url") and isinstance(v, str) else urls(v))]
        if isinstance(value, list):
            return [u for v in value for u in urls(v)]
        return []

    found = [u for p in _files(hostile_output, ".json")
             for u in urls(json.loads(hostile_output[p]))]
    assert found and [u for u in found if not url_is_safe(u)] == []


def test_xml_files_are_well_formed_and_their_html_is_clean(hostile_output: dict[str, bytes]
                                                           ) -> None:
    for path in _files(hostile_output, ".xml"):
        root = ET.fromstring(hostile_output[path])
        for element in root.iter():
            if element.get("type") in ("html", "xhtml") and element.text:
                assert audit_html(path, element.text) == []
            href = element.get("href")
            assert href is None or url_is_safe(href), (path, href)


def test_csv_export_exists_for_every_type(hostile_output: dict[str, bytes]) -> None:
    # Fails until data/<type>.csv is written (DESIGN.md section 5).
    assert {"data/company.csv", "data/city.csv", "data/source.csv"} <= set(hostile_output), \
        "the CSV export data/<type>.csv does not exist yet"


def test_csv_cells_cannot_start_a_formula(hostile_output: dict[str, bytes]) -> None:
    csvs = _files(hostile_output, ".csv")
    assert csvs, "the CSV export data/<type>.csv does not exist yet"
    cells = [cell for path in csvs
             for row in csv.reader(io.StringIO(hostile_output[path].decode("utf-8-sig")))
             for cell in row]
    assert any("alert(1)" in cell for cell in cells), "the hostile text should be in the CSV"
    dangerous = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    # Neutralised, not lost: the formula text is still there after the guard.
    for formula in ("=SUM(1+1)", "+cmd", "@Shelbyville"):
        assert any(cell.endswith(formula) for cell in cells), formula


# Links in Markdown: refused at build time however they are written ------------------------

OBFUSCATED = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "JAVASCRIPT:alert(1)",
    " javascript:alert(1)", "<javascript:alert(1)>", "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)", "&#0000106;avascript:alert(1)", "javascript&colon;alert(1)",
    "<java\tscript:alert(1)>", "java&#x09;script:alert(1)", "java&#10;script:alert(1)",
    "<java\nscript:alert(1)>", "\\javascript:alert(1)", "javascript%3Aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "DATA:text/html,x",
    "vbscript:msgbox(1)", "VBScript:msgbox(1)", "file:///etc/passwd", "ftp://x.example/",
    "//evil.example/x", "/etc/passwd", "../../../etc/passwd", "./x", "x.html",
    "jav&#x0A;ascript:alert(1)", "&#x20;javascript:alert(1)", "javascript\u00a0:alert(1)",
]
LINK_FORMS = ["[x]({0})", "![x]({0})", "[x][r]\n\n[r]: {0}", "[x]({0} \"title\")"]


@pytest.fixture(scope="module")
def basic_site_built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return built_basic_site(tmp_path_factory.mktemp("links"))


@pytest.mark.parametrize("form", LINK_FORMS, ids=["link", "image", "reference", "titled"])
@pytest.mark.parametrize("href", OBFUSCATED)
def test_markdown_links_with_other_schemes_never_render(href: str, form: str) -> None:
    text = form.format(href)
    for inline in (False, True):
        html = render_markdown(text, lambda key: "../x/", frozenset({"company"}), inline=inline)
        assert audit_html("md", html) == [], html
        assert "<a " not in html or 'href="' not in html or all(
            url_is_safe(part.split('"')[0]) for part in html.split('href="')[1:])


@pytest.mark.parametrize("href", [h for h in OBFUSCATED if not h.startswith("<java")])
def test_markdown_links_with_other_schemes_fail_the_build(href: str,
                                                          basic_site_built: BuiltSite) -> None:
    built = basic_site_built
    text = f"name: Acme\nsummary: 'See [x]({href.replace(chr(39), chr(39) * 2)}).'\n"
    links = find_links(f"See [x]({href}).")
    built.write({"content/companies/acme.yaml": text})
    try:
        outcome = built.build()
    finally:
        built.write({"content/companies/acme.yaml": "name: Acme\n"})
    if not links:
        # Not a link at all to Markdown (e.g. a space inside): it stays plain text.
        assert outcome.code == 0, outcome.err
        return
    assert outcome.code == 1, outcome.err
    line = error_lines(outcome.err)[0]
    assert line.startswith("content/companies/acme.yaml:2:")
    assert "is not allowed: link to http(s), mailto, #fragment or a record as type:slug" in line


@pytest.mark.parametrize("field", ["summary", "fact"])
def test_refused_links_in_every_markdown_field(built_tmp: BuiltSite, field: str) -> None:
    link = "[x](javascript:alert(1))"
    content = (f"name: Acme\nsummary: '{link}'\n" if field == "summary" else
               "name: Acme\nfacts:\n  - text: '" + link + "'\n    source: gazette\n"
               "    quote: Acme opened a new factory\n")
    err = built_tmp.refused({"content/companies/acme.yaml": content})
    where = "2:15" if field == "summary" else "3:16"
    assert error_lines(err) == [f"content/companies/acme.yaml:{where}: error: link to "
                                "'javascript:alert(1)' is not allowed: link to http(s), mailto, "
                                "#fragment or a record as type:slug"]


@pytest.fixture
def built_tmp(tmp_path: Path) -> BuiltSite:
    return built_basic_site(tmp_path)


@pytest.mark.parametrize("url", ["javascript:alert(1)", " javascript:alert(1)",
                                 "JAVASCRIPT://x.example/%0aalert(1)", "data:text/html,x",
                                 "vbscript:x", "java\tscript:alert(1)",
                                 "&#106;avascript:alert(1)", "https://x.example/\n"])
def test_url_fields_refuse_other_schemes(built_tmp: BuiltSite, url: str) -> None:
    err = built_tmp.refused({"content/companies/acme.yaml":
                             f"name: Acme\nwebsite: {json.dumps(url)}\n"})
    assert error_lines(err)[0].startswith("content/companies/acme.yaml:2:10: error: 'website' "
                                          "must be an http:// or https:// URL")


# Markdown that is slow to parse is bounded ----------------------------------------------

SLOW_MARKDOWN = {
    "deep-quotes": "> " * 5000 + "x",
    "deep-lists": "".join("  " * i + "- x\n" for i in range(1000)),
    "deep-brackets": "[" * 20000 + "x" + "]" * 20000,
    "link-run": "[a](https://x.example/) " * 8000,
    "unclosed-links": "[a](" * 20000,
    "emphasis-run": "*a **b " * 8000,
    "underscores": "_" * 20000 + "x" + "_" * 20000,
    "backticks": "`" * 30000 + "x",
    "entities": "&#x41;" * 50000,
    "nested-emphasis": "*" * 10000 + "x" + "*" * 10000,
    "tables": "|a|" * 5000 + "\n" + "|-|" * 5000 + "\n" + "|x|" * 5000 + "\n",
    "ref-defs": "".join(f"[r{i}]: https://x.example/{i}\n" for i in range(5000))
                + "[r1] " * 5000,
    "html-like": "<a " * 30000,
}


@SERIAL  # rendered within a time bound
@pytest.mark.parametrize("name", sorted(SLOW_MARKDOWN))
def test_slow_markdown_is_bounded_in_time(name: str) -> None:
    text = SLOW_MARKDOWN[name]
    started = time.perf_counter()
    problem = markdown_problem(text)
    if problem:  # refused before it is parsed (tests/test_markdown_bounds.py)
        with pytest.raises(ValueError, match=r"the limit is|markup characters"):
            render_markdown(text, lambda key: "x/", frozenset({"company"}))
        assert time.perf_counter() - started < 1, name
        return
    find_links(text)
    find_links(text, inline=True)
    html = render_markdown(text, lambda key: "x/", frozenset({"company"}))
    render_markdown(text, lambda key: "x/", frozenset({"company"}), inline=True)
    assert time.perf_counter() - started < 5, name
    assert audit_html(name, html) == []


@SERIAL  # built within a time bound
def test_slow_markdown_in_a_build_is_bounded(built_tmp: BuiltSite) -> None:
    text = SLOW_MARKDOWN["deep-quotes"] + "\n\n" + SLOW_MARKDOWN["emphasis-run"]
    built_tmp.write({"content/companies/acme.yaml": "name: Acme\nsummary: "
                     + json.dumps(text) + "\n"})
    started = time.perf_counter()
    outcome = built_tmp.build()
    assert time.perf_counter() - started < 20
    assert outcome.code == 0, outcome.err
    page = (built_tmp.out / "companies/acme/index.html").read_text()
    assert audit_html("acme", page) == []


def test_audit_catches_what_it_must() -> None:
    # The audit itself is tested, so that a clean result means something.
    bad = {
        "<script>alert(1)</script>": "neither JSON-LD",
        '<script type="application/ld+json">{"a": "</b>"}</script>': "holding '</'",
        '<script type="application/ld+json">{oops}</script>': "not JSON",
        '<script src="https://evil.example/x.js"></script>': "neither JSON-LD",
        '<script src="../assets/../../x.js"></script>': "neither JSON-LD",
        '<img src=x onerror="alert(1)">': "event handler",
        '<a href="JaVaScRiPt:alert(1)">x</a>': "unsafe URL",
        '<a href=" &#x09;javascript:alert(1)">x</a>': "unsafe URL",
        '<a href="java&#x09;script:alert(1)">x</a>': "unsafe URL",
        '<form action="data:text/html,x"></form>': "unsafe URL",
        '<iframe src="https://x.example/"></iframe>': "can load or run",
        '<form action="https://x.example/steal"></form>': "sends outside the site",
        '<form></form>': "sends outside the site",
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">': "meta refresh",
        "<script>never closed": "never closes",
    }
    for html, expected in bad.items():
        problems = audit_html("t", html)
        assert any(expected in p for p in problems), (html, problems)
    fine = ('<script type="application/ld+json">{"a": "\\u003c/b>"}</script>'
            '<script src="../../assets/search.js"></script><script src="pagefind/pagefind.js">'
            '</script><a href="../x/index.html">x</a><a href="mailto:a@b.example">m</a>'
            '<a href="#top">t</a><img src="https://x.example/i.png" alt="">')
    assert audit_html("t", fine) == []
