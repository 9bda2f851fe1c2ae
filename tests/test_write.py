"""The writer: refuses folders it did not make, swaps the new output in whole, cleans up."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.write.staging import MARKER, Staging, check_output_dir
from tests.conftest import copy_case, tree_bytes


def refusal(out: Path, site: Path) -> str:
    problems = check_output_dir(out, site)
    assert len(problems) <= 1
    return problems[0].message if problems else ""


def test_a_new_empty_or_marked_folder_may_be_replaced(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    assert refusal(site / "output", site) == ""
    (site / "empty").mkdir()
    assert refusal(site / "empty", site) == ""
    (site / "old").mkdir()
    (site / "old" / MARKER).write_text("")
    (site / "old" / "index.html").write_text("old")
    assert refusal(site / "old", site) == ""


@pytest.mark.parametrize("where", ["root", "home", "site", "parent", "content", "inside-static"])
def test_dangerous_folders_are_refused(tmp_path: Path, where: str) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    out = {"root": Path("/"), "home": Path.home(), "site": site, "parent": tmp_path,
           "content": site / "content", "inside-static": site / "static" / "out"}[where]
    assert refusal(out, site).startswith("refusing to write the site here")


def test_a_non_empty_folder_without_the_marker_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    assert "has no .factsheet-output marker" in refusal(precious, site)
    (tmp_path / "file").write_text("x")
    assert "is a file" in refusal(tmp_path / "file", site)


def test_staging_swaps_in_the_new_output_whole(tmp_path: Path) -> None:
    out = tmp_path / "output"
    with Staging(out) as staging:
        staging.write("index.html", b"one")
        staging.write("a/b/index.html", b"two")
        staging.commit()
    assert tree_bytes(out) == {MARKER: tree_bytes(out)[MARKER], "index.html": b"one",
                               "a/b/index.html": b"two"}
    with Staging(out) as staging:
        staging.write("index.html", b"new")
        staging.commit()
    assert set(tree_bytes(out)) == {MARKER, "index.html"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_staging_left_without_commit_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "output"
    with Staging(out) as staging:
        staging.write("index.html", b"old")
        staging.commit()
    before = tree_bytes(out)
    with pytest.raises(RuntimeError), Staging(out) as staging:
        staging.write("index.html", b"half")
        raise RuntimeError("a page failed")
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


def test_leftovers_of_an_interrupted_build_are_removed(tmp_path: Path) -> None:
    leftover = tmp_path / ".output.factsheet-new-dead"
    (leftover / "x").mkdir(parents=True)
    with Staging(tmp_path / "output") as staging:
        staging.commit()
    assert not leftover.exists()


@pytest.mark.parametrize("path", ["../escape.html", "/abs.html", "a/../../x", "a\\b", "", "a\0b"])
def test_unsafe_output_paths_are_refused(tmp_path: Path, path: str) -> None:
    with Staging(tmp_path / "output") as staging, pytest.raises(ValueError):
        staging.write(path, b"x")
    assert not (tmp_path / "escape.html").exists()


def test_failed_build_leaves_previous_output_byte_for_byte(tmp_path: Path, factsheet) -> None:
    site = copy_case("basic", tmp_path)
    out = tmp_path / "output"
    assert factsheet("build", "--site", site, "--out", out).code == 0
    before = tree_bytes(out)
    record = site / "content/companies/acme.yaml"
    record.write_text(record.read_text().replace("headquarters: springfield",
                                                 "headquarters: springfeld"))
    run = factsheet("build", "--site", site, "--out", out)
    assert run.code == 1
    assert "content/companies/acme.yaml:2:15: error: unknown city 'springfeld'" in run.err
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["basic", "output"]


def test_failed_render_leaves_previous_output_byte_for_byte(tmp_path: Path, factsheet) -> None:
    site = copy_case("basic", tmp_path)
    out = tmp_path / "output"
    assert factsheet("build", "--site", site, "--out", out).code == 0
    before = tree_bytes(out)
    (site / "templates").mkdir()
    (site / "templates" / "city.html").write_text("{{ record.nope }}\n")
    run = factsheet("build", "--site", site, "--out", out)
    assert run.code == 1
    assert run.err.startswith("templates/city.html:1:1: error: template error: RecordView has "
                              "no attribute 'nope'")
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["basic", "output"]


def test_build_refuses_to_replace_a_folder_it_did_not_make(tmp_path: Path, factsheet) -> None:
    site = copy_case("basic", tmp_path)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    run = factsheet("build", "--site", site, "--out", out)
    assert run.code == 1
    assert "refusing to write the site here" in run.err
    assert tree_bytes(out) == {"notes.txt": b"keep me"}


@pytest.mark.parametrize("rel", ["", "/", "/etc/passwd", "..", "../out", "a/../../b",
                                 "a\\b", "a\0b", ".", "./"])
def test_a_path_out_of_the_output_is_never_written(tmp_path: Path, rel: str) -> None:
    with Staging(tmp_path / "out") as staging, pytest.raises(ValueError, match="unsafe"):
        staging.write(rel, b"x")


@pytest.mark.parametrize(("rel", "lands"), [("a.html", "a.html"), ("a/b/c.json", "a/b/c.json"),
                                            ("a//b.html", "a/b.html"),
                                            ("./a/./b.html", "a/b.html")])
def test_a_file_lands_where_its_path_says(tmp_path: Path, rel: str, lands: str) -> None:
    with Staging(tmp_path / "out") as staging:
        staging.write(rel, b"made")
        staging.write(rel, b"made again")  # over the first: truncated, not appended
        assert (staging.dir / lands).read_bytes() == b"made again"
        assert staging.locate(rel) == staging.dir / lands
