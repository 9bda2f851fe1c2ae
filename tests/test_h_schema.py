"""Hardening, class 2: values that do not match their type, reported exactly where they are.

Every case is a whole build over a site built once before: exit 1, the exact diagnostic,
the old output untouched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening import BuiltSite, built_basic_site, error_lines

ACME = "content/companies/acme.yaml"
CITY = "content/cities/springfield.yaml"
SOURCE = "content/sources/gazette.yaml"
FACT = ("facts:\n  - text: Opened a factory.\n    source: gazette\n"
        "    quote: Acme opened a new factory\n")


@pytest.fixture
def built(tmp_path: Path) -> BuiltSite:
    return built_basic_site(tmp_path)


def _acme(extra: str) -> str:
    return "name: Acme\n" + extra + "\n"


# (file, content, "line:col", message): one wrong value per case.
WRONG_VALUES = [
    # top-level fields of every type
    (ACME, "name: [Acme]\n", "1:7", "'name' must be text, not a list"),
    (ACME, "name: {a: 1}\n", "1:7", "'name' must be text, not a mapping"),
    (ACME, "name: 12\n", "1:7", "'name' must be text, not the number 12 (put it in quotes to "
                                "make it text)"),
    (ACME, _acme("founded: nineteen"), "2:10", "'founded' must be a whole number, not "
                                               "'nineteen'"),
    (ACME, _acme("founded: [1947]"), "2:10", "'founded' must be a whole number, not a list"),
    (ACME, _acme("founded: 0"), "2:10", "'founded' must be at least 1, not the number 0"),
    (ACME, _acme("founded: 10000"), "2:10", "'founded' must be at most 9999, not the number "
                                            "10000"),
    (ACME, _acme("founded: true"), "2:10", "'founded' must be a whole number, not the boolean "
                                           "true"),
    (ACME, _acme("headquarters: [springfield]"), "2:15", "'headquarters' must be the slug of a "
                                                         "record, such as 'san-francisco', not a "
                                                         "list"),
    (ACME, _acme("summary: {a: b}"), "2:10", "'summary' must be text, not a mapping"),
    (CITY, "name: S\npopulation: 1.5\n", "2:13", "'population' must be a whole number, not "
                                                 "the number 1.5"),
    (CITY, "name: S\npopulation: '30720'\n", "2:13", "'population' must be a whole number, "
                                                     "not '30720' (drop the quotes to make it "
                                                     "a number)"),
    (CITY, "name: S\ntwinned_with: shelbyville\n", "2:15", "'twinned_with' must be a list, not "
                                                           "'shelbyville' (did you mean "
                                                           "[shelbyville], the slug of city "
                                                           "'Shelbyville'?)"),
    (CITY, "name: S\ntwinned_with: {a: b}\n", "2:15", "'twinned_with' must be a list, not a "
                                                      "mapping"),
    # inside lists
    (CITY, "name: S\ntwinned_with: [shelbyville, 7]\n", "2:29",
     "'twinned_with[1]' must be the slug of a record, such as 'san-francisco', not the "
     "number 7"),
    (CITY, "name: S\ntwinned_with:\n  - shelbyville\n  - [x]\n", "4:5",
     "'twinned_with[1]' must be the slug of a record, such as 'san-francisco', not a list"),
    (CITY, "name: S\ntwinned_with: [shelbyville, shelbyville]\n", "2:15",
     "'twinned_with' lists the same value more than once"),
    # inside facts
    (ACME, _acme("facts: yes"), "2:8", "'facts' must be a list, not 'yes'"),
    (ACME, _acme("facts: {text: x}"), "2:8", "'facts' must be a list, not a mapping"),
    (ACME, _acme("facts: [just text]"), "2:9", "'facts[0]' must be a mapping of keys to values, "
                                               "not 'just text'"),
    (ACME, _acme(FACT + "    date: 2021-13-01"), "6:11", "'facts[0].date' must be a real date "
                                                         "written YYYY-MM-DD, YYYY-MM or YYYY, "
                                                         "not '2021-13-01'"),
    (ACME, _acme(FACT + "    about: acme"), "6:12", "'facts[0].about' must be a list, not "
                                                    "'acme'"),
    (ACME, _acme(FACT + "    about: [Springfield]"), "6:13",
     "'facts[0].about[0]' must be a record slug, or type:slug (e.g. 'city:redmond'), not "
     "'Springfield' (did you mean 'springfield', the slug of city 'Springfield'?)"),
    (ACME, _acme(FACT.replace("source: gazette", "source: [gazette]")), "4:13",
     "'facts[0].source' must be the slug of a record, such as 'san-francisco', not a list"),
    (ACME, _acme(FACT.replace("quote: Acme opened a new factory", "quote: 42")), "5:12",
     "'facts[0].quote' must be text, not the number 42 (put it in quotes to make it text)"),
    (ACME, _acme(FACT.replace("text: Opened a factory.", "text: {a: 1}")), "3:11",
     "'facts[0].text' must be text, not a mapping"),
    # missing required fields
    (ACME, "founded: 1947\n", "1:1", "missing required field 'name'"),
    (ACME, _acme("facts:\n  - text: x\n    quote: y"), "3:5", "missing required field "
                                                           "'source' in 'facts[0]'"),
    (ACME, _acme("facts:\n  - source: gazette\n    quote: y"), "3:5", "missing required field "
                                                                  "'text' in 'facts[0]'"),
    (ACME, _acme("facts:\n  - {text: x, source: gazette}"), "3:5", "missing required field "
                                                                "'quote' in 'facts[0]'"),
    (SOURCE, "date: 2021-03-05\n", "1:1", "missing required field 'title'"),
    # unknown fields, with and without a close match
    (ACME, _acme("nmae: Acme2"), "2:1", "unknown field 'nmae' (did you mean 'name'?)"),
    (ACME, _acme("headquarter: springfield"), "2:1", "unknown field 'headquarter' (did you mean "
                                                     "'headquarters'?)"),
    (ACME, _acme("colour: red"), "2:1", "unknown field 'colour'"),
    (ACME, _acme("fact:\n  - text: x"), "2:1", "unknown field 'fact' (did you mean 'facts'?)"),
    (ACME, _acme(FACT + "    qoute: y"), "6:5", "unknown field 'qoute' (did you mean 'quote'?)"),
    (ACME, _acme(FACT + "    abut: [acme]"), "6:5", "unknown field 'abut' (did you mean "
                                                   "'about'?)"),
    (ACME, _acme('"line\\nbreak": 1'), "2:1", "unknown field 'line\\nbreak'"),
    # dates
    (SOURCE, "title: T\ndate: 2020-02-30\n", "2:7", "'date' must be a real calendar date "
                                                    "written YYYY-MM-DD, not '2020-02-30'"),
    (SOURCE, "title: T\ndate: 2021-02-29\n", "2:7", "'date' must be a real calendar date "
                                                    "written YYYY-MM-DD, not '2021-02-29'"),
    (SOURCE, "title: T\ndate: 2020-00-10\n", "2:7", "'date' must be a real calendar date "
                                                    "written YYYY-MM-DD, not '2020-00-10'"),
    (SOURCE, "title: T\ndate: 2020-6-1\n", "2:7", "'date' must be a date written YYYY-MM-DD, "
                                                  "not '2020-6-1'"),
    (SOURCE, "title: T\ndate: 11/06/2020\n", "2:7", "'date' must be a date written YYYY-MM-DD, "
                                                    "not '11/06/2020'"),
    (SOURCE, "title: T\ndate: 2020\n", "2:7", "'date' must be a real calendar date written "
                                              "YYYY-MM-DD, not the number 2020"),
    (SOURCE, "title: T\ndate: '2020-06-11 '\n", "2:7", "'date' must be a date written "
                                                       "YYYY-MM-DD, not '2020-06-11 '"),
    (ACME, _acme(FACT + "    date: 2020-02-30"), "6:11", "'facts[0].date' must be a real date "
                                                         "written YYYY-MM-DD, YYYY-MM or YYYY, "
                                                         "not '2020-02-30'"),
    (ACME, _acme(FACT + "    date: 0"), "6:11", "'facts[0].date' must be at least 1, not the "
                                                "number 0"),
    # URLs
    (ACME, _acme("website: acme.example"), "2:10", "'website' must be an http:// or https:// "
                                                   "URL, not 'acme.example'"),
    (ACME, _acme("website: 'https://'"), "2:10", "'website' must be an http:// or https:// "
                                                 "URL, not 'https://'"),
    (ACME, _acme("website: https://acme example/"), "2:10", "'website' must be an http:// or "
                                                            "https:// URL, not 'https://acme "
                                                            "example/'"),
    (ACME, _acme("website: 'https://acme.example:99999/'"), "2:10",
     "'website' must be an http:// or https:// URL, not 'https://acme.example:99999/'"),
    (ACME, _acme("website: 'http://[::1'"), "2:10", "'website' must be an http:// or https:// "
                                                    "URL, not 'http://[::1'"),
    (ACME, _acme("website: 42"), "2:10", "'website' must be an http:// or https:// URL, not "
                                         "the number 42"),
    # empty strings where text is required
    (ACME, "name: ''\n", "1:7", "'name' must not be empty"),
    (ACME, "name: '   '\n", "1:7", "'name' must not be empty"),
    (ACME, 'name: "\\t\\n"\n', "1:7", "'name' must not be empty"),
    (ACME, "name: |\n\n", "1:7", "'name' must not be empty"),
    (ACME, _acme("summary: ''"), "2:10", "'summary' must not be empty"),
    (ACME, _acme(FACT.replace("quote: Acme opened a new factory", "quote: ' '")), "5:12",
     "'facts[0].quote' must not be empty"),
    (ACME, _acme(FACT.replace("text: Opened a factory.", "text: ''")), "3:11",
     "'facts[0].text' must not be empty"),
    (ACME, _acme(FACT.replace("source: gazette", "source: ''")), "4:13",
     "'facts[0].source' must be a slug: lowercase letters, digits and '-' (e.g. "
     "'san-francisco'), not empty text"),
    (ACME, _acme("headquarters: ''"), "2:15", "'headquarters' must be a slug: lowercase "
                                              "letters, digits and '-' (e.g. 'san-francisco'), "
                                              "not empty text"),
]
SCHEMES = ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
           "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "file:///etc/passwd",
           "ftp://acme.example/", "mailto:a@acme.example", "//acme.example/", "/relative",
           "java\tscript:alert(1)", "https:acme.example", "http:/acme.example",
           "https://", "&#106;avascript:alert(1)"]


@pytest.mark.parametrize(("path", "content", "where", "message"), WRONG_VALUES,
                         ids=[f"{c[0].split('/')[-1]}:{c[2]}:{c[3][:40]}" for c in WRONG_VALUES])
def test_wrong_value_is_reported_exactly(built: BuiltSite, path: str, content: str, where: str,
                                         message: str) -> None:
    err = built.refused({path: content})
    assert f"{path}:{where}: error: {message}" in error_lines(err)


@pytest.mark.parametrize("url", SCHEMES)
def test_only_http_and_https_urls(built: BuiltSite, url: str) -> None:
    quoted = url.replace("'", "''")
    err = built.refused({ACME: f"name: Acme\nwebsite: '{quoted}'\n"})
    assert error_lines(err)[0].startswith(f"{ACME}:2:10: error: 'website' must be an http:// "
                                          "or https:// URL, not ")


def test_base_url_must_be_http(built: BuiltSite) -> None:
    text = (built.site / "site.yaml").read_text()
    err = built.refused({"site.yaml": text + "base_url: javascript:alert(1)//\n"})
    assert error_lines(err)[0].startswith("site.yaml:25:11: error: 'base_url' must be an "
                                          "http:// or https:// URL")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example/", "https://",
                                 "example.org", "https://x.example/?page=", "https://x.example/#a"])
def test_base_url_option_must_be_http(built: BuiltSite, url: str) -> None:
    outcome = built.build("--base-url", url)
    assert outcome.code == 1
    assert error_lines(outcome.err) == [f"--base-url:1:1: error: '{url}' is not an http:// or "
                                        "https:// URL without a ?query or #fragment"]
    built.assert_untouched()


@pytest.mark.parametrize("url", ["https://x.example/?p=1", "https://x.example/facts#top"])
def test_base_url_in_site_yaml_cannot_carry_a_query_or_fragment(built: BuiltSite,
                                                                url: str) -> None:
    text = (built.site / "site.yaml").read_text()
    err = built.refused({"site.yaml": text + f"base_url: {url}\n"})
    assert error_lines(err)[0].endswith("'base_url' must be an http:// or https:// URL without "
                                        f"a ?query or #fragment, not '{url}'")


def test_every_wrong_value_in_one_file_is_reported_at_once(built: BuiltSite) -> None:
    err = built.refused({ACME: "name: ''\nfounded: x\nwebsite: ftp://a/\nnmae: b\n" + FACT
                         + "    date: 2020-02-30\n    extra: 1\n"})
    assert [line.split(": error: ")[0] for line in error_lines(err)] == [
        f"{ACME}:1:7", f"{ACME}:2:10", f"{ACME}:3:10", f"{ACME}:4:1", f"{ACME}:9:11",
        f"{ACME}:10:5"]


@pytest.mark.parametrize(("content", "message"), [
    ("title: T\ntypes: {}\n", "site.yaml:2:8: error: 'types' must not be empty"),
    ("title: T\ntypes: {company: {folder: Companies, fields: {name: {type: text}}}}\n",
     "site.yaml:2:27: error: 'types.company.folder' must be a slug"),
    ("title: T\ntypes: {company: {folder: c, fields: {name: {type: txt}}}}\n",
     "site.yaml:2:52: error: 'types.company.fields.name.type' must be one of"),
    ("title: T\ntypes: {company: {folder: c, fields: {name: {type: text, requird: true}}}}\n",
     "site.yaml:2:58: error: unknown field 'requird' (did you mean 'required'?)"),
    ("title: T\ntitel: x\ntypes: {company: {folder: c, fields: {name: {type: text}}}}\n",
     "site.yaml:2:1: error: unknown field 'titel' (did you mean 'title'?)"),
    ("title: ''\ntypes: {company: {folder: c, fields: {name: {type: text}}}}\n",
     "site.yaml:1:8: error: 'title' must not be empty"),
    ("title: T\nlanguage: english\ntypes: {company: {folder: c, fields: {name: {type: text}}}}\n",
     "site.yaml:2:11: error: 'language' must be a language code"),
])
def test_site_yaml_schema_errors(built: BuiltSite, content: str, message: str) -> None:
    err = built.refused({"site.yaml": content})
    assert any(line.startswith(message) for line in error_lines(err)), err
