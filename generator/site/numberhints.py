"""Advice for a value meant as a number that is not one: '3,426,354', '"42"', '1e999'.

The YAML reader keeps as text what no field could hold as a number (an integer too long to
convert, a decimal that overflows to infinity or underflows to zero), so each of these
arrives here as the text that was written, and is explained at its line.
"""

from __future__ import annotations

import math
import re

from generator.site.schema import MAX_INTEGER

LARGEST = 1.7976931348623157e308  # the largest double
SMALLEST = 5e-324  # the smallest above zero
_NON_FINITE = re.compile(r"[-+]?\.?(?:inf|infinity|nan)", re.IGNORECASE)
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_BASED = re.compile(r"0x[0-9a-fA-F]+|0o[0-7]+")  # the YAML core schema's hex and octal
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_NONZERO = re.compile(r"[1-9]")
# Digits beyond which any integer is past MAX_INTEGER, so no long one is ever converted.
_BOUND_DIGITS = {10: len(str(MAX_INTEGER)), 16: len(f"{MAX_INTEGER:x}"),
                 8: len(f"{MAX_INTEGER:o}")}
# Digits grouped with one separator: 3,426,354 3.426.354 3 426 354 3'426'354 34,26,354
# 1_000, perhaps followed by decimals after the other mark: 3.426.354,5.
_SEPARATORS = ",. '_\u00a0\u2009\u202f\u2019"


def _grouped(sep: str) -> re.Pattern[str]:
    s = re.escape(sep)
    groups = r"\d+(?:_\d+)+" if sep == "_" else \
        rf"\d{{1,3}}(?:{s}\d{{3}})+|\d{{1,2}}(?:{s}\d{{2}})+{s}\d{{3}}"
    return re.compile(rf"([-+]?)({groups})(?:([.,])(\d+))?")


_GROUPINGS = tuple((sep, _grouped(sep)) for sep in _SEPARATORS)
_DECIMAL_COMMA = re.compile(r"([-+]?)(\d+),(\d+)")


def integer_bound(text: str) -> int | None:
    """The bound (MAX_INTEGER or its negative) an integer spelled `text` is beyond, if any."""
    text = text.strip()
    if _BASED.fullmatch(text):
        sign, base, digits = "", 16 if text[1] == "x" else 8, text[2:]
    elif _DECIMAL.fullmatch(text):
        sign, base, digits = text[0], 10, text.lstrip("+-")
    else:
        return None
    digits = digits.lstrip("0")
    if len(digits) <= _BOUND_DIGITS[base] and int(digits or "0", base) <= MAX_INTEGER:
        return None
    return -MAX_INTEGER if sign == "-" else MAX_INTEGER


def is_non_finite(text: str) -> bool:
    """Whether `text` spells infinity or not-a-number, or a decimal too large for a double."""
    text = text.strip()
    return bool(_NON_FINITE.fullmatch(text)) or \
        (bool(_FLOAT.fullmatch(text)) and math.isinf(float(text)))


def range_hint(value: int | str, whole: bool) -> str:
    """Why whole numbers stop at MAX_INTEGER, and for a number field the approximate form."""
    hint = " (a whole number past 2**53 - 1 loses digits in JSON"
    decimal = isinstance(value, int) or bool(_DECIMAL.fullmatch(value.strip()))
    approximate = float(value) if decimal else math.inf
    if whole or math.isinf(approximate):
        return hint + ")"
    return hint + f"; write {approximate!r} if an approximate number will do)"


def number_hint(text: str, whole: bool) -> str:
    """Advice, as " (…)", for text in a field of whole numbers (`whole`) or numbers."""
    text = text.strip()
    if not whole and _FLOAT.fullmatch(text) and _underflows(text):
        return f" (it is too close to zero to keep: the smallest size is {SMALLEST!r}; " \
               "write 0 if zero is meant)"
    if not whole and is_non_finite(text) and _FLOAT.fullmatch(text):
        return f" (it is past the largest number, {LARGEST!r})"
    if _is_number(text, whole):
        return " (drop the quotes to make it a number)"
    grouped, comma = _without_separators(text, whole)
    decimal = None if whole else _with_decimal_point(text)
    if grouped and decimal:
        return f" (write {grouped}, without separators, or {decimal} if the comma marks " \
               "decimals)"
    if grouped:
        return f" (write {grouped}, without separators" + \
            (" and with a decimal point)" if comma else ")")
    if decimal:
        return f" (write {decimal}, with a decimal point)"
    return ""


def _underflows(text: str) -> bool:
    return float(text) == 0 and bool(_NONZERO.search(text.lower().partition("e")[0]))


def _is_number(text: str, whole: bool) -> bool:
    """Whether `text`, unquoted, is a number the field takes (so it must have been quoted)."""
    if _DECIMAL.fullmatch(text) or _BASED.fullmatch(text):
        return integer_bound(text) is None
    return not whole and bool(_FLOAT.fullmatch(text)) and not is_non_finite(text) \
        and not _underflows(text)


def _without_separators(text: str, whole: bool) -> tuple[str | None, bool]:
    """`text` with its digit groups joined, if that is a number the field takes; and
    whether its decimals followed a comma."""
    for sep, pattern in _GROUPINGS:
        found = pattern.fullmatch(text)
        if found and found.group(3) != sep and not (whole and found.group(4)):
            sign, digits, mark, decimals = found.groups()
            written = sign.replace("+", "") + digits.replace(sep, "") + \
                (f".{decimals}" if decimals else "")
            if _is_number(written, whole):
                return written, mark == ","
    return None, False


def _with_decimal_point(text: str) -> str | None:
    found = _DECIMAL_COMMA.fullmatch(text)
    if not found:
        return None
    written = f"{found.group(1).replace('+', '')}{found.group(2)}.{found.group(3)}"
    return written if _is_number(written, False) else None
