"""The YAML parser's complaints, placed where a writer has to fix them, with plain advice."""

from __future__ import annotations

from typing import Any

import yaml

from generator.errors import source_line
from generator.read.marks import YamlProblem, position

_SYNTAX_HINTS = (
    ("mapping values are not allowed", "put a value that contains ': ' in quotes"),
    ("did not find expected key", "check this line's indentation against the lines above"),
    ("did not find expected '-'", "check this line's indentation against the lines above"),
    ("expected <document start>", "this line is indented less than the first one; "
                                  "start every top-level key at the same column"),
    ("could not find expected ':'", "a key needs ': ' after it, or quote a line that goes on"),
    ("found unknown escape character", "in double quotes a backslash starts an escape; "
                                       "use single quotes"),
)


# Parts that open on one line and must close later: the place to fix is where they open.
_UNCLOSED = {
    "while parsing a flow sequence": "[list]",
    "while parsing a flow mapping": "{mapping}",
    "while scanning a quoted scalar": "quoted text",
}


def syntax_hint(problem: str) -> str:
    """Plain advice for the YAML mistakes writers make most."""
    return next((f" ({hint})" for clue, hint in _SYNTAX_HINTS if clue in problem), "")


def syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    """The parser's complaint, placed where a writer has to fix it."""
    mark: Any = exc.problem_mark or exc.context_mark
    problem = str(exc.problem or exc.context)
    line, col = position(mark) if mark else (1, 1)
    opened = _UNCLOSED.get(str(exc.context))
    if opened and exc.context_mark is not None:
        # The parser notices only where the open part should have ended (often the end
        # of the file); the missing bracket or quote belongs to the part that starts here.
        why = "the file ends first" if (line - 1, col - 1) == _end(text) \
            else f"{problem} at line {line}, column {col}"
        line, col = position(exc.context_mark)
        return YamlProblem(line, col, f"YAML syntax error: the {opened} that starts here is not "
                                      f"closed ({why})")
    if source_line(text, line)[col - 1:col] == "\t":
        return YamlProblem(line, col, "YAML syntax error: a tab; indent with spaces, not tabs")
    return YamlProblem(line, col, f"YAML syntax error: {problem}{syntax_hint(problem)}")


def _end(text: str) -> tuple[int, int]:
    """The 0-based line and column just past the last character of `text`."""
    return text.count("\n"), len(text) - text.rfind("\n") - 1
