"""The Jinja2 environment of the pages, with kintrace's filters and the viewer's language.

Every text a person reads goes through the gettext catalogues (``kintrace.web.i18n``): the
templates use ``{% trans %}`` and ``_()``, and the labels below are written English words,
marked with ``N_`` for the catalogues and translated where they are shown (``_(label)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request

from kintrace.access import Role
from kintrace.cases.model import Channel, Relationship
from kintrace.cases.worklist import WorkItem
from kintrace.reconciliation.explain import explain
from kintrace.reconciliation.model import Assessment
from kintrace.reconciliation.words import Lang
from kintrace.reports.model import DEFAULT_RELIABILITY, SourceType, Status
from kintrace.web import i18n
from kintrace.web.i18n import N_


def language_context(request: Request) -> dict[str, Any]:
    """Give every page the viewer's language and the languages to switch to."""
    return {"lang": i18n.language_of(request), "LANGUAGE_NAMES": i18n.LANGUAGE_NAMES}


templates = Jinja2Templates(
    directory=Path(__file__).parent / "templates", context_processors=[language_context]
)

STATUS_LABELS: dict[str, str] = {
    Status.ALIVE_SERVING: N_("Alive, serving"),
    Status.WOUNDED: N_("Wounded"),
    Status.CAPTURED_REPORTED: N_("Captured (reported)"),
    Status.CAPTURED_CONFIRMED: N_("Captured (confirmed)"),
    Status.MISSING: N_("Missing"),
    Status.DEAD_UNRECOVERED: N_("Dead, not recovered"),
    Status.REMAINS_RECOVERED: N_("Remains recovered"),
    Status.IDENTIFIED: N_("Identified"),
    Status.REMAINS_RETURNED: N_("Remains returned"),
    Status.RETURNED: N_("Returned"),
    Status.DECLARED_MISSING: N_("Declared missing (court)"),
    Status.DECLARED_DEAD: N_("Declared dead (court)"),
    "retraction": N_("Retraction"),
}
STATUS_TONE: dict[str, str] = {
    Status.ALIVE_SERVING: "good",
    Status.WOUNDED: "warn",
    Status.CAPTURED_REPORTED: "warn",
    Status.CAPTURED_CONFIRMED: "warn",
    Status.MISSING: "neutral",
    Status.DEAD_UNRECOVERED: "grave",
    Status.REMAINS_RECOVERED: "grave",
    Status.IDENTIFIED: "grave",
    Status.REMAINS_RETURNED: "grave",
    Status.RETURNED: "good",
    Status.DECLARED_MISSING: "neutral",
    Status.DECLARED_DEAD: "grave",
    "retraction": "neutral",
}
FLAG_LABELS: dict[str, str] = {
    "contradiction": N_("Contradicting reports"),
    "official_disagrees": N_("Official status disagrees"),
    "court_date_passed": N_("Court date passed"),
    "overdue": N_("Authority answer overdue"),
    "stale": N_("No news for a long time"),
    "court_declaration_contradicted": N_("Court declaration contradicted"),
    "unresolved": N_("Reports of equal weight disagree"),
}
CREDIBILITY_LABELS: dict[int, str] = {
    1: N_("confirmed by other sources"),
    2: N_("probably true"),
    3: N_("possibly true"),
    4: N_("doubtful"),
    5: N_("improbable"),
    6: N_("cannot be judged"),
}
"""The written meaning of each credibility, for the catalogues (reports.model keeps the same)."""
CHANGE_REASONS: dict[str, str] = {
    "transition": N_("the fate changed"),
    "upgrade": N_("the same news, better established"),
    "overturn": N_("stronger evidence proved the earlier assessment wrong"),
    "conclusive": N_("conclusive: a DNA identification or a court decision"),
    "unresolved": N_("equally weighty reports disagree"),
}
SOURCE_LABELS: dict[str, str] = {
    SourceType.OFFICIAL_NOTIFICATION: N_("Official notification"),
    SourceType.UNIT_COMMANDER: N_("Unit commander"),
    SourceType.COMRADE: N_("Comrade"),
    SourceType.HOSPITAL_RECORD: N_("Hospital record"),
    SourceType.POW_LIST_OTHER_SIDE: N_("Prisoner list published by the other side"),
    SourceType.VIDEO_OTHER_SIDE: N_("Video published by the other side"),
    SourceType.OTHER_SIDE_CALL: N_("Call from the other side"),
    SourceType.RED_CROSS: N_("Red Cross"),
    SourceType.EXCHANGE_LIST: N_("Exchange list"),
    SourceType.SOCIAL_MEDIA: N_("Social media"),
    SourceType.RELATIVE: N_("Relative"),
    SourceType.DNA_LABORATORY: N_("DNA laboratory"),
    SourceType.REMAINS_RECOVERY: N_("Remains recovery team"),
    SourceType.COURT: N_("Court"),
}
RELATIONSHIP_LABELS: dict[str, str] = {
    Relationship.MOTHER: N_("mother"),
    Relationship.FATHER: N_("father"),
    Relationship.WIFE: N_("wife"),
    Relationship.HUSBAND: N_("husband"),
    Relationship.SON: N_("son"),
    Relationship.DAUGHTER: N_("daughter"),
    Relationship.BROTHER: N_("brother"),
    Relationship.SISTER: N_("sister"),
    Relationship.GRANDPARENT: N_("grandparent"),
    Relationship.OTHER_RELATIVE: N_("other relative"),
    Relationship.COMRADE: N_("comrade"),
}
REQUEST_KIND_LABELS: dict[str, str] = {
    "status_change": N_("Change of the official status"),
    "pow_list_inclusion": N_("Inclusion in the prisoner-of-war lists"),
    "dna_test": N_("DNA test"),
    "remains_return": N_("Return of remains"),  # letters (kintrace.letters)
    "objection": N_("Objection to a declaration of death"),
    "status_inquiry": N_("Inquiry about the status"),
}
CHANNEL_LABELS: dict[str, str] = {
    Channel.WEB: N_("the web site"),
    Channel.WALK_IN: N_("a visit to the desk"),
    Channel.PHONE: N_("the telephone"),
    Channel.LETTER: N_("a letter"),
}
ROLE_LABELS: dict[str, str] = {
    Role.RELATIVE: N_("relative"),
    Role.OPERATOR: N_("regional desk"),
    Role.ANALYST: N_("analyst"),
    Role.DNA_LAB: N_("DNA laboratory"),
    Role.REVIEWER: N_("reviewer"),
    Role.ADMINISTRATOR: N_("administrator"),
    Role.PUBLIC: N_("public"),
}
STATE_LABELS: dict[str, str] = {
    "proposed": N_("proposed"),
    "confirmed": N_("confirmed"),
    "rejected": N_("rejected"),
    "pending": N_("waiting for a decision"),
    "automatic": N_("linked automatically"),
    "undisputed": N_("undisputed"),
    "probable": N_("probable"),
}


def label(labels: dict[str, str], key: str, lang: str) -> str:
    """Return the written label of a key in a language (the key itself if it has none)."""
    return i18n.tr(lang, labels[key]) if key in labels else key


def explanation_in(assessment: Assessment, lang: str) -> str:
    """Explain an assessment in the viewer's language, naming each report by its number."""
    reference = i18n.tr(lang, "report #%(id)s")
    return explain(assessment, Lang(lang), lambda key: reference % {"id": key})


def months_between(start: date, end: date) -> int:
    """Whole months from *start* to *end* (0 when end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def long_date(value: date | None, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """Write a date in full: ``12 April 2023``, ``12 апреля 2023``, ``12 квітня 2023``."""
    return i18n.long_date(value, lang)


def work_reasons(item: WorkItem, today: date, lang: str = i18n.DEFAULT_LANGUAGE) -> list[str]:
    """Say in words why a case is on the worklist.

    >>> from types import SimpleNamespace as NS
    >>> item = NS(flags=["official_disagrees"], official=NS(status="missing",
    ...     since=date(2026, 6, 1), authority="Ministry of Defence"),
    ...     assessment=NS(status="captured_confirmed", status_since=date(2026, 4, 12),
    ...     court_date=None), overdue=[])
    >>> work_reasons(item, date(2026, 11, 23))  # doctest: +NORMALIZE_WHITESPACE
    ['Officially “Missing” for 5 months (Ministry of Defence); the evidence supports
      “Captured (confirmed)” since 12 April 2026.']
    >>> work_reasons(item, date(2026, 11, 23), "ru")  # doctest: +NORMALIZE_WHITESPACE
    ['Официально «Пропал без вести» уже 5 месяцев (Ministry of Defence); собранные сведения
      говорят: «В плену (подтверждено)» с 12 апреля 2026.']
    """

    def _(message: str) -> str:
        return i18n.tr(lang, message)

    reasons: list[str] = []
    a, o = item.assessment, item.official
    if "official_disagrees" in item.flags and o is not None:
        months = months_between(o.since, today) if o.since else 0
        values = {
            "official": label(STATUS_LABELS, o.status, lang),
            "authority": o.authority,
            "months": months,
            "evidence": label(STATUS_LABELS, a.status, lang),
            "date": long_date(a.status_since, lang),
        }
        if months and a.status_since:
            text = i18n.tr_n(
                lang,
                "Officially “%(official)s” for %(months)d month (%(authority)s); "
                "the evidence supports “%(evidence)s” since %(date)s.",
                "Officially “%(official)s” for %(months)d months (%(authority)s); "
                "the evidence supports “%(evidence)s” since %(date)s.",
                months,
            )
        elif months:
            text = i18n.tr_n(
                lang,
                "Officially “%(official)s” for %(months)d month (%(authority)s); "
                "the evidence supports “%(evidence)s”.",
                "Officially “%(official)s” for %(months)d months (%(authority)s); "
                "the evidence supports “%(evidence)s”.",
                months,
            )
        elif a.status_since:
            text = _(
                "Officially “%(official)s” (%(authority)s); the evidence supports "
                "“%(evidence)s” since %(date)s."
            )
        else:
            text = _(
                "Officially “%(official)s” (%(authority)s); the evidence supports “%(evidence)s”."
            )
        reasons.append(text % values)
    for request in item.overdue:
        late = (today - request.due_on).days
        reasons.append(
            i18n.tr_n(
                lang,
                "%(authority)s has not answered the request “%(kind)s” of %(sent)s: "
                "due %(due)s, %(late)d day late.",
                "%(authority)s has not answered the request “%(kind)s” of %(sent)s: "
                "due %(due)s, %(late)d days late.",
                late,
            )
            % {
                "authority": request.authority,
                "kind": label(REQUEST_KIND_LABELS, request.kind, lang),
                "sent": long_date(request.sent_on, lang),
                "due": long_date(request.due_on, lang),
                "late": late,
            }
        )
    if "contradiction" in item.flags:
        reasons.append(_("Credible reports contradict each other."))
    if "court_date_passed" in item.flags and a.court_date:
        reasons.append(
            _("A court may declare the person missing or dead since %(date)s.")
            % {"date": long_date(a.court_date, lang)}
        )
    return reasons


class PageContext(Context):
    """A render's context that keeps the page's language on its evaluation context.

    The translating callables and filters below read the language from there
    (``pass_eval_context``) instead of taking the whole context (``pass_context``): Jinja
    copies every variable of the page into a new context for each call of a ``pass_context``
    function inside a loop or after a ``{% set %}``, about half the time of drawing a list
    page. The language is the page's ``lang`` variable (set for every page by
    :func:`language_context`; English when a template has none), read when the context is
    made: for the page, and for each template it includes or imports with its context.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        value = self.get("lang")
        language = value if isinstance(value, str) else i18n.DEFAULT_LANGUAGE
        self.eval_ctx.lang = language  # type: ignore[attr-defined]


def _lang(eval_ctx: EvalContext) -> str:
    """The page's language. While a template is compiled there is none: the error keeps Jinja
    from writing a filter of a constant (``12345|number``) into the template in English."""
    value: str = eval_ctx.lang  # type: ignore[attr-defined]
    return value


@lru_cache(maxsize=8192)
def _translated_markup(lang: str, message: str) -> Markup:
    """A text without values, translated and escaped as the pages show it (kept: the
    catalogues do not change while the app runs, and a page asks for the same few hundred)."""
    return Markup(i18n.tr(lang, message)) % {}


@pass_eval_context
def _gettext(eval_ctx: EvalContext, message: str, **variables: Any) -> str:
    """``_()`` and ``{% trans %}``: as Jinja's new-style gettext (escaped, then %-formatted)."""
    if not variables and eval_ctx.autoescape:
        return _translated_markup(_lang(eval_ctx), message)
    text = i18n.tr(_lang(eval_ctx), message)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_eval_context
def _ngettext(eval_ctx: EvalContext, singular: str, plural: str, n: int, **variables: Any) -> str:
    """``ngettext()`` and ``{% trans count %}``: as Jinja's new-style ngettext."""
    variables.setdefault("num", n)
    text = i18n.tr_n(_lang(eval_ctx), singular, plural, n)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_eval_context
def _translate(eval_ctx: EvalContext, message: str) -> str:
    """Translate a text known only when the page is drawn (no % formatting): ``x|tr``."""
    return i18n.translate_problem(_lang(eval_ctx), message) if message else message


@pass_eval_context
def _long_date(eval_ctx: EvalContext, value: date | None) -> str:
    return i18n.long_date(value, _lang(eval_ctx))


@pass_eval_context
def _short_date(eval_ctx: EvalContext, value: date | datetime | None) -> str:
    return i18n.short_date(value, _lang(eval_ctx))


@pass_eval_context
def _date_time(eval_ctx: EvalContext, value: datetime | None) -> str:
    return i18n.date_time(value, _lang(eval_ctx))


@pass_eval_context
def _number(eval_ctx: EvalContext, value: int | float | str | None) -> str:
    return i18n.number(value, _lang(eval_ctx))


@pass_eval_context
def _percent(eval_ctx: EvalContext, value: float | None) -> str:
    return i18n.percent(value, _lang(eval_ctx))


@pass_eval_context
def _label(eval_ctx: EvalContext, key: str, labels: dict[str, str]) -> str:
    """``key|label(STATUS_LABELS)``: the written label of a key, translated."""
    return label(labels, key, _lang(eval_ctx))


@pass_eval_context
def _work_reasons(eval_ctx: EvalContext, item: WorkItem, today: date) -> list[str]:
    return work_reasons(item, today, _lang(eval_ctx))


@lru_cache(maxsize=1024)
def _badge_markup(lang: str, status: str) -> Markup:
    return Markup('<span class="badge tone-{}">{}</span>').format(
        STATUS_TONE.get(status, "neutral"), label(STATUS_LABELS, status, lang)
    )


@lru_cache(maxsize=1024)
def _flag_markup(lang: str, flag: str) -> Markup:
    return Markup('<span class="flag flag-{}">{}</span>').format(
        flag, label(FLAG_LABELS, flag, lang)
    )


@pass_eval_context
def _badge(eval_ctx: EvalContext, status: str) -> Markup:
    """``badge(status)``: a status's written label in its tone's colours.

    Functions, not Jinja macros: a worklist page draws some 150 badges and flags, and a
    macro call costs tens of microseconds (5 of the page's 8 ms of templates).
    """
    return _badge_markup(_lang(eval_ctx), str(status))


@pass_eval_context
def _flags(eval_ctx: EvalContext, names: Sequence[str]) -> Markup:
    """``flags(names)``: each flag's written label."""
    lang = _lang(eval_ctx)
    return Markup("").join(_flag_markup(lang, str(name)) for name in names)


def _birth(person: Any) -> str:
    """``birth(p)``: a birth date as precise as it is known (dd.mm.yyyy, mm.yyyy, ~yyyy)."""
    year = person.birth_year
    if not year:
        return "—"
    if person.birth_day:
        return f"{person.birth_day:02d}.{person.birth_month:02d}.{year}"
    if person.birth_month:
        return f"{person.birth_month:02d}.{year}"
    return f"~{year}" if person.birth_precision == "age" else str(year)


templates.env.context_class = PageContext
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    _gettext, _ngettext, newstyle=True
)
# already new-style: installed as they are, not wrapped in Jinja's pass_context wrappers
templates.env.globals.update(gettext=_gettext, ngettext=_ngettext, _=_gettext)
templates.env.filters.update(
    long_date=_long_date,
    short_date=_short_date,
    date_time=_date_time,
    number=_number,
    percent=_percent,
    label=_label,
    tr=_translate,
)
templates.env.globals.update(work_reasons=_work_reasons, badge=_badge, flags=_flags, birth=_birth)
templates.env.globals.update(
    STATUS_LABELS=STATUS_LABELS,
    STATUS_TONE=STATUS_TONE,
    FLAG_LABELS=FLAG_LABELS,
    CHANGE_REASONS=CHANGE_REASONS,
    SOURCE_LABELS=SOURCE_LABELS,
    RELATIONSHIP_LABELS=RELATIONSHIP_LABELS,
    REQUEST_KIND_LABELS=REQUEST_KIND_LABELS,
    CHANNEL_LABELS=CHANNEL_LABELS,
    ROLE_LABELS=ROLE_LABELS,
    STATE_LABELS=STATE_LABELS,
    STATUSES=[s.value for s in Status],
    SOURCE_TYPES=[t.value for t in SourceType],
    DEFAULT_RELIABILITY={t.value: r.value for t, r in DEFAULT_RELIABILITY.items()},
)
