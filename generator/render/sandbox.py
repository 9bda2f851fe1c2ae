"""The sandbox site templates run in: what a template may touch, and how much it may make.

A site's templates may come from anyone (a pull request a CI builds), so they run in Jinja2's
ImmutableSandboxedEnvironment: no attribute starting with _ (so no __globals__, __class__,
__subclasses__), no method that changes a list, dict or set, no callable marked unsafe, and
str.format only through the sandbox's own formatter. On top of that, the things that make
much out of little are capped: range(), '*' on text and lists, '**', lipsum().
"""

from __future__ import annotations

import math
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.runtime import Context, StrictUndefined, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, is_internal_attribute
from jinja2.utils import generate_lorem_ipsum
from markupsafe import Markup

MAX_RANGE = 100_000  # the most numbers a template's range() may give, as in jinja2.sandbox
# No page is over 1 MB (DESIGN.md §5), so no template needs a longer repetition.
MAX_REPEAT = 1_000_000
MAX_POWER_DIGITS = 4_300  # Python's own limit for writing an int out as text
MAX_LIPSUM = (100, 1_000)  # paragraphs, words in one
_FORMATS = ("format", "format_map")  # str methods the sandbox swaps for its own


def capped_range(*args: int) -> range:
    """range() for templates: at most MAX_RANGE numbers, as in jinja2.sandbox."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise OverflowError(f"range() of {len(numbers):,} numbers; a template may count to "
                            f"{MAX_RANGE:,} at most")
    return numbers


def capped_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100
                  ) -> str | Markup:
    """lipsum() for templates: at most MAX_LIPSUM paragraphs and words in each."""
    if n > MAX_LIPSUM[0] or max > MAX_LIPSUM[1]:
        raise OverflowError(f"lipsum() of {n:,} paragraphs of up to {max:,} words; a template "
                            f"may ask for {MAX_LIPSUM[0]} paragraphs of {MAX_LIPSUM[1]:,} words "
                            "at most")
    text: str | Markup = generate_lorem_ipsum(n, html, min, max)
    return text


def new_dict(*args: Any, **kwargs: Any) -> dict[Any, Any]:
    """dict() for templates: a function, not the type, so `dict["x"]` is no GenericAlias."""
    return dict(*args, **kwargs)


class Refused(StrictUndefined):
    """A refused attribute's value: an error wherever it is used, even inside a printed list
    (which a StrictUndefined would show as 'Undefined')."""

    __slots__ = ()
    __repr__ = StrictUndefined._fail_with_undefined_error

    def __getattr__(self, name: str) -> Any:  # `__mro__` too: the refusal, not "no attribute"
        self._fail_with_undefined_error()


class SiteSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with our caps and messages that say what was refused."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.safe: dict[tuple[type, str], bool] = {}  # (type, attribute) -> safe to read
        self.globals["range"] = capped_range
        self.globals["lipsum"] = capped_lipsum
        self.globals["dict"] = new_dict

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """'*' and '**' as in Python, unless the result would be huge."""
        if operator == "*":
            _check_repeat(left, right)
        elif operator == "**":
            _check_power(left, right)
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`obj.attribute` in a template, as the sandbox allows it."""
        key = (type(obj), attribute)
        if self.safe.get(key):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass  # then obj[attribute], as below
        elif isinstance(obj, Refused):  # `x.__class__.__init__` is refused for `__class__`
            obj._fail_with_undefined_error()
        elif key not in self.safe:
            # The sandbox's verdict depends on the type and the name alone; asked for every
            # `.` of every page it would make rendering two thirds slower.
            self.safe[key] = attribute not in _FORMATS and self.is_safe_attribute(
                obj, attribute, None)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """`obj[argument]` in a template, as the sandbox allows it."""
        if isinstance(obj, Refused):
            obj._fail_with_undefined_error()
        return super().getitem(obj, argument)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        """The value of a refused attribute: an error, saying why, wherever it is used."""
        kind = type(obj).__name__
        if attribute.startswith("_") or is_internal_attribute(obj, attribute):
            why = "it is one of Python's internals, which templates cannot reach"
        else:
            why = f"it would change the {kind}, and templates only read their data"
        return Refused(f"'{attribute}' of a {kind} is not allowed in a template: {why}",
                       obj=obj, name=attribute, exc=SecurityError)


def _check_repeat(left: Any, right: Any) -> None:
    for items, times in ((left, right), (right, left)):
        if isinstance(items, (str, list, tuple)) and isinstance(times, int) and \
                len(items) * times > MAX_REPEAT:
            raise OverflowError(f"'*' would make {len(items) * times:,} characters or items; a "
                                f"template may repeat up to {MAX_REPEAT:,}")


def _check_power(base: Any, exponent: Any) -> None:
    if not (isinstance(base, int) and isinstance(exponent, int)) or abs(base) < 2 or \
            exponent < 1:
        return
    if exponent.bit_length() > 32 or exponent * math.log10(abs(base)) > MAX_POWER_DIGITS:
        raise OverflowError(f"'**' would make a number of more than {MAX_POWER_DIGITS:,} "
                            "digits, more than can be shown")
