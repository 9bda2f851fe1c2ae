"""The link to a record that every view is made of."""

from __future__ import annotations

from dataclasses import dataclass

from generator.render.provenance import Provenance


@dataclass(frozen=True, slots=True)
class LinkView:
    """A link to a record (or one of its facts) from the page being built."""

    title: str
    url: str
    type_label: str = ""
    fact: int = 0
    subtitle: str = ""  # set only where another record of its type has the same title
    provenance: Provenance | None = None  # a source's publisher, date, archived copy, …
