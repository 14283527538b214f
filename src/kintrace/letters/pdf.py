"""A letter as a PDF (fpdf2 with the DejaVu fonts of kintrace.reporting.fonts: Cyrillic prints).

The only module of the letters that uses fpdf2, and only inside :func:`letter_pdf`: the
command line and a letter's text (the web preview) do not load it.
"""

from __future__ import annotations

from kintrace.letters.model import Letter
from kintrace.reporting.fonts import FAMILY, new_pdf, output_bytes

_LINE = 5.5  # millimetres per line of 10-point text


def letter_pdf(letter: Letter) -> bytes:
    """Return a letter as the bytes of an A4 PDF."""
    from fpdf.enums import XPos, YPos  # fpdf2 loads only when a PDF is written

    pdf = new_pdf()
    pdf.set_title(letter.title)
    pdf.set_lang(letter.lang)
    pdf.add_page()

    def paragraph(text: str, *, style: str = "", size: float = 10, align: str = "L") -> None:
        pdf.set_font(FAMILY, style=style, size=size)
        pdf.multi_cell(0, _LINE, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    for line in letter.header:
        paragraph(line, align="R")
    pdf.ln(_LINE)
    paragraph(letter.title, style="B", size=12, align="C")
    pdf.ln(_LINE)
    for section in letter.sections:
        paragraph(section.heading, style="B")
        for text in section.paragraphs:
            paragraph(text, align="J" if not text.startswith("–") else "L")
        pdf.ln(_LINE / 2)
    paragraph(letter.closing)
    pdf.ln(_LINE)
    paragraph(letter.date_line)
    pdf.ln(_LINE)
    paragraph(letter.signature)
    return output_bytes(pdf)  # closes the font files too
