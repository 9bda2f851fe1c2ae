"""Hardening, class 6: nothing is read or written outside the site and its output folder.

Folder names, type and field names and template names cannot climb out; symbolic links
in content/, templates/ or static/ that lead outside are refused; an output folder that is
not the generator's own is refused before anything is deleted.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.write.staging import MARKER
from tests.conftest import tree_bytes
from tests.hardening import BuiltSite, built_basic_site, error_lines, run_cli

LINK_OUT = "a symbolic link that leads outside the site; copy the file in instead"
SECRET = "TOP-SECRET-do-not-publish"


@pytest.fixture
def built(tmp_path: Path) -> BuiltSite:
    return built_basic_site(tmp_path / "w")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A folder outside the site holding a secret file, a template and a record."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET)
    (folder / "company.html").write_text(SECRET + " {{ record.title }}")
    (folder / "acme.yaml").write_text(f"name: {SECRET}\n")
    return folder


def _replace_site_yaml(built: BuiltSite, old: str, new: str) -> str:
    text = (built.site / "site.yaml").read_text()
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize("folder", ["../cities", "/etc", "cities/x", "'cities\\x'", "'.'", "'..'",
                                    "''", "'C:\\cities'", "'~'", "'cities '", "Cities", "'-x'",
                                    "'x/../../y'", "'%2e%2e'"])
def test_type_folder_cannot_be_a_path(built: BuiltSite, folder: str) -> None:
    err = built.refused({"site.yaml": _replace_site_yaml(built, "folder: cities",
                                                         f"folder: {folder}")})
    assert error_lines(err)[0].startswith("site.yaml:13:13: error: 'types.city.folder' must be "
                                          "a slug")


def test_type_folder_with_a_nul_is_refused(built: BuiltSite) -> None:
    err = built.refused({"site.yaml": _replace_site_yaml(built, "folder: cities",
                                                         'folder: "cit\\0ies"')})
    assert error_lines(err)[0].startswith("site.yaml:13:13: error: control character U+0000")


@pytest.mark.parametrize("name", ["'../city'", "'a/b'", "'a\\b'", "'/abs'", "City", "'c d'"])
def test_type_and_field_names_cannot_be_paths(built: BuiltSite, name: str) -> None:
    as_type = _replace_site_yaml(built, "  city:\n", f"  {name}:\n")
    err = built.refused({"site.yaml": as_type})
    assert "is not allowed here; a key must be a name: lowercase letters" in error_lines(err)[0]
    as_field = _replace_site_yaml(built, "      population:", f"      {name}:")
    err = built.refused({"site.yaml": as_field})
    assert "is not allowed here; a key must be a name: lowercase letters" in error_lines(err)[0]


@pytest.mark.parametrize("name", ["a\\b", "a b", "x..y", "x..", "con.txt", "NUL"])
def test_record_file_names_that_are_not_slugs_are_refused(built: BuiltSite, name: str) -> None:
    err = built.refused({f"content/companies/{name}.yaml": "name: X\n"})
    assert error_lines(err)[0].startswith(f"content/companies/{name}.yaml:1:1: error: "
                                          f"'{name}' is not a valid slug")


@pytest.mark.parametrize("name", ["con", "nul", "aux", "prn", "com1", "lpt9"])
def test_windows_device_names_are_refused_as_slugs_and_folders(built: BuiltSite,
                                                                name: str) -> None:
    err = built.refused({f"content/companies/{name}.yaml": "name: X\n"})
    assert error_lines(err)[0] == (f"content/companies/{name}.yaml:1:1: error: '{name}' is a "
                                   "device name on Windows, where a page of that name cannot be "
                                   "served; rename the file")
    err = built.refused({"site.yaml": _replace_site_yaml(built, "folder: cities",
                                                         f"folder: {name}")})
    assert error_lines(err)[0] == (f"site.yaml:13:13: error: folder '{name}' is a device name "
                                   "on Windows; choose another")


@pytest.mark.parametrize("tag", [
    '{% include "../../../../../../etc/passwd" %}',
    '{% include "/etc/passwd" %}',
    '{% include "..\\\\..\\\\..\\\\etc\\\\passwd" %}',
    '{% extends "../basic/site.yaml" %}',
    '{% import "../../outside/company.html" as m %}',
    '{% include "company.html/../../../outside/secret.txt" %}',
])
def test_templates_cannot_name_files_outside_the_template_folders(built: BuiltSite, secret: Path,
                                                                 tag: str) -> None:
    err = built.refused({"templates/city.html": tag + "\n"})
    assert SECRET not in err and "root:" not in err
    assert error_lines(err)[0].startswith(("templates", "templates/city.html"))


def _link(built: BuiltSite, rel: str, target: Path) -> None:
    path = built.site / rel
    if path.is_dir() and not path.is_symlink():
        for child in sorted(path.rglob("*"), reverse=True):
            child.unlink() if child.is_file() else child.rmdir()
        path.rmdir()
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)


@pytest.mark.parametrize(("rel", "target", "reported"), [
    ("content/companies/acme.yaml", "acme.yaml", "content/companies/acme.yaml"),
    ("content/companies", ".", "content/companies/acme.yaml"),
    ("content/companies/evil.yaml", "/etc/passwd", "content/companies/evil.yaml"),
    ("templates/company.html", "company.html", "templates/company.html"),
    ("templates/base.html", "/etc/passwd", "templates/base.html"),
    ("templates/parts", ".", "templates/parts"),
    ("templates", ".", "templates"),
    ("static/secret.txt", "secret.txt", "static/secret.txt"),
    ("static/assets/leak", ".", "static/assets/leak"),
    ("static", ".", "static/secret.txt"),
])
def test_symlinks_leading_out_of_the_site_are_refused(built: BuiltSite, secret: Path, rel: str,
                                                      target: str, reported: str) -> None:
    _link(built, rel, secret / target if not target.startswith("/") else Path(target))
    err = built.refused()
    assert f"{reported}:1:1: error: {LINK_OUT}" in error_lines(err)
    assert SECRET not in err and "root:x" not in err


def test_content_folder_linked_out_refuses_every_type_folder(built: BuiltSite,
                                                             tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (built.site / "content").rename(elsewhere)
    (built.site / "content").symlink_to(elsewhere)
    err = built.refused()
    assert {line.split(":")[0] for line in error_lines(err)} >= {
        "content/companies/acme.yaml", "content/cities/springfield.yaml"}


def test_symlinks_within_the_site_are_followed(built: BuiltSite) -> None:
    (built.site / "shared").mkdir()
    (built.site / "shared/company.html").write_text("<p>{{ record.title }}</p>\n")
    (built.site / "shared/robots-extra.txt").write_text("hello\n")
    (built.site / "templates").mkdir()
    (built.site / "templates/company.html").symlink_to(built.site / "shared/company.html")
    (built.site / "static").mkdir()
    (built.site / "static/extra.txt").symlink_to("../shared/robots-extra.txt")
    outcome = built.build()
    assert outcome.code == 0, outcome.err
    assert (built.out / "companies/acme/index.html").read_text() == "<p>Acme Corporation</p>\n"
    assert (built.out / "extra.txt").read_text() == "hello\n"


# The output folder ----------------------------------------------------------------------

@pytest.fixture
def fake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / "thesis").mkdir(parents=True)
    (home / "thesis/chapter1.txt").write_text("years of work")
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.mark.parametrize("where", ["dot", "home", "tilde", "tilde-sub", "root", "site",
                                   "site-parent", "content", "templates", "static-sub",
                                   "not-ours", "a-file", "link-to-home", "dotdot-into-content",
                                   "site-yaml"])
def test_dangerous_output_folders_are_refused_before_anything_is_deleted(
        built: BuiltSite, fake_home: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    site = built.site
    (site / "templates").mkdir()
    (site / "templates/about.html").write_text("<p>About</p>\n")
    (built.root / "precious").mkdir()
    (built.root / "precious/notes.txt").write_text("keep")
    (built.root / "a-file").write_text("keep")
    (built.root / "home-link").symlink_to(fake_home)
    monkeypatch.chdir(site)
    out = {"dot": ".", "home": str(fake_home), "tilde": "~", "tilde-sub": "~/site-out",
           "root": "/", "site": str(site), "site-parent": "..", "content": "content",
           "templates": "templates", "static-sub": "static/out",
           "not-ours": str(built.root / "precious"), "a-file": str(built.root / "a-file"),
           "link-to-home": str(built.root / "home-link"),
           "dotdot-into-content": "content/companies/../../content", "site-yaml": "site.yaml",
           }[where]
    everything_before = tree_bytes(built.root)
    home_before = tree_bytes(fake_home)
    outcome = run_cli("build", "--site", ".", "--out", out)
    assert outcome.code == 1, outcome.err
    assert "Traceback" not in outcome.err
    assert error_lines(outcome.err) == [
        line for line in error_lines(outcome.err)
        if ":1:1: error: refusing to write the site here: " in line]
    assert len(error_lines(outcome.err)) == 1
    assert tree_bytes(built.root) == everything_before
    assert tree_bytes(fake_home) == home_before
    assert not (site / "~").exists()


def test_refusal_comes_with_the_content_errors(built: BuiltSite, fake_home: Path) -> None:
    built.write({"content/companies/acme.yaml": "name: [\n"})
    outcome = run_cli("build", "--site", built.site, "--out", fake_home)
    assert outcome.code == 1
    assert [line.split(": error: ")[1][:40] for line in error_lines(outcome.err)] == [
        "refusing to write the site here: it is t", "YAML syntax error: did not find expected"]
    assert (fake_home / "thesis/chapter1.txt").read_text() == "years of work"


def test_an_empty_folder_and_a_marked_folder_may_be_replaced(built: BuiltSite) -> None:
    empty = built.root / "empty"
    empty.mkdir()
    assert run_cli("build", "--site", built.site, "--out", empty, "-q").code == 0
    assert (empty / MARKER).is_file()
    (empty / "stale.html").write_text("old")
    assert run_cli("build", "--site", built.site, "--out", empty, "-q").code == 0
    assert not (empty / "stale.html").exists()


def test_an_output_folder_that_is_a_link_keeps_the_link(built: BuiltSite) -> None:
    (built.root / "published").symlink_to(built.out)
    outcome = run_cli("build", "--site", built.site, "--out", built.root / "published", "-q")
    assert outcome.code == 0, outcome.err
    assert (built.root / "published").is_symlink()
    assert tree_bytes(built.root / "published") == tree_bytes(built.out)
    assert sorted(os.listdir(built.root)) == ["basic", "out", "published"]


def test_leftover_links_beside_the_output_are_unlinked_not_followed(built: BuiltSite,
                                                                     secret: Path) -> None:
    (built.root / ".out.factsheet-new-dead").symlink_to(secret)
    assert built.build().code == 0
    assert not (built.root / ".out.factsheet-new-dead").is_symlink()
    assert (secret / "secret.txt").read_text() == SECRET


def test_a_build_writes_nothing_outside_its_output_folder(built: BuiltSite) -> None:
    before = {p: p.stat().st_mtime_ns for p in built.root.rglob("*")
              if built.out not in p.parents and p != built.out}
    assert built.build().code == 0
    after = {p: p.stat().st_mtime_ns for p in built.root.rglob("*")
             if built.out not in p.parents and p != built.out}
    assert after == before
