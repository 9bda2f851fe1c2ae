"""One diagnostic type for every stage, printed in the GCC form editors jump to."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# A diagnostic's head is one line: a file name or a value quoted in it shows its line
# breaks and control characters as escapes.
_UNPRINTABLE_IN_MESSAGE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """A problem at `path:line:col` (1-based; a whole-file problem is at 1:1)."""

    path: str
    line: int
    col: int
    message: str
    severity: str = "error"
    source_line: str = ""

    def format(self) -> str:
        """`path:line:col: severity: message`, then the offending line and a caret."""
        path, message = (_UNPRINTABLE_IN_MESSAGE.sub(_escape, s) for s in (self.path, self.message))
        head = f"{path}:{self.line}:{self.col}: {self.severity}: {message}"
        if not self.source_line.strip():
            return head
        shown = _UNPRINTABLE.sub("\N{REPLACEMENT CHARACTER}", self.source_line)
        # Keep tabs so the caret lines up under the column in any terminal.
        lead = "".join(c if c == "\t" else " " for c in shown[: self.col - 1])
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
    """An error at line:col of a file whose text is known, quoting that line."""
    return Diagnostic(path, line, col, message, "error", source_line(text, line))


def source_line(text: str | None, line: int) -> str:
    """Line `line` (1-based) of `text`, without its line break; '' if there is none."""
    if not text or line < 1:
        return ""
    lines = text.split("\n")
    return lines[line - 1].rstrip("\r") if line <= len(lines) else ""


def format_all(diagnostics: Iterable[Diagnostic]) -> str:
    """Every diagnostic, sorted by path and position, then a count line."""
    ordered = sorted(set(diagnostics))
    errors = sum(d.is_error for d in ordered)
    warnings = len(ordered) - errors
    lines = [d.format() for d in ordered]
    counts = [f"{n} {word}{'s' if n != 1 else ''}"
              for n, word in ((errors, "error"), (warnings, "warning")) if n]
    if counts:
        lines.append(" and ".join(counts) + ".")
    return "\n".join(lines)


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
