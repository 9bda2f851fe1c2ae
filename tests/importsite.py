"""A small site whose `place` type has a field of every field type, for the import tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.conftest import write_files

SITE_YAML = """\
title: Import test site
language: en
base_url: https://example.org/
types:
  place:
    folder: places
    label: Place
    plural: Places
    fields:
      name:       {type: text, required: true}
      kind:       {type: text, required: true}
      population: {type: integer}
      area:       {type: number, label: Area in km2}
      founded:    {type: date}
      year:       {type: year, label: Census year}
      website:    {type: url}
      region:     {type: ref, to: region}
      twins:      {type: refs, to: place, inverse: Twinned with}
      tags:       {type: list}
      summary:    {type: markdown}
  region:
    folder: regions
    label: Region
    plural: Regions
    fields:
      name: {type: text, required: true}
  source:
    folder: sources
    label: Source
    plural: Sources
    fields:
      title: {type: text, required: true}
      text:  {type: text}
"""

RECORDS = {
    "content/regions/north.yaml": "name: North\n",
    "content/regions/south.yaml": "name: South\n",
    "content/regions/springfield.yaml": "name: Springfield\n",
    "content/regions/springfield-2.yaml": "name: Springfield\n",
    "content/places/oldtown.yaml": "name: Oldtown\nkind: town\n",
    "content/places/south.yaml": "name: South Bay\nkind: bay\n",  # a slug of two types
    "content/sources/gazette.yaml": "title: The Gazette\ntext: |\n  Oldtown has a new "
                                    "mayor. The “river” floods each spring.\n",
}


def write_import_site(root: Path) -> Path:
    """The site: regions (two titled Springfield), places, one slug of both types, a source."""
    return write_files(root, {"site.yaml": SITE_YAML, **RECORDS})


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    """Rows as CSV text, quoted where needed, lines ended as spreadsheets end them."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def content_bytes(site: Path) -> dict[str, bytes]:
    """Every file under content/, hidden ones too: what an import may change."""
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted((site / "content").rglob("*")) if p.is_file()}
