"""Explain an assessment in sentences a relative can read: English, Russian or Ukrainian. Pure.

Every report of the assessment is named in the explanation, by its reference in brackets,
so that nothing a family was told disappears from what they read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from kintrace.reconciliation.model import Assessment, Flag, Role, WeighedReport
from kintrace.reconciliation.words import (
    REQUEST_WORDS,
    SOURCE_WORDS,
    STATUS_WORDS,
    Lang,
    days_word,
    format_date,
)
from kintrace.reports.model import Grade, Reliability, Status

_SENTENCES: dict[Lang, dict[str, str]] = {
    Lang.EN: {
        "official": "Officially {status} since {date} ({authority}).",
        "no_official": "No official status is recorded.",
        "supports": "The evidence supports {status} since {date} (confidence {pct}%): {items}.",
        "supports_undated": "The evidence supports {status} (confidence {pct}%): {items}.",
        "nothing_credible": "No credible report settles it, so the status is {status} "
        "(confidence {pct}%).",
        "no_reports": "There are no reports yet, so the status is {status} (confidence {pct}%).",
        "unresolved": "The reports disagree and none outweighs the others, so since {date} "
        "the status is {status} (confidence {pct}%).",
        "contradicting": "Reports that disagree, kept and outweighed: {items}.",
        "superseded": "Earlier reports, consistent with this but overtaken by later news: {items}.",
        "retracted": "Withdrawn reports, not weighed: {items}.",
        "retracted_by": "withdrawn by [{ref}] on {date}",
        "last": "Last information: {date} ({ago}).",
        "ago": "{days} ago",
        "today": "today",
        "court": "From {date} a court may declare the person missing or dead.",
        "court_passed": "That date has passed.",
        "official_disagrees": "The official status differs from what the evidence supports.",
        "court_contradicted": "A court declared the person missing or dead, but later "
        "evidence shows him alive; the decision can be challenged.",
        "overdue": "Answers overdue: {items}.",
        "overdue_item": "{authority} ({kind}), due {date}",
        "item": "{source} ({grade}) on {date} [{ref}]",
        "item_claim": "{source} ({grade}) on {date} said {claim} [{ref}]",
        "quote": "{status}",
    },
    Lang.RU: {
        "official": "Официальный статус: {status} с {date} ({authority}).",
        "no_official": "Официальный статус не записан.",
        "supports": "Доказательства указывают на статус {status} с {date} "
        "(уверенность {pct} %): {items}.",
        "supports_undated": "Доказательства указывают на статус {status} "
        "(уверенность {pct} %): {items}.",
        "nothing_credible": "Ни одно достоверное сообщение этого не решает, поэтому статус — "
        "{status} (уверенность {pct} %).",
        "no_reports": "Сообщений пока нет, поэтому статус — {status} (уверенность {pct} %).",
        "unresolved": "Сообщения противоречат друг другу, и ни одно не перевешивает, "
        "поэтому с {date} статус — {status} (уверенность {pct} %).",
        "contradicting": "Противоречащие сообщения (сохранены, но перевешены): {items}.",
        "superseded": "Более ранние сообщения, которые согласуются с этим, но устарели: {items}.",
        "retracted": "Отозванные сообщения, не учитываются: {items}.",
        "retracted_by": "отозвано сообщением [{ref}] {date}",
        "last": "Последние сведения: {date} ({ago}).",
        "ago": "{days} назад",
        "today": "сегодня",
        "court": "С {date} суд может признать человека безвестно отсутствующим "
        "или объявить умершим.",
        "court_passed": "Этот срок уже наступил.",
        "official_disagrees": "Официальный статус расходится с тем, что показывают доказательства.",
        "court_contradicted": "Суд признал человека безвестно отсутствующим или умершим, "
        "но более поздние доказательства говорят, что он жив; решение можно оспорить.",
        "overdue": "Просрочены ответы: {items}.",
        "overdue_item": "{authority} ({kind}), срок — {date}",
        "item": "{source} ({grade}), {date} [{ref}]",
        "item_claim": "{source} ({grade}), {date}: {claim} [{ref}]",
        "quote": "«{status}»",
    },
    Lang.UK: {
        "official": "Офіційний статус: {status} з {date} ({authority}).",
        "no_official": "Офіційний статус не записано.",
        "supports": "Докази вказують на статус {status} з {date} (впевненість {pct} %): {items}.",
        "supports_undated": "Докази вказують на статус {status} (впевненість {pct} %): {items}.",
        "nothing_credible": "Жодне достовірне повідомлення цього не вирішує, тому статус — "
        "{status} (впевненість {pct} %).",
        "no_reports": "Повідомлень поки немає, тому статус — {status} (впевненість {pct} %).",
        "unresolved": "Повідомлення суперечать одне одному, і жодне не переважує, "
        "тому з {date} статус — {status} (впевненість {pct} %).",
        "contradicting": "Повідомлення, що суперечать (збережені, але переважені): {items}.",
        "superseded": "Попередні повідомлення, що узгоджуються з цим, але застаріли: {items}.",
        "retracted": "Відкликані повідомлення, не враховуються: {items}.",
        "retracted_by": "відкликано повідомленням [{ref}] {date}",
        "last": "Останні відомості: {date} ({ago}).",
        "ago": "{days} тому",
        "today": "сьогодні",
        "court": "З {date} суд може визнати людину безвісно відсутньою або оголосити померлою.",
        "court_passed": "Цей строк уже настав.",
        "official_disagrees": "Офіційний статус розходиться з тим, що показують докази.",
        "court_contradicted": "Суд визнав людину безвісно відсутньою або померлою, "
        "але пізніші докази свідчать, що вона жива; рішення можна оскаржити.",
        "overdue": "Прострочено відповіді: {items}.",
        "overdue_item": "{authority} ({kind}), строк — {date}",
        "item": "{source} ({grade}), {date} [{ref}]",
        "item_claim": "{source} ({grade}), {date}: {claim} [{ref}]",
        "quote": "«{status}»",
    },
}


_QUOTED: dict[Lang, dict[Status, str]] = {
    lang: {word: _SENTENCES[lang]["quote"].format(status=text) for word, text in words.items()}
    for lang, words in STATUS_WORDS.items()
}
"""Each status word in quotes, as the sentences cite it."""


_GRADE_TEXT = {r: {c: f"{r.value}{c}" for c in range(1, 7)} for r in Reliability}
_DATES: dict[Lang, dict[date, str]] = {lang: {} for lang in Lang}
"""Dates as written in each language, memoised: a bulk run writes the same few thousand."""


def _date_text(day: date, lang: Lang) -> str:
    known = _DATES[lang]
    text = known.get(day)
    if text is None:
        text = format_date(day, lang)
        if len(known) < 100_000:
            known[day] = text
    return text


def _grade_text(grade: Grade) -> str:
    return _GRADE_TEXT[grade.reliability].get(grade.credibility) or str(grade)


def explain(assessment: Assessment, lang: Lang = Lang.EN, name: Callable[[str], str] = str) -> str:
    """Explain an assessment in ``lang``; ``name`` turns a report key into its reference."""
    say = _SENTENCES[lang]
    quoted = _QUOTED[lang]
    sources = SOURCE_WORDS[lang]

    def status(word: Status) -> str:
        return quoted[word]

    def items(reports: Sequence[WeighedReport], with_claim: bool) -> str:
        parts = []
        template = say["item_claim" if with_claim else "item"]
        for w in reports:
            report = w.report
            part = template.format(
                source=sources[report.source],
                grade=_grade_text(report.grade),
                date=_date_text(report.date, lang),
                claim=quoted[w.counted_as] if with_claim and w.counted_as else "",
                ref=name(report.key),
            )
            for by in withdrawals.get(w.report.key, ()):
                when = format_date(by.report.date, lang)
                part += ", " + say["retracted_by"].format(ref=name(by.report.key), date=when)
            parts.append(part)
        return "; ".join(parts)

    withdrawals: dict[str, list[WeighedReport]] = {}
    for w in assessment.reports:
        if w.role is Role.RETRACTION and w.report.retracts is not None:
            withdrawals.setdefault(w.report.retracts, []).append(w)
    groups = _by_role(assessment)
    pct = round(assessment.confidence * 100)
    sentences = []
    official = assessment.official
    if official is None:
        sentences.append(say["no_official"])
    else:
        sentences.append(
            say["official"].format(
                status=status(official.status),
                date=format_date(official.since, lang),
                authority=official.authority,
            )
        )
    since = assessment.since
    here = status(assessment.status)
    if not assessment.reports:
        sentences.append(say["no_reports"].format(status=here, pct=pct))
    elif Flag.UNRESOLVED in assessment.flags and since is not None:
        sentences.append(
            say["unresolved"].format(status=here, date=format_date(since, lang), pct=pct)
        )
    elif groups[Role.SUPPORTING] and since is not None:
        sentences.append(
            say["supports"].format(
                status=here,
                date=format_date(since, lang),
                pct=pct,
                items=items(groups[Role.SUPPORTING], with_claim=False),
            )
        )
    elif groups[Role.SUPPORTING]:
        listed = items(groups[Role.SUPPORTING], with_claim=False)
        sentences.append(say["supports_undated"].format(status=here, pct=pct, items=listed))
    else:
        sentences.append(say["nothing_credible"].format(status=here, pct=pct))
    if groups[Role.SUPPORTING] and Flag.UNRESOLVED in assessment.flags:
        sentences.append(items(groups[Role.SUPPORTING], with_claim=True) + ".")
    for role, key in (
        (Role.CONTRADICTING, "contradicting"),
        (Role.SUPERSEDED, "superseded"),
        (Role.RETRACTED, "retracted"),
    ):
        if groups[role]:
            sentences.append(say[key].format(items=items(groups[role], with_claim=True)))
    sentences.extend(_clock_sentences(assessment, lang))
    return " ".join(sentences)


def _by_role(assessment: Assessment) -> dict[Role, list[WeighedReport]]:
    """List the reports of each role, the weightiest first, the earliest first among equals.

    Superseded reports keep the engine's order (by time).
    """
    groups: dict[Role, list[tuple[float, int, WeighedReport]]] = {role: [] for role in Role}
    for n, w in enumerate(assessment.reports):
        groups[w.role].append((-w.weight, n, w))
    return {
        role: [w for *_, w in (chosen if role is Role.SUPERSEDED else sorted(chosen))]
        for role, chosen in groups.items()
    }


def _clock_sentences(assessment: Assessment, lang: Lang) -> list[str]:
    """Say the clocks and the flags that the report lists do not already say."""
    say = _SENTENCES[lang]
    clocks = assessment.clocks
    sentences = []
    if clocks.last_information is not None and clocks.days_since_last_information is not None:
        days = clocks.days_since_last_information
        ago = say["today"] if days == 0 else say["ago"].format(days=days_word(days, lang))
        sentences.append(
            say["last"].format(date=format_date(clocks.last_information, lang), ago=ago)
        )
    if clocks.court_date is not None:
        sentences.append(say["court"].format(date=format_date(clocks.court_date, lang)))
        if Flag.COURT_DATE_PASSED in assessment.flags:
            sentences.append(say["court_passed"])
    if Flag.OFFICIAL_DISAGREES in assessment.flags:
        sentences.append(say["official_disagrees"])
    if Flag.COURT_DECLARATION_CONTRADICTED in assessment.flags:
        sentences.append(say["court_contradicted"])
    if clocks.overdue_requests:
        listed = "; ".join(
            say["overdue_item"].format(
                authority=r.authority,
                kind=REQUEST_WORDS[lang][r.kind],
                date=format_date(r.due, lang),
            )
            for r in clocks.overdue_requests
        )
        sentences.append(say["overdue"].format(items=listed))
    return sentences
