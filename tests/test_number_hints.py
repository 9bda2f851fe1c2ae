"""Numbers written as people write them elsewhere: '3,426,354', '3,5', '"42"'.

In an `integer` or `number` field such a value is refused as before, and the message at its
line:col ends with how to write it: the digits without separators, a decimal point for a
decimal comma, or without the quotes. No hint is given where the fix would still be wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.site.schema import MAX_INTEGER
from tests.hardening import error_lines, run_cli
from tests.test_big_numbers import numbers_site
from tests.test_validate import fields_of, problems

DROP = " (drop the quotes to make it a number)"
WHOLE = "a whole number"


def hint(written: str, field: str = "count") -> str:
    """The message for `written` in `field` (count: integer, ratio: number), checked at 2:col."""
    found = problems(f"name: A\n{field}: {written}\n")
    assert len(found) == 1 and found[0][:2] == (2, len(field) + 3), found
    return found[0][2]


@pytest.mark.parametrize(("written", "suggested"), [
    ("3,426,354", "3426354"), ("3.426.354", "3426354"), ("3 426 354", "3426354"),
    ("3'426'354", "3426354"), ("3\u00a0426\u00a0354", "3426354"),
    ("3\u202f426\u202f354", "3426354"), ("3\u2009426\u2009354", "3426354"),
    ("3\u2019426\u2019354", "3426354"), ("1_000", "1000"), ("1_000_000", "1000000"),
    ("10_00", "1000"), ("-3,426,354", "-3426354"), ("+1,000", "1000"), ("1,000", "1000"),
    ("34,26,354", "3426354"), ("1,00,00,000", "10000000"), ("'3,426,354'", "3426354"),
    ('"3 426 354"', "3426354"), ("9,007,199,254,740,991", "9007199254740991"),
])
def test_grouped_digits_in_a_whole_number_field(written: str, suggested: str) -> None:
    shown = written.strip("'\"")
    assert hint(written) == f"'count' must be {WHOLE}, not '{shown}' (write {suggested}, " \
                            "without separators)"


@pytest.mark.parametrize(("written", "suggested", "comma"), [
    ("3,426,354", "3426354", False), ("3.426.354", "3426354", False),
    ("3,426,354.25", "3426354.25", False), ("3.426.354,25", "3426354.25", True),
    ("3 426 354,5", "3426354.5", True), ("3 426 354.5", "3426354.5", False),
    ("3'426'354.5", "3426354.5", False), ("1_000.5", "1000.5", False),
    ("-1.000,5", "-1000.5", True), ("1.000.000", "1000000", False),
])
def test_grouped_digits_in_a_number_field(written: str, suggested: str, comma: bool) -> None:
    tail = " and with a decimal point)" if comma else ")"
    assert hint(written, "ratio") == f"'ratio' must be a number, not '{written}' (write " \
                                     f"{suggested}, without separators{tail}"


@pytest.mark.parametrize(("written", "suggested"), [
    ("3,5", "3.5"), ("-3,5", "-3.5"), ("+0,25", "0.25"), ("0,5", "0.5"), ("12,34", "12.34"),
    ("1,2345", "1.2345"), ("1000,5", "1000.5"),
])
def test_a_decimal_comma_in_a_number_field(written: str, suggested: str) -> None:
    assert hint(written, "ratio") == f"'ratio' must be a number, not '{written}' (write " \
                                     f"{suggested}, with a decimal point)"


@pytest.mark.parametrize(("written", "grouped", "decimal"), [
    ("3,426", "3426", "3.426"), ("-1,000", "-1000", "-1.000"), ("12,345", "12345", "12.345"),
])
def test_one_comma_before_three_digits_could_be_either(written: str, grouped: str,
                                                       decimal: str) -> None:
    assert hint(written, "ratio") == f"'ratio' must be a number, not '{written}' (write " \
        f"{grouped}, without separators, or {decimal} if the comma marks decimals)"
    assert hint(written) == f"'count' must be {WHOLE}, not '{written}' (write {grouped}, " \
                            "without separators)"


@pytest.mark.parametrize(("quoted", "field", "words"), [
    ('"3426354"', "count", WHOLE), ("'3426354'", "count", WHOLE), ('"-7"', "count", WHOLE),
    ('"+7"', "count", WHOLE), ('"0x1F"', "count", WHOLE), ('"0o17"', "count", WHOLE),
    ('"017"', "count", WHOLE), ('" 42 "', "count", WHOLE), ("!!str 42", "count", WHOLE),
    ('"9007199254740991"', "count", WHOLE), ('"1947"', "founded", WHOLE),
    ('"1.5"', "ratio", "a number"), ('"1e3"', "ratio", "a number"),
    ('"-0.25"', "ratio", "a number"), ('".5"', "ratio", "a number"),
    ('"42"', "ratio", "a number"), ("'6.02e23'", "ratio", "a number"),
])
def test_a_quoted_number_is_told_to_drop_the_quotes(quoted: str, field: str, words: str) -> None:
    shown = quoted.removeprefix("!!str ").strip("'\"")
    assert hint(quoted, field) == f"'{field}' must be {words}, not '{shown}'{DROP}"


@pytest.mark.parametrize(("written", "field"), [
    ("3,5", "count"), ("3,426,354.25", "count"), ('"1.5"', "count"), ('"1e3"', "count"),
    ("nineteen", "count"), ("1.2.3", "ratio"), ("12,34,56", "ratio"), ("1,0000", "count"),
    ("3,426,,354", "ratio"), ("3,426.354,5", "ratio"), ("3.426,354.5", "ratio"),
    ("3, 426", "ratio"), ("'，5'", "ratio"), ("5,", "ratio"), ("1__000", "count"),
    ("_1000", "count"), ("1000_", "count"), ("$3,426", "count"), ("3,426 km", "count"),
    ("1,000,000,000,000,000,000", "count"), ('"nineteen"', "count"), ("'3 5'", "ratio"),
])
def test_no_hint_where_the_fix_would_still_be_refused(written: str, field: str) -> None:
    message = hint(written, field)
    assert message.endswith(f"'{written.strip(chr(39) + chr(34))}'"), message
    assert "(" not in message.split(", not ", 1)[1].replace(written, "")


@pytest.mark.parametrize("value", [3426354, 1000, 0, 7, MAX_INTEGER])
def test_what_a_hint_suggests_is_accepted(value: int) -> None:
    assert fields_of(f"name: A\ncount: {value}\n")["count"] == value


SEPARATORS = st.sampled_from([",", ".", " ", "'", "_", "\u00a0", "\u202f", "\u2009"])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.integers(1000, MAX_INTEGER), st.booleans(), SEPARATORS)
def test_any_whole_number_grouped_in_threes_gets_its_digits(value: int, negative: bool,
                                                            sep: str) -> None:
    written = ("-" if negative else "") + f"{value:,}".replace(",", sep)
    assume(sep != "." or written.count(".") > 1)  # 1.000 is the decimal 1.0, not a mistake
    expected = str(-value if negative else value)
    assert hint(written).endswith(f" (write {expected}, without separators)")
    in_number_field = hint(written, "ratio")
    if sep == "," and written.count(",") == 1:  # 3,426 could be 3.426: both are offered
        assert f" (write {expected}, without separators, or " in in_number_field
    else:
        assert in_number_field.endswith(f" (write {expected}, without separators)")


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.integers(1000, 10**12), st.integers(0, 99), st.sampled_from([(",", "."), (".", ","),
                                                                       (" ", ","), ("'", ".")]))
def test_any_grouped_decimal_gets_a_number_that_reads_back(whole: int, cents: int,
                                                           marks: tuple[str, str]) -> None:
    sep, point = marks
    written = f"{whole:,}".replace(",", sep) + f"{point}{cents:02d}"
    message = hint(written, "ratio")
    suggested = message.split(" (write ", 1)[1].split(",", 1)[0]
    assert suggested == f"{whole}.{cents:02d}"
    assert fields_of(f"name: A\nratio: {suggested}\n")["ratio"] == float(suggested)


def test_a_build_reports_the_hint_at_the_value(tmp_path: Path) -> None:
    site = numbers_site(tmp_path, {"big": "population: 3,426,354\narea: 3,5\n",
                                   "quoted": 'population: "3426354"\n'})
    outcome = run_cli("build", "--site", site, "--out", tmp_path / "out")
    assert outcome.code == 1 and "Traceback" not in outcome.err
    assert error_lines(outcome.err) == [
        "content/cities/big.yaml:2:13: error: 'population' must be a whole number, not "
        "'3,426,354' (write 3426354, without separators)",
        "content/cities/big.yaml:3:7: error: 'area' must be a number, not '3,5' (write 3.5, "
        "with a decimal point)",
        "content/cities/quoted.yaml:2:13: error: 'population' must be a whole number, not "
        f"'3426354'{DROP}",
    ]
