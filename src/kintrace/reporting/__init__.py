"""Readable reports of DNA identifications: one report model, rendered as HTML and as PDF.

:mod:`kintrace.reporting.identification` holds the model (what a report states) and every
sentence of it; :mod:`~kintrace.reporting.html` and :mod:`~kintrace.reporting.pdf` only lay
that out. The CLI (``kintrace dvi``) and the web app (the DNA laboratory's download) build the
model, from a DVI result or from a stored identification.
"""
