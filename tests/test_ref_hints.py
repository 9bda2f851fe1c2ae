"""A ref written as its record's title gets the slug to write: `country: Germany` -> 'germany'.

Every place a ref is written (a `ref` field, a `refs` list, a fact's `source`, an `about`
item), titles that differ in case, spaces, punctuation and accents, several records with
one title, titles of the wrong type, and values that are slugs already (link stage).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check.refhints import RawTitle, TitleIndex, title_key
from generator.urls import suggest_slug
from tests.conftest import write_files
from tests.hardening import error_lines, run_cli

SITE = """\
title: Hints
types:
  country:
    folder: countries
    fields:
      name: {type: text, required: true}
  city:
    folder: cities
    fields:
      name: {type: text, required: true}
      country: {type: ref, to: country}
      twins: {type: refs, to: city}
  source:
    folder: sources
    fields:
      title: {type: text, required: true}
      text: {type: text}
"""
RECORDS = {
    "countries/germany": "Germany",
    "countries/united-states": "United States",
    "countries/cote-d-ivoire": "Côte d’Ivoire",
    "countries/turkiye": "Türkiye",
    "countries/georgia": "Georgia",
    "countries/hellas": "Ελλάδα",
    "cities/georgia": "Georgia",
    "cities/sao-paulo": "São Paulo",
    "cities/springfield-il": "Springfield",
    "cities/springfield-ma": "Springfield",
    "cities/berlin": "Berlin",
    "cities/muenchen": "München",
    "cities/moskva": "Москва",
    "cities/testville": "Testville",
}
GAZETTE = "The Springfield Gazette, 5 March 2021"
FACT = "facts:\n  - text: A fact.\n    source: {source}\n    quote: Yesterday\n    about: {about}\n"


def hint(slug: str, kind: str, title: str) -> str:
    return f" (did you mean '{slug}', the slug of {kind} '{title}'?)"


def messages(tmp_path: Path, record: str) -> list[str]:
    """The error messages of `factsheet check` on the site with cities/testville.yaml as given."""
    files = {f"content/{path}.yaml": f"name: {title}\n" for path, title in RECORDS.items()}
    files["site.yaml"] = SITE
    files["content/sources/gazette.yaml"] = f"title: {GAZETTE}\ntext: Yesterday, it rained.\n"
    files["content/cities/testville.yaml"] = "name: Testville\n" + record
    outcome = run_cli("check", "--site", write_files(tmp_path / "site", files))
    assert outcome.code == 1, outcome.err
    assert "Traceback" not in outcome.err
    return [line.split(": error: ", 1)[1] for line in error_lines(outcome.err)]


REF = "'country' must be a slug: lowercase letters, digits and '-' (e.g. 'san-francisco'), not "


@pytest.mark.parametrize(("written", "slug", "title"), [
    ("Germany", "germany", "Germany"),
    ("GERMANY", "germany", "Germany"),
    ("United States", "united-states", "United States"),
    ("united states", "united-states", "United States"),
    ("'United   States'", "united-states", "United States"),
    ("' United States '", "united-states", "United States"),
    ("United-States", "united-states", "United States"),
    ("United_States", "united-states", "United States"),
    ("Côte d’Ivoire", "cote-d-ivoire", "Côte d’Ivoire"),
    ("Côte d'Ivoire", "cote-d-ivoire", "Côte d’Ivoire"),
    ("Cote d'Ivoire", "cote-d-ivoire", "Côte d’Ivoire"),
    ("cote d ivoire", "cote-d-ivoire", "Côte d’Ivoire"),
    ("Türkiye", "turkiye", "Türkiye"),
    ("Turkiye", "turkiye", "Türkiye"),
    ("TÜRKIYE", "turkiye", "Türkiye"),
    ("Ελλάδα", "hellas", "Ελλάδα"),
    ("ελλάδα", "hellas", "Ελλάδα"),
    ("Ellada", "hellas", "Ελλάδα"),
    ("Georgia", "georgia", "Georgia"),  # a city has the title too, but the field is a country
    ("Germany!", "germany", "Germany"),
    ("G e r m a n y", "germany", "Germany"),
])
def test_a_ref_field_written_as_a_title(tmp_path: Path, written: str, slug: str,
                                        title: str) -> None:
    shown = written.strip("'")
    assert messages(tmp_path, f"country: {written}\n") == [
        f"{REF}'{shown}'{hint(slug, 'country', title)}"]


def test_a_title_written_in_decomposed_unicode(tmp_path: Path) -> None:
    written = unicodedata.normalize("NFD", "Côte d’Ivoire")
    assert messages(tmp_path, f"country: {written}\n") == [
        f"{REF}'{written}'{hint('cote-d-ivoire', 'country', 'Côte d’Ivoire')}"]


@pytest.mark.parametrize("written", ["São Paulo", "Springfield", "Atlantis", "New Germany",
                                     "Testville"])
def test_no_hint_names_a_record_of_another_type_or_none(tmp_path: Path, written: str) -> None:
    assert messages(tmp_path, f"country: '{written}'\n") == [f"{REF}'{written}'"]


@pytest.mark.parametrize("written", ["country:Berlin", "Atlantis", "city:Germany"])
def test_no_hint_for_an_about_item_of_no_title_of_its_type(tmp_path: Path, written: str) -> None:
    assert messages(tmp_path, FACT.format(source="gazette", about=f"['{written}']")) == [
        f"{ABOUT} '{written}'"]


def test_a_record_is_not_suggested_to_itself(tmp_path: Path) -> None:
    assert messages(tmp_path, "twins: [Testville]\n") == [
        "'twins[0]' must be a slug: lowercase letters, digits and '-' (e.g. 'san-francisco'), "
        "not 'Testville'"]


TWINS = "'twins[{i}]' must be a slug: lowercase letters, digits and '-' (e.g. 'san-francisco'), not"


@pytest.mark.parametrize(("written", "slug", "title"), [
    ("São Paulo", "sao-paulo", "São Paulo"),
    ("Sao Paulo", "sao-paulo", "São Paulo"),
    ("SAO PAULO", "sao-paulo", "São Paulo"),
    ("São  Paulo", "sao-paulo", "São Paulo"),
    ("Berlin", "berlin", "Berlin"),
    ("München", "muenchen", "München"),
    ("Munchen", "muenchen", "München"),
    ("Muenchen", "muenchen", "München"),  # the slug it would become is a city's
    ("Москва", "moskva", "Москва"),
    ("Moskva", "moskva", "Москва"),
    ("Georgia", "georgia", "Georgia"),
])
def test_an_item_of_a_refs_list_written_as_a_title(tmp_path: Path, written: str, slug: str,
                                                   title: str) -> None:
    assert messages(tmp_path, f"twins: [berlin, {written}]\n") == [
        f"{TWINS.format(i=1)} '{written}'{hint(slug, 'city', title)}"]


def test_every_item_written_as_a_title_gets_its_own_hint(tmp_path: Path) -> None:
    assert messages(tmp_path, "twins: [Berlin, sao-paulo, São Paulo]\n") == [
        f"{TWINS.format(i=0)} 'Berlin'{hint('berlin', 'city', 'Berlin')}",
        f"{TWINS.format(i=2)} 'São Paulo'{hint('sao-paulo', 'city', 'São Paulo')}"]


def test_several_records_with_the_title_are_all_named(tmp_path: Path) -> None:
    assert messages(tmp_path, "twins: [Springfield]\n") == [
        f"{TWINS.format(i=0)} 'Springfield' (did you mean 'springfield-il' or 'springfield-ma'? "
        "each is the slug of a record with that title)"]


@pytest.mark.parametrize(("written", "suggested"), [
    ("Berlin", "[berlin], the slug of city 'Berlin'"),
    ("berlin", "[berlin], the slug of city 'Berlin'"),
    ("São Paulo", "[sao-paulo], the slug of city 'São Paulo'"),
])
def test_a_refs_field_given_one_value_is_answered_with_a_list(tmp_path: Path, written: str,
                                                              suggested: str) -> None:
    assert messages(tmp_path, f"twins: {written}\n") == [
        f"'twins' must be a list, not '{written}' (did you mean {suggested}?)"]


SOURCE = "'facts[0].source' must be a slug: lowercase letters, digits and '-' (e.g. " \
         "'san-francisco'), not"


@pytest.mark.parametrize("written", [GAZETTE, GAZETTE.lower(), GAZETTE.upper(),
                                     "The Springfield Gazette 5 March 2021",
                                     "'The  Springfield Gazette, 5 March 2021'"])
def test_a_fact_source_written_as_the_source_title(tmp_path: Path, written: str) -> None:
    shown = written.strip("'")
    assert messages(tmp_path, FACT.format(source=written, about="[berlin]")) == [
        f"{SOURCE} '{shown}'{hint('gazette', 'source', GAZETTE)}"]


ABOUT = "'facts[0].about[0]' must be a record slug, or type:slug (e.g. 'city:redmond'), not"


@pytest.mark.parametrize(("written", "suggested"), [
    ("Germany", "'germany', the slug of country 'Germany'?"),
    ("São Paulo", "'sao-paulo', the slug of city 'São Paulo'?"),
    ("city:São Paulo", "'city:sao-paulo', the slug of city 'São Paulo'?"),
    ("city:Berlin", "'city:berlin', the slug of city 'Berlin'?"),
    ("country:Georgia", "'country:georgia', the slug of country 'Georgia'?"),
    # Two types have the slug, so a bare one would be ambiguous.
    ("Georgia", "'city:georgia' or 'country:georgia'? each is the slug of a record with that "
                "title"),
])
def test_an_about_item_written_as_a_title(tmp_path: Path, written: str, suggested: str) -> None:
    assert messages(tmp_path, FACT.format(source="gazette", about=f"['{written}']")) == [
        f"{ABOUT} '{written}' (did you mean {suggested})"]


@pytest.mark.parametrize(("record", "message"), [
    ("country: unitedstates\n", "unknown country 'unitedstates'"
                                + hint("united-states", "country", "United States")),
    ("country: turkiye-republic\n",  # no title is near: the nearest slug, as before
     "unknown country 'turkiye-republic' (did you mean 'turkiye'?)"),
    ("country: atlantis\n", "unknown country 'atlantis'"),
    ("twins: [saopaulo]\n", "unknown city 'saopaulo'" + hint("sao-paulo", "city", "São Paulo")),
    (FACT.format(source="gazette", about="[saopaulo]"),
     "unknown record 'saopaulo'" + hint("sao-paulo", "city", "São Paulo")),
    (FACT.format(source="springfieldgazette5march2021", about="[berlin]"),
     "unknown source 'springfieldgazette5march2021'"),
    (FACT.format(source="thespringfieldgazette5march2021", about="[berlin]"),
     "unknown source 'thespringfieldgazette5march2021'" + hint("gazette", "source", GAZETTE)),
])
def test_a_slug_that_is_a_title_run_together_is_hinted_when_linking(
        tmp_path: Path, record: str, message: str) -> None:
    assert messages(tmp_path, record) == [message]


def test_a_slug_typo_still_gets_the_nearest_slug(tmp_path: Path) -> None:
    assert messages(tmp_path, "country: germani\n") == [
        "unknown country 'germani' (did you mean 'germany'?)"]


def test_the_hint_follows_a_title_changed_in_another_file(tmp_path: Path) -> None:
    # validate_records is memoised per file; the hint must not be the cached one.
    site = tmp_path / "site"
    messages(tmp_path, "country: Deutschland\n")
    write_files(site, {"content/countries/germany.yaml": "name: Deutschland\n"})
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert error_lines(outcome.err)[0].endswith(hint("germany", "country", "Deutschland"))
    write_files(site, {"content/countries/germany.yaml": "name: Germany\n"})
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert error_lines(outcome.err)[0].endswith("not 'Deutschland'")


_WRITINGS = st.sampled_from([str.upper, str.lower, str.title, lambda t: f"  {t}  ",
                             lambda t: t.replace(" ", "   "),
                             lambda t: unicodedata.normalize("NFD", t),
                             lambda t: unicodedata.normalize("NFC", t)])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=8), st.data())
def test_property_a_title_however_written_finds_its_record(titles: list[str],
                                                           data: st.DataObject) -> None:
    records = [RawTitle("city", suggest_slug(t, {f"x{i}"}) + f"-{i}", t.strip())
               for i, t in enumerate(titles) if t.strip()]
    index = TitleIndex(records)
    for record in records:
        written = data.draw(_WRITINGS)(record.title)
        found = index.matches(written, "city")
        if title_key(record.title) and title_key(written) == title_key(record.title):
            assert record in found
        assert all(r.type == "city" for r in found)
        assert index.matches(written, "country") == []
