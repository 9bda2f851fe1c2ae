"""Where things are in a YAML file: key paths, line:col positions and the parse problem."""

from __future__ import annotations

from typing import Any

Key = str | int
KeyPath = tuple[Key, ...]
Position = tuple[int, int]  # 1-based line, column
# Where each value and each key starts, filled in when positions are asked for.
Found = tuple[dict[KeyPath, Position], dict[KeyPath, Position]]


class YamlProblem(Exception):
    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line, self.col, self.message = line, col, message

    @classmethod
    def at(cls, mark: Any, message: str) -> YamlProblem:
        """A problem at a parser mark (0-based line and column)."""
        return cls(*position(mark), message)


def position(mark: Any) -> Position:
    return mark.line + 1, mark.column + 1


def text_position(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
