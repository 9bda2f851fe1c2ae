"""What a record page shows of its own record's trust: when it was updated, what was
corrected (newest first), and the verdicts on the claims its facts check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.check.validate import Correction, Fact, Record
from generator.render.linkview import LinkView
from generator.render.messages import Messages


@dataclass(frozen=True, slots=True)
class CorrectionView:
    """One correction of the record, with links to the facts it concerns on the page."""

    number: int
    anchor: str
    date: str
    date_label: str
    text: str
    facts: tuple[LinkView, ...]


@dataclass(frozen=True, slots=True)
class VerdictView:
    """A fact-check's verdict: the rating, where it stands on the site's scale (1 = worst),
    and who made the claim."""

    rating: str
    rank: int
    scale: int
    claimant: LinkView


def correction_anchor(number: int) -> str:
    """The id of a correction on its record's page."""
    return f"correction-{number}"


def correction_views(record: Record, words: Messages) -> tuple[CorrectionView, ...]:
    """The record's corrections as its page shows them, newest first."""
    newest = newest_first(record.corrections)
    return tuple(CorrectionView(c.number, correction_anchor(c.number), c.date,
                                words.date(c.date), c.text,
                                tuple(LinkView(words.gettext("fact %(n)s") % {"n": n},
                                               f"#fact-{n}", fact=n)
                                      for n in c.facts)) for c in newest)


def newest_first(corrections: tuple[Correction, ...]) -> list[Correction]:
    """A record's corrections, newest first (of one date, the later written first)."""
    return sorted(corrections, key=lambda c: (c.date, c.number), reverse=True)


def corrections_of(record: Record, fact: Fact) -> tuple[str, ...]:
    """The anchors of the corrections that concern `fact`, newest first."""
    return tuple(correction_anchor(c.number) for c in newest_first(record.corrections)
                 if fact.number in c.facts)


def verdict_view(fact: Fact, ratings: tuple[str, ...], link: Callable[[str], LinkView]
                 ) -> tuple[VerdictView, ...]:
    """The verdict of a rated fact, or () for a fact that rates nothing."""
    if fact.rating is None or fact.claimed_by is None or fact.rating not in ratings:
        return ()
    return (VerdictView(fact.rating, ratings.index(fact.rating) + 1, len(ratings),
                        link(fact.claimed_by)),)
