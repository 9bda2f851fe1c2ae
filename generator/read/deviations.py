"""Where libyaml reads a file other than YAML 1.2 does, without a word: found and refused.

libyaml (under PyYAML) takes `"value"# note` as a value and a comment, where YAML 1.2 has
no comment without a space before its '#'; it ends an anchor's name at ':' or '?', so
`key: &an:chor value` would be the text ':chor value'; inside [ ] and { } it reads `?x` as
the key x, not the text '?x'; and block text whose leading blank lines have more spaces
than its first line ends there, so a first line that looks like a comment is dropped.
Each would change a value silently, so each is an error that says how to write the line.
Most files hold none of them, and a look at the raw text's few '#', '&' and '?' decides
whether the file's events need reading again.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from generator.read.hints import WIDE_BLANK_LINE
from generator.read.marks import YamlProblem, indent_of, problem_at, wide_blank_line

_Parser: Any
try:  # the parser compose.py reads with, so the events are the ones it saw
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader

_ANCHOR_CUT = re.compile(r"&[0-9A-Za-z_-]+[:?]")
_GAP_MARK = re.compile("[#?]")
_COMMENT = re.compile(r"(?:^|[ \t])#", re.MULTILINE)
_QUESTION_MARK = ("inside [ ] and { } the YAML parser would read a '?' before text as a key's "
                 "marker; quote text that starts with '?'")
_NAME_END = ":?"
_WRITTEN_NAME = re.compile(r"[^\s,\[\]{}]+")
_BLANK = " \t\n"
# A block scalar's header: properties, '|' or '>', its indicators, then a glued '#'.
_GLUED_HEADER = re.compile(r"(?:[&!][^ \t\n]*[ \t]+)*[|>][1-9+-]{0,2}#")
_NODES = (yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent,
          yaml.SequenceEndEvent, yaml.MappingEndEvent)


def find_deviation(text: str) -> YamlProblem | None:
    """The first place where libyaml would read `text` silently other than YAML 1.2 does.

    Call it only on text that parsed without error.
    """
    if not _suspect(text):
        return None
    parser = _Parser(text)
    try:
        return _scan_events(parser, text)
    except yaml.YAMLError:  # pragma: no cover - the text parsed once already
        return None
    finally:
        parser.dispose()


def _suspect(text: str) -> bool:
    """Whether `text` may hold a deviation, by a look at its few '#', '&' and '?'."""
    at = text.find("#")
    while at >= 0:
        if (at > 0 and text[at - 1] not in _BLANK) or _after_wide_blank(text, at):
            return True
        at = text.find("#", at + 1)
    if "&" in text and _ANCHOR_CUT.search(text):
        return True
    at = text.find("?")
    while at >= 0:
        if _glued_question(text, at) and _after_flow_mark(text, at):
            return True
        at = text.find("?", at + 1)
    return False


def _glued_question(text: str, at: int) -> bool:
    # YAML 1.2 reads '?' and the text after it as text; before a space or a bracket,
    # the '?' marks a key, in libyaml too.
    return text[at + 1:at + 2] not in ("", *_BLANK, ",", "[", "]", "{", "}")


def _after_flow_mark(text: str, at: int) -> bool:
    """Whether what comes before `at`, past spaces, comments and line breaks, is '[',
    '{' or ','."""
    end = at
    while True:
        start = text.rfind("\n", 0, end) + 1
        comment = _COMMENT.search(text, start, end)
        kept = text[start:comment.start() if comment else end].rstrip()
        if kept:
            return kept[-1] in "[{,"
        if start == 0:
            return False
        end = start - 1


def _after_wide_blank(text: str, at: int) -> bool:
    # A comment's line after a line of spaces: maybe block text that libyaml ends early.
    start = text.rfind("\n", 0, at) + 1
    if start < 2 or text[start:at].strip(" "):
        return False
    above = text[text.rfind("\n", 0, start - 1) + 1:start - 1]
    return bool(above) and not above.strip(" ")


def _scan_events(parser: Any, text: str) -> YamlProblem | None:
    end = -1  # where the last token that events show ended
    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is yaml.StreamEndEvent:
            return _in_gap(text, end, len(text))
        if kind is yaml.DocumentStartEvent:
            end = event.end_mark.index
            continue
        if kind not in _NODES:
            continue
        start = event.start_mark.index
        # A pair in [ ] opened by '?' starts at the '?' it was read from.
        stop = start + 1 if kind is yaml.MappingStartEvent and text[start:start + 1] == "?" \
            else start
        problem = _in_gap(text, end, stop) or _anchor_cut(text, event) \
            or _glued_header(text, event, start) or _wide_start(text, event, start)
        if problem is not None:
            return problem
        end = max(end, event.end_mark.index)


def _in_gap(text: str, begin: int, stop: int) -> YamlProblem | None:
    # Between two events there are only indicators, spaces and comments: a '#' there is
    # one that libyaml took for a comment, a '?' one it took for a key's marker.
    at = max(begin, 0)
    while (found := _GAP_MARK.search(text, at, stop)) is not None:
        at = found.start()
        if text[at] == "?":
            if _glued_question(text, at):
                return problem_at(text, at, _QUESTION_MARK)
            at += 1
            continue
        if at > 0 and text[at - 1] not in _BLANK:
            return _glued(text, at)
        at = text.find("\n", at, stop)
        if at < 0:
            return None
    return None


def _anchor_cut(text: str, event: Any) -> YamlProblem | None:
    name = getattr(event, "anchor", None)
    if name is None:
        return None
    sigil = "*" if type(event) is yaml.AliasEvent else "&"
    at = text.find(sigil + name, event.start_mark.index)
    after = at + 1 + len(name)
    if at < 0 or after >= len(text) or text[after] not in _NAME_END:
        return None
    written = _WRITTEN_NAME.match(text, at + 1)
    shown = sigil + (written.group() if written else name)
    return problem_at(text, at, f"the YAML parser would cut the anchor name '{shown}' short at "
                                f"'{text[after]}'; use only letters, digits, '-' and '_' in "
                                "anchor names")


def _glued_header(text: str, event: Any, start: int) -> YamlProblem | None:
    if getattr(event, "style", None) not in ("|", ">"):
        return None
    glued = _GLUED_HEADER.match(text, start)
    if glued is None:
        return None
    return _glued(text, glued.end() - 1)


def _wide_start(text: str, event: Any, start: int) -> YamlProblem | None:
    # libyaml takes block text to be indented as far as its widest leading blank line, so
    # a first line indented less ends the text and is read as a comment if it is one;
    # YAML 1.2 refuses the text.
    if getattr(event, "style", None) not in ("|", ">") or event.value.strip(" \n"):
        return None
    at = text.find("\n", start) + 1
    while (end := text.find("\n", at)) >= 0 and not text[at:end].strip(" "):
        at = end + 1
    first = text[at:end] if end >= 0 else text[at:]
    header = text[text.rfind("\n", 0, start) + 1:start]
    if not first.lstrip(" ").startswith("#") or indent_of(first) <= indent_of(header):
        return None
    blank = wide_blank_line(text, text.count("\n", 0, at) + 1)
    return None if blank is None else problem_at(text, blank, WIDE_BLANK_LINE)


def _glued(text: str, at: int) -> YamlProblem:
    return problem_at(text, at, f"YAML syntax error: '#' right after '{text[at - 1]}' starts no "
                                "comment; put a space before a comment's '#', or quote a value "
                                "that holds '#'")
