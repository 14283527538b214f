"""Letters to authorities: their kinds, addressees, the facts they carry and their text. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kintrace.cases.dates import PartialDate
from kintrace.cases.model import Sex
from kintrace.errors import InvalidInput


class LetterKind(StrEnum):
    """What a letter asks for; also the kind of the authority request it records when sent.

    - ``status_change``: review the official status in the light of the evidence, keep searching.
    - ``pow_list_inclusion``: put the person on the prisoner-of-war and exchange lists.
    - ``dna_test``: take the relatives' reference samples and compare them with remains.
    - ``remains_return``: recover, identify and return the remains to the family.
    - ``objection``: object to a declaration of death made without the family.
    """

    STATUS_CHANGE = "status_change"
    POW_LIST_INCLUSION = "pow_list_inclusion"
    DNA_TEST = "dna_test"
    REMAINS_RETURN = "remains_return"
    OBJECTION = "objection"


class Addressee(StrEnum):
    """Whom a letter can be addressed to (its words are in the catalogues, letters.text)."""

    MINISTRY = "ministry"
    OMBUDSMAN = "ombudsman"
    RED_CROSS = "red_cross"
    FORENSICS = "forensics"
    COURT = "court"


ADDRESSEES: dict[LetterKind, tuple[Addressee, ...]] = {
    LetterKind.STATUS_CHANGE: (Addressee.MINISTRY, Addressee.OMBUDSMAN),
    LetterKind.POW_LIST_INCLUSION: (Addressee.MINISTRY, Addressee.OMBUDSMAN, Addressee.RED_CROSS),
    LetterKind.DNA_TEST: (Addressee.FORENSICS, Addressee.MINISTRY),
    LetterKind.REMAINS_RETURN: (Addressee.MINISTRY, Addressee.OMBUDSMAN, Addressee.RED_CROSS),
    LetterKind.OBJECTION: (Addressee.COURT,),
}
"""The addressees each kind may go to; the first is the default."""

LETTER_LANGUAGES = ("ru", "uk", "en")
"""The languages letters are written in."""


def parse_kind(text: str) -> LetterKind:
    """Return the letter kind named by ``text`` or raise InvalidInput naming the choices.

    >>> parse_kind("dna_test")
    <LetterKind.DNA_TEST: 'dna_test'>
    """
    try:
        return LetterKind(text.strip())
    except ValueError:
        choices = ", ".join(k.value for k in LetterKind)
        raise InvalidInput(f"KIND: unknown letter kind {text!r}: use one of {choices}") from None


def parse_language(text: str) -> str:
    """Return a letter language (ru, uk, en) or raise InvalidInput."""
    lang = text.strip().lower()
    if lang not in LETTER_LANGUAGES:
        raise InvalidInput(
            f"--lang: unknown language {text!r}: use one of {', '.join(LETTER_LANGUAGES)}"
        )
    return lang


def parse_addressee(kind: LetterKind, text: str) -> Addressee:
    """Return an addressee a letter of this kind may go to (empty: the kind's default)."""
    if not text.strip():
        return ADDRESSEES[kind][0]
    allowed = ADDRESSEES[kind]
    try:
        addressee = Addressee(text.strip())
    except ValueError:
        addressee = None
    if addressee not in allowed:
        raise InvalidInput(
            f"field 'addressee': a {kind.value} letter goes to "
            f"{', '.join(a.value for a in allowed)}, not {text!r}"
        )
    return addressee


@dataclass(frozen=True, slots=True)
class ReportFact:
    """One report as a letter cites it: when, where, who said it, its grade and claim.

    ``claim`` is a status value or ``retraction``; ``retracted`` tells that a later report
    withdrew it (such reports are not cited).
    """

    observed_on: date
    claim: str
    source: str
    grade: str
    place: str = ""
    retracted: bool = False


@dataclass(frozen=True, slots=True)
class RequestFact:
    """A request already sent to an authority and its answer, if any."""

    kind: str
    authority: str
    sent_on: date
    due_on: date
    replied_on: date | None = None


@dataclass(frozen=True, slots=True)
class Sender:
    """Who signs the letter: the relative who asked (with how they are related) or a desk.

    ``relationship`` is a :class:`kintrace.cases.model.Relationship` value. An empty ``name``
    is the tracing desk of the region ``desk`` (empty: the desk, no region known).
    """

    name: str
    relationship: str = ""
    contacts: str = ""
    desk: str = ""


@dataclass(frozen=True, slots=True)
class LetterFacts:
    """What a letter says about the person and the case, gathered by letters.service."""

    person_id: int
    surname: str
    given_name: str
    patronymic: str
    sex: Sex
    sender: Sender
    birth: PartialDate | None = None
    unit: str = ""
    rank: str = ""
    personal_number: str = ""
    last_contact: date | None = None
    last_information: date | None = None
    court_date: date | None = None
    assessed: str | None = None
    assessed_since: date | None = None
    official: str | None = None
    official_since: date | None = None
    official_authority: str = ""
    reports: tuple[ReportFact, ...] = ()
    requests: tuple[RequestFact, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its paragraphs (a paragraph may be one line of a list)."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Letter:
    """A letter ready to print: every text already in its language."""

    kind: LetterKind
    lang: str
    addressee: str
    header: tuple[str, ...]
    title: str
    sections: tuple[Section, ...]
    closing: str
    date_line: str
    signature: str

    def text(self) -> str:
        """Return the letter as plain text (the web preview, the tests)."""
        lines = [*self.header, "", self.title, ""]
        for section in self.sections:
            lines += [section.heading, *section.paragraphs, ""]
        lines += [self.closing, "", self.date_line, self.signature]
        return "\n".join(lines)
