"""A generated site of many records for the tests of long listings: lists, browse pages,
backlink groups and timeline years, at any size and page size."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_files

SOURCE_TEXT = "The council met on Monday. Every town sent a report. The reports were read aloud."
QUOTE = "Every town sent a report"
REGIONS = ("North", "South", "East", "West", "Île-de-France")


def site_yaml(page_size: int) -> str:
    """The site's settings: towns with a facet and a subtitle, firms that ref them."""
    return f"""title: Many towns
description: Towns, the firms based in them and the council's minutes.
page_size: {page_size}
types:
  town:
    folder: towns
    plural: Towns
    subtitle: region
    fields:
      name: {{type: text, required: true}}
      region: {{type: text, facet: true}}
      tags: {{type: list, facet: true}}
      founded: {{type: year, facet: true}}
  firm:
    folder: firms
    fields:
      name: {{type: text, required: true}}
      seat: {{type: ref, to: town, inverse: Firms based here, facet: true}}
  source:
    folder: sources
    fields:
      title: {{type: text, required: true}}
      text: {{type: text}}
"""


def town_name(i: int) -> str:
    """Names that start with many letters, a few repeated (two towns called 'Adampur')."""
    if i % 10 == 3:
        return "Adampur"
    return f"{chr(ord('A') + (i * 7) % 26)}{'ville' if i % 2 else 'burg'} {i}"


def town_file(i: int, dated: bool = True) -> str:
    """A town's YAML: a region, tags, a year and one dated fact."""
    fact = (f"facts:\n  - text: Sent a report.\n    source: council\n    quote: {QUOTE}\n"
            + (f"    date: {1900 + i % 7}-0{1 + i % 9}-1{i % 10}\n" if dated else ""))
    return (f"name: {town_name(i)}\nregion: {REGIONS[i % len(REGIONS)]}\n"
            f"tags: [t{i % 3}, all]\nfounded: {1800 + i % 4}\n{fact}")


def write_list_site(root: Path, towns: int, firms: int = 0, page_size: int = 10) -> Path:
    """A site of `towns` towns and `firms` firms all seated in town 0; returns its folder."""
    files: dict[str, str] = {
        "site.yaml": site_yaml(page_size),
        "content/sources/council.yaml": f"title: Council minutes\ntext: {SOURCE_TEXT}\n",
    }
    for i in range(towns):
        files[f"content/towns/town-{i}.yaml"] = town_file(i)
    for i in range(firms):
        files[f"content/firms/firm-{i}.yaml"] = f"name: Firm {i:05d}\nseat: town-0\n"
    return write_files(root, files)
