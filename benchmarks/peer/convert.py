#!/usr/bin/env python3
"""corpus.json -> a factsheet site, for the peer benchmark harness and benchmarks/run.py.

    python3 benchmarks/peer/convert.py CORPUS.json SITE_DIR

Writes SITE_DIR/site.yaml (the four record types, with the corpus's fields) and one
content/<folder>/<slug>.yaml per entity and source, as a person would write them: plain
YAML scalars where they are safe, quoted ones where not, Markdown in literal blocks. The
default theme renders them; there are no templates of our own.

Sources in factsheet carry their full text, and the build checks that every quote occurs in
it. The corpus has no source texts, so each is made from the quotes that cite it: a first
paragraph naming the source, then the distinct quotes, sorted, four to a paragraph.

Standard library only (the harness runs this with the system python3); the same corpus
gives the same files, byte for byte.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Corpus = dict[str, Any]
Entity = dict[str, Any]

HEADER = "# Written by benchmarks/peer/convert.py from a benchmark corpus; do not edit by hand.\n"
BASE_URL = "https://example.org/bench/"
QUOTES_PER_PARAGRAPH = 4
# corpus key -> (record type, content folder)
KINDS = {"companies": ("company", "companies"), "cities": ("city", "cities"),
         "studies": ("study", "studies"), "sources": ("source", "sources")}

SITE_TYPES = """\
types:
  company:
    folder: companies
    label: Company
    plural: Companies
    schema_org: Corporation
    fields:
      name:         {type: text, required: true}
      founded:      {type: year}
      headquarters: {type: ref, to: city, inverse: Companies headquartered here}
      description:  {type: markdown}
  city:
    folder: cities
    label: City
    plural: Cities
    schema_org: City
    fields:
      name:       {type: text, required: true}
      state:      {type: text}
      country:    {type: text}
      population: {type: integer}
  study:
    folder: studies
    label: Study
    plural: Studies
    schema_org: Report
    fields:
      title:     {type: text, required: true}
      publisher: {type: text}
      year:      {type: year}
      findings:  {type: markdown}
      subjects:  {type: refs, to: company, inverse: Studied in}
  source:
    folder: sources
    label: Source
    plural: Sources
    schema_org: CreativeWork
    fields:
      title:     {type: text, required: true}
      publisher: {type: text}
      date:      {type: date, label: Published}
      url:       {type: url, label: Address}
      text:      {type: text, description: The source's full text; facts quote it verbatim.}
"""

# Text that reads back as itself when written as a plain YAML scalar: starts with a letter,
# no ': ' or ' #', nothing YAML gives a meaning to at the start, not a keyword.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;'()*?!/&-]*")
_KEYWORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when that is safe, else double-quoted (JSON syntax)."""
    if (_PLAIN.fullmatch(text) and ": " not in text and " #" not in text
            and not text.endswith((":", " ")) and text.lower() not in _KEYWORDS):
        return text
    return json.dumps(text, ensure_ascii=False)


def block(text: str, indent: str) -> str:
    """`text` as a literal block scalar (`|`), for Markdown and source texts."""
    lines = [indent + line if line else "" for line in text.strip("\n").split("\n")]
    return "|\n" + "\n".join(lines)


def site_yaml(corpus: Corpus) -> str:
    """The site's settings and its four record types."""
    counts = ", ".join(f"{len(corpus[key])} {key}" for key in KINDS)
    return (f"{HEADER}title: Benchmark site of {corpus['entities']} records\n"
            f"description: Invented companies, cities and studies ({counts}), "
            "each fact quoting an invented source.\n"
            f"language: en\nbase_url: {BASE_URL}\n{SITE_TYPES}")


def _facts(facts: Iterable[Entity]) -> list[str]:
    lines = ["facts:"]
    for fact in facts:
        lines += [f"  - date: {fact['date']}",
                  f"    text: {scalar(fact['text'])}",
                  f"    source: {fact['source']}",
                  f"    quote: {scalar(fact['quote'])}"]
    return lines if len(lines) > 1 else []


def record_yaml(kind: str, entity: Entity, source_text: str = "") -> str:
    """The YAML file of one corpus entity of `kind` ('companies', 'cities', ...)."""
    if kind == "companies":
        lines = [f"name: {scalar(entity['name'])}", f"founded: {entity['founded']}",
                 f"headquarters: {entity['headquarters']}",
                 "description: " + block(entity["description"], "  ")]
    elif kind == "cities":
        lines = [f"name: {scalar(entity['name'])}", f"state: {scalar(entity['state'])}",
                 f"country: {scalar(entity['country'])}", f"population: {entity['population']}"]
    elif kind == "studies":
        lines = [f"title: {scalar(entity['title'])}",
                 f"publisher: {scalar(entity['publisher'])}", f"year: {entity['year']}",
                 "findings: " + block(entity["findings"], "  "),
                 "subjects: [" + ", ".join(entity["subjects"]) + "]"]
    elif kind == "sources":
        lines = [f"title: {scalar(entity['title'])}",
                 f"publisher: {scalar(entity['publisher'])}", f"date: {entity['date']}",
                 f"url: {entity['url']}", "text: " + block(source_text, "  ")]
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return "\n".join(lines + _facts(entity.get("facts", ()))) + "\n"


def source_texts(corpus: Corpus) -> dict[str, str]:
    """Source slug -> a full text holding every quote that cites the source, deterministically."""
    quotes: dict[str, set[str]] = {s["slug"]: set() for s in corpus["sources"]}
    for kind in ("companies", "cities", "studies"):
        for entity in corpus[kind]:
            for fact in entity["facts"]:
                quotes[fact["source"]].add(fact["quote"])
    texts = {}
    for source in corpus["sources"]:
        lead = f"{source['title']}, published by {source['publisher']} on {source['date']}."
        ordered = sorted(quotes[source["slug"]])
        paragraphs = [" ".join(ordered[i:i + QUOTES_PER_PARAGRAPH])
                      for i in range(0, len(ordered), QUOTES_PER_PARAGRAPH)]
        texts[source["slug"]] = "\n\n".join([lead, *paragraphs])
    return texts


def record_path(site_dir: Path, kind: str, slug: str) -> Path:
    """Where the record of a corpus entity lives: SITE_DIR/content/<folder>/<slug>.yaml."""
    return site_dir / "content" / KINDS[kind][1] / f"{slug}.yaml"


def write_site(corpus: Corpus, site_dir: Path) -> None:
    """Write the factsheet site of `corpus` into `site_dir`, replacing an earlier one.

    Refuses a non-empty folder that this function did not write (its site.yaml starts with
    HEADER), so a wrong argument cannot wipe someone's work.
    """
    _clear(site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "site.yaml").write_text(site_yaml(corpus), encoding="utf-8")
    texts = source_texts(corpus)
    for kind, (_, folder) in KINDS.items():
        (site_dir / "content" / folder).mkdir(parents=True, exist_ok=True)
        for entity in corpus[kind]:
            text = record_yaml(kind, entity, texts.get(entity["slug"], ""))
            record_path(site_dir, kind, entity["slug"]).write_text(text, encoding="utf-8")


def _clear(site_dir: Path) -> None:
    if not site_dir.exists() or not any(site_dir.iterdir()):
        return
    config = site_dir / "site.yaml"
    if not config.is_file() or not config.read_text(encoding="utf-8").startswith(HEADER):
        raise SystemExit(f"{site_dir}: not empty and not a site written by convert.py; "
                         "refusing to replace it")
    shutil.rmtree(site_dir)


def main(argv: list[str]) -> int:
    """convert.py CORPUS SITE_DIR"""
    if len(argv) != 2:
        print("usage: convert.py CORPUS.json SITE_DIR", file=sys.stderr)
        return 2
    corpus = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    write_site(corpus, Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
