"""Linking one record asks a few questions of the rest of the site (is there a record with
this key, which record had this slug before, what does this source say). Kept with the
questions and their answers, the linking of an unchanged record is reused by a later build
while the answers stay the same, and only the records an edit reaches are linked again."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from generator.check.validate import Record
from generator.errors import Diagnostic
from generator.link.aliases import Aliases
from generator.link.backlinks import Backlink, Edges
from generator.link.quotes import Span
from generator.site.model import SiteConfig
from generator.site.schema import SOURCE_TEXT_FIELD

Answer = bool | str | tuple[str, ...] | bytes | None
Asked = tuple[tuple[str, str, Answer], ...]  # (question, about what, answer), in order
Edge = tuple[str, str, Backlink]  # target key, label, the link to it


@dataclass(frozen=True, slots=True)
class Linked:
    """One record's linking: the linked record, what it asked, and what it added to the site."""

    record: Record
    settings: bytes  # a hash of the settings it was linked with
    asked: Asked
    edges: tuple[Edge, ...]
    spans: tuple[tuple[str, Span], ...]  # source key, a quote's place in its text
    warnings: tuple[Diagnostic, ...]  # a record whose linking found errors is not kept

    def __reduce__(self) -> tuple[type[Linked], tuple[object, ...]]:
        # Pickled for the build cache; the default for slotted dataclasses is far slower.
        return Linked, (self.record, self.settings, self.asked, self.edges, self.spans,
                        self.warnings)

    def replay(self, edges: NotedEdges, quotes: dict[str, list[Span]],
               diagnostics: list[Diagnostic]) -> None:
        """Add to the site's backlinks, quotes and warnings what this linking added."""
        edges.add_found(self.edges)
        for source, span in self.spans:
            quotes[source].append(span)
        diagnostics.extend(self.warnings)


def settings_hash(config: SiteConfig) -> bytes:
    """What every record's linking depends on: the settings (types, labels, language)."""
    return hashlib.blake2b(repr(config).encode(), digest_size=16).digest()


@dataclass
class NotedEdges(Edges):
    """The site's backlinks as they are found, each also noted until `taken`."""

    noted: list[Edge] = field(default_factory=list)

    def add(self, target: str, label: str, link: Backlink) -> None:
        super().add(target, label, link)
        self.noted.append((target, label, link))

    def add_found(self, found: tuple[Edge, ...]) -> None:
        """Add backlinks an earlier linking found, without noting them."""
        for target, label, link in found:
            super().add(target, label, link)

    def taken(self) -> tuple[Edge, ...]:
        """The backlinks noted since last taken."""
        noted, self.noted = tuple(self.noted), []
        return noted


class Lookups:
    """The site's keys, former slugs and sources as linking asks about them; each question
    is noted with its answer until `taken`."""

    def __init__(self, index: dict[str, Record], broken: frozenset[str],
                 aliases: Aliases) -> None:
        self.index = index
        self.broken = broken
        self.aliases = aliases
        self.slug_types: dict[str, list[str]] = {}
        for key in sorted({*index, *broken}):
            type_name, slug = key.split(":", 1)
            self.slug_types.setdefault(slug, []).append(type_name)
        self.text_hashes: dict[str, bytes] = {}
        self.asked: list[tuple[str, str, Answer]] = []

    def known(self, key: str) -> bool:
        """Is there a record with this key?"""
        return self._asked("known", key) is True

    def is_broken(self, key: str) -> bool:
        """Is this the key of a record whose file could not be read?"""
        return self._asked("broken", key) is True

    def alias(self, key: str) -> str | None:
        """The key of the record that had `key` before, if one did."""
        found = self._asked("alias", key)
        return found if isinstance(found, str) else None

    def types_of(self, slug: str) -> tuple[str, ...]:
        """The types that have a record (readable or not) with this slug."""
        return cast(tuple[str, ...], self._asked("types", slug))

    def source(self, key: str) -> Record | None:
        """The source record `key`, noted by a hash of its text."""
        self._asked("source", key)
        return self.index.get(key)

    def text_hash(self, key: str) -> bytes:
        """A hash of source `key`'s text (b'' when it has none)."""
        if key not in self.text_hashes:
            text = self.index[key].fields.get(SOURCE_TEXT_FIELD)
            self.text_hashes[key] = hashlib.blake2b(text.encode(), digest_size=16).digest() \
                if isinstance(text, str) else b""
        return self.text_hashes[key]

    def answers_still(self, asked: Asked) -> bool:
        """True when every question of an earlier linking has the same answer now."""
        return all(_ANSWERS[question](self, name) == was for question, name, was in asked)

    def taken(self) -> Asked:
        """The questions noted since last taken."""
        asked, self.asked = tuple(self.asked), []
        return asked

    def _asked(self, question: str, name: str) -> Answer:
        answer = _ANSWERS[question](self, name)
        self.asked.append((question, name, answer))
        return answer


# Each question's answer, asked as a record is linked and again when its linking is reused.
_ANSWERS: dict[str, Callable[[Lookups, str], Answer]] = {
    "known": lambda site, key: key in site.index,
    "broken": lambda site, key: key in site.broken,
    "alias": lambda site, key: site.aliases.get(key),
    "types": lambda site, slug: tuple(site.slug_types.get(slug, ())),
    "source": lambda site, key: site.text_hash(key) if key in site.index else None,
}
