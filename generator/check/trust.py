"""What a record says about its own trustworthiness, checked beyond its schema: corrections
that name real facts and come before the record's `updated` date, ratings from the site's
scale given to a claim someone made, and archived sources that say where the snapshot is."""

from __future__ import annotations

from typing import Any

from generator.errors import Diagnostic, did_you_mean
from generator.read.yamlsrc import Document
from generator.site.config import rating_label
from generator.site.model import SiteConfig
from generator.site.schema import SOURCE_TYPE


def trust_problems(config: SiteConfig, type_name: str, doc: Document) -> list[Diagnostic]:
    """The errors of one record's corrections, ratings and archive fields."""
    data: dict[str, Any] = doc.data
    return [*_corrections(doc, data), *_ratings(config, doc, data),
            *(_archive(doc, data) if type_name == SOURCE_TYPE else [])]


def _corrections(doc: Document, data: dict[str, Any]) -> list[Diagnostic]:
    corrections, facts, updated = data.get("corrections"), data.get("facts"), data.get("updated")
    if not isinstance(corrections, list):
        return []
    count = len(facts) if isinstance(facts, list) else 0
    problems = []
    for i, correction in enumerate(corrections):
        if not isinstance(correction, dict):
            continue
        for j, number in enumerate(correction.get("facts") or ()):
            if isinstance(number, int) and not 1 <= number <= count:
                problems.append(doc.error(("corrections", i, "facts", j), f"there is no fact "
                                          f"{number}: this record has {count} fact"
                                          f"{'s' * (count != 1)}"))
        date = correction.get("date")
        if isinstance(date, str) and isinstance(updated, str) and date > updated:
            problems.append(doc.error(("corrections", i, "date"), f"this correction is dated "
                                      f"{date}, after the record's 'updated' date {updated}; "
                                      "set 'updated' to the day of the latest correction"))
    return problems


def _ratings(config: SiteConfig, doc: Document, data: dict[str, Any]) -> list[Diagnostic]:
    facts = data.get("facts")
    problems = []
    for i, fact in enumerate(facts if isinstance(facts, list) else ()):
        if not isinstance(fact, dict) or not isinstance(fact.get("rating"), str | bool):
            continue
        at = ("facts", i, "rating")
        rating = rating_label(fact["rating"])
        if "claimed_by" not in fact:
            problems.append(doc.error(at, "a rating needs 'claimed_by': the record of who made "
                                          "the claim that is rated"))
        elif not config.ratings:
            problems.append(doc.error(at, "a rating needs the site's scale of verdicts: list "
                                          "them under 'ratings' in site.yaml, worst first"))
        elif rating not in config.ratings:
            problems.append(doc.error(at, f"unknown rating '{rating}'"
                                          f"{did_you_mean(rating, config.ratings)}; the ratings "
                                          f"are {', '.join(config.ratings)}"))
    return problems


def _archive(doc: Document, data: dict[str, Any]) -> list[Diagnostic]:
    if data.get("archived") is not None and data.get("archive_url") is None:
        return [doc.error(("archived",), "'archived' needs 'archive_url': the address of the "
                                         "snapshot archived on that date", key=True)]
    return []
