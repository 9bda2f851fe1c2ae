"""Corrections and updates, more than one source per fact, and verdicts on claims (issue 17):
what the pages, the corrections list and feed and the JSON-LD show, and each mistake."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import copy_case, write_files
from tests.hardening import run_cli

ACME = "content/companies/acme.yaml"
ACME_YAML = """name: Acme Corporation
headquarters: springfield
aliases: [acme-corp, acme-inc]
updated: 2021-03-09
corrections:
  - date: 2021-03-06
    text: An earlier version said the factory was in Shelbyville.
    facts: [1]
  - date: 2021-03-08
    text: The rival's name was misspelt.
facts:
  - date: 2021-03-04
    text: Opened a *new* factory.
    source: gazette
    quote: Acme opened a new factory
    also:
      - {source: courier, quote: a factory opened in Springfield}
  - text: Said its rival would follow.
    source: courier
    quote: Acme said Globex would follow
    claimed_by: globex
    rating: Mostly false
"""
COURIER = """title: The Shelbyville Courier, 6 March 2021
text: |
  On Thursday a factory opened in Springfield. Acme said Globex would follow.
"""
RATINGS = "ratings: [False, Mostly false, Half true, Mostly true, True]\n"


GLOBEX = "content/companies/globex.yaml"
GLOBEX_YAML = """name: Globex
headquarters: shelbyville
summary: The rival of [Acme](company:acme-corp).
facts:
  - text: Is Acme's rival.
    source: gazette
    quote: Its rival “Globex” said
    about: [acme-inc]
"""


def trust_site(tmp_path: Path, acme: str = ACME_YAML, ratings: str = RATINGS,
               globex: str = GLOBEX_YAML) -> Path:
    site = copy_case("basic", tmp_path)
    config = site / "site.yaml"
    config.write_text(ratings + config.read_text(encoding="utf-8"), encoding="utf-8")
    return write_files(site, {ACME: acme, GLOBEX: globex,
                              "content/sources/courier.yaml": COURIER})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = trust_site(tmp_path_factory.mktemp("trust"))
    out = site.parent / "out"
    outcome = run_cli("build", "--site", site, "--out", out, "--base-url",
                      "https://example.org/", "--quiet")
    assert outcome.code == 0, outcome.err
    return out


def page(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def jsonld(html: str) -> dict:
    start = html.index('<script type="application/ld+json">') + 35
    return json.loads(html[start:html.index("</script>", start)])


def test_a_record_says_when_it_was_updated_and_lists_its_corrections_newest_first(
        built: Path) -> None:
    html = page(built, "companies/acme/index.html")
    assert '<p class="updated">Updated <time datetime="2021-03-09">9 March 2021</time>' in html
    section = html.split('id="corrections-heading"', 1)[1].split("</section>", 1)[0]
    assert section.index("8 March 2021") < section.index("6 March 2021")
    assert re.search(r'id="correction-1">.*?\(on <a href="#fact-1">fact 1</a>\)', section, re.S)
    fact = html.split('id="fact-1"', 1)[1].split("</li>", 1)[0]
    assert '<a href="#correction-1">see correction</a>' in fact
    assert "see correction" not in html.split('id="fact-2"', 1)[1].split("</li>", 1)[0]


def test_each_source_of_a_fact_has_its_own_numbered_citation_and_mark(built: Path) -> None:
    html = page(built, "companies/acme/index.html")
    assert re.findall(r'<li id="note-(\d+)">', html) == ["1", "2", "3"]
    fact = html.split('id="fact-1"', 1)[1].split("</li>", 1)[0]
    assert 'href="#note-1"' in fact and 'href="#note-2"' in fact
    courier = page(built, "sources/courier/index.html")
    assert courier.count("<mark") == 2
    assert 'id="quote-company-acme-1-2"' in courier and 'id="quote-company-acme-2"' in courier
    note = html.split('<li id="note-2">', 1)[1].split("</li>", 1)[0]
    assert "sources/courier/index.html#quote-company-acme-1-2" in note
    assert "Cited in" in courier


def test_a_verdict_is_a_labelled_badge_and_the_claimant_lists_it(built: Path) -> None:
    html = page(built, "companies/acme/index.html")
    verdict = html.split('class="verdict"', 1)[1].split("</p>", 1)[0]
    assert "Verdict: <strong" in verdict and ">Mostly false</strong>" in verdict
    assert "(2 of 5 on this site's scale)" in verdict
    assert 'href="../../companies/globex/index.html">Globex' in verdict
    globex = page(built, "companies/globex/index.html")
    assert "<h3>Claims checked</h3>" in globex
    assert "companies/acme/index.html#fact-2" in globex


def test_json_ld_carries_updates_corrections_and_claim_reviews(built: Path) -> None:
    data = jsonld(page(built, "companies/acme/index.html"))
    # A Corporation is not modified or corrected in schema.org's terms: its page is.
    webpage = data["mainEntityOfPage"]
    assert webpage["@type"] == "WebPage" and webpage["url"] == "https://example.org/companies/acme/"
    assert webpage["dateModified"] == "2021-03-09"
    assert [c["datePublished"] for c in webpage["correction"]] == ["2021-03-08", "2021-03-06"]
    assert all(c["@type"] == "CorrectionComment" and c["text"] for c in webpage["correction"])
    claim, review = data["subjectOf"]
    assert claim["@type"] == "Claim" and len(claim["citation"]) == 2
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"] == {"@type": "Rating", "ratingValue": 2, "bestRating": 5,
                                      "worstRating": 1, "alternateName": "Mostly false"}
    assert review["itemReviewed"]["author"]["name"] == "Globex"
    assert review["itemReviewed"]["appearance"]["name"].startswith("The Shelbyville Courier")
    assert review["url"] == "https://example.org/companies/acme/#fact-2"
    assert review["claimReviewed"] == "Said its rival would follow."


def test_the_site_lists_every_correction_with_a_feed(built: Path) -> None:
    html = page(built, "corrections/index.html")
    assert html.index("8 March 2021") < html.index("6 March 2021")
    assert "companies/acme/index.html#correction-2" in html
    feed = ET.parse(built / "corrections.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert [e.find(f"{atom}updated").text for e in entries] == [
        "2021-03-08T00:00:00Z", "2021-03-06T00:00:00Z"]
    assert entries[0].find(f"{atom}link").get("href") == \
        "https://example.org/companies/acme/#correction-2"
    assert len({e.find(f"{atom}id").text for e in entries}) == 2
    assert 'href="../corrections/index.html">Corrections</a>' in page(built, "cities/index.html")


@pytest.mark.parametrize(("change", "ratings", "expected"), [
    (("facts: [1]", "facts: [3]"), RATINGS,
     "content/companies/acme.yaml:8:13: error: there is no fact 3: this record has 2 facts"),
    (("facts: [1]", "facts: [1, 0]"), RATINGS,
     "content/companies/acme.yaml:8:16: error: 'corrections[0].facts[1]' must be at least 1"),
    (("date: 2021-03-08", "date: 2021-03-10"), RATINGS,
     "content/companies/acme.yaml:9:11: error: this correction is dated 2021-03-10, after the "
     "record's 'updated' date 2021-03-09; set 'updated' to the day of the latest correction"),
    (("    claimed_by: globex\n", ""), RATINGS,
     "content/companies/acme.yaml:21:13: error: a rating needs 'claimed_by': the record of who "
     "made the claim that is rated"),
    (("rating: Mostly false", "rating: Mostly flase"), RATINGS,
     "content/companies/acme.yaml:22:13: error: unknown rating 'Mostly flase' (did you mean "
     "'Mostly false'?); the ratings are False, Mostly false, Half true, Mostly true, True"),
    (("claimed_by: globex", "claimed_by: globx"), RATINGS,
     "content/companies/acme.yaml:21:17: error: unknown record 'globx' (did you mean "
     "'globex'?)"),
    (("Mostly false", "False"), "",
     "content/companies/acme.yaml:22:13: error: a rating needs the site's scale of verdicts: "
     "list them under 'ratings' in site.yaml, worst first"),
    (("quote: a factory opened in Springfield", "quote: a factory closed in Springfield"),
     RATINGS, "content/companies/acme.yaml:17:34: error: quote not found in the text of "
     "source 'courier'"),
    (("{source: courier,", "{source: curier,"), RATINGS,
     "content/companies/acme.yaml:17:18: error: unknown source 'curier' (did you mean "
     "'courier'?)"),
    (("updated: 2021-03-09", "updated: 9 March 2021"), RATINGS,
     "content/companies/acme.yaml:4:10: error: 'updated' must be a date written YYYY-MM-DD"),
    (("    text: The rival's name was misspelt.\n", ""), RATINGS,
     "content/companies/acme.yaml:9:5: error: missing required field 'text' in "
     "'corrections[1]'"),
])
def test_each_mistake_is_reported_at_its_line(tmp_path: Path, change: tuple[str, str],
                                              ratings: str, expected: str) -> None:
    assert change[0] in ACME_YAML
    site = trust_site(tmp_path, ACME_YAML.replace(*change), ratings)
    outcome = run_cli("check", "--site", site)
    assert outcome.code == 1
    assert "Traceback" not in outcome.err
    assert expected in outcome.err, outcome.err


def test_a_former_slug_redirects_to_the_record(built: Path) -> None:
    html = page(built, "companies/acme-corp/index.html")
    assert '<meta http-equiv="refresh" content="0; url=../../companies/acme/index.html">' in html
    assert '<link rel="canonical" href="https://example.org/companies/acme/">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert '<a href="../../companies/acme/index.html">Acme Corporation</a>' in html
    assert (built / "companies/acme-inc/index.html").is_file()
    assert (built / "_redirects").read_text().splitlines()[1:] == [
        "/companies/acme-corp/ /companies/acme/ 301", "/companies/acme-inc/ /companies/acme/ 301"]
    assert "acme-corp" not in (built / "sitemap.xml").read_text()


def test_links_and_refs_written_with_a_former_slug_reach_the_record(built: Path) -> None:
    globex = page(built, "companies/globex/index.html")
    assert 'href="../../companies/acme/index.html">Acme</a>' in globex
    assert "acme-corp" not in globex and "acme-inc" not in globex
    assert "companies/globex/index.html" in page(built, "companies/acme/index.html").split(
        "Facts about it", 1)[1]


def test_a_former_slug_in_use_is_a_warning_and_an_error_with_strict(tmp_path: Path) -> None:
    site = trust_site(tmp_path)
    checked = run_cli("check", "--site", site)
    assert checked.code == 0
    assert ("content/companies/globex.yaml:3:30: warning: 'acme-corp' is a former slug of "
            "'acme', which it redirects to; write 'acme'") in checked.err
    assert "content/companies/globex.yaml:8:13: warning: 'acme-inc' is a former slug" \
        in checked.err
    assert run_cli("check", "--site", site, "--strict").code == 1


@pytest.mark.parametrize(("aliases", "expected"), [
    ("[globex]", "content/companies/acme.yaml:3:11: error: 'globex' is the slug of another "
     "company (content/companies/globex.yaml); an alias must be a slug that no record has"),
    ("[acme]", "content/companies/acme.yaml:3:11: error: 'acme' is this record's own slug; "
     "an alias is a slug it had before"),
    ("[page]", "content/companies/acme.yaml:3:11: error: 'page' cannot be a slug (it is "
     "reserved), so no page can have had it"),
    ("[Acme Corp]", "content/companies/acme.yaml:3:11: error: 'aliases[0]' must be a slug"),
])
def test_an_alias_that_is_taken_is_an_error_naming_both_files(tmp_path: Path, aliases: str,
                                                               expected: str) -> None:
    site = trust_site(tmp_path, ACME_YAML.replace("[acme-corp, acme-inc]", aliases),
                      globex=GLOBEX_YAML.replace("acme-corp", "acme").replace("acme-inc", "acme"))
    outcome = run_cli("check", "--site", site)
    assert outcome.code == 1 and expected in outcome.err, outcome.err


def test_two_records_cannot_share_a_former_slug(tmp_path: Path) -> None:
    site = trust_site(tmp_path, globex=GLOBEX_YAML.replace(
        "headquarters: shelbyville\n", "headquarters: shelbyville\naliases: [acme-inc]\n"))
    outcome = run_cli("check", "--site", site)
    assert outcome.code == 1
    assert ("content/companies/globex.yaml:3:11: error: 'acme-inc' is already an alias of "
            "content/companies/acme.yaml; two records cannot have one former slug") in outcome.err
