"""Linking: refs resolved, backlinks grouped by inverse label, quotes placed, problems found."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import check_site
from generator.errors import BuildFailed
from generator.link.link import (
    ABOUT_LABEL,
    CITED_LABEL,
    MENTION_LABEL,
    Backlink,
    BacklinkGroup,
    Site,
)
from tests.conftest import copy_case


def linked(tmp_path: Path, **changes: str) -> Site:
    site_dir = copy_case("basic", tmp_path)
    for rel, text in changes.items():
        path = site_dir / rel.replace("__yaml", ".yaml").replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return check_site(site_dir).site


def errors(tmp_path: Path, **changes: str) -> list[str]:
    with pytest.raises(BuildFailed) as failed:
        linked(tmp_path, **changes)
    return [f"{d.path}:{d.line}:{d.col}: {d.message}" for d in failed.value.diagnostics]


def test_backlinks_are_grouped_by_inverse_label(tmp_path: Path) -> None:
    site = linked(tmp_path)
    assert site.backlinks["city:springfield"] == (
        BacklinkGroup("Companies based here", (Backlink("company:acme"),)),)
    assert site.backlinks["city:shelbyville"] == (
        BacklinkGroup("Companies based here", (Backlink("company:globex"),)),
        BacklinkGroup("Cities", (Backlink("city:springfield"),)),  # no inverse: the plural
    )


def test_facts_about_mentions_and_citations_are_backlinks(tmp_path: Path) -> None:
    site = linked(tmp_path)
    assert site.backlinks["company:acme"] == (
        BacklinkGroup(ABOUT_LABEL, (Backlink("company:globex", 1),)),)
    assert site.backlinks["company:globex"] == (
        BacklinkGroup(MENTION_LABEL, (Backlink("company:acme"),)),)
    assert site.backlinks["source:gazette"] == (
        BacklinkGroup(CITED_LABEL, (Backlink("company:acme", 1), Backlink("company:globex", 1))),)


def test_records_are_listed_by_title(tmp_path: Path) -> None:
    site = linked(tmp_path, **{"content__companies__zzz.yaml": "name: aardvark\n"})
    assert [r.title for r in site.by_type["company"]] == ["aardvark", "Acme Corporation", "Globex"]


def test_about_accepts_type_slug_and_refuses_ambiguous_slugs(tmp_path: Path) -> None:
    fact = ("facts:\n  - text: t\n    source: gazette\n    quote: Acme opened\n"
            "    about: [{}]\n")
    twin = {"content__cities__globex.yaml": "name: Globex town\n"}
    site = linked(tmp_path, **twin, content__cities__x__yaml="name: X\n" + fact.format(
        "company:globex"))
    assert site.records["city:x"].facts[0].about == ("company:globex",)
    assert errors(tmp_path / "2", **twin, content__cities__x__yaml="name: X\n" + fact.format(
        "globex")) == ["content/cities/x.yaml:6:13: 'globex' is ambiguous: write 'city:globex' or "
                       "'company:globex'"]


def test_a_record_may_not_refer_to_itself(tmp_path: Path) -> None:
    assert errors(tmp_path, **{"content__cities__springfield.yaml":
                               "name: Springfield\ntwinned_with: [springfield]\n"}) == [
        "content/cities/springfield.yaml:2:16: 'springfield' refers to this record itself"]


def test_a_ref_to_a_broken_record_is_not_reported_twice(tmp_path: Path) -> None:
    assert errors(tmp_path, **{"content__cities__springfield.yaml": "name: [not, text]\n"}) == [
        "content/cities/springfield.yaml:1:7: 'name' must be text, not a list"]


def test_record_links_in_markdown_must_exist(tmp_path: Path) -> None:
    assert errors(tmp_path, **{"content__companies__globex.yaml":
                               "name: G\nsummary: Unlike [Acme](company:acme-corp).\n"}) == [
        "content/companies/globex.yaml:2:24: unknown company 'acme-corp' (did you mean 'acme'?) "
        "in link 'company:acme-corp'"]


def test_quotes_are_marked_in_their_source(tmp_path: Path) -> None:
    site = linked(tmp_path)
    text = site.records["source:gazette"].fields["text"]
    marks = site.quote_marks["source:gazette"]
    assert [text[m.start:m.end] for m in marks] == ["Acme opened a new factory",
                                                    'Its rival "Globex" said']
    assert site.fact_anchors[("company:acme", 1)] == "quote-company-acme-1"
