"""What a family is told when its case changes: the events and their words. Pure.

An event is what changed on one person's case (the assessed or official status, a new report,
an authority's answer or its lateness, the court date, a confirmed identification, a step of
the remains handover), with the values that say what changed, why and on what source. It is
stored once per relative with a key that names the change (``status:<assessment id>``), so
that finding it again announces nothing twice; its words are written when it is read, in the
reader's language (:func:`render`), from the gettext catalogues of the web app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kintrace.reconciliation.words import SOURCE_WORDS, STATUS_WORDS, Lang, format_date
from kintrace.reports.model import SourceType, Status
from kintrace.web.i18n import N_, tr


class Kind(StrEnum):
    """What changed."""

    STATUS = "status"  # the assessed status
    OFFICIAL = "official"  # what an authority says
    REPORT = "report"  # a new report from a source other than a relative
    REPLY = "reply"  # an authority answered a request
    LATE = "late"  # an authority's answer is past its due date
    COURT = "court"  # the court date has come
    IDENTIFICATION = "identification"  # confirmed by the second reviewer
    HANDOVER = "handover"  # a step of the remains handover


@dataclass(frozen=True, slots=True)
class Event:
    """One change on one person's case; ``params`` are plain JSON values."""

    kind: Kind
    key: str
    person_id: int
    params: dict[str, str] = field(default_factory=dict)


SUBJECT = N_("News in the search for %(name)s")
"""The subject of an immediate e-mail."""

DIGEST_SUBJECT = N_("The day's news in your kintrace cases")
"""The subject of a daily digest."""

MAIL_BODY = N_(
    "Hello %(name)s,\n\n%(news)s\n\nEvery change is shown with its reason on the case page: "
    "%(link)s\n\nYou receive these messages because you asked kintrace to trace a relative. "
    "On your account page you can choose to receive them at once, once a day, or not by e-mail."
)

TEMPLATES: dict[Kind, str] = {
    Kind.STATUS: N_(
        "%(person)s: the status the evidence supports changed from %(before)s to %(after)s "
        "on %(date)s. Why: %(source)s (grade %(grade)s) reported it on %(reported)s."
    ),
    Kind.OFFICIAL: N_(
        "%(person)s: %(authority)s now gives the official status %(status)s (since %(date)s)."
    ),
    Kind.REPORT: N_(
        "%(person)s: a new report from %(source)s (grade %(grade)s), dated %(date)s: %(claim)s."
    ),
    Kind.REPLY: N_(
        "%(person)s: %(authority)s answered the request sent on %(sent)s (answer dated %(date)s)."
    ),
    Kind.LATE: N_(
        "%(person)s: the answer of %(authority)s to the request sent on %(sent)s was due on "
        "%(date)s and has not come. The desk can remind them."
    ),
    Kind.COURT: N_(
        "%(person)s: since %(date)s the law allows a court to declare him missing or dead. "
        "Nothing happens unless someone applies; the desk can explain what it means for you."
    ),
    Kind.IDENTIFICATION: N_(
        "%(person)s: the DNA laboratory's identification of remains %(remains)s was confirmed by "
        "a second reviewer on %(date)s. The case page shows the report."
    ),
    Kind.HANDOVER: N_("%(person)s: the remains handover — %(step)s on %(date)s."),
}

COURT_FEMALE = N_(
    "%(person)s: since %(date)s the law allows a court to declare her missing or dead. "
    "Nothing happens unless someone applies; the desk can explain what it means for you."
)
"""The court-date news of a woman (she/he by the person's sex)."""

STEP_WORDS: dict[str, str] = {
    "agreed": N_("date and place agreed with the family"),
    "handed_over": N_("handed over to the family"),
    "buried": N_("buried"),
}


def _lang(language: str) -> Lang:
    try:
        return Lang(language)
    except ValueError:
        return Lang.EN


def _day(text: str, lang: Lang) -> str:
    try:
        return format_date(date.fromisoformat(text), lang)
    except ValueError:
        return text


def _status(word: str, lang: Lang) -> str:
    try:
        return f"«{STATUS_WORDS[lang][Status(word)]}»"
    except ValueError:
        return word


def _source(word: str, lang: Lang) -> str:
    try:
        return SOURCE_WORDS[lang][SourceType(word)]
    except ValueError:
        return word


def render(event: Event, language: str) -> str:
    """Say what changed, why and on what source, in ``language`` (English when unknown).

    >>> render(Event(Kind.COURT, "court:1:2023-03-20", 1, {"person": "Петров Иван",
    ...     "date": "2023-03-20"}), "en")  # doctest: +ELLIPSIS
    'Петров Иван: since 20 March 2023 the law allows a court to declare him missing or dead...'
    """
    lang = _lang(language)
    values = dict(event.params)
    for name in ("date", "sent", "reported"):
        if name in values:
            values[name] = _day(values[name], lang)
    for name in ("before", "after", "status", "claim"):
        if name in values:
            values[name] = _status(values[name], lang)
    if "source" in values:
        values["source"] = _source(values["source"], lang)
    if "step" in values:
        values["step"] = tr(lang.value, STEP_WORDS.get(values["step"], values["step"]))
    original = TEMPLATES[event.kind]
    if event.kind is Kind.COURT and values.get("sex") == "female":
        original = COURT_FEMALE
    try:
        text = tr(lang.value, original) % values
    except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder
        text = original % values
    return _ONE_STOP.sub(r"\1.", text)


_ONE_STOP = re.compile(r"\b(г|р)\.\.")
"""A date written "2023 г." or "2023 р." that ends a sentence takes one full stop, not two."""
