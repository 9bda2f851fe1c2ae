"""Every JSON-LD block of the built sites uses schema.org's own terms: each @type is a type of
the vocabulary and each property is one whose domain includes the node's type (or a type it
comes from). The vocabulary is schema.org release 29.0, cut down to just that:
tests/schemas/schemaorg-29.0-vocabulary.json."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from generator.build import build_site
from tests.conftest import REPO, copy_case
from tests.gates import html_pages

VOCABULARY = json.loads((REPO / "tests/schemas/schemaorg-29.0-vocabulary.json").read_text())
TYPES: dict[str, list[str]] = VOCABULARY["types"]
PROPERTIES: dict[str, list[str]] = VOCABULARY["properties"]


@functools.cache
def ancestors(name: str) -> frozenset[str]:
    """The type and every type it is a subtype of."""
    return frozenset({name}).union(*(ancestors(parent) for parent in TYPES.get(name, [])))


def problems(node: Any, where: str) -> list[str]:
    """What in `node` (and the nodes inside it) is not schema.org."""
    if isinstance(node, list):
        return [p for i, item in enumerate(node) for p in problems(item, f"{where}[{i}]")]
    if not isinstance(node, dict):
        return []
    kind = node.get("@type")
    found = [] if kind in TYPES else [f"{where}: unknown type {kind!r}"]
    for key, value in node.items():
        if key.startswith("@"):
            continue
        domain = PROPERTIES.get(key)
        if domain is None:
            found.append(f"{where}: unknown property {key!r}")
        elif kind in TYPES and not ancestors(kind) & set(domain):
            found.append(f"{where}: {key!r} is not a property of {kind}")
        found += problems(value, f"{where}.{key}")
    return found


def jsonld_blocks(html: str) -> list[Any]:
    blocks = []
    marker = '<script type="application/ld+json">'
    at = html.find(marker)
    while at >= 0:
        start = at + len(marker)
        blocks.append(json.loads(html[start:html.index("</script>", start)]))
        at = html.find(marker, start)
    return blocks


@pytest.mark.parametrize("site", ["default", "trust"])
def test_every_json_ld_term_is_schema_org(tmp_path: Path, site: str) -> None:
    root = REPO if site == "default" else copy_case(site, tmp_path)
    out = tmp_path / "out"
    build_site(root, out, base_url="https://example.org/")
    found, blocks = [], 0
    for rel in html_pages(out):
        for block in jsonld_blocks((out / rel).read_text(encoding="utf-8")):
            blocks += 1
            found += problems(block, rel)
    assert blocks > 10
    assert not found, "\n".join(found[:40])


def test_the_check_sees_a_wrong_term() -> None:
    node = {"@type": "ClaimReview", "reviewRating": {"@type": "Rating", "ratingValue": 1,
                                                     "verdict": "no"}, "bestRating": 5}
    assert sorted(problems(node, "x")) == ["x.reviewRating: unknown property 'verdict'",
                                           "x: 'bestRating' is not a property of ClaimReview"]
