"""PFIF 1.4 export and import through the command line, on SQLite and PostgreSQL (issue 18).

An instance with three persons (one whose mother consented to the Red Cross, one whose
mother consented to nothing, one nobody asked about) exports only the first, with his
mother's request, the reports that stand and his assessed status as notes; the file is valid
under the PFIF 1.4 schema; imported into an empty instance every person and note is kept, and
that instance exports them again under their own ids; a second import of the same file writes
nothing; an incremental export carries only what changed; broken files write nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from db_builders import a_person, a_report, a_request
from kintrace.access import Role, Viewer
from kintrace.cases.model import Channel, InquirerDetails, Relationship, RequestDetails
from kintrace.cases.service import file_request
from kintrace.cli.pfif import pfif_app
from kintrace.config import Settings
from kintrace.exchange.pfif import PfifDocument, parse_pfif
from kintrace.instance import Instance, open_instance
from kintrace.linkage.service import link_list
from kintrace.lists.evidence import recompute_persons
from kintrace.reports.model import ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import file_report
from kintrace.storage.audit import set_actor
from kintrace.storage.db import transaction
from kintrace.storage.tables import (
    CaseView,
    ConsentChange,
    ImportedList,
    Inquirer,
    LinkCandidate,
    ListRecord,
    Person,
    Report,
    Source,
)
from kintrace.users.service import create_user
from pfif_schema import schema_problems

app = typer.Typer()
app.add_typer(pfif_app, name="pfif")


@app.callback()
def _root() -> None:
    """kintrace, only the pfif commands."""


def kintrace(runner: CliRunner, url: str, data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--database", url, "--data-dir", str(data_dir)])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def instance_a(database_url: str, tmp_path: Path) -> Iterator[tuple[Instance, Path]]:
    data_dir = tmp_path / "a"
    settings = Settings(database_url=database_url, data_dir=data_dir)
    with open_instance(settings) as instance:
        with transaction(instance.sessions) as db:
            set_actor(db, actor_id=None, reason="test data")
            consented = a_person(db, "Петров")
            a_request(db, consented)
            a_report(db, consented, "missing", date(2022, 9, 18))
            a_report(
                db,
                consented,
                "captured_reported",
                date(2022, 10, 2),
                SourceType.POW_LIST_OTHER_SIDE,
            )
            wrong = a_report(
                db, consented, "dead_unrecovered", date(2022, 10, 5), SourceType.COMRADE
            )
            a_report(
                db,
                consented,
                "retraction",
                date(2022, 10, 6),
                SourceType.COMRADE,
                retracts=wrong.id,
            )
            refused = a_person(db, "Коваленко")
            file_request(
                db,
                person=refused,
                inquirer=InquirerDetails("Коваленко Ольга", Relationship.MOTHER, "+380 1", ""),
                request=RequestDetails(date(2023, 2, 1), Channel.PHONE),
                actor_id=None,
            )
            a_report(db, refused, "missing")
            a_person(db, "Сидоров")  # nobody asked: known from lists, he goes
            withdrawn = a_person(db, "Мельник")
            a_request(db, withdrawn)  # consented to the Red Cross, then withdrew it
            db.add(
                ConsentChange(
                    inquirer_id=db.scalars(
                        select(Inquirer.id).order_by(Inquirer.id.desc())
                    ).first(),
                    scopes="authorities",
                    changed_at=datetime.now(),
                    changed_by=None,
                )
            )
            recompute_persons(
                db,
                [p.id for p in db.scalars(select(Person))],
                today=date(2026, 1, 1),
                settings=settings,
                reason="test",
            )
        yield instance, data_dir


def exported(path: Path) -> PfifDocument:
    data = path.read_bytes()
    assert schema_problems(data) == []
    return parse_pfif(data, str(path))


CONTACTS = ("author_email", "author_phone")
"""Kept by the partner that holds them: an imported note keeps no author's contact details."""


def note_map(document: PfifDocument) -> dict[str, dict[str, str]]:
    return {
        n.get("note_record_id"): {
            k: v for k, v in n.values.items() if k != "entry_date" and k not in CONTACTS
        }
        for n in document.all_notes()
    }


def test_export_carries_only_consented_persons_and_standing_reports(
    instance_a: tuple[Instance, Path], database_url: str, tmp_path: Path
) -> None:
    _, data_dir = instance_a
    out = tmp_path / "out.xml"
    code, stdout, err = kintrace(
        CliRunner(), database_url, data_dir, "pfif", "export", str(out), "--json"
    )
    assert code == 0, err
    figures = json.loads(stdout)
    # Петров (request, 3 standing reports... the withdrawn one gone, assessment), Сидоров
    # (assessment); Коваленко's mother consented to nothing, Мельник's withdrew her consent
    assert (figures["persons"], figures["notes"], figures["withheld_without_consent"]) == (2, 5, 2)
    document = exported(out)
    assert sorted(p.get("family_name") for p in document.persons) == ["Петров", "Сидоров"]
    person = next(p for p in document.persons if p.get("family_name") == "Петров")
    assert len(person.notes) == 4
    assert person.get("family_name") == "Петров"
    assert person.get("given_name") == "Александр Иванович"
    assert person.get("date_of_birth") == "1998-05-03"
    assert person.get("person_record_id") == f"{figures['domain']}/person.1"
    statuses = sorted(n.get("status") for n in person.notes)
    # the request, missing, captured (alive) and the assessment; the withdrawn death is gone
    assert statuses.count("believed_dead") == 0
    assert "information_sought" in statuses
    assert statuses.count("believed_missing") >= 1 and "believed_alive" in statuses
    request = next(n for n in person.notes if n.get("status") == "information_sought")
    assert request.get("author_name") == "Петрова Мария Ивановна"
    assert request.get("author_phone") == "+7 555 010-20-30"
    text = out.read_text(encoding="utf-8")
    assert "Коваленко" not in text and "Мельник" not in text
    # each exported case, and only those, logs the export, as the page's download does
    instance, _ = instance_a
    with instance.sessions() as db:
        logged = db.execute(
            select(Person.surname, CaseView.action, CaseView.what).join(
                Person, Person.id == CaseView.person_id
            )
        ).all()
    assert sorted(logged) == [
        ("Петров", "export", "pfif_export_red_cross"),
        ("Сидоров", "export", "pfif_export_red_cross"),
    ]


def test_round_trip_into_an_empty_instance_keeps_every_person_and_note(
    instance_a: tuple[Instance, Path], new_database: object, database_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    _, data_dir = instance_a
    out = tmp_path / "a.xml"
    assert kintrace(runner, database_url, data_dir, "pfif", "export", str(out))[0] == 0
    sent = exported(out)
    engine = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    url_b = new_database(engine)  # type: ignore[operator]
    dir_b = tmp_path / "b"
    code, stdout, err = kintrace(runner, url_b, dir_b, "pfif", "import", str(out), "--json")
    assert code == 0, err
    figures = json.loads(stdout)
    assert figures["persons_created"] == len(sent.persons) == 2
    assert figures["notes_imported"] == len(sent.all_notes()) == 5
    with open_instance(Settings(database_url=url_b, data_dir=dir_b)) as b:
        with b.sessions() as db:
            person = db.scalars(select(Person).where(Person.surname == "Петров")).one()
            assert (person.surname, person.given_name, person.patronymic) == (
                "Петров",
                "Александр",
                "Иванович",
            )
            assert (person.unit, person.rank, person.birth_year) == ("в/ч 12345", "рядовой", 1998)
            reports = list(db.scalars(select(Report)))
            assert len(reports) == 5
            assert {r.reliability + str(r.credibility) for r in reports} == {"F6"}
            assert {s.type for s in db.scalars(select(Source))} == {"social_media"}
            assert set(db.scalars(select(ListRecord.record_id))) == {
                p.get("person_record_id") for p in sent.persons
            }
        # a relative in B asks too and consents: B sends the records back under their own ids
        with transaction(b.sessions) as db:
            set_actor(db, actor_id=None, reason="test")
            a_request(db, person)
    again = tmp_path / "b.xml"
    assert kintrace(runner, url_b, dir_b, "pfif", "export", str(again))[0] == 0
    back = exported(again)
    returned = {p.get("person_record_id"): p for p in back.persons}
    for original in sent.persons:
        copy = returned[original.get("person_record_id")]
        assert {k: v for k, v in copy.values.items() if k != "entry_date"} == {
            k: v for k, v in original.values.items() if k != "entry_date"
        }
    sent_notes, back_notes = note_map(sent), note_map(back)
    assert {k: back_notes[k] for k in sent_notes} == sent_notes  # every note, as it was sent
    copies = [n for n in back.all_notes() if n.get("note_record_id") in sent_notes]
    assert not any(n.get(k) for n in copies for k in CONTACTS)
    # importing B's file into A finds A's own person and knows A's notes: nothing doubled
    code, stdout, err = kintrace(
        runner, database_url, data_dir, "pfif", "import", str(again), "--json"
    )
    assert code == 0, err
    figures = json.loads(stdout)
    assert figures["persons_created"] == 0 and figures["persons_found"] == 2
    assert figures["notes_known"] == 5  # A's own
    assert figures["notes_imported"] == len(back.all_notes()) - 5 == 3  # B's request, statuses


def test_same_file_twice_writes_nothing(
    instance_a: tuple[Instance, Path], database_url: str, new_database: object, tmp_path: Path
) -> None:
    runner = CliRunner()
    _, data_dir = instance_a
    out = tmp_path / "a.xml"
    assert kintrace(runner, database_url, data_dir, "pfif", "export", str(out))[0] == 0
    engine = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    url_b, dir_b = new_database(engine), tmp_path / "b"  # type: ignore[operator]
    assert kintrace(runner, url_b, dir_b, "pfif", "import", str(out))[0] == 0
    code, stdout, _ = kintrace(runner, url_b, dir_b, "pfif", "import", str(out))
    assert code == 0 and "imported already" in stdout
    with open_instance(Settings(database_url=url_b, data_dir=dir_b)) as b, b.sessions() as db:
        assert db.scalar(select(func.count()).select_from(ImportedList)) == 1
        assert db.scalar(select(func.count()).select_from(Report)) == 5


def test_incremental_export_carries_only_what_changed(
    instance_a: tuple[Instance, Path], database_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    instance, data_dir = instance_a
    time.sleep(1.1)  # PFIF times are whole seconds: the setup lies before the stamp
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)
    out = tmp_path / "none.xml"
    code, stdout, err = kintrace(
        runner, database_url, data_dir, "pfif", "export", str(out), "--since", stamp, "--json"
    )
    assert code == 0, err
    assert json.loads(stdout)["persons"] == 0
    assert exported(out).persons == ()
    with transaction(instance.sessions) as db:
        set_actor(db, actor_id=None, reason="test")
        petrov = db.scalars(select(Person).where(Person.surname == "Петров")).one()
        report = a_report(db, petrov, "wounded", date(2022, 11, 1), SourceType.HOSPITAL_RECORD)
    out = tmp_path / "new.xml"
    code, stdout, err = kintrace(
        runner, database_url, data_dir, "pfif", "export", str(out), "--since", stamp
    )
    assert code == 0, err
    [person] = exported(out).persons
    assert [n.get("note_record_id").rsplit("/", 1)[1] for n in person.notes] == [
        f"report.{report.id}"
    ]
    with transaction(instance.sessions) as db:  # an edit of a person's details (audited)
        set_actor(db, actor_id=None, reason="unit corrected")
        db.scalars(select(Person).where(Person.surname == "Сидоров")).one().unit = "в/ч 54321"
    code, _, err = kintrace(
        runner, database_url, data_dir, "pfif", "export", str(out), "--since", stamp
    )
    assert code == 0, err
    edited = {p.get("family_name"): p for p in exported(out).persons}
    assert sorted(edited) == ["Петров", "Сидоров"]
    assert edited["Сидоров"].notes == ()
    assert "Unit: в/ч 54321" in edited["Сидоров"].get("description")
    bad = kintrace(
        runner, database_url, data_dir, "pfif", "export", str(out), "--since", "yesterday"
    )
    assert bad[0] == 2 and "--since" in bad[2]


BROKEN = {
    "not_xml": (b"<pfif xmlns='http://zesty.ca/pfif/1.4'><person>", "line 1"),
    "entity": (
        b'<?xml version="1.0"?>\n<!DOCTYPE pfif [<!ENTITY a "aaaa">]>\n'
        b"<pfif xmlns='http://zesty.ca/pfif/1.4'>&a;</pfif>",
        "line 2",
    ),
    "external": (
        b'<?xml version="1.0"?>\n<!DOCTYPE pfif SYSTEM "file:///etc/passwd">\n<pfif/>',
        "line 2",
    ),
    "old_version": (b"<pfif xmlns='http://zesty.ca/pfif/1.3'/>", "PFIF 1.4"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_file_is_one_clear_error_and_writes_nothing(
    case: str, database_url: str, tmp_path: Path
) -> None:
    data, where = BROKEN[case]
    path = tmp_path / f"{case}.xml"
    path.write_bytes(data)
    code, _, err = kintrace(CliRunner(), database_url, tmp_path / "d", "pfif", "import", str(path))
    assert code == 2
    assert str(path) in err and where in err
    settings = Settings(database_url=database_url, data_dir=tmp_path / "d")
    with open_instance(settings) as i, i.sessions() as db:
        assert db.scalar(select(func.count()).select_from(ImportedList)) == 0


def test_a_bad_record_among_good_ones_writes_nothing(database_url: str, tmp_path: Path) -> None:
    good = (
        "<pfif:person><pfif:person_record_id>p.org/1</pfif:person_record_id>"
        "<pfif:source_date>2023-01-01T00:00:00Z</pfif:source_date>"
        "<pfif:full_name>Иванов Сергей Петрович</pfif:full_name></pfif:person>"
    )
    bad_note = (
        "<pfif:note><pfif:note_record_id>p.org/n1</pfif:note_record_id>"
        "<pfif:person_record_id>p.org/1</pfif:person_record_id>"
        "<pfif:author_name>Anna</pfif:author_name>"
        "<pfif:source_date>2099-01-01T00:00:00Z</pfif:source_date>"
        "<pfif:status>believed_alive</pfif:status><pfif:text>seen</pfif:text></pfif:note>"
    )
    path = tmp_path / "bad.xml"
    path.write_text(
        f"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'>\n{good}\n{bad_note}\n</pfif:pfif>",
        encoding="utf-8",
    )
    code, _, err = kintrace(CliRunner(), database_url, tmp_path / "d", "pfif", "import", str(path))
    assert code == 2 and "line 3" in err and "future" in err
    settings = Settings(database_url=database_url, data_dir=tmp_path / "d")
    with open_instance(settings) as i, i.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Person)) == 0


def test_linking_the_imported_list_proposes_the_recorded_duplicate(
    instance_a: tuple[Instance, Path], database_url: str, new_database: object, tmp_path: Path
) -> None:
    runner = CliRunner()
    _, data_dir = instance_a
    out = tmp_path / "a.xml"
    assert kintrace(runner, database_url, data_dir, "pfif", "export", str(out))[0] == 0
    engine = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    url_c, dir_c = new_database(engine), tmp_path / "c"  # type: ignore[operator]
    settings = Settings(database_url=url_c, data_dir=dir_c)
    with open_instance(settings) as c:
        with transaction(c.sessions) as db:
            set_actor(db, actor_id=None, reason="test")
            recorded = a_person(db, "Петров").id  # the same man, recorded here before
        assert kintrace(runner, url_c, dir_c, "pfif", "import", str(out), "--list", "A")[0] == 0
        with transaction(c.sessions) as db:
            set_actor(db, actor_id=None, reason="test")
            link_list(db, list_name="A", status_settings=settings)
        with c.sessions() as db:
            new = db.scalars(
                select(Person.id).where(Person.surname == "Петров", Person.id != recorded)
            ).one()
            pairs = {
                (x.person_id, x.other_person_id)
                for x in db.scalars(select(LinkCandidate).where(LinkCandidate.state == "pending"))
            }
            assert (recorded, new) in pairs
            assert db.scalar(select(func.count()).select_from(Person)) == 3


def test_a_relatives_own_report_goes_only_with_that_relatives_consent(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url, data_dir=tmp_path / "d")
    with open_instance(settings) as instance:
        with transaction(instance.sessions) as db:
            set_actor(db, actor_id=None, reason="test data")
            person = a_person(db, "Петров")
            a_request(db, person)  # his mother consents to the Red Cross
            father = create_user(
                db, username="father", password="x" * 12, role=Role.RELATIVE, display_name="Отец"
            )
            file_request(
                db,
                person=person,
                inquirer=InquirerDetails(
                    "Петров Иван", Relationship.FATHER, "+7 1", "", frozenset()
                ),
                request=RequestDetails(date(2023, 1, 6), Channel.WEB),
                actor_id=father.id,
                user_id=father.id,
            )
            viewer = Viewer(father.id, Role.RELATIVE, display_name="Отец")
            said = file_report(
                db,
                viewer,
                person=person,
                said_by=SourceDetails("comrade", SourceType.COMRADE),
                details=ReportDetails("captured_reported", date(2023, 1, 7), 6, "a call"),
            )
            staff = a_report(db, person, "missing")
        out = tmp_path / "out.xml"
        code, _, err = kintrace(
            CliRunner(), database_url, tmp_path / "d", "pfif", "export", str(out)
        )
        assert code == 0, err
        [sent] = exported(out).persons
        ids = {n.get("note_record_id").rsplit("/", 1)[1] for n in sent.notes}
        assert f"report.{staff.id}" in ids  # not a relative's to withhold
        assert f"report.{said.id}" not in ids  # the father consented to nothing
        assert "Петров Иван" not in out.read_text(encoding="utf-8")
