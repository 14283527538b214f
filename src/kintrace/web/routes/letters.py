"""Letters to authorities from a person's case: choose, read, download the PDF, mark as sent.

For the relative (their own cases), desks (their region) and analysts; access is checked by
the letters service (:data:`kintrace.letters.service.MAY_SEND_LETTERS`, then the person as
this viewer may see him) before any parameter is read, so a refusal never depends on them.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kintrace.cases.service import get_person
from kintrace.cases.views import log_case
from kintrace.instance import Instance
from kintrace.letters.model import (
    ADDRESSEES,
    LETTER_LANGUAGES,
    Addressee,
    Letter,
    LetterFacts,
    LetterKind,
    parse_addressee,
    parse_kind,
    parse_language,
)
from kintrace.letters.pdf import letter_pdf
from kintrace.letters.service import MAY_SEND_LETTERS, gather, record_sent
from kintrace.letters.text import ADDRESSEE_NAMES, KIND_NAMES, addressee_name, compose
from kintrace.web.deps import DbSession, SignedIn, get_instance
from kintrace.web.i18n import language_of, tr
from kintrace.web.limits import RowId
from kintrace.web.routes.pages import page, require_csrf

router = APIRouter(include_in_schema=False)
InstanceDep = Annotated[Instance, Depends(get_instance)]


def _choice(
    request: Request, kind: str, lang: str, addressee: str
) -> tuple[LetterKind, str, Addressee]:
    """Read the chosen kind, language and addressee (defaults: the first, the viewer's)."""
    letter_kind = parse_kind(kind) if kind else LetterKind.STATUS_CHANGE
    language = parse_language(lang) if lang else language_of(request)
    return letter_kind, language, parse_addressee(letter_kind, addressee)


def _letter(facts: LetterFacts, kind: LetterKind, lang: str, to: Addressee) -> Letter:
    translate = partial(tr, lang)
    return compose(
        facts,
        kind,
        lang,
        addressee=addressee_name(to, translate),
        today=date.today(),
        translate=translate,
    )


@router.get("/persons/{person_id}/letters")
def letters_page(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    person_id: RowId,
    kind: str = "",
    lang: str = "",
    addressee: str = "",
) -> HTMLResponse:
    """The letters of a case: the kinds, the chosen one read in its language, download, sent."""
    facts = gather(db, viewer, person_id)  # access first
    letter_kind, language, to = _choice(request, kind, lang, addressee)
    letter = _letter(facts, letter_kind, language, to)
    return page(
        request,
        "letters.html",
        viewer,
        facts=facts,
        letter=letter,
        kind=letter_kind,
        letter_lang=language,
        addressee=to,
        kinds=list(LetterKind),
        kind_names=KIND_NAMES,
        addressees=ADDRESSEES[letter_kind],
        addressee_names=ADDRESSEE_NAMES,
        languages=LETTER_LANGUAGES,
    )


@router.get("/persons/{person_id}/letters.pdf")
def letter_download(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    person_id: RowId,
    kind: str = "",
    lang: str = "",
    addressee: str = "",
) -> Response:
    """Download a letter as a PDF (nothing is recorded: "mark as sent" does that)."""
    facts = gather(db, viewer, person_id)  # access first
    letter_kind, language, to = _choice(request, kind, lang, addressee)
    data = letter_pdf(_letter(facts, letter_kind, language, to))
    log_case(db, viewer, person_id, "letter", f"letter_pdf:{letter_kind.value}")  # who looked
    name = f"letter-{letter_kind.value}-{person_id}-{language}.pdf"
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/persons/{person_id}/letters/sent")
def letter_sent(
    request: Request,
    db: DbSession,
    viewer: SignedIn,
    instance: InstanceDep,
    person_id: RowId,
    csrf: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    sent_on: Annotated[date, Form()],
    addressee: Annotated[str, Form()] = "",
    lang: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Record a letter as sent: an authority request whose answer is due after the period."""
    require_csrf(request, csrf)
    viewer.require(MAY_SEND_LETTERS, "record letters as sent")  # access first
    get_person(db, viewer, person_id)
    letter_kind, language, to = _choice(request, kind, lang, addressee)
    record_sent(
        db,
        viewer,
        person_id,
        letter_kind,
        authority=addressee_name(to, partial(tr, language)),
        sent_on=sent_on,
        settings=instance.settings,
    )
    log_case(db, viewer, person_id, "letter", f"letter_sent:{letter_kind.value}")
    return RedirectResponse(f"/persons/{person_id}#authorities", status_code=303)
