"""One relative's journey end to end in Debian's chromium (issue 16), in Russian and Ukrainian.

A relative signs up in Russian, confirms the address from a real SMTP sink (aiosmtpd on
loopback), files a guided tracing request with a photo and sees it; the desk of the region
records an official status and a Red Cross report that contradicts it; the relative sees the
new assessment, its reason and the flag, and gets the news by e-mail in Russian; a second
relative cannot open the case; the switcher turns every label Ukrainian. The main pages are
saved as screenshots in ru, uk and en, on a desktop and on a phone (KINTRACE_SCREENSHOTS, else
``test-artifacts/screenshots/`` under the repository root).
"""

from __future__ import annotations

import os
import re
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kintrace.access import Role
from kintrace.cases.service import get_or_create_region
from kintrace.config import Settings
from kintrace.instance import Instance, open_instance
from kintrace.notify.events import MAIL_BODY, SUBJECT
from kintrace.notify.schedule import send_news
from kintrace.reconciliation.words import STATUS_WORDS, Lang
from kintrace.reports.model import Status
from kintrace.storage.db import transaction
from kintrace.users.service import create_user
from kintrace.web.app import create_app
from kintrace.web.i18n import tr

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WAIT_MS = 20_000
"""How long expect() waits: the test machine is shared, a page may take seconds to come."""
REGION = "Херсонская область"
EMAIL = "olga.kovalenko@example.org"
PASSWORD = "долгий пароль 2026"
STAFF_PASSWORD = "correct horse battery"
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("KINTRACE_SCREENSHOTS") or ROOT / "test-artifacts" / "screenshots")
ENGLISH_LABELS = (
    "What the evidence supports",
    "What the authority says",
    "Official status disagrees",
    "Captured (confirmed)",
    "Reports",
    "Tracing requests",
    "Status over time",
    "Last information",
    "Born",
    "Home region",
    "Add a report",
    "Letters to authorities",
    "Case dossier",
)


def t(lang: str, english: str) -> str:
    """The catalogue's words for ``english``; for ru and uk they must be translated."""
    words = tr(lang, english)
    assert lang == "en" or words != english, f"{english!r} is not translated into {lang}"
    return words


class Sink:
    """An aiosmtpd handler that keeps every message and wakes whoever waits for one."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.arrived = threading.Condition()

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        with self.arrived:
            message = message_from_bytes(content, policy=default_policy)
            assert isinstance(message, EmailMessage)
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, address: str, count: int, timeout: float = 20) -> list[EmailMessage]:
        """Return the messages to ``address`` once there are ``count`` of them."""
        found: list[EmailMessage] = []

        def enough() -> bool:
            found[:] = [m for m in self.messages if m["To"] == address]
            return len(found) >= count

        with self.arrived:
            assert self.arrived.wait_for(enough, timeout), f"{count} mails to {address}"
        return found


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    content: str = body.get_content()
    return content


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Journey:
    base: str
    instance: Instance
    sink: Sink


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    """An empty instance that mails through a loopback SMTP sink, served on a free port.

    It has the desk of one region, a second relative and nothing else; its first news scan
    has run (the first scan only marks where news starts from).
    """
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    port = free_port()
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("journey"),
        secret_key="journey-" + "k" * 32,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_tls="none",
        smtp_from="desk@kintrace.test",
        public_url=f"http://127.0.0.1:{port}",
    )
    instance = open_instance(settings)
    with transaction(instance.sessions) as db:
        region = get_or_create_region(db, REGION)
        create_user(
            db,
            username="kherson-desk",
            password=STAFF_PASSWORD,
            role=Role.OPERATOR,
            region_id=region.id,
            display_name="Херсонский стол",
        )
        create_user(db, username="other-relative", password=STAFF_PASSWORD, role=Role.RELATIVE)
    send_news(instance.sessions, settings)
    server = uvicorn.Server(
        uvicorn.Config(create_app(instance), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:  # uvicorn has no event to wait on
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the kintrace server did not start")
        time.sleep(0.05)
    try:
        yield Journey(f"http://127.0.0.1:{port}", instance, sink)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        controller.stop()
        instance.close()


def png(path: Path, width: int = 48, height: int = 32) -> Path:
    """Write a small RGB PNG (a gradient) with the standard library only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (x * 5 % 256, y * 8 % 256, 128))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


ERRORS: dict[Page, list[str]] = {}
"""The console errors and uncaught exceptions of each page (a CSP violation, a missing asset)."""


def new_page(browser: Browser, locale: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale=locale, viewport=DESKTOP)  # type: ignore[arg-type]
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    ERRORS[page] = errors
    return context, page


def sign_in(page: Page, base: str, lang: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label(t(lang, "Username"), exact=True).fill(username)
    page.get_by_label(t(lang, "Password"), exact=True).fill(password)
    page.locator("main").get_by_role("button", name=t(lang, "Sign in")).click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None
    assert width <= viewport["width"] + 1, f"{page.url}: {width}px wide in {viewport['width']}px"


def switch_language(page: Page, lang: str) -> None:
    """Use the switcher in the top bar, as a person would."""
    names = {"ru": "Русский", "uk": "Українська", "en": "English"}
    page.locator("form.languages").get_by_role("button", name=names[lang]).click()
    expect(page.locator("html")).to_have_attribute("lang", lang, timeout=WAIT_MS)


ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,:;'-]+[A-Za-z]{2,}){3,}")
"""Four English words in a row: a sentence the catalogues missed (names here are Cyrillic)."""


def untranslated(page: Page) -> list[str]:
    """Return the English phrases left in the page's main content."""
    return ENGLISH_PHRASE.findall(main_text(page))


def main_text(page: Page) -> str:
    text: str = page.locator("main").inner_text()
    return text


def test_a_relative_files_a_request_and_follows_the_news(
    browser: Browser, journey: Journey, tmp_path: Path
) -> None:
    base, sink = journey.base, journey.sink
    today = date.today()
    contexts: list[BrowserContext] = []

    def open_as(locale: str) -> Page:
        context, page = new_page(browser, locale)
        contexts.append(context)
        return page

    expect.set_options(timeout=WAIT_MS)
    try:
        # --- sign-up in Russian, confirmed from the e-mail --------------------------------
        mother = open_as("ru-RU")
        mother.goto(f"{base}/signup")
        expect(mother.locator("html")).to_have_attribute("lang", "ru")
        expect(mother.get_by_role("heading", level=1)).to_have_text(t("ru", "Create an account"))
        mother.get_by_label(t("ru", "Your name"), exact=True).fill("Ольга Коваленко")
        mother.get_by_label(t("ru", "E-mail address"), exact=True).fill(EMAIL)
        mother.get_by_label(
            t("ru", "Password (at least 10 characters, not your e-mail address)"), exact=True
        ).fill(PASSWORD)
        mother.get_by_label(t("ru", "Password again"), exact=True).fill(PASSWORD)
        mother.get_by_role("button", name=t("ru", "Create the account")).click()
        expect(mother.get_by_role("heading", level=1)).to_have_text(t("ru", "Check your e-mail"))
        (welcome,) = sink.wait_for(EMAIL, 1)
        found = re.search(re.escape(base) + r"/signup/confirm\?token=\S+", text_of(welcome))
        assert found, text_of(welcome)
        mother.goto(found.group(0))
        expect(mother.get_by_role("heading", level=1)).to_have_text(t("ru", "Address confirmed"))
        sign_in(mother, base, "ru", EMAIL, PASSWORD)

        # --- the guided request, with a photo ---------------------------------------------
        mother.goto(f"{base}/requests/new")
        expect(mother.get_by_role("heading", level=1)).to_have_text(t("ru", "A tracing request"))
        mother.get_by_label(t("ru", "Surname"), exact=True).fill("Коваленко")
        mother.get_by_label(t("ru", "Given name"), exact=True).fill("Андрей")
        mother.get_by_label(t("ru", "Patronymic"), exact=True).fill("Сергеевич")
        mother.get_by_label(t("ru", "Date of birth"), exact=True).fill("1996")
        mother.get_by_label(t("ru", "Unit"), exact=True).fill("в/ч А1234")
        mother.get_by_label(t("ru", "Home region"), exact=True).fill(REGION)
        mother.get_by_label(t("ru", "Anything else about how he went missing"), exact=True).fill(
            "Пропал под Херсоном, на связь не выходит."
        )
        mother.get_by_role("button", name=t("ru", "Look for him among the recorded cases")).click()
        files = mother.locator("#files")
        expect(files).to_be_visible()
        expect(mother.locator("input[name=person][value=new]")).to_be_checked()
        photo = png(tmp_path / "andrei.png")
        files.get_by_label(
            t("ru", "Photos, documents, screenshots, audio or video"), exact=True
        ).set_input_files(photo)
        mother.get_by_role("button", name=t("ru", "File the request")).click()
        expect(mother).to_have_url(re.compile(r"/persons/\d+$"))
        person_url = mother.url
        expect(mother.get_by_role("heading", level=1)).to_have_text("Коваленко Андрей Сергеевич")
        requests = mother.locator("#requests")
        expect(requests).to_contain_text("Ольга Коваленко")
        expect(requests).to_contain_text("Пропал под Херсоном")
        thumbnail = requests.locator("img[alt='andrei.png']")
        expect(thumbnail).to_be_visible()
        mother.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
        )
        assert ERRORS[mother] == []

        # --- the desk of the region: an official status, then a report against it ---------
        desk = open_as("ru-RU")
        sign_in(desk, base, "ru", "kherson-desk", STAFF_PASSWORD)
        desk.goto(person_url)
        expect(desk.locator("dl.facts")).to_contain_text(REGION)
        official = desk.locator("details.inline-form").filter(
            has_text=t("ru", "Record what an authority says")
        )
        official.locator("summary").click()
        official.get_by_role("combobox", name=t("ru", "Official status")).select_option(
            "dead_unrecovered"
        )
        official.get_by_label(t("ru", "Since"), exact=True).fill(
            (today - timedelta(days=30)).isoformat()
        )
        official.get_by_label(t("ru", "Authority"), exact=True).fill(
            "Министерство обороны, извещение № 17"
        )
        official.get_by_role("button", name=t("ru", "Record official status")).click()
        expect(desk.locator(".status-card").nth(1)).to_contain_text("извещение № 17")
        add = desk.locator("details").filter(
            has=desk.get_by_role("heading", name=t("ru", "Add a report"))
        )
        add.locator("summary").first.click()
        add.get_by_role("combobox", name=t("ru", "What does it say?")).select_option(
            "captured_confirmed"
        )
        add.get_by_label(t("ru", "Observed on"), exact=True).fill(
            (today - timedelta(days=3)).isoformat()
        )
        add.get_by_role("combobox", name=t("ru", "Source type")).select_option("red_cross")
        add.get_by_label(t("ru", "Source name"), exact=True).fill("МККК, Женева")
        add.get_by_role("combobox", name=t("ru", "Credibility")).select_option("1")
        add.get_by_label(
            t("ru", "What was said (for a retraction: why it is withdrawn)"), exact=True
        ).fill("Внесён в список военнопленных, посещён делегатом.")
        add.get_by_role("button", name=t("ru", "Record report")).click()
        expect(desk.locator("[data-report]").filter(has_text="МККК")).to_have_count(1)
        expect(desk.locator(".flag-official_disagrees")).to_be_visible()

        # --- the relative sees the new status, why, and the flag --------------------------
        mother.goto(person_url)
        evidence = mother.locator(".status-card").first
        expect(evidence).to_contain_text(t("ru", "Captured (confirmed)"))
        authority = mother.locator(".status-card").nth(1)
        expect(authority).to_contain_text(t("ru", "Dead, not recovered"))
        expect(authority).to_have_class(re.compile(r"\bdisagrees\b"))
        expect(mother.locator(".flag-official_disagrees")).to_have_text(
            t("ru", "Official status disagrees")
        )
        reason = mother.locator("section.explanation p").first
        expect(reason).not_to_be_empty()
        assert re.search("[а-яё]", reason.inner_text().lower()), reason.inner_text()
        expect(mother.locator("[data-report]").filter(has_text="МККК")).to_contain_text(
            t("ru", "Red Cross")
        )

        # --- the news, by e-mail in Russian ----------------------------------------------
        made, mailed = send_news(journey.instance.sessions, journey.instance.settings)
        assert made >= 1 and mailed == 1
        _, news = sink.wait_for(EMAIL, 2)
        body = text_of(news)
        subject = str(news["Subject"])
        assert subject.startswith(t("ru", SUBJECT).split("%(name)s")[0]), subject
        assert "Коваленко Андрей" in subject
        assert t("ru", MAIL_BODY).split("%(name)s")[0] + "Ольга Коваленко" in body
        assert STATUS_WORDS[Lang.RU][Status.CAPTURED_CONFIRMED] in body
        assert STATUS_WORDS[Lang.RU][Status.DEAD_UNRECOVERED] in body
        assert person_url in body
        assert not re.search(r"\b(status|report|changed|official)\b", body), body
        mother.goto(f"{base}/notifications")
        expect(mother.locator("main")).to_contain_text(
            STATUS_WORDS[Lang.RU][Status.CAPTURED_CONFIRMED]
        )

        # --- another relative may not open the case ---------------------------------------
        stranger = open_as("ru-RU")
        sign_in(stranger, base, "ru", "other-relative", STAFF_PASSWORD)
        answer = stranger.goto(person_url)
        assert answer is not None and answer.status == 404
        expect(stranger.get_by_role("heading", level=1)).to_have_text(t("ru", "Not found"))
        expect(stranger.locator("main")).not_to_contain_text("Коваленко")
        stranger.goto(f"{base}/cases")
        expect(stranger.locator("[data-person]")).to_have_count(0)

        # --- the switcher: every label of the case page in Ukrainian ----------------------
        mother.goto(person_url)
        switch_language(mother, "uk")
        expect(mother).to_have_url(person_url)
        for label in (
            "What the evidence supports",
            "What the authority says",
            "Official status disagrees",
            "Captured (confirmed)",
            "Tracing requests",
            "Reports",
        ):
            expect(mother.locator("main")).to_contain_text(t("uk", label))
        expect(mother.locator("nav.nav")).to_contain_text(t("uk", "Cases"))
        shown = main_text(mother)
        left = [e for e in ENGLISH_LABELS if re.search(rf"\b{re.escape(e)}\b", shown)]
        assert left == [], f"English labels on the Ukrainian page: {left}"
        assert untranslated(mother) == []
        assert t("uk", "Captured (confirmed)") != t("ru", "Captured (confirmed)")

        # --- screenshots of the main pages, ru/uk/en, desktop and phone -------------------
        pages = {
            "cases": f"{base}/cases",
            "person": person_url,
            "request-form": f"{base}/requests/new",
            "notifications": f"{base}/notifications",
            "account": f"{base}/account",
        }
        SHOTS.mkdir(parents=True, exist_ok=True)
        for lang in ("uk", "ru", "en"):
            mother.goto(pages["cases"])
            if mother.locator("html").get_attribute("lang") != lang:
                switch_language(mother, lang)
            for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                mother.set_viewport_size(viewport)  # type: ignore[arg-type]
                for name, url in pages.items():
                    mother.goto(url)
                    expect(mother.locator("html")).to_have_attribute("lang", lang)
                    expect(mother.get_by_role("heading", level=1).first).to_be_visible()
                    if lang != "en":
                        assert untranslated(mother) == [], f"{url} in {lang}"
                    mother.locator("img[loading=lazy]").evaluate_all(
                        "images => images.forEach(i => { i.loading = 'eager'; })"
                    )
                    mother.screenshot(path=str(SHOTS / f"{name}-{lang}-{size}.png"), full_page=True)
                    if size == "phone":
                        no_sideways_scroll(mother)
            mother.set_viewport_size(DESKTOP)  # type: ignore[arg-type]
        assert len(list(SHOTS.glob("*-??-*.png"))) >= 30
        for page in (mother, desk):
            assert ERRORS[page] == [], ERRORS[page]
        assert all("404" in e for e in ERRORS[stranger]), ERRORS[stranger]  # only its 404
    finally:
        expect.set_options(timeout=None)  # back to Playwright's default for other tests
        for context in contexts:
            context.close()
