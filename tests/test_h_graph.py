"""Hardening, classes 3 and 4: references between records, output paths, and quotes.

Unknown and mistyped references, records pointing at themselves, bad slugs and two inputs
claiming one output path each end in exact diagnostics; a quote must be in its source's
text, compared after folding whitespace and typographic quotes and nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.link.quotes import find_quote, fold, fold_source
from generator.site.config import RESERVED_FOLDERS
from tests.conftest import tree_bytes
from tests.hardening import BuiltSite, built_basic_site, error_lines

ACME = "content/companies/acme.yaml"
GLOBEX = "content/companies/globex.yaml"
SPRINGFIELD = "content/cities/springfield.yaml"
GAZETTE_TEXT = ('Yesterday Acme opened a new factory in Springfield.\n\n'
                'Its rival "Globex" said nothing.\n')


@pytest.fixture
def built(tmp_path: Path) -> BuiltSite:
    return built_basic_site(tmp_path)


def _fact(quote: str = "Acme opened a new factory", source: str = "gazette",
          extra: str = "") -> str:
    return (f"name: Acme\nfacts:\n  - text: A fact.\n    source: {source}\n"
            f"    quote: {quote}\n{extra}")


# (file, content, "line:col", message)
BAD_REFERENCES = [
    (ACME, "name: A\nheadquarters: springfeld\n", "2:15",
     "unknown city 'springfeld' (did you mean 'springfield'?)"),
    (ACME, "name: A\nheadquarters: atlantis\n", "2:15", "unknown city 'atlantis'"),
    (ACME, "name: A\nheadquarters: globex\n", "2:15",
     "unknown city 'globex': 'globex' is a company, not a city"),
    (ACME, "name: A\nheadquarters: gazette\n", "2:15",
     "unknown city 'gazette': 'gazette' is a source, not a city"),
    (SPRINGFIELD, "name: S\ntwinned_with: [springfield]\n", "2:16",
     "'springfield' refers to this record itself"),
    (SPRINGFIELD, "name: S\ntwinned_with: [shelbyville, springfeld]\n", "2:29",
     "unknown city 'springfeld' (did you mean 'springfield'?)"),
    (SPRINGFIELD, "name: S\ntwinned_with:\n  - shelbyville\n  - acme\n", "4:5",
     "unknown city 'acme': 'acme' is a company, not a city"),
    (ACME, _fact(extra="    about: [springfeld]\n"), "6:13",
     "unknown record 'springfeld' (did you mean 'springfield'?)"),
    (ACME, _fact(extra="    about: [city:globex]\n"), "6:13",
     "unknown city 'globex': 'globex' is a company, not a city"),
    (ACME, _fact(extra="    about: [town:springfield]\n"), "6:13",
     "unknown type 'town' in 'town:springfield'"),
    (ACME, _fact(source="gazete"), "4:13",
     "unknown source 'gazete' (did you mean 'gazette'?)"),
    (ACME, _fact(source="globex"), "4:13",
     "unknown source 'globex': 'globex' is a company, not a source"),
    (ACME, _fact(source="springfield"), "4:13",
     "unknown source 'springfield': 'springfield' is a city, not a source"),
    (ACME, "name: A\nsummary: See [G](company:globx).\n", "2:18",
     "unknown company 'globx' (did you mean 'globex'?) in link 'company:globx'"),
    (ACME, "name: A\nsummary: See [S](company:springfield).\n", "2:18",
     "unknown company 'springfield': 'springfield' is a city, not a company in link "
     "'company:springfield'"),
    (ACME, "name: A\nsummary: See [S](town:springfield).\n", "2:18",
     "link to 'town:springfield' is not allowed: link to http(s), mailto, #fragment or a "
     "record as type:slug"),
    (ACME, _fact().replace("text: A fact.", "text: See [x](city:nowhere)."), "3:19",
     "unknown city 'nowhere' in link 'city:nowhere'"),
    # Written the way a fact's text is rendered (inline): an indented line is still a link.
    (ACME, _fact().replace("text: A fact.", "text: |2\n          [x](city:nowhere)"), "4:15",
     "unknown city 'nowhere' in link 'city:nowhere'"),
    # Slugs that differ from a real one only in case are not slugs at all.
    (ACME, "name: A\nheadquarters: Springfield\n", "2:15",
     "'headquarters' must be a slug: lowercase letters, digits and '-' (e.g. 'san-francisco'), "
     "not 'Springfield' (did you mean 'springfield', the slug of city 'Springfield'?)"),
    (SPRINGFIELD, "name: S\ntwinned_with: [SHELBYVILLE]\n", "2:16",
     "'twinned_with[0]' must be a slug: lowercase letters, digits and '-' (e.g. "
     "'san-francisco'), not 'SHELBYVILLE' (did you mean 'shelbyville', the slug of city "
     "'Shelbyville'?)"),
    (ACME, _fact(source="Gazette"), "4:13",
     "'facts[0].source' must be a slug: lowercase letters, digits and '-' (e.g. "
     "'san-francisco'), not 'Gazette' (did you mean 'gazette', the slug of source 'The "
     "Springfield Gazette, 5 March 2021'?)"),
    (ACME, _fact(extra="    about: [Globex]\n"), "6:13",
     "'facts[0].about[0]' must be a record slug, or type:slug (e.g. 'city:redmond'), not "
     "'Globex' (did you mean 'globex', the slug of company 'Globex'?)"),
    (ACME, "name: A\nheadquarters: ../springfield\n", "2:15",
     "'headquarters' must be a slug: lowercase letters, digits and '-' (e.g. 'san-francisco'), "
     "not '../springfield' (did you mean 'springfield', the slug of city 'Springfield'?)"),
    (ACME, "name: A\nheadquarters: ../atlantis\n", "2:15",
     "'headquarters' must be a slug: lowercase letters, digits and '-' (e.g. 'san-francisco'), "
     "not '../atlantis'"),
]


@pytest.mark.parametrize(("path", "content", "where", "message"), BAD_REFERENCES,
                         ids=[c[3][:50] for c in BAD_REFERENCES])
def test_bad_reference(built: BuiltSite, path: str, content: str, where: str,
                       message: str) -> None:
    err = built.refused({path: content})
    assert f"{path}:{where}: error: {message}" in error_lines(err)


def test_ambiguous_about_names_both_types(built: BuiltSite) -> None:
    err = built.refused({"content/cities/acme.yaml": "name: Acme City\n",
                         GLOBEX: _fact(extra="    about: [acme]\n").replace("name: Acme",
                                                                               "name: Globex")})
    assert error_lines(err) == [f"{GLOBEX}:6:13: error: 'acme' is ambiguous: write 'city:acme' "
                                "or 'company:acme'"]


def test_a_fact_about_its_own_record_is_fine(built: BuiltSite) -> None:
    built.write({ACME: _fact(extra="    about: [acme]\n")})
    assert built.build().code == 0


def test_a_reference_to_a_broken_record_is_not_reported_twice(built: BuiltSite) -> None:
    err = built.refused({"content/cities/springfield.yaml": "name: [\n"})
    assert [line.split(":")[0] for line in error_lines(err)] == [SPRINGFIELD]


@pytest.mark.parametrize(("name", "suggestion"), [
    ("Acme2", "acme2"), ("ACME", "acme-2"), ("acme corp", "acme-corp"), ("-acme", "acme-2"),
    ("acme-", "acme-2"), ("a--b", "a-b"), ("acme_corp", "acme-corp"), ("ácme", "acme-2"),
    ("acme.v2", "acme-v2"), ("a..b", "a-b"), ("con\x01trol", "con-trol"),
])
def test_file_names_that_are_not_slugs(built: BuiltSite, name: str, suggestion: str) -> None:
    path = f"content/companies/{name}.yaml"
    err = built.refused({path: "name: X\n"})
    shown = name.replace("\x01", "\\x01")
    taken = ", as 'acme' is taken" if suggestion == "acme-2" else ""  # acme.yaml is there
    assert error_lines(err) == [
        f"content/companies/{shown}.yaml:1:1: error: '{shown}' is not a valid slug: use "
        f"lowercase letters, digits and '-' (e.g. '{suggestion}.yaml'{taken})"]


@pytest.mark.parametrize("slug", ["timeline", "search", "data", "schema", "assets", "pagefind",
                                  "index", "feed", "sitemap", "robots", "404", "output"])
def test_records_named_like_fixed_pages_live_in_their_folder(built: BuiltSite, slug: str
                                                             ) -> None:
    built.write({f"content/companies/{slug}.yaml": f"name: '{slug}'\n"})
    outcome = built.build()
    assert outcome.code == 0, outcome.err
    assert (built.out / "companies" / slug / "index.html").is_file()
    for fixed in ("index.html", "404.html", "data/site.json"):
        assert (built.out / fixed).read_bytes() != b""


@pytest.mark.parametrize("folder", sorted(RESERVED_FOLDERS))
def test_type_folders_named_like_fixed_pages_are_refused(built: BuiltSite, folder: str) -> None:
    text = (built.site / "site.yaml").read_text().replace("folder: cities", f"folder: {folder}")
    err = built.refused({"site.yaml": text})
    assert error_lines(err) == [f"site.yaml:13:13: error: folder '{folder}' is reserved for "
                                "pages the generator writes; choose another"]


def test_two_types_in_one_folder_name_both(built: BuiltSite) -> None:
    text = (built.site / "site.yaml").read_text().replace("folder: cities", "folder: companies")
    err = built.refused({"site.yaml": text})
    assert error_lines(err) == ["site.yaml:13:13: error: folder 'companies' is already used by "
                                "type 'company'"]


def test_a_static_file_on_any_generated_path_names_both_inputs(built: BuiltSite) -> None:
    generated = sorted(p for p in built.before if not p.startswith(("assets/", "pagefind/"))
                       and not p.startswith("."))
    assert len(generated) >= 15
    err = built.refused({f"static/{p}": "shadow" for p in generated})
    errors = error_lines(err)
    for path in generated:
        claim = f"error: output path '{path}' is written by both "
        involved = [line for line in errors if claim in line]
        assert f"static/{path}" in involved[0], path
        origins = {line.split(":")[0] for line in involved}
        assert f"static/{path}" in origins and len(origins) == 2, (path, origins)


def test_record_page_and_static_file_collision_names_the_record(built: BuiltSite) -> None:
    err = built.refused({"static/companies/acme/index.html": "x"})
    claim = ("output path 'companies/acme/index.html' is written by both "
             "content/companies/acme.yaml and static/companies/acme/index.html")
    assert error_lines(err) == [f"{ACME}:1:1: error: {claim}",
                                f"static/companies/acme/index.html:1:1: error: {claim}"]


# Quotes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("quote", [
    "Acme opened a new factory",
    "'Acme   opened a\tnew factory'",
    '"Acme opened a\\nnew factory"',
    "|-\n      Acme opened\n      a new factory",
    "Its rival “Globex” said",
    "Its rival \"Globex\" said",
    "Its rival ″Globex″ said",
    "Its rival „Globex‟ said",
    "'  nothing.  '",
    "'factory in Springfield. Its rival'",
])
def test_quotes_found_after_folding_whitespace_and_typographic_quotes(built: BuiltSite,
                                                                      quote: str) -> None:
    built.write({ACME: _fact(quote=quote)})
    outcome = built.build()
    assert outcome.code == 0, outcome.err


@pytest.mark.parametrize(("quote", "hint"), [
    ("acme opened a new factory", " (it differs only in upper and lower case; the check is "
                                  "case-sensitive)"),
    ("Acme opened a new factory!", ""),
    ("Acme opened a brand new factory", ""),
    ("Acme opened a new-factory", ""),
    ("Acme opened a new factory in Springfield, Illinois",
     "; the two agree up to “...ew factory in Springfield”, then the source has "
     "“. Its rival \"Globex\" said...” and the quote “, Illinois”"),
    ("Acme opened a new factory in Springfield – its rival", ""),
    ("Yesterday Acme opened a new factory in Springfield…", ""),
    ("Acme opened a nеw factory", ""),  # a Cyrillic 'е'
    ("Acme opened a new factory in Springfield.Its rival", ""),
    ("Its rival `Globex` said", ""),
    ("Its rival «Globex» said", ""),
])
def test_quotes_that_differ_in_anything_else_are_errors(built: BuiltSite, quote: str,
                                                        hint: str) -> None:
    err = built.refused({ACME: _fact(quote=f"'{quote}'")})
    line = f"{ACME}:5:12: error: quote not found in the text of source 'gazette'"
    if hint:
        assert error_lines(err) == [line + hint]
    else:
        assert error_lines(err)[0].startswith(line)


def test_source_without_text(built: BuiltSite) -> None:
    err = built.refused({"content/sources/gazette.yaml": "title: The Gazette\n"})
    assert f"{ACME}:10:12: error: source 'gazette' has no 'text' to check the quote against; " \
           "add the source's text" in error_lines(err)
    assert len(error_lines(err)) == 2  # Acme's and Globex's quotes


def test_source_that_does_not_exist(built: BuiltSite) -> None:
    (built.site / "content/sources/gazette.yaml").unlink()
    err = built.refused()
    assert f"{ACME}:9:13: error: unknown source 'gazette'" in error_lines(err)
    assert f"{GLOBEX}:5:13: error: unknown source 'gazette'" in error_lines(err)


def test_source_whose_file_is_broken_is_reported_once(built: BuiltSite) -> None:
    err = built.refused({"content/sources/gazette.yaml": b"title: \xff\n"})
    assert [line.split(":")[0] for line in error_lines(err)] == ["content/sources/gazette.yaml"]


def test_no_source_type_declared(built: BuiltSite) -> None:
    text = (built.site / "site.yaml").read_text().split("  source:")[0]
    (built.site / "content/sources/gazette.yaml").unlink()
    (built.site / "content/sources").rmdir()
    err = built.refused({"site.yaml": text})
    assert f"{ACME}:9:13: error: facts cite records of type 'source', which site.yaml does " \
           "not declare" in error_lines(err)


def test_a_quoted_passage_is_marked_on_the_source_page(built: BuiltSite) -> None:
    built.write({ACME: _fact(quote="'a   new\tfactory'")})
    assert built.build().code == 0
    page = tree_bytes(built.out)["sources/gazette/index.html"].decode()
    assert re.search(r"<mark[^>]*>a new factory</mark>", page)


# Property: whatever the text, folding finds every passage and nothing else ---------------

_WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
                 min_size=1, max_size=8)
_SPACES = st.sampled_from([" ", "  ", "\n", "\t", " \n ", "\u00a0", "\r\n"])
_QUOTE_FORMS = {'"': "\u201c\u201d\u201e\u201f\u2033", "'": "\u2018\u2019\u201a\u201b\u2032"}


@st.composite
def _text_and_passage(draw: st.DrawFn) -> tuple[str, int, int]:
    words = draw(st.lists(_WORDS, min_size=2, max_size=30))
    text = "".join(w + draw(_SPACES) for w in words)
    start = draw(st.integers(0, len(words) - 1))
    end = draw(st.integers(start + 1, len(words)))
    return text, start, end


def _respace_and_requote(draw: st.DrawFn, words: list[str]) -> str:
    out = []
    for word in words:
        chars = [draw(st.sampled_from(_QUOTE_FORMS[c])) if c in _QUOTE_FORMS
                 and draw(st.booleans()) else c for c in word]
        out.append("".join(chars))
    return "".join(w + draw(_SPACES) for w in out)


@settings(max_examples=150, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), _text_and_passage())
@example(None, ("Its rival \"Globex\" said nothing. ", 1, 3))
def test_property_any_passage_is_found_however_it_is_spaced_and_quoted(
        data: st.DataObject | None, case: tuple[str, int, int]) -> None:
    text, start, end = case
    words = text.split()
    passage = words[start:end]
    quote = " ".join(passage) if data is None else _respace_and_requote(data.draw, passage)
    found = find_quote("source:s", fold_source(text), quote)
    assert not isinstance(found, str), found
    begin, finish = found
    assert fold(text[begin:finish]) == fold(quote)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(_text_and_passage(), st.integers(0, 10_000), st.characters(codec="utf-8",
                                                                 exclude_categories=("Cs",)))
def test_property_a_changed_character_is_not_folded_away(case: tuple[str, int, int], at: int,
                                                         new: str) -> None:
    text, start, end = case
    quote = " ".join(text.split()[start:end])
    at %= len(quote)
    changed = quote[:at] + new + quote[at + 1:]
    space_for_space = quote[at].isspace() and (
        unicodedata.category(new).startswith("Z") or new.isspace())
    same_after_folding = fold(changed) == fold(quote) or space_for_space
    found = find_quote("source:s", fold_source(text), changed)
    if same_after_folding:
        assert not isinstance(found, str)
    elif fold(changed) not in fold(text):
        assert isinstance(found, str) and found.startswith("quote not found")
