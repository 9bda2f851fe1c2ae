"""load_records: which files under content/ are records, in what order, and what is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.errors import Diagnostic
from generator.read.load import load_records
from generator.read.yamlsrc import Document
from generator.site.config import load_config
from generator.site.model import SiteConfig
from tests.conftest import copy_case, write_files

SITE = """\
title: Load test
types:
  company:
    folder: companies
    fields:
      name: {type: text}
  city:
    folder: cities
    fields:
      name: {type: text}
"""

Found = tuple[str, int, int, str, str]


def make_site(root: Path, files: dict[str, str | bytes]) -> tuple[Path, SiteConfig]:
    site = write_files(root / "site", {"site.yaml": SITE, **files})
    return site, load_config(site)


def load(root: Path, files: dict[str, str | bytes]) -> tuple[list[str], list[Found]]:
    """Record keys with their paths, and every diagnostic as (path, line, col, severity, msg)."""
    site, config = make_site(root, files)
    content, diagnostics = load_records(site, config.folders)
    keys = [f"{r.type}:{r.slug} {r.doc.path}" for r in content.records]
    return keys, sorted((d.path, d.line, d.col, d.severity, d.message) for d in diagnostics)


def test_records_of_the_basic_case_in_sorted_order(tmp_path: Path) -> None:
    site = copy_case("basic", tmp_path)
    content, diagnostics = load_records(site, load_config(site).folders)
    assert diagnostics == []
    assert [(r.type, r.slug, r.doc.path) for r in content.records] == [
        ("city", "shelbyville", "content/cities/shelbyville.yaml"),
        ("city", "springfield", "content/cities/springfield.yaml"),
        ("company", "acme", "content/companies/acme.yaml"),
        ("company", "globex", "content/companies/globex.yaml"),
        ("source", "gazette", "content/sources/gazette.yaml"),
    ]
    assert content.keys == {f"{r.type}:{r.slug}" for r in content.records}


def test_documents_hold_the_parsed_file(tmp_path: Path) -> None:
    site, config = make_site(tmp_path, {"content/cities/rome.yaml": "name: Rome\n"})
    content, _ = load_records(site, config.folders)
    doc = content.records[0].doc
    assert isinstance(doc, Document)
    assert (doc.path, doc.text, doc.data) == ("content/cities/rome.yaml", "name: Rome\n",
                                              {"name": "Rome"})


def test_files_are_sorted_by_folder_then_name(tmp_path: Path) -> None:
    keys, found = load(tmp_path, {
        "content/companies/zeta.yaml": "name: Z\n",
        "content/companies/alpha.yaml": "name: A\n",
        "content/companies/a-2.yaml": "name: A2\n",
        "content/cities/oslo.yaml": "name: O\n",
        "content/cities/2nd-city.yaml": "name: 2\n",
    })
    assert found == []
    assert keys == [
        "city:2nd-city content/cities/2nd-city.yaml",
        "city:oslo content/cities/oslo.yaml",
        "company:a-2 content/companies/a-2.yaml",
        "company:alpha content/companies/alpha.yaml",
        "company:zeta content/companies/zeta.yaml",
    ]


def test_no_content_folder_means_no_records(tmp_path: Path) -> None:
    assert load(tmp_path, {}) == ([], [])


def test_empty_type_folder_is_fine(tmp_path: Path) -> None:
    site, config = make_site(tmp_path, {})
    (site / "content" / "cities").mkdir(parents=True)
    content, diagnostics = load_records(site, config.folders)
    assert (content.records, diagnostics) == ((), [])


def test_hidden_files_and_backups_are_ignored(tmp_path: Path) -> None:
    keys, found = load(tmp_path, {
        "content/cities/rome.yaml": "name: Rome\n",
        "content/cities/.rome.yaml.swp": "junk",
        "content/cities/.hidden.yaml": "name: Hidden\n",
        "content/cities/rome.yaml~": "name: Old\n",
        "content/cities/#notes~": "x",
        "content/.DS_Store": "x",
        "content/.git/config": "x",
        "content/backup~/x.yaml": "name: X\n",
        "content/cities/.drafts/x.yaml": "name: X\n",
    })
    assert keys == ["city:rome content/cities/rome.yaml"]
    assert found == []


def test_yml_file_is_an_error_with_a_rename_hint(tmp_path: Path) -> None:
    keys, found = load(tmp_path, {"content/cities/rome.yml": "name: Rome\n"})
    assert keys == []
    assert found == [("content/cities/rome.yml", 1, 1, "error",
                      "ignored: not a .yaml file; rename it to rome.yaml")]


@pytest.mark.parametrize("name", ["notes.txt", "rome.json", "README.md", "rome.yaml.bak",
                                  "rome"])
def test_non_yaml_file_in_a_type_folder_is_a_warning(tmp_path: Path, name: str) -> None:
    keys, found = load(tmp_path, {"content/cities/ok.yaml": "name: Ok\n",
                                  f"content/cities/{name}": "x"})
    assert keys == ["city:ok content/cities/ok.yaml"]
    assert found == [(f"content/cities/{name}", 1, 1, "warning", "ignored: not a .yaml file")]


def test_folder_inside_a_type_folder_is_a_warning(tmp_path: Path) -> None:
    keys, found = load(tmp_path, {"content/cities/old/rome.yaml": "name: Rome\n"})
    assert keys == []
    assert found == [("content/cities/old", 1, 1, "warning", "ignored: not a .yaml file")]


def test_file_directly_in_content_is_a_warning(tmp_path: Path) -> None:
    keys, found = load(tmp_path, {"content/rome.yaml": "name: Rome\n"})
    assert keys == []
    assert found == [("content/rome.yaml", 1, 1, "warning",
                      "ignored: records go in content/<folder>/<slug>.yaml")]


def test_unknown_folder_is_an_error_with_did_you_mean(tmp_path: Path) -> None:
    keys, found = load(tmp_path, {"content/citys/rome.yaml": "name: Rome\n"})
    assert keys == []
    assert found == [("content/citys", 1, 1, "error", "folder 'citys' is not a record type's "
                      "folder (did you mean 'cities'?); the folders are cities, companies")]


def test_unknown_folder_without_a_close_match(tmp_path: Path) -> None:
    _, found = load(tmp_path, {"content/zzz/rome.yaml": "name: Rome\n"})
    assert found == [("content/zzz", 1, 1, "error", "folder 'zzz' is not a record type's "
                      "folder; the folders are cities, companies")]


def test_type_name_is_not_a_folder_name(tmp_path: Path) -> None:
    _, found = load(tmp_path, {"content/city/rome.yaml": "name: Rome\n"})
    assert found == [("content/city", 1, 1, "error", "folder 'city' is not a record type's "
                      "folder (did you mean 'cities'?); the folders are cities, companies")]


@pytest.mark.parametrize(("name", "suggestion"), [
    ("Rome.yaml", "rome.yaml"),
    ("new_york.yaml", "new-york.yaml"),
    ("new york.yaml", "new-york.yaml"),
    ("-rome.yaml", "rome.yaml"),
    ("rome-.yaml", "rome.yaml"),
    ("a--b.yaml", "a-b.yaml"),
    ("___.yaml", "my-record.yaml"),
])
def test_invalid_slug_file_names_are_errors(tmp_path: Path, name: str, suggestion: str) -> None:
    keys, found = load(tmp_path, {f"content/cities/{name}": "name: X\n"})
    stem = name.removesuffix(".yaml")
    assert keys == []
    assert found == [(f"content/cities/{name}", 1, 1, "error", f"'{stem}' is not a valid slug: "
                      "use lowercase letters, digits and '-' (e.g. " f"'{suggestion}')")]


def test_invalid_slug_is_not_a_known_record(tmp_path: Path) -> None:
    site, config = make_site(tmp_path, {"content/cities/Rome.yaml": "name: X\n"})
    content, _ = load_records(site, config.folders)
    assert content.keys == frozenset()


def test_unparsable_file_is_a_diagnostic_but_still_a_known_record(tmp_path: Path) -> None:
    site, config = make_site(tmp_path, {"content/cities/rome.yaml": "name: [Rome\n",
                                        "content/cities/oslo.yaml": "name: Oslo\n"})
    content, diagnostics = load_records(site, config.folders)
    assert [r.slug for r in content.records] == ["oslo"]
    assert content.keys == {"city:rome", "city:oslo"}
    assert [(d.path, d.line, d.col) for d in diagnostics] == [("content/cities/rome.yaml", 1, 7)]
    assert diagnostics[0].message.startswith("YAML syntax error: ")


def test_every_problem_in_the_content_folder_is_reported(tmp_path: Path) -> None:
    _, found = load(tmp_path, {
        "content/cities/a.yml": "name: A\n",
        "content/cities/B.yaml": "name: B\n",
        "content/cities/c.yaml": "name: C\nname: D\n",
        "content/citys/d.yaml": "name: D\n",
    })
    assert [(path, line, severity) for path, line, _, severity, _ in found] == [
        ("content/cities/B.yaml", 1, "error"),
        ("content/cities/a.yml", 1, "error"),
        ("content/cities/c.yaml", 2, "error"),
        ("content/citys", 1, "error"),
    ]


def test_bad_bytes_are_reported_with_the_file_path(tmp_path: Path) -> None:
    _, found = load(tmp_path, {"content/cities/rome.yaml": b"name: R\xf6m\n"})
    assert found == [("content/cities/rome.yaml", 1, 8, "error",
                      "not UTF-8 text: byte 0xf6 at offset 7; save the file as UTF-8")]


needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt",
                                    reason="symbolic links")


@needs_symlinks
def test_symlink_to_a_file_outside_the_site_is_refused(tmp_path: Path) -> None:
    site, config = make_site(tmp_path, {})
    secret = write_files(tmp_path, {"secret.yaml": "name: Secret\n"}) / "secret.yaml"
    (site / "content" / "cities").mkdir(parents=True)
    (site / "content" / "cities" / "secret.yaml").symlink_to(secret)
    content, diagnostics = load_records(site, config.folders)
    assert content.records == ()
    assert [(d.path, d.line, d.col, d.message) for d in diagnostics] == [
        ("content/cities/secret.yaml", 1, 1,
         "a symbolic link that leads outside the site; copy the file in instead")]


@needs_symlinks
def test_symlinked_type_folder_outside_the_site_is_refused(tmp_path: Path) -> None:
    site, config = make_site(tmp_path, {})
    elsewhere = write_files(tmp_path / "elsewhere", {"rome.yaml": "name: Rome\n"})
    (site / "content").mkdir()
    (site / "content" / "cities").symlink_to(elsewhere, target_is_directory=True)
    content, diagnostics = load_records(site, config.folders)
    assert content.records == ()
    assert [(d.path, d.message) for d in diagnostics] == [
        ("content/cities/rome.yaml",
         "a symbolic link that leads outside the site; copy the file in instead")]


@needs_symlinks
def test_symlink_with_dot_dot_climbing_out_is_refused(tmp_path: Path) -> None:
    site, config = make_site(tmp_path, {})
    write_files(tmp_path, {"secret.yaml": "name: Secret\n"})
    (site / "content" / "cities").mkdir(parents=True)
    (site / "content" / "cities" / "secret.yaml").symlink_to("../../../secret.yaml")
    content, diagnostics = load_records(site, config.folders)
    assert content.records == ()
    assert [d.path for d in diagnostics] == ["content/cities/secret.yaml"]


@needs_symlinks
def test_symlink_within_the_site_is_read(tmp_path: Path) -> None:
    site, config = make_site(tmp_path, {"content/cities/rome.yaml": "name: Rome\n"})
    (site / "content" / "cities" / "roma.yaml").symlink_to("rome.yaml")
    content, diagnostics = load_records(site, config.folders)
    assert diagnostics == []
    assert [(r.slug, r.doc.data) for r in content.records] == [
        ("roma", {"name": "Rome"}), ("rome", {"name": "Rome"})]


@needs_symlinks
def test_dangling_symlink_inside_the_site_cannot_be_read(tmp_path: Path) -> None:
    site, config = make_site(tmp_path, {})
    (site / "content" / "cities").mkdir(parents=True)
    (site / "content" / "cities" / "gone.yaml").symlink_to("nowhere.yaml")
    content, diagnostics = load_records(site, config.folders)
    assert content.records == ()
    assert diagnostics == [Diagnostic("content/cities/gone.yaml", 1, 1,
                                      "a symbolic link to 'nowhere.yaml', which does not exist")]


@needs_symlinks
def test_site_reached_through_a_symlink_still_reads_its_files(tmp_path: Path) -> None:
    site, config = make_site(tmp_path, {"content/cities/rome.yaml": "name: Rome\n"})
    alias = tmp_path / "alias"
    alias.symlink_to(site, target_is_directory=True)
    content, diagnostics = load_records(alias, config.folders)
    assert diagnostics == []
    assert [r.slug for r in content.records] == ["rome"]
