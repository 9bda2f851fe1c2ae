"""The slug suggested for a name that is not one: transliterated, and never one that is taken.

`suggest_slug` serves both the file-name check and (later) the spreadsheet import; the file
names here come from many scripts, and the folder may already hold the obvious slug.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.urls import SLUG, SLUG_MAX, WINDOWS_DEVICES, suggest_slug
from tests.conftest import write_files
from tests.hardening import error_lines, run_cli

NAMES = [
    # Portuguese, Spanish, French
    ("São Paulo", "sao-paulo"),
    ("Belém do Pará", "belem-do-para"),
    ("A Coruña", "a-coruna"),
    ("Île-de-France", "ile-de-france"),
    ("Côte d’Ivoire", "cote-d-ivoire"),
    # German
    ("Straße", "strasse"),
    ("Müller & Söhne", "muller-sohne"),
    ("Zürich", "zurich"),
    ("Gießen", "giessen"),
    # Scandinavian, Polish, Czech, Icelandic
    ("Ærø", "aero"),
    ("Łódź", "lodz"),
    ("Plzeň", "plzen"),
    ("Þingvellir", "thingvellir"),
    # Turkish (dotted and dotless i)
    ("İstanbul", "istanbul"),
    ("Ağrı Dağı", "agri-dagi"),
    ("Şanlıurfa", "sanliurfa"),
    # Greek and Cyrillic
    ("Αθήνα", "athina"),
    ("Θεσσαλονίκη", "thessaloniki"),
    ("Москва", "moskva"),
    ("Київ", "kiiv"),
    # CJK, Korean
    ("北京", "beijing"),
    ("東京", "dongjing"),
    ("서울", "seoul"),
    # emoji, symbols, decomposed accents
    ("🚀 Launch", "rocket-launch"),
    ("Big Corp", "big-corp"),
    ("Café", "cafe"),
    (unicodedata.normalize("NFD", "Café Noir"), "cafe-noir"),
    ("___", "my-record"),
    ("a--b", "a-b"),
    ("R&D 2021", "r-d-2021"),
]


@pytest.mark.parametrize(("name", "slug"), NAMES)
def test_names_of_every_script_are_transliterated(name: str, slug: str) -> None:
    assert suggest_slug(name) == slug


@pytest.mark.parametrize(("taken", "slug"), [
    ({"sao-paulo"}, "sao-paulo-2"),
    ({"sao-paulo", "sao-paulo-2"}, "sao-paulo-3"),
    ({"sao-paulo", "sao-paulo-3"}, "sao-paulo-2"),
    ({"sao-paulo-2"}, "sao-paulo"),
    ({f"sao-paulo{s}" for s in ["", *(f"-{n}" for n in range(2, 50))]}, "sao-paulo-50"),
    (["sao-paulo"], "sao-paulo-2"),
])
def test_a_taken_slug_is_never_suggested(taken: set[str], slug: str) -> None:
    assert suggest_slug("São Paulo", taken) == slug


@pytest.mark.parametrize("device", sorted(WINDOWS_DEVICES))
def test_a_windows_device_name_is_never_suggested(device: str) -> None:
    assert suggest_slug(device.upper()) == f"{device}-2"


def test_a_long_name_is_cut_at_a_word() -> None:
    slug = suggest_slug("The Very Long Name Of A Municipality " * 5)
    assert len(slug) <= SLUG_MAX
    assert slug.endswith("-of") or slug.split("-")[-1] in "the very long name of a municipality"
    assert suggest_slug("x" * 200) == "x" * SLUG_MAX


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.text(max_size=120), st.sets(st.text("abc-", min_size=1, max_size=6), max_size=20))
@example("São Paulo", {"sao-paulo"})
@example("", {"my-record", "my-record-2"})
def test_property_the_suggestion_is_a_free_valid_slug(name: str, taken: set[str]) -> None:
    slug = suggest_slug(name, taken)
    assert re.fullmatch(SLUG, slug), slug
    assert slug not in taken and slug not in WINDOWS_DEVICES
    assert len(slug) <= SLUG_MAX + 4


def load_errors(tmp_path: Path, names: list[str], folder: str = "cities") -> list[str]:
    """The error lines of `factsheet check` on a site whose folder holds files so named."""
    files = {"site.yaml": "title: T\ntypes:\n  city:\n    folder: cities\n    fields:\n"
                          "      name: {type: text, required: true}\n"}
    files.update({f"content/{folder}/{n}.yaml": "name: X\n" for n in names})
    outcome = run_cli("check", "--site", write_files(tmp_path / "site", files))
    assert "Traceback" not in outcome.err
    return error_lines(outcome.err)


def advice(name: str, slug: str, taken: str = "") -> str:
    note = f", as '{taken}' is taken" if taken else ""
    return (f"content/cities/{name}.yaml:1:1: error: '{name}' is not a valid slug: use lowercase "
            f"letters, digits and '-' (e.g. '{slug}.yaml'{note})")


@pytest.mark.parametrize(("name", "slug"), [n for n in NAMES if n[0] != "___"])
def test_a_file_name_gets_its_transliteration(tmp_path: Path, name: str, slug: str) -> None:
    assert load_errors(tmp_path, [name]) == [advice(name, slug)]


def test_a_file_name_whose_slug_another_file_has(tmp_path: Path) -> None:
    assert load_errors(tmp_path, ["sao-paulo", "São Paulo"]) == [
        advice("São Paulo", "sao-paulo-2", "sao-paulo")]


def test_numbered_slugs_already_there_are_skipped(tmp_path: Path) -> None:
    assert load_errors(tmp_path, ["sao-paulo", "sao-paulo-2", "sao-paulo-4", "São Paulo"]) == [
        advice("São Paulo", "sao-paulo-3", "sao-paulo")]


def test_two_files_that_would_share_a_slug_get_two(tmp_path: Path) -> None:
    # Files are read in code-point order of their names; each suggestion takes its slug.
    names = sorted(["São Paulo", "Sao Paulo", "SAO  PAULO"])
    lines = load_errors(tmp_path, names)
    suggested = [re.findall(r"e\.g\. '([^']+)\.yaml'", line)[0] for line in lines]
    assert suggested == ["sao-paulo", "sao-paulo-2", "sao-paulo-3"]
    assert lines[1] == advice(names[1], "sao-paulo-2", "sao-paulo")


def test_a_taken_name_in_another_folder_does_not_count(tmp_path: Path) -> None:
    files = {"site.yaml": "title: T\ntypes:\n  city:\n    folder: cities\n    fields:\n"
                          "      name: {type: text, required: true}\n"
                          "  place:\n    folder: places\n    fields:\n"
                          "      name: {type: text, required: true}\n",
             "content/places/sao-paulo.yaml": "name: X\n",
             "content/cities/São Paulo.yaml": "name: X\n"}
    outcome = run_cli("check", "--site", write_files(tmp_path / "site", files))
    assert error_lines(outcome.err) == [advice("São Paulo", "sao-paulo")]


def test_a_file_of_another_suffix_does_not_take_the_name(tmp_path: Path) -> None:
    site = tmp_path / "site"
    load_errors(tmp_path, ["São Paulo"])
    write_files(site, {"content/cities/sao-paulo.txt": "notes\n"})
    outcome = run_cli("check", "--site", site)
    assert advice("São Paulo", "sao-paulo") in error_lines(outcome.err)
