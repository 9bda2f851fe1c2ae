"""What a link to a record shows wherever it is linked from, worked out once per Site.

A record of a big site is linked from its list pages, its neighbours' backlinks, the facts
that cite it and their cards: hundreds of links per page, the same few thousand records.
Each one's title, type label, subtitle, provenance and page path are found once, not per link.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.link.link import Site
from generator.render.persite import per_site
from generator.render.provenance import Provenance, source_provenance


@dataclass(frozen=True, slots=True)
class Target:
    """What every link to one record shows, but for its URL relative to the linking page."""

    title: str
    type_label: str
    subtitle: str
    provenance: Provenance | None
    path: str  # its page's output path


@per_site
def _targets(site: Site) -> dict[str, Target]:
    return {}  # filled in as records are asked for


def link_target(site: Site, key: str) -> Target:
    """The Target of record `key` of `site`."""
    known = _targets(site)
    found = known.get(key)
    if found is None:
        record = site.records[key]
        found = known[key] = Target(record.title, site.config.type(record.type).label,
                                    site.subtitles.get(key, ""),
                                    source_provenance(site.config, record), site.page_path(key))
    return found
