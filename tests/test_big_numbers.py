"""Big numbers: whole numbers are kept within ±(2**53 - 1), however they are spelled.

Past 2**53 - 1 (JavaScript's MAX_SAFE_INTEGER) a JSON reader that uses doubles, as JavaScript
does, reads another number than the one written, so such a value is refused at its line, in
decimal, hex or octal, and however long (0x and 4,000 hex digits once ended in Python's
4,300-digit ValueError; 99999999999999999999 in orjson's 64-bit TypeError). Every value in
range is spelled the same in the page, the search index, JSON, JSON-LD and CSV.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.read.yamlsrc import Document, parse_yaml
from generator.render.messages import messages_for
from generator.render.numbers import number_text
from generator.site.model import Catalog
from generator.site.schema import MAX_INTEGER
from tests.conftest import SERIAL, write_files
from tests.hardening import error_lines, run_cli
from tests.test_validate import fields_of, problems

RANGE = " (a whole number past 2**53 - 1 loses digits in JSON)"

SITE_YAML = """\
title: Numbers
types:
  city:
    folder: cities
    plural: Cities
    fields:
      name: {type: text, required: true}
      population: {type: integer}
      area: {type: number}
  source:
    folder: sources
    fields:
      title: {type: text, required: true}
      text: {type: text}
"""


def read(text: str) -> object:
    doc = parse_yaml("a.yaml", text.encode())
    assert isinstance(doc, Document), doc
    return doc.data


# --- the reader: any length, no exception, no slow conversion ----------------------------------

@pytest.mark.parametrize(("plain", "expected"), [
    ("9007199254740991", 2**53 - 1), ("-9007199254740991", -(2**53 - 1)),
    ("9007199254740992", 2**53), ("99999999999999999999", 10**20 - 1),
    ("-99999999999999999999", -(10**20 - 1)), ("+99999999999999999999", 10**20 - 1),
    ("000000000000000000000000000042", 42), ("0x1FFFFFFFFFFFFF", 2**53 - 1),
    ("0xFFFFFFFFFFFFFFFF", 2**64 - 1), ("0x0000000000000000000001", 1),
    ("0o377777777777777777", 2**53 - 1), ("0o1777777777777777777777", 2**64 - 1),
])
def test_integers_up_to_64_bits_are_read_as_integers(plain: str, expected: int) -> None:
    value = read(f"a: {plain}\n")["a"]  # type: ignore[index]
    assert value == expected and type(value) is int


@pytest.mark.parametrize("plain", [
    "123456789012345678901", "-123456789012345678901", "1" * 4_000, "9" * 100_000,
    "0x1" + "0" * 16, "0x" + "f" * 4_000, "0x" + "7f" * 50_000, "0o2" + "0" * 22,
    "0o" + "7" * 5_000,
])
@SERIAL  # read within a time bound
def test_longer_integers_stay_text_and_cost_no_conversion(plain: str) -> None:
    start = time.perf_counter()
    assert read(f"a: {plain}\n") == {"a": plain}
    assert time.perf_counter() - start < 1.0


# --- the check: refused at the value, with the bound and why -----------------------------------

@pytest.mark.parametrize(("line", "message"), [
    ("count: 99999999999999999999", "'count' must be at most 9007199254740991, not the number "
                                    f"99999999999999999999{RANGE}"),
    ("count: -99999999999999999999", "'count' must be at least -9007199254740991, not the "
                                     f"number -99999999999999999999{RANGE}"),
    ("count: 9007199254740992", "'count' must be at most 9007199254740991, not the number "
                                f"9007199254740992{RANGE}"),
    ("count: -9007199254740992", "'count' must be at least -9007199254740991, not the number "
                                 f"-9007199254740992{RANGE}"),
    ("count: +9007199254740992", "'count' must be at most 9007199254740991, not the number "
                                 f"9007199254740992{RANGE}"),
    ("count: 0x20000000000000", "'count' must be at most 9007199254740991, not the number "
                                f"9007199254740992{RANGE}"),
    ("count: 0o400000000000000000", "'count' must be at most 9007199254740991, not the number "
                                    f"9007199254740992{RANGE}"),
    ("count: 0xFFFFFFFFFFFFFFFF", "'count' must be at most 9007199254740991, not the number "
                                  f"18446744073709551615{RANGE}"),
    ("count: 123456789012345678901", "'count' must be at most 9007199254740991, not "
                                     f"'123456789012345678901'{RANGE}"),
    ("count: -123456789012345678901", "'count' must be at least -9007199254740991, not "
                                      f"'-123456789012345678901'{RANGE}"),
    ("count: 0x" + "f" * 4_000, "'count' must be at most 9007199254740991, not "
                                f"'0x{'f' * 35}...'{RANGE}"),
    ("count: 0o" + "7" * 40, "'count' must be at most 9007199254740991, not "
                             f"'0o{'7' * 35}...'{RANGE}"),
    ("count: '99999999999999999999'", "'count' must be at most 9007199254740991, not "
                                      f"'99999999999999999999'{RANGE}"),
    ("ratio: 99999999999999999999", "'ratio' must be at most 9007199254740991, not the number "
                                    "99999999999999999999 (a whole number past 2**53 - 1 loses "
                                    "digits in JSON; write 1e+20 if an approximate number will "
                                    "do)"),
    ("ratio: -9007199254740993", "'ratio' must be at least -9007199254740991, not the number "
                                 "-9007199254740993 (a whole number past 2**53 - 1 loses digits "
                                 "in JSON; write -9007199254740992.0 if an approximate number "
                                 "will do)"),
    ("ratio: 123456789012345678901234", "'ratio' must be at most 9007199254740991, not "
                                        "'123456789012345678901234' (a whole number past 2**53 "
                                        "- 1 loses digits in JSON; write 1.2345678901234569e+23 "
                                        "if an approximate number will do)"),
    ("ratio: 0x" + "f" * 4_000, "'ratio' must be at most 9007199254740991, not "
                                f"'0x{'f' * 35}...'{RANGE}"),
    ("founded: 99999999999999999999", "'founded' must be at most 9999, not the number "
                                      "99999999999999999999"),
])
def test_whole_numbers_out_of_range_are_refused_at_the_value(line: str, message: str) -> None:
    assert problems(f"name: A\n{line}\n") == [(2, line.index(":") + 3, message)]


@pytest.mark.parametrize(("line", "expected"), [
    ("count: 9007199254740991", MAX_INTEGER), ("count: -9007199254740991", -MAX_INTEGER),
    ("count: 0x1FFFFFFFFFFFFF", MAX_INTEGER), ("count: 0o377777777777777777", MAX_INTEGER),
    ("count: 00000000000009007199254740991", MAX_INTEGER), ("count: -0", 0),
    ("ratio: 9007199254740991", MAX_INTEGER), ("ratio: -9007199254740991", -MAX_INTEGER),
    ("ratio: 1e20", 1e20), ("ratio: 6.02214076e23", 6.02214076e23), ("ratio: -1e300", -1e300),
])
def test_the_bounds_themselves_and_decimals_past_them_are_kept(line: str, expected: object) -> None:
    field = line.split(":")[0]
    value = fields_of(f"name: A\n{line}\n")[field]
    assert value == expected and type(value) is type(expected)


SPELLINGS = st.sampled_from(["decimal", "signed", "zeros", "hex", "octal"])


def spell(value: int, how: str) -> str:
    """`value` written the way YAML 1.2 allows (hex and octal have no sign)."""
    if how == "hex" and value >= 0:
        return f"0x{value:X}"
    if how == "octal" and value >= 0:
        return f"0o{value:o}"
    if how == "signed":
        return f"{value:+d}"
    if how == "zeros":
        return f"{'-' if value < 0 else ''}000{abs(value)}"
    return str(value)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(MAX_INTEGER + 1, 10**30) | st.integers(-(10**30), -MAX_INTEGER - 1),
       SPELLINGS, st.sampled_from(["count", "ratio"]))
def test_any_spelling_of_any_whole_number_past_the_range_is_refused(value: int, how: str,
                                                                    field: str) -> None:
    written = spell(value, how)
    found = problems(f"name: A\n{field}: {written}\n")
    assert len(found) == 1
    line, col, message = found[0]
    assert (line, col) == (2, len(field) + 3)
    bound = MAX_INTEGER if value > 0 else -MAX_INTEGER
    side = "at most" if bound > 0 else "at least"
    assert message.startswith(f"'{field}' must be {side} {bound}, not ")
    assert "loses digits in JSON" in message


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(-MAX_INTEGER, MAX_INTEGER), SPELLINGS, st.sampled_from(["count", "ratio"]))
def test_any_spelling_of_any_whole_number_in_range_is_kept_exactly(value: int, how: str,
                                                                   field: str) -> None:
    kept = fields_of(f"name: A\n{field}: {spell(value, how)}\n")[field]
    assert kept == value and type(kept) is int


# --- a whole site: refused cleanly, then every output agreeing ---------------------------------

def numbers_site(root: Path, cities: dict[str, str]) -> Path:
    """A site of cities, each slug -> the lines of its record after `name:`."""
    files = {"site.yaml": SITE_YAML}
    for slug, lines in cities.items():
        files[f"content/cities/{slug}.yaml"] = f"name: {slug.title()}\n{lines}"
    return write_files(root / "site", files)


@pytest.mark.parametrize("written", ["99999999999999999999", "-9007199254740992",
                                     "0x" + "f" * 4_000, "0o" + "7" * 30, "1" * 5_000])
def test_a_build_with_a_big_number_fails_at_its_line(tmp_path: Path, written: str) -> None:
    site = numbers_site(tmp_path, {"big": f"population: {written}\n", "ok": "population: 1\n"})
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert outcome.code == 1 and "Traceback" not in outcome.err
    lines = error_lines(outcome.err)
    assert len(lines) == 1
    assert lines[0].startswith("content/cities/big.yaml:2:13: error: 'population' must be at ")
    assert not (tmp_path / "out").exists()


def outputs_of(out: Path, slug: str) -> dict[str, list[str]]:
    """Each output's spelling of the city's population and area, in that order."""
    page = (out / f"cities/{slug}/index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<data value="([^"]*)" data-pagefind-index-attrs="value">'
                       r"<span data-pagefind-ignore>([^<]*)</span></data>", page)
    listing = (out / "cities/index.html").read_text(encoding="utf-8")
    row = listing[listing.index(f'href="../cities/{slug}/index.html"'):]
    row = row[:row.index("</tr>")]
    record_json = (out / f"cities/{slug}/index.json").read_text(encoding="utf-8")
    site_json = (out / "data/site.json").read_text(encoding="utf-8")
    site_json = site_json[site_json.index(f'"slug": "{slug}",'):]
    script = page[page.index('<script type="application/ld+json">') + 35:]
    jsonld = html.unescape(script[:script.index("</script>")])
    cells = {r["slug"]: r for r in csv.DictReader(io.StringIO(
        (out / "data/city.csv").read_text(encoding="utf-8")))}[slug]
    return {
        "html value": [value for value, _ in shown],
        # An English site groups digits with commas.
        "html text": [text.replace(",", "") for _, text in shown],
        "list page": re.findall(r'<data value="([^"]*)"', row),
        "record json": re.findall(r'"(?:population|area)": ([^,\n]+)', record_json)[:2],
        "site json": re.findall(r'"(?:population|area)": ([^,\n]+)', site_json)[:2],
        "json-ld": re.findall(r'"value":([^}]+)\}', jsonld),
        "csv": [cells["population"], cells["area"]],
        "search": _search_numbers(out, slug),
    }


def _search_numbers(out: Path, slug: str) -> list[str]:
    for fragment in (out / "pagefind/fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes())[len(b"pagefind_dcd"):])
        if data["url"] == f"/cities/{slug}/index.html":
            return re.findall(r"(?:Population|Area) (\S+)\.(?: |$)", data["content"])
    raise AssertionError(f"no search fragment for {slug}")


FLOATS = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(-MAX_INTEGER, MAX_INTEGER), SPELLINGS,
                          FLOATS | st.integers(-MAX_INTEGER, MAX_INTEGER)),
                min_size=1, max_size=12))
def test_every_output_spells_each_number_alike(tmp_path_factory: pytest.TempPathFactory,
                                               values: list[tuple[int, str, float | int]]
                                               ) -> None:
    root = tmp_path_factory.mktemp("agree")
    cities = {f"c{i}": f"population: {spell(whole, how)}\narea: {number!r}\n"
              for i, (whole, how, number) in enumerate(values)}
    outcome = run_cli("build", "--site", numbers_site(root, cities), "--out", root / "out",
                      "--quiet")
    assert outcome.code == 0, outcome.err
    for i, (whole, _, number) in enumerate(values):
        expected = [number_text(whole), number_text(number)]
        found = outputs_of(root / "out", f"c{i}")
        assert found == {kind: expected for kind in found}, (whole, number)
        assert int(expected[0]) == whole and float(expected[1]) == number


@pytest.mark.parametrize(("written", "spelled"), [
    ("9007199254740991", "9007199254740991"), ("-9007199254740991", "-9007199254740991"),
    ("0x1FFFFFFFFFFFFF", "9007199254740991"), ("0o17", "15"), ("-0", "0"), ("+7", "7"),
])
def test_the_extremes_agree_in_every_output(tmp_path: Path, written: str, spelled: str) -> None:
    site = numbers_site(tmp_path, {"edge": f"population: {written}\narea: {written}\n"})
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out", "--quiet")
    assert outcome.code == 0, outcome.err
    found = outputs_of(tmp_path / "out", "edge")
    assert found == {kind: [spelled, spelled] for kind in found}


# --- the spelling: JavaScript's, so a script reading data/site.json prints the same -----------

NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs node to compare with JavaScript's String(n)")
@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.large_base_example])
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False)
                | st.integers(-MAX_INTEGER, MAX_INTEGER), min_size=500, max_size=500))
def test_numbers_are_spelled_as_javascript_spells_them(values: list[float | int]) -> None:
    values += [1e21, 1e-7, 1.5e-7, 1e-6, 123456789012345680000.0, 5e-324, -0.0, 1e16, 0.1,
               100.0, 1.7976931348623157e308, 2.0**53, 0.000001234, 1e300, -1e-300]
    script = ("const d = require('fs').readFileSync(0, 'utf8');"
              "console.log(JSON.stringify(JSON.parse(d).map(String)));")
    assert NODE is not None
    done = subprocess.run([NODE, "-e", script], input=json.dumps(values), capture_output=True,
                          text=True, check=True, timeout=60)
    assert [number_text(v) for v in values] == json.loads(done.stdout)


@pytest.mark.parametrize(("language", "value", "label"), [
    ("en", 30720, "30,720"), ("en", 2018, "2,018"), ("en", -12345, "-12,345"),
    ("en", MAX_INTEGER, "9,007,199,254,740,991"), ("en", 1234567.125, "1,234,567.125"),
    ("en", 0.000001, "0.000001"), ("en", 1e21, "1e+21"), ("en", -0.0, "0"),
    ("en", 5e-324, "5e-324"), ("en", 1e16, "10,000,000,000,000,000"),
    ("de", 1234567.125, "1.234.567,125"), ("es", 25431, "25.431"),
    ("fr", 3426354.5, "3\u202f426\u202f354,5"), ("de", 0.1 + 0.2, "0,30000000000000004"),
])
def test_pages_write_numbers_as_the_language_does_with_every_digit(
        language: str, value: float, label: str) -> None:
    words = messages_for(Catalog(language, language))
    assert words.number(value) == label
