"""One diagnostic type for every stage, printed in the GCC form editors jump to."""

from __future__ import annotations

import bisect
import difflib
import functools
import itertools
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Bidi controls reorder the text around them on screen ('Trojan Source'): a file name or a
# value could make a message show what it does not say.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Everything but tab that a terminal would act on. A diagnostic's head is one line: a file
# name or a value quoted in it shows these as escapes; the quoted source line, as U+FFFD.
_UNPRINTABLE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
# A longer source line is quoted as a window around the column: a whole record on one line
# (a flow mapping, a 1 MB value) quoted by each of 13,000 diagnostics took gigabytes.
SHOWN_LINE = 160
_SHOWN_BEFORE = 60
# The diagnostics printed for one file; the rest are counted. Past the first hundred,
# more lines of one mistake repeated help no one, and 13,000 of them flood a terminal.
SHOWN_PER_FILE = 100


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """A problem at `path:line:col` (1-based; a whole-file problem is at 1:1)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"
    source_line: str = ""
    # How many characters of the line `source_line` leaves out before its window ('…' first).
    source_start: int = 0

    def format(self) -> str:
        """`path:line:col: severity: message`, then the offending line and a caret."""
        path, message = (_UNPRINTABLE.sub(_escape, s) for s in (self.path, self.message))
        head = f"{path}:{self.line}:{self.col}: {self.severity}: {message}"
        if not self.source_line.strip():
            return head
        shown = _UNPRINTABLE.sub("\N{REPLACEMENT CHARACTER}", self.source_line)
        caret = self.col - 1 - self.source_start + (1 if self.source_start else 0)
        # Keep tabs so the caret lines up under the column in any terminal.
        lead = "".join(c if c == "\t" else " " for c in shown[:caret])
        return f"{head}\n    {shown}\n    {lead}^"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


class UsageError(Exception):
    """A command-line argument that cannot be right, whatever the files say (exit 2)."""


class BuildFailed(Exception):
    """Raised by a stage when user input has errors; carries every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(sorted(set(diagnostics)))
        super().__init__(f"{len(self.diagnostics)} error(s)")


def error_at(path: str, text: str | None, line: int, col: int, message: str) -> Diagnostic:
    """An error at line:col of a file whose text is known, quoting that line (or a window)."""
    whole = source_line(text, line)
    if len(whole) <= SHOWN_LINE:
        return Diagnostic(path, line, col, message, "error", whole)
    start = max(0, min(col - 1 - _SHOWN_BEFORE, len(whole) - SHOWN_LINE))
    end = start + SHOWN_LINE
    window = ("…" if start else "") + whole[start:end] + ("…" if end < len(whole) else "")
    return Diagnostic(path, line, col, message, "error", window, start)


def source_line(text: str | None, line: int) -> str:
    """Line `line` (1-based) of `text`, without its line break; '' if there is none."""
    if not text or line < 1:
        return ""
    lines = _lines(text)[0]
    return lines[line - 1].rstrip("\r") if line <= len(lines) else ""


def line_offset(text: str, line: int) -> int:
    """The offset in `text` where line `line` (1-based) starts; its end if there is none."""
    starts = _lines(text)[1]
    return starts[min(max(line, 1), len(starts)) - 1]


def offset_position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of `offset` in `text`."""
    starts = _lines(text)[1]
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


@functools.lru_cache(maxsize=4)
def _lines(text: str) -> tuple[list[str], array[int]]:
    # Split once per text, not once per diagnostic: 13,000 errors in a 1 MB file each
    # splitting the whole file took minutes. Few texts have errors at a time.
    lines = text.split("\n")
    starts = array("q", itertools.accumulate((len(x) + 1 for x in lines[:-1]), initial=0))
    return lines, starts


def format_all(diagnostics: Iterable[Diagnostic], per_file: int = SHOWN_PER_FILE) -> str:
    """Every diagnostic, sorted by path and position, then a count line.

    Past `per_file` diagnostics of one file, the rest of that file's are counted, not shown.
    """
    ordered = sorted(set(diagnostics))
    lines: list[str] = []
    for path, group in itertools.groupby(ordered, key=lambda d: d.path):
        in_file = list(group)
        lines.extend(d.format() for d in in_file[:per_file])
        more = _counts(in_file[per_file:], "more ")
        if more:
            lines.append(f"{_UNPRINTABLE.sub(_escape, path)}: … and {more} "
                         "in this file")
    total = _counts(ordered, "")
    if total:
        lines.append(total + ".")
    return "\n".join(lines)


def _counts(diagnostics: Sequence[Diagnostic], more: str) -> str:
    """'2 errors and 1 warning', 'more ' before each kind if asked; '' for none."""
    errors = sum(d.is_error for d in diagnostics)
    return " and ".join(f"{n:,} {more}{word}{'s' if n != 1 else ''}"
                        for n, word in ((errors, "error"), (len(diagnostics) - errors, "warning"))
                        if n)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word`, if one is close enough to be a likely typo."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or '' when none is close."""
    return suggest(closest(word, choices))


def suggest(match: str | None) -> str:
    """' (did you mean 'x'?)' for a match found by `closest`, or ''."""
    return f" (did you mean '{match}'?)" if match else ""
