"""The stored search key of a person: one Latin, case-folded form of every script. Pure.

SQLite's ``lower()`` folds ASCII only, so a LIKE on the names as written finds "Стасів" from
"стасів" on PostgreSQL but not on SQLite, and never from "Stasiv". Each person therefore
carries a search key (``persons.search_key``) made with the linkage module's normalisation:
every name word as its phonetic key (:func:`~kintrace.linkage.names.phonetic_key`, one Latin
spelling for every script and transliteration, case folded), the personal number and the unit
with case, spaces and dashes dropped and Cyrillic look-alike letters in Latin. A search word
goes through the same functions, so "стасів", "Стасів", "STASIV" and "Stasiv" give one form.

>>> key = search_key(surname="Стасів", given_name="Микола", personal_number="АВ-123 456")
>>> key
' stasiv mikola ab123456 '
>>> [search_forms(w) for w in ("стасів", "STASIV", "Stasiv", "ab 123456", "ав-123")]
[('stasiv',), ('stasiv',), ('stasiv',), ('ab123456',), ('ab123',)]
"""

from __future__ import annotations

import re

from kintrace.linkage.names import name_tokens, phonetic_key
from kintrace.linkage.normalise import normalise_personal_number, normalise_unit

SEARCH_KEY_LENGTH = 1000
"""The longest key kept (``persons.search_key``); a longer one is cut at a word."""

_DIGIT = re.compile(r"\d")


def _number_form(text: str) -> str:
    return normalise_personal_number(text).lower()


def search_key(
    *,
    surname: str,
    given_name: str = "",
    patronymic: str = "",
    personal_number: str = "",
    unit: str = "",
) -> str:
    """Return a person's search key: space-separated forms with a space at each end.

    >>> search_key(surname="Petrov", unit="в/ч А-0224")
    ' petrov a0224 bca0224 v c a '
    """
    words: list[str] = []
    for text in (surname, given_name, patronymic):
        words.extend(phonetic_key(token) for token in name_tokens(text))
    words.append(_number_form(personal_number))
    if unit.strip():
        words.append(normalise_unit(unit).lower())
        words.append(_number_form(unit))
        words.extend(phonetic_key(token) for token in name_tokens(unit))
    return _joined(words)


def _joined(words: list[str]) -> str:
    kept: list[str] = []
    for word in words:
        if word and word not in kept:
            kept.append(word)
    key = " " + " ".join(kept) + " "
    if len(key) > SEARCH_KEY_LENGTH:
        key = key[: key.rfind(" ", 0, SEARCH_KEY_LENGTH - 1) + 1]
    return key


def join_keys(keys: list[str]) -> str:
    """Join search keys into one (a person's and his merged duplicates'), each word once.

    >>> join_keys([" stasiv mikola ", " stasiw mikola nikolai "])
    ' stasiv mikola stasiw nikolai '
    """
    return _joined([word for key in keys for word in key.split()])


def search_forms(word: str) -> tuple[str, ...]:
    """Return the key forms one search word must find (all of them), empty if it has none.

    A word with a digit is a number (personal number or unit): its letters and digits in
    Latin; any other word is a name: the phonetic key of each of its parts.

    >>> search_forms("в/ч"), search_forms("%"), search_forms("12-34")
    (('v', 'c'), (), ('1234',))
    """
    if _DIGIT.search(word):
        form = _number_form(word)
        return (form,) if form else ()
    return tuple(key for token in name_tokens(word) if (key := phonetic_key(token)))
