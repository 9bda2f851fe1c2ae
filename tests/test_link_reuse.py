"""Linking reused from the last build: only the records an edit reaches are linked again,
and the site linked so equals the site linked from nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.build import check_site
from generator.errors import BuildFailed
from generator.link import link
from generator.link.link import Site
from generator.store.memo import RecordMemo
from generator.store.stale import record_hashes
from generator.store.state import BuildCache
from tests.conftest import copy_case, write_files
from tests.test_incremental import EDITS, RENAMES, apply_edit


def outcome(site_dir: Path, memo: RecordMemo | None) -> tuple[str, object]:
    """What checking the site found: the errors, or everything a page can show of it."""
    try:
        site = check_site(site_dir, memo=memo).site
    except BuildFailed as failed:
        return "failed", sorted(d.format() for d in failed.diagnostics)
    return "linked", shown(site)


def shown(site: Site) -> object:
    return (record_hashes(site), site.backlinks, site.quote_marks, site.fact_anchors,
            site.also_anchors, site.aliases, {t: [r.key for r in rs] for t, rs in
                                              site.by_type.items()})


@pytest.fixture
def resolved(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys of the records linked anew (not reused), in order."""
    keys: list[str] = []
    resolve = link._Linker.resolve

    def counted(self: link._Linker, record: link.Record) -> link.Record:
        keys.append(record.key)
        return resolve(self, record)
    monkeypatch.setattr(link._Linker, "resolve", counted)
    return keys


def checked_twice(site_dir: Path, edit: dict[str, str], resolved: list[str]) -> list[str]:
    """Check the site, edit it, check it again with the first check's memo: the records
    linked anew the second time."""
    first = BuildCache()
    check_site(site_dir, memo=RecordMemo(None, first))
    write_files(site_dir, edit)
    resolved.clear()
    check_site(site_dir, memo=RecordMemo(first, BuildCache()))
    return sorted(resolved)


def test_an_edited_record_alone_is_linked_again(tmp_path: Path, resolved: list[str]) -> None:
    site_dir = copy_case("basic", tmp_path)
    text = (site_dir / "content/companies/globex.yaml").read_text()
    again = checked_twice(site_dir, {"content/companies/globex.yaml":
                                     text.replace("Is Acme's rival.", "Is Acme's old rival.")},
                          resolved)
    assert again == ["company:globex"]


def test_a_new_record_relinks_only_the_records_that_asked_for_it(tmp_path: Path,
                                                                 resolved: list[str]) -> None:
    site_dir = copy_case("basic", tmp_path)
    # Acme's summary links to Globex only; nothing asked whether an Initech existed.
    again = checked_twice(site_dir, {"content/companies/initech.yaml": "name: Initech\n"},
                          resolved)
    assert again == ["company:initech"]


def test_a_source_whose_text_changed_relinks_the_records_that_quote_it(
        tmp_path: Path, resolved: list[str]) -> None:
    site_dir = copy_case("basic", tmp_path)
    text = (site_dir / "content/sources/gazette.yaml").read_text()
    again = checked_twice(site_dir, {"content/sources/gazette.yaml":
                                     text.replace("said nothing.", "said nothing at all.")},
                          resolved)
    assert again == ["company:acme", "company:globex", "source:gazette"]


def test_a_record_that_asked_for_a_removed_one_is_linked_again(
        tmp_path: Path, resolved: list[str]) -> None:
    site_dir = copy_case("basic", tmp_path)
    write_files(site_dir, {"content/companies/initech.yaml":
                           "name: Initech\nsummary: Like [Acme](company:acme).\n"})
    first = BuildCache()
    check_site(site_dir, memo=RecordMemo(None, first))
    (site_dir / "content/companies/acme.yaml").unlink()
    resolved.clear()
    with pytest.raises(BuildFailed) as failed:
        check_site(site_dir, memo=RecordMemo(first, BuildCache()))
    assert "company:initech" in resolved and "company:globex" in resolved
    assert any("unknown company 'acme'" in d.message for d in failed.value.diagnostics)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted({*EDITS, *RENAMES})), min_size=1, max_size=6))
@example(["add initech", "acme becomes acme-inc", "globex names acme's old slug",
          "acme-inc becomes acme", "remove initech"])
@example(["no gazette", "gazette grows", "gazette back", "acme cites twice"])
@example(["in two languages", "acme in spanish", "acme's spanish edited", "in one language"])
def test_linking_with_the_last_builds_memo_equals_linking_from_nothing(
        tmp_path: Path, edits: list[str]) -> None:
    root = tmp_path / f"run-{os.urandom(4).hex()}"
    site_dir = copy_case("basic", root)
    previous = BuildCache()
    check_site(site_dir, memo=RecordMemo(None, previous))
    for name in edits:
        apply_edit(site_dir, name)
        fresh = BuildCache()
        assert outcome(site_dir, RecordMemo(previous, fresh)) == outcome(site_dir, None), name
        previous = fresh
    shutil.rmtree(root)
