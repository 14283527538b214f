"""Translations outside a web request: a gettext ``Translations`` object for a language.

The catalogues (``src/kintrace/locale/<lang>/LC_MESSAGES/kintrace.po``) are the web app's
(:mod:`kintrace.web.i18n`); PDFs and other documents made by the CLI or by a service speak the
reader's language through the same catalogues. :func:`translations` compiles a catalogue in
memory once per process (Babel's ``read_po`` and ``write_mo``), so nothing is written into the
installed package and a compiled file can never be older than its catalogue.
"""

from __future__ import annotations

import gettext as gettext_module
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path

LANGUAGES = ("ru", "uk", "en")
"""The languages kintrace speaks, as catalogue names."""
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kintrace"


def catalogue_path(lang: str) -> Path:
    """Return the .po catalogue of a language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> gettext_module.GNUTranslations:
    """Return the compiled translations of a language (English for an unknown one).

    Fuzzy entries are left out, as gettext does.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


def long_date(value: date | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Write a date in full, as the language writes it (``12 апреля 2023``); ``—`` for none."""
    from babel.dates import format_date

    if value is None:
        return "—"
    return format_date(value, "d MMMM y", locale=lang)


def short_date(value: date | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Write a date in figures: ``04.03.2026`` in Russian and Ukrainian, ``2026-03-04`` in English.

    >>> short_date(date(2026, 3, 4), "ru"), short_date(date(2026, 3, 4)), short_date(None)
    ('04.03.2026', '2026-03-04', '—')
    """
    if value is None:
        return "—"
    return value.isoformat() if lang == "en" else value.strftime("%d.%m.%Y")
