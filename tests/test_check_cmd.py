"""`factsheet check`: everything a build checks, nothing written, fast enough for on-save."""

from __future__ import annotations

import re
import subprocess
import sys
import time

from tests.conftest import REPO, SERIAL, copy_default_site, tree_bytes


def test_check_passes_the_default_site_and_writes_nothing(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    before = tree_bytes(tmp_path)
    result = factsheet("check", "--site", site)
    assert result.code == 0
    assert re.fullmatch(r"No errors: 8 records, \d+ pages\.\n", result.err)
    assert tree_bytes(tmp_path) == before
    assert not (site / "output").exists()


@SERIAL  # checked within a time bound
def test_check_is_quick_enough_for_an_on_save_hook(tmp_path) -> None:
    site = copy_default_site(tmp_path)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--site", str(site),
                             "--quiet"], cwd=REPO, capture_output=True, text=True, timeout=60)
    seconds = time.monotonic() - started
    assert (result.returncode, result.stderr) == (0, "")
    print(f"factsheet check on the default site, whole process: {seconds:.2f} s")
    assert seconds < 5


def test_check_reports_every_error_at_its_place_and_exits_1(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    path = site / "content/companies/microsoft.yaml"
    path.write_text(path.read_text().replace("headquarters: redmond", "headquarter: redmond")
                    .replace("source: news-2020-06-11", "source: news-2020-06-12", 1))
    result = factsheet("check", "--site", site)
    assert result.code == 1
    assert [line for line in result.err.splitlines() if not line.startswith(" ")] == [
        "content/companies/microsoft.yaml:2:1: error: unknown field 'headquarter' (did you "
        "mean 'headquarters'?)",
        "content/companies/microsoft.yaml:12:13: error: unknown source 'news-2020-06-12' (did "
        "you mean 'news-2020-06-11'?)",
        "2 errors.",
    ]
    assert not (site / "output").exists()


def test_strict_turns_warnings_into_errors(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    (site / "content/companies/notes.txt").write_text("not a record")
    relaxed = factsheet("check", "--site", site)
    assert relaxed.code == 0
    assert "content/companies/notes.txt:1:1: warning: ignored: not a .yaml file" in relaxed.err
    strict = factsheet("check", "--site", site, "--strict")
    assert strict.code == 1
    assert strict.err == ("content/companies/notes.txt:1:1: error: ignored: not a .yaml file\n"
                          "1 error.\n")


def test_check_finds_template_errors_only_rendering_shows(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    (site / "templates/about.html").write_text("{% if %}\n")
    syntax = factsheet("check", "--site", site)
    assert syntax.code == 1 and syntax.err.startswith("templates/about.html:1:1: error: "
                                                      "template syntax error")
    (site / "templates/about.html").write_text("<p>{{ site.nope.deeper }}</p>\n")
    runtime = factsheet("check", "--site", site)
    assert runtime.code == 1 and runtime.err.startswith("templates/about.html:1:1: error: ")


def test_a_misspelled_template_name_gets_a_did_you_mean(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    (site / "templates/about.html").write_text('{% include "_macro.html" %}\n')
    result = factsheet("check", "--site", site)
    assert result.code == 1
    assert result.err.startswith("templates/about.html:1:1: error: template error: no template "
                                 "'_macro.html' (did you mean '_macros.html'?)")


def test_quiet_prints_errors_only(factsheet, tmp_path) -> None:
    site = copy_default_site(tmp_path)
    assert factsheet("check", "--site", site, "--quiet").err == ""
