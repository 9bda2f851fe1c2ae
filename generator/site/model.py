"""The declarations of site.yaml, checked: the site's settings and its record types."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from generator.errors import Diagnostic


@dataclass(frozen=True, slots=True)
class Catalog:
    """The theme's strings in one language, ready to hand to gettext (site/catalogs.py)."""

    language: str  # as site.yaml spells it: 'es', 'pt-BR'
    locale: str  # the CLDR locale dates, numbers and plurals follow: 'es', 'pt_BR'
    mo: bytes = b""  # the compiled catalog, the theme's and the site's strings merged


ENGLISH = Catalog("en", "en_001")  # the theme's own words


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a record type."""

    name: str
    type: str
    label: str
    required: bool = False
    to: str | None = None
    inverse: str | None = None
    description: str = ""
    facet: bool = False  # its values get browse pages: <folder>/by/<field>/<value>/


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """One record type: where its files live, what it is called and its fields."""

    name: str
    folder: str
    label: str
    plural: str
    title_field: str
    fields: tuple[FieldSpec, ...]
    schema_org: str = ""
    subtitle: str = ""  # the field shown beside a title that another record also has

    def field(self, name: str) -> FieldSpec | None:
        """The field called `name`, if declared."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything site.yaml says, checked."""

    title: str
    description: str
    language: str
    base_url: str | None
    types: tuple[TypeSpec, ...]
    page_size: int = 100  # records per list page, facts per timeline page
    ratings: tuple[str, ...] = ()  # the verdicts of fact-checks, worst first
    catalog: Catalog = ENGLISH  # the theme's words in `language`
    # A multilingual site's languages, the default first; () for one language.
    languages: tuple[str, ...] = ()
    catalogs: tuple[Catalog, ...] = ()  # each of `languages`' catalog, in their order
    # Where the pages of `language` go: '' for the default language, 'es/' for another.
    tree: str = ""
    # Warnings about the settings (a language with no catalog); not part of what they say.
    notes: tuple[Diagnostic, ...] = field(default=(), repr=False, compare=False)
    # Looked up hundreds of thousands of times on a big site: a dict, not a scan each time.
    by_name: dict[str, TypeSpec] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {t.name: t for t in self.types})

    def type(self, name: str) -> TypeSpec:
        """The type called `name` (which must exist)."""
        return self.by_name[name]

    @property
    def folders(self) -> dict[str, str]:
        """Each record type's folder -> the type's name: what reading content/ needs."""
        return {t.folder: t.name for t in self.types}

    @property
    def trees(self) -> tuple[str, ...]:
        """Where each language's pages go: '' (the default language's), then 'es/', …"""
        return ("", *(f"{language}/" for language in self.languages[1:]))

    def in_language(self, language: str) -> SiteConfig:
        """These settings for the pages of one of a multilingual site's languages."""
        catalog = self.catalogs[self.languages.index(language)]
        tree = "" if language == self.languages[0] else f"{language}/"
        base_url = self.base_url + tree if self.base_url else self.base_url
        return dataclasses.replace(self, language=language, catalog=catalog, tree=tree,
                                   base_url=base_url)

    def facets(self, type_name: str) -> tuple[FieldSpec, ...]:
        """The fields of a type that have browse pages, in declaration order."""
        return tuple(f for f in self.type(type_name).fields if f.facet)

    def has_type(self, name: str) -> bool:
        """Whether a type called `name` is declared."""
        return name in self.by_name
