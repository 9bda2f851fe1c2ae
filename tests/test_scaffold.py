"""`factsheet new` and `factsheet init`, end to end through the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator.scaffold import SKELETON_DIR
from tests.conftest import copy_default_site, tree_bytes

COMPANY = "content/companies/acme.yaml"


# --- new ----------------------------------------------------------------------------------

def test_new_writes_every_field_required_first_and_says_what_to_fill_in(factsheet, tmp_path
                                                                        ) -> None:
    site = copy_default_site(tmp_path)
    result = factsheet("new", "company", "acme", "--site", site)
    assert result.code == 0
    assert f"Wrote {site / COMPANY}." in result.err and "  name (text)" in result.err
    text = (site / COMPANY).read_text(encoding="utf-8")
    # Required fields are left empty to fill in; the others and a fact are commented out.
    assert re.search(r"^name:$", text, re.M)
    assert text.index("\nname:") < text.index("# headquarters:") < text.index("# summary:")
    assert "# name (required) — text: plain text" in text
    assert "# headquarters — ref: the slug of one city record, e.g. minneapolis." in text
    assert "“Companies based here”" in text  # the inverse label from site.yaml
    assert "#     source: news-2020-06-11" in text and "#     quote: " in text
    assert yaml.safe_load(text) == {"name": None}


def test_new_uses_field_descriptions_and_labels(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    assert factsheet("new", "source", "report", "--site", site).code == 0
    text = (site / "content/sources/report.yaml").read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= 90
    flat = re.sub(r"\n#   ", " ", text)  # the comments without their line wrapping
    assert "The source's full text; facts quote it verbatim." in flat
    assert "Shown as “Published”" in flat and "# date — date: a calendar date" in flat


def test_check_names_what_a_new_record_still_needs(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    factsheet("new", "study", "face-study", "--site", site)
    result = factsheet("check", "--site", site)
    assert result.code == 1
    assert re.match(r"content/studies/face-study\.yaml:\d+:7: error: 'title' must be text, "
                    r"not nothing\n", result.err)
    path = site / "content/studies/face-study.yaml"
    path.write_text(path.read_text().replace("\ntitle:\n", "\ntitle: A face study\n"))
    assert factsheet("check", "--site", site).code == 0


def test_uncommented_optional_fields_and_fact_are_the_right_shape(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    factsheet("new", "city", "oslo", "--site", site)
    path = site / "content/cities/oslo.yaml"
    text = path.read_text().replace("\nname:\n", "\nname: Oslo\n")
    text = re.sub(r"^# (state|country):$", r"\1: Somewhere", text, flags=re.M)
    # The example fact, uncommented, with a quote the source really has.
    text = re.sub(r"^# (facts:|  )", r"\1", text, flags=re.M)
    text = re.sub(r'quote: ".*"', 'quote: "Last year, San Francisco became the first major city"',
                  text)
    path.write_text(text)
    result = factsheet("check", "--site", site)
    assert (result.code, result.err) == (0, "No errors: 9 records, "
                                         + result.err.split("records, ")[1])


def test_new_refuses_an_existing_record(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    before = (site / "content/companies/ibm.yaml").read_bytes()
    result = factsheet("new", "company", "ibm", "--site", site)
    assert result.code == 1
    assert result.err == ("content/companies/ibm.yaml:1:1: error: already exists; choose "
                          "another slug or edit this file\n1 error.\n")
    assert (site / "content/companies/ibm.yaml").read_bytes() == before


def test_new_refuses_a_bad_slug_as_a_usage_error(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    before = tree_bytes(site)
    for slug, suggestion in (("Acme Corp", "acme-corp"), ("../evil", "evil"), ("a_b", "a-b"),
                             ("a--b", "a-b")):
        result = factsheet("new", "company", slug, "--site", site)
        assert result.code == 2
        assert result.err.startswith("usage: factsheet new ")
        assert f"factsheet new: error: '{slug}' is not a valid slug" in result.err
        assert f"(e.g. '{suggestion}')" in result.err
    assert tree_bytes(site) == before


def test_new_unknown_type_gets_a_did_you_mean(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    result = factsheet("new", "compnay", "acme", "--site", site)
    assert result.code == 2
    assert ("factsheet new: error: unknown type 'compnay' (did you mean 'company'?); site.yaml "
            "declares city, company, source, study\n") in result.err
    assert "did you mean" not in factsheet("new", "zzz", "acme", "--site", site).err


def test_new_in_a_folder_without_a_site(factsheet, tmp_path) -> None:
    result = factsheet("new", "company", "acme", "--site", tmp_path)
    assert result.code == 1
    assert result.err.startswith("site.yaml:1:1: error: cannot read")


# --- init ---------------------------------------------------------------------------------

def test_init_makes_a_site_that_checks_and_builds_at_once(factsheet, tmp_path) -> None:
    site = tmp_path / "my-site"
    result = factsheet("init", site)
    assert result.code == 0 and f"factsheet serve --site {site}" in result.err
    assert {"site.yaml", "templates/about.html", ".gitignore"} <= set(tree_bytes(site))
    assert (site / "static").is_dir()
    config = yaml.safe_load((site / "site.yaml").read_text())
    for spec in config["types"].values():  # one record of each type
        assert len(list((site / "content" / spec["folder"]).glob("*.yaml"))) == 1
    check = factsheet("check", "--site", site, "--strict")
    assert check.code == 0, check.err
    build = factsheet("build", "--site", site)
    assert build.code == 0, build.err
    assert "Example Town Council" in (site / "output/organizations/example-town-council"
                                      "/index.html").read_text()
    assert "About these fact sheets" in (site / "output/index.html").read_text()


def test_init_and_new_work_together(factsheet, tmp_path) -> None:
    site = tmp_path / "s"
    factsheet("init", site)
    assert factsheet("new", "organization", "second", "--site", site).code == 0
    assert factsheet("check", "--site", site).code == 1  # until 'name' is filled in


def test_init_refuses_a_non_empty_folder(factsheet, tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = factsheet("init", tmp_path)
    assert result.code == 1
    assert result.err == (f"{tmp_path}:1:1: error: refusing to create a site here: it is not "
                          "an empty folder; choose a new one\n1 error.\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    file = tmp_path / "notes.txt"
    assert factsheet("init", file).code == 1


def test_init_accepts_an_empty_folder(factsheet, tmp_path) -> None:
    assert factsheet("init", tmp_path).code == 0
    assert (tmp_path / "site.yaml").is_file()


def test_the_skeleton_is_package_data() -> None:
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert '"skeleton/**/*"' in pyproject
    assert (SKELETON_DIR / "site.yaml").is_file()


def test_every_new_command_has_help_with_an_example(factsheet, capsys) -> None:
    for command in ("new", "init", "schema", "check", "serve"):
        with pytest.raises(SystemExit) as done:
            factsheet(command, "--help")
        assert done.value.code == 0
        assert f"example: factsheet {command}" in capsys.readouterr().out


def test_misspelled_commands_and_options_are_usage_errors(factsheet, capsys) -> None:
    for args in (("nwe", "company", "x"), ("new", "company"), ("init",), ("schema", "--outt", "x"),
                 ("serve", "--port", "99999"), ("serve", "--prot", "1")):
        with pytest.raises(SystemExit) as done:
            factsheet(*args)
        assert done.value.code == 2, args
        assert "usage: factsheet" in capsys.readouterr().err
