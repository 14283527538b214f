"""A case dossier as a PDF: fpdf2, DejaVu fonts (Cyrillic), the stamp on every page.

The layout only: what is said comes from the snapshot (:mod:`kintrace.dossier.snapshot`), the
labels from the catalogues (:mod:`kintrace.dossier.words`). The stamp
(:mod:`kintrace.dossier.stamp`) is printed in every page's footer and written into the PDF's
``/Subject``; the creation date is the stamp's time, so the same snapshot, stamp and language
give the same bytes. This module imports fpdf2: import it only when a PDF is written.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, date
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from kintrace.dossier.chart import has_timeline, timeline_png
from kintrace.dossier.stamp import Stamp
from kintrace.dossier.words import (
    ANOTHER_RELATIVE,
    CHANNEL_LABELS,
    CONCLUSION_LABELS,
    FLAG_LABELS,
    RELATIONSHIP_LABELS,
    REQUEST_KIND_LABELS,
    SEX_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    label,
    translator,
)
from kintrace.reporting.fonts import FAMILY, MONO, output_bytes, setup_pdf
from kintrace.translation import short_date

WIDTH = 170.0
"""Width of the text on an A4 page with 20 mm margins, in millimetres."""


def _day(value: str | None, lang: str) -> str:
    return short_date(date.fromisoformat(value), lang) if value else "—"


class _Pages(FPDF):
    """A4 pages whose footer carries the dossier's stamp."""

    def __init__(self, footer_lines: tuple[str, str]) -> None:
        super().__init__(format="A4")
        self.footer_lines = footer_lines

    def footer(self) -> None:
        self.set_y(-16)
        self.set_font(FAMILY, size=7)
        self.set_text_color(90, 90, 90)
        first, second = self.footer_lines
        self.cell(0, 3.5, f"{first} · {self.page_no()}/{{nb}}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(MONO, size=6.5)
        self.cell(0, 3.5, second, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)


class _Writer:
    def __init__(self, pdf: _Pages, lang: str) -> None:
        self.pdf = pdf
        self.lang = lang
        self._ = translator(lang)

    def heading(self, text: str) -> None:
        if self.pdf.get_y() > 250:
            self.pdf.add_page()
        self.pdf.ln(2)
        self.pdf.set_font(FAMILY, style="B", size=12)
        self.pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)
        self.pdf.set_font(FAMILY, size=9)

    def paragraph(self, text: str, *, size: float = 9, italic: bool = False) -> None:
        self.pdf.set_font(FAMILY, style="I" if italic else "", size=size)
        self.pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1.5)
        self.pdf.set_font(FAMILY, size=9)

    def pairs(
        self, rows: Sequence[tuple[str, str]], widths: tuple[float, float] = (55, 115)
    ) -> None:
        self.table([list(r) for r in rows if r[1]], widths, header=False)

    def table(
        self,
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        header: bool = True,
        size: float = 8.5,
        mono_column: int | None = None,
    ) -> None:
        if len(rows) <= (1 if header else 0):
            return
        self.pdf.set_font(FAMILY, size=size)
        with self.pdf.table(
            col_widths=tuple(widths),
            width=sum(widths),
            align="LEFT",
            text_align="LEFT",
            first_row_as_headings=header,
            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
            line_height=size * 0.5,
            padding=0.8,
        ) as table:
            for index, row in enumerate(rows):
                cells = table.row()
                for column, value in enumerate(row):
                    mono = column == mono_column and not (header and index == 0)
                    style = FontFace(family=MONO, size_pt=size - 1.5) if mono else None
                    cells.cell(value, style=style)
        self.pdf.ln(2)


def _status_section(w: _Writer, snapshot: dict[str, Any]) -> None:
    _, lang = w._, w.lang
    assessed = snapshot["assessment"]
    official = snapshot["official"][-1] if snapshot["official"] else None
    w.heading(_("Status"))
    w.table(
        [
            ["", _("Assessed status"), _("Official status")],
            [
                _("Status"),
                label(STATUS_LABELS, assessed["status"], lang),
                label(STATUS_LABELS, official["status"], lang) if official else "—",
            ],
            [
                _("Since"),
                _day(assessed["since"], lang),
                _day(official["since"], lang) if official else "—",
            ],
            [
                _("Basis"),
                _("the evidence, confidence %(confidence)s")
                % {"confidence": f"{round(assessed['confidence'] * 100)} %"},
                official["authority"] if official else "—",
            ],
        ],
        (40, 65, 65),
    )
    if assessed["flags"]:
        flags = ", ".join(label(FLAG_LABELS, f, lang) for f in assessed["flags"])
        w.paragraph(_("Flags: %(flags)s") % {"flags": flags})
    w.paragraph(assessed["explanation"])
    w.heading(_("Clocks"))
    days = assessed["days_since_last_information"]
    w.pairs(
        [
            (_("Last information"), _day(assessed["last_information_on"], lang)),
            (_("Days without information"), str(days) if days is not None else "—"),
            (
                _("A court may declare the person missing or dead from"),
                _day(assessed["court_date"], lang),
            ),
        ]
    )


def _requests_section(w: _Writer, snapshot: dict[str, Any]) -> None:
    _, lang = w._, w.lang
    if not snapshot["requests"]:
        return
    w.heading(_("Tracing requests"))
    rows = [[_("Filed on"), _("Who asked"), _("Relationship"), _("How")]]
    for r in snapshot["requests"]:
        rows.append(
            [
                _day(r["filed_on"], lang),
                _(r["inquirer"]) if r["inquirer"] == ANOTHER_RELATIVE else r["inquirer"],
                label(RELATIONSHIP_LABELS, r["relationship"], lang),
                label(CHANNEL_LABELS, r["channel"], lang),
            ]
        )
    w.table(rows, (25, 65, 40, 40))


def _source(report: dict[str, Any], lang: str) -> str:
    _ = translator(lang)
    name = _(report["source"]) if report["source"] == ANOTHER_RELATIVE else report["source"]
    return f"{name} ({label(SOURCE_LABELS, report['source_type'], lang)})"


def _reports_section(w: _Writer, snapshot: dict[str, Any]) -> None:
    _, lang = w._, w.lang
    w.heading(_("Reports"))
    if not snapshot["reports"]:
        w.paragraph(_("No reports yet."))
        return
    rows = [["#", _("Date"), _("Claim"), _("Source"), _("Grade"), _("Place"), _("What was said")]]
    for r in snapshot["reports"]:
        claim = label(STATUS_LABELS, r["claim"], lang)
        if r["retracts"]:
            claim += " " + _("(withdraws #%(id)s)") % {"id": r["retracts"]}
        if r["retracted_by"]:
            claim += " " + _("(withdrawn by #%(id)s)") % {"id": r["retracted_by"]}
        rows.append(
            [
                str(r["id"]),
                _day(r["observed_on"], lang),
                claim,
                _source(r, lang),
                r["grade"],
                r["place"],
                r["text"],
            ]
        )
    w.table(rows, (9, 19, 28, 36, 12, 24, 42), size=7.5)


def _attachments_section(
    w: _Writer, snapshot: dict[str, Any], thumbnails: dict[str, bytes]
) -> None:
    _ = w._
    files = [
        (_("request #%(id)s") % {"id": r["id"]}, a)
        for r in snapshot["requests"]
        for a in r.get("attachments", [])
    ] + [
        (_("report #%(id)s") % {"id": r["id"]}, a)
        for r in snapshot["reports"]
        for a in r["attachments"]
    ]
    if not files:
        return
    w.heading(_("Attachments"))
    pdf = w.pdf
    pdf.set_font(FAMILY, size=8)
    with pdf.table(
        col_widths=(26, 46, 98),
        width=WIDTH,
        align="LEFT",
        text_align="LEFT",
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        line_height=4,
        padding=0.8,
    ) as table:
        head = table.row()
        for text in (_("Preview"), _("File"), _("SHA-256")):
            head.cell(text)
        for given_with, item in files:
            row = table.row()
            picture = thumbnails.get(item["sha256"])
            if picture is not None:
                row.cell(img=io.BytesIO(picture), img_fill_width=True)
            else:
                row.cell("—")
            if item.get("url"):  # a link, never fetched: no hash
                row.cell(f"{item['url']}\n{given_with}")
                row.cell("—")
                continue
            kib = max(1, round(item["size"] / 1024))
            row.cell(f"{item['filename']}\n{given_with}\n{item['media_type']}, {kib} KiB")
            row.cell(item["sha256"], style=FontFace(family=MONO, size_pt=6.5))
    pdf.ln(2)


def _authorities_section(w: _Writer, snapshot: dict[str, Any]) -> None:
    _, lang = w._, w.lang
    if not snapshot["authority_requests"]:
        return
    w.heading(_("Requests to authorities"))
    rows = [[_("Request"), _("Authority"), _("Sent"), _("Due"), _("Answered"), _("Answer")]]
    for r in snapshot["authority_requests"]:
        rows.append(
            [
                label(REQUEST_KIND_LABELS, r["kind"], lang),
                r["authority"],
                _day(r["sent_on"], lang),
                _day(r["due_on"], lang),
                _day(r["replied_on"], lang) if r["replied_on"] else _("not yet"),
                r["reply"],
            ]
        )
    w.table(rows, (32, 36, 19, 19, 20, 44), size=7.5)


def _identification_section(w: _Writer, snapshot: dict[str, Any]) -> None:
    _, lang = w._, w.lang
    for ident in snapshot["identifications"]:
        w.heading(_("DNA identification"))
        posterior = ident["posterior"]
        w.pairs(
            [
                (_("DNA case"), ident["case_code"]),
                (_("Remains"), ident["remains_code"]),
                (_("Likelihood ratio"), f"{ident['lr']:.4g}"),
                (_("Posterior probability"), f"{posterior:.6g}" if posterior is not None else "—"),
                (_("Conclusion"), label(CONCLUSION_LABELS, ident["conclusion"], lang)),
                (_("Confirmed by a second reviewer on"), _day(ident["confirmed_on"], lang)),
                (_("Method"), ident["method"]),
            ]
        )


def footer_lines(stamp: Stamp, lang: str) -> tuple[str, str]:
    """Return the two footer lines: number, instance, time; the content hash."""
    _ = translator(lang)
    made = stamp.made_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    first = _("Dossier %(code)s · instance %(instance)s · made %(made)s") % {
        "code": stamp.code,
        "instance": stamp.instance_id,
        "made": made,
    }
    return first, _("content SHA-256: %(hash)s") % {"hash": stamp.content_sha256}


def full_name(person: dict[str, Any]) -> str:
    """Return the person's name as written: surname, given name, patronymic."""
    return " ".join(p for p in (person["surname"], person["given_name"], person["patronymic"]) if p)


def render_pdf(
    snapshot: dict[str, Any],
    stamp: Stamp,
    lang: str,
    *,
    thumbnails: dict[str, bytes] | None = None,
    chart: Callable[[dict[str, Any], str], bytes] = timeline_png,
    compress: bool = True,
) -> bytes:
    """Lay out one dossier; return the PDF bytes."""
    _ = translator(lang)
    pdf = _Pages(footer_lines(stamp, lang))
    setup_pdf(pdf, compress=compress, margin=20)
    pdf.set_auto_page_break(auto=True, margin=22)
    person = snapshot["person"]
    name = full_name(person)
    pdf.set_title(_("Case dossier: %(name)s") % {"name": name})
    pdf.set_subject(stamp.subject())
    pdf.set_lang(lang)
    pdf.set_creation_date(stamp.made_at.replace(tzinfo=UTC))
    pdf.add_page()
    w = _Writer(pdf, lang)
    w.paragraph(_("Case dossier"), size=11)
    pdf.set_font(FAMILY, style="B", size=16)
    pdf.multi_cell(0, 8, name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    w.pairs(
        [
            (_("Dossier number"), stamp.code),
            (_("Made"), stamp.made_at.strftime("%Y-%m-%d %H:%M:%S UTC")),
            (_("Instance"), stamp.instance_id),
            (_("Facts as of"), _day(snapshot["as_of"], lang)),
        ]
    )
    w.heading(_("Identity"))
    w.pairs(
        [
            (_("Surname"), person["surname"]),
            (_("Given name"), person["given_name"]),
            (_("Patronymic"), person["patronymic"]),
            (_("Sex"), label(SEX_LABELS, person["sex"], lang)),
            (_("Date of birth"), person["birth"]),
            (_("Home region"), person["home_region"]),
            (_("Unit"), person["unit"]),
            (_("Rank"), person["rank"]),
            (_("Personal number"), person["personal_number"]),
        ]
    )
    _status_section(w, snapshot)
    if has_timeline(snapshot):
        w.heading(_("Timeline"))
        pdf.image(io.BytesIO(chart(snapshot, lang)), w=WIDTH)
        pdf.ln(2)
    _requests_section(w, snapshot)
    _reports_section(w, snapshot)
    _attachments_section(w, snapshot, thumbnails or {})
    _authorities_section(w, snapshot)
    _identification_section(w, snapshot)
    w.heading(_("How to verify this dossier"))
    w.paragraph(
        _(
            "The number of this dossier, the instance that made it, the time it was made and "
            "the SHA-256 of its content are printed at the foot of every page and written in "
            "the file's metadata. To check that the file is unaltered, run “kintrace dossier "
            "verify FILE.pdf” on that instance or upload the file on its page “Verify a "
            "dossier”; the check also says what has changed in the case since."
        ),
        italic=True,
    )
    return output_bytes(pdf)
