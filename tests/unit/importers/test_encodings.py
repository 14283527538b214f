"""CSV lists in the encodings they arrive in: UTF-8 (BOM or not), UTF-16 LE/BE with a BOM,
Windows-1251; anything else one clear error naming the file and the byte (issue 18)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from kintrace.errors import SourceFormatError
from kintrace.importers.encodings import decode_text, looks_cyrillic
from kintrace.importers.persons import parse_persons
from kintrace.importers.tabular import read_table

LIST = (
    "id;surname;given_name;patronymic;birth_date;region\r\n"
    "1;Петров;Александр;Иванович;03.05.1998;Курская область\r\n"
    "2;Коваленко;Олена;Іванівна;1990;Житомирська область\r\n"
    "3;Ёлкин;Сергей;Петрович;;«Сибирь» — №5\r\n"
)
NAMES = [
    ("Петров", "Александр", "Иванович"),
    ("Коваленко", "Олена", "Іванівна"),
    ("Ёлкин", "Сергей", "Петрович"),
]

ENCODED = {
    "utf-8": LIST.encode("utf-8"),
    "utf-8 with BOM": codecs.BOM_UTF8 + LIST.encode("utf-8"),
    "utf-16 LE with BOM": codecs.BOM_UTF16_LE + LIST.encode("utf-16-le"),
    "utf-16 BE with BOM": codecs.BOM_UTF16_BE + LIST.encode("utf-16-be"),
    "utf-32 LE with BOM": codecs.BOM_UTF32_LE + LIST.encode("utf-32-le"),
    "windows-1251": LIST.encode("cp1251"),
}


def written(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", sorted(ENCODED))
def test_a_list_in_each_encoding_reads_the_same_names(tmp_path: Path, encoding: str) -> None:
    records = parse_persons(read_table(written(tmp_path, ENCODED[encoding]), required=("id",)))
    assert [(r.details.surname, r.details.given_name, r.details.patronymic) for r in records] == (
        NAMES
    )
    assert records[2].details.home_region == "«Сибирь» — №5"


def test_the_encoding_found_is_the_one_written() -> None:
    found = {name: decode_text(data, "list.csv")[1] for name, data in ENCODED.items()}
    assert found == {
        "utf-8": "utf-8",
        "utf-8 with BOM": "utf-8",
        "utf-16 LE with BOM": "utf-16-le",
        "utf-16 BE with BOM": "utf-16-be",
        "utf-32 LE with BOM": "utf-32-le",
        "windows-1251": "cp1251",
    }


REFUSED = {
    # Latin-1 decodes in 1251 too, as nonsense mixing the scripts in a word
    "latin-1": ("id;surname\n1;José Müller\n".encode("latin-1"), "byte 16 (row 2)"),
    # KOI8-R reads in 1251 as capitals inside words
    "koi8-r": ("id;surname\n1;Иванов Пётр\n".encode("koi8-r"), "byte 13 (row 2)"),
    # UTF-16 without its byte order mark
    "utf-16 without BOM": ("id;surname\n1;Петров\n".encode("utf-16-le"), "byte 1 (row 1)"),
    # a UTF-16 mark over bytes that are not UTF-16 (a lone low surrogate)
    "broken utf-16": (codecs.BOM_UTF16_LE + b"i\x00d\x00\x00\xdc", "byte 6"),
    # UTF-8 with one broken byte: not taken for 1251 (it would read Рџ for П)
    "broken utf-8": ("id;surname\n1;Петров Иван\n".encode() + b"\xff\n", "byte 35 (row 3)"),
    # cp1251 cannot decode 0x98
    "undefined in 1251": (b"id;surname\n1;\xcf\xe5\x98\n", "byte 13 (row 2)"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_other_bytes_are_one_clear_error_naming_file_and_byte(tmp_path: Path, case: str) -> None:
    data, where = REFUSED[case]
    path = written(tmp_path, data)
    with pytest.raises(SourceFormatError) as caught:
        read_table(path, required=("id",))
    assert caught.value.problems == (caught.value.problems[0],)
    message = caught.value.problems[0]
    assert message.startswith(f"{path}: ") and where in message


def test_cyrillic_text_is_told_from_mojibake() -> None:
    assert looks_cyrillic("Петренко Іван Ґудзь, в/ч 1234 — «Схід»")
    assert not looks_cyrillic("Josй Mьller")  # Latin-1 read as 1251
    assert not looks_cyrillic("Иванов".encode("koi8-r").decode("cp1251"))
    assert not looks_cyrillic("ASCII only")
    assert not looks_cyrillic("Петров™")  # a mark no Russian list uses


def test_windows_1251_whose_first_letters_happen_to_be_utf8_is_read_as_windows_1251() -> None:
    # В ё (C2 B8) is UTF-8's cedilla: valid UTF-8, but a mark, not a letter (found by
    # hypothesis in tests/property/test_pfif_and_encodings.py)
    data = "id,surname,given_name\r\n1,Вё,Вёа\r\n".encode("cp1251")
    assert decode_text(data, "list.csv") == (data.decode("cp1251"), "cp1251")


def test_every_short_windows_1251_name_that_is_not_utf8_is_read_as_written() -> None:
    # a capital and the next small letter in Windows-1251 may be a valid UTF-8 pair (Вё is
    # the cedilla, Гё is ø, Рё is и); a file that is valid UTF-8 as a whole is read so, and
    # every other must be read as the Windows-1251 it is
    upper = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯІЇЄҐ"
    lower = "абвгдеёжзийклмнопрстуфхцчшщыьэюяіїєґ"
    wrong = []
    for capital in upper:
        for first in lower:
            for second in lower:
                text = f"id,surname,given_name\r\n1,{capital}{first},{capital}{first}{second}\r\n"
                data = text.encode("cp1251")
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError:
                    if decode_text(data, "list.csv") != (text, "cp1251"):
                        wrong.append(text)
    assert wrong == []
