"""One record listed twice in a list of refs is an error, however the two are spelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import copy_case, write_files
from tests.hardening import error_lines, run_cli

FACT = """\
name: Globex
headquarters: shelbyville
facts:
  - text: Is Acme's rival.
    source: gazette
    quote: Its rival “Globex” said
    about: {about}
"""


def errors(tmp_path: Path, files: dict[str, str]) -> list[str]:
    site = write_files(copy_case("basic", tmp_path), files)
    outcome = run_cli("check", "--site", site)
    assert "Traceback" not in outcome.err
    lines = error_lines(outcome.err)
    assert (outcome.code == 1) == bool(lines), outcome.err
    return lines


def about(tmp_path: Path, items: str) -> list[str]:
    return errors(tmp_path, {"content/companies/globex.yaml": FACT.format(about=items)})


@pytest.mark.parametrize(("items", "col", "name", "first"), [
    ("[company:acme, acme]", 27, "acme", "company:acme"),
    ("[acme, company:acme]", 19, "company:acme", "acme"),
    ("[city:springfield, springfield]", 31, "springfield", "city:springfield"),
    ("[springfield, city:springfield]", 26, "city:springfield", "springfield"),
    ("[acme, shelbyville, company:acme]", 32, "company:acme", "acme"),
])
def test_about_with_one_record_in_two_spellings(tmp_path: Path, items: str, col: int,
                                                name: str, first: str) -> None:
    assert about(tmp_path, items) == [
        f"content/companies/globex.yaml:7:{col}: error: '{name}' is the same record as "
        f"'{first}' before it; list it once"]


def test_each_further_spelling_is_reported(tmp_path: Path) -> None:
    lines = about(tmp_path, "[acme, company:acme, springfield, city:springfield]")
    assert [line.split(": error: ")[1] for line in lines] == [
        "'company:acme' is the same record as 'acme' before it; list it once",
        "'city:springfield' is the same record as 'springfield' before it; list it once"]


@pytest.mark.parametrize("items", ["[acme, acme]", "[company:acme, company:acme]"])
def test_about_with_one_spelling_twice(tmp_path: Path, items: str) -> None:
    assert [line.split(": error: ")[1] for line in about(tmp_path, items)] == [
        "'facts[0].about' lists the same value more than once"]


@pytest.mark.parametrize("items", ["[acme]", "[company:acme]", "[acme, springfield]",
                                   "[acme, city:springfield, shelbyville]"])
def test_different_records_pass(tmp_path: Path, items: str) -> None:
    assert about(tmp_path, items) == []


def test_the_same_slug_of_two_types_is_two_records(tmp_path: Path) -> None:
    # A company and a city both called springfield: listing both is not a repeat.
    assert errors(tmp_path, {
        "content/companies/springfield.yaml": "name: Springfield Inc\n",
        "content/companies/globex.yaml": FACT.format(
            about="[company:springfield, city:springfield]")}) == []


def test_two_facts_may_be_about_one_record(tmp_path: Path) -> None:
    text = FACT.format(about="[acme]") + """\
  - text: Was founded.
    source: gazette
    quote: Yesterday
    about: [company:acme]
"""
    assert errors(tmp_path, {"content/companies/globex.yaml": text}) == []


@pytest.mark.parametrize("items", ["[shelbyville, shelbyville]",
                                   "[springfield, shelbyville, springfield]"])
def test_a_refs_field_with_one_record_twice(tmp_path: Path, items: str) -> None:
    # A refs field takes bare slugs only, so the same record can only be the same text.
    lines = errors(tmp_path, {"content/cities/springfield.yaml":
                              f"name: Springfield\ntwinned_with: {items}\n"})
    assert [line.split(": error: ")[1] for line in lines] == [
        "'twinned_with' lists the same value more than once"]
