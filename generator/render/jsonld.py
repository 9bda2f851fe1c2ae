"""schema.org JSON-LD for pages, and its safe embedding in a <script> element."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from generator import urls
from generator.check.validate import Fact, Record
from generator.link.link import Site
from generator.render.numbers import NUMBER_TYPES, number_text
from generator.render.provenance import is_provenance_field, provenance_jsonld, source_provenance
from generator.render.trustviews import newest_first
from generator.render.views import is_source_text
from generator.site.model import TypeSpec
from generator.site.schema import FIELD_TYPES, SOURCE_TYPE

CONTEXT = "https://schema.org"
# The schema.org type a record type gets when site.yaml does not name one (`schema_org`).
GUESSES = {
    "company": "Corporation", "corporation": "Corporation", "organisation": "Organization",
    "organization": "Organization", "agency": "GovernmentOrganization", "person": "Person",
    "city": "City", "country": "Country", "place": "Place", "event": "Event",
    "study": "ScholarlyArticle", "paper": "ScholarlyArticle", "report": "Report",
    "article": "Article", "source": "CreativeWork", "dataset": "Dataset",
}
CREATIVE_WORKS = frozenset({"CreativeWork", "Article", "NewsArticle", "ScholarlyArticle",
                            "Report", "Book", "Dataset", "WebPage", "Claim"})
ORGANIZATIONS = frozenset({"Organization", "Corporation", "GovernmentOrganization",
                           "NGO", "NewsMediaOrganization"})
PLACES = frozenset({"Place", "City", "Country", "State", "AdministrativeArea"})


def schema_type(type_spec: TypeSpec) -> str:
    """The schema.org type of this record type's records."""
    return type_spec.schema_org or GUESSES.get(type_spec.name, "Thing")


def script_json(data: dict[str, Any]) -> str:
    """`data` as JSON that cannot end the <script> element it sits in, whatever it holds."""
    text = orjson.dumps(data).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class LinkedData:
    """Builds the JSON-LD of one site's pages; absolute URLs only when the base URL is known."""

    def __init__(self, site: Site, markdown_text: Callable[..., str]) -> None:
        self.site = site
        self.base = site.config.base_url or ""
        self.markdown_text = markdown_text  # Markdown -> plain text

    def url(self, path: str) -> dict[str, str]:
        """`{"url": …}` for a page when its public URL is known, else nothing."""
        return {"url": urls.absolute(self.base, path)} if self.base else {}

    def website(self) -> dict[str, Any]:
        config = self.site.config
        return {"@context": CONTEXT, "@type": "WebSite", "name": config.title,
                **({"description": config.description} if config.description else {}),
                "inLanguage": config.language, **self.url(urls.HOME)}

    def collection(self, name: str, path: str, items: int) -> dict[str, Any]:
        return {"@context": CONTEXT, "@type": "CollectionPage", "name": name, **self.url(path),
                "isPartOf": {"@type": "WebSite", "name": self.site.config.title},
                "mainEntity": {"@type": "ItemList", "numberOfItems": items}}

    def record(self, record: Record, description: str) -> dict[str, Any]:
        """A record as its schema.org type, with its facts as Claims citing their sources."""
        type_spec = self.site.config.type(record.type)
        kind = schema_type(type_spec)
        data: dict[str, Any] = {"@context": CONTEXT, "@type": kind, "name": record.title}
        if kind in CREATIVE_WORKS:
            data["headline"] = record.title
        page = self.site.page_path(record.key)
        if self.base:
            data["@id"] = urls.absolute(self.base, page)
        data |= self.url(page)
        if description:
            data["description"] = description
        data |= self.fields(record, type_spec, kind)
        trust = self.page_trust(record)
        if trust and kind in CREATIVE_WORKS:
            data |= trust
        elif trust:  # a company or a city is not modified or corrected: its page is
            data["mainEntityOfPage"] = {"@type": "WebPage", **self.url(page), **trust}
        if record.facts:
            data["subjectOf"] = [self.review(record, fact) if fact.rating and fact.claimed_by
                                 else self.claim(record, fact) for fact in record.facts]
        return data

    @staticmethod
    def page_trust(record: Record) -> dict[str, Any]:
        """When the record last changed in substance, and its corrections, newest first."""
        trust: dict[str, Any] = {"dateModified": record.updated} if record.updated else {}
        if record.corrections:
            trust["correction"] = [{"@type": "CorrectionComment", "text": c.text,
                                    "datePublished": c.date}
                                   for c in newest_first(record.corrections)]
        return trust

    def review(self, record: Record, fact: Fact) -> dict[str, Any]:
        """A fact-check of a claim as schema.org ClaimReview, its rating on the site's scale."""
        assert fact.rating is not None and fact.claimed_by is not None
        ratings = self.site.config.ratings
        claim = self.claim(record, fact)
        claim["author"] = self.ref(fact.claimed_by)
        # Where the claim appeared: the source; the quoted words go with it.
        claim["appearance"] = {**self.ref(f"{SOURCE_TYPE}:{fact.source}"),
                               "text": fact.quote}
        review: dict[str, Any] = {
            "@type": "ClaimReview", "claimReviewed": claim["text"], "itemReviewed": claim,
            "author": {"@type": "Organization", "name": self.site.config.title},
            "reviewRating": {"@type": "Rating", "ratingValue": ratings.index(fact.rating) + 1,
                             "bestRating": len(ratings), "worstRating": 1,
                             "alternateName": fact.rating}}
        if self.base:
            review["url"] = urls.absolute(self.base, self.site.page_path(record.key)) \
                + f"#fact-{fact.number}"
        if record.updated:
            review["datePublished"] = record.updated
        return review

    def fields(self, record: Record, type_spec: TypeSpec, kind: str) -> dict[str, Any]:
        """The fields schema.org has a property for; the rest are on the page and in JSON."""
        out: dict[str, Any] = {}
        for spec in type_spec.fields:
            value = record.fields.get(spec.name)
            if value is None or is_source_text(record.type, spec.name) \
                    or is_provenance_field(record.type, spec):
                continue
            if spec.type == "url":
                out.setdefault("sameAs", value)
            elif spec.type in ("date", "year") and kind in CREATIVE_WORKS:
                out.setdefault("datePublished", str(value))
            elif spec.name in ("publisher", "author") and kind in CREATIVE_WORKS:
                out.setdefault(spec.name, {"@type": "Organization", "name": str(value)})
            elif spec.type in NUMBER_TYPES and kind in PLACES:
                # schema.org gives a Place's other characteristics as PropertyValues.
                out.setdefault("additionalProperty", []).append(
                    {"@type": "PropertyValue", "name": spec.label,
                     "value": orjson.Fragment(number_text(value))})
            elif FIELD_TYPES[spec.type].is_ref and spec.to is not None:
                slugs = [value] if isinstance(value, str) else value
                refs = [self.ref(f"{spec.to}:{slug}") for slug in slugs]
                prop = self.relation(kind, schema_type(self.site.config.type(spec.to)))
                if prop:
                    out.setdefault(prop, []).extend(refs)
        out |= self.provenance(record, kind)
        # A property with one value is written as that value, as schema.org examples do.
        return {k: v[0] if isinstance(v, list) and len(v) == 1 and isinstance(v[0], dict)
                else v for k, v in out.items()}

    @staticmethod
    def relation(kind: str, target: str) -> str:
        """The schema.org property a ref from a `kind` to a `target` thing is written as."""
        if kind in CREATIVE_WORKS:
            return "about"
        if kind in ORGANIZATIONS and target in PLACES:
            return "location"
        if kind in PLACES and target in PLACES:
            return "containedInPlace"
        return ""

    def claim(self, record: Record, fact: Fact) -> dict[str, Any]:
        source = self.site.records[f"{SOURCE_TYPE}:{fact.source}"]
        claim: dict[str, Any] = {"@type": "Claim", "text": self.markdown_text(fact.text, True)}
        if fact.date:
            claim["temporalCoverage"] = fact.date
        claim["appearance"] = {"@type": "Quotation", "text": fact.quote}
        cited = [self.ref(source.key), *(self.ref(f"{SOURCE_TYPE}:{also.source}")
                                          for also in fact.also)]
        claim["citation"] = cited[0] if len(cited) == 1 else cited
        if fact.about:
            claim["about"] = [self.ref(key) for key in fact.about]
        return claim

    def ref(self, key: str) -> dict[str, Any]:
        record = self.site.records[key]
        kind = schema_type(self.site.config.type(record.type))
        ref: dict[str, Any] = {"@type": kind, "name": record.title}
        if self.base:
            ref["@id"] = urls.absolute(self.base, self.site.page_path(key))
        return ref | self.provenance(record, kind)

    def provenance(self, record: Record, kind: str) -> dict[str, Any]:
        """A source's url, datePublished, publisher and archivedAt (a CreativeWork's)."""
        if kind not in CREATIVE_WORKS:
            return {}
        return provenance_jsonld(source_provenance(self.site.config, record))
