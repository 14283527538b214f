"""Lists become evidence (issue 18): import with source and date, link, export; on both engines.

A prisoner list imported with its publisher and publication date and linked with
``kintrace link --list`` makes a report on every linked person, from that source, graded by
its reliability, and their assessed statuses change; a second import of the same bytes writes
nothing; ``--dry-run`` writes nothing and says what the real run then does.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from kintrace.cli.main import app
from kintrace.storage.db import make_engine, migrate
from kintrace.storage.tables import (
    Assessment,
    ImportedList,
    LinkCandidate,
    ListRecord,
    Person,
    Report,
    Source,
)

REGISTRY = (
    "id,surname,given_name,patronymic,sex,birth_date,region,unit,rank\n"
    "1,Петров,Александр,Иванович,m,03.05.1998,Курская область,в/ч 12345,рядовой\n"
    "2,Коваленко,Сергей,Андреевич,m,14.03.1990,Белгородская область,в/ч 54321,сержант\n"
    "3,Сидоров,Олег,Петрович,m,21.11.1985,Брянская область,в/ч 11111,рядовой\n"
    "4,Мельник,Павел,Юрьевич,m,30.01.1994,Курская область,в/ч 22222,ефрейтор\n"
    "5,Иванов,Сергей,Петрович,m,02.07.1987,Орловская область,в/ч 33333,рядовой\n"
)
PRISONERS = (
    "id,surname,given_name,patronymic,birth_date,unit,report_date\n"
    "p1,Петров,Александр,Иванович,03.05.1998,в/ч 12345,\n"
    "p2,Коваленко,Сергей,Андреевич,14.03.1990,в/ч 54321,2026-09-15\n"
    "p3,Гончаренко,Виталий,Олегович,1979,,\n"
)
PUBLISHER = "Ministry of Defence (other side)"
PUBLISHED = "2026-10-01"


def kintrace(runner: CliRunner, url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--database", url])
    return result.exit_code, result.stdout, result.stderr


def with_registry(runner: CliRunner, tmp_path: Path, url: str) -> None:
    registry = tmp_path / "registry.csv"
    registry.write_text(REGISTRY, encoding="utf-8")
    code, _, err = kintrace(runner, url, "import", str(registry), "--list", "r", "--persons")
    assert code == 0, err


def import_args(path: Path, name: str = "pow-1", kind: str = "prisoner_list") -> list[str]:
    return ["import", str(path), "--list", name, "--kind", kind, "--source", PUBLISHER,
            "--published", PUBLISHED]  # fmt: skip


def written(url: str) -> dict[str, int]:
    engine = make_engine(url)
    migrate(engine)
    try:
        with engine.connect() as conn:
            return {
                table.__tablename__: conn.scalar(select(func.count()).select_from(table)) or 0
                for table in (ImportedList, ListRecord, LinkCandidate, Report, Source, Assessment)
            }
    finally:
        engine.dispose()


def reports_by_surname(url: str) -> dict[str, list[tuple[str, str, date, str, int]]]:
    """Each person's reports: (claim, source name, observed on, reliability, credibility)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    Person.surname,
                    Report.claim,
                    Source.name,
                    Report.observed_on,
                    Report.reliability,
                    Report.credibility,
                )
                .join(Report, Report.person_id == Person.id)
                .join(Source, Source.id == Report.source_id)
                .order_by(Report.id)
            ).all()
    finally:
        engine.dispose()
    found: dict[str, list[tuple[str, str, date, str, int]]] = {}
    for surname, *rest in rows:
        found.setdefault(surname, []).append(tuple(rest))  # type: ignore[arg-type]
    return found


def exported(runner: CliRunner, tmp_path: Path, url: str) -> dict[str, str]:
    out = tmp_path / "persons.csv"
    code, _, err = kintrace(runner, url, "export", str(out))
    assert code == 0, err
    with out.open(encoding="utf-8", newline="") as handle:
        return {row["surname"]: row["assessed_status"] for row in csv.DictReader(handle)}


def test_a_prisoner_list_linked_moves_the_linked_persons_to_captured(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    with_registry(runner, tmp_path, database_url)
    pow_list = tmp_path / "pow.csv"
    pow_list.write_text(PRISONERS, encoding="utf-8")
    code, out, err = kintrace(runner, database_url, *import_args(pow_list), "--json")
    assert code == 0, err
    assert json.loads(out) == {
        "list": "pow-1", "list_id": 2, "rows": 3, "persons_created": 0,
        "kind": "prisoner_list", "source": PUBLISHER, "published": PUBLISHED,
    }  # fmt: skip
    code, out, err = kintrace(runner, database_url, "link", "--list", "pow-1", "--json")
    assert code == 0, err
    figures = json.loads(out)
    assert (figures["automatic"], figures["unmatched"]) == (2, 1)
    assert (figures["reports"], figures["statuses_changed"]) == (2, 2)
    # the prisoner list's source type grades C until an analyst grades the publisher;
    # a row without a report date is dated by the list's publication
    assert reports_by_surname(database_url) == {
        "Петров": [("captured_reported", PUBLISHER, date(2026, 10, 1), "C", 2)],
        "Коваленко": [("captured_reported", PUBLISHER, date(2026, 9, 15), "C", 2)],
    }
    statuses = exported(runner, tmp_path, database_url)
    assert statuses["Петров"] == statuses["Коваленко"] == "captured_reported"
    assert statuses["Сидоров"] == ""  # nobody's list row: no assessment was made for him
    again, out, err = kintrace(runner, database_url, "link", "--list", "pow-1", "--json")
    assert again == 0, err
    assert json.loads(out)["reports"] == 0  # a decided pair is not linked twice
    assert len(reports_by_surname(database_url)["Петров"]) == 1


def test_the_same_content_again_writes_nothing_and_names_the_list_holding_it(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    first, copy = tmp_path / "pow.csv", tmp_path / "renamed copy.csv"
    first.write_text(PRISONERS, encoding="utf-8")
    copy.write_bytes(first.read_bytes())
    assert kintrace(runner, database_url, *import_args(first))[0] == 0
    before = written(database_url)
    code, out, err = kintrace(runner, database_url, *import_args(copy, name="pow-again"))
    assert code == 0, err
    assert "pow-1" in out and "nothing written" in out
    code, out, _ = kintrace(runner, database_url, *import_args(copy, name="x"), "--json")
    assert code == 0
    assert json.loads(out)["imported_as"] == "pow-1" and json.loads(out)["rows"] == 0
    assert written(database_url) == before


def test_a_dry_run_writes_nothing_and_says_what_the_real_run_then_does(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    with_registry(runner, tmp_path, database_url)
    pow_list = tmp_path / "pow.csv"
    pow_list.write_text(PRISONERS, encoding="utf-8")
    before = written(database_url)
    code, out, err = kintrace(runner, database_url, *import_args(pow_list), "--dry-run", "--json")
    assert code == 0, err
    preview = json.loads(out)
    assert written(database_url) == before
    code, text_out, err = kintrace(runner, database_url, *import_args(pow_list), "--dry-run")
    assert code == 0 and "nothing written" in text_out and "2 automatically" in text_out
    assert written(database_url) == before
    code, out, err = kintrace(runner, database_url, *import_args(pow_list), "--json")
    assert code == 0, err
    assert json.loads(out)["rows"] == preview["rows"] == 3
    code, out, err = kintrace(runner, database_url, "link", "--list", "pow-1", "--json")
    assert code == 0, err
    run = json.loads(out)
    assert preview["linked"] == run["automatic"] == 2
    assert preview["queued"] == run["review"]
    assert preview["created"] == 0
    for key in ("unmatched", "duplicates", "reports", "statuses_changed"):
        assert preview[key] == run[key], key


def test_each_kind_makes_its_claim(runner: CliRunner, tmp_path: Path, database_url: str) -> None:
    with_registry(runner, tmp_path, database_url)
    claims = {
        "exchange_list": "returned",
        "hospital_list": "wounded",
        "casualty_list": "dead_unrecovered",
        "repatriated_remains": "remains_recovered",
        "prisoner_list": "captured_reported",
    }
    header, *rows = PRISONERS.splitlines()
    for n, kind in enumerate(claims):
        path = tmp_path / f"{kind}.csv"
        # one row per list, each list its own content; the row's date orders the claims
        row = rows[0].removesuffix(",") + f",2026-0{n + 1}-10"
        path.write_text(f"{header}\n{row}\n", encoding="utf-8")
        assert kintrace(runner, database_url, *import_args(path, kind, kind))[0] == 0
        code, out, err = kintrace(runner, database_url, "link", "--list", kind, "--json")
        assert code == 0, err
        assert json.loads(out)["reports"] == 1
    made = [claim for claim, *_ in reports_by_surname(database_url)["Петров"]]
    assert made == list(claims.values())


def test_a_list_claiming_nothing_makes_no_report(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    with_registry(runner, tmp_path, database_url)
    path = tmp_path / "other.csv"
    path.write_text(PRISONERS, encoding="utf-8")
    assert kintrace(runner, database_url, "import", str(path), "--list", "o")[0] == 0
    code, out, err = kintrace(runner, database_url, "link", "--list", "o", "--lower", "0.6",
                              "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["automatic"] == 2 and json.loads(out)["reports"] == 0
    assert reports_by_surname(database_url) == {}


def test_a_publishers_column_mapping_is_used_for_its_next_list(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    with_registry(runner, tmp_path, database_url)
    theirs = "No,Фамилия,Имя,Отчество,Дата рождения\n"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(theirs + "1,Петров,Александр,Иванович,03.05.1998\n", encoding="utf-8")
    second.write_text(theirs + "1,Коваленко,Сергей,Андреевич,14.03.1990\n", encoding="utf-8")
    mapping = "id=No,surname=Фамилия,given_name=Имя,patronymic=Отчество,birth_date=Дата рождения"
    assert kintrace(runner, database_url, *import_args(first), "--columns", mapping)[0] == 0
    code, _, err = kintrace(runner, database_url, *import_args(second, name="pow-2"))
    assert code == 0, err
    assert "mapping saved" in err
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            births = conn.execute(
                select(ListRecord.surname, ListRecord.birth_year).order_by(ListRecord.id)
            ).all()
    finally:
        engine.dispose()
    assert [tuple(b) for b in births][-2:] == [("Петров", 1998), ("Коваленко", 1990)]


def test_a_bad_publication_date_is_one_clear_error_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "pow.csv"
    path.write_text(PRISONERS, encoding="utf-8")
    args = import_args(path)
    for bad in ("01.10.2026", "2999-01-01"):
        args[-1] = bad
        code, _, err = kintrace(runner, database_url, *args)
        assert code == 2
        assert "published" in err
    assert written(database_url)["lists"] == 0
