"""Infinity, NaN and numbers that would silently become them (1e999) or zero (1e-999).

JSON has no infinity or NaN (orjson wrote `null`, CSV and pages `inf`), so a number field
refuses them at their line, in every spelling: YAML's (.inf, -.inf, +.INF, .NaN), other
languages' (inf, Infinity, NaN), decimals past the largest double (1e999), quoted or not.
A nonzero decimal too small for a double (1e-999) would read as 0, so it is refused too;
one that a double holds, however small (5e-324), is kept.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.read.yamlsrc import Document, parse_yaml
from tests.hardening import error_lines, run_cli
from tests.test_big_numbers import numbers_site
from tests.test_validate import fields_of, problems

YAML_SPECIALS = [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
                 ".nan", ".NaN", ".NAN"]
OTHER_SPECIALS = ["inf", "-inf", "+inf", "INF", "Infinity", "-Infinity", "infinity", "NaN",
                  "nan", "-nan", ".iNf", "-.InFiNiTy"]
OVERFLOWS = ["1e999", "-1e999", "+1e999", "1E400", "1.8e308", "-1.8e308", "2e308",
             "1" * 400 + ".5", "-" + "9" * 309 + ".0", "123e456", "9e99999", ".1e310"]
UNDERFLOWS = ["1e-999", "-1e-999", "+1e-999", "1E-400", "2e-324", "-2e-324", "0.5e-324",
              "." + "0" * 400 + "1", "0.000001e-320", "9e-99999"]
FINITE_WORDS = " (it is past the largest number, 1.7976931348623157e+308)"
ZERO_WORDS = (" (it is too close to zero to keep: the smallest size is 5e-324; write 0 if zero "
              "is meant)")


def read(text: str) -> object:
    doc = parse_yaml("a.yaml", text.encode())
    assert isinstance(doc, Document), doc
    return doc.data


@pytest.mark.parametrize("plain", YAML_SPECIALS + OTHER_SPECIALS + OVERFLOWS + UNDERFLOWS)
def test_the_reader_keeps_them_as_the_text_written(plain: str) -> None:
    assert read(f"a: {plain}\n") == {"a": plain}


@pytest.mark.parametrize("plain", YAML_SPECIALS + OTHER_SPECIALS)
@pytest.mark.parametrize("quote", ["", "'", '"'])
def test_infinity_and_nan_are_refused_in_a_number_field(plain: str, quote: str) -> None:
    assert problems(f"name: A\nratio: {quote}{plain}{quote}\n") == [
        (2, 8, f"'ratio' must be a finite number, not '{plain}'")]


@pytest.mark.parametrize("plain", OVERFLOWS)
@pytest.mark.parametrize("quote", ["", '"'])
def test_decimals_past_the_largest_double_are_refused(plain: str, quote: str) -> None:
    shown = plain if len(plain) <= 40 else plain[:37] + "..."
    assert problems(f"name: A\nratio: {quote}{plain}{quote}\n") == [
        (2, 8, f"'ratio' must be a finite number, not '{shown}'{FINITE_WORDS}")]


@pytest.mark.parametrize("plain", UNDERFLOWS)
def test_decimals_that_would_read_as_zero_are_refused(plain: str) -> None:
    shown = plain if len(plain) <= 40 else plain[:37] + "..."
    assert problems(f"name: A\nratio: {plain}\n") == [
        (2, 8, f"'ratio' must be a number, not '{shown}'{ZERO_WORDS}")]


@pytest.mark.parametrize("plain", YAML_SPECIALS + OTHER_SPECIALS + OVERFLOWS[:4])
@pytest.mark.parametrize("field", ["count", "founded"])
def test_they_are_not_whole_numbers_either(plain: str, field: str) -> None:
    assert problems(f"name: A\n{field}: {plain}\n") == [
        (2, len(field) + 3, f"'{field}' must be a whole number, not '{plain}'")]


@pytest.mark.parametrize(("plain", "expected"), [
    ("5e-324", 5e-324), ("-5e-324", -5e-324), ("1e-310", 1e-310), ("3e-324", 5e-324),
    ("2.2250738585072014e-308", 2.2250738585072014e-308), ("1.7976931348623157e308",
                                                          1.7976931348623157e308),
    ("1.7976931348623158e308", 1.7976931348623157e308), ("0e999", 0.0), ("0.0e-999", 0.0),
    ("-0.0", -0.0), ("0.000", 0.0), ("1e308", 1e308),
])
def test_the_smallest_and_largest_doubles_are_kept(plain: str, expected: float) -> None:
    value = fields_of(f"name: A\nratio: {plain}\n")["ratio"]
    assert value == expected and type(value) is float


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_double_reads_back_as_itself(number: float) -> None:
    value = fields_of(f"name: A\nratio: {number!r}\n")["ratio"]
    assert value == number and math.copysign(1, value) == math.copysign(1, number)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(309, 10**6), st.integers(1, 9), st.sampled_from(["", "-", "+"]),
       st.sampled_from(["e", "E", "e+"]))
def test_every_overflowing_decimal_is_refused(exponent: int, digit: int, sign: str,
                                              e: str) -> None:
    written = f"{sign}{digit}{e}{exponent}"
    assert problems(f"name: A\nratio: {written}\n") == [
        (2, 8, f"'ratio' must be a finite number, not '{written}'{FINITE_WORDS}")]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(325, 10**6), st.integers(1, 9), st.sampled_from(["", "-", "+"]))
def test_every_underflowing_decimal_is_refused(exponent: int, digit: int, sign: str) -> None:
    written = f"{sign}{digit}e-{exponent}"
    assert problems(f"name: A\nratio: {written}\n") == [
        (2, 8, f"'ratio' must be a number, not '{written}'{ZERO_WORDS}")]


@pytest.mark.parametrize("plain", [".inf", "-.inf", ".nan", "1e999", "-1e999", "1e-999"])
def test_in_a_text_field_they_are_the_text_written(tmp_path: Path, plain: str) -> None:
    site = numbers_site(tmp_path, {"c": "population: 1\n"})
    (site / "content/cities/c.yaml").write_text(f"name: {plain}\n", encoding="utf-8")
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out", "--quiet")
    assert outcome.code == 0, outcome.err
    assert f"<h1 data-pagefind-meta=\"title\">{plain}</h1>" in \
        (tmp_path / "out/cities/c/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("line", "message"), [
    ("area: .inf", "'area' must be a finite number, not '.inf'"),
    ("area: -.INF", "'area' must be a finite number, not '-.INF'"),
    ("area: .NaN", "'area' must be a finite number, not '.NaN'"),
    ("area: 1e999", f"'area' must be a finite number, not '1e999'{FINITE_WORDS}"),
    ("area: 1e-999", f"'area' must be a number, not '1e-999'{ZERO_WORDS}"),
    ("population: .inf", "'population' must be a whole number, not '.inf'"),
])
def test_a_build_stops_at_the_line_and_writes_nothing(tmp_path: Path, line: str,
                                                      message: str) -> None:
    site = numbers_site(tmp_path, {"c": f"population: 1\n{line}\n"})
    if line.startswith("population"):
        (site / "content/cities/c.yaml").write_text(f"name: C\n{line}\n", encoding="utf-8")
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert outcome.code == 1 and "Traceback" not in outcome.err
    row = 2 if line.startswith("population") else 3
    assert error_lines(outcome.err) == [
        f"content/cities/c.yaml:{row}:{line.index(':') + 3}: error: {message}"]
    assert not (tmp_path / "out").exists()
