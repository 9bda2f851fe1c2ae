"""The theme's words, dates and numbers in a site's language (Babel and gettext).

Every string the theme shows goes through `Messages.gettext`: the templates' through Jinja2's
i18n extension, the render stage's own (page titles, backlink headings) through `_` below.
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from generator.link.backlinks import BUILT_IN_LABELS
from generator.render.numbers import number_text
from generator.site.model import Catalog, SiteConfig

# The number a plural category is shown with, found by trying these in order (CLDR's samples
# of every category of every language lie below 1,000,000).
_PLURAL_PROBES = (*range(0, 200), 1000, 10000, 100000, 1000000, 1000001)


@dataclass(frozen=True, slots=True)
class Messages:
    """gettext, dates and numbers for one language."""

    language: str
    locale: Locale
    translations: NullTranslations

    def gettext(self, message: str) -> str:
        """`message` in the site's language (English when no catalog has it)."""
        return self.translations.ugettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of a message for `n` things."""
        return self.translations.ungettext(singular, plural, n)

    def date(self, iso: str) -> str:
        """A full or partial ISO date as the language writes it: '11 June 2020' or 'June 11,
        2020', 'junio de 2020', '2020'."""
        return _date_label(iso, self.locale)

    def number(self, value: int | float) -> str:
        """A number as the language writes it: '25,431.5', '25.431,5', '25 431,5'."""
        return _number_label(value, self.locale)

    def heading(self, label: str) -> str:
        """A backlink group's heading: the build's own ones translated, a site's as written."""
        return self.gettext(label) if label in BUILT_IN_LABELS else label

    def plural_forms(self, singular: str, plural: str) -> dict[str, str]:
        """Each CLDR plural category of the language -> the message's form for it, for a
        script to choose with Intl.PluralRules."""
        forms: dict[str, str] = {}
        for n in _PLURAL_PROBES:
            forms.setdefault(self.locale.plural_form(n), self.ngettext(singular, plural, n))
        return dict(sorted(forms.items()))


def words(config: SiteConfig) -> Messages:
    """The Messages of a site's language."""
    return messages_for(config.catalog)


@functools.lru_cache(maxsize=16)
def messages_for(catalog: Catalog) -> Messages:
    """The Messages of a site's catalog (made once per catalog and process)."""
    translations: NullTranslations = (Translations(io.BytesIO(catalog.mo)) if catalog.mo
                                      else NullTranslations())
    return Messages(catalog.language, Locale.parse(catalog.locale), translations)


@functools.lru_cache(maxsize=64)
def language_name(language: str) -> str:
    """A language's name in itself, as a language switch shows it: 'English', 'Español'."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return language
    name = locale.get_display_name(locale) or language
    return name[:1].upper() + name[1:]


@functools.lru_cache(maxsize=1 << 14)
def _date_label(iso: str, locale: Locale) -> str:
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 1:
        return format_skeleton("y", datetime.date(parts[0], 1, 1), locale=locale)
    if len(parts) == 2:
        return format_skeleton("yMMMM", datetime.date(parts[0], parts[1], 1), locale=locale)
    return format_date(datetime.date(*parts), "long", locale=locale)


@functools.lru_cache(maxsize=1 << 14)
def _number_label(value: int | float, locale: Locale) -> str:
    text = number_text(value)
    if "e" in text:  # beyond what anyone groups: as the data files spell it
        return text
    return format_decimal(Decimal(text), locale=locale, decimal_quantization=False)


def template_gettext(translate: Callable[[str], str]) -> Callable[..., str]:
    """`_()` in templates: Jinja's newstyle gettext, each string translated and marked safe
    once. A page says `_()` forty times, and Jinja's own goes through its context twice."""
    @functools.lru_cache(maxsize=4096)
    def marked(string: str) -> Markup:
        return Markup(translate(string))

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
        if not eval_ctx.autoescape:
            return translate(string) % variables
        return (marked(string) if type(string) is str else Markup(translate(string))) \
            % variables
    return gettext
