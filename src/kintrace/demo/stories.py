"""Story templates: realistic sequences of contradicting reports about one person. Pure.

A story is told by a :class:`Tale`: each step is a claim by a source some days after the person
went missing; the official status and the family's requests to authorities go along with it.
Steps that would fall after *today* are dropped, so a story is cut where the present is.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from kintrace.demo.names import Lang, Place, Region, Side
from kintrace.demo.texts import EVENTS, REPLIES, fill, show_date
from kintrace.reports.model import RETRACTION, Reliability, SourceDetails, SourceType, Status

T = SourceType
S = Status


@dataclass(frozen=True, slots=True)
class Voice:
    """A source and the language it writes in."""

    source: SourceDetails
    lang: Lang


def _v(name: str, kind: SourceType, lang: Lang, grade: Reliability | None = None) -> Voice:
    return Voice(SourceDetails(name, kind, grade), lang)


def _callsigns(side: Side, names: str) -> tuple[Voice, ...]:
    word = "Сослуживец, позывной" if side == "ru" else "Побратим, позивний"
    return tuple(
        # An analyst who has cross-checked "Кедр" and "Сокіл" before grades them higher.
        _v(f"{word} «{c}»", T.COMRADE, side, Reliability.B if c in ("Кедр", "Сокіл") else None)
        for c in names.split()
    )


VOICES: dict[tuple[SourceType, Side], tuple[Voice, ...]] = {
    (T.UNIT_COMMANDER, "ru"): (
        _v("Командир роты (по телефону)", T.UNIT_COMMANDER, "ru"),
        _v("Заместитель командира батальона", T.UNIT_COMMANDER, "ru"),
    ),
    (T.UNIT_COMMANDER, "uk"): (
        _v("Командир роти (телефоном)", T.UNIT_COMMANDER, "uk"),
        _v("Командир батальйону", T.UNIT_COMMANDER, "uk"),
    ),
    (T.COMRADE, "ru"): _callsigns("ru", "Кедр Шаман Молот Грач Тайфун Алтай Рысь Бард"),
    (T.COMRADE, "uk"): _callsigns("uk", "Сокіл Орест Карпати Фенікс Граф Козак Тихий Вовк"),
    (T.HOSPITAL_RECORD, "ru"): (
        _v("Окружной военный госпиталь, Ростов-на-Дону", T.HOSPITAL_RECORD, "ru"),
        _v("Военный госпиталь, Белгород", T.HOSPITAL_RECORD, "ru"),
    ),
    (T.HOSPITAL_RECORD, "uk"): (
        _v("Військово-медичний клінічний центр, Дніпро", T.HOSPITAL_RECORD, "uk"),
        _v("Обласна клінічна лікарня, Харків", T.HOSPITAL_RECORD, "uk"),
    ),
    (T.POW_LIST_OTHER_SIDE, "ru"): (
        _v("Список военнопленных, опубликованный украинской стороной", T.POW_LIST_OTHER_SIDE, "ru"),
        _v("Telegram channel «Find your own»", T.POW_LIST_OTHER_SIDE, "en", Reliability.D),
        _v("Prisoner list passed through mediators", T.POW_LIST_OTHER_SIDE, "en"),
    ),
    (T.POW_LIST_OTHER_SIDE, "uk"): (
        _v("Список пленных ВСУ, опубликованный российской стороной", T.POW_LIST_OTHER_SIDE, "ru"),
        _v("Telegram-канал «Пленные ВСУ»", T.POW_LIST_OTHER_SIDE, "ru", Reliability.E),
        _v("Prisoner list passed through mediators", T.POW_LIST_OTHER_SIDE, "en"),
    ),
    (T.VIDEO_OTHER_SIDE, "ru"): (
        _v("Відео допиту в Telegram-каналі підрозділу", T.VIDEO_OTHER_SIDE, "uk"),
        _v("YouTube: interviews with captured soldiers", T.VIDEO_OTHER_SIDE, "en"),
    ),
    (T.VIDEO_OTHER_SIDE, "uk"): (
        _v("Telegram-канал «Фронтовая сводка»", T.VIDEO_OTHER_SIDE, "ru"),
        _v("Видео пленных в VK-сообществе", T.VIDEO_OTHER_SIDE, "ru"),
    ),
    (T.OTHER_SIDE_CALL, "ru"): (
        _v("Звонок с украинского номера (со слов матери)", T.OTHER_SIDE_CALL, "ru"),
        _v("Звонок с неизвестного номера", T.OTHER_SIDE_CALL, "ru"),
    ),
    (T.OTHER_SIDE_CALL, "uk"): (
        _v("Дзвінок з російського номера (зі слів матері)", T.OTHER_SIDE_CALL, "uk"),
        _v("Дзвінок з невідомого номера", T.OTHER_SIDE_CALL, "uk"),
    ),
    (T.RED_CROSS, "ru"): (
        _v("ICRC Central Tracing Agency", T.RED_CROSS, "en"),
        _v("МККК, Центральное агентство по розыску", T.RED_CROSS, "ru"),
    ),
    (T.RED_CROSS, "uk"): (
        _v("ICRC Central Tracing Agency", T.RED_CROSS, "en"),
        _v("МКЧХ, Центральне агентство з розшуку", T.RED_CROSS, "uk"),
    ),
    (T.EXCHANGE_LIST, "ru"): (
        _v("Список обмена военнопленными (Минобороны РФ)", T.EXCHANGE_LIST, "ru"),
        _v("Exchange list (mediated)", T.EXCHANGE_LIST, "en"),
    ),
    (T.EXCHANGE_LIST, "uk"): (
        _v("Список обміну (Координаційний штаб)", T.EXCHANGE_LIST, "uk"),
        _v("Exchange list (mediated)", T.EXCHANGE_LIST, "en"),
    ),
    (T.SOCIAL_MEDIA, "ru"): (
        _v("VK-группа «Ищем своих»", T.SOCIAL_MEDIA, "ru", Reliability.F),
        _v("Telegram-чат «Родные пропавших бойцов»", T.SOCIAL_MEDIA, "ru"),
        _v("Telegram chat «Families of the missing»", T.SOCIAL_MEDIA, "en"),
    ),
    (T.SOCIAL_MEDIA, "uk"): (
        _v("Facebook-група «Шукаємо зниклих»", T.SOCIAL_MEDIA, "uk"),
        _v("Telegram-чат «Рідні зниклих безвісти»", T.SOCIAL_MEDIA, "uk", Reliability.D),
        _v("Telegram chat «Families of the missing»", T.SOCIAL_MEDIA, "en"),
    ),
    (T.RELATIVE, "ru"): (_v("Показания родственника (заявитель)", T.RELATIVE, "ru"),),
    (T.RELATIVE, "uk"): (_v("Свідчення родича (заявник)", T.RELATIVE, "uk"),),
    (T.DNA_LABORATORY, "ru"): (
        _v("Лаборатория молекулярно-генетической идентификации", T.DNA_LABORATORY, "ru"),
        _v("International DNA identification laboratory", T.DNA_LABORATORY, "en"),
    ),
    (T.DNA_LABORATORY, "uk"): (
        _v("ДНК-лабораторія Експертної служби МВС", T.DNA_LABORATORY, "uk"),
        _v("International DNA identification laboratory", T.DNA_LABORATORY, "en"),
    ),
    (T.REMAINS_RECOVERY, "ru"): (
        _v("Поисковый отряд «Перевал»", T.REMAINS_RECOVERY, "ru"),
        _v("Репатриация тел погибших", T.REMAINS_RECOVERY, "ru"),
    ),
    (T.REMAINS_RECOVERY, "uk"): (
        _v("Пошукова місія «Обрій»", T.REMAINS_RECOVERY, "uk"),
        _v("Репатріація тіл загиблих", T.REMAINS_RECOVERY, "uk"),
    ),
    (T.COURT, "ru"): (
        _v("Октябрьский районный суд", T.COURT, "ru"),
        _v("Ленинский районный суд", T.COURT, "ru"),
    ),
    (T.COURT, "uk"): (
        _v("Шевченківський районний суд", T.COURT, "uk"),
        _v("Галицький районний суд", T.COURT, "uk"),
    ),
}
"""Sources that speak about a person of a side, by source type (official ones: see Tale)."""

MINISTRY: dict[Side, str] = {
    "ru": "Министерство обороны Российской Федерации",
    "uk": "Міністерство оборони України",
}
POW_AUTHORITY: dict[Side, str] = {
    "ru": "Министерство обороны Российской Федерации (комиссия по военнопленным)",
    "uk": "Координаційний штаб з питань поводження з військовополоненими",
}
DNA_AUTHORITY: dict[Side, str] = {
    "ru": "Военно-медицинская лаборатория идентификации",
    "uk": "Експертна служба МВС України",
}


def enlistment_office(region: Region, side: Side) -> str:
    """Return the name of the military enlistment office of a home region."""
    word = "Военный комиссариат" if side == "ru" else "ТЦК та СП"
    return f"{word} ({region.name})"


@dataclass(frozen=True, slots=True)
class Subject:
    """What a story needs to know of the person it is about."""

    side: Side
    female: bool
    name: str
    name_latin: str
    given: str
    given_latin: str
    rank: str
    unit: str
    unit_latin: str
    birth_year: int
    region: Region
    missing_on: date
    place: Place


@dataclass(frozen=True, slots=True)
class Step:
    """One report of a story, ``day`` days after the person went missing."""

    day: int
    claim: str
    source: SourceDetails
    credibility: int
    text: str
    place: str
    lang: Lang
    retracts: int | None = None  # index of the withdrawn step in the story


@dataclass(frozen=True, slots=True)
class Ask:
    """A family's request to an authority and its reply (days after going missing)."""

    kind: str
    authority: str
    day: int
    reply_day: int | None
    reply: str


@dataclass(slots=True)
class Tale:
    """The story being told about one subject: its steps, official statuses and requests."""

    rng: random.Random
    subject: Subject
    day: int = 0
    steps: list[Step] = field(default_factory=list)
    officials: list[tuple[int, Status, str]] = field(default_factory=list)
    asks: list[Ask] = field(default_factory=list)

    def chance(self, p: float) -> bool:
        """Return True with probability *p*."""
        return self.rng.random() < p

    def wait(self, low: int, high: int, *, not_before: int = 0) -> int:
        """Move the story on by some days (to *not_before* at the least) and return the day."""
        self.day = max(self.day + self.rng.randint(low, high), not_before)
        return self.day

    def say(
        self,
        claim: str,
        kind: SourceType,
        event: str,
        credibility: int,
        *,
        wait: tuple[int, int] = (1, 30),
        not_before: int = 0,
        voice: Voice | None = None,
        retracts: int | None = None,
    ) -> int:
        """Add a report after a wait and return its index."""
        day = self.wait(*wait, not_before=not_before)
        voice = voice or self.rng.choice(self.voices(kind))
        credibility = min(6, max(1, credibility + self.rng.choice((-1, 0, 0, 0, 1))))
        template = self.rng.choice(EVENTS[event][voice.lang])
        text = self.render(template, voice.lang, day)
        place = self.subject.place.name(voice.lang) if "{near}" in template else ""
        step = Step(day, claim, voice.source, credibility, text, place, voice.lang, retracts)
        self.steps.append(step)
        return len(self.steps) - 1

    def retract(self, index: int, event: str, *, wait: tuple[int, int] = (3, 40)) -> int:
        """Add a retraction of an earlier step by the same source."""
        target = self.steps[index]
        voice = Voice(target.source, target.lang)
        self.day = max(self.day, target.day)
        return self.say(
            RETRACTION, target.source.type, event, 2, wait=wait, voice=voice, retracts=index
        )

    def voices(self, kind: SourceType) -> tuple[Voice, ...]:
        """Return the sources of a type that may speak about the subject."""
        s = self.subject
        if kind is T.OFFICIAL_NOTIFICATION:  # the ministry, or his home region's office
            office = enlistment_office(s.region, s.side)
            return tuple(
                Voice(SourceDetails(name, kind), s.side) for name in (MINISTRY[s.side], office)
            )
        return VOICES[kind, s.side]

    def render(self, template: str, lang: Lang, day: int) -> str:
        """Fill a template in a language with what is known of the subject on a day."""
        s = self.subject
        on = s.missing_on + timedelta(days=day)
        return fill(
            template,
            female=s.female,
            name=s.name_latin if lang == "en" else s.name,
            given=s.given_latin if lang == "en" else s.given,
            rank=s.rank,
            unit=s.unit_latin if lang == "en" else s.unit,
            near=s.place.near(lang),
            missing=show_date(s.missing_on, lang),
            on=show_date(on, lang),
            n=str(self.rng.randint(3, 1400)),
            code=f"{s.side.upper()}-{on.year}-{self.rng.randint(100, 9999):04d}",
            byear=str(s.birth_year),
        )

    def official(self, status: Status, *, authority: str = "") -> None:
        """Record what the authority says from the current day on."""
        s = self.subject
        if not authority:
            office = enlistment_office(s.region, s.side)
            authority = MINISTRY[s.side] if self.chance(0.6) else office
        self.officials.append((self.day + self.rng.randint(0, 10), status, authority))

    def ask(self, kind: str, *, wait: tuple[int, int], granted: float, answered: float) -> None:
        """Send a request to an authority some days from now, maybe answered."""
        s = self.subject
        if kind == "pow_list_inclusion":
            authority = POW_AUTHORITY[s.side]
        elif kind == "dna_test":
            authority = DNA_AUTHORITY[s.side]
        else:
            office = enlistment_office(s.region, s.side)
            authority = MINISTRY[s.side] if self.chance(0.7) else office
        day = self.day + self.rng.randint(*wait)
        if not self.chance(answered):
            self.asks.append(Ask(kind, authority, day, None, ""))
            return
        # Most replies come within the 30 days the law gives; some come late.
        reply_day = day + (
            self.rng.randint(7, 30) if self.chance(0.75) else self.rng.randint(31, 120)
        )
        reply = REPLIES[kind, self.chance(granted)][s.side]
        self.asks.append(Ask(kind, authority, day, reply_day, reply))


MISSING, CAPTURED, CONFIRMED = S.MISSING, S.CAPTURED_REPORTED, S.CAPTURED_CONFIRMED
DEAD, RECOVERED, IDENTIFIED = S.DEAD_UNRECOVERED, S.REMAINS_RECOVERED, S.IDENTIFIED


def _opening(t: Tale) -> None:
    """Start most stories: the family's last contact, then the official missing notice."""
    if t.chance(0.7):
        t.say(MISSING, T.RELATIVE, "relative_last_contact", 3, wait=(1, 12))
    t.say(MISSING, T.OFFICIAL_NOTIFICATION, "official_missing", 2, wait=(7, 40))
    t.official(MISSING)


def silence(t: Tale) -> None:
    """Missing, then nothing for months: the six-month court date passes."""
    _opening(t)
    if t.chance(0.4):
        t.say(MISSING, T.UNIT_COMMANDER, "commander_missing", 3, wait=(5, 60))
    t.ask("pow_list_inclusion", wait=(30, 200), granted=0.2, answered=0.4)
    if t.chance(0.6):
        t.ask("dna_test", wait=(60, 300), granted=0.7, answered=0.7)
    if t.chance(0.45):
        t.say(S.DECLARED_MISSING, T.COURT, "court_missing", 1, wait=(20, 200), not_before=190)


def alive_dead_hospital(t: Tale) -> None:
    """Alive says a comrade, burned to death says the army, in hospital says the other side."""
    t.say(S.ALIVE_SERVING, T.COMRADE, "comrade_alive", 3, wait=(2, 15))
    if t.chance(0.5):
        t.say(DEAD, T.UNIT_COMMANDER, "commander_dead", 3, wait=(5, 40))
    t.say(DEAD, T.OFFICIAL_NOTIFICATION, "official_dead", 2, wait=(10, 60))
    t.official(DEAD)
    t.say(CAPTURED, T.OTHER_SIDE_CALL, "other_side_call_hospital", 4, wait=(20, 200))
    t.ask("status_change", wait=(5, 40), granted=0.1, answered=0.5)
    t.ask("pow_list_inclusion", wait=(5, 40), granted=0.4, answered=0.5)
    if t.chance(0.35):
        t.say(CAPTURED, T.VIDEO_OTHER_SIDE, "video_prisoner", 2, wait=(20, 200))
    if t.chance(0.25):
        t.say(CONFIRMED, T.RED_CROSS, "red_cross_registered", 1, wait=(30, 300))


def captured_exchanged(t: Tale) -> None:
    """On the other side's prisoner list, registered by the Red Cross, then exchanged."""
    _opening(t)
    if t.chance(0.3):
        t.say(CAPTURED, T.COMRADE, "comrade_captured", 3, wait=(1, 20))
    elif t.chance(0.2):
        t.say(DEAD, T.COMRADE, "comrade_dead", 4, wait=(1, 20))
    t.say(CAPTURED, T.POW_LIST_OTHER_SIDE, "pow_list", 2, wait=(20, 150))
    t.ask("pow_list_inclusion", wait=(3, 30), granted=0.6, answered=0.6)
    t.ask("status_change", wait=(3, 30), granted=0.3, answered=0.5)
    if t.chance(0.7):
        t.say(CONFIRMED, T.RED_CROSS, "red_cross_registered", 1, wait=(30, 200))
    if t.chance(0.6):
        t.say(S.RETURNED, T.EXCHANGE_LIST, "exchange_returned", 1, wait=(60, 500))
        if t.chance(0.6):
            t.wait(5, 30)
            t.official(S.RETURNED)


def dead_then_video(t: Tale) -> None:
    """A death notice, then a video of him as a prisoner."""
    t.say(DEAD, T.UNIT_COMMANDER, "commander_dead", 3, wait=(3, 20))
    t.say(DEAD, T.OFFICIAL_NOTIFICATION, "official_dead", 2, wait=(10, 60))
    t.official(DEAD)
    t.say(CAPTURED, T.VIDEO_OTHER_SIDE, "video_prisoner", 2, wait=(20, 150))
    t.ask("status_change", wait=(5, 30), granted=0.2, answered=0.6)
    if t.chance(0.5):
        t.say(CAPTURED, T.POW_LIST_OTHER_SIDE, "pow_list", 2, wait=(20, 200))
    if t.chance(0.3):
        notice = next(i for i, s in enumerate(t.steps) if s.source.type is T.OFFICIAL_NOTIFICATION)
        t.retract(notice, "official_retraction", wait=(30, 200))
        t.official(CAPTURED)


def remains_identified(t: Tale) -> None:
    """Killed says a comrade; remains recovered; a DNA laboratory identifies them."""
    _opening(t)
    if t.chance(0.6):
        t.say(DEAD, T.COMRADE, "comrade_dead", 3, wait=(1, 30))
    t.ask("dna_test", wait=(30, 200), granted=0.85, answered=0.8)
    t.say(RECOVERED, T.REMAINS_RECOVERY, "remains_recovered", 2, wait=(60, 400))
    if t.chance(0.8):
        t.say(IDENTIFIED, T.DNA_LABORATORY, "dna_identified", 1, wait=(60, 300))
        if t.chance(0.5):
            t.wait(10, 60)
            t.official(IDENTIFIED)


def rumour_retracted(t: Tale) -> None:
    """A rumour in a relatives' group, withdrawn by its author."""
    _opening(t)
    claim, event = t.rng.choice(((DEAD, "social_dead"), (CAPTURED, "social_captured")))
    rumour = t.say(claim, T.SOCIAL_MEDIA, event, 5, wait=(5, 120))
    t.retract(rumour, "social_retraction", wait=(2, 30))
    if t.chance(0.4):
        t.say(MISSING, T.UNIT_COMMANDER, "commander_missing", 3, wait=(10, 90))
    t.ask("status_change", wait=(30, 200), granted=0.2, answered=0.5)


def dead_unrecovered(t: Tale) -> None:
    """Seen killed by comrades, but officially missing for years; the body is not found."""
    _opening(t)
    t.say(DEAD, T.COMRADE, "comrade_dead", 3, wait=(1, 20))
    if t.chance(0.6):
        t.say(DEAD, T.UNIT_COMMANDER, "commander_dead", 3, wait=(5, 60))
    t.ask("dna_test", wait=(20, 150), granted=0.8, answered=0.7)
    t.ask("status_change", wait=(20, 150), granted=0.15, answered=0.5)


def declared_dead_then_list(t: Tale) -> None:
    """Declared dead by a court, then seen on a prisoner list."""
    _opening(t)
    if t.chance(0.5):
        t.say(S.DECLARED_MISSING, T.COURT, "court_missing", 1, wait=(10, 60), not_before=190)
    t.say(S.DECLARED_DEAD, T.COURT, "court_dead", 1, wait=(30, 200), not_before=190)
    t.official(S.DECLARED_DEAD)
    t.say(CAPTURED, T.POW_LIST_OTHER_SIDE, "pow_list", 2, wait=(20, 300))
    t.ask("status_change", wait=(5, 40), granted=0.2, answered=0.6)
    if t.chance(0.4):
        t.say(CONFIRMED, T.RED_CROSS, "red_cross_registered", 1, wait=(30, 200))


def wounded_hospital(t: Tale) -> None:
    """Lost after evacuation, found in a hospital's admissions book."""
    if t.chance(0.6):
        t.say(MISSING, T.UNIT_COMMANDER, "commander_missing", 3, wait=(1, 10))
    else:
        t.say(MISSING, T.RELATIVE, "relative_last_contact", 3, wait=(1, 10))
    t.say(S.WOUNDED, T.HOSPITAL_RECORD, "hospital_wounded", 1, wait=(3, 40))
    t.official(S.WOUNDED)
    if t.chance(0.6):
        t.say(S.ALIVE_SERVING, T.UNIT_COMMANDER, "commander_alive", 2, wait=(30, 150))
        if t.chance(0.5):
            t.official(S.ALIVE_SERVING)


@dataclass(frozen=True, slots=True)
class Template:
    """A story template: its name, weight among stories and the days it needs."""

    name: str
    weight: int
    min_days: int
    tell: Callable[[Tale], None]


TEMPLATES: tuple[Template, ...] = (
    Template("silence", 20, 240, silence),
    Template("captured_exchanged", 16, 300, captured_exchanged),
    Template("remains_identified", 12, 400, remains_identified),
    Template("wounded_hospital", 9, 90, wounded_hospital),
    Template("alive_dead_hospital", 9, 200, alive_dead_hospital),
    Template("rumour_retracted", 9, 120, rumour_retracted),
    Template("dead_unrecovered", 8, 150, dead_unrecovered),
    Template("dead_then_video", 8, 200, dead_then_video),
    Template("declared_dead_then_list", 6, 450, declared_dead_then_list),
)
"""The story templates and how often each is told."""


def add_rumour(t: Tale) -> None:
    """Add a stray social-media rumour to any story, withdrawn half the time."""
    claim, event = t.rng.choice(
        ((DEAD, "social_dead"), (CAPTURED, "social_captured"), (S.ALIVE_SERVING, "social_alive"))
    )
    t.day = t.rng.randint(10, 300)
    rumour = t.say(claim, T.SOCIAL_MEDIA, event, 5, wait=(0, 0))
    if t.chance(0.5):
        t.retract(rumour, "social_retraction", wait=(2, 60))
