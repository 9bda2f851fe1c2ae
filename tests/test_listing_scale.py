"""Every page stays small at any size, and a reader can reach every page from the home page:
the benchmark corpus of 10,000 records here, 100,000 in `make bench` (marked slow).

Both sites get browse pages (facets on the cities' state and country) and subtitles, as a
real site of that size would.
"""

from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path

import pytest

from benchmarks.pagesizes import survey
from benchmarks.peer.convert import write_site
from benchmarks.synth import make_corpus
from generator.build import Options, build_site
from tests.gates import noindex

MAX_HTML_BYTES = 1_000_000
_HREF = re.compile(rb'href="([^"#?]+\.html)')


def scale_site(root: Path, entities: int) -> Path:
    """The benchmark corpus of `entities` records as a site, with facets and a subtitle."""
    site = root / "site"
    write_site(make_corpus(entities, 1), site)
    config = site / "site.yaml"
    text = config.read_text(encoding="utf-8")
    for field in ("state", "country"):
        text = re.sub(rf"( {field}: +\{{type: text)\}}", r"\1, facet: true}", text)
    text = text.replace("    schema_org: City\n", "    schema_org: City\n    subtitle: state\n")
    config.write_text(text, encoding="utf-8")
    return site


def reached_from_home(out: Path) -> set[str]:
    """Every HTML file reached by following links from index.html."""
    seen = {"index.html"}
    todo = deque(seen)
    while todo:
        rel = todo.popleft()
        folder = os.path.dirname(rel)
        for href in _HREF.findall((out / rel).read_bytes()):
            target = os.path.normpath(os.path.join(folder, href.decode()))
            if target not in seen and not target.startswith(".."):
                seen.add(target)
                todo.append(target)
    return {rel for rel in seen if (out / rel).is_file()}


def check_scale(tmp_path: Path, entities: int) -> None:
    site, out = scale_site(tmp_path, entities), tmp_path / "out"
    # The search index is left out: it indexes record pages, which are the same either way.
    build_site(site, out, jobs=os.cpu_count() or 1, options=Options(search=False, save=False))
    counts, sizes = survey(out)
    print(f"{entities} entities: {dict(sorted(counts.items()))}; largest {sizes[:3]}")
    assert sizes[0][0] <= MAX_HTML_BYTES, f"{sizes[0][1]} is {sizes[0][0]:,} bytes"
    assert {"list", "facet", "facet-index", "links", "timeline-year", "record"} <= set(counts)
    # Embedded cards and redirects say noindex: they are not there for a reader to crawl to.
    pages = {rel for _, rel in sizes if not noindex(out / rel)} - {"404.html"}
    missing = pages - reached_from_home(out)
    assert not missing, f"{len(missing)} pages not reached from home: {sorted(missing)[:5]}"


@pytest.mark.timeout(600)
def test_ten_thousand_records_make_small_pages_all_reached_from_home(tmp_path: Path) -> None:
    check_scale(tmp_path, 10_000)


@pytest.mark.slow
def test_a_hundred_thousand_records_make_small_pages_all_reached_from_home(
        tmp_path: Path) -> None:
    check_scale(tmp_path, 100_000)
