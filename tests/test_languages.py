"""Multilingual sites (DESIGN §3, §5): texts per language, a tree per further language,
pages that link their translations, and errors for texts given per language where they
cannot be."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.build import Options, build_site
from generator.urls import SEARCH_BUNDLE
from tests.conftest import copy_case, tree_bytes, write_files
from tests.hardening import built_basic_site, error_lines, run_cli


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("multilingual")
    out = root / "out"
    outcome = run_cli("build", "--site", copy_case("multilingual", root), "--out", out, "-q")
    assert outcome.code == 0, outcome.err
    return out


def page(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def test_each_further_language_has_the_same_pages_in_its_tree(built: Path) -> None:
    shared = ("es/", "pagefind/", "assets/", "schema/", "sitemap", "robots.txt", "_redirects",
              ".factsheet-output", "404.html")
    default = {p for p in tree_bytes(built) if not p.startswith(shared)}
    assert default == set(tree_bytes(built / "es"))
    assert not (built / "es/assets").exists() and not (built / "es/pagefind").exists()


def test_a_page_is_in_its_language_and_falls_back_to_the_default(built: Path) -> None:
    english, spanish = page(built, "companies/microsoft/index.html"), page(
        built, "es/companies/microsoft/index.html")
    assert '<html lang="en">' in english and '<html lang="es">' in spanish
    assert "Announced that it will not sell" in english
    assert "Anunció que no venderá" in spanish and "Announced that" not in spanish
    assert "Is based in Redmond, Washington state." in spanish  # fact 3 is not translated
    # Quotes are never translated.
    assert spanish.count("The US multinational Microsoft") == english.count(
        "The US multinational Microsoft")
    assert ">Empresas</a>" in spanish  # site.yaml's words, from the site's es.po


def test_links_stay_in_the_language_and_shared_files_are_shared(built: Path) -> None:
    spanish = page(built, "es/companies/microsoft/index.html")
    assert 'href="../../cities/redmond/index.html"' in spanish  # es/cities/redmond/
    assert 'href="../../../assets/factsheet.css"' in spanish
    assert '<link rel="canonical" href="https://example.org/facts/es/companies/microsoft/">' \
        in spanish


def test_every_page_links_its_translations(built: Path) -> None:
    for path in ("companies/microsoft/index.html", "index.html", "timeline/index.html",
                 "companies/by/headquarters/index.html"):
        for tree in ("", "es/"):
            html = page(built, tree + path)
            links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"',
                                    html))
            assert links == {"en": f"https://example.org/facts/{path}".removesuffix(
                "index.html"), "es": f"https://example.org/facts/es/{path}".removesuffix(
                "index.html"), "x-default": f"https://example.org/facts/{path}".removesuffix(
                "index.html")}, (tree, path)
            assert 'hreflang="es" lang="es"' in html  # the language switch


def test_search_indexes_each_language(built: Path) -> None:
    entry = json.loads((built / SEARCH_BUNDLE / "pagefind-entry.json").read_text())
    assert set(entry["languages"]) == {"en", "es"}
    assert entry["languages"]["en"]["page_count"] == entry["languages"]["es"]["page_count"]


def test_lists_follow_the_language(built: Path) -> None:
    sitemap = page(built, "sitemap.xml")
    assert "https://example.org/facts/es/companies/microsoft/" in sitemap
    assert 'xml:lang="es"' in page(built, "es/feed.xml")


def test_check_strict_lists_what_is_untranslated(tmp_path: Path) -> None:
    site = copy_case("multilingual", tmp_path)
    assert run_cli("check", "--site", site).code == 0
    outcome = run_cli("check", "--site", site, "--strict")
    assert outcome.code == 1
    assert "content/companies/microsoft.yaml:30:11: error: fact 3 has no es text; those " \
        "pages show the en text" in error_lines(outcome.err)


MULTI = "languages: [en, es]\n"


@pytest.mark.parametrize(("languages", "record", "where", "message"), [
    ("", "name: Acme\nsummary:\n  en: Hello.\n  es: Hola.\n", (3, 3),
     "a text per language needs the site's languages: declare them in site.yaml "
     "(languages: [en, …]), or write one text"),
    (MULTI, "name: Acme\nsummary:\n  en: Hello.\n  fr: Bonjour.\n", (4, 3),
     "'fr' is not one of the site's languages (en, es)"),
    (MULTI, "name: Acme\nsummary:\n  en: Hello.\n  esp: Hola.\n", (4, 3),
     "'esp' is not one of the site's languages (en, es) (did you mean 'es'?)"),
    (MULTI, "name: Acme\nsummary:\n  es: Hola.\n", (3, 3),
     "no en text: the site's default language needs one, which the other languages fall "
     "back to"),
    (MULTI, "name: Acme\nsummary:\n  en: Hello.\n  es: ' '\n", (4, 7),
     "the es text must be non-empty text"),
    (MULTI, "name:\n  en: Acme\n  es: 3\n", (3, 7), "the es text must be non-empty text"),
    (MULTI, "name: Acme\nfacts:\n  - text: {en: Made it., es: Lo hizo., de: Tat es.}\n"
     "    source: gazette\n    quote: Acme opened a new factory\n", (3, 40),
     "'de' is not one of the site's languages (en, es)"),
])
def test_a_text_per_language_where_it_cannot_be_is_an_error_at_its_line(
        tmp_path: Path, languages: str, record: str, where: tuple[int, int],
        message: str) -> None:
    site = built_basic_site(tmp_path)
    config = site.site / "site.yaml"
    config.write_text(languages + config.read_text(encoding="utf-8"), encoding="utf-8")
    err = site.refused({"content/companies/acme.yaml": record})
    assert f"content/companies/acme.yaml:{where[0]}:{where[1]}: error: {message}" in \
        error_lines(err), err


def test_a_source_text_is_never_translated(tmp_path: Path) -> None:
    site = built_basic_site(tmp_path)
    config = site.site / "site.yaml"
    config.write_text(MULTI + config.read_text(encoding="utf-8"), encoding="utf-8")
    err = site.refused({"content/sources/gazette.yaml":
                        "title: Gazette\ntext:\n  en: Acme opened a new factory.\n"
                        "  es: Acme abrió una fábrica.\n"})
    assert "content/sources/gazette.yaml:3:3: error: a source's text is never translated: " \
        "quotes are checked against it, so it stays in the source's language; write it once" \
        in error_lines(err)


def test_language_and_languages_must_agree(tmp_path: Path) -> None:
    site = built_basic_site(tmp_path)
    config = site.site / "site.yaml"
    config.write_text("language: es\n" + MULTI + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    err = site.refused()
    assert error_lines(err) == ["site.yaml:1:11: error: language is 'es' but the first of "
                                "languages is 'en'; the first of languages is the site's "
                                "default language: drop language, or make them agree"]


def test_an_edit_to_one_language_rebuilds_as_a_clean_build_would(tmp_path: Path) -> None:
    site = copy_case("multilingual", tmp_path)
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "-q").code == 0
    record = site / "content/companies/ibm.yaml"
    record.write_text(record.read_text().replace("Gigante tecnológico", "Gran empresa"))
    outcome = run_cli("build", "--site", site, "--out", out)
    assert outcome.code == 0 and "Only what changed was redone" in outcome.err
    clean = tmp_path / "clean"
    build_site(site, clean, options=Options(load=False, save=False))
    assert tree_bytes(out) == tree_bytes(clean)
    assert "Gran empresa" in page(out, "es/companies/ibm/index.html")
    assert "Gran empresa" not in page(out, "companies/ibm/index.html")


def test_the_translations_sort_and_file_by_their_own_titles(tmp_path: Path) -> None:
    site = copy_case("multilingual", tmp_path)
    write_files(site, {"content/cities/avila.yaml": "name:\n  en: Avila\n  es: Ávila\n",
                       "content/cities/nunoa.yaml": "name:\n  en: Nunoa\n  es: Ñuñoa\n",
                       "content/cities/oviedo.yaml": "name: Oviedo\n"})
    out = tmp_path / "out"
    assert run_cli("build", "--site", site, "--out", out, "-q").code == 0
    spanish = "".join(page(out, p) for p in ("es/cities/index.html",
                                             "es/cities/page/2/index.html",
                                             "es/cities/page/3/index.html"))
    titles = re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', spanish)
    assert titles == sorted(titles, key=lambda t: ["Ávila", "Minneapolis", "Ñuñoa",
                                                    "Oviedo", "Redmond"].index(t))
    assert 'id="letter-ñ"' in spanish
