"""One spelling of each number for every output: pages, search, JSON, JSON-LD and CSV.

The spelling is ECMAScript's Number::toString: whole numbers as their digits, decimals as
the fewest digits that read back as the same double, written out in full from 1e-7 up to
1e21 and with an exponent beyond (1e+21, 1.5e-7). It is what JavaScript prints for the value
it reads from data/site.json, so a script and a reader of the page see the same text; and it
is valid JSON, so the JSON files carry it verbatim. Fields hold whole numbers within
±(2**53 - 1) and finite doubles only (site/schema.py), which are exactly what it can spell.
"""

from __future__ import annotations

import math

NUMBER_TYPES = ("integer", "number")  # the field types spelled here (a year is a year)


def number_text(value: int | float) -> str:
    """`value` as every output spells it (ECMAScript Number::toString)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    if value == 0:
        return "0"  # and -0.0, as JavaScript prints it
    sign = "-" if value < 0 else ""
    digits, point = _shortest_digits(abs(value))
    return sign + _place_point(digits, point)


def _shortest_digits(value: float) -> tuple[str, int]:
    """The fewest significant digits d1…dk that read back as `value`, and n such that
    value = 0.d1…dk × 10**n (repr gives the shortest round-trip digits, as ECMAScript asks)."""
    mantissa, _, exponent = repr(value).partition("e")
    whole, _, fraction = mantissa.partition(".")
    fraction = fraction.rstrip("0")
    digits = (whole + fraction).lstrip("0")
    leading_zeros = len(whole + fraction) - len((whole + fraction).lstrip("0"))
    point = len(whole) - leading_zeros + (int(exponent) if exponent else 0)
    return digits.rstrip("0"), point


def _place_point(digits: str, n: int) -> str:
    """ECMAScript Number::toString, steps 6-10, for k = len(digits) digits and exponent n."""
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return f"0.{'0' * -n}{digits}"
    exponent = f"e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return (digits if k == 1 else f"{digits[0]}.{digits[1:]}") + exponent
