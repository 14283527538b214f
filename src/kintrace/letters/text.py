"""The words of the letters, in Russian, Ukrainian and English. Pure.

Every sentence is an English text marked for the gettext catalogues (``N_``) and translated by
the ``translate`` function the caller passes (the web app's or the CLI's, same catalogues).
The person's name goes into a sentence through a placeholder that names its grammatical case:
``%(name_gen)s`` is the genitive ("о розыске Иванова Сергея Петровича"), ``%(name_acc)s`` the
accusative, ``%(name_nom)s`` the nominative (kintrace.letters.grammar). Each sentence is
written so that its Russian and Ukrainian translations need the same case; in English all the
forms are the name as written.

The legal grounds are said in plain words ("under the applicable law"); the only instruments
named are the Third Geneva Convention of 1949 (Articles 122 and 123: information bureaux and
the Central Prisoners of War Information Agency, now the ICRC's Central Tracing Agency) and the
Geneva Conventions' duty to search for, identify and return the dead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kintrace.cases.dates import PartialDate, Precision
from kintrace.letters.grammar import Case, inflect_name
from kintrace.letters.model import (
    Addressee,
    Letter,
    LetterFacts,
    LetterKind,
    ReportFact,
    RequestFact,
    Section,
    Sender,
)
from kintrace.reconciliation.words import STATUS_WORDS, Lang, format_date
from kintrace.reports.model import Status

Translate = Callable[[str], str]
"""Translate one catalogue text into the letter's language."""


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for a marked text
    """Mark a text for the catalogues; it is translated where the letter is written."""
    return message


ADDRESSEE_NAMES: dict[Addressee, str] = {
    Addressee.MINISTRY: N_("Ministry of Defence"),
    Addressee.OMBUDSMAN: N_("Commissioner for Human Rights (Ombudsman)"),
    Addressee.RED_CROSS: N_("International Committee of the Red Cross, Central Tracing Agency"),
    Addressee.FORENSICS: N_("Bureau of forensic medical examination"),
    Addressee.COURT: N_("The court that declared the person dead"),
}

KIND_NAMES: dict[LetterKind, str] = {
    LetterKind.STATUS_CHANGE: N_("Change of the official status"),
    LetterKind.POW_LIST_INCLUSION: N_("Inclusion in the prisoner-of-war lists"),
    LetterKind.DNA_TEST: N_("DNA test"),
    LetterKind.REMAINS_RETURN: N_("Return of remains"),
    LetterKind.OBJECTION: N_("Objection to a declaration of death"),
}

_TITLES: dict[LetterKind, str] = {
    LetterKind.STATUS_CHANGE: N_(
        "Application concerning the search for %(name_gen)s and the review of the official status"
    ),
    LetterKind.POW_LIST_INCLUSION: N_(
        "Application for the inclusion of %(name_gen)s in the prisoner-of-war lists"
    ),
    LetterKind.DNA_TEST: N_("Application for a DNA examination to identify %(name_gen)s"),
    LetterKind.REMAINS_RETURN: N_("Application for the return of the remains of %(name_gen)s"),
    LetterKind.OBJECTION: N_("Objection to the declaration of death of %(name_gen)s"),
}

_REQUESTS: dict[LetterKind, str] = {
    LetterKind.STATUS_CHANGE: N_(
        "I ask you to continue the search for %(name_gen)s, to review the official status in "
        "the light of the information set out above, to record the status this information "
        "supports, and to inform me in writing of the decision and its grounds."
    ),
    LetterKind.POW_LIST_INCLUSION: N_(
        "I ask you to include %(name_acc)s in the lists of prisoners of war and of persons to be "
        "exchanged, to pass the information set out above to the party holding prisoners and to "
        "the International Committee of the Red Cross, to seek confirmation of the place of "
        "detention and the state of health, and to inform me in writing of what has been done."
    ),
    LetterKind.DNA_TEST: N_(
        "I ask you to take reference DNA samples from the relatives of %(name_gen)s, to compare "
        "the profiles with those of the unidentified remains held or received, to inform me of "
        "the result in writing and, if the comparison is not conclusive, to tell me which "
        "further relatives' samples would help."
    ),
    LetterKind.REMAINS_RETURN: N_(
        "I ask you to take the steps needed for the remains of %(name_gen)s to be recovered, "
        "identified and handed over to the family for burial, to tell me where the remains are "
        "held now, and to inform me in writing of each step taken."
    ),
    LetterKind.OBJECTION: N_(
        "The family was neither told of the proceedings nor heard, although it holds the "
        "information set out above, which the decision did not consider. I ask you to reopen "
        "the matter, to hear the family, to consider this information, and to set aside the "
        "declaration of death of %(name_gen)s unless the death is proven."
    ),
}

_GROUNDS: dict[LetterKind, str] = {
    LetterKind.STATUS_CHANGE: N_(
        "Under the applicable law, the family of a service member has the right to know the "
        "fate and whereabouts of the service member, and the authority must consider this "
        "application on its merits and answer it within the period set by law."
    ),
    LetterKind.POW_LIST_INCLUSION: N_(
        "The Third Geneva Convention of 1949 (Articles 122 and 123) requires prisoners of war "
        "to be registered and information about them to be passed to the Central Tracing Agency "
        "of the International Committee of the Red Cross and to their families; under the "
        "applicable law the authorities are to take every step to obtain this information."
    ),
    LetterKind.DNA_TEST: N_(
        "Under the applicable law, the remains of the dead are to be identified and the family "
        "informed; a comparison of DNA with relatives is the recognised method where other "
        "means are not enough. The samples are to be used for identification only."
    ),
    LetterKind.REMAINS_RETURN: N_(
        "Under the Geneva Conventions and the applicable law, the parties are to search for the "
        "dead, identify them and facilitate the return of their remains to their families; the "
        "family has the right to bury its dead."
    ),
    LetterKind.OBJECTION: N_(
        "Under the applicable law, a declaration of death may be set aside when the death is not "
        "proven, and the persons concerned, the family first, have the right to be heard and to "
        "present evidence before such a decision is made or reviewed."
    ),
}

_RELATIONSHIPS: dict[str, str] = {
    "mother": N_("mother"),
    "father": N_("father"),
    "wife": N_("wife"),
    "husband": N_("husband"),
    "son": N_("son"),
    "daughter": N_("daughter"),
    "brother": N_("brother"),
    "sister": N_("sister"),
    "grandparent": N_("grandparent"),
    "other_relative": N_("other relative"),
    "comrade": N_("comrade"),
}

_CASES = {
    "name_nom": Case.NOMINATIVE,
    "name_gen": Case.GENITIVE,
    "name_dat": Case.DATIVE,
    "name_acc": Case.ACCUSATIVE,
}


def names(facts: LetterFacts, lang: str) -> dict[str, str]:
    """Return the person's full name in each case a sentence may ask for."""
    return {
        key: str(
            inflect_name(
                facts.surname,
                facts.given_name,
                facts.patronymic,
                sex=facts.sex,
                case=case,
                lang=lang,
            )
        )
        for key, case in _CASES.items()
    }


def _day(value: date, lang: str) -> str:
    return format_date(value, Lang(lang))


def _birth(birth: PartialDate, lang: str, t: Translate) -> str:
    if birth.precision is Precision.DAY and birth.month and birth.day:
        return _day(date(birth.year, birth.month, birth.day), lang)
    if birth.precision is Precision.MONTH and birth.month:
        return f"{birth.month:02d}.{birth.year}"
    if birth.precision is Precision.AGE:
        return t(N_("%(earlier)s or %(later)s")) % {
            "earlier": birth.year - 1,
            "later": birth.year,
        }
    return str(birth.year)


def _status(value: str | None, lang: str, t: Translate) -> str:
    if value is None:
        return t(N_("not recorded"))
    try:
        words = STATUS_WORDS[Lang(lang)][Status(value)]
    except ValueError:  # a retraction or a value of an older version
        return t(N_("retraction of an earlier report")) if value == "retraction" else value
    return f"«{words}»" if lang != "en" else f'"{words}"'


def _identity(facts: LetterFacts, lang: str, t: Translate, name: str) -> Section:
    lines = [t(N_("Full name: %(name)s")) % {"name": name}]
    if facts.birth is not None:
        lines.append(t(N_("Date of birth: %(date)s")) % {"date": _birth(facts.birth, lang, t)})
    if facts.rank:
        lines.append(t(N_("Rank: %(rank)s")) % {"rank": facts.rank})
    if facts.unit:
        lines.append(t(N_("Military unit: %(unit)s")) % {"unit": facts.unit})
    if facts.personal_number:
        lines.append(t(N_("Personal number: %(number)s")) % {"number": facts.personal_number})
    return Section(t(N_("The person concerned")), tuple(lines))


def _report_line(report: ReportFact, lang: str, t: Translate) -> str:
    values = {
        "date": _day(report.observed_on, lang),
        "source": report.source,
        "grade": report.grade,
        "status": _status(report.claim, lang, t),
        "place": report.place,
    }
    if report.place:
        return t(N_("%(date)s, %(place)s: %(source)s (grade %(grade)s) reports %(status)s")) % (
            values
        )
    return t(N_("%(date)s: %(source)s (grade %(grade)s) reports %(status)s")) % values


def _request_line(request: RequestFact, lang: str, t: Translate) -> str:
    values = {
        "sent": _day(request.sent_on, lang),
        "authority": request.authority,
        "due": _day(request.due_on, lang),
    }
    if request.replied_on is not None:
        values["replied"] = _day(request.replied_on, lang)
        return t(
            N_("sent on %(sent)s to %(authority)s, answer due %(due)s, answered %(replied)s")
        ) % (values)
    return t(N_("sent on %(sent)s to %(authority)s, answer due %(due)s, not answered")) % values


def _facts(facts: LetterFacts, lang: str, t: Translate) -> Section:
    lines: list[str] = []
    if facts.last_contact is not None:
        lines.append(
            t(N_("Last contact with the family: %(date)s"))
            % {"date": _day(facts.last_contact, lang)}
        )
    if facts.last_information is not None:
        lines.append(
            t(N_("Last information received: %(date)s"))
            % {"date": _day(facts.last_information, lang)}
        )
    cited = [r for r in facts.reports if not r.retracted and r.claim != "retraction"]
    if cited:
        lines.append(t(N_("Reports received, with their sources and grades:")))
        lines += [f"– {_report_line(r, lang, t)}" for r in cited]
    else:
        lines.append(t(N_("No report about the person has been recorded yet.")))
    lines.append(
        t(N_("Status supported by the evidence: %(status)s."))
        % {"status": _status(facts.assessed, lang, t)}
    )
    if facts.official is None:
        lines.append(t(N_("No official status has been communicated to the family.")))
    else:
        official = {
            "status": _status(facts.official, lang, t),
            "date": _day(facts.official_since, lang) if facts.official_since else "—",
            "authority": facts.official_authority or "—",
        }
        lines.append(
            t(N_("Official status: %(status)s, since %(date)s (%(authority)s).")) % official
        )
    if facts.court_date is not None:
        lines.append(
            t(
                N_(
                    "End of the period without information after which a court may declare a "
                    "person missing or dead: %(date)s"
                )
            )
            % {"date": _day(facts.court_date, lang)}
        )
    if facts.requests:
        lines.append(t(N_("Requests already sent to authorities:")))
        lines += [f"– {_request_line(r, lang, t)}" for r in facts.requests]
    return Section(t(N_("What is known")), tuple(lines))


def _sender_name(sender: Sender, t: Translate) -> str:
    if sender.name:
        return sender.name
    if sender.desk:
        return t(N_("Tracing desk, %(region)s")) % {"region": sender.desk}
    return t(N_("Tracing desk"))


def _header(facts: LetterFacts, t: Translate, addressee: str) -> tuple[str, ...]:
    sender = facts.sender
    lines = [t(N_("To: %(addressee)s")) % {"addressee": addressee}]
    if sender.name and sender.relationship:
        relation = t(_RELATIONSHIPS.get(sender.relationship, N_("other relative")))
        lines.append(
            t(N_("From: %(sender)s (%(relationship)s of the person concerned)"))
            % {"sender": sender.name, "relationship": relation}
        )
    else:
        lines.append(t(N_("From: %(sender)s")) % {"sender": _sender_name(sender, t)})
    if sender.contacts:
        lines.append(t(N_("Contacts: %(contacts)s")) % {"contacts": sender.contacts})
    return tuple(lines)


def addressee_name(addressee: Addressee, translate: Translate) -> str:
    """Return an addressee's name in the letter's language."""
    return translate(ADDRESSEE_NAMES[addressee])


def compose(
    facts: LetterFacts,
    kind: LetterKind,
    lang: str,
    *,
    addressee: str,
    today: date,
    translate: Translate,
) -> Letter:
    """Write a letter of a kind about a person, in a language, dated ``today``."""
    t = translate
    forms = names(facts, lang)
    return Letter(
        kind=kind,
        lang=lang,
        addressee=addressee,
        header=_header(facts, t, addressee),
        title=t(_TITLES[kind]) % forms,
        sections=(
            _identity(facts, lang, t, forms["name_nom"]),
            _facts(facts, lang, t),
            Section(t(N_("What is asked")), (t(_REQUESTS[kind]) % forms,)),
            Section(t(N_("Legal grounds")), (t(_GROUNDS[kind]) % forms,)),
        ),
        closing=t(N_("I ask for a written answer within the period set by law.")),
        date_line=t(N_("Date: %(date)s")) % {"date": _day(today, lang)},
        signature=t(N_("Signature: ____________ (%(sender)s)"))
        % {"sender": _sender_name(facts.sender, t)},
    )
