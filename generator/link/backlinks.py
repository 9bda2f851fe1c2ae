"""Backlinks: what points at a record, grouped by label and put in a reader's order."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from generator.check.validate import Record
from generator.site.model import SiteConfig
from generator.site.schema import FIELD_TYPES

ABOUT_LABEL = "Facts about it"
MENTION_LABEL = "Mentioned in"
CITED_LABEL = "Cited in"
CLAIMS_LABEL = "Claims checked"


@dataclass(frozen=True, slots=True, order=True)
class Backlink:
    """A record (and, when `fact` > 0, one of its facts) that points at another record."""

    record: str
    fact: int = 0


@dataclass(frozen=True, slots=True)
class BacklinkGroup:
    """Backlinks that share one label, e.g. 'Companies headquartered here'."""

    label: str
    links: tuple[Backlink, ...]


@dataclass
class Edges:
    """Backlinks as they are found: target key -> label -> links."""

    by_target: dict[str, dict[str, set[Backlink]]] = dataclasses.field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))

    def add(self, target: str, label: str, link: Backlink) -> None:
        """Record that `link` points at `target`, unless it is the target itself."""
        if target != link.record:
            self.by_target[target][label].add(link)


def title_order(record: Record) -> tuple[str, str]:
    """Sort key: by title as a reader would alphabetise it, then by slug."""
    return record.title.casefold(), record.slug


def label_rank(config: SiteConfig) -> dict[str, int]:
    """Declared inverse labels first, in declaration order, then the built-in ones."""
    order = [f.inverse or t.plural for t in config.types for f in t.fields
             if FIELD_TYPES[f.type].is_ref]
    order += [CLAIMS_LABEL, CITED_LABEL, ABOUT_LABEL, MENTION_LABEL]
    return {label: i for i, label in reversed(list(enumerate(order)))}


def group_backlinks(labels: dict[str, set[Backlink]], rank: dict[str, int],
                    records: dict[str, Record]) -> tuple[BacklinkGroup, ...]:
    """The groups of one target's backlinks, ranked by label, each in title order."""
    def link_order(link: Backlink) -> tuple[tuple[str, str], int]:
        return title_order(records[link.record]), link.fact

    return tuple(BacklinkGroup(label, tuple(sorted(labels[label], key=link_order)))
                 for label in sorted(labels, key=lambda lbl: (rank.get(lbl, len(rank)), lbl)))
