"""Extraction in CI: every text of the web app is in the catalogues, translated in ru and uk.

Babel extracts the texts (``babel.cfg``, the same keywords as ``scripts/catalogues.sh``) into
memory and each catalogue is compared with them: a text not in a catalogue, an empty or fuzzy
Russian or Ukrainian translation, or a translation whose placeholders differ fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from kintrace.web import i18n

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "kintrace"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "tr": (2,), "tr_n": (2, 3)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted() -> set[str]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        SOURCE, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.fixture(scope="module")
def texts() -> set[str]:
    found = extracted()
    assert len(found) > 300  # the pages, labels and error texts
    return found


def catalogue(lang: str) -> Catalog:
    with i18n.catalogue_path(lang).open("rb") as po:
        return read_po(po, locale=lang)


def key(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_extracted_text_is_in_the_catalogue(texts: set[str], lang: str) -> None:
    have = {key(m.id) for m in catalogue(lang) if m.id}
    assert sorted(texts - have) == [], "run scripts/catalogues.sh and translate"
    assert sorted(have - texts) == [], "texts no longer in the code: run scripts/catalogues.sh"


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_every_text_is_translated_and_none_is_fuzzy(lang: str) -> None:
    untranslated, fuzzy, placeholders = [], [], []
    for m in catalogue(lang):
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings) or len(strings) != (3 if isinstance(m.id, tuple) else 1):
            untranslated.append(key(m.id))
        if m.fuzzy:
            fuzzy.append(key(m.id))
        wanted = set(PLACEHOLDER.findall(key(m.id)))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings if s):
            placeholders.append(key(m.id))
    assert untranslated == []
    assert fuzzy == []
    assert placeholders == []


def test_a_fuzzy_translation_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    po = tmp_path / "ru" / "LC_MESSAGES" / "kintrace.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "Cases"\nmsgstr "Дела"\n\nmsgid "Sign in"\nmsgstr "Войти"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.tr("ru", "Cases") == "Cases"
        assert i18n.tr("ru", "Sign in") == "Войти"
    finally:
        monkeypatch.undo()
        i18n.translations.cache_clear()


def test_the_catalogues_translate_labels_and_plurals() -> None:
    assert i18n.tr("ru", "Missing") == "Пропал без вести"
    assert i18n.tr("uk", "Missing") == "Зник безвісти"
    assert i18n.tr("en", "Missing") == "Missing"
    days = "%(num)d day without news", "%(num)d days without news"
    assert [i18n.tr_n("ru", *days, n) % {"num": n} for n in (1, 3, 11, 21)] == [
        "1 день без вестей",
        "3 дня без вестей",
        "11 дней без вестей",
        "21 день без вестей",
    ]


def test_errors_are_translated_with_their_values() -> None:
    assert i18n.translate_problem("ru", "wrong username or password") == (
        "неверное имя пользователя или пароль"
    )
    assert i18n.translate_problem("uk", "no person 7 among the cases you may see") == (
        "серед доступних вам справ немає людини № 7"
    )
    assert i18n.translate_problem("ru", "field 'authority': say which authority says so") == (
        "поле «ведомство»: укажите, какое ведомство это сообщает"
    )
    assert i18n.translate_problem("ru", "a relative may not grade sources") == (
        "роли «родственник» не разрешено оценивать источники"
    )
    assert i18n.translate_problem("ru", "something nobody wrote down") == (
        "something nobody wrote down"
    )
