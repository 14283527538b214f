"""The relatives who file tracing requests for a demo person. Pure."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from kintrace.cases.model import (
    Channel,
    ConsentScope,
    InquirerDetails,
    Relationship,
    RequestDetails,
)
from kintrace.demo.names import FEMALE_NAMES, MALE_NAMES, SURNAMES, MaleName, Side, female_form
from kintrace.demo.names import latin as to_latin
from kintrace.demo.texts import CIRCUMSTANCES, fill, show_date

R = Relationship

FEMALE_RELATIONS = frozenset({R.MOTHER, R.WIFE, R.SISTER, R.DAUGHTER, R.GRANDPARENT})
"""Relatives who are always women here (a grandparent is a grandmother)."""

MALE_RELATIONS = frozenset({R.FATHER, R.HUSBAND, R.BROTHER, R.SON})
"""Relatives who are always men here."""


@dataclass(frozen=True, slots=True)
class Family:
    """What relatives share with the person: side, surname (male form), names of father and son."""

    side: Side
    surname: str
    father: MaleName
    own: MaleName | None  # the person's own name when male: it gives his children's patronymic
    given: str
    female: bool
    age: int


def _relations(rng: random.Random, family: Family) -> list[Relationship]:
    weights: dict[Relationship, int] = {R.MOTHER: 10, R.FATHER: 4, R.BROTHER: 3, R.SISTER: 4}
    married = family.age >= 21 and rng.random() < 0.65
    if married:
        weights[R.HUSBAND if family.female else R.WIFE] = 9
    if family.age >= 40 and not family.female:
        weights |= {R.SON: 2, R.DAUGHTER: 2}
    if family.age <= 30:
        weights[R.GRANDPARENT] = 1
    weights |= {R.OTHER_RELATIVE: 1, R.COMRADE: 1}
    count = rng.choices((2, 3, 4), weights=(55, 30, 15))[0]
    chosen: list[Relationship] = []
    while len(chosen) < count:
        pick = rng.choices(list(weights), weights=list(weights.values()))[0]
        chosen.append(pick)
        del weights[pick]
    return chosen


def _name(rng: random.Random, family: Family, relation: Relationship) -> str:
    side, surname = family.side, family.surname
    males, females = MALE_NAMES[side], FEMALE_NAMES[side]
    others = [m for m in males if m.name != family.given]
    if relation in FEMALE_RELATIONS:
        patronymic = {
            R.SISTER: family.father.daughter,
            R.DAUGHTER: family.own.daughter if family.own else rng.choice(males).daughter,
        }.get(relation, rng.choice(males).daughter)
        parts = (female_form(surname), rng.choice(females), patronymic)
    elif relation is R.FATHER:
        parts = (surname, family.father.name, rng.choice(males).son)
    elif relation is R.BROTHER:
        parts = (surname, rng.choice(others).name, family.father.son)
    elif relation is R.SON:
        parts = (surname, rng.choice(males).name, family.own.son if family.own else "")
    elif relation is R.HUSBAND:
        parts = (surname, rng.choice(males).name, rng.choice(males).son)
    elif relation is R.OTHER_RELATIVE and rng.random() < 0.5:  # an aunt
        parts = (female_form(surname), rng.choice(females), rng.choice(males).daughter)
    elif relation is R.OTHER_RELATIVE:  # an uncle, the father's brother
        parts = (surname, rng.choice(males).name, rng.choice(males).son)
    else:  # a comrade from the same unit
        parts = (rng.choice(SURNAMES[side]), rng.choice(males).name, rng.choice(males).son)
    return " ".join(p for p in parts if p)


def _phone(rng: random.Random, side: Side) -> str:
    # 555 exchanges are never given out: these numbers are fake by construction.
    a, b = rng.randint(0, 99), rng.randint(0, 99)
    if side == "ru":
        return f"+7 9{rng.randint(10, 99)} 555-{a:02d}-{b:02d}"
    operator = rng.choice((50, 63, 66, 67, 68, 73, 93, 95, 96, 97, 98, 99))
    return f"+380 {operator} 555 {a:02d} {b:02d}"


def _email(rng: random.Random, full_name: str, side: Side) -> str:
    surname, given = (
        re.sub("[^a-z]", "", to_latin(p, side).lower()) for p in full_name.split()[:2]
    )
    domain = rng.choice(("example.org", "example.com", "example.net"))
    return f"{given[:1]}.{surname}{rng.randint(1, 99)}@{domain}"


def _consent(rng: random.Random) -> frozenset[ConsentScope]:
    odds = {
        ConsentScope.AUTHORITIES: 0.9,
        ConsentScope.RED_CROSS: 0.8,
        ConsentScope.OTHER_RELATIVES: 0.6,
        ConsentScope.DNA_LABORATORY: 0.45,
    }
    return frozenset(scope for scope, p in odds.items() if rng.random() < p)


def requests(
    rng: random.Random,
    family: Family,
    *,
    desk: str,
    missing_on: date,
    near: str,
    unit: str,
    start: date,
    today: date,
) -> list[tuple[InquirerDetails, RequestDetails]]:
    """Draw two to four tracing requests, each from a different relative, in filing order."""
    last = max(start, missing_on - timedelta(days=rng.randint(0, 3)))
    out: list[tuple[InquirerDetails, RequestDetails]] = []
    for relation in _relations(rng, family):
        full_name = _name(rng, family, relation)
        inquirer = InquirerDetails(
            full_name,
            relation,
            _phone(rng, family.side) if rng.random() < 0.92 else "",
            _email(rng, full_name, family.side) if rng.random() < 0.55 else "",
            _consent(rng),
        )
        channel = rng.choices(list(Channel), weights=(55, 25, 15, 5))[0]
        circumstances = fill(
            rng.choice(CIRCUMSTANCES[family.side]),
            female=family.female,
            last=show_date(last, family.side),
            near=near,
            unit=unit or "?",
        )
        filed = min(today, missing_on + timedelta(days=rng.randint(2, 180)))
        known_last = last if rng.random() < 0.9 else None
        out.append((inquirer, RequestDetails(filed, channel, desk, circumstances, known_last)))
    return sorted(out, key=lambda pair: pair[1].filed_on)
