"""The PFIF 1.4 core: statuses both ways, names, strict and safe reading, writing (issue 18)."""

from __future__ import annotations

import pytest

from kintrace.errors import SourceFormatError
from kintrace.exchange.pfif import (
    NOTE_FIELDS,
    NOTE_STATUSES,
    PERSON_FIELDS,
    PfifDocument,
    PfifNote,
    PfifPerson,
    parse_pfif,
    write_pfif,
)
from kintrace.exchange.pfif_values import CLAIM_STATUS, note_claim, note_status, split_name
from kintrace.reports.model import Status
from pfif_schema import schema_problems

NS = "http://zesty.ca/pfif/1.4"
PERSON = (
    "<pfif:person>\n"
    "<pfif:person_record_id>p.org/1</pfif:person_record_id>\n"
    "<pfif:source_date>2023-01-01T00:00:00Z</pfif:source_date>\n"
    "<pfif:full_name>Иванов Сергей Петрович</pfif:full_name>\n"
    "{extra}"
    "</pfif:person>\n"
)


def pfif(*records: str) -> bytes:
    return (f'<pfif:pfif xmlns:pfif="{NS}">\n' + "".join(records) + "</pfif:pfif>\n").encode()


def note(note_id: str = "p.org/n1", person: str | None = "p.org/1", **fields: str) -> str:
    values = {
        "note_record_id": note_id,
        "person_record_id": person,
        "author_name": "Anna",
        "source_date": "2023-02-01T10:00:00Z",
        "text": "seen",
        **fields,
    }
    body = "".join(f"<pfif:{k}>{v}</pfif:{k}>" for k, v in values.items() if v is not None)
    return f"<pfif:note>{body}</pfif:note>\n"


def problems(data: bytes) -> tuple[str, ...]:
    with pytest.raises(SourceFormatError) as caught:
        parse_pfif(data, "in.xml")
    return caught.value.problems


# --- statuses --------------------------------------------------------------------------------

GROUPS = {
    Status.ALIVE_SERVING: "believed_alive",
    Status.WOUNDED: "believed_alive",
    Status.CAPTURED_REPORTED: "believed_alive",
    Status.CAPTURED_CONFIRMED: "believed_alive",
    Status.RETURNED: "believed_alive",
    Status.MISSING: "believed_missing",
    Status.DECLARED_MISSING: "believed_missing",
    Status.DEAD_UNRECOVERED: "believed_dead",
    Status.REMAINS_RECOVERED: "believed_dead",
    Status.IDENTIFIED: "believed_dead",
    Status.REMAINS_RETURNED: "believed_dead",
    Status.DECLARED_DEAD: "believed_dead",
}


def test_every_kintrace_status_has_its_pfif_status() -> None:
    assert set(CLAIM_STATUS) == set(Status)
    assert {s: note_status(s) for s in Status} == GROUPS
    assert set(CLAIM_STATUS.values()) <= set(NOTE_STATUSES)


def test_a_status_written_and_read_back_stays_alive_missing_or_dead() -> None:
    for status, written in GROUPS.items():
        back = note_claim(written, None)
        assert back is not None and note_status(back) == written, status


@pytest.mark.parametrize(
    ("status", "contact", "claim"),
    [
        ("information_sought", None, Status.MISSING),
        ("is_note_author", None, Status.ALIVE_SERVING),
        ("believed_alive", False, Status.ALIVE_SERVING),
        ("believed_missing", True, Status.MISSING),
        ("believed_dead", None, Status.DEAD_UNRECOVERED),
        ("", True, Status.ALIVE_SERVING),
        ("", False, None),
        ("", None, None),
    ],
)
def test_each_pfif_status_reads_as_a_claim(
    status: str, contact: bool | None, claim: Status | None
) -> None:
    assert note_claim(status, contact) == claim


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full", "given", "family", "parts"),
    [
        ("", "Сергей Петрович", "Иванов", ("Иванов", "Сергей", "Петрович")),
        ("Иванов Сергей Петрович", "", "", ("Иванов", "Сергей", "Петрович")),
        ("Сергей Петрович Иванов", "", "", ("Иванов", "Сергей", "Петрович")),
        ("Коваленко Олена Іванівна", "", "", ("Коваленко", "Олена", "Іванівна")),
        ("Петренко Олена", "", "", ("Петренко", "Олена", "")),
        ("John Smith", "", "", ("Smith", "John", "")),
        ("Anna Maria Smith", "", "", ("Smith", "Anna Maria", "")),
        ("Madonna", "", "", ("Madonna", "", "")),
        ("Ivan Ivanov", "", "Ivanov", ("Ivanov", "Ivan", "")),
        ("", "", "", ("", "", "")),
    ],
)
def test_names_are_split_into_surname_given_name_and_patronymic(
    full: str, given: str, family: str, parts: tuple[str, str, str]
) -> None:
    assert split_name(full, given, family) == parts


# --- reading ---------------------------------------------------------------------------------


def test_a_person_with_nested_and_separate_notes_reads() -> None:
    document = parse_pfif(
        pfif(
            PERSON.format(extra=note(person=None, status="believed_alive")),
            note("p.org/n2", status="believed_dead"),
        ),
        "in.xml",
    )
    [person] = document.persons
    assert person.line == 2
    assert [n.get("person_record_id") for n in document.all_notes()] == ["p.org/1", "p.org/1"]
    assert [n.get("status") for n in document.all_notes()] == ["believed_alive", "believed_dead"]


def test_extensions_in_another_namespace_are_skipped() -> None:
    data = pfif(PERSON.format(extra='<x:unit xmlns:x="urn:kintrace">12345</x:unit>\n'))
    assert parse_pfif(data, "in.xml").persons[0].values.keys() == {
        "person_record_id",
        "source_date",
        "full_name",
    }


def test_an_expired_placeholder_needs_no_name() -> None:
    data = pfif(
        "<pfif:person><pfif:person_record_id>p.org/9</pfif:person_record_id>"
        "<pfif:source_date>2023-01-01T00:00:00Z</pfif:source_date>"
        "<pfif:expiry_date>2023-06-01T00:00:00Z</pfif:expiry_date></pfif:person>\n"
    )
    assert parse_pfif(data, "in.xml").persons[0].expired


@pytest.mark.parametrize(
    ("record", "line", "words"),
    [
        (PERSON.format(extra="<pfif:colour>blue</pfif:colour>\n"), 6, "'colour' is not a field"),
        (PERSON.format(extra="<pfif:sex>M</pfif:sex>\n"), 6, "female, male, other"),
        (PERSON.format(extra="<pfif:full_name>x</pfif:full_name>\n"), 6, "given twice"),
        (PERSON.format(extra="<pfif:age>about 30</pfif:age>\n"), 6, "not an age"),
        (PERSON.format(extra="<pfif:date_of_birth>1998-02-30</pfif:date_of_birth>\n"), 6, "real"),
        (PERSON.format(extra="<pfif:home_country>Russia</pfif:home_country>\n"), 6, "two-letter"),
        (PERSON.format(extra="<pfif:given_name>a\u202eb</pfif:given_name>\n"), 6, "U+202E"),
        (PERSON.format(extra="<pfif:given_name>a\nb</pfif:given_name>\n"), 6, "U+000A"),
        (note(status="dead"), 2, "not a PFIF 1.4 note status"),
        (note(source_date="2023-02-01 10:00"), 2, "not a UTC time"),
        (note(source_date="2023-02-30T10:00:00Z"), 2, "not a real time"),
        (note(author_made_contact="yes"), 2, "not true or false"),
        (note(person=None), 2, "'person_record_id'"),
        (note(note_id="n1"), 2, "not a record id"),
        (note(note_id="=cmd/1"), 2, "not a record id"),
        (note(author_name=""), 2, "'author_name'"),
        ("<pfif:photo>x</pfif:photo>\n", 2, "'photo' is not a PFIF record"),
        (
            "<pfif:person><pfif:source_date>2023-01-01T00:00:00Z</pfif:source_date></pfif:person>",
            2,
            "'person_record_id'",
        ),
        (PERSON.format(extra=note(person="p.org/2")), 6, "names person 'p.org/2'"),
    ],
)
def test_each_bad_record_is_named_with_its_line(record: str, line: int, words: str) -> None:
    found = problems(pfif(record))
    assert any(p.startswith(f"in.xml: line {line}: ") and words in p for p in found), found


def test_every_problem_is_listed_before_stopping() -> None:
    found = problems(pfif(note(status="dead"), note("p.org/n2", source_date="x"), note()))
    assert len(found) == 3  # two bad notes, and the third repeats the first's id
    assert "repeats the record of line 2" in found[2]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE pfif [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<pfif xmlns="http://zesty.ca/pfif/1.4">&lol3;</pfif>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE pfif [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<pfif xmlns="http://zesty.ca/pfif/1.4"><note><text>&secret;</text></note></pfif>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL], ids=["billion_laughs", "external"])
def test_entities_are_never_expanded(data: bytes) -> None:
    [problem] = problems(data)
    assert problem.startswith("in.xml: line 2: a DTD or entity declaration")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"", 1),
        (b"<pfif xmlns='http://zesty.ca/pfif/1.4'>\n<person>\n</pfif>", 3),
        (b"\xff\xfe<\x00", 1),
        (b"<?xml version='1.0' encoding='no-such'?><pfif/>", 1),
        (b"<pfif xmlns='http://zesty.ca/pfif/1.4'>\n&amp</pfif>", 2),
    ],
)
def test_xml_that_is_not_well_formed_is_one_error_with_its_line(data: bytes, line: int) -> None:
    [problem] = problems(data)
    assert problem.startswith(f"in.xml: line {line}: ")


def test_the_root_must_be_pfif_1_4() -> None:
    [problem] = problems(b"<pfif xmlns='http://zesty.ca/pfif/1.3'/>")
    assert "not a PFIF 1.4 'pfif' element" in problem


# --- writing ---------------------------------------------------------------------------------


def test_fields_are_written_in_the_specification_order_and_valid() -> None:
    person_values = {name: "" for name in PERSON_FIELDS} | {
        "person_record_id": "a.org/person.1",
        "source_date": "2023-01-01T00:00:00Z",
        "entry_date": "2023-01-02T00:00:00Z",
        "full_name": "Петров Александр",
        "sex": "male",
        "date_of_birth": "1998-05",
        "home_state": "Курская область",
        "description": "Unit: в/ч 12345\nRank: рядовой",
    }
    note_values = {
        "note_record_id": "a.org/report.7",
        "person_record_id": "a.org/person.1",
        "author_name": "Unit commander",
        "source_date": "2022-09-18T00:00:00Z",
        "status": "believed_missing",
        "text": "did not return & <nobody> saw \x07 him",
    }
    document = PfifDocument(
        (PfifPerson(dict(reversed(person_values.items())), (PfifNote(note_values),)),)
    )
    data = write_pfif(document)
    assert schema_problems(data) == []
    text = data.decode()
    order = [name for name in PERSON_FIELDS if f"<pfif:{name}>" in text.split("<pfif:note>")[0]]
    positions = [text.index(f"<pfif:{name}>") for name in order]
    assert positions == sorted(positions)
    read = parse_pfif(data, "out.xml").persons[0]
    assert read.values == {k: v for k, v in person_values.items() if v}
    assert read.notes[0].get("text") == "did not return & <nobody> saw \ufffd him"
    assert set(read.notes[0].values) <= set(NOTE_FIELDS)
