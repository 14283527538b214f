"""The figures pages: analysts' estimates, publication, the public page, CSV, JSON and PDF."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.stats.builders import a_list

from kintrace.instance import Instance
from kintrace.stats.service import HIDDEN, figures, public_figures
from kintrace.storage.db import transaction
from kintrace.storage.stats_tables import PublishedEstimate
from kintrace.storage.tables import ImportedList, Person

Client = Callable[[str | None], TestClient]


@pytest.fixture(scope="module")
def list_ids(demo_instance: Instance) -> list[int]:
    """Three overlapping lists linked to the demo's persons."""
    with transaction(demo_instance.sessions) as db:
        persons = list(db.scalars(select(Person).order_by(Person.id)))
        made = [
            a_list(db, "Лист А", [(p, "automatic") for i, p in enumerate(persons) if i % 3]),
            a_list(db, "Лист Б", [(p, "confirmed") for i, p in enumerate(persons) if i % 2]),
            a_list(db, "Лист В", [(p, "automatic") for i, p in enumerate(persons) if i < 25]),
        ]
        return [x.id for x in made]


def csrf_of(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def published_ids(demo_instance: Instance) -> list[int]:
    with transaction(demo_instance.sessions) as db:
        return list(db.scalars(select(PublishedEstimate.id).order_by(PublishedEstimate.id)))


def test_only_a_published_estimate_reaches_the_public_page(
    client_for: Client, demo_instance: Instance, list_ids: list[int]
) -> None:
    analyst, public = client_for("analyst"), client_for(None)
    query = "&".join(f"lists={i}" for i in list_ids)
    page = analyst.get(f"/stats/estimates?{query}&strata=region")
    assert page.status_code == 200
    assert "Лист А, Лист Б, Лист В" in page.text
    shown = re.search(r"data-estimate|<b>([\d,\u00a0\u202f]+)</b>", page.text)
    assert shown is not None  # estimates on the analysts' page
    before = public.get("/stats")
    assert "Лист Б" not in before.text and 'data-estimate="' not in before.text
    assert public.get("/stats.json").json()["estimates"] == []

    token = csrf_of(analyst, "/stats/estimates")
    answer = analyst.post(
        "/stats/estimates/publish",
        data={"csrf": token, "lists": list_ids, "strata": "none", "method": "loglinear",
              "note": "internal note"},
    )  # fmt: skip
    assert answer.status_code == 303
    (estimate_id,) = published_ids(demo_instance)
    after = public.get("/stats")
    assert f'data-estimate="{estimate_id}"' in after.text
    assert "Лист А, Лист Б, Лист В" in after.text
    assert "internal note" not in after.text  # the note stays inside
    published = public.get("/stats.json").json()["estimates"]
    assert [(e["method"], e["lists"]) for e in published] == [
        ("loglinear", ["Лист А", "Лист Б", "Лист В"])
    ]
    assert published[0]["ci_low"] <= published[0]["estimate"] <= published[0]["ci_high"]

    withdrawn = analyst.post(
        f"/stats/estimates/{estimate_id}/withdraw", data={"csrf": token, "note": "superseded"}
    )
    assert withdrawn.status_code == 303
    assert f'data-estimate="{estimate_id}"' not in public.get("/stats").text
    assert public.get("/stats.json").json()["estimates"] == []
    history = analyst.get("/stats/estimates").text
    assert history.count(f'data-estimate="{estimate_id}"') == 1
    assert "superseded" in history and "internal note" in history


def test_a_desk_or_relative_may_not_estimate_nor_publish(
    client_for: Client, list_ids: list[int]
) -> None:
    for user in ("desk", "relative", "reviewer"):
        client = client_for(user)
        assert client.get(f"/stats/estimates?lists={list_ids[0]}").status_code == 403
        token = csrf_of(client, "/stats")
        refused = client.post("/stats/estimates/publish", data={"csrf": token, "lists": list_ids})
        assert refused.status_code == 403


def test_csv_and_json_publish_hidden_cells_as_x_only(
    client_for: Client, demo_instance: Instance
) -> None:
    with transaction(demo_instance.sessions) as db:
        exact, public = figures(db), public_figures(db)
    hidden = {(c.key, "status") for c in public.by_status if c.text == HIDDEN}
    hidden |= {(c.key, "region") for c in public.by_region if c.text == HIDDEN}
    hidden |= {(c.key, "month") for c in public.by_month if c.text == HIDDEN}
    assert hidden, "the demo has small cells"
    client = client_for(None)
    data = client.get("/stats.json").json()["documented"]
    rows = list(csv.reader(io.StringIO(client.get("/stats.csv").text)))
    by_table = {(r[1], r[0]): r[2] for r in rows[1:]}
    for table, counts in (
        ("status", exact.by_status),
        ("region", exact.by_region),
        ("month", exact.by_month),
    ):
        for key, n in counts.items():
            want = HIDDEN if (key, table) in hidden else str(n)
            assert data[f"by_{table}"][key] == want
            assert by_table[(key, table)] == want
            if (key, table) in hidden:
                assert n >= 0  # its exact value is never published
    assert data["persons"] == str(exact.persons)


def test_the_report_pdf_is_in_russian_with_the_published_estimates(
    client_for: Client, demo_instance: Instance, list_ids: list[int]
) -> None:
    analyst = client_for("analyst")
    token = csrf_of(analyst, "/stats/estimates")
    published = analyst.post(
        "/stats/estimates/publish",
        data={"csrf": token, "lists": list_ids[:2], "strata": "none", "method": "decomposable"},
    )
    assert published.status_code == 303, published.text
    response = client_for(None).get("/stats/report.pdf?lang=ru")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Публичные цифры и оценки" in text
    assert "Задокументированные числа" in text
    assert "Разложимые графические модели" in text
    assert "Лист А, Лист Б" in text
    assert "Методы" in text
    with transaction(demo_instance.sessions) as db:
        names = [n for n in db.scalars(select(Person.surname)) if len(n) > 3]
    assert not any(name in text for name in names)  # no personal data
    assert client_for(None).get("/stats/report.pdf?lang=xx").status_code == 422


def test_a_list_name_cannot_become_markup(client_for: Client, demo_instance: Instance) -> None:
    with transaction(demo_instance.sessions) as db:
        persons = list(db.scalars(select(Person).order_by(Person.id).limit(30)))
        a = a_list(db, "<script>alert(1)</script>", [(p, "automatic") for p in persons[:20]])
        b = a_list(db, "=HYPERLINK(1)", [(p, "automatic") for p in persons[10:]])
        ids = [b.id, a.id]  # the formula first: the CSV cell of the lists begins with it
        assert db.get(ImportedList, a.id) is not None
    analyst = client_for("analyst")
    page = analyst.get(f"/stats/estimates?lists={ids[0]}&lists={ids[1]}")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    token = csrf_of(analyst, "/stats/estimates")
    analyst.post(
        "/stats/estimates/publish",
        data={"csrf": token, "lists": ids, "strata": "none", "method": "loglinear"},
    )
    public = client_for(None)
    assert "<script>alert(1)</script>" not in public.get("/stats").text
    assert "'=HYPERLINK(1)" in public.get("/stats.csv").text


def test_the_estimates_page_says_its_problems_in_russian(
    client_for: Client, list_ids: list[int]
) -> None:
    analyst = client_for("analyst")
    ru = {"Accept-Language": "ru"}
    one = analyst.get(f"/stats/estimates?lists={list_ids[0]}", headers=ru)
    assert one.status_code == 422
    assert "выберите от 2 до 5 списков" in one.text
    query = "&".join(f"lists={i}" for i in list_ids)
    by_month = analyst.get(f"/stats/estimates?{query}&strata=month", headers=ru)
    assert by_month.status_code == 200
    assert "в одном из списков никого нет в этой страте" in by_month.text
    assert "для одной из страт нет оценки" in by_month.text
