"""Text of the PDFs kintrace writes, read back with pypdf (a reader independent of fpdf2)."""

from __future__ import annotations

import io

from pypdf import PdfReader


def page_texts(data: bytes) -> list[str]:
    """Return the text of each page, whitespace folded to single spaces."""
    reader = PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def pdf_text(data: bytes) -> str:
    """Return the text of every page of a PDF, joined, whitespace folded to single spaces."""
    return " ".join(page_texts(data))
