"""Incremental builds: the cache in .cache/, pages made again only when what they show
changed, files written only when their bytes did, and always the output of a clean build."""

from __future__ import annotations

import os
import pickle
import re
import shutil
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.build import BuildResult, Options, build_site
from generator.errors import BuildFailed
from generator.render.engine import THEME_DIR
from generator.store import memo
from generator.store.cache import CACHE_FILE
from tests.conftest import CASES, copy_case, tree_bytes, write_files

ACME = "content/companies/acme.yaml"
GLOBEX = "content/companies/globex.yaml"
ACME_INC = "content/companies/acme-inc.yaml"
CASE = CASES / "basic"
THEME_TEMPLATES = THEME_DIR / "templates"
ACME_PAGE = "companies/acme/index.html"
GLOBEX_PAGE = "companies/globex/index.html"
SPRINGFIELD_PAGE = "cities/springfield/index.html"
SHELBYVILLE_PAGE = "cities/shelbyville/index.html"


@pytest.fixture(autouse=True)
def own_cache_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test signs its caches with a key of its own, in its own folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def build(site: Path, out: Path, jobs: int = 1, **options: bool) -> BuildResult:
    return build_site(site, out, jobs=jobs, options=Options(**options))


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    """Each output file's inode and time stamp: unchanged when the file was not rewritten."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file()}


def rewritten(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> set[str]:
    return {path for path in after if before.get(path) != after[path]}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_case("basic", tmp_path)


def test_a_second_build_with_nothing_changed_writes_nothing(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(site, out)
    assert first.rendered == first.pages
    assert (site / CACHE_FILE).is_file()
    before = stamps(out)
    second = build(site, out)
    assert (second.rendered, second.written) == (0, 0)
    assert stamps(out) == before


def test_one_changed_record_remakes_only_the_pages_that_show_it(site: Path,
                                                                tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    before = stamps(out)
    text = (site / ACME).read_text().replace("Makes everything.", "Makes almost everything.")
    (site / ACME).write_text(text)
    result = build(site, out)
    changed = rewritten(before, stamps(out))
    assert ACME_PAGE in changed and "companies/acme/index.json" in changed
    assert "data/site.json" in changed
    # Globex's page links to Acme by its name only, which did not change.
    assert GLOBEX_PAGE not in changed and SHELBYVILLE_PAGE not in changed
    assert result.rendered < result.pages
    assert "Makes almost everything." in (out / ACME_PAGE).read_text()


def test_a_new_backlink_remakes_its_target(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    assert "Initech" not in (out / SHELBYVILLE_PAGE).read_text()
    write_files(site, {"content/companies/initech.yaml": "name: Initech\n"
                                                           "headquarters: shelbyville\n"})
    build(site, out)
    assert "Initech" in (out / SHELBYVILLE_PAGE).read_text()
    assert (out / "companies/initech/index.html").is_file()


def test_a_removed_record_removes_its_page_and_folder(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_files(site, {"content/companies/initech.yaml": "name: Initech\n"})
    build(site, out)
    assert (out / "companies/initech/index.html").is_file()
    (site / "content/companies/initech.yaml").unlink()
    build(site, out)
    assert not (out / "companies/initech").exists()
    assert "Initech" not in (out / "companies/index.html").read_text()


def test_a_template_edit_remakes_the_pages_that_use_it(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    before = stamps(out)
    write_files(site, {"templates/city.html": '{% extends "record.html" %}\n'
                                              '{% block title %}City: {{ super() }}'
                                              '{% endblock %}\n'})
    build(site, out)
    changed = rewritten(before, stamps(out))
    assert {SPRINGFIELD_PAGE, SHELBYVILLE_PAGE} <= changed
    assert ACME_PAGE not in changed and "companies/index.html" not in changed


def test_a_file_changed_by_hand_in_the_output_is_made_again(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    clean = tree_bytes(out)
    (out / ACME_PAGE).write_text("edited by hand")
    (out / "stray.html").write_text("not ours")
    (out / "companies/globex/index.json").unlink()
    build(site, out)
    assert tree_bytes(out) == clean


def test_a_full_build_keeps_files_whose_bytes_are_unchanged(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    before = stamps(out)
    text = (site / ACME).read_text().replace("Makes everything.", "Makes more.")
    (site / ACME).write_text(text)
    build(site, out, load=False)  # a build from scratch, as after deleting .cache/
    changed = rewritten(before, stamps(out))
    assert ACME_PAGE in changed
    assert GLOBEX_PAGE not in changed and "assets/factsheet.css" not in changed


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign key", "other version"])
def test_a_damaged_or_foreign_cache_is_ignored_with_a_note(site: Path, tmp_path: Path,
                                                           damage: str,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    out = tmp_path / "out"
    build(site, out)
    clean = tree_bytes(out)
    cache = site / CACHE_FILE
    if damage == "garbage":
        cache.write_bytes(b"not a cache at all")
    elif damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:100])
    elif damage == "foreign key":  # a cache made by someone else, e.g. committed to a repo
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    else:
        import generator.store.inputs as cache_module
        monkeypatch.setattr(cache_module, "_generator_hash", lambda: b"another version")
    (out / ACME_PAGE).write_text("stale")
    (out / ACME_PAGE).touch()
    result = build(site, out)
    notes = [d.format() for d in result.warnings if d.severity == "note"]
    assert len(notes) == 1 and notes[0].startswith(f"{CACHE_FILE}:1:1: note: ")
    assert result.rendered == result.pages
    assert tree_bytes(out) == clean


def test_a_pickle_that_is_not_signed_is_never_loaded(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    (site / CACHE_FILE).write_bytes(b"\0" * 32 + pickle.dumps(Boom()))
    build(site, out)
    assert not (tmp_path / "pwned").exists()


def test_a_failed_incremental_build_keeps_output_and_cache(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out)
    clean = tree_bytes(out)
    (site / ACME).write_text("name: Acme\nheadquarters: nowhere\n")
    with pytest.raises(BuildFailed):
        build(site, out)
    assert tree_bytes(out) == clean
    assert (site / CACHE_FILE).is_file()


def test_a_dev_server_build_without_search_leaves_the_index_for_later(site: Path,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(site, out)
    (site / ACME).write_text((site / ACME).read_text().replace("Acme Corporation", "Acme Inc"))
    quick = build_site(site, out, options=Options(previous=first.cache, search=False))
    assert quick.cache is not None and quick.cache.search_stale
    later = build_site(site, out, options=Options(previous=quick.cache))
    assert later.cache is not None and not later.cache.search_stale
    clean = tmp_path / "clean"
    build(site, clean, load=False, save=False)
    assert tree_bytes(out) == tree_bytes(clean)


# --- incremental output equals a clean build, over random edit sequences --------------------

EDITS = {
    "rename acme": (ACME, lambda t: t.replace("Acme Corporation", "Acme Holdings")),
    "move acme": (ACME, lambda t: t.replace("headquarters: springfield",
                                            "headquarters: shelbyville")),
    "acme without summary": (ACME, lambda t: t.replace("summary: ", "# summary: ")),
    # Its fact, which the timeline lists, reworded (the quote stays).
    "acme fact reworded": (ACME, lambda t: t.replace("Opened a *new* factory.",
                                                     "Opened a *big* factory.")),
    "acme quote breaks": (ACME, lambda t: t.replace("Acme opened a new", "Acme opened no")),
    "globex about springfield": ("content/companies/globex.yaml",
                                 lambda t: t.replace("about: [acme]", "about: [springfield]")),
    "add initech": ("content/companies/initech.yaml",
                    lambda t: "name: Initech\nheadquarters: springfield\nsummary: Like "
                              "[Acme](company:acme).\n"),
    "remove initech": ("content/companies/initech.yaml", None),
    "twin nothing": ("content/cities/springfield.yaml",
                     lambda t: t.replace("twinned_with: [shelbyville]", "")),
    "retitle site": ("site.yaml", lambda t: t.replace("Basic test site", "Basic site")),
    "city template": ("templates/city.html",
                      lambda t: '{% extends "record.html" %}\n{% block title %}City '
                                "{{ super() }}{% endblock %}\n"),
    "no city template": ("templates/city.html", None),
    "extra css": ("static/assets/extra.css", lambda t: t + "p { color: teal; }\n"),
    "acme corrected": (ACME, lambda t: t.replace("facts:\n", "updated: 2021-03-09\n"
                                                 "corrections:\n  - date: 2021-03-08\n"
                                                 "    text: The date was wrong.\n"
                                                 "    facts: [1]\nfacts:\n", 1)),
    "acme cites twice": (ACME, lambda t: t.replace(
        "    quote: Acme opened a new factory\n", "    quote: Acme opened a new factory\n"
        "    also:\n      - {source: gazette, quote: Its rival}\n", 1)),
    "acme rates globex": (ACME, lambda t: t.replace(
        "    quote: Acme opened a new factory\n", "    quote: Acme opened a new factory\n"
        "    claimed_by: globex\n    rating: Mostly true\n", 1)),
    "acme renamed": (ACME, lambda t: t if "aliases:" in t else "aliases: [acme-co]\n" + t),
    "globex names acme's old slug": ("content/companies/globex.yaml",
                                     lambda t: t.replace("about: [acme]", "about: [acme-co]")),
    "ratings": ("site.yaml", lambda t: t if "ratings:" in t
                else "ratings: [False, Mostly true, True]\n" + t),
    "gazette grows": ("content/sources/gazette.yaml",
                      lambda t: t.replace("said nothing.", "said nothing at all.")),
    # Embedded cards: one per fact, and each shows its sources' titles.
    "globex second fact": (GLOBEX, lambda t: (t if "facts:" in t else t + "facts:\n")
                           + "  - text: Said nothing.\n    source: gazette\n"
                             "    quote: said nothing\n"),
    "globex without facts": (GLOBEX, lambda t: t.split("facts:")[0]),
    "gazette retitled": ("content/sources/gazette.yaml",
                         lambda t: t.replace("The Springfield Gazette", "The Gazette")),
    "company card template": ("templates/company-embed.html",
                              lambda t: '{% extends "embed.html" %}\n'
                                        "{% block kicker %}Firm{% endblock %}\n"),
    "no company card template": ("templates/company-embed.html", None),
    # A site in two languages (an error while a text is per language in a site of one).
    "in two languages": ("site.yaml", lambda t: t if "languages:" in t
                         else "languages: [en, es]\n" + t),
    "in one language": ("site.yaml", lambda t: t.replace("languages: [en, es]\n", "")),
    "acme in spanish": (ACME, lambda t: t.replace(
        "summary: Makes everything.", "summary:\n  en: Makes everything.\n  es: Lo hace todo."
    ).replace("    text: Opened a *new* factory.\n", "    text:\n      en: Opened a *new* "
              "factory.\n      es: Abrió una fábrica *nueva*.\n")),
    "acme's spanish edited": (ACME, lambda t: t.replace("Lo hace todo.", "Hace de todo.")),
    "spanish words": ("templates/messages/es.po",
                      lambda t: 'msgid "Search"\nmsgstr "Buscador"\n\n'
                                'msgid "Companies"\nmsgstr "Empresas"\n'),
    "no spanish words": ("templates/messages/es.po", None),
    # A source that facts cite, gone (an error) and back.
    "no gazette": ("content/sources/gazette.yaml", None),
    "gazette back": ("content/sources/gazette.yaml",
                     lambda t: t or (CASE / "content/sources/gazette.yaml").read_text()),
    # Pagination: one record a list page, one fact a timeline page, and back.
    "page size 1": ("site.yaml", lambda t: t if "page_size:" in t else "page_size: 1\n" + t),
    "page size 100": ("site.yaml", lambda t: t.replace("page_size: 1\n", "")),
    # Tables: browse pages by headquarters and year; a record that moves to another page of
    # a table, or under another letter of its A–Z jump; a column that one record fills.
    "facets": ("site.yaml", lambda t: t.replace(
        "inverse: Companies based here}", "inverse: Companies based here, facet: true}"
    ).replace("founded: {type: year}", "founded: {type: year, facet: true}")),
    "no facets": ("site.yaml", lambda t: t.replace(", facet: true}", "}")),
    "acme sorts last": (ACME, lambda t: t.replace("name: Acme Corporation", "name: Zeta Acme")),
    "acme founded later": (ACME, lambda t: t.replace("founded: 1947", "founded: 1950")),
    "globex founded": (GLOBEX, lambda t: t if "founded:" in t else t.replace(
        "headquarters: shelbyville\n", "headquarters: shelbyville\nfounded: 1950\n")),
    "springfield shrinks": ("content/cities/springfield.yaml",
                            lambda t: t.replace("population: 30720", "population: 30000")),
    # A template that record pages include, and one the home page includes if it exists.
    "cite include": ("templates/_cite.html",
                     lambda t: (THEME_TEMPLATES / "_cite.html").read_text() + "<p>Cite us.</p>\n"),
    "no cite include": ("templates/_cite.html", None),
    "about include": ("templates/about.html", lambda t: "<p>About this site.</p>\n"),
    "no about include": ("templates/about.html", None),
}

# A record whose file is renamed keeps its old slug as an alias, and back again.
RENAMES = {
    "acme becomes acme-inc": (ACME, ACME_INC, lambda t: "aliases: [acme]\n" + t),
    "acme-inc becomes acme": (ACME_INC, ACME, lambda t: t.replace("aliases: [acme]\n", "")),
}


def apply_edit(site: Path, name: str) -> None:
    if name in RENAMES:
        before, after, change = RENAMES[name]
        if (site / before).exists():
            text = (site / before).read_text()
            (site / before).unlink()
            (site / after).write_text(change(text))
        return
    rel, change = EDITS[name]
    path = site / rel
    if change is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(change(path.read_text() if path.exists() else ""))


def outcome(site: Path, out: Path, jobs: int = 1, **options: bool) -> str:
    try:
        build(site, out, jobs, **options)
    except BuildFailed as failed:
        return "failed: " + "; ".join(d.message for d in failed.diagnostics)
    return "built"


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted({*EDITS, *RENAMES})), min_size=1, max_size=5),
       st.sampled_from([1, 3]))
@example(["in two languages", "acme in spanish", "spanish words", "acme's spanish edited",
          "no spanish words"], 1)
@example(["acme renamed"], 1)  # a former slug alone: one more line in _redirects
@example(["acme fact reworded"], 1)  # what the timeline shows of a record it only links to
# Initech's summary links to company:acme: to the record, then through its former slug.
@example(["add initech", "acme becomes acme-inc", "acme-inc becomes acme"], 1)
@example(["acme becomes acme-inc", "acme rates globex", "acme-inc becomes acme"], 3)
@example(["no gazette", "gazette back", "no gazette", "acme without summary"], 1)
@example(["page size 1", "globex second fact", "acme corrected", "page size 100"], 3)
@example(["cite include", "about include", "no cite include", "no about include"], 3)
@example(["facets", "page size 1", "acme sorts last", "globex founded", "acme founded later"], 1)
@example(["facets", "page size 1", "globex founded", "springfield shrinks", "rename acme"], 3)
def test_incremental_builds_equal_clean_builds(tmp_path: Path, edits: list[str],
                                               jobs: int) -> None:
    """With one job or several for the incremental builds, and one for the clean ones.

    Files' time stamps are trusted at once (not only once they are SETTLED_NS old), so
    that files the edits leave alone are not read again, as on a site edited by hand.
    """
    root = tmp_path / f"run-{os.urandom(4).hex()}"
    site = copy_case("basic", root)
    out, clean = root / "out", root / "clean"
    with mock.patch.object(memo, "SETTLED_NS", 0):
        assert outcome(site, out, jobs) == "built"
        for name in edits:
            apply_edit(site, name)
            incremental = outcome(site, out, jobs)
            from_scratch = outcome(site, clean, load=False, save=False)
            assert incremental == from_scratch, name
            if incremental == "built":
                assert tree_bytes(out) == tree_bytes(clean), name
    shutil.rmtree(root)


def test_a_change_to_a_field_alone_leaves_the_timeline_and_home_page(site: Path,
                                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(site, out, )
    before = stamps(out)
    (site / ACME).write_text((site / ACME).read_text().replace("founded: 1947", "founded: 1948"))
    build(site, out)
    changed = rewritten(before, stamps(out))
    assert ACME_PAGE in changed
    assert not {"timeline/index.html", "index.html", GLOBEX_PAGE} & changed


def test_pages_left_for_later_are_made_by_the_next_build(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(site, out)
    (site / ACME).write_text((site / ACME).read_text().replace("founded: 1947", "founded: 1948"))
    later = frozenset({"record-data", "site-data", "type-csv"})
    quick = build_site(site, out, options=Options(previous=first.cache, later=later))
    assert quick.cache is not None
    assert {"companies/acme/index.json", "data/site.json", "data/company.csv"} <= \
        quick.cache.pending
    assert b"1948" not in (out / "companies/acme/index.json").read_bytes()
    assert "1948" in (out / ACME_PAGE).read_text()
    done = build_site(site, out, options=Options(previous=quick.cache))
    assert done.cache is not None and not done.cache.pending
    clean = tmp_path / "clean"
    build(site, clean, load=False, save=False)
    assert tree_bytes(out) == tree_bytes(clean)


def test_every_kind_of_page_is_named_in_page_kinds() -> None:
    from generator.render import outputs
    from generator.render.plan import HTML_KINDS, PAGE_KINDS
    assert set(PAGE_KINDS) == set(HTML_KINDS) | set(outputs._MAKERS)


def test_a_dev_servers_unfinished_cache_is_finished_by_the_next_build(site: Path,
                                                                      tmp_path: Path) -> None:
    from generator.serve.rebuild import LATER
    from generator.store.cache import save_cache

    out = tmp_path / "out"
    first = build(site, out)
    (site / ACME).write_text((site / ACME).read_text().replace("founded: 1947", "founded: 1948"))
    quick = build_site(site, out, options=Options(previous=first.cache, search=False,
                                                  save=False, later=LATER))
    assert quick.cache is not None and quick.cache.pending and quick.cache.search_stale
    save_cache(site, quick.cache)  # as the dev server does when stopped before finishing
    build(site, out)
    clean = tmp_path / "clean"
    build(site, clean, load=False, save=False)
    assert tree_bytes(out) == tree_bytes(clean)


def test_a_dev_servers_quick_rebuilds_stay_incremental(site: Path, tmp_path: Path) -> None:
    """Each unsaved rebuild forgets the store's state while it patches the output; the next
    one still starts from the one before it, not from nothing."""
    from generator.serve.rebuild import LATER

    out = tmp_path / "out"
    result = build(site, out)
    for year in (1948, 1949, 1950):
        (site / ACME).write_text(re.sub(r"founded: \d+", f"founded: {year}",
                                        (site / ACME).read_text()))
        result = build_site(site, out, options=Options(previous=result.cache, search=False,
                                                       save=False, later=LATER))
        assert 0 < result.rendered < result.pages / 2, year
    clean = tmp_path / "clean"
    build(site, clean, load=False, save=False)
    build(site, out)  # what the dev server leaves for later
    assert tree_bytes(out) == tree_bytes(clean)


def test_a_dev_servers_rebuild_hashes_only_the_records_an_edit_reaches(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rest keep the hashes of the build before, which held the very same records."""
    from generator.store import stale

    out = tmp_path / "out"
    first = build(site, out)
    hashed: list[str] = []

    def counted(record: Any, *rest: Any) -> tuple[bytes, bytes, bytes]:
        hashed.append(record.key)
        return real(record, *rest)
    real = stale._hashes
    monkeypatch.setattr(stale, "_hashes", counted)
    (site / ACME).write_text(re.sub(r"founded: \d+", "founded: 1948",
                                    (site / ACME).read_text()))
    quick = build_site(site, out, options=Options(previous=first.cache, save=False))
    assert hashed == ["company:acme"]
    assert quick.cache is not None and quick.cache.records == {
        **first.cache.records, "company:acme": quick.cache.records["company:acme"]}
    assert quick.cache.records["company:acme"] != first.cache.records["company:acme"]
    hashed.clear()
    build(site, out)  # the command line's records come from the store: all hashed again
    assert len(hashed) == len(first.cache.records)


def rendered_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages each build from now on renders (with one job)."""
    from generator.render import batch

    paths: list[str] = []

    def noted(env: Any, site: Any, page: Any, site_dir: Path) -> Any:
        paths.append(page.path)
        return real(env, site, page, site_dir)
    real = batch.render_page
    monkeypatch.setattr(batch, "render_page", noted)
    return paths


TABLE = re.compile(r"companies/(index\.html|page/|by/)")


def test_an_edit_remakes_only_the_pages_of_a_table_that_show_the_record(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not every page of its type's list, nor every browse page of its type."""
    site_yaml = site / "site.yaml"
    site_yaml.write_text("page_size: 1\n" + site_yaml.read_text().replace(
        "founded: {type: year}", "founded: {type: year, facet: true}"))
    (site / GLOBEX).write_text((site / GLOBEX).read_text().replace(
        "headquarters: shelbyville\n", "headquarters: shelbyville\nfounded: 1950\n"))
    out = tmp_path / "out"
    build(site, out)
    made = rendered_paths(monkeypatch)
    (site / GLOBEX).write_text((site / GLOBEX).read_text().replace(
        "facts:\n  - text: Is Acme's rival.", "facts:\n  - text: Is Acme's only rival."))
    build(site, out)
    tables = {p for p in made if TABLE.match(p)}
    # Acme, first in title order, is on page 1; Globex on page 2, as the one of 1950.
    assert tables == {"companies/page/2/index.html", "companies/by/founded/1950/index.html"}
    made.clear()
    (site / GLOBEX).write_text((site / GLOBEX).read_text().replace("founded: 1950",
                                                                   "founded: 1947"))
    build(site, out)
    tables = {p for p in made if TABLE.match(p)}
    # 1950 has no records left (its pages go); 1947 has two; the values' page counts them.
    assert tables == {"companies/page/2/index.html", "companies/by/founded/index.html",
                      "companies/by/founded/1947/index.html",
                      "companies/by/founded/1947/page/2/index.html"}


def test_a_reworded_fact_leaves_the_pages_that_only_link_to_its_record(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """They show its title, which did not change; the timeline shows the fact itself."""
    out = tmp_path / "out"
    build(site, out)
    made = rendered_paths(monkeypatch)
    (site / ACME).write_text((site / ACME).read_text().replace("Opened a *new* factory.",
                                                               "Opened a *big* factory."))
    build(site, out)
    # Springfield's page links to Acme, based there; so do Globex's and the source's.
    for only_linking in ("cities/springfield/index.html", GLOBEX_PAGE,
                         "sources/gazette/index.html", "data/city.json", "data/source.json"):
        assert only_linking not in made
    assert {ACME_PAGE, "timeline/2021/index.html", "embed/companies/acme/1/index.html",
            "data/company.json"} <= set(made)
    assert "Opened a <em>big</em> factory." in (out / "timeline/2021/index.html").read_text()


@pytest.mark.parametrize("edits", [
    ["acme fact reworded", "globex about springfield", "acme renamed", "page size 1"],
    ["add initech", "acme becomes acme-inc", "remove initech", "acme-inc becomes acme"],
    ["facets", "globex second fact", "globex without facts", "no gazette", "gazette back"],
])
def test_a_dev_servers_rebuilds_from_memory_equal_clean_builds(
        site: Path, tmp_path: Path, edits: list[str]) -> None:
    """What each rebuild reuses of the one before (records, their hashes and their planned
    pages) gives the output of a build from nothing."""
    out, clean = tmp_path / "out", tmp_path / "clean"
    with mock.patch.object(memo, "SETTLED_NS", 0):
        result = build(site, out)
        for name in edits:
            apply_edit(site, name)
            try:
                result = build_site(site, out, options=Options(previous=result.cache,
                                                               save=False))
            except BuildFailed:
                continue
            build(site, clean, load=False, save=False)
            assert tree_bytes(out) == tree_bytes(clean), name


def test_a_dev_servers_rebuild_plans_again_only_the_pages_of_the_edited_record(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.render import pageset

    first = build(site, tmp_path / "out")
    planned: list[str] = []

    def counted(built: Any, key: str) -> Any:
        planned.append(key)
        return real(built, key)
    real = pageset.links_pages
    monkeypatch.setattr(pageset, "links_pages", counted)
    apply_edit(site, "acme fact reworded")
    with mock.patch.object(memo, "SETTLED_NS", 0):
        build_site(site, tmp_path / "out", options=Options(previous=first.cache, save=False))
    assert planned == ["company:acme"]
