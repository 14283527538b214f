"""Case dossiers: seconds to make one (snapshot, chart, PDF, record) and to verify it.

    uv run python benchmarks/bench_dossier.py [REPORTS ...]

For each count of reports (default 20 and 200) a person with that many reports, a tracing
request, an official status and an image attachment is stored in a new SQLite instance; the
dossier is made three times in Russian (the first run pays the imports of fpdf2, matplotlib
and Pillow) and verified, once unaltered and once with one byte changed. Prints the seconds of
each run, the PDF's size and its pages.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from kintrace.access import SYSTEM
from kintrace.cases.dates import PartialDate, Precision
from kintrace.cases.model import (
    Channel,
    InquirerDetails,
    PersonDetails,
    Relationship,
    RequestDetails,
)
from kintrace.cases.service import add_person, file_request, get_or_create_region
from kintrace.config import Settings
from kintrace.dossier.service import make_dossier, verify_dossier
from kintrace.instance import open_instance
from kintrace.reports.model import ReportDetails, SourceDetails, SourceType
from kintrace.reports.service import attach_file, get_or_create_source, record_report
from kintrace.storage.db import transaction

CLAIMS = ("missing", "captured_reported", "wounded", "captured_confirmed")


def build(folder: Path, reports: int) -> tuple[Settings, int]:
    settings = Settings(data_dir=folder, secret_key="b" * 40)
    with open_instance(settings) as instance, transaction(instance.sessions) as session:
        session.info["reason"] = "benchmark"
        details = PersonDetails(
            "Шевчук", "Андрій", "Миколайович", birth=PartialDate(1991, 2, 14, Precision.DAY)
        )
        person = add_person(
            session, details, region=get_or_create_region(session, "Полтавська"), actor_id=None
        )
        file_request(
            session,
            person=person,
            inquirer=InquirerDetails("Шевчук Галина", Relationship.MOTHER, "", "", frozenset()),
            request=RequestDetails(date(2025, 9, 2), Channel.WALK_IN, "", ""),
            actor_id=None,
        )
        source = get_or_create_source(
            session, SourceDetails("Командир роти", SourceType.UNIT_COMMANDER)
        )
        first = None
        for i in range(reports):
            on = date(2024, 1, 1) + timedelta(days=3 * i)
            row = record_report(
                session,
                person=person,
                source=source,
                details=ReportDetails(CLAIMS[i % 4], on, 3, f"Повідомлення {i}", "", None),
                actor_id=None,
            )
            first = first or row
        picture = io.BytesIO()
        Image.new("RGB", (1600, 1200), (120, 30, 30)).save(picture, format="JPEG")
        assert first is not None
        attach_file(
            session, instance.files, report=first, data=picture.getvalue(), filename="кадр.jpg"
        )
        return settings, person.id


def main(counts: list[int]) -> None:
    for reports in counts:
        with tempfile.TemporaryDirectory() as folder:
            settings, person = build(Path(folder), reports)
            with open_instance(settings) as instance:
                for run in range(3):
                    with transaction(instance.sessions) as session:
                        start = time.perf_counter()
                        made = make_dossier(
                            session,
                            SYSTEM,
                            person,
                            lang="ru",
                            settings=settings,
                            files=instance.files,
                        )
                        took = time.perf_counter() - start
                    pages = len(PdfReader(io.BytesIO(made.pdf)).pages)
                    print(
                        f"{reports} reports, run {run + 1}: made in {took:.2f} s, "
                        f"{len(made.pdf) / 1024:.0f} KiB, {pages} pages"
                    )
                altered = bytearray(made.pdf)
                altered[len(altered) // 2] ^= 1
                for name, data in (("unaltered", made.pdf), ("one byte changed", bytes(altered))):
                    with transaction(instance.sessions) as session:
                        start = time.perf_counter()
                        result = verify_dossier(session, data, viewer=SYSTEM, settings=settings)
                        took = time.perf_counter() - start
                    print(
                        f"{reports} reports, verify {name}: {result.verdict.value} in {took:.3f} s"
                    )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20, 200])
