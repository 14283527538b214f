"""One golden dossier: its pages rendered to PNG (pypdfium2) match the committed images.

Everything that varies is fixed: the snapshot is written here, the stamp has a fixed number,
instance and time, the thumbnail is drawn here. A layout change that is meant shows up as a
failure; look at the new pages (written to pytest's temporary folder, named in the failure)
and, if right, write them as the golden ones: ``KINTRACE_WRITE_GOLDEN=1 uv run pytest
tests/integration/dossier/test_golden.py``.
The comparison is tolerant (anti-aliasing may differ between FreeType builds): the mean
difference of grey levels and the share of clearly different pixels must stay small.
"""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from kintrace.dossier.images import thumbnail_png
from kintrace.dossier.pdf import render_pdf
from kintrace.dossier.snapshot import content_hash
from kintrace.dossier.stamp import Stamp
from pdf_pages import page_texts

GOLDEN = Path(__file__).parent / "golden"
PHOTO_SHA = "5" * 64


def photo() -> bytes:
    image = Image.new("RGB", (400, 300), (230, 230, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 360, 260), outline=(20, 60, 120), width=8)
    draw.ellipse((150, 90, 250, 190), fill=(180, 40, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def report(rid: int, claim: str, on: str, source: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": rid, "claim": claim, "observed_on": on, "place": extra.get("place", ""),
        "source": source, "source_type": kind, "grade": extra.get("grade", "B2"),
        "text": extra.get("text", ""), "retracts": extra.get("retracts"),
        "retracted_by": extra.get("retracted_by"), "recorded_at": f"{on}T12:00:00",
        "attachments": extra.get("attachments", []),
    }  # fmt: skip


SNAPSHOT: dict[str, Any] = {
    "format": "kintrace-dossier/1",
    "as_of": "2026-03-04",
    "viewer_role": "operator",
    "person": {
        "id": 17, "surname": "Шевчук", "given_name": "Андрій", "patronymic": "Миколайович",
        "sex": "male", "birth": "14.02.1991", "home_region": "Полтавська область",
        "unit": "в/ч А1234", "rank": "сержант", "personal_number": "ЖК-204518",
    },
    "requests": [
        {"id": 3, "filed_on": "2025-09-02", "inquirer": "Шевчук Галина Петрівна",
         "relationship": "mother", "channel": "walk_in", "state": "open",
         "last_contact_on": "2025-08-21"},
    ],
    "reports": [
        report(11, "missing", "2025-08-23", "Командир роти", "unit_commander",
               place="Покровськ", text="Не повернувся з бойового завдання."),
        report(12, "captured_reported", "2025-10-05", "Телеграм-канал", "video_other_side",
               grade="C3", text="Відео з полоненими, впізнаний матір'ю.",
               attachments=[{"sha256": PHOTO_SHA, "filename": "кадр.png",
                             "media_type": "image/png", "size": 48213}]),
        report(13, "captured_confirmed", "2026-01-15", "МКЧХ", "red_cross", grade="A1",
               text="Зареєстрований як військовополонений."),
    ],
    "official": [{"status": "missing", "since": "2025-09-10", "authority": "Міноборони"}],
    "assessment": {
        "status": "captured_confirmed", "since": "2026-01-15", "confidence": 0.93,
        "flags": ["official_disagrees"], "last_information_on": "2026-01-15",
        "days_since_last_information": 48, "court_date": "2026-07-15",
        "explanation": "Докази вказують на статус «у полоні (підтверджено)» з 15 січня 2026.",
    },
    "authority_requests": [
        {"id": 4, "kind": "pow_list_inclusion", "authority": "Координаційний штаб",
         "sent_on": "2026-01-20", "due_on": "2026-02-19", "replied_on": None, "reply": ""},
    ],
    "identifications": [],
}  # fmt: skip
STAMP = Stamp(
    "D-GOLDEN2345",
    "6b1f0c1e-8a52-4d4e-9d3c-2f7b5e0a9c11",
    datetime(2026, 3, 4, 9, 30, 0),
    content_hash(SNAPSHOT),
)


def pages() -> tuple[bytes, list[Image.Image]]:
    thumb = thumbnail_png(photo())
    assert thumb is not None
    data = render_pdf(SNAPSHOT, STAMP, "uk", thumbnails={PHOTO_SHA: thumb})
    document = pdfium.PdfDocument(data)
    try:
        images = [document[i].render(scale=1.0).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()
    return data, images


def test_the_golden_dossier_reads_right_page_by_page() -> None:
    data, _ = pages()
    texts = page_texts(data)
    assert "Шевчук Андрій Миколайович" in texts[0]
    for text in texts:
        assert "D-GOLDEN2345" in text and STAMP.content_sha256 in text.replace(" ", "")
    assert data == pages()[0]  # the same snapshot and stamp give the same bytes


def test_the_golden_dossier_looks_as_it_did(tmp_path: Path) -> None:
    _, images = pages()
    if os.environ.get("KINTRACE_WRITE_GOLDEN") == "1":
        for old in GOLDEN.glob("dossier-page-*.png"):
            old.unlink()
        for number, image in enumerate(images, start=1):
            image.save(GOLDEN / f"dossier-page-{number}.png", optimize=True)
    golden = sorted(GOLDEN.glob("dossier-page-*[0-9].png"))
    assert len(golden) == len(images), "the dossier has a different number of pages"
    for path, image in zip(golden, images, strict=True):
        expected = np.asarray(Image.open(path).convert("L"), dtype=np.int16)
        got = np.asarray(image, dtype=np.int16)
        if expected.shape != got.shape or (
            np.abs(expected - got).mean() > 1.5 or (np.abs(expected - got) > 96).mean() > 0.004
        ):
            image.save(tmp_path / path.name)
            raise AssertionError(f"{path.name} differs; the page now: {tmp_path / path.name}")
