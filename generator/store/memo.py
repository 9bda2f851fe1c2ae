"""Parsing, validation, links and quotes of unchanged records, reused from the last build."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from generator.errors import Diagnostic
from generator.store.cache import BuildCache, digest
from generator.store.inputs import Stamp

if TYPE_CHECKING:  # the stages are imported only when a build has work to do
    from generator.check.validate import Record
    from generator.link.reuse import Linked
    from generator.read.load import RawRecord
    from generator.read.yamlsrc import Document


SETTLED_NS = 2_000_000_000  # FAT's clock ticks every 2 s; most others' every few ms
Validate = Callable[["RawRecord"], tuple["Record | None", list[Diagnostic]]]


class RecordMemo:
    """Parsing and validation that reuses the last build's results for unchanged files."""

    def __init__(self, previous: BuildCache | None, fresh: BuildCache) -> None:
        self.previous = previous
        self.fresh = fresh

    def parse(self, path: str, raw: bytes) -> Document | Diagnostic:
        """`parse_yaml`, or the last result for these very bytes."""
        from generator.read.yamlsrc import parse_yaml

        key = digest(raw)
        old = self.previous.parsed.get(path) if self.previous else None
        doc = old[1] if old is not None and old[0] == key else parse_yaml(path, raw)
        self.fresh.parsed[path] = (key, doc)
        return doc

    def unchanged(self, path: str) -> Document | Diagnostic | None:
        """The last parse of the file at `path` when it is, by its time stamps, as the last
        build read it; else None, and the file is read.

        A stamp is trusted only when the file's change time is SETTLED_NS older than the
        last build's look at it: a file changed soon after that look could keep its stamp
        on a file system whose clock ticks coarsely. No one can set a change time.
        """
        previous = self.previous
        stamp = self.fresh.inputs.get(path)
        if previous is None or not isinstance(stamp, Stamp) or stamp.size < 0 \
                or previous.inputs.get(path) != stamp \
                or stamp.ctime_ns > previous.scanned_ns - SETTLED_NS:
            return None
        old = previous.parsed.get(path)
        if old is None:
            return None
        self.fresh.parsed[path] = old
        return old[1]

    def validate(self, types: bytes, raw: RawRecord, run: Validate
                 ) -> tuple[Record | None, list[Diagnostic]]:
        """`run(raw)`, or the last result when the document and the types are the same."""
        self.fresh.types = types
        old = self.previous.validated.get(raw.doc.path) if self.previous else None
        if old is not None and old[0] is raw.doc and self.previous is not None \
                and self.previous.types == types:
            record, problems = old[1], list(old[2])
        else:
            record, problems = run(raw)
        self.fresh.validated[raw.doc.path] = (raw.doc, record, tuple(problems))
        return record, problems


    def linked(self, record: Record) -> Linked | None:
        """How the last build linked `record`, if it is the very record that build checked."""
        if self.previous is None:
            return None
        old = self.previous.validated.get(record.path)
        return self.previous.linked.get(record.path) if old and old[1] is record else None

    def keep_linked(self, record: Record, linked: Linked) -> None:
        """Keep how `record` was linked, for the next build."""
        self.fresh.linked[record.path] = linked

    def links(self, text: str, inline: bool, find: Callable[[str, bool], list[str]]
              ) -> tuple[str, ...]:
        """`find(text, inline)`: the link targets in a Markdown text, found once per text."""
        old = self.previous.links.get((text, inline)) if self.previous else None
        found = old if old is not None else tuple(find(text, inline))
        self.fresh.links[(text, inline)] = found
        return found

    def sort_key(self, language: str, title: str, find: Callable[[str], bytes]) -> bytes:
        """`find(title)`: where a title sorts in a language, worked out once per title."""
        old = self.previous.collation.get((language, title)) if self.previous else None
        found = old if old is not None else find(title)
        self.fresh.collation[(language, title)] = found
        return found

    def quote(self, source_hash: bytes, quote: str,
              find: Callable[[], tuple[int, int] | str]) -> tuple[int, int] | str:
        """`find()`: where a quote is in a source's text (by its hash), looked for once."""
        old = self.previous.quotes.get((source_hash, quote)) if self.previous else None
        found = old if old is not None else find()
        self.fresh.quotes[(source_hash, quote)] = found
        return found
