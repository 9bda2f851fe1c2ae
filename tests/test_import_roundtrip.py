"""Round trips through `factsheet import`: rows in, a build, and the same values out of
data/<type>.csv; and the default site's data/<type>.csv back into an empty copy of it."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from generator.build import check_site
from generator.read.compose import CONTROL
from generator.render.data import needs_text_mark
from generator.render.numbers import number_text
from generator.site.schema import MAX_INTEGER
from generator.urls import RESERVED_SLUGS, WINDOWS_DEVICES
from tests.conftest import REPO, copy_default_site
from tests.hardening import run_cli
from tests.importsite import csv_text, write_import_site

FIELDS = ["name", "kind", "population", "area", "founded", "year", "website", "region",
          "twins", "tags", "summary"]
EXISTING = {"oldtown", "south"}

# Any text a cell can hold: every character but the controls a YAML file may not hold,
# and with line breaks only as '\n' (the reader makes '\r\n' one, as in YAML files).
_CHARS = st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\t",
                       exclude_characters="\u2028\u2029\ufffe\uffff")
_text = st.text(_CHARS, min_size=1, max_size=30).filter(
    lambda t: t.strip() != "" and not CONTROL.search(t))
# Markdown without the brackets of links: a link is checked against the records.
_markdown = _text.filter(lambda t: not re.search(r"[\[\]<>]", t))
_item = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"),
                              exclude_characters=";\ufffe\uffff"), min_size=1, max_size=12
                ).map(str.strip).filter(lambda t: t != "" and not CONTROL.search(t))
_slug = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6),
                 min_size=1, max_size=4).map("-".join).filter(
    lambda s: s not in RESERVED_SLUGS | WINDOWS_DEVICES | EXISTING)
_float = st.floats(allow_nan=False, allow_infinity=False).filter(
    lambda f: f != 0 or str(f) == "0.0")  # -0.0 is spelled 0, as JavaScript prints it


def _row(slug: str, others: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    maybe = st.none().__or__
    return st.fixed_dictionaries({
        "slug": st.just(slug), "name": _text, "kind": _text,
        "population": maybe(st.integers(-MAX_INTEGER, MAX_INTEGER)),
        "area": maybe(_float | st.integers(-MAX_INTEGER, MAX_INTEGER)),
        "founded": maybe(st.dates(datetime.date(1, 1, 1))),
        "year": maybe(st.integers(1, 9999)),
        "website": maybe(st.from_regex(r"\Ahttps?://[a-z]{1,10}\.org(/[a-z0-9._~-]{0,12})?\Z")),
        "region": maybe(st.sampled_from(["north", "south", "springfield"])),
        "twins": maybe(st.lists(st.sampled_from(["oldtown", *others]), min_size=1,
                                unique=True)),
        "tags": maybe(st.lists(_item, min_size=1, max_size=4, unique=True)),
        "summary": maybe(_markdown),
    })


@st.composite
def _rows(draw: st.DrawFn) -> list[dict[str, Any]]:
    slugs = draw(st.lists(_slug, min_size=1, max_size=6, unique=True))
    return [draw(_row(slug, [s for s in slugs if s != slug])) for slug in slugs]


def _cell(value: Any) -> str:
    """A value as data/<type>.csv spells it (and as the sheet gives it)."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return number_text(value)
    text = "; ".join(value) if isinstance(value, list) else value  # a list is marked whole
    return "'" + text if needs_text_mark(text) else text


def _value(value: Any) -> Any:
    """A value as a record holds it once read back: dates as text; a number field's whole
    decimal (5.0) as the whole number it is spelled as everywhere (5), where one can be."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and re.fullmatch(r"-?[0-9]+", number_text(value)) and \
            abs(value) <= MAX_INTEGER:
        return int(value)
    return value


def _read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


_counter = itertools.count()

# Each example imports and builds a site (about 0.6 s); shrinking a failure would build
# hundreds more, so a failing example is shown as found.

@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=_rows())
# Text that starts with ' marks of its own before a formula character (once lost its mark).
@example(rows=[{"slug": "a", "name": "'=1+2", "kind": "''-x", "population": None,
                "area": None, "founded": None, "year": None, "website": None,
                "region": None, "twins": None, "tags": None, "summary": "' =x"}])
def test_random_rows_come_back_out_of_the_built_csv_unchanged(tmp_path: Path,
                                                               rows: list[dict[str, Any]]) -> None:
    where = tmp_path / str(next(_counter))
    site = write_import_site(where / "site")
    sheet = [["slug", *FIELDS]] + [[_cell(row[k]) for k in ["slug", *FIELDS]] for row in rows]
    (where / "in.csv").write_text(csv_text(sheet), encoding="utf-8")
    imported = run_cli("import", "place", where / "in.csv", "--site", site)
    assert imported.code == 0, imported.err
    built = run_cli("build", "--site", site, "--out", where / "out", "--quiet", "--no-cache",
                    "--jobs", "1")
    assert built.code == 0, built.err
    exported = _read_csv((where / "out" / "data" / "place.csv").read_bytes())
    assert exported[0] == ["slug", *FIELDS, "facts"]
    by_slug = {line[0]: line[:-1] for line in exported[1:]}
    for line in sheet[1:]:
        assert by_slug[line[0]] == line
    # And the values themselves, with their types, are what the rows held.
    records = check_site(site).site.records
    for row in rows:
        fields = records[f"place:{row['slug']}"].fields
        wanted = {k: _value(v) for k, v in row.items() if k != "slug" and v is not None}
        assert fields == wanted
        assert all(type(fields[k]) is type(v) for k, v in wanted.items())


def test_the_default_sites_csv_imports_back_into_an_empty_copy(tmp_path: Path) -> None:
    original = copy_default_site(tmp_path)
    built = run_cli("build", "--site", original, "--out", tmp_path / "out", "--quiet")
    assert built.code == 0, built.err
    data = tmp_path / "out" / "data"
    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.copy(REPO / "site.yaml", empty / "site.yaml")
    # Cities and companies link to each other, so neither can go first whole: the cities
    # come in without their Markdown, then with it once the companies are there.
    steps = [("source", []), ("city", ["--map", "summary="]), ("company", []), ("study", []),
             ("city", ["--update"])]
    for type_name, extra in steps:
        outcome = run_cli("import", type_name, data / f"{type_name}.csv", "--site", empty,
                          *extra)
        assert outcome.code == 0, outcome.err
    before = check_site(original).site.records
    after = check_site(empty).site.records
    assert sorted(before) == sorted(after)
    for key, record in before.items():
        assert after[key].fields == record.fields, key
        assert after[key].title == record.title
