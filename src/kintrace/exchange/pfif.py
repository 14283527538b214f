"""PFIF 1.4 records: read and write the XML, map statuses and names. Pure (no database).

PFIF, the People Finder Interchange Format, is the XML exchange format of records about
people sought after a disaster; 1.4 (29 May 2012, http://zesty.ca/pfif/1.4/) is its last
version, the one Google Person Finder served. A file is a ``pfif`` root in the namespace
:data:`NAMESPACE` holding ``person`` records (each with its ``note`` records inside) and
``note`` records on their own. The field lists and their order (:data:`PERSON_FIELDS`,
:data:`NOTE_FIELDS`) are the specification's; the fields every record must have
(:data:`PERSON_REQUIRED`, :data:`NOTE_REQUIRED`) are those Person Finder's serializer always
writes. Values, statuses and names are :mod:`kintrace.exchange.pfif_values`; ``docs/pfif.md`` says
how kintrace's statuses map onto PFIF's five and back.

Reading is safe and strict: the XML is parsed by defusedxml with no DTD, no entity and no
external reference allowed (no billion laughs, no file read through an entity); a file that
is not well-formed, or a record with an unknown or repeated field, a missing required field or
a value of the wrong form (a date that is not ``YYYY-MM-DDThh:mm:ssZ``, a status PFIF does not
have) is refused with one line per problem naming the file and the line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # writing only; reading goes through defusedxml
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from kintrace.errors import SourceFormatError
from kintrace.exchange.pfif_values import parse_age, parse_birth, parse_boolean, parse_time

NAMESPACE = "http://zesty.ca/pfif/1.4"
"""The XML namespace of PFIF 1.4."""

PERSON_FIELDS: tuple[str, ...] = (
    "person_record_id",
    "entry_date",
    "expiry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_name",
    "source_date",
    "source_url",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "description",
    "sex",
    "date_of_birth",
    "age",
    "home_street",
    "home_neighborhood",
    "home_city",
    "home_state",
    "home_postal_code",
    "home_country",
    "photo_url",
    "profile_urls",
)
"""The 25 fields of a PFIF 1.4 person, in the order the specification's schema gives them."""

NOTE_FIELDS: tuple[str, ...] = (
    "note_record_id",
    "person_record_id",
    "linked_person_record_id",
    "entry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_date",
    "author_made_contact",
    "status",
    "email_of_found_person",
    "phone_of_found_person",
    "last_known_location",
    "text",
    "photo_url",
)
"""The 15 fields of a PFIF 1.4 note, in the specification's order."""

PERSON_REQUIRED = ("person_record_id", "source_date", "full_name")
"""What every person record carries (an expired placeholder may lack its full name)."""
NOTE_REQUIRED = ("note_record_id", "author_name", "source_date", "text")
"""What every note record carries."""

NOTE_STATUSES = (
    "",
    "information_sought",
    "is_note_author",
    "believed_alive",
    "believed_missing",
    "believed_dead",
)
"""PFIF 1.4's note statuses (the empty one: not stated)."""

SEXES = ("", "female", "male", "other")
"""PFIF 1.4's sexes (the empty one: not stated)."""

MAX_FILE_BYTES = 256 * 1024 * 1024
"""Largest PFIF file read (256 MiB)."""
MAX_PROBLEMS = 100
"""Problems listed before the rest are counted in one line."""
MAX_RECORD_ID = 100
"""Longest record id kept, in characters (the id column of a list record)."""
MAX_TEXT = 20_000
"""Longest note text, in characters."""
MAX_VALUE = 2_000
"""Longest value of any other field, in characters."""
MULTI_LINE = frozenset(
    {"full_name", "alternate_names", "description", "profile_urls", "text", "last_known_location"}
)
"""Fields whose values may span several lines (the specification's "one per line" fields)."""

_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
"""Control characters, bidi marks, overrides and isolates, BOM: refused in every value."""
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold at all."""
_RECORD_ID = re.compile(r"^[^/\s]+/\S+$")
FORMULA = ("=", "+", "-", "@")
"""First characters that make a spreadsheet read a cell as a formula: refused in record ids."""


@dataclass(frozen=True, slots=True)
class PfifNote:
    """A PFIF note: a dated statement about a person. ``line``: where it starts in its file."""

    values: Mapping[str, str]
    line: int = 0

    def get(self, name: str) -> str:
        """Return a field's value, empty when not given."""
        return self.values.get(name, "")


@dataclass(frozen=True, slots=True)
class PfifPerson:
    """A PFIF person record, with the notes written inside it."""

    values: Mapping[str, str]
    notes: tuple[PfifNote, ...] = ()
    line: int = 0

    def get(self, name: str) -> str:
        """Return a field's value, empty when not given."""
        return self.values.get(name, "")

    @property
    def expired(self) -> bool:
        """Say whether this is the placeholder an expired record leaves (no name)."""
        return not self.get("full_name") and bool(self.get("expiry_date"))


@dataclass(frozen=True, slots=True)
class PfifDocument:
    """A PFIF file: persons (with their notes) and notes on their own."""

    persons: tuple[PfifPerson, ...] = ()
    notes: tuple[PfifNote, ...] = field(default_factory=tuple)

    def all_notes(self) -> list[PfifNote]:
        """Return every note, those inside persons first, each with its person's record id."""
        return [n for p in self.persons for n in p.notes] + list(self.notes)


# --- reading -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Element:
    tag: str
    line: int
    children: list[_Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class _Builder:
    """A parser target keeping each element's line (ElementTree keeps none)."""

    def __init__(self) -> None:
        self.parser: DefusedXMLParser | None = None
        self.root: _Element | None = None
        self._stack: list[_Element] = []

    def _line(self) -> int:
        assert self.parser is not None
        return int(self.parser.parser.CurrentLineNumber)

    def start(self, tag: str, _attrib: Mapping[str, str]) -> None:
        element = _Element(tag, self._line())
        if self._stack:
            self._stack[-1].children.append(element)
        else:
            self.root = element
        self._stack.append(element)

    def end(self, _tag: str) -> None:
        self._stack.pop()

    def data(self, text: str) -> None:
        if self._stack:
            self._stack[-1].text.append(text)

    def close(self) -> _Element | None:
        return self.root


def _line_of(data: bytes, needle: bytes) -> int:
    at = data.find(needle)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 1


def _parse_xml(data: bytes, name: str) -> _Element:
    """Parse the bytes safely into elements with their lines, or raise naming file and line."""
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException as error:
        what = type(error).__name__
        needle = b"<!DOCTYPE" if what == "DTDForbidden" else b"<!ENTITY"
        raise SourceFormatError(
            f"{name}: line {_line_of(data, needle)}: a DTD or entity declaration ({what}); "
            "PFIF needs neither and kintrace reads none (no entity expansion, no external "
            "reference)"
        ) from error
    except (ET.ParseError, expat.ExpatError) as error:
        line = getattr(error, "position", (getattr(error, "lineno", 1), 0))[0]
        message = str(error).split(":")[0]
        raise SourceFormatError(f"{name}: line {line}: not well-formed XML ({message})") from error
    except (ValueError, LookupError) as error:  # a declared encoding Python does not know
        raise SourceFormatError(f"{name}: line 1: cannot read the XML ({error})") from error
    if builder.root is None:
        raise SourceFormatError(f"{name}: line 1: no XML element")
    return builder.root


def _local(tag: str) -> tuple[str, str]:
    """Split ``{namespace}name`` into (namespace, name)."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _value_problem(name: str, value: str) -> str | None:
    """Say what is wrong with one field's value, or None."""
    limit = MAX_TEXT if name == "text" else MAX_VALUE
    if len(value) > limit:
        return f"{len(value)} characters, more than {limit}"
    bad = _FORBIDDEN.search(value)
    if bad is not None or ("\n" in value and name not in MULTI_LINE):
        char = "\n" if bad is None else bad.group()
        return f"character U+{ord(char):04X} (control and direction characters are not read)"
    try:
        if name.endswith("_date") and name != "date_of_birth":
            parse_time(value)
        elif name == "date_of_birth":
            parse_birth(value)
        elif name == "age":
            parse_age(value)
    except ValueError as error:
        return str(error)
    if name.endswith("record_id") and (
        len(value) > MAX_RECORD_ID or not _RECORD_ID.match(value) or value.startswith(FORMULA)
    ):
        return f"{value[:40]!r} is not a record id domain/local-id of at most {MAX_RECORD_ID} chars"
    if name == "sex" and value not in SEXES:
        return f"{value[:40]!r} is not one of female, male, other"
    if name == "status" and value not in NOTE_STATUSES:
        return f"{value[:40]!r} is not a PFIF 1.4 note status ({', '.join(NOTE_STATUSES[1:])})"
    if name == "author_made_contact" and value and parse_boolean(value) is None:
        return f"{value[:40]!r} is not true or false"
    if name == "home_country" and value and not re.fullmatch(r"[A-Za-z]{2}", value):
        return f"{value[:40]!r} is not a two-letter country code"
    return None


def _fields(
    element: _Element, allowed: Sequence[str], name: str, problems: list[str]
) -> tuple[dict[str, str], list[_Element], set[str]]:
    """Return a record's good field values, its nested records and the fields given with a
    bad value (already noted as problems: not missing too)."""
    values: dict[str, str] = {}
    bad: set[str] = set()
    nested: list[_Element] = []
    kind = _local(element.tag)[1]
    for child in element.children:
        namespace, local = _local(child.tag)
        if namespace != NAMESPACE:
            continue  # an extension in a namespace of its own: PFIF lets readers skip it
        where = f"{name}: line {child.line}: {kind} field {local!r}"
        if kind == "person" and local == "note":
            nested.append(child)
            continue
        if local not in allowed:
            problems.append(f"{name}: line {child.line}: {local!r} is not a field of a PFIF {kind}")
            continue
        if local in values:
            problems.append(f"{where}: given twice")
            continue
        if child.children:
            problems.append(f"{where}: holds elements, not text")
            continue
        value = "".join(child.text).replace("\r\n", "\n").strip()
        problem = _value_problem(local, value)
        if problem is not None:
            problems.append(f"{where}: {problem}")
            bad.add(local)
            continue
        values[local] = value
    if "".join(element.text).strip():
        problems.append(f"{name}: line {element.line}: text directly inside a {kind}")
    return values, nested, bad


def _note(
    element: _Element, name: str, problems: list[str], person_id: str | None = None
) -> PfifNote:
    values, _, bad = _fields(element, NOTE_FIELDS, name, problems)
    if person_id is not None:
        given = values.get("person_record_id")
        if given and given != person_id:
            problems.append(
                f"{name}: line {element.line}: note inside person {person_id!r} names person "
                f"{given!r}"
            )
        values.setdefault("person_record_id", person_id)
    problems.extend(
        f"{name}: line {element.line}: note without the required field {f!r}"
        for f in (*NOTE_REQUIRED, "person_record_id")
        if f not in bad and (f not in values or (not values[f] and f != "text"))  # text: may be ""
    )
    return PfifNote(values, element.line)


def _person(element: _Element, name: str, problems: list[str]) -> PfifPerson:
    values, nested, bad = _fields(element, PERSON_FIELDS, name, problems)
    record_id = values.get("person_record_id", "")
    expired = not values.get("full_name") and bool(values.get("expiry_date"))
    problems.extend(
        f"{name}: line {element.line}: person without the required field {f!r}"
        for f in PERSON_REQUIRED
        if not values.get(f) and f not in bad and not (expired and f == "full_name")
    )
    notes = tuple(_note(n, name, problems, record_id or None) for n in nested)
    return PfifPerson(values, notes, element.line)


def parse_pfif(data: bytes, name: str) -> PfifDocument:
    """Read a PFIF 1.4 file's bytes (``name`` names it in errors); strict, safe.

    Raises SourceFormatError with one line per problem (file and line), gathering every
    problem of the records before stopping: ids repeated in the file among them.

    >>> doc = parse_pfif(b'<pfif xmlns="http://zesty.ca/pfif/1.4"><person>'
    ...     b'<person_record_id>a.org/p1</person_record_id>'
    ...     b'<source_date>2023-01-01T00:00:00Z</source_date>'
    ...     b'<full_name>Ivan Petrov</full_name></person></pfif>', "f.xml")
    >>> doc.persons[0].get("full_name")
    'Ivan Petrov'
    """
    if len(data) > MAX_FILE_BYTES:
        raise SourceFormatError(f"{name}: {len(data)} bytes, more than {MAX_FILE_BYTES}")
    root = _parse_xml(data, name)
    namespace, local = _local(root.tag)
    if local != "pfif" or namespace != NAMESPACE:
        found = f"{{{namespace}}}{local}" if namespace else local
        raise SourceFormatError(
            f"{name}: line {root.line}: the root element is {found[:80]!r}, not a PFIF 1.4 "
            f"'pfif' element in the namespace {NAMESPACE}"
        )
    problems: list[str] = []
    persons: list[PfifPerson] = []
    notes: list[PfifNote] = []
    for child in root.children:
        child_ns, kind = _local(child.tag)
        if child_ns != NAMESPACE:
            continue
        if kind == "person":
            persons.append(_person(child, name, problems))
        elif kind == "note":
            notes.append(_note(child, name, problems))
        else:
            problems.append(f"{name}: line {child.line}: {kind!r} is not a PFIF record")
        if len(problems) > MAX_PROBLEMS:
            break
    document = PfifDocument(tuple(persons), tuple(notes))
    problems += _repeated(
        name, [(p.get("person_record_id"), p.line) for p in persons], "person_record_id"
    )
    problems += _repeated(
        name, [(n.get("note_record_id"), n.line) for n in document.all_notes()], "note_record_id"
    )
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"... and more problems after these {MAX_PROBLEMS}")
        raise SourceFormatError(f"{name}: {len(problems)} problem(s)", shown)
    return document


def _repeated(name: str, ids: Iterable[tuple[str, int]], field_name: str) -> list[str]:
    seen: dict[str, int] = {}
    problems: list[str] = []
    for record_id, line in ids:
        if not record_id:
            continue
        if record_id in seen:
            problems.append(
                f"{name}: line {line}: {field_name} {record_id!r} repeats the record of line "
                f"{seen[record_id]}"
            )
        else:
            seen[record_id] = line
    return problems


# --- writing -------------------------------------------------------------------------------


def xml_text(value: str) -> str:
    """Return a value as XML 1.0 can hold it: line ends as ``\\n``, impossible characters as
    U+FFFD (a report's text may hold a control character XML cannot carry)."""
    return _NOT_XML.sub("\ufffd", value.replace("\r\n", "\n").replace("\r", "\n"))


def _record(
    parent: ET.Element, kind: str, values: Mapping[str, str], order: Sequence[str]
) -> ET.Element:
    element = ET.SubElement(parent, f"pfif:{kind}")
    for name in order:
        value = values.get(name, "")
        if value or (kind == "note" and name == "text"):
            ET.SubElement(element, f"pfif:{name}").text = xml_text(value)
    return element


def write_pfif(document: PfifDocument) -> bytes:
    """Write a PFIF 1.4 file: UTF-8, fields in the specification's order, empty ones left out.

    >>> doc = PfifDocument((PfifPerson({"person_record_id": "a.org/p1",
    ...     "source_date": "2023-01-01T00:00:00Z", "full_name": "Ivan"}),))
    >>> parse_pfif(write_pfif(doc), "x").persons[0].get("full_name")
    'Ivan'
    """
    root = ET.Element("pfif:pfif", {"xmlns:pfif": NAMESPACE})
    for person in document.persons:
        element = _record(root, "person", person.values, PERSON_FIELDS)
        for note in person.notes:
            _record(element, "note", note.values, NOTE_FIELDS)
    for note in document.notes:
        _record(root, "note", note.values, NOTE_FIELDS)
    ET.indent(root)
    body = bytes(ET.tostring(root, encoding="utf-8"))
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"
