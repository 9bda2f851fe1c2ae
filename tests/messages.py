"""The theme's message catalogs: every string the theme shows, extracted from its templates and
the generator's code, in generator/theme/messages/messages.pot, and each shipped language's
translations of it (<language>.po) brought up to date with it.

    python -m tests.messages      (make messages) rewrite messages.pot and update every .po

The test suite (tests/test_messages.py) checks that messages.pot is what this extracts, and
that every shipped catalog translates every message.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from generator.site.catalogs import THEME_MESSAGES

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = THEME_MESSAGES / "messages.pot"
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)  # no dates: the files stay put
_METHODS = [("generator/theme/templates/**.html", "jinja2.ext:babel_extract"),
            ("generator/**.py", "python")]
# As render/engine.py sets up Jinja2, so the extractor reads the templates as the build does.
_OPTIONS = {"generator/theme/templates/**.html": {
    "extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}}
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted() -> Catalog:
    """Every message of the theme, as the templates and the code spell it."""
    catalog = Catalog(project="factsheet", version="", creation_date=_EPOCH,
                      revision_date=_EPOCH, fuzzy=False, msgid_bugs_address="")
    for path, line, message, comments, context in extract_from_dir(
            str(ROOT), _METHODS, _OPTIONS, _KEYWORDS, ("Translators:",), strip_comment_tags=True):
        catalog.add(message, None, [(path, line)], auto_comments=comments, context=context,
                    flags=("python-format",) if "%(" in str(message) else ())
    return catalog


def pot_text(catalog: Catalog) -> bytes:
    """The .pot file of `catalog`: sorted, with file names but no line numbers, so it changes
    only when a message does."""
    out = io.BytesIO()
    write_po(out, catalog, sort_output=True, include_lineno=False, width=100,
             omit_header=False)
    return out.getvalue()


def updated(po: Path, template: Catalog) -> bytes:
    """`po`'s translations, with the messages of `template` (new ones empty, gone ones out)."""
    with po.open("rb") as file:
        catalog = read_po(file, locale=po.stem.replace("-", "_"))
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.creation_date = catalog.revision_date = _EPOCH
    out = io.BytesIO()
    write_po(out, catalog, sort_output=True, include_lineno=False, width=100)
    return out.getvalue()


def main() -> None:
    template = extracted()
    TEMPLATE.write_bytes(pot_text(template))
    for po in sorted(THEME_MESSAGES.glob("*.po")):
        po.write_bytes(updated(po, template))
    print(f"{TEMPLATE.relative_to(ROOT)}: {len(template)} messages")


if __name__ == "__main__":
    main()
