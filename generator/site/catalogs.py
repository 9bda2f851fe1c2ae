"""The words of the theme in the site's language: the theme's message catalog (gettext .po) for
that language, the site's own `templates/messages/<language>.po` on top of it, and the CLDR
locale (Babel's) that dates, numbers and plurals follow.

A catalog is kept as compiled gettext bytes (.mo): plain data that a render worker turns back
into translations, and that the build's settings hash covers, so a changed string remakes the
pages that show it.
"""

from __future__ import annotations

import dataclasses
import datetime
import gettext
import io
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from generator.errors import Diagnostic
from generator.read.rawfile import Refused, read_bounded
from generator.read.yamlsrc import MAX_BYTES, too_big
from generator.site.model import Catalog, FieldSpec, SiteConfig

THEME_MESSAGES = Path(__file__).parent.parent / "theme" / "messages"
SITE_MESSAGES = "templates/messages"  # a site's own translations, <language>.po in it
# The catalog's header dates: fixed, so the same strings compile to the same bytes.
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
DEFAULT_LANGUAGE = "en"  # the theme's own words, and what a language without a catalog gets


def shipped_languages() -> tuple[str, ...]:
    """The languages the theme has a catalog for, English (its own words) first."""
    return (DEFAULT_LANGUAGE, *sorted(p.stem for p in THEME_MESSAGES.glob("*.po")))


def load_catalog(site_dir: Path, language: str, at: tuple[str, int, int]
                 ) -> tuple[Catalog, list[Diagnostic]]:
    """The catalog of `language`, and a warning (at `at`, where site.yaml names the language)
    when the theme has no catalog for it, or an error in the site's own .po file."""
    locale, notes = _locale(language, at)
    merged = PoCatalog(locale=locale, project="factsheet", version="", fuzzy=False,
                       creation_date=_EPOCH, revision_date=_EPOCH)
    theme = _theme_file(language)
    if theme is not None:
        _merge(merged, _read(theme, str(theme), locale)[0])
    elif _base(language) != DEFAULT_LANGUAGE and not notes:
        notes.append(_missing_catalog(language, at))
    site_file, problems = _site_file(site_dir, language, locale)
    if site_file is not None:
        _merge(merged, site_file)
    if theme is None and site_file is None:  # the theme's own words
        return Catalog(language, locale), notes + problems
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    return Catalog(language, locale, buffer.getvalue()), notes + problems


# A site of readers everywhere: plain `en` writes dates as CLDR's English of the world does
# ('11 June 2020', as most English-language newsrooms outside the US); `en-US` gives
# 'June 11, 2020', `en-GB` and others their own.
_PLAIN = {"en": "en_001"}


def _locale(language: str, at: tuple[str, int, int]) -> tuple[str, list[Diagnostic]]:
    for code in (_PLAIN.get(language, language.replace("-", "_")), _base(language)):
        try:
            return str(Locale.parse(code)), []
        except (UnknownLocaleError, ValueError):
            continue
    return DEFAULT_LANGUAGE, [Diagnostic(*at, f"'{language}' is not a language that the "
                                         "CLDR knows; the theme's words, dates and numbers "
                                         "are shown in English", "warning")]


def _missing_catalog(language: str, at: tuple[str, int, int]) -> Diagnostic:
    return Diagnostic(*at, f"the theme has no translation into '{language}' (it has "
                      f"{', '.join(shipped_languages())}); its words are shown in English, and "
                      f"dates and numbers in '{language}'. Translate them in "
                      f"{SITE_MESSAGES}/{language}.po", "warning")


def _base(language: str) -> str:
    return language.split("-")[0].lower()


def _theme_file(language: str) -> Path | None:
    for name in dict.fromkeys((language, language.replace("-", "_"), _base(language))):
        path = THEME_MESSAGES / f"{name}.po"
        if path.is_file():
            return path
    return None


def _site_file(site_dir: Path, language: str, locale: str
               ) -> tuple[PoCatalog | None, list[Diagnostic]]:
    shown = f"{SITE_MESSAGES}/{language}.po"
    path = site_dir / shown
    if not path.is_file():
        return None, []
    raw = read_bounded(str(path), MAX_BYTES)
    if isinstance(raw, Refused):
        return None, [too_big(shown, raw.size) if raw.size >= 0
                      else Diagnostic(shown, 1, 1, raw.message)]
    return _read_bytes(raw, shown, locale)


def _read(path: Path, shown: str, locale: str) -> tuple[PoCatalog | None, list[Diagnostic]]:
    return _read_bytes(path.read_bytes(), shown, locale)


def _read_bytes(raw: bytes, shown: str, locale: str
                ) -> tuple[PoCatalog | None, list[Diagnostic]]:
    try:
        catalog = read_po(io.BytesIO(raw), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        # Babel words its error with " on LINE", and gives line 0 for some of them.
        reason = str(exc.args[0]).rsplit(" on ", 1)[0]
        return None, [Diagnostic(shown, max(exc.lineno, 1), 1,
                                 f"not a gettext catalog: {reason}")]
    except UnicodeDecodeError as exc:
        return None, [Diagnostic(shown, 1, 1, f"not UTF-8 text: {exc.reason}")]
    # A translation whose placeholders are not the message's would fail every page it is on.
    problems = [Diagnostic(shown, message.lineno or 1, 1, f"the translation of "
                           f"'{_first(message.id)}' does not fit it: {error}")
                for message, errors in catalog.check() for error in errors]
    return (None, problems) if problems else (catalog, [])


def _first(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _merge(into: PoCatalog, other: PoCatalog | None) -> None:
    """The translated messages of `other` over those of `into`."""
    if other is None:
        return
    for message in other:
        if message.id and _translated(message.string):
            if message.id in into:  # Babel's [] = would keep the theme's translation
                del into[message.id]
            into[message.id] = message


def _translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    return all(string) if isinstance(string, tuple | list) else bool(string)


def settings_in(config: SiteConfig, language: str) -> SiteConfig:
    """A multilingual site's settings for the pages of `language`: what site.yaml names
    (the title, types, fields, backlink headings) as that language's catalog translates it
    (the site's templates/messages/<language>.po), else as written."""
    config = config.in_language(language)
    translations = gettext.GNUTranslations(io.BytesIO(config.catalog.mo)) \
        if config.catalog.mo else gettext.NullTranslations()
    say = translations.gettext

    def field(spec: FieldSpec) -> FieldSpec:
        return dataclasses.replace(spec, label=say(spec.label),
                                   inverse=say(spec.inverse) if spec.inverse else None)

    types = tuple(dataclasses.replace(t, label=say(t.label), plural=say(t.plural),
                                      fields=tuple(field(f) for f in t.fields))
                  for t in config.types)
    return dataclasses.replace(config, title=say(config.title),
                               description=say(config.description) if config.description
                               else "", types=types)
