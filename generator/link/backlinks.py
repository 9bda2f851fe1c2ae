"""Backlinks: what points at a record, grouped by label and put in a reader's order."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from generator.i18n import N_
from generator.site.model import SiteConfig
from generator.site.schema import FIELD_TYPES

ABOUT_LABEL = N_("Facts about it")
MENTION_LABEL = N_("Mentioned in")
CITED_LABEL = N_("Cited in")
CLAIMS_LABEL = N_("Claims checked")
BUILT_IN_LABELS = frozenset({ABOUT_LABEL, MENTION_LABEL, CITED_LABEL, CLAIMS_LABEL})


@dataclass(frozen=True, slots=True, order=True)
class Backlink:
    """A record (and, when `fact` > 0, one of its facts) that points at another record."""

    record: str
    fact: int = 0

    def __reduce__(self) -> tuple[type[Backlink], tuple[str, int]]:
        # Pickled for the build cache; the default for slotted dataclasses is far slower.
        return Backlink, (self.record, self.fact)


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


def label_rank(config: SiteConfig) -> dict[str, int]:
    """Declared inverse labels first, in declaration order, then the built-in ones."""
    order = [f.inverse or t.plural for t in config.types for f in t.fields
             if FIELD_TYPES[f.type].is_ref]
    order += [CLAIMS_LABEL, CITED_LABEL, ABOUT_LABEL, MENTION_LABEL]
    return {label: i for i, label in reversed(list(enumerate(order)))}


def group_backlinks(labels: dict[str, set[Backlink]], rank: dict[str, int],
                    order: dict[str, int]) -> tuple[BacklinkGroup, ...]:
    """The groups of one target's backlinks, ranked by label, each in title order (`order`:
    each record's place among the site's titles, collation.ranks)."""
    def link_order(link: Backlink) -> tuple[int, int]:
        return order[link.record], link.fact

    return tuple(BacklinkGroup(label, tuple(sorted(labels[label], key=link_order)))
                 for label in sorted(labels, key=lambda lbl: (rank.get(lbl, len(rank)), lbl)))
