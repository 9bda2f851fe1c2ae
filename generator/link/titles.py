"""Subtitles: what tells apart two records of one type that share a title."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from generator.check.validate import Record
from generator.site.model import SiteConfig, TypeSpec
from generator.site.schema import FIELD_TYPES


def find_subtitles(config: SiteConfig, by_type: dict[str, tuple[Record, ...]],
                   records: dict[str, Record]) -> dict[str, str]:
    """Record key -> its subtitle, for each record whose title another of its type has.

    The subtitle is the type's `subtitle` field; where that is missing or the same for two
    of them, the slug (which is unique) says it.
    """
    subtitles: dict[str, str] = {}
    for t in config.types:
        same: dict[str, list[Record]] = defaultdict(list)
        for record in by_type[t.name]:
            same[record.title.casefold()].append(record)
        for group in same.values():
            if len(group) > 1:
                subtitles.update(_tell_apart(t, group, records))
    return subtitles


def _tell_apart(t: TypeSpec, group: list[Record], records: dict[str, Record]
                ) -> dict[str, str]:
    texts = {r.key: _subtitle_text(t, r, records) for r in group}
    seen = Counter(text for text in texts.values() if text)
    return {r.key: texts[r.key] if texts[r.key] and seen[texts[r.key]] == 1
            else f"{texts[r.key]}, {r.slug}" if texts[r.key] else r.slug for r in group}


def _subtitle_text(t: TypeSpec, record: Record, records: dict[str, Record]) -> str:
    spec = t.field(t.subtitle) if t.subtitle else None
    value: Any = record.fields.get(spec.name) if spec else None
    if spec is None or value is None:
        return ""
    items = value if isinstance(value, list) else [value]
    if FIELD_TYPES[spec.type].is_ref:
        items = [records[f"{spec.to}:{slug}"].title for slug in items]
    return ", ".join(str(item) for item in items)
