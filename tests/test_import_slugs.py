"""Where an imported record's slug comes from: the title or a slug column, transliterated,
kept clear of Windows device names, reserved slugs and length; refs to rows by slug,
title, or the slug a row could not have."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from generator.build import check_site
from generator.urls import SLUG_MAX
from tests.hardening import run_cli
from tests.importsite import csv_text, write_import_site

TITLES = {
    "São Paulo": "sao-paulo",
    "Zürich": "zurich",
    "Ελλάδα": "ellada",
    "Москва": "moskva",
    "東京": "dongjing",
    "Ōsaka-shi": "osaka-shi",
    "  Trailing  spaces  ": "trailing-spaces",
    "C'est la vie!": "c-est-la-vie",
    "CON": "con-2",  # a Windows device name
    "by": "by-2",  # a list's own pages: <folder>/by/
    "Page": "page-2",
    "x" * 100: "x" * SLUG_MAX,
    ("word " * 30).strip(): "-".join(["word"] * 16),
}


def _import(site: Path, rows: list[list[str]], *args: str, kind: str = "place") -> str:
    sheet = site.parent / "in.csv"
    sheet.write_text(csv_text(rows), encoding="utf-8")
    outcome = run_cli("import", kind, sheet, "--site", site, *args)
    assert outcome.code == 0, outcome.err
    return outcome.err


@pytest.mark.parametrize("title", sorted(TITLES))
def test_a_slug_is_made_from_the_title(title: str, tmp_path: Path) -> None:
    site = write_import_site(tmp_path / "site")
    _import(site, [["name", "kind"], [title, "town"]])
    assert (site / f"content/places/{TITLES[title]}.yaml").is_file()
    assert check_site(site).site.records[f"place:{TITLES[title]}"].title == title.strip()


@pytest.mark.parametrize(("cell", "slug"), [("US-CA", "us-ca"), ("12345", "12345"),
                                            ("nul", "nul-2"), ("Ayr_1", "ayr-1")])
def test_a_slug_column_is_made_a_slug_the_same_way(cell: str, slug: str, tmp_path: Path) -> None:
    site = write_import_site(tmp_path / "site")
    _import(site, [["code", "name", "kind"], [cell, "Ayr", "town"]], "--slug", "code")
    assert (site / f"content/places/{slug}.yaml").read_text() == "name: Ayr\nkind: town\n"


def test_refs_name_rows_by_slug_title_or_the_slug_they_could_not_have(tmp_path: Path) -> None:
    site = write_import_site(tmp_path / "site")
    _import(site, [["slug", "name", "kind", "twins"],
                   ["by", "Byville", "town", "con; Oldtown"],
                   ["con", "Conwy", "town", "Byville"],
                   ["ayr", "Ayr", "town", "south; by; con"]])
    records = check_site(site).site.records
    assert records["place:by-2"].fields["twins"] == ["con-2", "oldtown"]
    assert records["place:con-2"].fields["twins"] == ["by-2"]
    assert records["place:ayr"].fields["twins"] == ["south", "by-2", "con-2"]


def test_a_column_named_slug_is_the_slug_and_the_facts_count_is_skipped(tmp_path: Path) -> None:
    site = write_import_site(tmp_path / "site")
    said = _import(site, [["Slug", "name", "kind", "facts"], ["ayr-town", "Ayr", "town", "3"]])
    assert "1 new record" in said
    assert (site / "content/places/ayr-town.yaml").read_text() == "name: Ayr\nkind: town\n"


def test_columns_match_names_and_labels_whatever_their_case_and_spacing(tmp_path: Path) -> None:
    site = write_import_site(tmp_path / "site")
    _import(site, [["NAME", "Kind", "Area in KM2", "census_year", "Web-Site"],
                   ["Ayr", "town", "2.5", "2011", "https://ayr.example/"]])
    fields = check_site(site).site.records["place:ayr"].fields
    assert fields == {"name": "Ayr", "kind": "town", "area": 2.5, "year": 2011,
                      "website": "https://ayr.example/"}


def test_xlsx_cells_keep_their_types(tmp_path: Path) -> None:
    import openpyxl

    site = write_import_site(tmp_path / "site")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "kind", "population", "area", "founded", "year", "tags"])
    sheet.append([3040051, "Ayr", 42, 1200.0, 2.5, datetime.date(1205, 5, 1), 2011, 7])
    sheet.append([None, None, None])  # an empty row is skipped
    sheet.append([17, "Bute", "isle", 12, 0.25, datetime.datetime(2001, 2, 3), 2001, "a; b"])
    book.save(tmp_path / "in.xlsx")
    outcome = run_cli("import", "place", tmp_path / "in.xlsx", "--site", site, "--slug", "id")
    assert outcome.code == 0, outcome.err
    records = check_site(site).site.records
    assert records["place:3040051"].fields == {
        "name": "Ayr", "kind": "42", "population": 1200, "area": 2.5, "founded": "1205-05-01",
        "year": 2011, "tags": ["7"]}
    assert records["place:17"].fields["founded"] == "2001-02-03"
    assert records["place:17"].fields["tags"] == ["a", "b"]
