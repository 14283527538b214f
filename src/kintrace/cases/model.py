"""Persons sought, the relatives who ask, and their tracing requests. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kintrace.cases.dates import PartialDate
from kintrace.errors import InvalidInput


class Sex(StrEnum):
    """Sex as recorded."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


_SEX_WORDS: dict[str, Sex] = {
    **dict.fromkeys(["m", "male", "1", "м", "муж", "мужской", "ч", "чол", "чоловіча"], Sex.MALE),
    **dict.fromkeys(["f", "female", "2", "ж", "жен", "женский", "жін", "жіноча"], Sex.FEMALE),
    **dict.fromkeys(["", "0", "u", "unknown", "?"], Sex.UNKNOWN),
}


def parse_sex(text: str) -> Sex:
    """Read a sex code in English, Russian or Ukrainian (``M``, ``ж``, ``1``...).

    >>> parse_sex("М"), parse_sex("female")
    (<Sex.MALE: 'male'>, <Sex.FEMALE: 'female'>)
    """
    key = text.strip().lower().rstrip(".")
    if key not in _SEX_WORDS:
        raise InvalidInput(f"unknown sex code {text!r}: use M/F, м/ж, 1/2 or leave empty")
    return _SEX_WORDS[key]


class Script(StrEnum):
    """The writing system a name was written in."""

    CYRILLIC = "cyrillic"
    LATIN = "latin"
    MIXED = "mixed"
    UNKNOWN = "unknown"


_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_script(*texts: str | None) -> Script:
    """Say which script the given name parts are written in.

    >>> detect_script("Петров", "Saša"), detect_script("PETROV", None)
    (<Script.MIXED: 'mixed'>, <Script.LATIN: 'latin'>)
    """
    joined = " ".join(t for t in texts if t)
    cyr, lat = bool(_CYRILLIC.search(joined)), bool(_LATIN.search(joined))
    if cyr and lat:
        return Script.MIXED
    if cyr:
        return Script.CYRILLIC
    return Script.LATIN if lat else Script.UNKNOWN


@dataclass(frozen=True, slots=True)
class PersonDetails:
    """What is known of a missing service member, as written by the source."""

    surname: str
    given_name: str = ""
    patronymic: str = ""
    sex: Sex = Sex.MALE
    birth: PartialDate | None = None
    home_region: str = ""
    unit: str = ""
    rank: str = ""
    personal_number: str = ""

    @property
    def script(self) -> Script:
        """Return the script the name is written in."""
        return detect_script(self.surname, self.given_name, self.patronymic)

    @property
    def full_name(self) -> str:
        """Return surname, given name and patronymic as one line."""
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)


class Relationship(StrEnum):
    """How an inquirer is related to the person sought."""

    MOTHER = "mother"
    FATHER = "father"
    WIFE = "wife"
    HUSBAND = "husband"
    SON = "son"
    DAUGHTER = "daughter"
    BROTHER = "brother"
    SISTER = "sister"
    GRANDPARENT = "grandparent"
    OTHER_RELATIVE = "other_relative"
    COMRADE = "comrade"


class ConsentScope(StrEnum):
    """With whom an inquirer agrees that their request and contacts may be shared."""

    AUTHORITIES = "authorities"
    RED_CROSS = "red_cross"
    OTHER_RELATIVES = "other_relatives"
    DNA_LABORATORY = "dna_laboratory"


class Channel(StrEnum):
    """How a tracing request reached us."""

    WEB = "web"
    WALK_IN = "walk_in"
    PHONE = "phone"
    LETTER = "letter"


@dataclass(frozen=True, slots=True)
class InquirerDetails:
    """A relative (or comrade) who asks for a person to be traced."""

    full_name: str
    relationship: Relationship
    phone: str = ""
    email: str = ""
    consent: frozenset[ConsentScope] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class RequestDetails:
    """A tracing request: one relative's request to trace one person."""

    filed_on: date
    channel: Channel = Channel.WEB
    region: str = ""
    circumstances: str = ""
    last_contact_on: date | None = None
