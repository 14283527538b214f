"""The PDF report of the public figures: documented counts, published estimates, charts and
the methods, in Russian, Ukrainian or English (DejaVu, :mod:`kintrace.reporting.fonts`).

It holds only what the public page shows: published counts (hidden ones as ``x``) and
published estimates; no personal data. The words are translated from the catalogues; the
labels of statuses, regions, methods and strata come translated from the caller.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from kintrace.reporting.fonts import FAMILY, output_bytes, setup_pdf
from kintrace.stats.published import PublicEstimate
from kintrace.stats.service import HIDDEN, SMALL_CELL, PublicFigures
from kintrace.translation import long_date, translations

WIDTH = 170.0
"""Width of the text on an A4 page with 20 mm margins, in millimetres."""


@dataclass(frozen=True, slots=True)
class Words:
    """The caller's translated labels of cell keys, methods and strata."""

    status: Callable[[str], str]
    cell: Callable[[str], str]
    method: Callable[[str], str]
    strata: Callable[[str], str]


class _Pages(FPDF):
    def __init__(self, footer: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FAMILY, size=7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, f"{self.footer_text} · {self.page_no()}/{{nb}}")
        self.set_text_color(0, 0, 0)


def _number(text: str, lang: str) -> str:
    """Group the digits of a published count as the language does (``x`` stays ``x``)."""
    if not text.isdigit():
        return text
    return f"{int(text):,}".replace(",", "\u00a0" if lang != "en" else ",")


def _round(value: float | None, lang: str) -> str:
    return "—" if value is None else _number(str(round(value)), lang)


def figures_pdf(
    figures: PublicFigures,
    estimates: Sequence[PublicEstimate],
    *,
    lang: str,
    words: Words,
    charts: Sequence[bytes],
    today: date,
) -> bytes:
    """Lay out the public figures, the published estimates, the charts and the methods."""
    _ = translations(lang).gettext
    pdf = _Pages(_("kintrace: public figures") + f" · {long_date(today, lang)}")
    setup_pdf(pdf)
    pdf.set_title(_("Public figures and estimates"))
    pdf.set_subject(_("Public figures and estimates"))
    pdf.add_page()

    def heading(text: str, size: float = 12) -> None:
        if pdf.get_y() > 245:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(FAMILY, style="B", size=size)
        pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
        pdf.set_font(FAMILY, size=9)

    def paragraph(text: str) -> None:
        pdf.set_font(FAMILY, size=9)
        pdf.multi_cell(0, 4.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

    def table(rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        pdf.set_font(FAMILY, size=8.5)
        with pdf.table(
            col_widths=tuple(widths),
            width=sum(widths),
            align="LEFT",
            text_align="LEFT",
            first_row_as_headings=True,
            headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
            line_height=4.5,
        ) as grid:
            for row in rows:
                line = grid.row()
                for value in row:
                    line.cell(value)
        pdf.ln(2)

    heading(_("Public figures and estimates"), 15)
    paragraph(
        _(
            "Aggregate counts only, no personal data. A count from 1 to 4 is hidden and "
            "shown as “x”, and so are a few other counts where a hidden one could otherwise "
            "be worked out from the totals."
        )
    )
    heading(_("Documented counts"))
    table(
        [
            [_("What"), _("Count")],
            [_("missing persons traced"), _number(figures.persons, lang)],
            [_("tracing requests"), _number(figures.requests, lang)],
            [_("reports recorded"), _number(figures.reports, lang)],
        ],
        (120, 40),
    )
    for title, cells, word in (
        (_("By what the evidence supports"), figures.by_status, words.status),
        (_("By regional desk"), figures.by_region, words.cell),
        (_("By month of disappearance"), figures.by_month, words.cell),
    ):
        if cells:
            heading(title, 10.5)
            table(
                [[_("What"), _("Count")]] + [[word(c.key), _number(c.text, lang)] for c in cells],
                (120, 40),
            )
    heading(_("Estimates of the true numbers"))
    if estimates:
        rows = [
            [
                _("Method"),
                _("Lists"),
                _("Strata"),
                _("Documented"),
                _("Estimate"),
                _("95%% interval"),
            ]
        ]
        rows[0][-1] = rows[0][-1].replace("%%", "%")
        rows += [
            [
                words.method(e.method) + (f" ({e.model})" if e.model else ""),
                ", ".join(e.lists),
                words.strata(e.strata),
                _number(e.observed, lang),
                _round(e.value, lang),
                f"{_round(e.ci_low, lang)} – {_round(e.ci_high, lang) if e.ci_high else '∞'}",
            ]
            for e in estimates
        ]
        table(rows, (40, 38, 26, 22, 20, 24))
    else:
        paragraph(_("No estimate has been published yet."))
    if charts:
        heading(_("Charts"))
        for png in charts:
            if pdf.get_y() > 200:
                pdf.add_page()
            pdf.image(io.BytesIO(png), w=WIDTH)
            pdf.ln(3)
    heading(_("Methods"))
    for text in (
        _(
            "Documented counts are the persons recorded in kintrace: by the status the "
            "evidence supports, by regional desk and by the month of the last information "
            "about them. Each table sums to the number of persons traced."
        ),
        _(
            "Estimates come from overlapping lists (multiple systems estimation): each "
            "person linked to the lists counts once, with the set of lists he is on, and the "
            "overlaps tell how many persons no list holds. They assume that the lists are "
            "linked without error and that no person enters or leaves the population while "
            "the lists are made; they fail when some persons can appear on no list at all."
        ),
        _(
            "Log-linear models (Rcapture): all main effects with chosen two-way interactions "
            "and heterogeneity models, the model chosen by BIC, a 95% profile-likelihood "
            "interval."
        ),
        _(
            "Bayesian model averaging over decomposable graphical models (in the spirit of "
            "the dga package): the posterior of the total averaged over the graphs of list "
            "dependence."
        ),
        _(
            "Latent classes (in the spirit of LCMCR, Manrique-Vallier 2016): persons differ "
            "in how likely each list is to hold them, through classes the model finds."
        ),
        _(
            "Where the three families disagree, the lists say too little to estimate "
            "precisely. An estimate appears here only once an analyst has published it."
        ),
    ):
        paragraph(text)
    paragraph(_("Hidden counts: fewer than %(n)s.") % {"n": SMALL_CELL} + f" ({HIDDEN})")
    pdf.alias_nb_pages()
    return output_bytes(pdf)
