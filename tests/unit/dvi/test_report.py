"""Identification reports: one model, the same words in HTML and PDF, codes only."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from kintrace.dvi.data import check_dvi, parse_dvi_families, parse_remains
from kintrace.dvi.solve import Settings, solve_dvi
from kintrace.kinship.markers import FrequencyTable, make_marker
from kintrace.reporting.html import render_html
from kintrace.reporting.identification import (
    CLOSING,
    FLAT_PRIOR,
    Alternative,
    IdentificationReport,
    alternatives,
    evidence,
    explanation,
    facts,
    hypotheses,
    recorded_report,
    reports_from_dvi,
    title,
)
from kintrace.reporting.pdf import render_pdf
from pdf_pages import pdf_text


def page_text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def a_report(**changes: object) -> IdentificationReport:
    fields: dict[str, object] = {
        "missing": "M-7K2P9QX",
        "remains": "S-4HT8M2C",
        "family": "FAM-12",
        "conclusion": "probable",
        "lr": 123456.789,
        "posterior": 0.99912,
        "posterior_lower": 0.9953,
        "prior": FLAT_PRIOR,
        "markers": ("D3S1358", "TH01", "VWA"),
        "mutation": "equal (rate 0.001)",
        "threshold": 1e4,
        "made_on": date(2026, 3, 4),
        "method": "kintrace dvi: pairwise LR, undisputed and joint identification",
        "alternatives": (Alternative("S-9ZZZZZZ", "M-7K2P9QX", 3.5),),
    }
    fields.update(changes)
    return IdentificationReport(**fields)  # type: ignore[arg-type]


def statements(report: IdentificationReport) -> list[str]:
    """Every label, value and sentence of a report, as both renderings must show them."""
    out = [title(report), explanation(report), CLOSING]
    out += [f"{name}: {text}" for name, text in hypotheses(report)]
    for label, value in [*facts(report), *evidence(report)]:
        out += [label, value]
    out += [cell for row in alternatives(report) for cell in row]
    return out


def test_the_HTML_and_the_PDF_say_the_same_things() -> None:
    report = a_report()
    page = page_text(render_html(report))
    pdf = pdf_text(render_pdf(report))
    for statement in statements(report):
        assert statement in page, statement
        assert statement in pdf, statement
    for value in ("123457", "5.092", "0.99912", "0.9953", "3: D3S1358, TH01, VWA", "2026-03-04"):
        assert value in pdf


def test_the_pdf_is_compressed_by_default_and_readable_without() -> None:
    packed, plain = render_pdf(a_report()), render_pdf(a_report(), compress=False)
    assert packed.startswith(b"%PDF-") and plain.startswith(b"%PDF-")
    assert len(packed) < len(plain)  # the page streams are deflated (the fonts always are)
    assert pdf_text(packed) == pdf_text(plain)


def test_Cyrillic_is_printed_as_Cyrillic_in_the_PDF() -> None:
    report = a_report(missing="М-1", family="Петренко Іван Ёжикович", alternatives=())
    pdf = pdf_text(render_pdf(report))
    assert "missing person М-1" in pdf  # Cyrillic Em, not an escape
    assert "Петренко Іван Ёжикович" in pdf
    assert "<U+" not in pdf
    assert "М-1" in render_html(report)


def test_the_HTML_escapes_identifiers() -> None:
    page = render_html(a_report(remains="<S-1>"))
    assert "&lt;S-1&gt;" in page and "<S-1>" not in page


def test_reports_from_a_dvi_result() -> None:
    table = FrequencyTable({"M": make_marker("M", {"a": 0.25, "b": 0.75})})
    families = parse_dvi_families(
        "family id fid mid sex missing M\nF MP 0 0 1 1 -/-\nF CH MP 0 1 0 a/a\n"
    )
    remains = parse_remains("id sex M\nV 1 a/b\nW 1 b/b\n")
    result = solve_dvi(check_dvi(families, remains), table, settings=Settings(threshold=10.0))
    (report,) = reports_from_dvi(result, mutation="none", threshold=10.0, made_on=date(2026, 1, 2))
    ident = result.missing[0]
    assert (report.missing, report.remains, report.family) == ("MP", "V", "F")
    assert report.lr == pytest.approx(2.0)  # father a/b of child a/a: 1 / (2 p_a)
    assert report.posterior == ident.posterior and report.conclusion == ident.conclusion.value
    assert report.markers == ("M",) and report.threshold == 10.0 and report.mutation == "none"
    assert report.alternatives == ()  # W (b/b) cannot be the father of a/a: LR 0 is left out
    assert report.prior == FLAT_PRIOR


def test_a_stored_identification_reports_what_was_not_recorded() -> None:
    stored = recorded_report(
        case_code="M-1", remains_code="S-2", lr=5e7, posterior=None, conclusion="undisputed",
        method="entered by the laboratory", state="proposed", made_on=date(2026, 5, 6),
    )  # fmt: skip
    rows = dict(evidence(stored))
    assert rows["markers"] == rows["mutation model"] == rows["undisputed threshold"]
    assert rows["markers"] == "not recorded"
    assert rows["prior"] == "not recorded (entered by hand)"
    assert ("state of the identification", "proposed") in facts(stored)
    uploaded = recorded_report(
        case_code="M-1", remains_code="S-2", lr=5e7, posterior=1.0, conclusion="undisputed",
        method="kintrace dvi (out.json)", state="confirmed", made_on=date(2026, 5, 6),
    )  # fmt: skip
    assert dict(evidence(uploaded))["prior"] == FLAT_PRIOR
    assert "M-1" in pdf_text(render_pdf(uploaded))


def test_a_pairing_held_back_by_the_chance_bound_says_why_in_both_forms() -> None:
    reason = "an unrelated body could reach LR 5e+04 by chance among the 1000 remains compared"
    report = a_report(conclusion="inconclusive", reason=reason)
    assert explanation(report).startswith("An unrelated body could reach LR 5e+04")
    assert "more reference samples help" in explanation(report)
    page = page_text(render_html(report))
    pdf = pdf_text(render_pdf(report))
    assert explanation(report) in page
    assert explanation(report) in pdf
    assert "unrelated body" not in explanation(a_report(conclusion="inconclusive"))
