"""An identification report as a PDF (fpdf2), with the same sections and words as the HTML.

The text is set in DejaVu Sans, the Unicode TrueType family shipped inside matplotlib
(:mod:`kintrace.reporting.fonts`): Cyrillic codes and names print as they are written.
fpdf2 is imported only when a report is written (the CLI imports this module lazily).
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf.enums import XPos, YPos

from kintrace.reporting.fonts import FAMILY, new_pdf, output_bytes
from kintrace.reporting.identification import (
    CLOSING,
    IdentificationReport,
    alternatives,
    evidence,
    explanation,
    facts,
    hypotheses,
    title,
)


class _Writer:
    """Lays out the report's sections on A4 pages."""

    def __init__(self, *, compress: bool) -> None:
        self.pdf = new_pdf(compress=compress)
        self.pdf.add_page()

    def heading(self, value: str, size: float) -> None:
        self.pdf.set_font(FAMILY, style="B", size=size)
        self.pdf.multi_cell(0, size * 0.5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(2)
        self.pdf.set_font(FAMILY, size=10)

    def paragraph(self, value: str, *, italic: bool = False) -> None:
        self.pdf.set_font(FAMILY, style="I" if italic else "", size=10)
        self.pdf.multi_cell(0, 5, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(2)
        self.pdf.set_font(FAMILY, size=10)

    def rows(
        self, rows: Sequence[tuple[str, ...]], widths: tuple[float, ...], header: bool = False
    ) -> None:
        self.pdf.set_font(FAMILY, size=10)
        with self.pdf.table(
            col_widths=widths,
            text_align="LEFT",
            first_row_as_headings=header,
            line_height=5,
            padding=1,
        ) as table:
            for row in rows:
                cells = table.row()
                for cell in row:
                    cells.cell(cell)
        self.pdf.ln(3)


def render_pdf(report: IdentificationReport, *, compress: bool = True) -> bytes:
    """Render one identification report as PDF bytes (``compress=False`` for readable tests)."""
    writer = _Writer(compress=compress)
    writer.pdf.set_title(title(report))
    writer.heading(title(report), 14)
    writer.rows(facts(report), (55, 115))
    writer.heading("Hypotheses", 12)
    for name, statement in hypotheses(report):
        writer.paragraph(f"{name}: {statement}")
    writer.heading("Evidence", 12)
    writer.rows(evidence(report), (55, 115))
    competing = alternatives(report)
    if competing:
        writer.heading("Competing pairings", 12)
        writer.rows([("remains", "missing person", "LR"), *competing], (55, 75, 40), header=True)
    why = explanation(report)
    if why:
        writer.paragraph(why)
    writer.paragraph(CLOSING, italic=True)
    return output_bytes(writer.pdf)
