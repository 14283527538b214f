"""Sending e-mail: SMTP when a server is set, else an outbox folder in the data dir.

Messages are built with the standard library (:class:`email.message.EmailMessage`) and sent
with :mod:`smtplib` (STARTTLS, implicit TLS or a plain local relay, ``KINTRACE_SMTP_*``).
Without ``KINTRACE_SMTP_HOST`` each message is written to ``<data_dir>/outbox`` as an ``.eml``
file (mode 0600: it holds a link that signs someone in), so that a demo works offline.

The texts are in the recipient's language, from the web app's gettext catalogues. Nothing
about a recipient (address, name) is written to the log.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import urlencode

from kintrace.config import Settings
from kintrace.users.accounts import Outgoing
from kintrace.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, tr

log = logging.getLogger(__name__)

SMTP_TIMEOUT_S = 15


@dataclass(frozen=True, slots=True)
class Mail:
    """One message to one recipient."""

    to: str
    subject: str
    body: str


def _message(settings: Settings, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    message.set_content(mail.body)
    return message


def write_to_outbox(folder: Path, message: EmailMessage) -> Path:
    """Write a message as an .eml file only its owner may read; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(bytes(message))
    return path


def _smtp(settings: Settings) -> smtplib.SMTP:
    if settings.smtp_tls == "ssl":
        return smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=SMTP_TIMEOUT_S,
            context=ssl.create_default_context(),
        )
    connection = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S)
    if settings.smtp_tls == "starttls":
        connection.starttls(context=ssl.create_default_context())
    return connection


def send(settings: Settings, mail: Mail) -> bool:
    """Send a message (or put it in the outbox); say whether it went.

    A server that cannot be reached or refuses the message is logged (without the address)
    and reported as False: the caller's answer must not depend on it (no account oracle).
    """
    message = _message(settings, mail)
    if not settings.smtp_host:
        write_to_outbox(settings.outbox_dir, message)
        return True
    try:
        with _smtp(settings) as connection:
            if settings.smtp_user:
                connection.login(settings.smtp_user, settings.smtp_password)
            connection.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("an e-mail could not be sent: %s", type(error).__name__)
        return False
    return True


def language_or_default(language: str | None) -> str:
    """Return a language the catalogues have (English when none was chosen)."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


# The e-mails kintrace sends: (subject, body) with %(name)s, %(link)s and %(hours)s filled in.
CONFIRM = (
    N_("Confirm your e-mail address for kintrace"),
    N_(
        "Hello %(name)s,\n\nSomeone (we hope you) signed up to kintrace with this address. "
        "Open this link to confirm it; your account works from then on:\n\n%(link)s\n\n"
        "The link works once and for %(hours)s hours. If it was not you, ignore this message: "
        "nothing happens without the link."
    ),
)
ALREADY_REGISTERED = (
    N_("Someone tried to sign up to kintrace with your address"),
    N_(
        "Hello %(name)s,\n\nSomeone tried to sign up to kintrace with this address, which has "
        "an account already. If it was you and you forgot your password, set a new one here:"
        "\n\n%(link)s\n\nIf it was not you, ignore this message: nothing has changed."
    ),
)
RESET = (
    N_("Set a new password for kintrace"),
    N_(
        "Hello %(name)s,\n\nSomeone (we hope you) asked to set a new password for your kintrace "
        "account. Open this link to choose one:\n\n%(link)s\n\nThe link works once and for "
        "%(hours)s hours; setting a password signs you out everywhere. If it was not you, "
        "ignore this message: your password stays as it is."
    ),
)
WELCOME = (
    N_("Your kintrace account"),
    N_(
        "Hello %(name)s,\n\nA regional desk has opened a kintrace account for you, to follow "
        "the search for your relative. Open this link to choose your password:\n\n%(link)s\n\n"
        "The link works once and for %(hours)s hours. When it has run out, ask for a new one "
        "with \u201cForgot your password?\u201d on the sign-in page."
    ),
)


def compose(template: tuple[str, str], *, to: str, language: str | None, **values: object) -> Mail:
    """Fill in one of the e-mails above in the recipient's language."""
    lang = language_or_default(language)
    subject, body = template
    return Mail(to=to, subject=tr(lang, subject), body=tr(lang, body) % values)


ACCOUNT_MAILS: dict[str, tuple[tuple[str, str], str, int]] = {
    "confirm": (CONFIRM, "/signup/confirm", 48),
    "already_registered": (ALREADY_REGISTERED, "/reset/password", 1),
    "reset": (RESET, "/reset/password", 1),
    "welcome": (WELCOME, "/reset/password", 48),
}
"""Each account mail: its texts, the page its link opens, how many hours the link works."""


def account_mail(settings: Settings, outgoing: Outgoing) -> Mail:
    """The confirmation, reset or first-password mail of a link, in its user's language."""
    template, page, hours = ACCOUNT_MAILS[outgoing.kind]
    user = outgoing.user
    assert user.email is not None
    link = f"{settings.link_base}{page}?{urlencode({'token': outgoing.token})}"
    return compose(
        template,
        to=user.email,
        language=user.language,
        name=user.display_name,
        link=link,
        hours=hours,
    )


def send_account_link(settings: Settings, outgoing: Outgoing) -> bool:
    """E-mail a confirmation, reset or first-password link to its user; say whether it went."""
    return send(settings, account_mail(settings, outgoing))
