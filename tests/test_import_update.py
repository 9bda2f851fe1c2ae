"""`factsheet import --update` and `import facts` change record files in place: only the
imported values, every comment, blank line, key order and fact kept byte for byte."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.build import check_site
from tests.hardening import run_cli
from tests.importsite import csv_text, write_import_site

COMMENTED = """\
# Oldtown, as the council describes it.
name: Oldtown   # the name on the sign
kind: town

# How many live there (2020 census).
population: 1200
summary: >-
  A town by the river,
  with a bridge.
tags: [river, bridge]   # as the tourist office lists them
facts:
  # The first fact.
  - text: Has a new mayor.
    source: gazette
    quote: Oldtown has a new mayor
"""


def _site(tmp_path: Path, text: str = COMMENTED) -> Path:
    site = write_import_site(tmp_path / "site")
    (site / "content/places/oldtown.yaml").write_text(text, encoding="utf-8")
    return site


def _import(site: Path, rows: list[list[str]], *args: str, kind: str = "place") -> str:
    sheet = site.parent / "in.csv"
    sheet.write_text(csv_text(rows), encoding="utf-8")
    outcome = run_cli("import", kind, sheet, "--site", site, *args)
    assert outcome.code == 0, outcome.err
    return (site / "content/places/oldtown.yaml").read_text(encoding="utf-8")


def test_update_changes_only_the_imported_fields(tmp_path: Path) -> None:
    site = _site(tmp_path)
    after = _import(site, [["slug", "name", "population", "website"],
                           ["oldtown", "Old Town", "1,300".replace(",", ""), "https://old.town/"]],
                    "--update")
    assert after == COMMENTED.replace("name: Oldtown   #", "name: Old Town   #").replace(
        "population: 1200\n", "population: 1300\nwebsite: https://old.town/\n")


def test_an_empty_cell_takes_the_field_out(tmp_path: Path) -> None:
    site = _site(tmp_path)
    after = _import(site, [["slug", "tags", "summary"], ["oldtown", "", "Short."]], "--update")
    assert after == COMMENTED.replace(
        "tags: [river, bridge]   # as the tourist office lists them\n", "").replace(
        "summary: >-\n  A town by the river,\n  with a bridge.\n", "summary: Short.\n")


def test_without_update_an_existing_record_is_refused_and_kept(tmp_path: Path) -> None:
    site = _site(tmp_path)
    sheet = tmp_path / "in.csv"
    sheet.write_text(csv_text([["slug", "name", "kind"], ["oldtown", "X", "y"]]))
    outcome = run_cli("import", "place", sheet, "--site", site)
    assert outcome.code == 1
    assert (site / "content/places/oldtown.yaml").read_text() == COMMENTED


def test_an_unchanged_row_leaves_the_file_alone(tmp_path: Path) -> None:
    site = _site(tmp_path)
    path = site / "content/places/oldtown.yaml"
    mtime = path.stat().st_mtime_ns
    after = _import(site, [["slug", "name", "population"], ["oldtown", "Oldtown", "1200"]],
                    "--update")
    assert after == COMMENTED and path.stat().st_mtime_ns == mtime


LAYOUTS = {
    "plain": "name: Oldtown\nkind: town\n",
    "no final line break": "name: Oldtown\nkind: town",
    "keys out of order": "kind: town\n# a note\nname: Oldtown\n",
    "quoted and block values": 'name: "Oldtown"\nkind: |\n  town\n\n\npopulation: 5\n',
    "a document start": "---\nname: Oldtown  # x\nkind: town\n",
    "comments at the end": "name: Oldtown\nkind: town\n# the end\n\n# really\n",
}
CHANGES = {
    "name": ["Oldtown", "Old: Town", "Über # Stadt", "two\nlines", "'quoted'", "1200", "yes"],
    "population": ["", "7", "-3"],
    "area": ["", "2.5", "1e21"],
    "tags": ["", "a", "x; y, z", "#no; [b]"],
    "summary": ["", "One line.", "Two\n\nparagraphs.\n", "  indented", "- a list item"],
}
_seen = itertools.count()


@settings(max_examples=20, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(layout=st.sampled_from(sorted(LAYOUTS)),
       change=st.fixed_dictionaries({}, optional={k: st.sampled_from(v)
                                                  for k, v in CHANGES.items()}))
def test_updates_of_any_layout_keep_the_rest_and_read_back(
        tmp_path: Path, layout: str, change: dict[str, str]) -> None:
    before = LAYOUTS[layout]
    site = _site(tmp_path / str(next(_seen)), before)
    after = _import(site, [["slug", *change], ["oldtown", *change.values()]], "--update")
    record = check_site(site).site.records["place:oldtown"]
    for key, cell in change.items():
        want = {"population": int, "area": float}.get(key, str)
        if key == "tags":
            assert record.fields.get(key) == ([t.strip() for t in cell.split(";")]
                                              if cell else None)
        elif cell:
            value = want(cell)
            assert record.fields[key] == (int(value) if key == "area" and value == int(value)
                                          and "e" not in cell else value)
        else:
            assert key not in record.fields
    # Every comment and every line of a field not imported is still there, in order.
    kept = [line for line in before.splitlines()
            if not re.match(rf"({'|'.join(change) or '^$'}):", line)
            and not line.startswith("  ") and line.strip()]
    later = after.splitlines()
    positions = [later.index(line) for line in kept]
    assert positions == sorted(positions)


# ------------------------------------------------------------------ facts

def test_facts_are_appended_and_not_added_twice(tmp_path: Path) -> None:
    site = _site(tmp_path)
    rows = [["record", "text", "source", "quote", "date", "about"],
            ["oldtown", "Floods each spring.", "The Gazette", "The “river” floods each spring",
             "2020", "north; place:south"],
            ["place:oldtown", "Has a new mayor.", "gazette", "Oldtown  has a new mayor", "", ""]]
    after = _import(site, rows, kind="facts")
    assert after == COMMENTED + (
        "  - date: 2020\n"
        "    text: Floods each spring.\n"
        "    source: gazette\n"
        '    quote: "The “river” floods each spring"\n'
        "    about: [north, place:south]\n")
    again = _import(site, rows, kind="facts")  # the same sheet once more: nothing new
    assert again == after
    facts = check_site(site).site.records["place:oldtown"].facts
    assert [(f.date, f.about) for f in facts] == [(None, ()), ("2020", ("region:north",
                                                                        "place:south"))]


def test_facts_go_into_a_record_without_any(tmp_path: Path) -> None:
    site = _site(tmp_path, "name: Oldtown\nkind: town")
    after = _import(site, [["Record", "Text", "Source", "Quote"],
                           ["oldtown", "Two\nlines.", "gazette", "a new mayor"]], kind="facts")
    assert after == ("name: Oldtown\nkind: town\nfacts:\n"
                     "  - text: |-\n      Two\n      lines.\n"
                     "    source: gazette\n    quote: a new mayor\n")
    assert check_site(site).site.records["place:oldtown"].facts[0].text == "Two\nlines."


def test_facts_replace_an_empty_list(tmp_path: Path) -> None:
    site = _site(tmp_path, "name: Oldtown\nfacts: []  # none yet\nkind: town\n")
    after = _import(site, [["record", "text", "source", "quote"],
                           ["oldtown", "New.", "gazette", "a new mayor"]], kind="facts")
    assert after == ("name: Oldtown\nfacts:\n  - text: New.\n    source: gazette\n"
                     "    quote: a new mayor\nkind: town\n")
