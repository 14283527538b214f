"""The PFIF reader and the CSV reader's encodings, fuzzed (issue 18).

Random bytes and random edits of valid files: never a traceback, only a clear error
(a KintraceError) or a read; a valid file of random records reads back exactly what was
written; a list of random Cyrillic names in any supported encoding reads back the same names.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kintrace.errors import KintraceError, SourceFormatError
from kintrace.exchange.pfif import (
    NOTE_STATUSES,
    PfifDocument,
    PfifNote,
    PfifPerson,
    parse_pfif,
    write_pfif,
)
from kintrace.importers.encodings import decode_text
from kintrace.importers.tabular import read_table
from pfif_schema import schema_problems

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TEXT = st.text(
    alphabet=st.sampled_from(list("АБВЁЇІЄҐабвгёїієґ XYZxyz019.,'&<>\"«»—№\n")), max_size=30
).map(str.strip)
NAME = TEXT.map(lambda t: " ".join(t.split())).filter(bool)
ID = st.from_regex(r"\A[a-z]{1,8}\.org/[a-z0-9.]{1,12}\Z")
TIME = st.datetimes().map(lambda d: d.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ"))
TIME = TIME.filter(lambda t: len(t) == 20)


@st.composite
def notes(draw: st.DrawFn, person_id: str) -> PfifNote:
    values = {
        "note_record_id": draw(ID),
        "person_record_id": person_id,
        "author_name": draw(NAME),
        "source_date": draw(TIME),
        "status": draw(st.sampled_from(NOTE_STATUSES)),
        "text": draw(TEXT),
        "last_known_location": draw(TEXT.map(lambda t: t.replace("\n", " ").strip())),
    }
    return PfifNote({k: v for k, v in values.items() if v or k == "text"})


@st.composite
def documents(draw: st.DrawFn) -> PfifDocument:
    persons = []
    for person_id in draw(st.lists(ID, max_size=4, unique=True)):
        values = {
            "person_record_id": person_id,
            "source_date": draw(TIME),
            "full_name": draw(NAME),
            "description": draw(TEXT),
            "sex": draw(st.sampled_from(["", "male", "female", "other"])),
        }
        person_notes = tuple(draw(st.lists(notes(person_id), max_size=3)))
        persons.append(PfifPerson({k: v for k, v in values.items() if v}, person_notes))
    document = PfifDocument(tuple(persons))
    ids = [n.get("note_record_id") for n in document.all_notes()]
    if len(ids) != len(set(ids)):
        return PfifDocument()
    return document


def as_read(document: PfifDocument) -> list[tuple[dict[str, str], list[dict[str, str]]]]:
    return [(dict(p.values), [dict(n.values) for n in p.notes]) for p in document.persons]


@SETTINGS
@given(documents())
def test_a_written_file_is_valid_and_reads_back_exactly(document: PfifDocument) -> None:
    data = write_pfif(document)
    assert schema_problems(data) == []
    assert as_read(parse_pfif(data, "f.xml")) == as_read(document)


@SETTINGS
@given(st.binary(max_size=600))
def test_random_bytes_as_pfif(raw: bytes) -> None:
    with contextlib.suppress(SourceFormatError):
        parse_pfif(raw, "f.xml")


EDIT_BYTES = st.sampled_from(
    [b"<", b">", b"&", b"/", b'"', b"\x00", b"\xff", b"<!ENTITY x 'y'>", b"&x;", b"]]>", b" "]
) | st.binary(min_size=1, max_size=3)


@SETTINGS
@given(documents(), st.data())
def test_one_edit_of_a_valid_file_is_refused_or_read(
    document: PfifDocument, data: st.DataObject
) -> None:
    raw = write_pfif(document)
    at = data.draw(st.integers(0, len(raw)))
    how = data.draw(st.sampled_from(["insert", "delete", "replace"]))
    piece = data.draw(EDIT_BYTES)
    edited = raw[:at] + (b"" if how == "delete" else piece) + raw[at + (how != "insert") :]
    try:
        read = parse_pfif(edited, "f.xml")
    except SourceFormatError as error:
        assert all(p.startswith("f.xml: ") for p in error.problems)
        return
    # what was read writes out as a valid file that reads back the same
    assert as_read(parse_pfif(write_pfif(read), "g.xml")) == as_read(read)


ENCODINGS = {
    "utf-8": b"",
    "utf-8-sig": b"",
    "utf-16": b"",
    "utf-16-be": codecs.BOM_UTF16_BE,
    "cp1251": b"",
}
UPPER = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯІЇЄҐ"
LOWER = "абвгдеёжзийклмнопрстуфхцчшщыьэюяіїєґ"
CYRILLIC_NAME = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(UPPER),
    st.text(alphabet=LOWER, min_size=1, max_size=10),
)
"""A name as lists write it: a capital, then small letters."""


def table_of(data: bytes) -> list[dict[str, str]]:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "list.csv"
        path.write_bytes(data)
        return [row.values for row in read_table(path, required=("id",)).rows]


@SETTINGS
@given(
    st.lists(st.tuples(CYRILLIC_NAME, CYRILLIC_NAME), min_size=1, max_size=5),
    st.sampled_from(sorted(ENCODINGS)),
)
def test_cyrillic_names_read_back_in_every_encoding(
    rows: list[tuple[str, str]], encoding: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "surname", "given_name"])
    writer.writerows([str(n), *row] for n, row in enumerate(rows, start=1))
    data = ENCODINGS[encoding] + buffer.getvalue().encode(encoding)
    assert table_of(data) == [
        {"id": str(n), "surname": s, "given_name": g} for n, (s, g) in enumerate(rows, start=1)
    ]


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_decode_or_are_one_clear_error(raw: bytes) -> None:
    try:
        text, encoding = decode_text(raw, "list.csv")
    except SourceFormatError as error:
        assert len(error.problems) == 1 and error.problems[0].startswith("list.csv: byte ")
        return
    assert encoding in {"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp1251"}
    assert isinstance(text, str)


@SETTINGS
@given(
    st.lists(st.tuples(CYRILLIC_NAME, CYRILLIC_NAME), min_size=1, max_size=4),
    st.sampled_from(sorted(ENCODINGS)),
    st.data(),
)
def test_a_byte_edit_of_an_encoded_list_is_refused_or_read(
    rows: list[tuple[str, str]], encoding: str, data: st.DataObject
) -> None:
    text = "id,surname,given_name\n" + "".join(f"{n},{s},{g}\n" for n, (s, g) in enumerate(rows))
    raw = ENCODINGS[encoding] + text.encode(encoding)
    at = data.draw(st.integers(0, len(raw)))
    edited = raw[:at] + data.draw(st.binary(min_size=1, max_size=2)) + raw[at + 1 :]
    with contextlib.suppress(KintraceError):
        table_of(edited)
