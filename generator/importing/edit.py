"""Changing a record file in place: only the keys an import sets, every other byte kept.

`--update` replaces the text of each imported field's value (or adds the field, or takes
it out for an empty cell) and leaves the rest of the file as it was: comments, blank
lines, the order of the keys, the facts and how each value is written. `import facts`
appends items to the `facts` list the same way. Where each key and value is comes from
PyYAML's parser; the reader has already refused any file that does not parse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from generator.importing.yamlout import entry, mapping_lines

FACTS = "facts"
FACT_INDENT = "  "
# libyaml's parser when it is there (ten times faster); its marks count characters, as the
# pure-Python parser's do.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Entry:
    """One key of the top-level mapping: where the key starts and where its value ends."""

    key: str
    start: int
    end: int
    node: yaml.Node


@dataclass(frozen=True, slots=True)
class Edit:
    """Text `new` in place of text[start:end]; its values start at `values` (key -> offset in
    `new`, length)."""

    start: int
    end: int
    new: str
    values: tuple[tuple[str, int, int], ...] = ()


def top_entries(text: str) -> list[Entry] | str:
    """The top-level keys of a record file in order, or why it cannot be changed in place."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:  # the reader took it, PyYAML's parser did not
        return f"PyYAML cannot parse it ({str(exc).splitlines()[0]})"
    if root is None:
        return ""
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        return "it is not a block mapping (one 'key: value' a line)"
    found = []
    for key, value in root.value:
        if key.start_mark.column != 0:
            return "its keys are indented"
        found.append(Entry(str(key.value), key.start_mark.index, value_end(text, value), value))
    return found


def value_end(text: str, node: yaml.Node) -> int:
    """The offset just past the last character of `node`'s value (not trailing comments)."""
    if isinstance(node, yaml.ScalarNode):
        if node.style in ("|", ">"):  # a block's end mark is past the blank lines after it
            return max(len(text[:node.end_mark.index].rstrip()), node.start_mark.index + 1)
        return int(node.end_mark.index)
    assert isinstance(node, yaml.CollectionNode)
    if node.flow_style or not node.value:
        return int(node.end_mark.index)
    last = node.value[-1]
    return value_end(text, last[1] if isinstance(node, yaml.MappingNode) else last)


def set_fields(text: str, entries: Sequence[Entry], changes: Mapping[str, Any],
               order: Sequence[str]) -> list[Edit]:
    """The edits that give each key in `changes` its value (None: take the key out).

    A new key goes before the first key that `order` puts after it, and before the
    comments just above that key.
    """
    edits = []
    present = {e.key: e for e in entries}
    for key, value in changes.items():
        found = present.get(key)
        if found is not None and value is None:
            edits.append(Edit(_line_start(text, found.start), _line_end(text, found.end) + 1, ""))
        elif found is not None:
            edits.append(_replace(text, found, value))
        elif value is not None:
            at = _insert_at(text, entries, order, key)
            lead = "\n" if at == len(text) and text and not text.endswith("\n") else ""
            line, start = entry(key, value)
            edits.append(Edit(at, at, lead + line + "\n",
                              ((key, len(lead) + start, len(line) - start),)))
    return edits


def _replace(text: str, found: Entry, value: Any) -> Edit:
    rest_end = _line_end(text, found.end)
    rest = text[found.end:rest_end]
    one_line = bool(rest.strip())  # a comment follows: a block would swallow it
    end = found.end if one_line else rest_end
    line, start = entry(found.key, value, one_line=one_line)
    return Edit(found.start, end, line, ((found.key, start, len(line) - start),))


def _insert_at(text: str, entries: Sequence[Entry], order: Sequence[str], key: str) -> int:
    rank = {name: i for i, name in enumerate(order)}
    mine = rank.get(key, len(order))
    later = next((e for e in entries if rank.get(e.key, len(order)) > mine), None)
    if later is None:
        return len(text)
    at = later.start
    while at > 0:  # step back over comment lines at the start of a line, just above
        above = _line_start(text, at - 1)
        if not text.startswith("#", above):
            break
        at = above
    return at


def append_facts(text: str, entries: Sequence[Entry], facts: Sequence[dict[str, Any]]
                 ) -> list[Edit]:
    """The edit that adds `facts` at the end of the record's list of facts."""
    found = next((e for e in entries if e.key == FACTS), None)
    items = found.node.value if found is not None and isinstance(found.node,
                                                               yaml.SequenceNode) else []
    if found is None or not items:
        lines, values = _items(facts, FACT_INDENT)
        if found is None:
            lead = "\n" if text and not text.endswith("\n") else ""
            start, end, head = len(text), len(text), f"{lead}{FACTS}:\n"
        else:  # `facts:` or `facts: []`, up to the end of its line
            start, end, head = found.start, _line_end(text, found.end), f"{FACTS}:\n"
            lines = lines.rstrip("\n")
        return [Edit(start, end, head + lines, _shifted(values, len(head)))]
    if isinstance(found.node, yaml.SequenceNode) and found.node.flow_style:
        raise ValueError("a flow list of facts")
    dash = " " * found.node.start_mark.column
    at = _line_end(text, found.end)
    lines, values = _items(facts, dash)
    return [Edit(at, at, "\n" + lines.rstrip("\n"), _shifted(values, 1))]


def _items(facts: Sequence[dict[str, Any]], dash: str) -> tuple[str, list[tuple[str, int, int]]]:
    """Block sequence items at `dash`: the text, and (key, offset, length) of each value,
    keys numbered by item ('0.text')."""
    parts: list[str] = []
    values: list[tuple[str, int, int]] = []
    at = 0
    for n, fact in enumerate(facts):
        for key, line, start in mapping_lines(fact, dash + "  ", dash + "- "):
            values.append((f"{n}.{key}", at + start, len(line) - start))
            parts.append(line + "\n")
            at += len(line) + 1
    return "".join(parts), values


def _shifted(values: list[tuple[str, int, int]], by: int) -> tuple[tuple[str, int, int], ...]:
    return tuple((key, at + by, length) for key, at, length in values)


def apply(text: str, edits: Sequence[Edit]) -> tuple[str, dict[str, tuple[int, int]]]:
    """`text` with `edits` made (they must not overlap), and where each value now is."""
    out: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    done = length = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[done:edit.start])
        length += edit.start - done
        spans.update({key: (length + at, length + at + size) for key, at, size in edit.values})
        out.append(edit.new)
        length += len(edit.new)
        done = edit.end
    out.append(text[done:])
    return "".join(out), spans


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end
