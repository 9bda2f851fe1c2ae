"""data/<type>.json: each type's records as data/site.json shows them, and data/site.json
past `page_size` x 50 records, which then lists the types and their files instead."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import urls
from generator.build import Options, build_site, check_site
from generator.link.link import Site
from generator.render import data
from generator.render.outputs import render_file
from generator.render.plan import plan_pages
from tests.conftest import REPO, copy_case, copy_default_site, tree_bytes, write_files

SITE_YAML = """\
title: Generated site
description: Companies, cities, studies and a source.
page_size: {page_size}
types:
  company:
    folder: companies
    fields:
      name: {{type: text, required: true}}
      headquarters: {{type: ref, to: city, inverse: Companies based here}}
      partners: {{type: refs, to: company, inverse: Partners}}
  city:
    folder: cities
    fields:
      name: {{type: text, required: true}}
      population: {{type: integer}}
  study:
    folder: studies
    fields:
      title: {{type: text, required: true}}
      subjects: {{type: refs, to: company, inverse: Studied in}}
  source:
    folder: sources
    fields:
      title: {{type: text, required: true}}
      text: {{type: text}}
"""
QUOTE = "the gazette reported it"


def generated_site(root: Path, companies: list[str], cities: list[str], studies: int = 0,
                   page_size: int = 100) -> Path:
    """A site of companies (each in a city, partnered with the next, each with a fact) and
    cities with these titles, `studies` studies of the first company, and one source."""
    files: dict[str, str] = {"site.yaml": SITE_YAML.format(page_size=page_size),
                             "content/sources/gazette.yaml":
                                 f"title: Gazette\ntext: Yesterday {QUOTE}.\n"}
    for i, title in enumerate(cities):
        files[f"content/cities/c{i}.yaml"] = f"name: {json.dumps(title)}\npopulation: {i}\n"
    for i, title in enumerate(companies):
        lines = [f"name: {json.dumps(title)}"]
        if cities:
            lines.append(f"headquarters: c{i % len(cities)}")
        if len(companies) > 1:
            lines.append(f"partners: [m{(i + 1) % len(companies)}]")
        about = f"\n    about: [c{i % len(cities)}]" if cities else ""
        lines.append(f"facts:\n  - text: Was reported.\n    source: gazette\n"
                     f"    quote: {QUOTE}{about}")
        files[f"content/companies/m{i}.yaml"] = "\n".join(lines) + "\n"
    for i in range(studies):
        subjects = "\nsubjects: [m0]" if companies else ""
        files[f"content/studies/s{i}.yaml"] = f"title: Study {i}{subjects}\n"
    return write_files(root / "site", files)


def linked(root: Path) -> Site:
    return check_site(root).site


def loaded(site: Site, type_name: str) -> dict[str, Any]:
    content, _ = data.type_json(site, type_name, urls.type_json(type_name))
    return json.loads(content)


def ref_objects(value: Any) -> list[dict[str, Any]]:
    """Every ref object in a JSON value: one naming a record by type, slug, title and URLs."""
    if isinstance(value, list):
        return [ref for item in value for ref in ref_objects(item)]
    if not isinstance(value, dict):
        return []
    here = [value] if set(value) - {"fact"} == {"type", "slug", "title", "url", "data"} else []
    return here + [ref for item in value.values() for ref in ref_objects(item)]


def refs_in(value: Any) -> set[str]:
    """The keys of the records a JSON value names by a ref object."""
    return {f"{ref['type']}:{ref['slug']}" for ref in ref_objects(value)}


def inline_site(root: Path, name: str) -> Path:
    if name == "default":
        return copy_default_site(root)
    if name == "basic":
        return copy_case("basic", root)
    return generated_site(root, ["Beta", "alpha", "Beta", "Ωmega"], ["Zed", "Ay"], studies=2)


SITES = ["default", "basic", "generated"]


# --- a type's file holds exactly its records, as data/site.json shows them --------------------

@pytest.mark.parametrize("name", SITES)
def test_each_type_file_holds_the_records_site_json_shows_of_it(name: str,
                                                                tmp_path: Path) -> None:
    site = linked(inline_site(tmp_path, name))
    everything = json.loads(data.site_json(site, urls.SITE_DATA))
    assert len(site.config.types) >= 3
    for entry in everything["types"]:
        typed = loaded(site, entry["name"])
        records = typed.pop("records")
        assert typed == {"format": data.FORMAT_VERSION, **entry}
        assert records == [r for r in everything["records"] if r["type"] == entry["name"]]
        assert [r["slug"] for r in records] == [r.slug for r in site.by_type[entry["name"]]]
        assert len(records) == entry["count"]


@pytest.mark.parametrize("name", SITES)
def test_refs_to_other_types_are_links_relative_to_the_data_folder(name: str,
                                                                    tmp_path: Path) -> None:
    site = linked(inline_site(tmp_path, name))
    other_types = 0
    for t in site.config.types:
        path = urls.type_json(t.name)
        for ref in ref_objects(loaded(site, t.name)["records"]):
            record = site.records[f"{ref['type']}:{ref['slug']}"]
            other_types += record.type != t.name
            folder = site.config.type(record.type).folder
            anchor = f"#fact-{ref['fact']}" if "fact" in ref else ""
            assert ref == {"type": record.type, "slug": record.slug, "title": record.title,
                           "url": urls.relative(path, site.page_path(record.key)) + anchor,
                           "data": urls.relative(path, urls.record_data(folder, record.slug)),
                           **({"fact": ref["fact"]} if anchor else {})}
            assert ref["url"].startswith("../") and ref["data"].startswith("../")
    assert other_types > 0, "the site has no refs between types"


def test_a_type_with_no_records_has_an_empty_file(tmp_path: Path) -> None:
    site = linked(generated_site(tmp_path, ["Acme"], ["Springfield"], studies=0))
    assert loaded(site, "study") == {"format": data.FORMAT_VERSION, "name": "study",
                                     "label": "Study", "plural": "Studies", "folder": "studies",
                                     "url": "../studies/index.html", "count": 0, "records": []}
    assert data.type_json(site, "study", urls.type_json("study"))[1] == frozenset()


titles = st.lists(st.sampled_from(["Acme", "acme", "Zeta", "Éclair", "ß", "10", "2", "Ω",
                                   "co.", "Le Monde"]), min_size=1, max_size=3).map(" ".join)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(companies=st.lists(titles, max_size=6), cities=st.lists(titles, max_size=4),
       studies=st.integers(0, 2))
def test_type_files_partition_site_json_and_depend_on_what_they_show(
        tmp_path: Path, companies: list[str], cities: list[str], studies: int) -> None:
    root = tmp_path / os.urandom(4).hex()
    site = linked(generated_site(root, companies, cities, studies))
    everything = json.loads(data.site_json(site, urls.SITE_DATA))
    pages = {p.key: p for p in plan_pages(site) if p.kind == "type-data"}
    assert set(pages) == {t.name for t in site.config.types}
    joined = []
    for t in site.config.types:
        content, deps = data.type_json(site, t.name, urls.type_json(t.name))
        records = json.loads(content)["records"]
        joined += records
        # A file depends by title on each record it names, and the maker adds its own type.
        assert deps == {"^" + key for key in refs_in(records)}
        assert render_file(site, pages[t.name]) == (content, deps | {f"{t.name}:*"})
    assert joined == everything["records"]


# --- determinism ------------------------------------------------------------------------------

DIGEST = """\
import hashlib, sys
from pathlib import Path
from generator import urls
from generator.build import check_site
from generator.render import data
site = check_site(Path(sys.argv[1])).site
for t in site.config.types:
    print(t.name, hashlib.sha256(data.type_json(site, t.name, urls.type_json(t.name))[0])
          .hexdigest())
"""


def test_type_files_are_the_same_bytes_in_every_process(tmp_path: Path) -> None:
    site_dir = inline_site(tmp_path, "generated")
    site = linked(site_dir)
    here = "".join(f"{t.name} {hashlib.sha256(loaded_bytes).hexdigest()}\n"
                   for t in site.config.types
                   for loaded_bytes in [data.type_json(site, t.name, urls.type_json(t.name))[0]])
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", DIGEST, str(site_dir)], cwd=REPO,
                              env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True,
                              text=True, check=True)
        assert done.stdout == here


def test_the_order_files_are_written_in_does_not_change_the_bytes(tmp_path: Path) -> None:
    names = ["Beta", "alpha", "Beta", "Ωmega", "10", "2"]
    first = linked(generated_site(tmp_path / "a", names, ["Zed", "Ay"], studies=1))
    # The same records, the files created in the opposite order.
    second_dir = generated_site(tmp_path / "b", names, ["Zed", "Ay"], studies=1)
    for path in sorted(second_dir.rglob("*.yaml"), reverse=True):
        text = path.read_bytes()
        path.unlink()
        path.write_bytes(text)
    second = linked(second_dir)
    for t in first.config.types:
        path = urls.type_json(t.name)
        assert data.type_json(first, t.name, path) == data.type_json(second, t.name, path)
    assert data.site_json(first, urls.SITE_DATA) == data.site_json(second, urls.SITE_DATA)


# --- data/site.json on both sides of page_size x 50 records -----------------------------------

def sized_site(root: Path, page_size: int, total: int) -> Site:
    """A site of exactly `total` records (one source, a city, the rest companies)."""
    assert total >= 3
    return linked(generated_site(root, [f"Company {i}" for i in range(total - 2)], ["City"],
                                 page_size=page_size))


@pytest.mark.parametrize(("page_size", "total"), [(2, 3), (2, 99), (2, 100), (1, 50), (3, 150)])
def test_up_to_the_threshold_site_json_holds_every_record(tmp_path: Path, page_size: int,
                                                          total: int) -> None:
    site = sized_site(tmp_path, page_size, total)
    assert len(site.records) == total and data.inlines_records(site)
    everything = json.loads(data.site_json(site, urls.SITE_DATA))
    assert list(everything) == ["format", "title", "description", "language", "base_url",
                                "types", "records"]
    assert all(set(t) == {"name", "label", "plural", "folder", "url", "count"}
               for t in everything["types"])
    assert len(everything["records"]) == total


@pytest.mark.parametrize(("page_size", "total"), [(2, 101), (2, 160), (1, 51), (3, 151)])
def test_past_the_threshold_site_json_names_the_type_files(tmp_path: Path, page_size: int,
                                                           total: int) -> None:
    site = sized_site(tmp_path, page_size, total)
    assert len(site.records) == total and not data.inlines_records(site)
    content = data.site_json(site, urls.SITE_DATA)
    index = json.loads(content)
    assert "records" not in index and index["records_by_type"] is True
    assert sum(t["count"] for t in index["types"]) == total
    # Each type's files, at URLs relative to site.json, as a consumer resolves them.
    folder = posixpath.dirname(urls.SITE_DATA)
    for t in index["types"]:
        assert posixpath.normpath(posixpath.join(folder, t["data"])) == urls.type_json(t["name"])
        assert posixpath.normpath(posixpath.join(folder, t["csv"])) == urls.type_csv(t["name"])
    records = [r for t in index["types"] for r in loaded(site, t["name"])["records"]]
    assert len(records) == total
    assert [(r["type"], r["slug"]) for r in records] == \
        [(r.type, r.slug) for r in site.records_in_order()]


def test_past_the_threshold_site_json_does_not_grow_with_the_records(tmp_path: Path) -> None:
    sizes = [len(data.site_json(sized_site(tmp_path / str(n), 1, n), urls.SITE_DATA))
             for n in (51, 200)]
    # Only the count of companies differs: 49 and 198.
    assert sizes[1] - sizes[0] == len("198") - len("49") and sizes[1] < 2_000


def test_a_split_index_and_an_inline_site_json_show_the_same_records(tmp_path: Path) -> None:
    split = sized_site(tmp_path / "split", 1, 60)
    whole = sized_site(tmp_path / "whole", 2, 60)
    assert not data.inlines_records(split) and data.inlines_records(whole)
    records = [r for t in split.config.types for r in loaded(split, t.name)["records"]]
    assert records == json.loads(data.site_json(whole, urls.SITE_DATA))["records"]


# --- incremental builds -----------------------------------------------------------------------

@pytest.fixture(autouse=True)
def own_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test signs its caches with a key of its own, in its own folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (out / "data").glob("*.json")}


def showing(site: Site, key: str) -> set[str]:
    """The types whose file shows record `key`: its own, the types of the records that link
    to it (by its title) and of the records it links to (which list it as a backlink)."""
    linking = {link.record for group in site.backlinks.get(key, ()) for link in group.links}
    linked_to = {target for target, groups in site.backlinks.items()
                 for group in groups for link in group.links if link.record == key}
    return {site.records[k].type for k in {key} | linking | linked_to}


BASIC_RECORDS = ["content/companies/acme.yaml", "content/companies/globex.yaml",
                 "content/cities/springfield.yaml", "content/cities/shelbyville.yaml",
                 "content/sources/gazette.yaml"]


@pytest.mark.parametrize("record", BASIC_RECORDS)
def test_a_new_title_remakes_the_type_files_that_show_it(record: str, tmp_path: Path) -> None:
    site_dir = copy_case("basic", tmp_path)
    out, clean = tmp_path / "out", tmp_path / "clean"
    build_site(site_dir, out, options=Options())
    before = stamps(out)
    lines = (site_dir / record).read_text(encoding="utf-8").splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith(("name: ", "title: ")))
    lines[first] = lines[first].rstrip("\n") + " Renamed\n"
    (site_dir / record).write_text("".join(lines), encoding="utf-8")
    build_site(site_dir, out, options=Options())
    site = linked(site_dir)
    key = next(r.key for r in site.records.values()
               if site.config.type(r.type).folder == Path(record).parent.name
               and r.slug == Path(record).stem)
    changed = {path for path, stamp in stamps(out).items() if before.get(path) != stamp}
    expected = {urls.type_json(t) for t in showing(site, key)}
    assert {p for p in changed if p != urls.GRAPH_DATA and p != urls.SITE_DATA} == expected
    assert urls.SITE_DATA in changed
    build_site(site_dir, clean, options=Options(load=False, save=False))
    assert tree_bytes(out) == tree_bytes(clean)
    assert site.records[key].title.endswith(" Renamed")
    assert b" Renamed" in (out / urls.type_json(site.records[key].type)).read_bytes()
