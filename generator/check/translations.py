"""A multilingual site's texts (DESIGN §3): a `text` or `markdown` field, or a fact's `text`,
may be a mapping of the site's languages to the text in each, `{en: …, es: …}`.

The default language's text is what the record's type is checked against, as if it were
written alone; each further language's texts are kept beside it as a Translation, and the
link stage makes each language's records from them. A quote and a source's `text` are never
translated: the quote check compares them, so they stay in the source's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.errors import Diagnostic, did_you_mean
from generator.read.yamlsrc import Document
from generator.site.model import SiteConfig, TypeSpec
from generator.site.schema import LANGUAGE_PATTERN, SOURCE_TEXT_FIELD, SOURCE_TYPE, TEXT_PATTERN

TRANSLATABLE = ("text", "markdown")  # the field types that may be given per language


@dataclass(frozen=True, slots=True)
class Translation:
    """A record's texts in one further language of the site."""

    language: str
    fields: dict[str, str]  # field -> its text in this language
    facts: dict[int, str]  # fact number -> its text in this language


def split_languages(config: SiteConfig, type_spec: TypeSpec, doc: Document
                    ) -> tuple[Any, tuple[Translation, ...], list[Diagnostic]]:
    """The record's data with each per-language text replaced by the default language's,
    the other languages' texts, and an error for each mapping that may not be one."""
    data = doc.data
    if not isinstance(data, dict):
        return data, (), []
    found: dict[str, Translation] = {}
    problems: list[Diagnostic] = []
    out = dict(data)
    for spec in type_spec.fields:
        if isinstance(data.get(spec.name), dict):
            keypath: tuple[str | int, ...] = (spec.name,)
            if type_spec.name == SOURCE_TYPE and spec.name == SOURCE_TEXT_FIELD:
                problems.append(doc.error(keypath, "a source's text is never translated: "
                                          "quotes are checked against it, so it stays in the "
                                          "source's language; write it once"))
                del out[spec.name]
            elif spec.type in TRANSLATABLE:  # else the schema says what it should be
                out[spec.name] = _split(config, doc, keypath, found, problems, spec.name)
    facts = data.get("facts")
    if isinstance(facts, list):
        out["facts"] = [_fact(config, doc, n, item, found, problems)
                        for n, item in enumerate(facts)]
    if not found and not problems:
        return (data if out == data else out), (), []
    return out, tuple(found[lang] for lang in config.languages if lang in found), problems


def _fact(config: SiteConfig, doc: Document, index: int, item: Any,
          found: dict[str, Translation], problems: list[Diagnostic]) -> Any:
    if not isinstance(item, dict) or not isinstance(item.get("text"), dict):
        return item
    return {**item, "text": _split(config, doc, ("facts", index, "text"), found, problems,
                                   index + 1)}


def _split(config: SiteConfig, doc: Document, keypath: tuple[str | int, ...],
           found: dict[str, Translation], problems: list[Diagnostic], at: str | int) -> Any:
    """The default language's text of the mapping at `keypath`, noting the others'."""
    mapping: dict[Any, Any] = doc.data
    for part in keypath:
        mapping = mapping[part]
    default = config.language
    if not config.languages:
        if all(isinstance(k, str) and re.match(LANGUAGE_PATTERN, k) for k in mapping):
            problems.append(doc.error(keypath, "a text per language needs the site's "
                                      f"languages: declare them in site.yaml (languages: "
                                      f"[{default}, …]), or write one text"))
            return None
        return mapping  # not texts per language: the schema says what it should be
    for language, text in mapping.items():
        if language not in config.languages:
            problems.append(doc.error((*keypath, language), f"'{language}' is not one of the "
                                      f"site's languages ({', '.join(config.languages)})"
                                      f"{did_you_mean(str(language), config.languages)}",
                                      key=True))
        elif not isinstance(text, str) or not re.search(TEXT_PATTERN, text):
            problems.append(doc.error((*keypath, language), f"the {language} text must be "
                                      "non-empty text"))
        elif language != default:
            translation = found.setdefault(language, Translation(language, {}, {}))
            if isinstance(at, int):
                translation.facts[at] = text
            else:
                translation.fields[at] = text
    if default not in mapping:
        problems.append(doc.error(keypath, f"no {default} text: the site's default language "
                                  "needs one, which the other languages fall back to"))
    return mapping.get(default)


def untranslated(config: SiteConfig, records: Iterable[Any]) -> list[Diagnostic]:
    """A warning for each text of a multilingual site that a further language lacks (its
    pages show the default language's): a text given per language without that language,
    and prose (a markdown field, a fact's text) given once. A plain text field written once
    (a name) is taken to read the same in every language."""
    notes = []
    for record in records:
        type_spec = config.type(record.type)
        data = record.doc.data
        for spec in type_spec.fields:
            if spec.name in record.fields and spec.type in TRANSLATABLE and not (
                    spec.type == "text" and not isinstance(data.get(spec.name), dict)) and not (
                    type_spec.name == SOURCE_TYPE and spec.name == SOURCE_TEXT_FIELD):
                notes += _lacking(config, record.doc, (spec.name,), spec.name,
                                  {t.language for t in record.translations
                                   if spec.name in t.fields})
        for fact in record.facts:
            notes += _lacking(config, record.doc, ("facts", fact.number - 1, "text"),
                              f"fact {fact.number}", {t.language for t in record.translations
                                                      if fact.number in t.facts})
    return notes


def _lacking(config: SiteConfig, doc: Document, keypath: tuple[str | int, ...], what: str,
             given: set[str]) -> list[Diagnostic]:
    missing = [lang for lang in config.languages[1:] if lang not in given]
    if not missing:
        return []
    line, col = doc.locate(keypath)
    return [Diagnostic(doc.path, line, col, f"{what} has no {', '.join(missing)} text; those "
                       f"pages show the {config.language} text", "warning")]
