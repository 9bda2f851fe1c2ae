"""A multilingual site is linked once per language: each language's records hold its own
texts (or the default language's where it has none), so titles, links in Markdown, listings
and their order are that language's. Refs, quotes and slugs are the same in every language.
"""

from __future__ import annotations

import dataclasses

from generator.check.validate import Record
from generator.errors import Diagnostic
from generator.link.link import link_site
from generator.link.site import LinkMemo, Site
from generator.site.catalogs import settings_in
from generator.site.model import SiteConfig


def localized(record: Record, language: str, config: SiteConfig) -> Record:
    """`record` as the pages of `language` show it."""
    translation = next((t for t in record.translations if t.language == language), None)
    if translation is None:
        return record
    fields = {**record.fields, **translation.fields}
    facts = tuple(dataclasses.replace(f, text=translation.facts[f.number])
                  if f.number in translation.facts else f for f in record.facts)
    title_field = config.type(record.type).title_field
    title = fields[title_field].strip() if title_field in translation.fields else record.title
    return dataclasses.replace(record, fields=fields, facts=facts, title=title)


def link_translations(config: SiteConfig, records: list[Record], broken: frozenset[str],
                      memo: LinkMemo | None) -> tuple[tuple[Site, ...], list[Diagnostic]]:
    """The Site of each further language of a multilingual site, and the problems that only
    its texts have (a link in a translation to a record that does not exist)."""
    sites, problems = [], []
    for language in config.languages[1:]:
        in_language = settings_in(config, language)
        site, found = link_site(in_language, [localized(r, language, config) for r in records],
                                broken, memo)
        problems += found
        if site is not None:
            sites.append(site)
    return tuple(sites), problems
