"""The theme's words in the site's language: the shipped catalogs, a site's own, and pages
with no English word of the theme left when the site is in another language."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator.site.catalogs import THEME_MESSAGES, shipped_languages
from tests.conftest import copy_case, copy_default_site, tree_bytes, write_files
from tests.hardening import error_lines, run_cli
from tests.listsite import write_list_site
from tests.messages import TEMPLATE, extracted, pot_text

TRANSLATED = [language for language in shipped_languages() if language != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def test_messages_pot_holds_every_string_of_the_theme() -> None:
    assert TEMPLATE.read_bytes() == pot_text(extracted()), \
        "the theme's strings changed: run `make messages`, then translate the new ones"


def test_the_theme_ships_english_spanish_french_and_german() -> None:
    assert {"en", "es", "fr", "de"} <= set(shipped_languages())


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_shipped_catalog_translates_every_string(language: str) -> None:
    with (THEME_MESSAGES / f"{language}.po").open("rb") as file:
        catalog = read_po(file, locale=language)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted() if m.id}
    untranslated = sorted(m.id for m in catalog if m.id and (
        m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,))))
    assert not untranslated, f"{language}.po lacks: {untranslated}"
    assert wanted <= {m.id if isinstance(m.id, str) else m.id[0] for m in catalog}
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems  # placeholders as in the English, one form per plural


class _Text(HTMLParser):
    """The words a reader (or a screen reader) meets on a page: text and labelling attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        self.words += [v for k, v in attrs if v and k in (
            "aria-label", "title", "placeholder", "alt", "content", "data-messages")]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.words.append(data)


def _english_phrases() -> list[str]:
    """The fixed parts of the theme's English strings worth looking for: two words or more."""
    phrases = set()
    for message in extracted():
        for text in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for chunk in PLACEHOLDER.split(text):
                chunk = chunk.strip(" .,:;()–·")
                if len(chunk.split()) >= 2:
                    phrases.add(chunk)
    return sorted(phrases)


def _spanish(site: Path) -> Path:
    config = site / "site.yaml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^language: .*\n", "", text)
    config.write_text("language: es\n" + text, encoding="utf-8")
    return site


class SpanishPages(dict[str, str]):
    """Every HTML and XML file of the Spanish builds, by "<site number>/<path>"; and the
    words their own site.yaml files say (`own`)."""

    own = ""


@pytest.fixture(scope="module")
def spanish_pages(tmp_path_factory: pytest.TempPathFactory) -> SpanishPages:
    root = tmp_path_factory.mktemp("es")
    (root / "default").mkdir()
    sites = [copy_default_site(root / "default"), copy_case("trust", root),
             write_list_site(root / "list" / "site", 95, 120)]
    pages = SpanishPages()
    for n, site in enumerate(sites):
        out = root / f"out{n}"
        outcome = run_cli("build", "--site", _spanish(site), "--out", out, "--quiet",
                          "--base-url", "https://example.org/")
        assert outcome.code == 0, outcome.err
        pages |= {f"{n}/{path}": data.decode() for path, data in tree_bytes(out).items()
                  if path.endswith((".html", ".xml")) and not path.startswith("pagefind")}
        pages.own += (site / "site.yaml").read_text(encoding="utf-8")
    return pages


def test_a_spanish_site_has_no_english_word_of_the_theme(spanish_pages: SpanishPages) -> None:
    # What the sites' own site.yaml says is theirs to translate, even where a theme string
    # is the same words (the trust site labels its archive_url field "Archived copy").
    phrases = [p for p in _english_phrases() if p not in spanish_pages.own]
    assert len(phrases) > 50
    left = {}
    for path, page in spanish_pages.items():
        reader = _Text()
        reader.feed(page)
        text = " ".join(" ".join(reader.words).split())
        found = [p for p in phrases if re.search(rf"\b{re.escape(p)}\b", text)]
        if found:
            left[path] = found
    assert not left


def test_a_spanish_site_says_so_and_writes_dates_and_numbers_in_spanish(
        spanish_pages: SpanishPages) -> None:
    home = spanish_pages["0/index.html"]
    assert '<html lang="es">' in home
    assert "11 de junio de 2020" in spanish_pages["0/companies/microsoft/index.html"]
    assert 'xml:lang="es"' in spanish_pages["0/feed.xml"]
    # Spanish files titles under Ñ, a letter of its own after N, in the A–Z jump.
    listing = spanish_pages["2/towns/index.html"]
    assert listing.index(">N<") < listing.index(">Ñ<") < listing.index(">O<")


def test_a_language_without_a_catalog_warns_once_and_keeps_its_dates(tmp_path: Path) -> None:
    site = copy_default_site(tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("language: en", "language: it"))
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert outcome.code == 0, outcome.err
    assert outcome.err.count("warning:") == 1
    assert "site.yaml:" in outcome.err and "no translation into 'it'" in outcome.err
    page = (tmp_path / "out/companies/microsoft/index.html").read_text()
    assert "11 giugno 2020" in page and "What links here" in page


def test_an_unknown_language_is_english_with_a_warning(tmp_path: Path) -> None:
    site = copy_default_site(tmp_path)
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("language: en", "language: qq"))
    outcome = run_cli("check", "--site", site)
    assert outcome.code == 0, outcome.err
    assert "'qq' is not a language that the CLDR knows" in outcome.err
    assert run_cli("check", "--site", site, "--strict").code == 1


SITE_PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Search"
msgstr "Buscador"

msgid "What links here"
msgstr ""
'''


def test_a_site_overrides_single_strings_of_the_theme(tmp_path: Path) -> None:
    site = _spanish(copy_default_site(tmp_path))
    write_files(site, {"templates/messages/es.po": SITE_PO})
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out", "--quiet")
    assert outcome.code == 0, outcome.err
    page = (tmp_path / "out/companies/microsoft/index.html").read_text()
    assert ">Buscador</a>" in page  # the site's word
    spanish = read_po(io.BytesIO((THEME_MESSAGES / "es.po").read_bytes()))
    assert spanish["What links here"].string in page  # an empty string keeps the theme's


def test_an_english_site_may_reword_the_theme(tmp_path: Path) -> None:
    site = copy_default_site(tmp_path)
    write_files(site, {"templates/messages/en.po": SITE_PO.replace("Buscador", "Find")})
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out", "--quiet")
    assert outcome.code == 0, outcome.err
    assert ">Find</a>" in (tmp_path / "out/index.html").read_text()


@pytest.mark.parametrize(("po", "line", "message"), [
    ('msgid "Search"\n', 1, "not a gettext catalog: missing msgstr for msgid 'Search'"),
    ('this is not a catalog\n', 1, "not a gettext catalog: Unknown or misformatted keyword"),
    (b'msgid "Search"\nmsgstr "\xff"\n', 1, "not UTF-8 text: invalid start byte"),
    ('msgid ""\nmsgstr ""\n\nmsgid "%(site)s: corrections"\nmsgstr "%(sitio)s: correcciones"\n',
     4, "the translation of '%(site)s: corrections' does not fit it: unknown named "
     "placeholder 'sitio'"),
    ('msgid "Timeline: %(year)s"\nmsgstr "Cronología: %(year)d"\n', 1,
     "the translation of 'Timeline: %(year)s' does not fit it: incompatible format for "
     "placeholder 'year': 'd' and 's' are not compatible")])
def test_a_broken_catalog_is_an_error_at_its_line_and_nothing_is_written(
        tmp_path: Path, po: str | bytes, line: int, message: str) -> None:
    site = _spanish(copy_default_site(tmp_path))
    write_files(site, {"templates/messages/es.po": po})
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert outcome.code == 1
    assert "Traceback" not in outcome.err
    [error] = error_lines(outcome.err)
    assert error == f"templates/messages/es.po:{line}:1: error: {message}"
    assert not (tmp_path / "out").exists()


def test_the_dev_servers_error_page_is_in_the_sites_language_around_english_errors(
        tmp_path: Path) -> None:
    from generator.errors import Diagnostic
    from generator.serve.app import error_page
    from generator.site.catalogs import load_catalog

    catalog, _ = load_catalog(tmp_path, "es", ("site.yaml", 1, 1))
    problem = Diagnostic("content/x.yaml", 1, 1, "unknown field 'nmae'")
    page = error_page([problem], catalog).decode()
    assert '<html lang="es">' in page and "No se pudo generar el sitio" in page
    assert '<pre class="build-errors" lang="en">' in page
    assert "content/x.yaml:1:1: error: unknown field &#x27;nmae&#x27;" in page
    assert "did not build" in error_page([problem]).decode()  # English by default
