"""The linked site: what the render stage reads, and what linking may reuse from the last build."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from generator import urls
from generator.check.validate import Record
from generator.link.aliases import Aliases
from generator.link.backlinks import BacklinkGroup
from generator.link.facets import Facets
from generator.link.quotes import QuoteMark
from generator.link.reuse import Linked
from generator.site.model import SiteConfig


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the render stage needs, read-only: records and how they connect."""

    config: SiteConfig
    records: dict[str, Record]
    by_type: dict[str, tuple[Record, ...]]
    backlinks: dict[str, tuple[BacklinkGroup, ...]]
    quote_marks: dict[str, tuple[QuoteMark, ...]]
    fact_anchors: dict[tuple[str, int], str]  # (record, fact) -> its quote's mark
    facets: Facets = dataclasses.field(default_factory=dict)
    subtitles: dict[str, str] = dataclasses.field(default_factory=dict)  # only where titles repeat
    # (record, fact, n) -> the mark of the fact's n-th `also` quote, counting from 1
    also_anchors: dict[tuple[str, int, int], str] = dataclasses.field(default_factory=dict)
    aliases: Aliases = dataclasses.field(default_factory=dict)  # "type:former" -> record key
    # record key -> the former slugs its refs and links name, each with the key it resolved
    # to (where it names any): a link's URL changes with them, though the record does not
    resolved: dict[str, tuple[tuple[str, str], ...]] = dataclasses.field(default_factory=dict)

    @property
    def type_names(self) -> frozenset[str]:
        """The declared type names."""
        return frozenset(t.name for t in self.config.types)

    def page_path(self, key: str) -> str:
        """The output path of record `key`'s page."""
        record = self.records[key]
        return urls.record_page(self.config.type(record.type).folder, record.slug)

    def records_in_order(self) -> list[Record]:
        """Every record, type by type as declared, each type's by title."""
        return [r for t in self.config.types for r in self.by_type[t.name]]


class LinkMemo(Protocol):
    """Link and quote searches of the last build, reused for unchanged texts (cache.RecordMemo)."""

    def links(self, text: str, inline: bool, find: Callable[[str, bool], list[str]]
              ) -> tuple[str, ...]: ...

    def linked(self, record: Record) -> Linked | None: ...

    def keep_linked(self, record: Record, linked: Linked) -> None: ...

    def quote(self, source_hash: bytes, quote: str,
              find: Callable[[], tuple[int, int] | str]) -> tuple[int, int] | str: ...

    def sort_key(self, language: str, title: str, find: Callable[[str], bytes]) -> bytes: ...
