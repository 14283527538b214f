"""Unicode fonts for every PDF kintrace writes: the DejaVu family shipped inside matplotlib.

fpdf2's core fonts (Helvetica, Times, Courier) are Latin-1 only, so Cyrillic names could not be
printed. matplotlib, a dependency of kintrace, ships the DejaVu Sans TrueType family (Bitstream
Vera derivative, free licence, Latin, Cyrillic and Greek) in ``matplotlib.get_data_path()/fonts/
ttf``; nothing is downloaded at run time. fpdf2 embeds only the glyphs a document uses (subset),
so a short PDF stays small.

:func:`register_fonts` adds the family to one :class:`fpdf.FPDF` (regular, bold, italic) and
the monospaced DejaVu Sans Mono (regular) under :data:`MONO`; :func:`new_pdf` makes an A4
document with both registered, the usual margins and automatic page breaks, and
:func:`setup_pdf` does the same to a document of one's own class (a footer on every page).

fpdf2 and matplotlib are imported inside the functions: this module is imported only when a PDF
is written, and the CLI's start stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kintrace.errors import ConfigurationError

if TYPE_CHECKING:
    from fpdf import FPDF

FAMILY = "dejavu"
"""Name the proportional DejaVu Sans family is registered under."""

MONO = "dejavu-mono"
"""Name DejaVu Sans Mono is registered under (hashes, codes)."""

# fpdf2 style -> file name; "I" is DejaVu's Oblique. Only the styles kintrace's documents use
# are registered: reading a TrueType file costs about 60 ms, and bold italic or a bold
# monospace are used nowhere (fpdf2 refuses an unregistered style loudly).
_SANS = {
    "": "DejaVuSans.ttf",
    "B": "DejaVuSans-Bold.ttf",
    "I": "DejaVuSans-Oblique.ttf",
}
_MONO = {
    "": "DejaVuSansMono.ttf",
}


def font_folder() -> Path:
    """Return the folder of matplotlib's bundled TrueType fonts."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def register_fonts(pdf: FPDF) -> str:
    """Register DejaVu Sans (regular, bold, italic) and DejaVu Sans Mono on ``pdf``.

    Returns the family name to pass to ``pdf.set_font``. A missing bold or italic file is
    skipped (fpdf2 then refuses that style loudly); a missing regular file raises
    :class:`~kintrace.errors.ConfigurationError` (a broken matplotlib install).
    """
    folder = font_folder()
    for family, files in ((FAMILY, _SANS), (MONO, _MONO)):
        if not (folder / files[""]).is_file():
            raise ConfigurationError(
                f"{folder / files['']}: font file not found (reinstall matplotlib)"
            )
        for style, name in files.items():
            path = folder / name
            if path.is_file():
                pdf.add_font(family, style=style, fname=str(path))
    return FAMILY


def setup_pdf(pdf: FPDF, *, compress: bool = True, margin: float = 20) -> FPDF:
    """Set up an A4 :class:`fpdf.FPDF` (or a subclass with its own header or footer).

    DejaVu is registered and selected (10 pt); text shaping (HarfBuzz) stays off: Cyrillic and
    Latin need none, and shaping would slow every page. Margins and the automatic page break
    are ``margin`` millimetres. Returns ``pdf``.
    """
    pdf.set_compression(compress)
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(auto=True, margin=margin)
    pdf.set_text_shaping(False)
    register_fonts(pdf)
    pdf.set_font(FAMILY, size=10)
    pdf.set_creator("kintrace")
    return pdf


def new_pdf(*, compress: bool = True, margin: float = 20) -> FPDF:
    """Return an A4 :class:`fpdf.FPDF` set up by :func:`setup_pdf`."""
    from fpdf import FPDF

    return setup_pdf(FPDF(format="A4"), compress=compress, margin=margin)


def output_bytes(pdf: FPDF) -> bytes:
    """Write the document and return its bytes, then close the font files.

    fpdf2 opens each TrueType file lazily (fontTools ``lazy=True``) and never closes it: a
    document left to the garbage collector leaks one open file per registered style (Python
    warns: ``ResourceWarning``). Always end a document with this instead of ``pdf.output()``.
    """
    try:
        return bytes(pdf.output())
    finally:
        for font in pdf.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()
