"""An identification report as a PDF (fpdf2), with the same sections and words as the HTML.

The PDF uses a core font (Helvetica), so its text is ASCII: no Unicode TrueType font ships
with kintrace or its dependencies. Identifiers are meant to be codes (``M-…``, ``S-…``); any
character outside ASCII is written ``<U+XXXX>`` (unambiguous, never silently dropped) and the
report says so.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

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

_PLAIN = {
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2026": "...",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2265": ">=",
    "\u2264": "<=",
    "\u00d7": "x",
    "\u00b7": "*",
}
ESCAPE_NOTE = (
    "Characters outside ASCII are written <U+code>: this PDF uses a core font, since no "
    "Unicode font ships with kintrace."
)


def ascii_text(text: str) -> str:
    """Return text with every character outside ASCII replaced by an ASCII form.

    Typographic dashes, quotes and signs become their ASCII look-alikes; anything else is
    written ``<U+XXXX>`` so that no identifier is changed silently.

    >>> ascii_text("M-7 \u2265 1 \u2013 \u0416")
    'M-7 >= 1 - <U+0416>'
    """
    out = []
    for char in unicodedata.normalize("NFC", text):
        if ord(char) < 128:
            out.append(char)
        else:
            out.append(_PLAIN.get(char, f"<U+{ord(char):04X}>"))
    return "".join(out)


class _Writer:
    """Lays out the report's sections on A4 pages."""

    def __init__(self, *, compress: bool) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_compression(compress)
        self.pdf.set_margins(20, 20, 20)
        self.pdf.set_auto_page_break(auto=True, margin=20)
        self.pdf.add_page()
        self.escaped = False

    def text(self, value: str) -> str:
        safe = ascii_text(value)
        self.escaped = self.escaped or safe != value
        return safe

    def heading(self, value: str, size: float) -> None:
        self.pdf.set_font("helvetica", style="B", size=size)
        self.pdf.multi_cell(
            0, size * 0.5, self.text(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.pdf.ln(2)
        self.pdf.set_font("helvetica", size=10)

    def paragraph(self, value: str, *, italic: bool = False) -> None:
        self.pdf.set_font("helvetica", style="I" if italic else "", size=10)
        self.pdf.multi_cell(0, 5, self.text(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(2)
        self.pdf.set_font("helvetica", size=10)

    def rows(
        self, rows: Sequence[tuple[str, ...]], widths: tuple[float, ...], header: bool = False
    ) -> None:
        self.pdf.set_font("helvetica", size=10)
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
                    cells.cell(self.text(cell))
        self.pdf.ln(3)


def render_pdf(report: IdentificationReport, *, compress: bool = True) -> bytes:
    """Render one identification report as PDF bytes (``compress=False`` for readable tests)."""
    writer = _Writer(compress=compress)
    writer.pdf.set_title(writer.text(title(report)))
    writer.pdf.set_creator("kintrace")
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
    if writer.escaped:
        writer.paragraph(ESCAPE_NOTE, italic=True)
    return bytes(writer.pdf.output())
