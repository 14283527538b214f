"""The case dossier: one person's case, organised, dated and verifiable, as PDF and HTML.

- :mod:`~kintrace.dossier.snapshot` gathers what the viewer may see of a case
  (:func:`kintrace.cases.dossier.dossier` applies the access rules) into plain JSON data, the
  *snapshot*, and hashes it (:func:`~kintrace.dossier.snapshot.content_hash`).
- :mod:`~kintrace.dossier.pdf` lays a snapshot out on A4 pages (fpdf2, DejaVu fonts), with
  :mod:`~kintrace.dossier.chart`'s timeline (matplotlib) and image thumbnails (Pillow).
- :mod:`~kintrace.dossier.stamp` is what every page and the PDF metadata carry: the dossier's
  number, the instance, the time it was made and the content hash.
- :mod:`~kintrace.dossier.changes` says what changed between two snapshots (pure).
- :mod:`~kintrace.dossier.service` makes a dossier (recording it in ``dossiers``) and verifies
  a file against the records.
- :mod:`~kintrace.dossier.words` holds the labels, translated through the gettext catalogues.
"""
