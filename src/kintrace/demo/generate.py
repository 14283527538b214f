"""A seeded generator of realistic demo data: persons, requests, reports, statuses. Pure.

Everything is drawn from one ``random.Random(seed)``: the same seed gives the same dataset.
Each person's evidence follows a story template (see :mod:`kintrace.demo.stories`), so the
reports contradict each other the way real ones do, and official statuses lag behind.

>>> data = generate(seed=7, persons=3)
>>> [p.key for p in data.persons], data == generate(seed=7, persons=3)
(['P0001', 'P0002', 'P0003'], True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import InquirerDetails, PersonDetails, RequestDetails, Sex
from kintrace.demo.family import Family, requests
from kintrace.demo.names import (
    DESKS,
    FEMALE_NAMES,
    MALE_NAMES,
    RANKS,
    REGIONS,
    SURNAMES,
    Side,
    female_form,
    latin,
    places_on,
)
from kintrace.demo.stories import TEMPLATES, Ask, Step, Subject, Tale, add_rumour
from kintrace.errors import InvalidInput
from kintrace.reports.model import OfficialStatusDetails, ReportDetails, SourceDetails

WAR_START = date(2022, 2, 24)
"""The first day a demo person can go missing, and the earliest date in the dataset."""

DUE_DAYS = 30
"""Days an authority has to answer a citizen's request (as in both countries' laws)."""


@dataclass(frozen=True, slots=True)
class DemoReport:
    """A report of one source about one demo person; ``retracts`` names an earlier key."""

    key: str
    source: SourceDetails
    details: ReportDetails


@dataclass(frozen=True, slots=True)
class DemoRequest:
    """A tracing request of one relative."""

    inquirer: InquirerDetails
    request: RequestDetails


@dataclass(frozen=True, slots=True)
class DemoAuthorityRequest:
    """A family's request to an authority: status change, prisoner-list inclusion, DNA test."""

    kind: str  # "status_change" | "pow_list_inclusion" | "dna_test"
    authority: str
    sent_on: date
    due_on: date
    replied_on: date | None
    reply: str


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """A missing person with the requests, reports, official status and asks about him."""

    key: str
    details: PersonDetails
    desk_region: str
    requests: tuple[DemoRequest, ...]
    reports: tuple[DemoReport, ...]
    official: OfficialStatusDetails | None
    authority_requests: tuple[DemoAuthorityRequest, ...]
    story: str = ""  # the story template told (for demos and tests; not evidence)


@dataclass(frozen=True, slots=True)
class DemoDataset:
    """A whole demo dataset as of a day."""

    today: date
    regions: tuple[str, ...]
    sources: tuple[SourceDetails, ...]
    persons: tuple[DemoPerson, ...]


_LETTERS: dict[Side, str] = {"ru": "АБВГДЕЖИКЛМНОПРСТУФХЧШЭЮЯ", "uk": "АБВГДЕЖІКЛМНОПРСТУФХЧШЮЯ"}


def _birth(rng: random.Random, missing_on: date) -> tuple[PartialDate, int]:
    """Draw a birth date known to a day, a month, a year or an age; and the true year."""
    year = round(rng.triangular(1964, 2005, 1993))
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    precision = rng.choices(list(Precision), weights=(60, 15, 20, 5))[0]
    if precision is Precision.AGE:
        birthday_later = (month, day) > (missing_on.month, missing_on.day)
        return PartialDate.from_age(missing_on.year - year - birthday_later, missing_on), year
    if precision is Precision.YEAR:
        return PartialDate(year, None, None, precision), year
    if precision is Precision.MONTH:
        return PartialDate(year, month, None, precision), year
    return PartialDate(year, month, day, precision), year


def _unit(rng: random.Random, side: Side) -> tuple[str, str]:
    """Return a unit as the family writes it, and as a Latin-script list writes it."""
    number = str(rng.randint(10000, 99999)) if side == "ru" else f"А{rng.randint(1000, 7999)}"
    forms: tuple[str, ...]
    if side == "ru":
        forms = (f"в/ч {number}", f"войсковая часть {number}", f"ВЧ-{number}", f"в.ч. {number}")
    else:
        forms = (f"в/ч {number}", f"військова частина {number}", f"ВЧ {number}")
    return rng.choice(forms), f"military unit {number.replace('А', 'A')}"


def _report(step: Step, key: str, keys: dict[int, str], missing_on: date) -> DemoReport:
    """Turn a story step into a dated report with its key."""
    retracts = None if step.retracts is None else keys[step.retracts]
    observed_on = missing_on + timedelta(days=step.day)
    details = ReportDetails(
        step.claim, observed_on, step.credibility, step.text, step.place, retracts
    )
    return DemoReport(key, step.source, details)


def _authority_request(ask: Ask, missing_on: date, horizon: int) -> DemoAuthorityRequest:
    """Turn a story's ask into a dated request; a reply after *horizon* has not come yet."""
    sent_on = missing_on + timedelta(days=ask.day)
    due_on = sent_on + timedelta(days=DUE_DAYS)
    if ask.reply_day is None or ask.reply_day > horizon:
        return DemoAuthorityRequest(ask.kind, ask.authority, sent_on, due_on, None, "")
    replied_on = missing_on + timedelta(days=ask.reply_day)
    return DemoAuthorityRequest(ask.kind, ask.authority, sent_on, due_on, replied_on, ask.reply)


def _latin_details(
    rng: random.Random,
    details: PersonDetails,
    side: Side,
    latin_region: str,
    latin_unit: str,
    latin_rank: str,
) -> PersonDetails:
    """Write a person as a Latin-script list of the other side would."""
    parts = [latin(p, side) for p in (details.surname, details.given_name, details.patronymic)]
    birth = details.birth
    if birth is not None and rng.random() < 0.5:
        birth = PartialDate(birth.year, precision=Precision.YEAR)
    return PersonDetails(
        parts[0].upper(),
        parts[1],
        parts[2] if rng.random() < 0.6 else "",
        sex=details.sex,
        birth=birth,
        home_region=latin_region if rng.random() < 0.7 else "",
        unit=latin_unit if details.unit else "",
        rank=latin_rank if details.rank else "",
    )


def _person(rng: random.Random, key: str, today: date) -> DemoPerson:
    """Draw one missing person, the story of his evidence, and his family's requests."""
    side: Side = rng.choice(("ru", "uk"))
    female = rng.random() < 0.04  # a few women, most of them medics
    surname = rng.choice(SURNAMES[side])
    father = rng.choice(MALE_NAMES[side])
    own = None if female else rng.choice(MALE_NAMES[side])
    given = own.name if own else rng.choice(FEMALE_NAMES[side])
    patronymic = father.daughter if female else father.son

    template = rng.choices(TEMPLATES, weights=[t.weight for t in TEMPLATES])[0]
    latest = max(2, (today - WAR_START).days - template.min_days)
    missing_on = WAR_START + timedelta(days=rng.randint(2, latest))
    place = rng.choice(places_on(missing_on))
    birth, birth_year = _birth(rng, missing_on)
    region = rng.choice(REGIONS[side])
    unit, unit_latin = _unit(rng, side)
    ranks = RANKS[side]
    rank, rank_en, _ = rng.choices(ranks, weights=[r[2] for r in ranks])[0]
    if female:  # women at the front here are medics
        rank += " медицинской службы" if side == "ru" else " медичної служби"
        rank_en += " (medical service)"
    letters = _LETTERS[side]
    number = f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randint(0, 999999):06d}"
    shown_surname = female_form(surname) if female else surname
    full_name = f"{shown_surname} {given} {patronymic}"

    details = PersonDetails(
        shown_surname,
        given,
        patronymic if rng.random() < 0.95 else "",  # some records lack the patronymic
        sex=Sex.FEMALE if female else Sex.MALE,
        birth=birth,
        home_region=region.name,
        unit=unit if rng.random() < 0.92 else "",
        rank=rank if rng.random() < 0.85 else "",
        personal_number=number if rng.random() < 0.8 else "",
    )
    if rng.random() < 0.09:  # first recorded from a Latin-script list of the other side
        details = _latin_details(rng, details, side, region.latin, unit_latin, rank_en)

    subject = Subject(
        side=side,
        female=female,
        name=full_name,
        name_latin=latin(full_name, side),
        given=given,
        given_latin=latin(given, side),
        rank=rank,
        unit=unit,
        unit_latin=unit_latin,
        birth_year=birth_year,
        region=region,
        missing_on=missing_on,
        place=place,
    )
    tale = Tale(rng, subject)
    template.tell(tale)
    if rng.random() < 0.15:
        add_rumour(tale)

    horizon = (today - missing_on).days  # what happens later has not happened yet
    order = sorted(
        (i for i, s in enumerate(tale.steps) if s.day <= horizon),
        key=lambda i: (tale.steps[i].day, i),
    )
    keys = {index: f"{key}-R{n}" for n, index in enumerate(order, start=1)}
    reports = tuple(_report(tale.steps[i], keys[i], keys, missing_on) for i in order)

    known = [o for o in tale.officials if o[0] <= horizon]
    official = None
    if known and rng.random() < 0.92:
        day, status, authority = max(known, key=lambda o: o[0])
        official = OfficialStatusDetails(status, missing_on + timedelta(days=day), authority)
    asks = tuple(
        _authority_request(ask, missing_on, horizon)
        for ask in sorted(tale.asks, key=lambda a: a.day)
        if ask.day <= horizon
    )

    family = Family(side, surname, father, own, given, female, missing_on.year - birth_year)
    filed = requests(
        rng,
        family,
        desk=region.desk,
        missing_on=missing_on,
        near=place.near(side),
        unit=unit,
        start=WAR_START,
        today=today,
    )
    return DemoPerson(
        key=key,
        details=details,
        desk_region=region.desk,
        requests=tuple(DemoRequest(inquirer, request) for inquirer, request in filed),
        reports=reports,
        official=official,
        authority_requests=asks,
        story=template.name,
    )


def generate(
    *, seed: int = 2024, persons: int = 300, today: date = date(2026, 11, 1)
) -> DemoDataset:
    """Generate a demo dataset of missing persons and their evidence, the same for a seed."""
    if today < WAR_START + timedelta(days=120):
        raise InvalidInput(f"today {today} is too early: demo stories need {WAR_START} + 120 days")
    if persons < 0:
        raise InvalidInput(f"persons must be 0 or more, not {persons}")
    rng = random.Random(seed)
    people = tuple(_person(rng, f"P{n:04d}", today) for n in range(1, persons + 1))
    sources = tuple(dict.fromkeys(r.source for p in people for r in p.reports))
    return DemoDataset(today, DESKS, sources, people)
