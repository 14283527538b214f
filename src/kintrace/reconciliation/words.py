"""The words an explanation is made of, in English, Russian and Ukrainian. Pure.

Russian and Ukrainian status words are quoted in the sentences (« »), so that they stay in
the nominative and need no agreement with the words around them.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import lru_cache

from kintrace.reconciliation.model import RequestKind
from kintrace.reports.model import SourceType, Status


class Lang(StrEnum):
    """A language a relative can read the explanation in."""

    EN = "en"
    RU = "ru"
    UK = "uk"


STATUS_WORDS: dict[Lang, dict[Status, str]] = {
    Lang.EN: {
        Status.ALIVE_SERVING: "alive and serving",
        Status.WOUNDED: "wounded",
        Status.CAPTURED_REPORTED: "captured (reported)",
        Status.CAPTURED_CONFIRMED: "captured (confirmed)",
        Status.MISSING: "missing",
        Status.DEAD_UNRECOVERED: "dead, body not recovered",
        Status.REMAINS_RECOVERED: "remains recovered, not yet identified",
        Status.IDENTIFIED: "identified",
        Status.REMAINS_RETURNED: "identified, remains returned to the family",
        Status.RETURNED: "returned home",
        Status.DECLARED_MISSING: "declared missing by a court",
        Status.DECLARED_DEAD: "declared dead by a court",
    },
    Lang.RU: {
        Status.ALIVE_SERVING: "жив, проходит службу",
        Status.WOUNDED: "ранен",
        Status.CAPTURED_REPORTED: "в плену (по сообщениям)",
        Status.CAPTURED_CONFIRMED: "в плену (подтверждено)",
        Status.MISSING: "пропал без вести",
        Status.DEAD_UNRECOVERED: "погиб, тело не найдено",
        Status.REMAINS_RECOVERED: "останки найдены, не опознаны",
        Status.IDENTIFIED: "опознан",
        Status.REMAINS_RETURNED: "опознан, останки переданы семье",
        Status.RETURNED: "вернулся домой",
        Status.DECLARED_MISSING: "признан судом безвестно отсутствующим",
        Status.DECLARED_DEAD: "объявлен судом умершим",
    },
    Lang.UK: {
        Status.ALIVE_SERVING: "живий, проходить службу",
        Status.WOUNDED: "поранений",
        Status.CAPTURED_REPORTED: "у полоні (за повідомленнями)",
        Status.CAPTURED_CONFIRMED: "у полоні (підтверджено)",
        Status.MISSING: "зник безвісти",
        Status.DEAD_UNRECOVERED: "загинув, тіло не знайдено",
        Status.REMAINS_RECOVERED: "останки знайдено, не ідентифіковано",
        Status.IDENTIFIED: "ідентифікований",
        Status.REMAINS_RETURNED: "ідентифікований, останки передано родині",
        Status.RETURNED: "повернувся додому",
        Status.DECLARED_MISSING: "визнаний судом безвісно відсутнім",
        Status.DECLARED_DEAD: "оголошений судом померлим",
    },
}

SOURCE_WORDS: dict[Lang, dict[SourceType, str]] = {
    Lang.EN: {
        SourceType.OFFICIAL_NOTIFICATION: "official notification",
        SourceType.UNIT_COMMANDER: "unit commander",
        SourceType.COMRADE: "comrade",
        SourceType.HOSPITAL_RECORD: "hospital record",
        SourceType.POW_LIST_OTHER_SIDE: "prisoner list published by the other side",
        SourceType.VIDEO_OTHER_SIDE: "video published by the other side",
        SourceType.OTHER_SIDE_CALL: "call from the other side",
        SourceType.RED_CROSS: "Red Cross",
        SourceType.EXCHANGE_LIST: "exchange list",
        SourceType.SOCIAL_MEDIA: "social media",
        SourceType.RELATIVE: "relative",
        SourceType.DNA_LABORATORY: "DNA laboratory",
        SourceType.REMAINS_RECOVERY: "remains recovery team",
        SourceType.COURT: "court",
    },
    Lang.RU: {
        SourceType.OFFICIAL_NOTIFICATION: "официальное извещение",
        SourceType.UNIT_COMMANDER: "командир подразделения",
        SourceType.COMRADE: "сослуживец",
        SourceType.HOSPITAL_RECORD: "запись госпиталя",
        SourceType.POW_LIST_OTHER_SIDE: "список пленных, опубликованный другой стороной",
        SourceType.VIDEO_OTHER_SIDE: "видео, опубликованное другой стороной",
        SourceType.OTHER_SIDE_CALL: "звонок с другой стороны",
        SourceType.RED_CROSS: "Красный Крест",
        SourceType.EXCHANGE_LIST: "список обмена",
        SourceType.SOCIAL_MEDIA: "соцсети",
        SourceType.RELATIVE: "родственник",
        SourceType.DNA_LABORATORY: "ДНК-лаборатория",
        SourceType.REMAINS_RECOVERY: "группа по поиску останков",
        SourceType.COURT: "суд",
    },
    Lang.UK: {
        SourceType.OFFICIAL_NOTIFICATION: "офіційне сповіщення",
        SourceType.UNIT_COMMANDER: "командир підрозділу",
        SourceType.COMRADE: "побратим",
        SourceType.HOSPITAL_RECORD: "запис шпиталю",
        SourceType.POW_LIST_OTHER_SIDE: "список полонених, оприлюднений іншою стороною",
        SourceType.VIDEO_OTHER_SIDE: "відео, оприлюднене іншою стороною",
        SourceType.OTHER_SIDE_CALL: "дзвінок з іншої сторони",
        SourceType.RED_CROSS: "Червоний Хрест",
        SourceType.EXCHANGE_LIST: "список обміну",
        SourceType.SOCIAL_MEDIA: "соцмережі",
        SourceType.RELATIVE: "родич",
        SourceType.DNA_LABORATORY: "ДНК-лабораторія",
        SourceType.REMAINS_RECOVERY: "група з пошуку останків",
        SourceType.COURT: "суд",
    },
}

REQUEST_WORDS: dict[Lang, dict[RequestKind, str]] = {
    Lang.EN: {
        RequestKind.STATUS_CHANGE: "status change",
        RequestKind.POW_LIST: "inclusion in the prisoner-of-war lists",
        RequestKind.DNA_TEST: "DNA test",
        RequestKind.OTHER: "request",
    },
    Lang.RU: {
        RequestKind.STATUS_CHANGE: "изменение статуса",
        RequestKind.POW_LIST: "включение в списки военнопленных",
        RequestKind.DNA_TEST: "ДНК-тест",
        RequestKind.OTHER: "запрос",
    },
    Lang.UK: {
        RequestKind.STATUS_CHANGE: "зміна статусу",
        RequestKind.POW_LIST: "включення до списків військовополонених",
        RequestKind.DNA_TEST: "ДНК-тест",
        RequestKind.OTHER: "запит",
    },
}

_MONTHS: dict[Lang, list[str]] = {
    Lang.EN: (
        "January February March April May June July August September October November December"
    ).split(),
    # Russian and Ukrainian dates put the month in the genitive: "20 сентября".
    Lang.RU: (
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    ).split(),
    Lang.UK: (
        "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"
    ).split(),
}
_YEAR_MARK = {Lang.EN: "", Lang.RU: " г.", Lang.UK: " р."}


@lru_cache(maxsize=8192)
def format_date(day: date, lang: Lang) -> str:
    """Write a date the way a reader of ``lang`` writes it.

    >>> format_date(date(2022, 9, 20), Lang.EN), format_date(date(2022, 9, 20), Lang.RU)
    ('20 September 2022', '20 сентября 2022 г.')
    >>> format_date(date(2022, 9, 20), Lang.UK)
    '20 вересня 2022 р.'
    """
    return f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}{_YEAR_MARK[lang]}"


def days_word(count: int, lang: Lang) -> str:
    """Return ``count`` with the word "day" in the form its number needs.

    >>> days_word(21, Lang.RU), days_word(3, Lang.UK), days_word(11, Lang.RU)
    ('21 день', '3 дні', '11 дней')
    """
    if lang is Lang.EN:
        return f"{count} day" if count == 1 else f"{count} days"
    one, few, many = ("день", "дня", "дней") if lang is Lang.RU else ("день", "дні", "днів")
    tens, units = count % 100, count % 10
    if units == 1 and tens != 11:
        return f"{count} {one}"
    if 2 <= units <= 4 and not 12 <= tens <= 14:
        return f"{count} {few}"
    return f"{count} {many}"
