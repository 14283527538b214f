"""The languages of the web app: Russian, Ukrainian and English, from gettext catalogues.

The catalogues are ``src/kintrace/locale/<lang>/LC_MESSAGES/kintrace.po``, managed with Babel
(``scripts/catalogues.sh``). They are compiled in memory the first time a language is used
(a few milliseconds per process), so a compiled file can never be older than its catalogue and
nothing is written into the installed package.

A viewer's language is, in this order: the one kept in their account (``users.language``),
the one chosen on this browser (the ``kintrace_lang`` cookie), the best match of the browser's
``Accept-Language`` (``babel.Locale.negotiate``), English.
"""

from __future__ import annotations

import gettext as gettext_module
import re
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as babel_format_decimal
from babel.numbers import format_percent as babel_format_percent
from starlette.requests import Request

from kintrace.web.marks import N_ as N_
from kintrace.web.messages import TEMPLATES

LANGUAGES = ("ru", "uk", "en")
"""The languages of the web app, as Accept-Language tags and catalogue names."""
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"ru": "Русский", "uk": "Українська", "en": "English"}
"""Each language in its own words (the switcher shows them untranslated)."""
LANGUAGE_COOKIE = "kintrace_lang"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "kintrace"


def catalogue_path(lang: str) -> Path:
    """Return the .po catalogue of a language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> gettext_module.NullTranslations:
    """Return the compiled translations of a language (fuzzy entries are left out)."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


def tr(lang: str, message: str) -> str:
    """Translate a text into a language (the text itself when the catalogue lacks it)."""
    return translations(lang).gettext(message)


def tr_n(lang: str, singular: str, plural: str, n: int) -> str:
    """Translate a text that depends on a count (Russian and Ukrainian have three forms)."""
    return translations(lang).ngettext(singular, plural, n)


def parse_accept_language(header: str | None) -> list[str]:
    """Return the tags of an Accept-Language header, most wanted first.

    >>> parse_accept_language("uk-UA,uk;q=0.9,ru;q=0.8,en-US;q=0.5")
    ['uk-UA', 'uk', 'ru', 'en-US']
    >>> parse_accept_language("en;q=0.1, ru, *;q=0")
    ['ru', 'en']
    """
    wanted: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")[:50]):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip()
        quality = 1.0
        found = re.search(r"q\s*=\s*([0-9.]+)", params)
        if found:
            try:
                quality = float(found.group(1))
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0 and re.fullmatch(r"[A-Za-z0-9-]{1,35}", tag):
            wanted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(wanted)]


def negotiate(header: str | None) -> str:
    """Return the app's language that best fits an Accept-Language header (English if none).

    >>> negotiate("ru-RU,ru;q=0.9,en;q=0.8"), negotiate("uk"), negotiate("de-DE"), negotiate(None)
    ('ru', 'uk', 'en', 'en')
    """
    locale = Locale.negotiate(parse_accept_language(header), LANGUAGES, sep="-")
    return str(locale.language) if locale is not None else DEFAULT_LANGUAGE


def chosen(value: str | None) -> str | None:
    """Return a language if it is one of the app's, else None."""
    return value if value in LANGUAGES else None


def language_of(request: Request) -> str:
    """Return the viewer's language: account, then cookie, then Accept-Language, then English."""
    kept = chosen(getattr(request.state, "language", None))
    return (
        kept
        or chosen(request.cookies.get(LANGUAGE_COOKIE))
        or negotiate(request.headers.get("accept-language"))
    )


def long_date(value: date | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Write a date in full, as the language writes it.

    >>> day = date(2023, 4, 12)
    >>> long_date(day), long_date(day, "ru"), long_date(day, "uk"), long_date(None)
    ('12 April 2023', '12 апреля 2023', '12 квітня 2023', '—')
    """
    if value is None:
        return "—"
    return _long_date(value, lang)


@lru_cache(maxsize=4096, typed=True)
def _long_date(value: date, lang: str) -> str:
    # a list page writes the same few dates many times over; Babel takes 0.1-0.2 ms each
    return babel_format_date(value, "d MMMM y", locale=lang)


def short_date(value: date | datetime | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Write a date in figures, as the language writes it (``12.04.2023`` in Russian)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    return _short_date(value, lang)


@lru_cache(maxsize=4096, typed=True)
def _short_date(value: date, lang: str) -> str:
    return babel_format_date(value, "short" if lang == "en" else "dd.MM.y", locale=lang)


def date_time(value: datetime | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Write a moment with its date and time of day."""
    if value is None:
        return "—"
    return babel_format_datetime(value, "short", locale=lang)


def number(value: int | float | str | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Write a number as the language writes it (``1 234`` in Russian, ``1,234`` in English).

    A text that is not a whole number (a hidden count, "x") is written as it is.

    >>> number(12345, "en"), number("12345", "ru").replace("\\xa0", " "), number("x", "ru")
    ('12,345', '12 345', 'x')
    """
    if value is None:
        return "—"
    if isinstance(value, str):
        if not value.isascii() or not value.isdigit():
            return value
        value = int(value)
    return _number(value, lang)


@lru_cache(maxsize=4096, typed=True)
def _number(value: int | float, lang: str) -> str:
    return babel_format_decimal(value, locale=lang)


def percent(value: float | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """Write a share (0..1) as a whole percentage, as the language writes it."""
    if value is None:
        return "—"
    return babel_format_percent(value, locale=lang)


# What the pages show of an error: exact texts are looked up in the catalogues; texts with
# values in them are matched by these patterns and translated with their values put back.
_FIELD = re.compile(r"^field '([^']*)': (.*)$", re.DOTALL)
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^no person (?P<id>-?\d+) among the cases you may see$"),
        N_("no person %(id)s among the cases you may see"),
    ),
    (re.compile(r"^a (?P<role>[a-z_]+) may not (?P<what>.+)$"), N_("a %(role)s may not %(what)s")),
    (
        re.compile(r"^too many attempts, try again in (?P<seconds>\d+) s$"),
        N_("too many attempts, try again in %(seconds)s s"),
    ),
    (re.compile(r"^no identification (?P<id>-?\d+)$"), N_("no identification %(id)s")),
    (re.compile(r"^no authority request (?P<id>-?\d+)$"), N_("no authority request %(id)s")),
    (re.compile(r"^unknown flag '(?P<flag>[^']*)'$"), N_("unknown flag “%(flag)s”")),
    (
        re.compile(r"^(?P<file>.+): this kind of file is not accepted \(.+\)$"),
        N_(
            "%(file)s: this kind of file is not accepted (photos, PDF, office documents, text, "
            "audio and video)"
        ),
    ),
    (
        re.compile(r"^(?P<file>.+): the image cannot be read$"),
        N_("%(file)s: the image cannot be read"),
    ),
    (
        re.compile(r"^(?P<file>.+): the image has too many pixels$"),
        N_("%(file)s: the image has too many pixels"),
    ),
    (re.compile(r"^(?P<file>.+): the file is empty$"), N_("%(file)s: the file is empty")),
    (
        re.compile(r"^field 'links', line (?P<line>\d+): not an http or https address$"),
        N_("field “links”, line %(line)s: not an http or https address"),
    ),
    (
        re.compile(r"^field 'links', line (?P<line>\d+): longer than 2000 characters$"),
        N_("field “links”, line %(line)s: longer than 2000 characters"),
    ),
    (re.compile(r"^no tracing request (?P<id>\d+)$"), N_("no tracing request %(id)s")),
    (
        re.compile(r"^no relative's request (?P<id>\d+) among yours$"),
        N_("no relative's request %(id)s among yours"),
    ),
]


_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def template_pattern(template: str) -> re.Pattern[str]:
    """Return the pattern of the texts a template with ``%(name)s`` values writes.

    A ``%(name)d`` value is a whole number (``row %(row)d, %(problem)s`` never takes a comma
    of the problem for a part of the row's number).

    >>> template_pattern("no token %(id)s").match("no token 12").group("id")
    '12'
    >>> template_pattern("row %(row)d, %(problem)s").match("row 3, a, b").group("problem")
    'a, b'
    """
    parts = _PLACEHOLDER.split(template)  # text, name, kind, text, name, kind, ..., text
    body = "".join(
        re.escape(part)
        if i % 3 == 0
        else (rf"(?P<{part}>-?\d+)" if parts[i + 1] == "d" else f"(?P<{part}>.+?)")
        for i, part in enumerate(parts)
        if i % 3 != 2
    )
    return re.compile(f"^{body}$", re.DOTALL)


_TEMPLATES = [(template_pattern(t), t) for t in TEMPLATES]


def _values(lang: str, found: re.Match[str], message: str) -> dict[str, str | int]:
    """Translate a matched text's values: a ``problem`` as a whole problem, a ``%(x)d`` as a
    number, others as words."""
    numbers = {name for name, kind in _PLACEHOLDER.findall(message) if kind == "d"}
    values: dict[str, str | int] = {}
    for key, value in found.groupdict().items():
        if key in numbers:
            values[key] = int(value)
        elif key == "problem":
            values[key] = translate_problem(lang, value)
        else:
            values[key] = tr(lang, value)
    return values


def translate_problem(lang: str, text: str) -> str:
    """Translate an error's text for a page: exact texts, texts with values, field problems."""
    translated = tr(lang, text)
    if translated != text or lang == DEFAULT_LANGUAGE:
        return translated
    for pattern, message in _PATTERNS:
        found = pattern.match(text)
        if found:
            return tr(lang, message) % _values(lang, found, message)
    field = _FIELD.match(text)
    if field:
        return tr(lang, "field “%(field)s”: %(problem)s") % {
            "field": tr(lang, field.group(1)),
            "problem": translate_problem(lang, field.group(2)),
        }
    for pattern, message in _TEMPLATES:  # kintrace.web.messages.TEMPLATES
        found = pattern.match(text)
        if found:
            return tr(lang, message) % _values(lang, found, message)
    return text
