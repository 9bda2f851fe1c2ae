"""Bad spreadsheets for `factsheet import`: each kind of bad cell, header or file gives its
exact message at its row and column, every one in one run, and nothing is written."""

from __future__ import annotations

import contextlib
import datetime
import io
import time
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import SERIAL
from tests.hardening import run_cli
from tests.importsite import content_bytes, csv_text, write_import_site

HEAD = ["name", "kind", "population"]


def _refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sheet: bytes, *args: str,
             name: str = "in.csv", kind: str = "place") -> list[str]:
    """Import `sheet` (as places, or facts); assert it failed cleanly and wrote nothing;
    return the error lines."""
    site = write_import_site(tmp_path / "site")
    before = content_bytes(site)
    (tmp_path / name).write_bytes(sheet)
    monkeypatch.chdir(tmp_path)
    outcome = run_cli("import", kind, name, "--site", "site", *args)
    assert outcome.code == 1, outcome.err
    assert "Traceback" not in outcome.err
    assert content_bytes(site) == before
    return [line for line in outcome.err.splitlines() if ": error: " in line]


def _csv(*rows: list[str]) -> bytes:
    return csv_text([list(r) for r in rows]).encode()


CELL_CASES = {
    "not a number": (["Ayr", "town", "many"], 3,
                     "'population' must be a whole number, not 'many'"),
    "digits grouped": (["Ayr", "town", "1,234"], 3, "'population' must be a whole number, "
                       "not '1,234' (write 1234, without separators)"),
    "digits grouped with dots": (["Ayr", "town", "1.234.567"], 3, "'population' must be a "
                                 "whole number, not '1.234.567' (write 1234567, without "
                                 "separators)"),
    "a decimal for a whole number": (["Ayr", "town", "12.5"], 3, "'population' must be a "
                                     "whole number, not '12.5'"),
    "past 2**53": (["Ayr", "town", "9007199254740993"], 3, "'population' must be at most "
                   "9007199254740991, not the number 9007199254740993 (a whole number past "
                   "2**53 - 1 loses digits in JSON)"),
    "empty required cell": (["Ayr", "", "5"], 2, "'kind' is required, and the cell is empty"),
    "empty title": (["", "town", "5"], 1, "'name' is required, and the cell is empty"),
    "no letter for a slug": (["!!!", "town", "5"], 1, "no slug can be made of '!!!': it has "
                             "no letter or digit; give the row one in a --slug column"),
    "existing slug": (["Oldtown", "town", "5"], 1, "place 'oldtown' already exists "
                      "(content/places/oldtown.yaml); pass --update to change it, or give the "
                      "row another slug"),
    "control character": (["Ayr\x01", "town", "5"], 1, "control character U+0001 in the "
                          "cell; delete it"),
}


@pytest.mark.parametrize("case", sorted(CELL_CASES))
def test_a_bad_cell_is_named_at_its_row_and_column(case: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    row, col, message = CELL_CASES[case]
    errors = _refused(tmp_path, monkeypatch, _csv(HEAD, ["Good", "town", "1"], row))
    assert errors == [f"in.csv:3:{col}: error: {message}"]


FIELD_CASES = {
    # column, cell, message
    "decimal comma": ("area", "12,5", "'area' must be a number, not '12,5' (write 12.5, with "
                      "a decimal point)"),
    "not a finite number": ("area", "1e999", "'area' must be a finite number, not '1e999' "
                            "(it is past the largest number, 1.7976931348623157e+308)"),
    "a date not in the calendar": ("founded", "2020-13-01", "'founded' must be a real calendar "
                                   "date written YYYY-MM-DD, not '2020-13-01'"),
    "a date written another way": ("founded", "11/06/2020", "'founded' must be a date written "
                                   "YYYY-MM-DD, not '11/06/2020'"),
    "a year with letters": ("year", "2018a", "'year' must be a whole number, not '2018a'"),
    "a year out of range": ("year", "12018", "'year' must be at most 9999, not the number "
                            "12018"),
    "not an http URL": ("website", "ftp://example.org", "'website' must be an http:// or "
                        "https:// URL, not 'ftp://example.org'"),
    "a URL without a host": ("website", "https://", "'website' must be an http:// or https:// "
                             "URL, not 'https://'"),
    "unknown ref": ("region", "Westland", "unknown region 'Westland'"),
    "misspelt ref": ("region", "Nroth", "unknown region 'Nroth' (did you mean 'North'?)"),
    "a ref of another type": ("region", "oldtown", "unknown region 'oldtown': 'oldtown' is a "
                              "place, not a region"),
    "ref by an ambiguous title": ("region", "Springfield", "'Springfield' is the title of 2 "
                                  "regions (springfield, springfield-2); write the slug of the "
                                  "one you mean"),
    "one unknown ref of several": ("twins", "oldtown; Nowhere", "unknown place 'Nowhere'"),
    "a ref to the record itself": ("twins", "ayr", "'ayr' refers to this record itself"),
    "a list item twice": ("tags", "port; port ", "'port' is in the cell twice; list each value "
                          "once"),
    "one record twice, by slug and title": ("twins", "oldtown; Oldtown", "'twins' lists the "
                                            "same value more than once"),
    "a link to no record": ("summary", "See [it](place:nowhere).", "unknown place 'nowhere' in "
                            "link 'place:nowhere'"),
    "a javascript link": ("summary", "[x](javascript:alert(1))", "link to 'javascript:alert(1)' "
                          "is not allowed: link to http(s), mailto, #fragment or a record as "
                          "type:slug"),
}


@pytest.mark.parametrize("case", sorted(FIELD_CASES))
def test_a_value_the_build_would_refuse_is_named_at_its_cell(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    column, cell, message = FIELD_CASES[case]
    errors = _refused(tmp_path, monkeypatch, _csv(["name", "kind", column],
                                                  ["Ayr", "town", cell]))
    assert errors == [f"in.csv:2:3: error: {message}"]


FILE_CASES = {
    "empty file": (b"", "in.csv:1:1: error: the file is empty; its first row must name the "
                   "columns"),
    "blank lines only": (b"\r\n\r\n", "in.csv:1:1: error: the file is empty; its first row "
                         "must name the columns"),
    "header only": (b"name,kind\r\n", "in.csv:1:1: error: the sheet has a header row but no "
                    "rows below it"),
    "not UTF-8": ("name,kind\nZürich,city\n".encode("latin-1"), "in.csv:2:1: error: not UTF-8 "
                  "text: byte 0xfc at offset 11; save the file as UTF-8"),
    "not UTF-8 in a later cell": ("name,kind\nAyr,ciudad é\n".encode("latin-1"), "in.csv:2:2: "
                                  "error: not UTF-8 text: byte 0xe9 at offset 21; save the file "
                                  "as UTF-8"),
    "UTF-16": ("name\tkind\n".encode("utf-16"), "in.csv:1:1: error: UTF-16 text (Excel's "
               "'Unicode Text'); save the file as CSV UTF-8"),
    "a short row": (b"name,kind,population\nAyr,town\n", "in.csv:2:3: error: the row has 2 "
                    "cells and the header 3; add the missing cells (even if empty)"),
    "a long row": (b"name,kind\nAyr,town,5\n", "in.csv:2:3: error: a value past the last "
                   "column of the header (2 columns): '5'"),
    "an unclosed quote": (b'name,kind\nAyr,"town\n', "in.csv:2:1: error: a quoted cell is not "
                          "closed: its '\"' has no closing '\"' before the end of the file"),
    "another delimiter": (b"name|kind\nAyr|town\n", "in.csv:1:1: error: column 'name|kind' is "
                          "not a field of the type 'place' (did you mean 'name'?); --map "
                          "'name|kind=FIELD' to fill a "
                          "field with it, or --map 'name|kind=' to skip it (the header has no "
                          "',', ';' or tab between names: is the file delimited another way?)"),
    "an unknown column": (b"name,kind,Populaton\nAyr,town,5\n", "in.csv:1:3: error: column "
                          "'Populaton' is not a field of the type 'place' (did you mean "
                          "'population'?); --map 'Populaton=FIELD' to fill a field with it, or "
                          "--map 'Populaton=' to skip it"),
    "two columns for one field": (b"name,kind,Kind\nAyr,town,city\n", "in.csv:1:3: error: "
                                  "column 'Kind' fills the field 'kind', as column 2 ('kind') "
                                  "does; --map one of them to another field, or skip it with "
                                  "--map 'Kind='"),
    "a column without a name": (b"name,kind,\nAyr,town,5\n", "in.csv:1:3: error: this column "
                                "has values but no name in the header; name it, or delete the "
                                "column"),
    "a missing required column": (b"name\nAyr\n", "in.csv:1:1: error: no column for the "
                                  "required field 'kind'; add one, or --map a column to it"),
    "no column for slugs": (b"kind\ntown\n", "in.csv:1:1: error: no column gives the records' "
                            "slugs: add a column for the title field 'name', or name the column "
                            "of slugs with --slug"),
    "an Excel 97 workbook": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "in.csv:1:1: "
                             "error: an Excel 97-2003 workbook (.xls), which factsheet cannot "
                             "read; save it as .xlsx or as CSV UTF-8"),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_a_bad_file_or_header_is_named(case: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    sheet, line = FILE_CASES[case]
    assert _refused(tmp_path, monkeypatch, sheet) == [line]


def test_delimiters_and_byte_order_marks_are_all_read(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for n, (sep, bom) in enumerate([(",", b""), (";", b""), ("\t", b""), (";", b"\xef\xbb\xbf")]):
        text = bom + csv_text([["name", "kind", "area"], [f"Ayr {n}", "town", "1.5"]],
                              sep).encode()
        errors = _refused(tmp_path / str(n), monkeypatch, text, "--map", "area=population")
        # The mapping applied, so the delimiter was found: 1.5 is no whole number.
        assert errors == ["in.csv:2:3: error: 'population' must be a whole number, not '1.5'"]


def test_duplicate_slugs_name_both_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _refused(tmp_path, monkeypatch, _csv(HEAD, ["São Paulo", "city", ""],
                                                  ["Ayr", "town", ""], ["Sao Paulo", "city", ""]))
    assert errors == ["in.csv:4:1: error: rows 2 and 4 both have the slug 'sao-paulo'; give "
                      "each a slug of its own in a --slug column"]


def test_mapping_mistakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _refused(tmp_path, monkeypatch, _csv(["name", "kind", "people"], ["Ayr", "t", "5"]),
                      "--map", "people=populaton", "--map", "nope=kind")
    assert errors == [
        "in.csv:1:1: error: --map nope=kind: no column 'nope' in the header; the columns are "
        "'name', 'kind', 'people'",
        "in.csv:1:1: error: --map people=populaton: the type 'place' has no field 'populaton' "
        "(did you mean 'population'?); its fields are name, kind, population, area, founded, "
        "year, website, region, twins, tags, summary",
        "in.csv:1:3: error: column 'people' is not a field of the type 'place'; --map "
        "'people=FIELD' to fill a field with it, or --map 'people=' to skip it"]


def test_every_problem_of_the_file_is_reported_sorted(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _refused(tmp_path, monkeypatch, _csv(
        ["name", "kind", "population", "region", "founded"],
        ["Ayr", "town", "1,5", "Nroth", "2020-02-30"],
        ["Newtown", "", "x", "north", ""]))
    assert [e.split(": error: ")[0] for e in errors] == [
        "in.csv:2:3", "in.csv:2:4", "in.csv:2:5", "in.csv:3:2", "in.csv:3:3"]


# ------------------------------------------------------------------ XLSX cell types

def _xlsx(rows: list[list[object]], path: Path, title: str = "Places") -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path.read_bytes()


XLSX_CASES = {
    "a formula": ("population", "=1+2", "the cell holds a formula (=1+2); the import reads "
                  "values: copy the column and paste it as values"),
    "a date in a text field": ("summary", datetime.datetime(2020, 1, 2), "the cell holds a date "
                               "(2020-01-02 00:00:00); the field takes text; format the cell "
                               "as text"),
    "a date with a time": ("founded", datetime.datetime(2020, 1, 2, 3, 4), "the cell holds a "
                           "date with a time of day (2020-01-02 03:04:00); the field takes a "
                           "date alone"),
    "a number in a date field": ("founded", 43831, "the cell holds the number 43831, not a "
                                 "date; format the cell as a date, or write the date as text "
                                 "YYYY-MM-DD"),
    "a yes/no value": ("population", True, "the cell holds TRUE, a yes/no value; the field "
                       "takes a number; format the cell as a number"),
    "a time of day": ("founded", datetime.time(12, 30), "the cell holds a time or duration "
                      "(12:30:00); the field takes a date; format the cell as a date"),
    "a decimal for a whole number": ("population", 12.5, "'population' must be a whole "
                                     "number, not the number 12.5"),
}


@pytest.mark.parametrize("case", sorted(XLSX_CASES))
def test_xlsx_cell_types_are_checked(case: str, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    column, value, message = XLSX_CASES[case]
    sheet = _xlsx([["name", "kind", column], ["Ayr", "town", value]], tmp_path / "made.xlsx")
    errors = _refused(tmp_path, monkeypatch, sheet, name="in.xlsx")
    assert errors == [f"in.xlsx:2:3: error: {message}"]


def test_xlsx_error_values_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["name", "kind", "population"])
    book.active.append(["Ayr", "town", "#N/A"])
    book.active["C2"].data_type = "e"
    book.save(tmp_path / "made.xlsx")
    errors = _refused(tmp_path, monkeypatch, (tmp_path / "made.xlsx").read_bytes(),
                      name="in.xlsx")
    assert errors == ["in.xlsx:2:3: error: the cell holds the spreadsheet error #N/A; correct "
                      "it or empty it"]


def test_xlsx_sheet_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = _xlsx([["name", "kind"], ["Ayr", "town"]], tmp_path / "made.xlsx", "Plcaes")
    errors = _refused(tmp_path, monkeypatch, sheet, "--sheet", "Places", name="in.xlsx")
    assert errors == ["in.xlsx:1:1: error: no sheet 'Places' in the workbook (did you mean "
                      "'Plcaes'?); its sheets are 'Plcaes'"]
    errors = _refused(tmp_path / "csv", monkeypatch, _csv(["name"], ["x"]), "--sheet", "x")
    assert errors == ["in.csv:1:1: error: --sheet 'x' is for XLSX workbooks; this file is CSV, "
                      "which has one sheet"]


def test_a_damaged_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _refused(tmp_path, monkeypatch, b"PK\x03\x04 not really a zip", name="in.xlsx")
    assert len(errors) == 1
    assert errors[0].startswith("in.xlsx:1:1: error: cannot read the workbook: BadZipFile: ")
    assert errors[0].endswith("; save it again as .xlsx")


# ------------------------------------------------------------------ facts

FACT_CASES = {
    "a quote not in the source": (["oldtown", "Has a mayor.", "gazette", "Oldtown has a new "
                                   "major"], 4, "quote not found in the text of source "
                                  "'gazette'; the two agree up to “Oldtown has a new ma”, "
                                  "then the source has “yor. The \"river\" floods e...” and the "
                                  "quote “jor”"),
    "a quote in another case": (["oldtown", "Has a mayor.", "gazette", "oldtown has a new "
                                 "mayor"], 4, "quote not found in the text of source 'gazette' "
                                "(it differs only in upper and lower case; the check is "
                                "case-sensitive)"),
    "an unknown record": (["oldtwon", "Has a mayor.", "gazette", "a new mayor"], 1,
                          "unknown record 'oldtwon' (did you mean 'oldtown'?)"),
    "an unknown type": (["plcae:oldtown", "Has a mayor.", "gazette", "a new mayor"], 1,
                        "unknown type 'plcae' in 'plcae:oldtown' (did you mean 'place'?)"),
    "an ambiguous slug": (["south", "Has a mayor.", "gazette", "a new mayor"], 1,
                          "'south' is ambiguous: write 'place:south' or 'region:south'"),
    "an unknown source": (["oldtown", "Has a mayor.", "Gazete", "a new mayor"], 3,
                          "unknown source 'Gazete' (did you mean 'gazette'?)"),
    "an empty quote": (["oldtown", "Has a mayor.", "gazette", " "], 4,
                       "'quote' is required, and the cell is empty"),
    "a bad date": (["oldtown", "Has a mayor.", "gazette", "a new mayor", "2020-02-30"], 5,
                   "'facts[0].date' must be a real date written YYYY-MM-DD, YYYY-MM or YYYY, "
                   "not '2020-02-30'"),
    "an unknown about": (["oldtown", "Has a mayor.", "gazette", "a new mayor", "", "north; x"],
                         6, "unknown record 'x'"),
}


@pytest.mark.parametrize("case", sorted(FACT_CASES))
def test_a_bad_fact_is_named_at_its_cell(case: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    row, col, message = FACT_CASES[case]
    head = ["record", "text", "source", "quote", "date", "about"]
    cells = row + [""] * (len(head) - len(row))
    errors = _refused(tmp_path, monkeypatch, _csv(head, cells), kind="facts")
    assert errors == [f"in.csv:2:{col}: error: {message}"]


def test_a_facts_sheet_needs_its_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    errors = _refused(tmp_path, monkeypatch, _csv(["record", "txt"], ["oldtown", "x"]),
                      kind="facts")
    assert errors == [
        "in.csv:1:1: error: no column 'quote': a facts sheet needs the columns record, text, "
        "source and quote",
        "in.csv:1:1: error: no column 'source': a facts sheet needs the columns record, text, "
        "source and quote",
        "in.csv:1:1: error: no column 'text': a facts sheet needs the columns record, text, "
        "source and quote",
        "in.csv:1:2: error: column 'txt' is not a field of a facts sheet (did you mean "
        "'text'?); --map 'txt=FIELD' to fill a field with it, or --map 'txt=' to skip it"]


# ------------------------------------------------------------------ scale

@SERIAL  # refused within a time bound
def test_thousands_of_rows_with_bad_cells_report_every_error_and_write_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [["name", "kind", "population", "region", "founded"]]
    bad = {}
    for n in range(3000):
        row = [f"Town {n}", "town", str(n * 7), "north" if n % 2 else "South", "2001-02-03"]
        if n % 97 == 5:
            row[2], bad[(n + 2, 3)] = f"{n},000", "must be a whole number"
        if n % 131 == 7:
            row[3], bad[(n + 2, 4)] = "Nroth", "unknown region 'Nroth'"
        if n % 173 == 11:
            row[4], bad[(n + 2, 5)] = "2001-02-30", "real calendar date"
        rows.append(row)
    started = time.perf_counter()
    errors = _refused(tmp_path, monkeypatch, _csv(*rows))
    seconds = time.perf_counter() - started
    assert len(bad) < 100  # all shown: format_all shows 100 a file
    found = {(int(e.split(":")[1]), int(e.split(":")[2])): e for e in errors}
    assert found.keys() == bad.keys()
    assert all(bad[place] in found[place] for place in bad)
    print(f"3,000 rows, {len(bad)} bad cells: refused in {seconds:.2f} s")
    assert seconds < 20


# ------------------------------------------------------------------ the rest of the site

def test_an_error_elsewhere_in_the_site_does_not_stop_an_import(tmp_path: Path) -> None:
    site = write_import_site(tmp_path / "site")
    (site / "content/places/broken.yaml").write_text("name: Broken\nkind: town\nregion: nowhere\n")
    (tmp_path / "in.csv").write_text(csv_text([["name", "kind"], ["Ayr", "town"]]))
    outcome = run_cli("import", "place", tmp_path / "in.csv", "--site", site)
    assert outcome.code == 0, outcome.err
    assert (site / "content/places/ayr.yaml").is_file()


def test_an_error_the_import_would_cause_elsewhere_is_told_there(tmp_path: Path) -> None:
    site = write_import_site(tmp_path / "site")
    (site / "content/places/east.yaml").write_text("name: East\nkind: town\n")
    (site / "content/places/ayr.yaml").write_text(
        "name: Ayr\nkind: town\nfacts:\n  - text: Floods.\n    source: gazette\n"
        "    quote: floods each spring\n    about: [east]\n")
    before = content_bytes(site)
    (tmp_path / "in.csv").write_text(csv_text([["name"], ["East"]]))
    # A region `east` makes the place's `about: [east]` name two records.
    outcome = run_cli("import", "region", tmp_path / "in.csv", "--site", site)
    assert outcome.code == 1
    assert outcome.err.splitlines()[0] == "content/places/ayr.yaml:7:13: error: 'east' is " \
        "ambiguous: write 'place:east' or 'region:east'"
    assert content_bytes(site) == before


def test_command_line_mistakes_exit_2(tmp_path: Path) -> None:
    site = write_import_site(tmp_path / "site")
    (tmp_path / "in.csv").write_text(csv_text([["name", "kind"], ["Ayr", "town"]]))
    sheet = tmp_path / "in.csv"
    for args, said in [
            (["plcae", sheet], "unknown type 'plcae' (did you mean 'place'?); site.yaml "
                               "declares place, region, source"),
            (["facts", sheet, "--update"], "--update is for records; 'import facts' adds "
                                           "facts, and never changes those a record has"),
            (["place", sheet, "--map", "name"], "expected COLUMN=FIELD (or COLUMN= to skip "
                                                "the column), not 'name'")]:
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                code = main(["import", *map(str, args), "--site", str(site)])
            except SystemExit as exit_:  # argparse's own refusals
                code = int(exit_.code or 0)
        assert code == 2, err.getvalue()
        assert said in err.getvalue()


def test_a_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_import_site(tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    outcome = run_cli("import", "place", "nope.csv", "--site", "site")
    assert outcome.code == 1
    assert outcome.err.startswith("nope.csv:1:1: error: cannot read: No such file or directory")
