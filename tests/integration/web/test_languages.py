"""The pages in Russian, Ukrainian and English: Accept-Language, the switcher, kept per user."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from kintrace.instance import Instance
from kintrace.storage.audit import set_actor
from kintrace.storage.db import transaction
from kintrace.storage.tables import User
from kintrace.web import i18n

Client = Callable[[str | None], TestClient]


class VisibleText(HTMLParser):
    """The text a person reads: text nodes outside <script>/<style>, and <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code"):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def english_words() -> set[str]:
    """Every ASCII word of 4+ letters in the English texts of the catalogue."""
    with i18n.catalogue_path("en").open("rb") as po:
        catalog = read_po(po, locale="en")
    words: set[str] = set()
    for m in catalog:
        for text in m.id if isinstance(m.id, tuple) else (m.id,):
            words.update(w.lower() for w in re.findall(r"(?<![%(\w])[A-Za-z]{4,}", text))
    return words


ALLOWED = {
    "kintrace",  # the name of the app
    "english",  # the switcher names each language in its own words
    "json",  # the name of a file format (the figures' download link)
}
"""English words a Russian page may show: names, not labels."""


def data_words(demo_instance: Instance) -> set[str]:
    """Words of the demo's own records (authorities, sources, places): data, not labels."""
    from sqlalchemy import select

    from kintrace.storage.tables import AuthorityRequest, OfficialStatus, Report, Source

    words: set[str] = set()
    with transaction(demo_instance.sessions) as db:
        texts = [
            *db.scalars(select(Source.name)),
            *db.scalars(select(OfficialStatus.authority)),
            *db.scalars(select(AuthorityRequest.authority)),
            *db.scalars(select(Report.text)),
            *db.scalars(select(Report.place)),
            *db.scalars(select(User.display_name)),
        ]
    for text in texts:
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", text or ""))
    return words


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


@pytest.fixture(autouse=True)
def _everyone_back_to_english(demo_instance: Instance) -> None:
    with transaction(demo_instance.sessions) as db:
        set_actor(db, actor_id=None, reason="test: back to the browser's language")
        for user in db.query(User):
            user.language = None


def test_accept_language_ru_gives_russian_labels(client_for: Client) -> None:
    client = client_for("desk")
    page = client.get("/cases", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert page.status_code == 200
    assert '<html lang="ru">' in page.text
    assert "<h1>Дела" in page.text
    assert ">Пропал без вести<" in page.text  # a status label
    assert ">Противоречивые сообщения<" in page.text  # a flag label
    english = client.get("/cases")
    assert '<html lang="en">' in english.text and "<h1>Cases" in english.text
    ukrainian = client.get("/cases", headers={"Accept-Language": "uk"})
    assert "<h1>Справи" in ukrainian.text and ">Зник безвісти<" in ukrainian.text


def test_the_switcher_changes_every_label_and_is_kept_for_the_next_session(
    client_for: Client, demo_instance: Instance
) -> None:
    client = client_for("analyst")
    before = client.get("/persons/1")
    assert '<html lang="en">' in before.text and "What the evidence supports" in before.text
    switched = client.post(
        "/language", data={"language": "uk", "csrf": csrf_of(before.text), "next": "/persons/1"}
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/persons/1"
    after = client.get("/persons/1")
    assert '<html lang="uk">' in after.text
    assert "Що підтверджують відомості" in after.text
    leftover = set(re.findall(r"[A-Za-z]{4,}", visible(after.text).lower())) & english_words()
    assert leftover - ALLOWED - data_words(demo_instance) == set()
    with transaction(demo_instance.sessions) as db:
        user = db.query(User).filter_by(username="analyst").one()
        assert user.language == "uk"
    # the next session, in a fresh browser that asks for English, still speaks Ukrainian
    fresh = client_for("analyst")
    page = fresh.get("/cases", headers={"Accept-Language": "en"})
    assert '<html lang="uk">' in page.text and "<h1>Справи" in page.text


def test_a_signed_out_visitor_switches_with_a_cookie(client_for: Client) -> None:
    client = client_for(None)
    answer = client.post("/language", data={"language": "ru", "next": "/login"})
    assert answer.status_code == 303
    assert "kintrace_lang=ru" in answer.headers["set-cookie"]
    assert "HttpOnly" in answer.headers["set-cookie"]
    page = client.get("/login")
    assert '<html lang="ru">' in page.text and "<h1>Войти" in page.text


def test_a_signed_in_switch_needs_the_csrf_token(
    client_for: Client, demo_instance: Instance
) -> None:
    client = client_for("desk")
    refused = client.post("/language", data={"language": "ru", "csrf": "forged"})
    assert refused.status_code == 403
    with transaction(demo_instance.sessions) as db:
        assert db.query(User).filter_by(username="desk").one().language is None


def test_an_unknown_language_or_an_outside_target_is_refused(client_for: Client) -> None:
    client = client_for(None)
    assert client.post("/language", data={"language": "de"}).status_code == 422
    away = client.post("/language", data={"language": "uk", "next": "//evil.example/"})
    assert away.headers["location"] == "/"


@pytest.mark.parametrize(
    "path", ["/cases", "/persons/1", "/stats", "/stats/estimates", "/login", "/worklist"]
)
def test_no_english_word_is_left_on_the_main_pages_in_russian(
    client_for: Client, demo_instance: Instance, path: str
) -> None:
    client = client_for(None if path == "/login" else "analyst")
    page = client.get(path, headers={"Accept-Language": "ru"})
    assert page.status_code == 200
    leftover = set(re.findall(r"[A-Za-z]{4,}", visible(page.text).lower())) & english_words()
    assert leftover - ALLOWED - data_words(demo_instance) == set()


def test_errors_speak_the_viewers_language(client_for: Client) -> None:
    client = client_for("relative")
    page = client.get("/worklist", headers={"Accept-Language": "uk"})
    assert page.status_code == 403
    assert "Немає доступу" in page.text
    assert "список завдань — для регіональних відділів і аналітиків" in page.text
    missing = client.get("/persons/999999", headers={"Accept-Language": "ru"})
    assert missing.status_code == 404
    assert "среди доступных вам дел нет человека № 999999" in missing.text


def test_dates_and_numbers_follow_the_locale(client_for: Client) -> None:
    client = client_for("analyst")
    ru = client.get("/persons/1", headers={"Accept-Language": "ru"}).text
    en = client.get("/persons/1").text
    months_ru = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    assert any(f" {m} " in ru for m in months_ru.split())
    assert re.search(r"уверенность \d+\xa0%", ru)
    assert re.search(r"confidence \d+%", en)
