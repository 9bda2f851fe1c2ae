#!/usr/bin/env python3
"""A seeded, invented corpus for factsheet's benchmarks, in the peer harness's corpus.json shape.

    python benchmarks/synth.py --entities N [--seed S] [--out corpus.json]

Same shape and proportions as the peer benchmark's corpus (bench-peers/corpus.py), without
needing that folder: companies 60 %, cities 30 %, studies 10 % of N, one source per 50
entities; 3-5 facts per company, 2-3 per city, 1-2 per study; Markdown descriptions and
findings with a bold word and a link; half the companies headquartered in the first 5 % of
the cities. The same (N, seed) gives the same corpus, byte for byte. Standard library only;
every name is made up.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

FORMAT = "peerbench-corpus/1"  # the harness's shape, so its verify.py can read our corpora

Corpus = dict[str, Any]
Entity = dict[str, Any]

ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "gl", "h", "k", "l", "m", "n", "p", "pr",
          "r", "s", "st", "t", "tr", "v", "w", "z")
VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou")
CODAS = ("", "n", "r", "l", "s", "m", "th", "nd", "rk")
TOWN_ENDS = ("bury", "by", "ham", "ley", "ton", "worth", "mouth", "bridge", "gate", "well",
             "stow", "combe", "hurst", "minster")
TOWN_STARTS = ("", "", "", "", "", "Great ", "Little ", "Old ", "Port ", "Saint ")
REGIONS = ("Ambermoor", "Brackenridge", "Coldwater", "Drayland", "Emberfell", "Foxhollow",
           "Greyshore", "Highmere", "Ivywood", "Larkspur", "Marrowdale", "Nettlebank",
           "Oldharbour", "Quarrymoor", "Redcliffe", "Stonereach", "Thornbury Vale", "Willowmark")
NATIONS = ("Arvenia", "Belmora", "Castavia", "Dunvegia", "Eloria", "Galdria", "Norveth")
FIRM_KINDS = ("Industries", "Partners", "Dynamics", "Supply", "Brewing", "Pharma", "Metals",
              "Software", "Aerospace", "Ceramics", "Shipping", "Optics", "Agritech", "Studios",
              "Chemicals", "Motors", "Paper", "Telecom", "Furniture", "Seeds")
TRADES = ("cold-chain storage", "flour milling", "marine engines", "solar inverters",
          "medical imaging", "glassware", "payroll software", "bicycle parts", "fertiliser",
          "cable manufacturing", "freight brokerage", "printing inks", "wind blades",
          "hearing aids")
THINGS = ("factory", "laboratory", "call centre", "depot", "apprenticeship scheme",
          "recycling line", "test track", "data centre", "showroom", "training college",
          "export office", "assembly hall", "loading dock", "design studio")
ACTIONS = ("built", "closed", "doubled", "upgraded", "sold", "inspected", "automated",
           "insured", "rebuilt", "reopened", "financed", "staffed")
MANNERS = ("quietly", "rapidly", "cautiously", "publicly", "partly", "fully", "jointly",
           "formally", "briefly", "eventually")
QUALITIES = ("thrift", "punctuality", "candour", "stamina", "ingenuity", "tidiness",
             "patience", "frugality", "rigour", "warmth")
AMOUNTS = ("a small", "a large", "a steady", "an uneven", "a surprising", "a modest",
           "a rising", "a falling", "an early", "a late")
THEMES = ("Night Shifts", "Port Congestion", "Apprentice Wages", "Factory Noise",
          "Rural Broadband", "Packaging Waste", "Small-Firm Credit", "Commuting Times",
          "Plant Closures", "Export Licences", "Spare Parts", "Heat Pumps")
STUDY_TITLES = ("{t} Revisited", "What Drives {t}?", "{t} and the Local Economy",
                "A Field Guide to {t}", "{t} Across Regions", "Counting {t}")
INSTITUTES = ("Stonereach Economic Society", "Larkspur Policy Lab", "Coldwater Business School",
              "National Bureau of Trade Figures", "Emberfell Labour Institute",
              "Greyshore Data Cooperative", "Foundation for Industrial History",
              "Highmere Research Trust", "Drayland Chamber of Commerce")
PAPERS = ("Weekly Ledger", "Regional Courier", "Trade Almanac", "Civic Bulletin",
          "Industry Census", "Harbour Gazette", "Quarterly Returns", "Business Monthly",
          "Survey of Firms", "Council Minutes")
TRENDS = ("slow", "sharp", "uneven", "steady", "modest", "lasting", "patchy", "broad")
SPEAKERS = ("the chair", "a spokesperson", "the site manager", "the finance director",
            "a union representative", "the mayor's office", "an analyst", "the founder")


def slug_of(text: str) -> str:
    """Lowercase a-z, 0-9 and '-' only."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def split_counts(n: int) -> dict[str, int]:
    """How many of each kind a corpus of N entities has."""
    companies, cities = round(n * 0.6), round(n * 0.3)
    return {"companies": companies, "cities": cities,
            "studies": max(0, n - companies - cities), "sources": max(1, round(n / 50))}


class _Maker:
    """Draws every name, date and sentence from one seeded generator, in a fixed order."""

    def __init__(self, n: int, seed: int) -> None:
        # Seeded by both numbers, so corpora of different sizes are drawn independently.
        self.rng = random.Random(f"factsheet-synth:{n}:{seed}")
        self.taken: set[str] = set()

    def unique_slug(self, text: str) -> str:
        base = slug_of(text)
        slug, k = base, 2
        while slug in self.taken:
            slug, k = f"{base}-{k}", k + 1
        self.taken.add(slug)
        return slug

    def pick(self, items: tuple[str, ...]) -> str:
        return self.rng.choice(items)

    def coined(self) -> str:
        """An invented word of one or two syllables, capitalised."""
        syllables = self.rng.choice((1, 2, 2))
        word = "".join(self.pick(ONSETS) + self.pick(VOWELS) + self.pick(CODAS)
                       for _ in range(syllables))
        return word.capitalize()

    def day(self, first_year: int, last_year: int = 2024) -> str:
        year = self.rng.randint(min(first_year, last_year), last_year)
        return f"{year:04d}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"

    def event(self, subject: str, emphasis: bool = False) -> str:
        thing = self.pick(THINGS)
        if emphasis:
            thing = f"*{thing}*"
        return (f"{subject} {self.pick(MANNERS)} {self.pick(ACTIONS)} its {thing} "
                f"in {self.pick(('spring', 'summer', 'autumn', 'winter'))}.")

    def quote(self) -> str:
        return (f"{self.pick(AMOUNTS).capitalize()} share of the {self.pick(THINGS)} work "
                f"was {self.pick(ACTIONS)} within {self.rng.randint(2, 30)} months, "
                f"said {self.pick(SPEAKERS)}.")

    def facts(self, subject: str, count: int, sources: list[Entity],
              since: int = 1990) -> list[Entity]:
        made = [{"date": self.day(max(since, 1990)),
                 "text": self.event(subject, emphasis=self.rng.random() < 0.5),
                 "source": self.rng.choice(sources)["slug"],
                 "quote": self.quote()} for _ in range(count)]
        return sorted(made, key=lambda fact: fact["date"])

    def description(self, name: str, town: str, slug: str) -> str:
        """Two Markdown paragraphs of 80-120 words with one bold word and one link."""
        # Sentences after the opening are at most 10 words: stopping before the target
        # overshoots leaves 80-120 words.
        words = self.rng.randint(90, 120)
        opening = [f"{name} makes {self.pick(TRADES)} in {town} and is known for its "
                   f"**{self.pick(QUALITIES)}**.",
                   f"The [company profile](https://example.com/companies/{slug}) lists "
                   f"{self.pick(AMOUNTS)} {self.pick(THINGS)} among its sites."]
        rest: list[str] = []
        count = sum(len(s.split()) for s in opening)
        while True:
            sentence = self.event(self.pick(("The firm", "Its owners", "The board", name)))
            if count + len(sentence.split()) > words:
                break
            rest.append(sentence)
            count += len(sentence.split())
        half = len(rest) // 2
        return " ".join(opening + rest[:half]) + "\n\n" + " ".join(rest[half:])


def make_corpus(n: int, seed: int = 1) -> Corpus:
    """An invented corpus of `n` entities (plus its sources), the same for the same (n, seed)."""
    if n < 1:
        raise ValueError("a corpus needs at least one entity")
    make, counts = _Maker(n, seed), split_counts(n)
    sources = _sources(make, counts["sources"])
    cities = _cities(make, counts["cities"], sources)
    companies = _companies(make, counts["companies"], cities, sources)
    studies = _studies(make, counts["studies"], companies, sources)
    return {"format": FORMAT, "generator": "factsheet benchmarks/synth.py", "entities": n,
            "seed": seed, "sources": sources, "cities": cities, "companies": companies,
            "studies": studies}


def _sources(make: _Maker, count: int) -> list[Entity]:
    made = []
    for number in range(1, count + 1):
        year = make.rng.randint(1995, 2024)
        title = f"{make.pick(PAPERS)} {year}, issue {number}"
        slug = make.unique_slug("source " + title)
        made.append({"slug": slug, "title": title, "publisher": make.pick(INSTITUTES),
                     "date": make.day(year, year), "url": f"https://example.org/archive/{slug}"})
    return made


def _cities(make: _Maker, count: int, sources: list[Entity]) -> list[Entity]:
    made = []
    for _ in range(count):
        name = make.pick(TOWN_STARTS) + make.coined() + make.pick(TOWN_ENDS)
        made.append({"slug": make.unique_slug(name), "name": name,
                     "state": make.pick(REGIONS), "country": make.pick(NATIONS),
                     "population": min(int(make.rng.paretovariate(1.2) * 2000), 30_000_000),
                     "facts": make.facts(name, make.rng.randint(2, 3), sources)})
    return made


def _companies(make: _Maker, count: int, cities: list[Entity],
               sources: list[Entity]) -> list[Entity]:
    # Half the companies sit in the first 5 % of the cities, so a few cities have many.
    hubs = cities[:max(1, len(cities) // 20)]
    made = []
    for _ in range(count):
        name = f"{make.coined()} {make.pick(FIRM_KINDS)}"
        slug = make.unique_slug(name)
        home = make.rng.choice(hubs if make.rng.random() < 0.5 else cities)
        founded = make.rng.randint(1850, 2022)
        made.append({"slug": slug, "name": name, "founded": founded,
                     "headquarters": home["slug"],
                     "description": make.description(name, home["name"], slug),
                     "facts": make.facts(name, make.rng.randint(3, 5), sources, founded)})
    return made


def _studies(make: _Maker, count: int, companies: list[Entity],
             sources: list[Entity]) -> list[Entity]:
    made = []
    for _ in range(count):
        title = make.pick(STUDY_TITLES).format(t=make.pick(THEMES)) + f" ({make.coined()} Papers)"
        slug = make.unique_slug(title)
        subjects = make.rng.sample(companies, min(len(companies), make.rng.randint(1, 3)))
        year = make.rng.randint(2000, 2024)
        findings = (f"Looking at {', '.join(c['name'] for c in subjects)}, the authors report "
                    f"**{make.pick(TRENDS)}** change in {make.pick(TRADES)}. "
                    + " ".join(make.event("One firm") for _ in range(3))
                    + f" The [data appendix](https://example.com/studies/{slug}) has the tables.")
        made.append({"slug": slug, "title": title, "publisher": make.pick(INSTITUTES),
                     "year": year, "findings": findings,
                     "subjects": [c["slug"] for c in subjects],
                     "facts": make.facts("The study", make.rng.randint(1, 2), sources, year)})
    return made


def dump_corpus(corpus: Corpus) -> str:
    """The corpus as JSON text, laid out like the harness's corpus.json."""
    return json.dumps(corpus, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write a corpus to --out (or print it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, required=True, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.entities < 1:
        parser.error("--entities must be 1 or more")
    text = dump_corpus(make_corpus(args.entities, args.seed))
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
