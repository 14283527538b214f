"""Which encoding a text file's bytes are in, by a rule that never guesses wrong quietly. Pure.

Lists reach analysts as CSV saved by Excel or LibreOffice in whatever the machine used:
UTF-8 (with or without a byte order mark), UTF-16 (Excel's "Unicode text"), or the Windows
Cyrillic code page 1251 of older Russian and Ukrainian systems. The rule, in this order:

1. A byte order mark says it: UTF-8 (``EF BB BF``), UTF-32 LE/BE, UTF-16 LE (``FF FE``) or
   BE (``FE FF``); the rest of the file must then decode exactly in it.
2. Without one, bytes that decode as UTF-8 exactly are UTF-8, unless that text has no
   Cyrillic letter while its characters beyond ASCII read as clean Cyrillic in Windows-1251
   (rule 3): a short 1251 text can be valid UTF-8 by accident ("Вё", bytes ``C2 B8``, is the
   UTF-8 of "¸"), and a Russian or Ukrainian list in UTF-8 has Cyrillic letters. A genuine
   UTF-8 text without Cyrillic ("José Müller") reads as 1251 with marks that are not Cyrillic
   ("JosГ©") and stays UTF-8. A file a quarter or more of whose
   bytes are NUL is UTF-16 or UTF-32 saved without a mark, and refused: it cannot be read
   safely (a stray NUL is refused later, naming its row and field).
3. Otherwise the file is Windows-1251 only when it decodes in it and reads as Cyrillic text
   (:func:`looks_cyrillic`): it has Cyrillic letters, every character beyond ASCII is a
   Cyrillic letter or a common typographic mark, no word mixes Cyrillic and Latin letters,
   and the bytes are not mostly UTF-8 (:func:`mostly_utf8`: a UTF-8 file with a broken byte,
   which read as 1251 has ``Рё`` for ``и``).
   A Latin-1 file (``José Müller`` becomes ``Josй Mьller`` in 1251) or a KOI8-R file
   (``Иван`` becomes ``йЧБО``: capitals inside a word) fails this test.
4. Anything else is refused with the file and the byte offset (and row) where UTF-8 fails.
"""

from __future__ import annotations

import codecs
import re

from kintrace.errors import SourceFormatError

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it begins with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
"""Byte order marks and the encodings they announce, in the order they are tried."""

_CYRILLIC_LETTER = re.compile("[А-яЁёІіЇїЄєҐґЎўЈјЅѕ]")
_ALLOWED = re.compile("[\x00-\x7fА-яЁёІіЇїЄєҐґЎў«»–—№’‘“”„…\u00a0•·]")
"""ASCII, the letters of Russian, Ukrainian and Belarusian, and the marks their texts use."""
_WORD = re.compile(r"\w+")
_LATIN = re.compile("[A-Za-z]")
_MIXED_CASE = re.compile("[а-яёіїєґў][А-ЯЁІЇЄҐЎ]")


def mostly_utf8(data: bytes) -> bool:
    """Say whether bytes that are not UTF-8 are mostly UTF-8 all the same (a broken byte).

    They are when the Cyrillic letters that decode as UTF-8 are more than twice the bytes
    that do not. Windows-1251 text is almost never valid UTF-8 (its small letters E0-FF
    would have to be followed by continuation bytes); where a capital and the next letter
    happen to be, they decode to other letters (Вё, C2 B8, is UTF-8's cedilla ¸; Гё is ø),
    seldom Cyrillic ones (Рё is и), and never many of them in a text that fails elsewhere.

    >>> mostly_utf8("Петров".encode() + bytes([0xFF])), mostly_utf8("Сірко".encode("cp1251"))
    (True, False)
    >>> mostly_utf8("Вё,Вёа".encode("cp1251")), mostly_utf8("Гё,Гёа".encode("cp1251"))
    (False, False)
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    return sum(1 for char in text if "\u0400" <= char <= "\u04ff") > 2 * broken


def looks_cyrillic(text: str) -> bool:
    """Say whether text decoded as Windows-1251 reads as Russian or Ukrainian text.

    >>> looks_cyrillic("id;surname\\n1;Петренко Іван «Ваня»")
    True
    >>> looks_cyrillic("Josй Mьller"), looks_cyrillic("йБЮМ"), looks_cyrillic("plain ASCII")
    (False, False, False)
    """
    if not _CYRILLIC_LETTER.search(text):
        return False
    if any(not _ALLOWED.match(char) for char in text if ord(char) > 0x7F):
        return False
    for word in _WORD.findall(text):
        if _CYRILLIC_LETTER.search(word) and (_LATIN.search(word) or _MIXED_CASE.search(word)):
            return False
    return True


def _row_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Return the text of a file's bytes and the encoding it was read in (see the module).

    Raises SourceFormatError naming the file, the byte offset and the row where it cannot be
    read.

    >>> decode_text("Петров".encode("utf-16"), "a.csv")
    ('Петров', 'utf-16-le')
    >>> decode_text("Петров".encode("cp1251"), "a.csv")
    ('Петров', 'cp1251')
    >>> decode_text("Вё".encode("cp1251"), "a.csv"), decode_text("José".encode(), "a.csv")
    (('Вё', 'cp1251'), ('José', 'utf-8'))
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(encoding), encoding
            except UnicodeDecodeError as error:
                offset = error.start + len(bom)
                raise SourceFormatError(
                    f"{name}: byte {offset}: not {encoding.upper()} text, though the file begins "
                    f"with its byte order mark; save the file again as UTF-8 CSV"
                ) from error
    nul = data.find(b"\x00")
    if nul >= 0 and 4 * data.count(b"\x00") >= len(data):  # one stray NUL: the cell says so
        raise SourceFormatError(
            f"{name}: byte {nul} (row {_row_of(data, nul)}): a NUL byte: UTF-16 or UTF-32 text "
            "without a byte order mark, or not text at all; save the file as UTF-8 CSV"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        failure = error
    else:
        if _CYRILLIC_LETTER.search(text) or text.isascii():
            return text, "utf-8"
        code_page = data.decode("cp1251", errors="replace")
        if "\ufffd" not in code_page and looks_cyrillic(code_page):
            return code_page, "cp1251"
        return text, "utf-8"
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        text = ""
    if text and not mostly_utf8(data) and looks_cyrillic(text):
        return text, "cp1251"
    raise SourceFormatError(
        f"{name}: byte {failure.start} (row {_row_of(data, failure.start)}): not UTF-8 text, nor "
        "Cyrillic text in Windows-1251; save the file as UTF-8 CSV"
    ) from failure
