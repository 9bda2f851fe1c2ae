"""Spreadsheet formula injection in data/<type>.csv, in all its disguises.

A spreadsheet runs a cell that starts with = + - @ (and, OWASP adds, tab or carriage return)
as a formula. It also skips blanks before that character (space, NBSP, a newline, a tab,
the ideographic space, a zero-width space or BOM), and may read the full-width and small
forms (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫) and U+2212 MINUS SIGN as the same. Every text cell whose first
character that is not such a blank is one of these gets a leading apostrophe, as OWASP
advises; nothing else is changed, and numbers stay numbers (-5 is not a formula).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import check_site
from generator.importing.cells import csv_unescaped
from generator.read.table import TEXT, Cell
from generator.render.data import is_formula, needs_text_mark
from generator.render.outputs import render_file
from generator.render.plan import Page
from tests.conftest import write_files

SITE_YAML = """\
title: Formulas
types:
  thing:
    folder: things
    fields:
      name: {type: text, required: true}
      notes: {type: text}
      tags: {type: list}
      count: {type: integer}
      ratio: {type: number}
  source:
    folder: sources
    fields:
      title: {type: text, required: true}
      text: {type: text}
"""

BLANKS = ["", " ", "   ", "\u00a0", "\n", "\r\n", "\t", "\u3000", "\u2003", "\u200b", "\ufeff",
          "\u2028", "\u00a0 \t", " \n "]
STARTS = ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62",
          "\ufe63", "\ufe6b", "\u207c", "\u207a", "\u207b", "\u208c", "\u208a", "\u208b",
          "\u2212"]
BODIES = ["SUM(1+1)", "cmd|' /C calc'!A0", 'HYPERLINK("http://x","y")', "2+3", ""]
SAFE = ["hello", " hello", "\u00a0hello", "3-2", "a=b", "x@y.org", "'quoted", "日本",
        "\u2010hyphen", "\u2013 en dash", "(=1)", "#=1", "%+1", "1e-7", "0x1F", "ok\n=1",
        "\u200b\u200bword", "  \u3000 text", "~=", "!@x", ".=1"]


def _quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    for char in sorted({c for c in escaped if unicodedata.category(c) in ("Cc", "Cf", "Zl")
                        or c in "\u00a0\u3000\u2003"}):
        escaped = escaped.replace(char, f"\\u{ord(char):04x}")
    return f'"{escaped}"'


def csv_rows(tmp_path: Path, records: dict[str, str]) -> dict[str, dict[str, str]]:
    """data/thing.csv of a site with these records (slug -> YAML), read back by slug."""
    files = {"site.yaml": SITE_YAML}
    files |= {f"content/things/{slug}.yaml": text for slug, text in records.items()}
    checked = check_site(write_files(tmp_path / "site", files))  # raises on any error
    content, _ = render_file(checked.site, Page("data/thing.csv", "type-csv", "thing"))
    text = content.decode("utf-8")
    return {row["slug"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize("start", STARTS)
def test_every_disguised_formula_is_dangerous(blank: str, start: str) -> None:
    for body in BODIES:
        assert is_formula(blank + start + body), repr(blank + start + body)


@pytest.mark.parametrize("text", SAFE + BLANKS + ["\t" + s for s in SAFE[:3]])
def test_text_that_cannot_start_a_formula_is_safe_unless_it_starts_with_tab_or_cr(
        text: str) -> None:
    assert is_formula(text) == text.startswith(("\t", "\r"))


def test_every_variant_is_neutralised_in_the_csv_and_kept_whole(tmp_path: Path) -> None:
    cells = [blank + start + body for blank in BLANKS for start in STARTS
             for body in BODIES[:2]]
    records = {f"r{i}": f"name: {_quoted('n' + str(i))}\nnotes: {_quoted(cell)}\n"
                        f"tags: [{_quoted(cell)}, plain]\n"
               for i, cell in enumerate(cells)}
    rows = csv_rows(tmp_path, records)
    for i, cell in enumerate(cells):
        row = rows[f"r{i}"]
        assert row["notes"] == "'" + cell, repr(cell)
        assert row["tags"] == "'" + cell + "; plain"


def test_safe_text_and_numbers_are_written_as_they_are(tmp_path: Path) -> None:
    records = {f"s{i}": f"name: {_quoted(text)}\nnotes: {_quoted(text)}\n"
               for i, text in enumerate(SAFE)}
    records |= {"neg": "name: '-x'\ncount: -5\nratio: -1.5e-7\n",
                "pos": "name: x\ncount: 9007199254740991\nratio: 1e21\n"}
    rows = csv_rows(tmp_path, records)
    for i, text in enumerate(SAFE):
        assert rows[f"s{i}"]["name"] == text and rows[f"s{i}"]["notes"] == text
    assert (rows["neg"]["name"], rows["neg"]["count"], rows["neg"]["ratio"]) == \
        ("'-x", "-5", "-1.5e-7")
    assert (rows["pos"]["count"], rows["pos"]["ratio"]) == ("9007199254740991", "1e+21")


def _first_visible(text: str) -> str:
    for char in text:
        if unicodedata.category(char) not in ("Zs", "Zl", "Zp", "Cc", "Cf"):
            return unicodedata.normalize("NFKC", char)[:1]
    return ""


@settings(max_examples=2_000, deadline=None, derandomize=True)
@given(st.text(st.sampled_from(sorted(set("".join(BLANKS))) + STARTS) | st.characters(),
               max_size=12))
def test_a_cell_is_dangerous_exactly_when_its_first_visible_character_starts_a_formula(
        text: str) -> None:
    expected = text.startswith(("\t", "\r")) or _first_visible(text) in set("=+-@\u2212")
    assert is_formula(text) == expected


@settings(max_examples=2_000, deadline=None, derandomize=True)
@given(st.text(st.sampled_from(["'", "=", "-", " ", "\t", "x"]) | st.characters(), max_size=8))
def test_the_import_takes_off_exactly_the_mark_the_csv_put_on(text: str) -> None:
    # data/<type>.csv marks text a spreadsheet would run; the import must give back the text
    # itself, also when the text starts with ' marks of its own ("'=x" is written "''=x").
    written = "'" + text if needs_text_mark(text) else text
    assert not is_formula(written)
    assert csv_unescaped(Cell(1, 1, written, TEXT)).text == text
